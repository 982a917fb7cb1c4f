// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/bigbuf.h"
#include "common/base/fileio.h"
#include "common/codec/gzenc.h"
#include "common/codec/bzsplice.h"
#include "common/codec/gzsplice.h"
#include "common/io/imageid.h"
#include "common/codec/xzenc.h"
#include "common/base/macro.h"
#include "common/io/sink.h"
#include "common/io/source.h"
#include "common/io/spancopy.h"

#define BUF_SIZE (256 * 1024)
/* Members read again from the input up to this size reuse one buffer. */
#define MEMBER_BUF_MAX (4 * 1024 * 1024)

struct sink {
	int fd;
	char *name;
	enum act_compression comp;
	struct blockenc *gz;	/* gzip on every core */
	struct xzenc *xz;	/* xz on every core */
	struct archive *aw;	/* other compressors (libarchive) */
	unsigned char *buf;	/* plain output is written in large blocks */
	size_t buf_len;
	uint64_t bytes_in;
	struct imageid *id; /* with image_id */
	char id_text[IMAGEID_LEN + 1];
	int write_errno;
	bool discard; /* opened on fd -1: nothing is written */
	bool wrote;   /* some bytes went to the fd */
	bool finished;
	struct writeback wb;
	struct spancopy *span;	/* spans of an input file, copied on a thread */
	unsigned char *mbuf;	/* a member read again from the input file */
	size_t mbuf_cap;
	int level;		/* 0: the codec's default */
	struct gzsplice *splice; /* gzip spliced from in_fd (sink_splice_from) */
	struct bzsplice *bzsplice; /* bzip2 spliced from the input's blocks */
	int in_fd;
	char *in_name;
};

static int write_all(struct sink *s, const void *buf, size_t len)
{
	if (s->discard)
		return 0;
	s->wrote = true;
	if (fileio_write(s->fd, buf, len) < 0) {
		s->write_errno = errno;
		return -1;
	}
	writeback_advance(&s->wb, len);
	return 0;
}

static la_ssize_t aw_write_cb(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct sink *s = ctx;

	if (write_all(s, buf, len) < 0) {
		archive_set_error(a, s->write_errno, "%s", strerror(s->write_errno));
		return -1;
	}
	return (la_ssize_t)len;
}

static int open_compressor(struct sink *s, const struct sink_options *opt,
			   struct act_err *err)
{
	struct archive_entry *e;
	char opts[128];
	const char *mod;
	int r;

	s->aw = archive_write_new();
	switch (opt->comp) {
	case ACT_COMP_GZIP:
		r = archive_write_add_filter_gzip(s->aw);
		mod = "gzip";
		break;
	case ACT_COMP_BZIP2:
		r = archive_write_add_filter_bzip2(s->aw);
		mod = "bzip2";
		break;
	default:
		r = archive_write_add_filter_xz(s->aw);
		mod = "xz";
		break;
	}
	if (r != ARCHIVE_OK)
		goto fail;
	/* The "raw" format passes our tar bytes through the filter unchanged. */
	if (archive_write_set_format_raw(s->aw) != ARCHIVE_OK)
		goto fail;
	/* No timestamp in the gzip header: same input, same bytes. */
	if (opt->comp == ACT_COMP_GZIP &&
	    archive_write_set_filter_option(s->aw, "gzip", "timestamp", NULL) != ARCHIVE_OK)
		goto fail;
	if (opt->level > 0) {
		snprintf(opts, sizeof(opts), "%d", opt->level);
		if (archive_write_set_filter_option(s->aw, mod, "compression-level", opts) !=
		    ARCHIVE_OK)
			goto fail;
	}
	/* No blocking: padding would land after the compressed stream. */
	archive_write_set_bytes_per_block(s->aw, 0);
	archive_write_set_bytes_in_last_block(s->aw, 1);
	if (archive_write_open(s->aw, s, NULL, aw_write_cb, NULL) != ARCHIVE_OK)
		goto fail;
	e = archive_entry_new();
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_pathname(e, "tar");
	r = archive_write_header(s->aw, e);
	archive_entry_free(e);
	if (r != ARCHIVE_OK)
		goto fail;
	return 0;
fail:
	return act_err_set(err, EIO, "%s: cannot start %s compression: %s", s->name,
			   compression_name(opt->comp), archive_error_string(s->aw));
}

