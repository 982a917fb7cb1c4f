/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * bzip2's stream at the bit level (bzip2's own format notes; no library
 * exposes it): "BZh" and a digit (the block size, 100k units), then blocks,
 * each a 48-bit magic, its CRC and Huffman-coded data of any bit length,
 * then a 48-bit end marker, the stream CRC (each block's CRC folded in
 * order) and padding to a byte. Blocks are independent: one can be decoded,
 * or copied into another stream at any bit offset, on its own.
 */
#define BZ_BLOCK_MAGIC 0x314159265359ULL
#define BZ_END_MAGIC 0x177245385090ULL
#define BZ_HEADER_MAGIC 0x425a68ULL /* "BZh" */

/* n (at most 57) bits of buf from bit pos, most significant first; the
 * bytes they lie in must be there. */
uint64_t bzbits_get(const unsigned char *buf, uint64_t pos, unsigned n);

/* The stream CRC after one more block. */
static inline uint32_t bzbits_fold(uint32_t combined, uint32_t block)
{
	return ((combined << 1) | (combined >> 31)) ^ block;
}

/* The stream CRC after n more blocks whose own fold, from 0, is c. */
uint32_t bzbits_fold_n(uint32_t combined, uint64_t n, uint32_t c);

/*
 * The first block or end marker that starts at a bit in [from, to) of buf
 * (bit offsets of buf; the 48 bits after `to` must be in it): its bit
 * offset, or UINT64_MAX. *end tells which magic it is.
 */
uint64_t bzbits_find(const unsigned char *buf, uint64_t from, uint64_t to, int *end);

/* A growing bit string, most significant bit first, as bzip2 writes. */
struct bzbits_out {
	unsigned char *buf;
	size_t cap;
	uint64_t bits;
};

void bzbits_put(struct bzbits_out *o, uint64_t v, unsigned n);
/* n bits of src from bit sbit, appended whatever their alignment. */
void bzbits_copy(struct bzbits_out *o, const unsigned char *src, uint64_t sbit, uint64_t n);
/* Zero bits up to a byte. */
void bzbits_pad(struct bzbits_out *o);
/* A stream's header: "BZh" and the block size, 1 to 9. */
void bzbits_header(struct bzbits_out *o, int level);
/* A stream's end: the end marker, the stream CRC, padding to a byte. */
void bzbits_end(struct bzbits_out *o, uint32_t combined);
void bzbits_free(struct bzbits_out *o);
