/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"
#include "common/codec/bzdec.h"

/*
 * A bzip2 stream rewritten by splicing the input's blocks: a block whose
 * bytes the output repeats whole is copied as it is (its bits shifted to
 * where the output has got to: bzip2 has no byte alignment, bzbits.h), and
 * only the blocks an edit touches are compressed anew (libbz2, at the
 * input stream's block size). The stream CRC is folded from the block CRCs.
 * Any bzip2 input is patched at the speed of decompression; the output keeps
 * the input's streams (pbzip2's, one per chunk) where no edit spans two.
 *
 * An edit in the middle of a block needs the block's bytes before it: they
 * are decoded again from the input, not kept while the block may yet come
 * out whole. The input is read again from its file (fd at offset base): it
 * must be a regular file that does not change meanwhile.
 */
struct bzsplice;

/* Compressed bytes for the output, in order. */
typedef int (*bzsplice_write_fn)(void *ctx, const void *buf, size_t len, struct act_err *err);

struct bzsplice *bzsplice_new(int fd, int64_t base, bzsplice_write_fn write, void *ctx);
void bzsplice_free(struct bzsplice *g);

/* The input's decoder hands out a block (bzdec_block_fn), in order. */
void bzsplice_block(void *g, const struct bzblock *b);

/* The output's next bytes are the input's decompressed bytes at u_off. */
int bzsplice_copy(struct bzsplice *g, const void *buf, size_t len, uint64_t u_off,
		  struct act_err *err);
/* The output's next bytes are new. */
int bzsplice_write(struct bzsplice *g, const void *buf, size_t len, struct act_err *err);
/* After the last byte: the rest of the output. */
int bzsplice_finish(struct bzsplice *g, struct act_err *err);
/* Blocks copied and compressed anew so far (for the bench and tests). */
void bzsplice_counts(const struct bzsplice *g, uint64_t *copied, uint64_t *made);
