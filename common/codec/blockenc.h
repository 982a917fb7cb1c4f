/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"

/*
 * A compressor that uses every core: the stream is cut into blocks of a fixed
 * size, compressed independently on worker threads and written in order. A
 * block already compressed elsewhere (an input's gzip member or xz block) can
 * be put in its place in the stream. The output depends only on the input,
 * the codec and its block size, never on the thread count or timing. Memory
 * is bounded by the blocks in flight: each keeps its buffers from block to
 * block until blockenc_drain or blockenc_free.
 */
struct blockenc;

struct blockenc_codec {
	size_t block_size;
	/* Room the compressed form of len bytes may need. */
	size_t (*bound)(const void *arg, size_t len);
	/* Compress in[0, len) into out; returns the bytes written, 0 on failure.
	 * *aux is the codec's note on the block (xz: its unpadded size). Called
	 * on several threads at once. */
	size_t (*compress)(const void *arg, const void *in, size_t len, void *out, size_t cap,
			   uint64_t *aux);
};

/* Each block, in stream order: its compressed bytes, the uncompressed bytes
 * it holds and the codec's note (the caller's, for a copied block). */
typedef int (*blockenc_write_fn)(void *ctx, const void *buf, size_t len, uint64_t ulen,
				 uint64_t aux, struct act_err *err);

/* A copy of arg[0, arg_len) is handed to the codec's functions; threads >= 1. */
struct blockenc *blockenc_new(const struct blockenc_codec *codec, const void *arg,
			      size_t arg_len, int threads, blockenc_write_fn write, void *ctx,
			      struct act_err *err);
int blockenc_write(struct blockenc *z, const void *buf, size_t len, struct act_err *err);
/* End the current block here, then put a whole block compressed elsewhere
 * (holding ulen bytes of the stream) in its place in the output. */
int blockenc_copy(struct blockenc *z, const void *block, size_t len, uint64_t ulen,
		  uint64_t aux, struct act_err *err);
/* Write every block that is being compressed (not the one being filled), and
 * give back the memory they held. */
int blockenc_drain(struct blockenc *z, struct act_err *err);
/* Compress and write everything pending. */
int blockenc_finish(struct blockenc *z, struct act_err *err);
/* Stops the workers; pending data is dropped. */
void blockenc_free(struct blockenc *z);
