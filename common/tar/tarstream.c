// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "common/base/bigbuf.h"
#include "common/tar/entrypath.h"
#include "common/tar/entryxattr.h"
#include "common/codec/memberstore.h"
#include "common/tar/paxcheck.h"
#include "common/tar/paxhdr.h"
#include "common/base/macro.h"
#include "common/tar/tarstream.h"

#define CHUNK_SIZE (256 * 1024)
#define CHUNK_ALLOC (sizeof(struct chunk) + CHUNK_SIZE)
#define SPARE_CHUNKS 16
/* Retained input beyond this is settled while an entry's data streams by. */
#define SETTLE_AT (4 * CHUNK_SIZE)
/* Larger input gzip members are recompressed: memory stays bounded. */
#define MEMBER_MAX (8 * 1024 * 1024)
/* xz -T's blocks at the default preset hold 24 MiB (three dictionaries);
 * larger ones (-7 and up, or one block for the whole stream) are decoded and
 * recompressed. */
#define XZ_BLOCK_MAX (24 * 1024 * 1024)
/* Input held back beyond this waits for the compressor to give back its
 * memory first: both at once would be over the memory budget. */
#define DRAIN_AT (4 * 1024 * 1024)

/* Input bytes not yet emitted or dropped, kept in order. A hole is a span
 * skipped in a plain input file: it is copied from the file, not memory. */
struct chunk {
	struct chunk *next;
	int64_t off;
	size_t len;
	bool hole;
	unsigned char data[];
};

/* MODE_COPIED: the bytes went out inside a gzip member copied whole; they
 * still count for the output's image ID. */
enum mode { MODE_COPY, MODE_DROP, MODE_COPIED };

struct tarstream {
	struct source *src;
	struct sink *out;
	struct archive *ar;
	struct archive *aw; /* pax writer for replaced entries, made on demand */
	bool aw_discard;    /* its end-of-archive is not ours to write */
	struct act_err aw_err;

	struct memberstore *members; /* input gzip members to copy whole, or NULL */
	struct chunk *head, *tail;
	struct chunk *spare[SPARE_CHUNKS];
	size_t nspare;
	int64_t read_pos; /* input offset after the last byte handed to libarchive */
	int64_t settled;  /* input before this offset has been emitted or dropped */
	unsigned char *plain_buf;
	bool ranges; /* plain file in and out: copied by file offset */
	struct act_err read_err;

	enum mode mode;
	bool have_entry, data_done;
	struct archive_entry *cur;
	int64_t cur_pos;
	char *clean;
	bool escapes;
	int64_t index;
};

/*
 * Data chunks are mapped, not malloc'ed: input held back for a whole gzip
 * member or xz block (24 MiB) must go back to the system when it is let go,
 * before the member is read again to be copied; freed to malloc, it would
 * stay in the heap and count twice. A few spares serve the steady flow.
 */
static struct chunk *chunk_get(struct tarstream *ts)
{
	struct chunk *c;

	if (ts->nspare)
		c = ts->spare[--ts->nspare];
	else
		c = bigbuf_alloc(CHUNK_ALLOC);
	c->next = NULL;
	c->len = 0;
	c->hole = false;
	return c;
}

static void chunk_put(struct tarstream *ts, struct chunk *c)
{
	if (c->hole)
		free(c);
	else if (ts->nspare < SPARE_CHUNKS)
		ts->spare[ts->nspare++] = c;
	else
		bigbuf_free(c, CHUNK_ALLOC);
}

/* Retain c, the next input bytes. */
static void append(struct tarstream *ts, struct chunk *c)
{
	c->off = ts->read_pos;
	ts->read_pos += (int64_t)c->len;
	if (ts->tail)
		ts->tail->next = c;
	else
		ts->head = c;
	ts->tail = c;
}

