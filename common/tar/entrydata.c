// SPDX-License-Identifier: Apache-2.0
#include "common/tar/entrydata.h"

static const unsigned char zeros[64 * 1024];

void entrydata_init(struct entrydata *d, struct tarstream *ts, int64_t size)
{
	*d = (struct entrydata){ .ts = ts, .size = size < 0 ? 0 : size };
}

int entrydata_next(struct entrydata *d, size_t max, const void **p, size_t *n,
		   struct act_err *err)
{
	while (!d->len && !d->eof) {
		const void *b;
		int r = tarstream_read_block(d->ts, &b, &d->len, &d->off, err);

		if (r < 0)
			return -1;
		if (r == 0) {
			d->eof = 1;
			d->len = 0;
			break;
		}
		d->buf = b;
		/* A block that goes back over what was given out: skip that part. */
		if (d->off < d->pos) {
			size_t back = (size_t)(d->pos - d->off);

			if (back >= d->len) {
				d->len = 0;
				continue;
			}
			d->buf += back;
			d->len -= back;
			d->off = d->pos;
		}
	}
	if (d->pos >= d->size && (d->eof || !d->len))
		return 0;
	if (d->len && d->off == d->pos) {
		*n = d->len < max ? d->len : max;
		*p = d->buf;
		d->buf += *n;
		d->len -= *n;
		d->off += (int64_t)*n;
	} else {
		/* A hole: up to the next block, or to the entry's end. */
		int64_t gap = (d->len ? d->off : d->size) - d->pos;

		if (gap <= 0)
			return 0;
		*n = (size_t)(gap < (int64_t)sizeof(zeros) ? gap : (int64_t)sizeof(zeros));
		if (*n > max)
			*n = max;
		*p = zeros;
	}
	d->pos += (int64_t)*n;
	return 1;
}
