/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"

/*
 * An xz decoder that walks the stream block by block with liblzma's block
 * and index functions, where liblzma's stream decoder hides the blocks: it
 * says where each block starts and ends, so that a block an edit leaves alone
 * can be copied to the output as it is. xz -T writes independent blocks; a
 * single-threaded xz writes one block, decoded the same way. Streams back to
 * back are one stream, as xz(1) reads them, with stream padding (zeros, a
 * multiple of four) between and after them. Every block's check, the index
 * and the footer are checked.
 */
struct xzdec;

struct xzdec *xzdec_new(void);
void xzdec_free(struct xzdec *d);

/*
 * Decompress from *in (advancing it) into out. Returns the bytes produced,
 * which is 0 when more input is needed; -1 on corrupt data.
 */
ssize_t xzdec_run(struct xzdec *d, const unsigned char **in, size_t *in_len,
		  unsigned char *out, size_t out_len, struct act_err *err);
/* At the end of the input: 0 if the stream ended cleanly, else -1. */
int xzdec_end(struct xzdec *d, struct act_err *err);
/*
 * Called as each block ends, with its span in the compressed input
 * [c_start, c_end) (block header to check, padding included), in the
 * decompressed stream [u_start, u_end), and its unpadded size (what the index
 * lists). Only blocks of streams with a CRC64 check, the check acitool's
 * xz output has, are reported.
 */
typedef void (*xzdec_block_fn)(void *ctx, uint64_t c_start, uint64_t c_end, uint64_t u_start,
			       uint64_t u_end, uint64_t unpadded);
void xzdec_observe(struct xzdec *d, xzdec_block_fn fn, void *ctx);
