// SPDX-License-Identifier: Apache-2.0
/* Replaced entries: serialised anew by libarchive's pax writer, for the
 * header shapes taredit.c does not edit in place. */
#include <errno.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/tar/entryxattr.h"
#include "common/tar/paxhdr.h"
#include "common/tar/tarstream-internal.h"

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
			   (long long)ts->index, ts_shown_name(ts), what,
			   archive_error_string(ts->aw));
}

/*
 * Everything before the entry goes out first, settled hard: a soft settle
 * may have held back the start of an input gzip member that the entry cuts,
 * which dropping the entry would drop with it. A pax global header ('g')
 * before the entry belongs to the stream, not to the entry: libarchive
 * consumes it silently, so it is copied out of the raw bytes too.
 */
static int settle_before_entry(struct tarstream *ts, struct act_err *err)
{
	unsigned char blk[TAR_BLOCK];
	int64_t p = ts->cur_pos;

	while (ts_retained_block(ts, p, blk) && blk[TARHDR_TYPEFLAG] == 'g') {
		int64_t size = tarhdr_size(blk);

		if (size < 0)
			break;
		p += TAR_BLOCK * (1 + (int64_t)tar_blocks((uint64_t)size));
	}
	ts->mode = MODE_COPY;
	return ts_settle(ts, p, err);
}

static int begin_replace(struct tarstream *ts, struct archive_entry *hdr,
			 struct act_err *err)
{
	if (!ts->out)
		return act_err_set(err, EINVAL, "internal error: replace on a read-only stream");
	if (ts->mode == MODE_DROP)
		return act_err_set(err, EINVAL, "internal error: entry replaced twice");
	if (writer(ts, err) < 0 || settle_before_entry(ts, err) < 0)
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
	return ts_drain(ts, err);
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
		if (ts->read_pos - ts->settled > SETTLE_AT && ts_settle(ts, ts_consumed(ts), err) < 0)
			return -1;
	}
	if (r != ARCHIVE_EOF)
		return ts_ar_error(ts, err, "cannot read data");
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

int tarstream_drop(struct tarstream *ts, struct act_err *err)
{
	if (!ts->out)
		return act_err_set(err, EINVAL, "internal error: drop on a read-only stream");
	if (ts->mode == MODE_DROP)
		return act_err_set(err, EINVAL, "internal error: entry dropped twice");
	if (settle_before_entry(ts, err) < 0)
		return -1;
	ts->mode = MODE_DROP;
	return ts_drain(ts, err);
}

struct archive *tarstream_insert(struct tarstream *ts, struct act_err *err)
{
	if (!ts->out) {
		act_err_set(err, EINVAL, "internal error: insert on a read-only stream");
		return NULL;
	}
	if (writer(ts, err) < 0)
		return NULL;
	if (ts->trailer_at >= 0) {
		/* At the end: everything up to the end-of-archive marker. */
		ts->mode = MODE_COPY;
		if (ts_settle(ts, ts->trailer_at, err) < 0)
			return NULL;
	} else if (ts->mode != MODE_DROP && settle_before_entry(ts, err) < 0) {
		return NULL;
	}
	return ts->aw;
}

int tarstream_insert_error(struct tarstream *ts, const char *what, struct act_err *err)
{
	if (act_err_isset(&ts->aw_err))
		return act_err_set(err, ts->aw_err.code, "%s", ts->aw_err.msg);
	return act_err_set(err, EIO, "%s: %s: cannot write: %s", source_path(ts->src), what,
			   archive_error_string(ts->aw));
}