static la_ssize_t read_cb(struct archive *a, void *ctx, const void **buf)
{
	struct tarstream *ts = ctx;
	struct chunk *c;
	ssize_t n;

	if (!ts->out) {
		n = source_read(ts->src, ts->plain_buf, CHUNK_SIZE, &ts->read_err);
		if (n < 0) {
			archive_set_error(a, ts->read_err.code, "%s", ts->read_err.msg);
			return -1;
		}
		*buf = ts->plain_buf;
		return n;
	}
	c = chunk_get(ts);
	while (c->len < CHUNK_SIZE) {
		n = source_read(ts->src, c->data + c->len, CHUNK_SIZE - c->len, &ts->read_err);
		if (n < 0) {
			chunk_put(ts, c);
			archive_set_error(a, ts->read_err.code, "%s", ts->read_err.msg);
			return -1;
		}
		if (n == 0)
			break;
		c->len += (size_t)n;
	}
	if (c->len == 0) {
		chunk_put(ts, c);
		return 0;
	}
	append(ts, c);
	*buf = c->data;
	return (la_ssize_t)c->len;
}

/* Entry data libarchive skips: seeked over in the input, and in a rewrite
 * copied from file to file when it settles (plain tar only). */
static la_int64_t skip_cb(struct archive *a, void *ctx, la_int64_t request)
{
	struct tarstream *ts = ctx;
	int64_t n = source_skip(ts->src, request);
	struct chunk *c;

	(void)a;
	if (!ts->out || n <= 0)
		return n;
	/* A hole of its own: the chunk libarchive points into stays. */
	c = xmalloc(sizeof(*c));
	c->next = NULL;
	c->len = (size_t)n;
	c->hole = true;
	append(ts, c);
	return n;
}

/* Free chunks wholly settled; the newest stays, libarchive may point into it. */
static void trim(struct tarstream *ts)
{
	while (ts->head && ts->head != ts->tail &&
	       ts->head->off + (int64_t)ts->head->len <= ts->settled) {
		struct chunk *c = ts->head;

		ts->head = c->next;
		chunk_put(ts, c);
	}
}

/* Emit (copy mode) or drop the input bytes up to offset upto. */
static int emit(struct tarstream *ts, int64_t upto, struct act_err *err)
{
	trim(ts);
	while (ts->settled < upto) {
		struct chunk *c = ts->head;
		int64_t end;

		if (!c || c->off > ts->settled || c->off + (int64_t)c->len <= ts->settled)
			return act_err_set(err, EIO, "%s: internal error: input offset %lld not retained",
					   source_path(ts->src), (long long)ts->settled);
		end = c->off + (int64_t)c->len;
		if (end > upto)
			end = upto;
		/* From a plain file, headers too go file to file: one copy for
		 * a run of untouched entries. */
		if (ts->mode == MODE_COPY && (c->hole || ts->ranges) &&
		    sink_copy_range(ts->out, source_fd(ts->src), source_path(ts->src),
				    source_file_offset(ts->src, ts->settled),
				    (uint64_t)(end - ts->settled), err) < 0)
			return -1;
		if (ts->mode == MODE_COPY && !c->hole && !ts->ranges &&
		    sink_write(ts->out, c->data + (ts->settled - c->off),
			       (size_t)(end - ts->settled), err) < 0)
			return -1;
		if (ts->mode == MODE_COPIED)
			sink_account_uncompressed(ts->out, c->data + (ts->settled - c->off),
						  (size_t)(end - ts->settled));
		ts->settled = end;
		trim(ts);
	}
	return 0;
}

/*
 * Settle the stream up to upto. In copy mode, input gzip members lying wholly
 * in the span go out compressed as they are; a soft settle (while the entry
 * may still turn out to be copied on) also holds back the start of a member
 * it would cut, so that it can go out whole later.
 */
static int settle_to(struct tarstream *ts, int64_t upto, bool soft, struct act_err *err)
{
	struct member m;

	if (ts->members && ts->mode == MODE_COPY) {
		while (memberstore_find(ts->members, (uint64_t)ts->settled, (uint64_t)upto, &m)) {
			const unsigned char *b = memberstore_bytes(ts->members, &m);
			bool in_file = !memberstore_keeps_bytes(ts->members);
			size_t len = (size_t)(m.c_end - m.c_start);

			if ((!b && !in_file) || emit(ts, (int64_t)m.u_start, err) < 0)
				break;
			if (b && sink_copy_member(ts->out, b, len, m.u_end - m.u_start, m.aux,
						  err) < 0)
				return -1;
			ts->mode = MODE_COPIED;
			if (emit(ts, (int64_t)m.u_end, err) < 0)
				return -1;
			ts->mode = MODE_COPY;
			/* Read again from the file once its decoded bytes are freed:
			 * the two are never in memory at once. */
			if (!b && sink_copy_member_file(ts->out, source_fd(ts->src), source_path(ts->src),
							source_file_offset(ts->src, (int64_t)m.c_start),
							len, m.u_end - m.u_start, m.aux, err) < 0)
				return -1;
			memberstore_release(ts->members, m.u_end);
		}
		if (act_err_isset(err))
			return -1;
		if (soft)
			upto = (int64_t)memberstore_hold(ts->members, (uint64_t)ts->settled,
							 (uint64_t)upto, (uint64_t)ts->read_pos);
		if (ts->read_pos - upto > DRAIN_AT && sink_drain(ts->out, err) < 0)
			return -1;
	}
	if (emit(ts, upto, err) < 0)
		return -1;
	if (ts->members)
		memberstore_release(ts->members, (uint64_t)ts->settled);
	return 0;
}

