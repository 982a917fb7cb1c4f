/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The input's recent gzip members or xz blocks, so that a member whose
 * decompressed bytes an edit leaves alone can be copied to the output as it
 * is, with no recompression. Their compressed bytes are kept too when the
 * input is not a regular file (from a file they are read again). An image acitool wrote
 * (1 MiB members) is patched again at the speed of decompression. Members
 * larger than the limit (a single-member gzip or single-block xz) are not
 * kept: memory stays bounded.
 */
struct memberstore;

struct member {
	uint64_t c_start, c_end; /* compressed bytes of the member */
	uint64_t u_start, u_end; /* its span in the decompressed stream */
	uint64_t aux;		 /* xz: the block's unpadded size */
};

/* Members over max_member compressed or max_span decompressed bytes are not
 * kept. Without keep_bytes, only where members lie is kept: their bytes are
 * to be read again from the input file (memberstore_bytes gives NULL). */
struct memberstore *memberstore_new(size_t max_member, uint64_t max_span, bool keep_bytes);
bool memberstore_keeps_bytes(const struct memberstore *ms);
void memberstore_free(struct memberstore *ms);

/* The compressed stream, in order, as it is read. */
void memberstore_add_bytes(struct memberstore *ms, const void *buf, size_t len);
/* A member ended (the decoder's observer). */
void memberstore_member(struct memberstore *ms, uint64_t c_start, uint64_t c_end,
			uint64_t u_start, uint64_t u_end, uint64_t aux);

/* The first kept member lying wholly in [u_from, u_to). */
bool memberstore_find(struct memberstore *ms, uint64_t u_from, uint64_t u_to,
		      struct member *m);
/* Its compressed bytes, valid until the store is next changed; NULL when
 * they are gone or not kept. */
const unsigned char *memberstore_bytes(struct memberstore *ms, const struct member *m);
/*
 * Where a writer that has settled the stream up to `from` should hold back so
 * as not to cut a member it may still copy whole: the start of the first kept
 * member that starts at or after `from` and ends after `upto`, or of the
 * member being decoded (decoded up to `decoded`) if it may still be kept.
 * Returns upto when there is nothing to hold back for.
 */
uint64_t memberstore_hold(const struct memberstore *ms, uint64_t from, uint64_t upto,
			  uint64_t decoded);
/* Forget members ending at or before u and the bytes only they needed. */
void memberstore_release(struct memberstore *ms, uint64_t u);
