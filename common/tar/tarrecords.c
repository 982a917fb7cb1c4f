// SPDX-License-Identifier: Apache-2.0
/* Records libarchive reads without a word: xattrs with two values, and the
 * records paxcheck.h names, refused as each entry is read in a rewrite. */
#include <errno.h>

#include "common/base/macro.h"
#include "common/tar/entryxattr.h"
#include "common/tar/paxcheck.h"
#include "common/tar/paxhdr.h"
#include "common/tar/tarstream-internal.h"

/*
 * One xattr with two different values: LIBARCHIVE.xattr.X and SCHILY.xattr.X
 * records that disagree, or one record twice. libarchive hands out both
 * values without a warning; which one an extractor sets depends on the
 * extractor, so the image says nothing certain and is not rewritten. (A
 * read-only pass leaves it to the caller: list-filecaps shows such a value
 * as malformed.)
 */
int ts_check_xattr_values(struct tarstream *ts, struct act_err *err)
{
	const char *name = ts->out ? entryxattr_conflict(ts->cur) : NULL;

	if (!name)
		return 0;
	return act_err_set(err, EINVAL, "%s: entry %lld '%s': two different values for xattr '%s'",
			   source_path(ts->src), (long long)ts->index,
			   ts_shown_name(ts), name);
}

/* Pax headers larger than this are not checked (libarchive holds them too). */
#define PAX_CHECK_MAX (64 * 1024 * 1024)

/*
 * Records libarchive misreads (paxcheck.h) are refused. The raw headers are
 * at hand only in a rewrite; a read-only pass (cat-manifest) relies on
 * libarchive alone.
 */
int ts_check_libarchive_xattrs(struct tarstream *ts, struct act_err *err)
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

		if (!ts_retained_block(ts, p, blk) || !tarhdr_checksum_ok(blk))
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
		if (ts_retained_bytes(ts, p + TAR_BLOCK, data, (size_t)size) &&
		    paxhdr_parse(data, (size_t)size, &h, &perr) == 0) {
			for (size_t i = 0; i < h.n && r == 0; i++) {
				const struct pax_record *rec = &h.r[i];
				const char *what = paxcheck_record(rec->key, rec->value, rec->len);

				if (!what)
					continue;
				r = act_err_set(err, EINVAL, "%s: entry %lld '%s': pax record '%s': %s",
						source_path(ts->src), (long long)ts->index,
						ts_shown_name(ts), rec->key, what);
			}
		}
		paxhdr_done(&h);
		free(data);
		if (r < 0)
			return -1;
		p += TAR_BLOCK * (1 + (int64_t)tar_blocks((uint64_t)size));
	}
}
