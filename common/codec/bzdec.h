/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"

/*
 * A bzip2 decoder that decodes blocks on several threads. bzip2's blocks are
 * independent (bzbits.h): the input is scanned for their magics, each block
 * is wrapped into a stream of its own and decoded by libbz2 on a worker, and
 * the output comes back in order. Every block's CRC is checked by libbz2,
 * every stream's CRC here; streams back to back (pbzip2, lbzip2) are one
 * stream, as bzip2(1) reads them; zeros may follow the last, nothing else.
 * A magic can occur by chance inside a block: a block that does not decode
 * is decoded again joined to the next. Memory is bounded: a block whose
 * output is over 4 MiB (long runs) is only measured ahead and decoded again,
 * a piece at a time, when its turn comes.
 */
struct bzdec;

/* Where a block lies, told as its bytes start to be handed out. */
struct bzblock {
	uint64_t c_start, c_end; /* input bits: its magic to the next magic */
	uint64_t u_start, u_end; /* its bytes in the decompressed stream */
	uint32_t crc;		 /* its CRC (its header's, checked) */
	int level;		 /* its stream's block size, 1 to 9 (100k units) */
	uint64_t s_start;	 /* the byte its stream's header starts at */
	bool first, last;	 /* the first, the last block of its stream */
	uint64_t s_end;		 /* last: the byte after its stream's end, padded */
};

/* Up to len input bytes: > 0 read, 0 at the end, -1 with errno set. */
typedef ssize_t (*bzdec_read_fn)(void *ctx, void *buf, size_t len);
typedef void (*bzdec_block_fn)(void *ctx, const struct bzblock *b);

/* threads: decoding threads (0: one per CPU, at most 4). */
struct bzdec *bzdec_new(bzdec_read_fn read, void *ctx, unsigned threads);
void bzdec_free(struct bzdec *d);
/* fn sees each block, in order; call before the first read. */
void bzdec_observe(struct bzdec *d, bzdec_block_fn fn, void *ctx);
/* Up to len decompressed bytes: > 0, 0 at the clean end, -1 on an error
 * (a read error, or corrupt data: err says where). */
ssize_t bzdec_read(struct bzdec *d, void *buf, size_t len, struct act_err *err);
/* Tests: take the bits at `bit` (inside a block) for a block magic, as a
 * magic by chance would be, so that the join is exercised. */
void bzdec_test_false_magic(struct bzdec *d, uint64_t bit);
