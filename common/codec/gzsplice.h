/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"

/*
 * A gzip stream rewritten by splicing the input's compressed bytes: where
 * the output repeats the input, its deflate data is copied as it is, and only
 * a window around each edit is compressed anew (zlib, primed with the 32 KiB
 * before it). Any gzip input is patched at the speed of decompression, and
 * the output shares all its compressed bytes with the input but those
 * windows. The output keeps the input's members, headers included (FNAME,
 * FEXTRA, FCOMMENT, FHCRC as they were); a member that changed gets a new
 * trailer.
 *
 * Why it works: at a deflate block boundary the decoder's whole state is its
 * bit position and the last 32 KiB of output. A window starts at a block
 * boundary on a byte (the output so far is the input's bytes up to it) and
 * ends with a sync flush at the first boundary on a byte that has 32 KiB of
 * unchanged input before it, so the input's blocks from there decode the
 * same. The input's tail is never bit-shifted: its stored blocks are aligned
 * to its own byte grid. zlib's inflate(Z_BLOCK) finds the boundaries; it
 * reads only the members an edit falls in, from their start to the edit's
 * window, while ISA-L decodes the stream for the tar layer.
 *
 * The input is read again from its file (fd at offset base): it must be a
 * regular file that does not change meanwhile.
 */
struct gzsplice;

/* New compressed bytes for the output. */
typedef int (*gzsplice_write_fn)(void *ctx, const void *buf, size_t len, struct act_err *err);
/* len compressed bytes of the input file from file offset off, as they are. */
typedef int (*gzsplice_copy_fn)(void *ctx, int64_t off, uint64_t len, struct act_err *err);

/* level 1-9 (zlib's) for the windows compressed anew. */
struct gzsplice *gzsplice_new(int fd, int64_t base, int level, gzsplice_write_fn write,
			      gzsplice_copy_fn copy, void *ctx);
void gzsplice_free(struct gzsplice *g);

/* The input's decoder saw a member end (gzdec_member_fn), in order. */
void gzsplice_member(void *g, uint64_t c_start, uint64_t c_end, uint64_t u_start,
		     uint64_t u_end);

/* The output's next bytes are the input's decompressed bytes at u_off. */
int gzsplice_copy(struct gzsplice *g, const void *buf, size_t len, uint64_t u_off,
		  struct act_err *err);
/* The output's next bytes are new. */
int gzsplice_write(struct gzsplice *g, const void *buf, size_t len, struct act_err *err);
/* After the input is decoded to its end: the rest of the output. */
int gzsplice_finish(struct gzsplice *g, struct act_err *err);

