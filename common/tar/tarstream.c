// SPDX-License-Identifier: Apache-2.0
/* The tar stream's reader: input retained in chunks, settled (copied out
 * raw, or dropped) entry by entry; gzip members and xz blocks copied whole. */
#include <errno.h>
#include <string.h>

#include "common/base/bigbuf.h"
#include "common/base/macro.h"
#include "common/base/quote.h"
#include "common/tar/entrypath.h"
#include "common/tar/tarstream-internal.h"

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
		    sink_write_input(ts->out, c->data + (ts->settled - c->off),
				     (size_t)(end - ts->settled), (uint64_t)ts->settled, err) < 0)
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

int ts_settle(struct tarstream *ts, int64_t upto, struct act_err *err)
{
	return settle_to(ts, upto, false, err);
}


int64_t ts_consumed(struct tarstream *ts)
{
	return archive_filter_bytes(ts->ar, 0);
}

int64_t tarstream_data_offset(struct tarstream *ts)
{
	return ts_consumed(ts);
}

const char *ts_shown_name(struct tarstream *ts)
{
	if (!ts->shown)
		ts->shown = quote_name(archive_entry_pathname(ts->cur) ?: "");
	return ts->shown;
}

int ts_ar_error(struct tarstream *ts, struct act_err *err, const char *what)
{
	const char *msg = archive_error_string(ts->ar);

	if (act_err_isset(&ts->read_err))
		return act_err_set(err, ts->read_err.code, "%s", ts->read_err.msg);
	if (ts->have_entry)
		return act_err_set(err, EIO, "%s: entry %lld '%s': %s: %s", source_path(ts->src),
				   (long long)ts->index, ts_shown_name(ts), what,
				   msg ? msg : "unknown error");
	return act_err_set(err, EIO, "%s: %s: %s", source_path(ts->src), what,
			   msg ? msg : "unknown error");
}

struct tarstream *tarstream_open(struct source *src, struct sink *out, struct act_err *err)
{
	struct tarstream *ts = xcalloc(1, sizeof(*ts));

	ts->src = src;
	ts->out = out;
	ts->trailer_at = -1;
	/* gzip or xz in and out: untouched members are copied, not recompressed;
	 * gzip from a file is spliced, which needs no members. */
	if (out && !sink_splice_from(out, src) && sink_takes_members(out, source_compression(src))) {
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
		ts_ar_error(ts, err, "not a readable tar archive");
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
	free(ts->shown);
	free(ts);
}

/* Read through the current entry's data so its bytes settle as they pass. */
int ts_drain(struct tarstream *ts, struct act_err *err)
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
		    settle_to(ts, ts_consumed(ts), true, err) < 0)
			return -1;
	}
	if (r != ARCHIVE_EOF)
		return ts_ar_error(ts, err, "cannot read data");
	return 0;
}

/* Everything after the end-of-archive marker (at start) must be zeros:
 * anything else is a second archive or garbage, which a rewrite would
 * silently lose. Settled softly until the input ends, so that an input
 * member ending in the trailer can still go out whole. */
static int finish_trailer(struct tarstream *ts, int64_t start, bool emit, struct act_err *err)
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
		ts->mode = emit ? MODE_COPY : MODE_DROP;
		if (settle_to(ts, ts->read_pos - (int64_t)c->len, true, err) < 0)
			return -1;
	}
	if (ts->read_pos - start < 1024)
		return act_err_set(err, EINVAL,
				   "%s: truncated archive: the end-of-archive marker is missing",
				   source_path(ts->src));
	ts->mode = emit ? MODE_COPY : MODE_DROP;
	return ts_settle(ts, ts->read_pos, err);
}

int tarstream_next(struct tarstream *ts, struct archive_entry **entry, struct act_err *err)
{
	int r;

	if (ts->have_entry && ts_drain(ts, err) < 0)
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
		/* The trailer waits for tarstream_finish(). */
		ts->trailer_at = archive_read_header_position(ts->ar);
		return 0;
	}
	ts->index++;
	/* A name that is not UTF-8 is kept as its bytes. */
	if (r == ARCHIVE_WARN && entrypath_charset_warning(ts->ar))
		r = ARCHIVE_OK;
	if (r != ARCHIVE_OK) {
		/* On a warning libarchive still returns the entry: name it. */
		ts->have_entry = (r == ARCHIVE_WARN);
		return ts_ar_error(ts, err, r == ARCHIVE_WARN ? "lossy header" : "cannot read header");
	}
	ts->have_entry = true;
	ts->data_done = false;
	ts->cur_pos = archive_read_header_position(ts->ar);
	free(ts->clean);
	free(ts->shown);
	ts->shown = NULL;
	ts->clean = entrypath_clean(archive_entry_pathname(ts->cur) ?: "", &ts->escapes);
	if (ts_check_xattr_values(ts, err) < 0 || ts_check_libarchive_xattrs(ts, err) < 0)
		return -1;
	*entry = ts->cur;
	return 1;
}

int tarstream_finish(struct tarstream *ts, struct act_err *err)
{
	if (!ts->out)
		return 0;
	if (ts->trailer_at < 0)
		return act_err_set(err, EINVAL, "internal error: the stream is not at its end");
	return finish_trailer(ts, ts->trailer_at, true, err);
}

int tarstream_check_end(struct tarstream *ts, struct act_err *err)
{
	if (!ts->out || ts->trailer_at < 0)
		return 0;
	return finish_trailer(ts, ts->trailer_at, false, err);
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
				   source_path(ts->src), ts_shown_name(ts),
				   (long long)size, max);
	buf = xmalloc((size_t)size + 1);
	ts->data_done = true;
	while ((r = archive_read_data_block(ts->ar, &p, &n, &off)) == ARCHIVE_OK) {
		if (off < 0 || (uint64_t)off + n > (uint64_t)size) {
			free(buf);
			return act_err_set(err, EINVAL, "%s: '%s': data runs past its size",
					   source_path(ts->src), ts_shown_name(ts));
		}
		/* Holes in a sparse entry read as zeros. */
		if ((size_t)off > len)
			memset(buf + len, 0, (size_t)off - len);
		memcpy(buf + off, p, n);
		len = (size_t)off + n;
	}
	if (r != ARCHIVE_EOF) {
		free(buf);
		return ts_ar_error(ts, err, "cannot read data");
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
		return ts_ar_error(ts, err, "cannot read data");
	if (ts->out && ts->read_pos - ts->settled > SETTLE_AT &&
	    ts_settle(ts, ts_consumed(ts), err) < 0)
		return -1;
	*offset = off;
	return 1;
}

/* Copy len input bytes at offset off out of the retained chunks. */
bool ts_retained_bytes(struct tarstream *ts, int64_t off, unsigned char *buf, size_t len)
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

bool ts_retained_block(struct tarstream *ts, int64_t off, unsigned char *blk)
{
	return ts_retained_bytes(ts, off, blk, 512);
}
