/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"
#include "common/codec/gzsplicecore.h"

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
 * window, while ISA-L decodes the stream for the tar layer. The splice runs
 * on a thread of its own (gzsplicecore.h): the caller's calls queue work
 * and return, and its callbacks run on that thread.
 *
 * The input is read again from its file (fd at offset base): it must be a
 * regular file that does not change meanwhile.
 */
struct gzsplice;

/* level 1-9 (zlib's) for the windows compressed anew; in_end: the stream's
 * size in the file (from base), beyond which copies never run ahead. */
struct gzsplice *gzsplice_new(int fd, int64_t base, uint64_t in_end, int level,
			      gzsplice_write_fn write, gzsplice_copy_fn copy,
			      gzsplice_truncate_fn truncate, void *ctx);
void gzsplice_free(struct gzsplice *g);
/* Abandon the work: what is queued is dropped, nothing more goes out, no
 * callback runs after this returns. Nothing to do after gzsplice_finish. */
void gzsplice_stop(struct gzsplice *g);
/* Copying runs ahead, and the boundary finder looks ahead, after this many
 * bytes with no edit (4 MiB; tests use less, to cut back often). */
void gzsplice_set_run_ahead(struct gzsplice *g, uint64_t after);
/*
 * Whether an edit may still come (a file to edit not reached yet). While
 * one may, the boundary finder keeps up with the input in a long member,
 * on a core of its own, so that an edit deep in the stream finds its
 * window at once. The output is the same either way.
 */
void gzsplice_expect_edits(struct gzsplice *g, bool expect);

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

