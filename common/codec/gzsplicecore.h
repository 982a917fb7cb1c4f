/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"

/*
 * The splice's decisions (gzsplice.h), on one thread: where a window
 * starts and ends, what it compresses, which of the input's bytes are
 * copied. gzsplice.c runs it on a thread of its own, so that the boundary
 * finder (zlib, a third of ISA-L's speed) works while the input is decoded.
 *
 * It is told of the input's bytes by offset only: the bytes a window needs
 * it decodes itself from the input file. So a copy must not go back: a
 * copy starts at or after the end of every copy before it (gzsplice.c
 * turns bytes the output repeats into new bytes). Each member's check (CRC
 * and length of the output member's bytes) is computed by the caller, who
 * has the bytes, and handed over where the member ends.
 */
struct gzcore;

/* New compressed bytes for the output. */
typedef int (*gzsplice_write_fn)(void *ctx, const void *buf, size_t len, struct act_err *err);
/* len compressed bytes of the input file from file offset off, as they are. */
typedef int (*gzsplice_copy_fn)(void *ctx, int64_t off, uint64_t len, struct act_err *err);

/*
 * Cut the output back to its first len bytes (a file it can seek in). With
 * it, the input's compressed bytes are copied as the input is read (its
 * file offset, fd's), and cut back to where an edit or a member's end needs
 * them: the copy and its write-back overlap the decoding instead of
 * following it. NULL (a pipe): copies run only as far as the boundary
 * finder has passed, or wait until their end is known.
 */
typedef int (*gzsplice_truncate_fn)(void *ctx, uint64_t len, struct act_err *err);

struct gzcore *gzcore_new(int fd, int64_t base, uint64_t in_end, int level,
			  gzsplice_write_fn write, gzsplice_copy_fn copy,
			  gzsplice_truncate_fn truncate, void *ctx);
void gzcore_free(struct gzcore *g);
void gzcore_set_run_ahead(struct gzcore *g, uint64_t after);
/* Edits are expected: copies run ahead only as far as the boundary finder
 * has passed (never cut back), and gzcore_scan_ahead has work. */
void gzcore_set_eager(struct gzcore *g, bool eager);

/* Input member m (0-based, in order) ends at c_end, u_end. */
void gzcore_member(struct gzcore *g, uint64_t c_end, uint64_t u_end);

/*
 * The output's next bytes are the input's [x, x+len), all in member m.
 * Where this starts a new output member, crc and olen are the check of
 * the one it ends (its bytes, written and copied).
 */
int gzcore_copy(struct gzcore *g, size_t m, uint64_t x, uint64_t len, uint32_t crc,
		uint64_t olen, struct act_err *err);
/* The output's next bytes are new. */
int gzcore_write(struct gzcore *g, const void *buf, size_t len, struct act_err *err);
/* The rest of the output; crc and olen: the last output member's check. */
int gzcore_finish(struct gzcore *g, uint32_t crc, uint64_t olen, struct act_err *err);

/*
 * Eager, in a long member, while the output copies the input: the boundary
 * finder takes a step (1 MiB of output) towards where the copy is, so that
 * an edit there finds its window's start at once. 1: a step taken, 0:
 * nothing to do, -1 on error. The output does not depend on the steps.
 */
int gzcore_scan_ahead(struct gzcore *g, struct act_err *err);