static int out_write_cb(void *ctx, const void *buf, size_t len, struct act_err *err)
{
	struct sink *s = ctx;

	if (write_all(s, buf, len) < 0)
		return act_err_set(err, s->write_errno, "%s: write error: %s", s->name,
				   strerror(s->write_errno));
	return 0;
}

static int gz_write_cb(void *ctx, const void *buf, size_t len, uint64_t ulen, uint64_t aux,
		       struct act_err *err)
{
	(void)ulen;
	(void)aux;
	return out_write_cb(ctx, buf, len, err);
}

struct sink *sink_open_fd(int fd, const char *name, const struct sink_options *opt,
			  struct act_err *err)
{
	struct sink *s = xcalloc(1, sizeof(*s));

	s->fd = fd;
	s->discard = fd < 0;
	writeback_init(&s->wb, fd, opt->no_sync);
	s->name = xstrdup(name);
	s->comp = opt->comp;
	s->level = opt->level;
	if (opt->image_id && !(s->id = imageid_new(err))) {
		sink_free(s);
		return NULL;
	}
	if (opt->comp == ACT_COMP_NONE) {
		s->buf = xmalloc(BUF_SIZE);
	} else if ((opt->comp == ACT_COMP_GZIP || opt->comp == ACT_COMP_XZ) &&
		   !codec_fallback()) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		int threads = cpus < 1 ? 1 : cpus > 16 ? 16 : (int)cpus;
		int level = opt->level > 0 ? opt->level : 6;

		if (opt->comp == ACT_COMP_GZIP)
			s->gz = gzenc_new(level, threads, gz_write_cb, s, err);
		else
			s->xz = xzenc_new(level, threads, out_write_cb, s, err);
		if (!s->gz && !s->xz) {
			sink_free(s);
			return NULL;
		}
	} else if (open_compressor(s, opt, err) < 0) {
		sink_free(s);
		return NULL;
	}
	return s;
}

static int write_error(struct sink *s, struct act_err *err)
{
	if (s->write_errno)
		return act_err_set(err, s->write_errno, "%s: write error: %s", s->name,
				   strerror(s->write_errno));
	return act_err_set(err, EIO, "%s: %s compression failed: %s", s->name,
			   compression_name(s->comp), archive_error_string(s->aw));
}

/* Bytes of the uncompressed stream written: counted, and hashed for the ID. */
static void count_in(struct sink *s, const void *buf, size_t len)
{
	s->bytes_in += len;
	if (s->id)
		imageid_update(s->id, buf, len);
}

int sink_write(struct sink *s, const void *buf, size_t len, struct act_err *err)
{
	count_in(s, buf, len);
	if (s->splice)
		return gzsplice_write(s->splice, buf, len, err);
	if (s->bzsplice)
		return bzsplice_write(s->bzsplice, buf, len, err);
	if (s->gz)
		return blockenc_write(s->gz, buf, len, err);
	if (s->xz)
		return xzenc_write(s->xz, buf, len, err);
	if (s->aw) {
		while (len > 0) {
			la_ssize_t n = archive_write_data(s->aw, buf, len);

			if (n <= 0)
				return write_error(s, err);
			buf = (const char *)buf + n;
			len -= (size_t)n;
		}
		return 0;
	}
	if (s->discard)
		return 0;
	if (s->span && spancopy_finish(s->span, s->name, err) < 0)
		return -1;
	if (s->buf_len + len > BUF_SIZE) {
		if (write_all(s, s->buf, s->buf_len) < 0)
			return write_error(s, err);
		s->buf_len = 0;
		if (len >= BUF_SIZE)
			return write_all(s, buf, len) < 0 ? write_error(s, err) : 0;
	}
	memcpy(s->buf + s->buf_len, buf, len);
	s->buf_len += len;
	return 0;
}

bool sink_takes_members(const struct sink *s, enum act_compression comp)
{
	return comp == s->comp && (s->gz || s->xz);
}

int sink_copy_member(struct sink *s, const void *member, size_t len, uint64_t ulen,
		     uint64_t aux, struct act_err *err)
{
	s->bytes_in += ulen;
	if (s->xz)
		return xzenc_copy_block(s->xz, member, len, ulen, aux, err);
	return blockenc_copy(s->gz, member, len, ulen, aux, err);
}

