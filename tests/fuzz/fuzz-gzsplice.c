// SPDX-License-Identifier: Apache-2.0
/*
 * Random gzip streams, random edits (tests/unit/gzsplice-check.h): the input
 * picks the seed and the stream's make (size, level, strategy, members,
 * header fields, flushes, edits). Property: the spliced output decodes, by
 * zlib, to exactly the bytes the edits say, every member's trailer right.
 */
#include "../unit/gzsplice-check.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
					   Z_FIXED };
	unsigned char b[16] = { 0 };
	struct gzs_params p;
	struct gzs_result r;

	memcpy(b, data, size < sizeof(b) ? size : sizeof(b));
	/* The rest of the input varies the seed: all of it counts. */
	uint64_t seed = 1469598103934665603ULL;
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 1099511628211ULL;
	p = (struct gzs_params){
		.seed = seed,
		.size = 1 + ((size_t)b[0] << 12 | (size_t)b[1] << 4) % 700000,
		.level = b[2] % 10,
		.strategy = strategies[b[3] % 5],
		.members = 1 + b[4] % 4,
		.header = b[5] % 16,
		.flushes = b[6] % 2,
		.edits = b[7] % 16,
		.splice_level = 1 + b[8] % 9,
		.run_ahead = b[12] % 4 * 50,
		.eager = b[13] % 3,
		.replace_at = b[9] & 1 ? (size_t)b[10] << 10 : 0,
		.replace_len = b[9] & 1 ? (size_t)b[11] * 8 : 0,
	};
	r = gzs_check(&p);
	if (!r.ok)
		fprintf(stderr, "gzsplice: %s\n", r.why);
	FUZZ_CHECK(r.ok);
	return 0;
}
