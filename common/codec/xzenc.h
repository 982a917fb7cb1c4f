/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"

/*
 * xz on every core: one xz stream whose blocks (2 MiB of tar each) are
 * compressed independently by liblzma on worker threads (blockenc.h), with
 * blocks copied from an input xz stream in their place, all listed in the
 * index at the end. liblzma's own multithreaded encoder cannot take a block
 * compressed elsewhere, so the stream header, index and footer are written
 * here. Check CRC64, as xz(1) writes by default; a copied block must have
 * the same check. The dictionary is 1 MiB at most (xz -6 has 8 MiB), for
 * memory: see xzenc.c.
 */
struct xzenc;

typedef int (*xzenc_write_fn)(void *ctx, const void *buf, size_t len, struct act_err *err);

/* level: xz's preset, 1-9; threads >= 1. Writes the stream header. */
struct xzenc *xzenc_new(int level, int threads, xzenc_write_fn write, void *ctx,
			struct act_err *err);
int xzenc_write(struct xzenc *x, const void *buf, size_t len, struct act_err *err);
/* Put a whole xz block (header to check, padding included; CRC64 check) of
 * ulen uncompressed bytes and the given unpadded size in the stream. */
int xzenc_copy_block(struct xzenc *x, const void *block, size_t len, uint64_t ulen,
		     uint64_t unpadded, struct act_err *err);
/* Write the blocks being compressed, giving their memory back. */
int xzenc_drain(struct xzenc *x, struct act_err *err);
/* Write everything pending, then the index and the stream footer. */
int xzenc_finish(struct xzenc *x, struct act_err *err);
void xzenc_free(struct xzenc *x);
