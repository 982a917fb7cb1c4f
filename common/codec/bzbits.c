// SPDX-License-Identifier: Apache-2.0
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/codec/bzbits.h"

uint64_t bzbits_get(const unsigned char *buf, uint64_t pos, unsigned n)
{
	const unsigned char *p = buf + pos / 8;
	unsigned skip = (unsigned)(pos % 8), have = 0;
	uint64_t v = 0;

	while (have < skip + n) {
		v = v << 8 | *p++;
		have += 8;
	}
	return (v >> (have - skip - n)) & ((n == 64 ? 0 : 1ULL << n) - 1);
}

uint32_t bzbits_fold_n(uint32_t combined, uint64_t n, uint32_t c)
{
	unsigned r = (unsigned)(n % 32);

	/* rotl is linear over xor: folding n blocks onto combined is rotl^n. */
	if (r)
		combined = (combined << r) | (combined >> (32 - r));
	return combined ^ c;
}

/* For each of the 16 ways a magic can lie across bytes (8 bit offsets, two
 * magics), the two bytes after the first it touches are whole: a table of
 * those 16-bit values finds candidates a byte at a time. */
struct finder {
	uint8_t hit[65536 / 8];
};

static struct finder finder;

static void finder_init(void)
{
	static const uint64_t magic[2] = { BZ_BLOCK_MAGIC, BZ_END_MAGIC };

	for (int m = 0; m < 2; m++)
		for (unsigned k = 0; k < 8; k++) {
			uint64_t w = magic[m] << (16 - k);
			unsigned key = (unsigned)((w >> 40) & 0xffff);

			finder.hit[key / 8] |= (uint8_t)(1u << (key % 8));
		}
}

uint64_t bzbits_find(const unsigned char *buf, uint64_t from, uint64_t to, int *end)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	uint64_t first = from / 8, last = (to + 7) / 8;

	pthread_once(&once, finder_init);
	/* A magic starting in byte i has its whole bytes at i + 1 and i + 2. */
	for (uint64_t i = first; i < last; i++) {
		unsigned key = (unsigned)buf[i + 1] << 8 | buf[i + 2];

		if (!(finder.hit[key / 8] & (1u << (key % 8))))
			continue;
		for (unsigned k = 0; k < 8; k++) {
			uint64_t pos = i * 8 + k, v;

			if (pos < from || pos >= to)
				continue;
			v = bzbits_get(buf, pos, 48);
			if (v == BZ_BLOCK_MAGIC || v == BZ_END_MAGIC) {
				*end = v == BZ_END_MAGIC;
				return pos;
			}
		}
	}
	return UINT64_MAX;
}

static void grow(struct bzbits_out *o, uint64_t more)
{
	size_t need = (size_t)((o->bits + more + 7) / 8) + 8;

	if (need <= o->cap)
		return;
	o->cap = need > 2 * o->cap ? need : 2 * o->cap;
	o->buf = xrealloc(o->buf, o->cap);
}

void bzbits_put(struct bzbits_out *o, uint64_t v, unsigned n)
{
	grow(o, n);
	while (n) {
		unsigned used = (unsigned)(o->bits % 8), room = 8 - used;
		unsigned take = n < room ? n : room;
		unsigned char bits = (unsigned char)((v >> (n - take)) & ((1u << take) - 1));
		unsigned char *p = o->buf + o->bits / 8;

		if (!used)
			*p = 0;
		*p |= (unsigned char)(bits << (room - take));
		o->bits += take;
		n -= take;
	}
}

void bzbits_copy(struct bzbits_out *o, const unsigned char *src, uint64_t sbit, uint64_t n)
{
	grow(o, n);
	/* Up to a byte of the output, then whole output bytes. */
	while (n && o->bits % 8) {
		unsigned take = (unsigned)(8 - o->bits % 8);

		take = n < take ? (unsigned)n : take;
		bzbits_put(o, bzbits_get(src, sbit, take), take);
		sbit += take;
		n -= take;
	}
	if (n >= 8) {
		unsigned char *d = o->buf + o->bits / 8;
		const unsigned char *s = src + sbit / 8;
		unsigned sh = (unsigned)(sbit % 8);
		uint64_t bytes = n / 8;

		if (!sh) {
			memcpy(d, s, (size_t)bytes);
		} else {
			for (uint64_t i = 0; i < bytes; i++)
				d[i] = (unsigned char)(s[i] << sh | s[i + 1] >> (8 - sh));
		}
		o->bits += bytes * 8;
		sbit += bytes * 8;
		n -= bytes * 8;
	}
	if (n)
		bzbits_put(o, bzbits_get(src, sbit, (unsigned)n), (unsigned)n);
}

void bzbits_pad(struct bzbits_out *o)
{
	if (o->bits % 8)
		bzbits_put(o, 0, (unsigned)(8 - o->bits % 8));
}

void bzbits_header(struct bzbits_out *o, int level)
{
	bzbits_put(o, BZ_HEADER_MAGIC, 24);
	bzbits_put(o, (uint64_t)('0' + level), 8);
}

void bzbits_end(struct bzbits_out *o, uint32_t combined)
{
	bzbits_put(o, BZ_END_MAGIC, 48);
	bzbits_put(o, combined, 32);
	bzbits_pad(o);
}

void bzbits_free(struct bzbits_out *o)
{
	free(o->buf);
	*o = (struct bzbits_out){ 0 };
}
