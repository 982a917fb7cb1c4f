// SPDX-License-Identifier: Apache-2.0
/* In-place header edits: pax records set or removed, the data replaced,
 * every other byte of the entry copied as it was. */
#include <errno.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/tar/paxhdr.h"
#include "common/tar/tarstream-internal.h"

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

		if (!ts_retained_block(ts, p, blk) || !tarhdr_checksum_ok(blk))
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
			if (!ts_retained_bytes(ts, p + TAR_BLOCK, re->x_data, re->x_size))
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
	if (ts_settle(ts, re.x_pos >= 0 ? re.x_pos : re.main_pos, err) < 0)
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
		if (ts_settle(ts, re.x_end, err) < 0)
			goto out;
		ts->mode = MODE_COPY;
	}
	if (new_data) {
		if (ts_settle(ts, re.main_pos, err) < 0)
			goto out;
		ts->mode = MODE_DROP;
		tarhdr_set_size(re.main_blk, len);
		if (sink_write(ts->out, re.main_blk, TAR_BLOCK, err) < 0 ||
		    (len && sink_write(ts->out, data, len, err) < 0) ||
		    emit_padding(ts, len, err) < 0)
			goto out;
		/* The old data is dropped as it streams by. */
		if (ts_drain(ts, err) < 0)
			goto out;
	}
	r = 1;
out:
	free(re.x_data);
	free(rec);
	paxhdr_done(&h);
	return r;
}