static int settle(struct tarstream *ts, int64_t upto, struct act_err *err)
{
	return settle_to(ts, upto, false, err);
}

static int check_xattr_values(struct tarstream *ts, struct act_err *err);
static int check_libarchive_xattrs(struct tarstream *ts, struct act_err *err);

static int64_t consumed(struct tarstream *ts)
{
	return archive_filter_bytes(ts->ar, 0);
}

static int ar_error(struct tarstream *ts, struct act_err *err, const char *what)
{
	const char *msg = archive_error_string(ts->ar);

	if (act_err_isset(&ts->read_err))
		return act_err_set(err, ts->read_err.code, "%s", ts->read_err.msg);
	if (ts->have_entry)
		return act_err_set(err, EIO, "%s: entry %lld '%s': %s: %s", source_path(ts->src),
				   (long long)ts->index, archive_entry_pathname(ts->cur), what,
				   msg ? msg : "unknown error");
	return act_err_set(err, EIO, "%s: %s: %s", source_path(ts->src), what,
			   msg ? msg : "unknown error");
}

struct tarstream *tarstream_open(struct source *src, struct sink *out, struct act_err *err)
{
	struct tarstream *ts = xcalloc(1, sizeof(*ts));

	ts->src = src;
	ts->out = out;
	/* gzip or xz in and out: untouched members are copied, not recompressed. */
	if (out && sink_takes_members(out, source_compression(src))) {
		size_t max = source_compression(src) == ACT_COMP_XZ ? XZ_BLOCK_MAX : MEMBER_MAX;

		ts->members = source_keep_members(src, max, max);
	}
	if (!out)
		ts->plain_buf = xmalloc(CHUNK_SIZE);
	ts->ranges = out && sink_takes_ranges(out) && source_can_skip(src);
	ts->ar = archive_read_new();
	/* Only tar: the codec was already peeled off by the source. */
	if (archive_read_support_format_tar(ts->ar) != ARCHIVE_OK ||
	    archive_read_set_read_callback(ts->ar, read_cb) != ARCHIVE_OK ||
	    archive_read_set_callback_data(ts->ar, ts) != ARCHIVE_OK ||
	    ((!out || sink_takes_ranges(out)) &&
	     archive_read_set_skip_callback(ts->ar, skip_cb) != ARCHIVE_OK) ||
	    archive_read_open1(ts->ar) != ARCHIVE_OK) {
		ar_error(ts, err, "not a readable tar archive");
		tarstream_free(ts);
		return NULL;
	}
	return ts;
}

void tarstream_free(struct tarstream *ts)
{
	if (!ts)
		return;
	if (ts->aw) {
		ts->aw_discard = true;
		archive_write_free(ts->aw);
	}
	archive_read_free(ts->ar);
	while (ts->head) {
		struct chunk *c = ts->head;

		ts->head = c->next;
		chunk_put(ts, c);
	}
	while (ts->nspare)
		bigbuf_free(ts->spare[--ts->nspare], CHUNK_ALLOC);
	free(ts->plain_buf);
	free(ts->clean);
	free(ts);
}

/* Read through the current entry's data so its bytes settle as they pass. */
static int drain(struct tarstream *ts, struct act_err *err)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	if (!ts->out || ts->data_done)
		return 0;
	ts->data_done = true;
	/* A plain input file: libarchive skips the data (skip_cb), it is
	 * copied from file to file as it settles. */
	if (sink_takes_ranges(ts->out) && source_can_skip(ts->src))
		return 0;
	while ((r = archive_read_data_block(ts->ar, &buf, &size, &off)) == ARCHIVE_OK) {
		if (ts->read_pos - ts->settled > SETTLE_AT &&
		    settle_to(ts, consumed(ts), true, err) < 0)
			return -1;
	}
	if (r != ARCHIVE_EOF)
		return ar_error(ts, err, "cannot read data");
	return 0;
}

