/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/codec/blockenc.h"
#include "common/base/err.h"

/*
 * gzip on every core: blocks of 1 MiB compressed by libdeflate, each a whole
 * gzip member, written back to back (RFC 1952 allows it; gzip, zcat, Go,
 * Python and libarchive read it). Write, copy members in and finish through
 * blockenc.h; the block note (aux) is unused.
 */
/* level 1-12 (libdeflate's scale; 6 is gzip's default). */
struct blockenc *gzenc_new(int level, int threads, blockenc_write_fn write, void *ctx,
			   struct act_err *err);
