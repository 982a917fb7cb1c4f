// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/bigbuf.h"
#include "common/gzenc.h"
#include "common/imageid.h"
#include "common/xzenc.h"
#include "common/macro.h"
#include "common/sink.h"
#include "common/source.h"

#define BUF_SIZE (256 * 1024)
/* Ask the kernel to start writing the output out every so many bytes. */
#define WRITEBACK_AT (8 * 1024 * 1024)
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
	bool finished;
	bool no_cfr;		/* copy_file_range does not work between the files */
	/* A span of an input file still to copy: adjacent spans grow it, so
	 * that a run of untouched entries is one copy. */
	int pend_fd;
	const char *pend_name;
	uint64_t pend_off, pend_len;
	unsigned char *mbuf;	/* a member read again from the input file */
	size_t mbuf_cap;
	uint64_t out_pos;	/* bytes written to fd */
	uint64_t wb_pos;	/* written back (or started) up to here */
	bool no_wb;		/* no sync to come, or fd is not a file sync_file_range takes */
};

/*
 * The output is synced before it is renamed into place. Left to itself, the
 * kernel writes nothing of it back before that fsync (its dirty limits are a
 * share of RAM), so the disk waits idle while the image is made and the
 * whole file is written at the end. Starting write-back as the output grows
 * overlaps the two; the final fsync then waits for the last few MiB.
 */
static void start_writeback(struct sink *s)
{
	if (s->no_wb || s->out_pos - s->wb_pos < WRITEBACK_AT)
		return;
	if (sync_file_range(s->fd, (off_t)s->wb_pos, (off_t)(s->out_pos - s->wb_pos),
			    SYNC_FILE_RANGE_WRITE) < 0)
		s->no_wb = true; /* a pipe (ESPIPE), or a file system without it */
	s->wb_pos = s->out_pos;
}

static int write_all(struct sink *s, const void *buf, size_t len)
{
	const char *p = buf;

	if (s->discard)
		return 0;
	while (len > 0) {
		ssize_t n = write(s->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			s->write_errno = errno;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		s->out_pos += (uint64_t)n;
	}
	start_writeback(s);
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
	s->no_wb = opt->no_sync;
	s->name = xstrdup(name);
	s->comp = opt->comp;
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

static int flush_range(struct sink *s, struct act_err *err);

int sink_write(struct sink *s, const void *buf, size_t len, struct act_err *err)
{
	s->bytes_in += len;
	if (s->id)
		imageid_update(s->id, buf, len);
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
	if (s->pend_len && flush_range(s, err) < 0)
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

/* Exactly len bytes of the file fd (called name) at offset off. */
static int read_at(int fd, const char *name, void *buf, size_t len, off_t off,
		   struct act_err *err)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return act_err_set(err, errno, "%s: read error: %s", name, strerror(errno));
		if (n == 0)
			return act_err_set(err, EIO, "%s: the file shrank while being read", name);
		got += (size_t)n;
	}
	return 0;
}

int sink_copy_member_file(struct sink *s, int fd, const char *name, int64_t off, size_t len,
			  uint64_t ulen, uint64_t aux, struct act_err *err)
{
	/* Small members (acitool's gzip: 1 MiB) reuse one buffer; a big one
	 * (xz -T: 24 MiB) is mapped for itself and given back at once. */
	bool big = len > MEMBER_BUF_MAX;
	unsigned char *buf;
	int r;

	if (!big && len > s->mbuf_cap) {
		free(s->mbuf);
		s->mbuf_cap = len;
		s->mbuf = xmalloc(len);
	}
	buf = big ? bigbuf_alloc(len) : s->mbuf;

	r = read_at(fd, name, buf, len, off, err);
	if (r == 0)
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

bool sink_takes_ranges(const struct sink *s)
{
	/* Not when hashing: the image ID needs every byte in memory. */
	return s->comp == ACT_COMP_NONE && !s->id && !s->discard;
}

/* Copy the pending span of an input file to the output. */
static int flush_range(struct sink *s, struct act_err *err)
{
	loff_t from = (loff_t)s->pend_off;
	uint64_t len = s->pend_len;
	int fd = s->pend_fd;

	s->pend_len = 0;
	while (len > 0 && !s->no_cfr) {
		/* In steps, so that write-back starts as the copy goes. */
		ssize_t n = copy_file_range(fd, &from, s->fd, NULL,
					    len > WRITEBACK_AT ? WRITEBACK_AT : (size_t)len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
			      errno == EOPNOTSUPP || errno == EBADF)) {
			/* Not between these files (a pipe, another file system on
			 * an old kernel): copy through memory. */
			s->no_cfr = true;
			break;
		}
		if (n < 0) {
			s->write_errno = errno;
			return write_error(s, err);
		}
		if (n == 0)
			return act_err_set(err, EIO, "%s: the file shrank while being read",
					   s->pend_name);
		len -= (uint64_t)n;
		s->out_pos += (uint64_t)n;
		start_writeback(s);
	}
	while (len > 0) {
		size_t k = len > BUF_SIZE ? BUF_SIZE : (size_t)len;

		if (read_at(fd, s->pend_name, s->buf, k, from, err) < 0)
			return -1;
		if (write_all(s, s->buf, k) < 0)
			return write_error(s, err);
		from += (loff_t)k;
		len -= k;
	}
	return 0;
}

/* Plain output: everything pending goes out (one of the two at most). */
static int flush_plain(struct sink *s, struct act_err *err)
{
	if (s->pend_len && flush_range(s, err) < 0)
		return -1;
	if (s->buf_len && write_all(s, s->buf, s->buf_len) < 0)
		return write_error(s, err);
	s->buf_len = 0;
	return 0;
}

int sink_copy_range(struct sink *s, int fd, const char *name, int64_t off, uint64_t len,
		    struct act_err *err)
{
	s->bytes_in += len;
	if (s->pend_len && fd == s->pend_fd && (uint64_t)off == s->pend_off + s->pend_len) {
		s->pend_len += len;
		return 0;
	}
	if (flush_plain(s, err) < 0)
		return -1;
	s->pend_fd = fd;
	s->pend_name = name;
	s->pend_off = (uint64_t)off;
	s->pend_len = len;
	return 0;
}

void sink_account_uncompressed(struct sink *s, const void *buf, size_t len)
{
	if (s->id)
		imageid_update(s->id, buf, len);
}

static int finish_output(struct sink *s, struct act_err *err)
{
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