/* Everything after the end-of-archive marker (at start) must be zeros:
 * anything else is a second archive or garbage, which a rewrite would
 * silently lose. Settled softly until the input ends, so that an input
 * member ending in the trailer can still go out whole. */
static int finish_trailer(struct tarstream *ts, int64_t start, struct act_err *err)
{
	struct chunk *c;
	ssize_t n;

	for (c = ts->head; c; c = c->next) {
		for (size_t i = 0; i < c->len && !c->hole; i++) {
			if (c->off + (int64_t)i >= start && c->data[i] != 0)
				return act_err_set(err, EINVAL,
						   "%s: data after the end-of-archive marker at offset %lld",
						   source_path(ts->src), (long long)(c->off + (int64_t)i));
		}
	}
	/* The rest of the stream, not yet read by libarchive. */
	for (;;) {
		c = chunk_get(ts);
		n = source_read(ts->src, c->data, CHUNK_SIZE, err);
		if (n <= 0) {
			chunk_put(ts, c);
			if (n < 0)
				return -1;
			break;
		}
		c->len = (size_t)n;
		for (size_t i = 0; i < c->len; i++) {
			if (c->data[i] != 0) {
				chunk_put(ts, c);
				return act_err_set(err, EINVAL,
						   "%s: data after the end-of-archive marker at offset %lld",
						   source_path(ts->src), (long long)(ts->read_pos + (int64_t)i));
			}
		}
		append(ts, c);
		ts->mode = MODE_COPY;
		if (settle_to(ts, ts->read_pos - (int64_t)c->len, true, err) < 0)
			return -1;
	}
	if (ts->read_pos - start < 1024)
		return act_err_set(err, EINVAL,
				   "%s: truncated archive: the end-of-archive marker is missing",
				   source_path(ts->src));
	ts->mode = MODE_COPY;
	return settle(ts, ts->read_pos, err);
}

int tarstream_next(struct tarstream *ts, struct archive_entry **entry, struct act_err *err)
{
	int r;

	if (ts->have_entry && drain(ts, err) < 0)
		return -1;
	r = archive_read_next_header(ts->ar, &ts->cur);
	/* Soft: the new entry may still be copied on, and a member may end in
	 * the trailer. */
	if (ts->out && settle_to(ts, archive_read_header_position(ts->ar),
				 r == ARCHIVE_OK || r == ARCHIVE_EOF, err) < 0)
		return -1;
	ts->mode = MODE_COPY;
	ts->have_entry = false;
	if (r == ARCHIVE_EOF) {
		if (act_err_isset(&ts->read_err))
			return act_err_set(err, ts->read_err.code, "%s", ts->read_err.msg);
		if (ts->index == 0)
			return act_err_set(err, EINVAL, "%s: empty archive: no entries",
					   source_path(ts->src));
		return ts->out ? finish_trailer(ts, archive_read_header_position(ts->ar), err)
			       : 0;
	}
	ts->index++;
	if (r != ARCHIVE_OK) {
		/* On a warning libarchive still returns the entry: name it. */
		ts->have_entry = (r == ARCHIVE_WARN);
		return ar_error(ts, err, r == ARCHIVE_WARN ? "lossy header" : "cannot read header");
	}
	ts->have_entry = true;
	ts->data_done = false;
	ts->cur_pos = archive_read_header_position(ts->ar);
	free(ts->clean);
	ts->clean = entrypath_clean(archive_entry_pathname(ts->cur) ?: "", &ts->escapes);
	if (check_xattr_values(ts, err) < 0 || check_libarchive_xattrs(ts, err) < 0)
		return -1;
	*entry = ts->cur;
	return 1;
}

const char *tarstream_name(const struct tarstream *ts)
{
	return ts->clean;
}

bool tarstream_name_escapes(const struct tarstream *ts)
{
	return ts->escapes;
}

int64_t tarstream_index(const struct tarstream *ts)
{
	return ts->index;
}

