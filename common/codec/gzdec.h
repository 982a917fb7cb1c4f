/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"

/*
 * A gzip decoder on ISA-L's inflate (several times zlib's speed). Members
 * back to back are one stream, as gzip(1) reads them; every member's CRC and
 * length are checked; NUL padding after the last member is allowed (some
 * writers block their output), anything else after it is an error.
 */
struct gzdec;

struct gzdec *gzdec_new(void);
void gzdec_free(struct gzdec *d);

/*
 * Decompress from *in (advancing it) into out. Returns the bytes produced,
 * which is 0 when more input is needed; -1 on corrupt data.
 */
ssize_t gzdec_run(struct gzdec *d, const unsigned char **in, size_t *in_len,
		  unsigned char *out, size_t out_len, struct act_err *err);
/* At the end of the input: 0 if the stream ended cleanly, else -1. */
int gzdec_end(struct gzdec *d, struct act_err *err);
/*
 * Called as each member ends, with its span in the compressed input
 * [c_start, c_end) and in the decompressed stream [u_start, u_end).
 */
typedef void (*gzdec_member_fn)(void *ctx, uint64_t c_start, uint64_t c_end,
				uint64_t u_start, uint64_t u_end);
void gzdec_observe(struct gzdec *d, gzdec_member_fn fn, void *ctx);

/* Members fully decoded so far. */
uint64_t gzdec_members(const struct gzdec *d);