int sink_copy_member_file(struct sink *s, int fd, const char *name, int64_t off, size_t len,
			  uint64_t ulen, uint64_t aux, struct act_err *err)
{
	/* Small members (acitool's gzip: 1 MiB) reuse one buffer; a big one
	 * (xz -T: 24 MiB) is mapped for itself and given back at once. */
	bool big = len > MEMBER_BUF_MAX;
	unsigned char *buf;
	ssize_t n;
	int r;

	if (!big && len > s->mbuf_cap) {
		free(s->mbuf);
		s->mbuf_cap = len;
		s->mbuf = xmalloc(len);
	}
	buf = big ? bigbuf_alloc(len) : s->mbuf;

	n = fileio_pread(fd, buf, len, (off_t)off);
	if (n < 0)
		r = act_err_set(err, errno, "%s: read error: %s", name, strerror(errno));
	else if ((size_t)n < len)
		r = act_err_set(err, EIO, "%s: the file shrank while being read", name);
	else
		r = sink_copy_member(s, buf, len, ulen, aux, err);
	if (big)
		bigbuf_free(buf, len);
	return r;
}

int sink_drain(struct sink *s, struct act_err *err)
{
	if (s->xz)
		return xzenc_drain(s->xz, err);
	return 0;
}

void sink_expect_edits(struct sink *s, bool expect)
{
	if (s->splice)
		gzsplice_expect_edits(s->splice, expect);
}

bool sink_takes_ranges(const struct sink *s)
{
	/* Not when hashing: the image ID needs every byte in memory. */
	return s->comp == ACT_COMP_NONE && !s->id && !s->discard;
}

/* Plain output: everything pending goes out (one of the two at most). */
static int flush_plain(struct sink *s, struct act_err *err)
{
	if (s->span && spancopy_finish(s->span, s->name, err) < 0)
		return -1;
	if (s->buf_len && write_all(s, s->buf, s->buf_len) < 0)
		return write_error(s, err);
	s->buf_len = 0;
	return 0;
}

/* len bytes of the file fd from off go out next, file to file: adjacent
 * spans join, and the copy runs on a thread as they grow. */
static int copy_span(struct sink *s, int fd, const char *name, int64_t off, uint64_t len,
		     struct act_err *err)
{
	if (s->span && spancopy_continues(s->span, fd, (uint64_t)off)) {
		spancopy_extend(s->span, len);
		return 0;
	}
	if (flush_plain(s, err) < 0)
		return -1;
	if (!s->span)
		s->span = spancopy_new(&s->wb);
	spancopy_start(s->span, fd, name, (uint64_t)off, len);
	s->wrote = true;
	return 0;
}

int sink_copy_range(struct sink *s, int fd, const char *name, int64_t off, uint64_t len,
		    struct act_err *err)
{
	s->bytes_in += len;
	return copy_span(s, fd, name, off, len, err);
}

void sink_account_uncompressed(struct sink *s, const void *buf, size_t len)
{
	if (s->id)
		imageid_update(s->id, buf, len);
}

/* The splice's own bytes: after the span being copied, in order. */
static int splice_write_cb(void *ctx, const void *buf, size_t len, struct act_err *err)
{
	struct sink *s = ctx;

	if (flush_plain(s, err) < 0)
		return -1;
	return out_write_cb(s, buf, len, err);
}

/* The input's compressed bytes: file to file, on the copy thread. */
static int splice_copy_cb(void *ctx, int64_t off, uint64_t len, struct act_err *err)
{
	struct sink *s = ctx;

	return copy_span(s, s->in_fd, s->in_name, off, len, err);
}

/* Cut the output back (the splice's copy ran ahead): after the copy in
 * flight, from where the output began. */
static int splice_truncate_cb(void *ctx, uint64_t len, struct act_err *err)
{
	struct sink *s = ctx;

	if (s->span && spancopy_finish(s->span, s->name, err) < 0)
		return -1;
	if (ftruncate(s->fd, (off_t)len) < 0 || lseek(s->fd, (off_t)len, SEEK_SET) < 0)
		return act_err_set(err, errno, "%s: %s", s->name, strerror(errno));
	writeback_rewind(&s->wb, len);
	return 0;
}