int tarstream_read_data(struct tarstream *ts, size_t max, char **ret, size_t *ret_len,
			struct act_err *err)
{
	int64_t size = archive_entry_size(ts->cur);
	char *buf;
	size_t len = 0;
	const void *p;
	size_t n;
	la_int64_t off;
	int r;

	if (size < 0 || (uint64_t)size > max)
		return act_err_set(err, EFBIG, "%s: '%s' is %lld bytes, over the limit of %zu",
				   source_path(ts->src), archive_entry_pathname(ts->cur),
				   (long long)size, max);
	buf = xmalloc((size_t)size + 1);
	ts->data_done = true;
	while ((r = archive_read_data_block(ts->ar, &p, &n, &off)) == ARCHIVE_OK) {
		if (off < 0 || (uint64_t)off + n > (uint64_t)size) {
			free(buf);
			return act_err_set(err, EINVAL, "%s: '%s': data runs past its size",
					   source_path(ts->src), archive_entry_pathname(ts->cur));
		}
		/* Holes in a sparse entry read as zeros. */
		if ((size_t)off > len)
			memset(buf + len, 0, (size_t)off - len);
		memcpy(buf + off, p, n);
		len = (size_t)off + n;
	}
	if (r != ARCHIVE_EOF) {
		free(buf);
		return ar_error(ts, err, "cannot read data");
	}
	if (len < (size_t)size)
		memset(buf + len, 0, (size_t)size - len);
	buf[size] = '\0';
	*ret = buf;
	*ret_len = (size_t)size;
	return 0;
}

int tarstream_read_block(struct tarstream *ts, const void **buf, size_t *len,
			 int64_t *offset, struct act_err *err)
{
	la_int64_t off;
	int r;

	ts->data_done = true;
	r = archive_read_data_block(ts->ar, buf, len, &off);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK)
		return ar_error(ts, err, "cannot read data");
	if (ts->out && ts->read_pos - ts->settled > SETTLE_AT &&
	    settle(ts, consumed(ts), err) < 0)
		return -1;
	*offset = off;
	return 1;
}

/* ---- replaced entries ---- */

static la_ssize_t aw_write_cb(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct tarstream *ts = ctx;

	if (ts->aw_discard)
		return (la_ssize_t)len;
	if (sink_write(ts->out, buf, len, &ts->aw_err) < 0) {
		archive_set_error(a, ts->aw_err.code, "%s", ts->aw_err.msg);
		return -1;
	}
	return (la_ssize_t)len;
}

static int writer(struct tarstream *ts, struct act_err *err)
{
	if (ts->aw)
		return 0;
	ts->aw = archive_write_new();
	/* Full pax, not pax_restricted: restricted drops sub-second mtimes
	 * unless some other field forces an extended header. */
	if (archive_write_set_format_pax(ts->aw) != ARCHIVE_OK ||
	    archive_write_set_format_option(ts->aw, "pax", "xattrheader", "SCHILY") != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(ts->aw, 0) != ARCHIVE_OK ||
	    archive_write_open(ts->aw, ts, NULL, aw_write_cb, NULL) != ARCHIVE_OK)
		return act_err_set(err, EIO, "cannot start the tar writer: %s",
				   archive_error_string(ts->aw));
	return 0;
}

static int aw_error(struct tarstream *ts, struct act_err *err, const char *what)
{
	if (act_err_isset(&ts->aw_err))
		return act_err_set(err, ts->aw_err.code, "%s", ts->aw_err.msg);
	return act_err_set(err, EIO, "%s: entry %lld '%s': %s: %s", source_path(ts->src),
			   (long long)ts->index, archive_entry_pathname(ts->cur), what,
			   archive_error_string(ts->aw));
}

/* Copy len input bytes at offset off out of the retained chunks. */
static bool retained_bytes(struct tarstream *ts, int64_t off, unsigned char *buf, size_t len)
{
	size_t got = 0;

	for (struct chunk *c = ts->head; c && got < len; c = c->next) {
		int64_t end = c->off + (int64_t)c->len;

		if (end <= off + (int64_t)got)
			continue;
		if (c->off > off + (int64_t)got || c->hole)
			return false;
		size_t from = (size_t)(off + (int64_t)got - c->off);
		size_t k = c->len - from < len - got ? c->len - from : len - got;

		memcpy(buf + got, c->data + from, k);
		got += k;
	}
	return got == len;
}

