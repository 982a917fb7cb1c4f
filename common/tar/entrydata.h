/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/tar/tarstream.h"

/*
 * The current entry's data as a reader of the file would see it: a sparse
 * entry's holes read as zeros, up to the entry's size. For printing a file
 * (cat-file) and comparing two (diff), where where the bytes sit in the
 * archive does not matter.
 */
struct entrydata {
	struct tarstream *ts;
	int64_t pos, size;		/* logical position, entry size */
	const unsigned char *buf;	/* the block read, not yet given out */
	size_t len;
	int64_t off;			/* its logical offset */
	int eof;			/* no more blocks */
};

void entrydata_init(struct entrydata *d, struct tarstream *ts, int64_t size);
/* The next bytes, at most max: 1 with *p and *n set (*p stays valid until
 * the next call), 0 at the end, -1 on error. */
int entrydata_next(struct entrydata *d, size_t max, const void **p, size_t *n,
		   struct act_err *err);
