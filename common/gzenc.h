/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/*
 * A gzip encoder that uses every core: the stream is cut into blocks that are
 * compressed independently by libdeflate on worker threads and written, in
 * order, as gzip members back to back (RFC 1952 allows it; gzip, zcat, Go,
 * Python and libarchive read it). Memory is bounded by the blocks in flight.
 * The output depends only on the input, the level and the block size, never
 * on the thread count or timing.
 */
struct gzenc;

typedef int (*gzenc_write_fn)(void *ctx, const void *buf, size_t len, struct act_err *err);

/* level 1-12 (libdeflate's scale; 6 is gzip's default), threads >= 1. */
struct gzenc *gzenc_new(int level, int threads, gzenc_write_fn write, void *ctx,
			struct act_err *err);
int gzenc_write(struct gzenc *z, const void *buf, size_t len, struct act_err *err);
/* End the current member here, then copy a whole member (already compressed
 * elsewhere) to the output in its place in the stream. */
int gzenc_copy_member(struct gzenc *z, const void *member, size_t len, struct act_err *err);
/* Compress and write everything pending. */
int gzenc_finish(struct gzenc *z, struct act_err *err);
/* Stops the workers; pending data is dropped. */
void gzenc_free(struct gzenc *z);