static bool retained_block(struct tarstream *ts, int64_t off, unsigned char *blk)
{
	return retained_bytes(ts, off, blk, 512);
}

/*
 * A pax global header ('g') before the replaced entry belongs to the stream,
 * not to the entry: libarchive consumes it silently, so copy it out of the
 * raw bytes before the new header.
 */
static int keep_global_headers(struct tarstream *ts, struct act_err *err)
{
	unsigned char blk[TAR_BLOCK];
	int64_t p = ts->cur_pos;

	while (retained_block(ts, p, blk) && blk[TARHDR_TYPEFLAG] == 'g') {
		int64_t size = tarhdr_size(blk);

		if (size < 0)
			break;
		p += TAR_BLOCK * (1 + (int64_t)tar_blocks((uint64_t)size));
	}
	if (p == ts->cur_pos)
		return 0;
	ts->mode = MODE_COPY;
	if (settle(ts, p, err) < 0)
		return -1;
	return 0;
}

static int begin_replace(struct tarstream *ts, struct archive_entry *hdr,
			 struct act_err *err)
{
	if (!ts->out)
		return act_err_set(err, EINVAL, "internal error: replace on a read-only stream");
	if (ts->mode == MODE_DROP)
		return act_err_set(err, EINVAL, "internal error: entry replaced twice");
	if (writer(ts, err) < 0 || keep_global_headers(ts, err) < 0)
		return -1;
	ts->mode = MODE_DROP;
	if (entryxattr_dedup(hdr, err) < 0)
		return -1;
	if (archive_write_header(ts->aw, hdr) != ARCHIVE_OK)
		return aw_error(ts, err, "cannot write header");
	return 0;
}

int tarstream_replace(struct tarstream *ts, struct archive_entry *hdr, const void *data,
		      size_t len, struct act_err *err)
{
	archive_entry_sparse_clear(hdr);
	archive_entry_set_size(hdr, (la_int64_t)len);
	if (begin_replace(ts, hdr, err) < 0)
		return -1;
	if (len && archive_write_data(ts->aw, data, len) != (la_ssize_t)len)
		return aw_error(ts, err, "cannot write data");
	if (archive_write_finish_entry(ts->aw) != ARCHIVE_OK)
		return aw_error(ts, err, "cannot finish entry");
	/* The old data is dropped as it streams by. */
	return drain(ts, err);
}

int tarstream_replace_header(struct tarstream *ts, struct archive_entry *hdr,
			     struct act_err *err)
{
	static const unsigned char zeros[64 * 1024];
	int64_t size = archive_entry_size(hdr), pos = 0;
	const void *p;
	size_t n;
	la_int64_t off;
	int r;

	if (ts->data_done)
		return act_err_set(err, EINVAL, "internal error: data already read");
	if (begin_replace(ts, hdr, err) < 0)
		return -1;
	ts->data_done = true;
	/* The pax writer takes the full logical stream and skips holes itself. */
	while ((r = archive_read_data_block(ts->ar, &p, &n, &off)) == ARCHIVE_OK) {
		while (pos < off) {
			size_t k = off - pos > (int64_t)sizeof(zeros) ? sizeof(zeros)
								   : (size_t)(off - pos);

			if (archive_write_data(ts->aw, zeros, k) != (la_ssize_t)k)
				return aw_error(ts, err, "cannot write data");
			pos += (int64_t)k;
		}
		if (n && archive_write_data(ts->aw, p, n) != (la_ssize_t)n)
			return aw_error(ts, err, "cannot write data");
		pos += (int64_t)n;
		if (ts->read_pos - ts->settled > SETTLE_AT && settle(ts, consumed(ts), err) < 0)
			return -1;
	}
	if (r != ARCHIVE_EOF)
		return ar_error(ts, err, "cannot read data");
	while (pos < size) {
		size_t k = size - pos > (int64_t)sizeof(zeros) ? sizeof(zeros) : (size_t)(size - pos);

		if (archive_write_data(ts->aw, zeros, k) != (la_ssize_t)k)
			return aw_error(ts, err, "cannot write data");
		pos += (int64_t)k;
	}
	if (archive_write_finish_entry(ts->aw) != ARCHIVE_OK)
		return aw_error(ts, err, "cannot finish entry");
	return 0;
}

/* ---- in-place header edits ---- */