/* bzip2 in and out: the input's blocks copied, those edits touch made anew. */
static bool bz_splice_from(struct sink *s, struct source *src)
{
	bool discard = s->discard;

	/* The source says whether it is a file it can read again. */
	if (!s->aw || s->wrote || s->discard || s->bytes_in)
		return false;
	s->bzsplice = bzsplice_new(source_fd(src), source_file_offset(src, 0), out_write_cb, s);
	if (!source_observe_bzip2(src, bzsplice_block, s->bzsplice)) {
		bzsplice_free(s->bzsplice);
		s->bzsplice = NULL;
		return false;
	}
	/* libarchive's compressor has written nothing: it goes quietly. */
	s->discard = true;
	archive_write_free(s->aw);
	s->aw = NULL;
	s->discard = discard;
	return true;
}

bool sink_splice_from(struct sink *s, struct source *src)
{
	/* zlib's levels stop at 9; libdeflate's go on to 12. */
	int level = s->level <= 0 ? 6 : s->level > 9 ? 9 : s->level;
	const struct stat *in = source_stat(src);
	int64_t base = source_file_offset(src, 0);
	struct stat st;
	bool cut;

	if (s->comp == ACT_COMP_BZIP2 && source_compression(src) == ACT_COMP_BZIP2)
		return bz_splice_from(s, src);
	if (!s->gz || s->discard || s->bytes_in || source_compression(src) != ACT_COMP_GZIP)
		return false;
	/* Only a regular file this output began at the start of can be cut
	 * back (not a pipe, not a file appended to). */
	cut = fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode) && !s->wrote &&
	      lseek(s->fd, 0, SEEK_CUR) == 0;
	s->splice = gzsplice_new(source_fd(src), base,
				 in->st_size > base ? (uint64_t)(in->st_size - base) : 0, level,
				 splice_write_cb, splice_copy_cb, cut ? splice_truncate_cb : NULL, s);
	if (!source_observe_gzip(src, gzsplice_member, s->splice)) {
		gzsplice_free(s->splice);
		s->splice = NULL;
		return false;
	}
	s->in_fd = source_fd(src);
	s->in_name = xstrdup(source_path(src));
	/* Its threads and buffers are not needed: windows are small. */
	blockenc_free(s->gz);
	s->gz = NULL;
	return true;
}

int sink_write_input(struct sink *s, const void *buf, size_t len, uint64_t u_off,
		     struct act_err *err)
{
	if (s->bzsplice) {
		count_in(s, buf, len);
		return bzsplice_copy(s->bzsplice, buf, len, u_off, err);
	}
	if (!s->splice)
		return sink_write(s, buf, len, err);
	count_in(s, buf, len);
	return gzsplice_copy(s->splice, buf, len, u_off, err);
}

static int finish_output(struct sink *s, struct act_err *err)
{
	if (s->splice)
		return gzsplice_finish(s->splice, err) < 0 ? -1 : flush_plain(s, err);
	if (s->bzsplice)
		return bzsplice_finish(s->bzsplice, err);
	if (s->gz)
		return blockenc_finish(s->gz, err);
	if (s->xz)
		return xzenc_finish(s->xz, err);
	if (s->aw) {
		if (archive_write_close(s->aw) != ARCHIVE_OK)
			return write_error(s, err);
		return 0;
	}
	return flush_plain(s, err);
}

int sink_finish(struct sink *s, struct act_err *err)
{
	s->finished = true;
	if (finish_output(s, err) < 0)
		return -1;
	return s->id ? imageid_finish(s->id, s->id_text, err) : 0;
}

const char *sink_image_id(const struct sink *s)
{
	return s->id_text[0] ? s->id_text : NULL;
}

void sink_free(struct sink *s)
{
	if (!s)
		return;
	if (s->aw) {
		/* An unfinished compressor must not write its trailer now: the
		 * output is being abandoned. */
		if (!s->finished)
			s->fd = -1;
		archive_write_free(s->aw);
	}
	spancopy_free(s->span);
	gzsplice_free(s->splice);
	bzsplice_free(s->bzsplice);
	free(s->in_name);
	blockenc_free(s->gz);
	xzenc_free(s->xz);
	imageid_free(s->id);
	free(s->buf);
	free(s->mbuf);
	free(s->name);
	free(s);
}

uint64_t sink_bytes_in(const struct sink *s)
{
	return s->bytes_in;
}

bool sink_wrote(struct sink *s)
{
	if (s->splice)
		gzsplice_stop(s->splice);
	return s->wrote;
}