/* A pax header larger than this is not edited in place (libarchive does it). */
#define PAX_EDIT_MAX (1024 * 1024)

/* The raw header blocks of the current entry. */
struct raw_entry {
	int64_t x_pos, x_end;	/* its pax extended header, or -1 */
	int64_t main_pos;	/* its ustar header block */
	unsigned char x_blk[TAR_BLOCK], main_blk[TAR_BLOCK];
	unsigned char *x_data;
	size_t x_size;
};

/* 1 if the entry's headers are of a shape edited in place, 0 if not. */
static int scan_raw_entry(struct tarstream *ts, struct raw_entry *re)
{
	int64_t p = ts->cur_pos;
	unsigned char blk[TAR_BLOCK];

	re->x_pos = re->x_end = -1;
	for (;;) {
		int64_t size;
		char t;

		if (!retained_block(ts, p, blk) || !tarhdr_checksum_ok(blk))
			return 0;
		t = (char)blk[TARHDR_TYPEFLAG];
		size = tarhdr_size(blk);
		if (size < 0)
			return 0;
		if (t == 'g' || t == 'L' || t == 'K') {
			p += TAR_BLOCK * (1 + (int64_t)tar_blocks((uint64_t)size));
			continue;
		}
		if (t == 'x') {
			if (re->x_pos >= 0 || size > PAX_EDIT_MAX)
				return 0;
			re->x_pos = p;
			memcpy(re->x_blk, blk, TAR_BLOCK);
			re->x_size = (size_t)size;
			re->x_data = xmalloc(re->x_size + 1);
			if (!retained_bytes(ts, p + TAR_BLOCK, re->x_data, re->x_size))
				return 0;
			p += TAR_BLOCK * (1 + (int64_t)tar_blocks((uint64_t)size));
			re->x_end = p;
			continue;
		}
		/* Solaris 'X' headers and GNU multi-volume entries are left to
		 * libarchive. */
		if (t == 'X' || t == 'M' || t == 'V' || t == 'N')
			return 0;
		re->main_pos = p;
		memcpy(re->main_blk, blk, TAR_BLOCK);
		return 1;
	}
}

static int emit_padding(struct tarstream *ts, uint64_t len, struct act_err *err)
{
	static const unsigned char zeros[TAR_BLOCK];
	size_t pad = (size_t)(tar_blocks(len) * TAR_BLOCK - len);

	return pad ? sink_write(ts->out, zeros, pad, err) : 0;
}

int tarstream_edit_header(struct tarstream *ts, const struct tarstream_pax_change *ch,
			  size_t n, const void *data, size_t len, bool new_data,
			  struct act_err *err)
{
	struct raw_entry re = { 0 };
	struct paxhdr h = { 0 };
	unsigned char *rec = NULL, xblk[TAR_BLOCK];
	size_t rlen = 0;
	int r = 0;
	char t;

	if (!ts->out || ts->mode != MODE_COPY)
		return act_err_set(err, EINVAL, "internal error: header edit on this entry");
	if (scan_raw_entry(ts, &re) <= 0)
		goto out;
	if (re.x_pos >= 0) {
		struct act_err perr = { 0 };

		if (paxhdr_parse(re.x_data, re.x_size, &h, &perr) < 0)
			goto out;
	}
	t = (char)re.main_blk[TARHDR_TYPEFLAG];
	if (new_data) {
		/* New data fits plain regular files only: no sparse maps. */
		if ((t != '0' && t != '\0' && t != '7') || len > ((uint64_t)1 << 33) - 1)
			goto out;
		for (size_t i = 0; i < h.n; i++)
			if (strncmp(h.r[i].key, "GNU.sparse.", 11) == 0)
				goto out;
		paxhdr_remove(&h, "size");
	}
	for (size_t i = 0; i < n; i++) {
		if (ch[i].value)
			paxhdr_set(&h, ch[i].key, ch[i].value, ch[i].len);
		else
			paxhdr_remove(&h, ch[i].key);
	}
	if (h.n)
		rec = paxhdr_serialize(&h, &rlen);

	/* Everything before the pax header (a global header, GNU long names)
	 * as it was; then the new pax header in place of the old one. */
	r = -1;
	if (settle(ts, re.x_pos >= 0 ? re.x_pos : re.main_pos, err) < 0)
		goto out;
	if (rec) {
		if (re.x_pos >= 0) {
			memcpy(xblk, re.x_blk, TAR_BLOCK);
			tarhdr_set_size(xblk, rlen);
		} else {
			paxhdr_make_block(re.main_blk, rlen, xblk);
		}
		if (sink_write(ts->out, xblk, TAR_BLOCK, err) < 0 ||
		    sink_write(ts->out, rec, rlen, err) < 0 || emit_padding(ts, rlen, err) < 0)
			goto out;
	}
	if (re.x_pos >= 0) {
		ts->mode = MODE_DROP;
		if (settle(ts, re.x_end, err) < 0)
			goto out;
		ts->mode = MODE_COPY;
	}
	if (new_data) {
		if (settle(ts, re.main_pos, err) < 0)
			goto out;
		ts->mode = MODE_DROP;
		tarhdr_set_size(re.main_blk, len);
		if (sink_write(ts->out, re.main_blk, TAR_BLOCK, err) < 0 ||
		    (len && sink_write(ts->out, data, len, err) < 0) ||
		    emit_padding(ts, len, err) < 0)
			goto out;
		/* The old data is dropped as it streams by. */
		if (drain(ts, err) < 0)
			goto out;
	}
	r = 1;
out:
	free(re.x_data);
	free(rec);
	paxhdr_done(&h);
	return r;
}

/* ---- records libarchive reads without a word ---- */

/*
 * One xattr with two different values: LIBARCHIVE.xattr.X and SCHILY.xattr.X
 * records that disagree, or one record twice. libarchive hands out both
 * values without a warning; which one an extractor sets depends on the
 * extractor, so the image says nothing certain and is not rewritten. (A
 * read-only pass leaves it to the caller: list-filecaps shows such a value
 * as malformed.)
 */
static int check_xattr_values(struct tarstream *ts, struct act_err *err)
{
	const char *name = ts->out ? entryxattr_conflict(ts->cur) : NULL;

	if (!name)
		return 0;
	return act_err_set(err, EINVAL, "%s: entry %lld '%s': two different values for xattr '%s'",
			   source_path(ts->src), (long long)ts->index,
			   archive_entry_pathname(ts->cur), name);
}

/* Pax headers larger than this are not checked (libarchive holds them too). */
#define PAX_CHECK_MAX (64 * 1024 * 1024)

/*
 * Records libarchive misreads (paxcheck.h) are refused. The raw headers are
 * at hand only in a rewrite; a read-only pass (cat-manifest) relies on
 * libarchive alone.
 */
static int check_libarchive_xattrs(struct tarstream *ts, struct act_err *err)
{
	unsigned char blk[TAR_BLOCK];
	int64_t p = ts->cur_pos;

	if (!ts->out)
		return 0;
	for (;;) {
		struct act_err perr = { 0 };
		struct paxhdr h = { 0 };
		unsigned char *data;
		int64_t size;
		char t;
		int r = 0;

		if (!retained_block(ts, p, blk) || !tarhdr_checksum_ok(blk))
			return 0;
		t = (char)blk[TARHDR_TYPEFLAG];
		size = tarhdr_size(blk);
		if (size < 0 || (t != 'x' && t != 'g' && t != 'L' && t != 'K'))
			return 0;
		if (t != 'x' || size == 0 || size > PAX_CHECK_MAX) {
			p += TAR_BLOCK * (1 + (int64_t)tar_blocks((uint64_t)size));
			continue;
		}
		data = xmalloc((size_t)size);
		if (retained_bytes(ts, p + TAR_BLOCK, data, (size_t)size) &&
		    paxhdr_parse(data, (size_t)size, &h, &perr) == 0) {
			for (size_t i = 0; i < h.n && r == 0; i++) {
				const struct pax_record *rec = &h.r[i];
				const char *what = paxcheck_record(rec->key, rec->value, rec->len);

				if (!what)
					continue;
				r = act_err_set(err, EINVAL, "%s: entry %lld '%s': pax record '%s': %s",
						source_path(ts->src), (long long)ts->index,
						archive_entry_pathname(ts->cur), rec->key, what);
			}
		}
		paxhdr_done(&h);
		free(data);
		if (r < 0)
			return -1;
		p += TAR_BLOCK * (1 + (int64_t)tar_blocks((uint64_t)size));
	}
}
