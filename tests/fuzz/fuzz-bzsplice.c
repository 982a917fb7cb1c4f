// SPDX-License-Identifier: Apache-2.0
/*
 * bzip2 decoding and splicing (tests/unit/bzsplice-check.h). The first byte
 * picks the property:
 *   even: the rest is a bzip2 stream, decoded by bzdec on two threads (a
 *         false magic put at a place the input picks): no crash, and what
 *         bzdec decodes without error libbz2 decodes to the same bytes;
 *   odd:  the input picks a stream's make (size, level, data, streams back
 *         to back) and edits; the spliced output decodes, by libbz2, to
 *         exactly the bytes the edits say.
 */
#include "../unit/bzsplice-check.h"
#include "fuzz.h"

static void decode_raw(const uint8_t *data, size_t size)
{
	struct buf in = { (unsigned char *)data, size }, got = { 0 }, ref;
	struct mem m = { &in, 0 };
	struct bzdec *d = bzdec_new(rd, &m, 2);
	unsigned char chunk[65536];
	struct act_err err = { 0 };
	ssize_t n;

	if (size > 8)
		bzdec_test_false_magic(d, ((uint64_t)data[size - 1] << 8 | data[size - 2]) * 8 + 3);
	while ((n = bzdec_read(d, chunk, sizeof(chunk), &err)) > 0)
		append(&got, chunk, (size_t)n);
	bzdec_free(d);
	if (n == 0) {
		FUZZ_CHECK(unbz(&in, &ref));
		FUZZ_CHECK(ref.len == got.len && (!got.len || !memcmp(ref.p, got.p, got.len)));
		free(ref.p);
	}
	free(got.p);
}

static void spliced_edits(const uint8_t *data, size_t size)
{
	unsigned char b[12] = { 0 };
	uint64_t seed = 1469598103934665603ULL, copied, made;
	struct edit ed[6];
	struct buf in = { 0 };
	size_t len, ned, at = 0;
	unsigned char *text;
	static const char *const ins[] = { "", "x", "a longer run of new bytes", "\n\n\n\n" };

	memcpy(b, data, size < sizeof(b) ? size : sizeof(b));
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 1099511628211ULL;
	len = ((size_t)b[1] << 12 | (size_t)b[2] << 4) % 400000;
	text = xmalloc(len + 1);
	for (size_t i = 0; i < len; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		/* Text, runs and noise, as the input says. */
		text[i] = b[3] % 3 == 0 ? (unsigned char)('a' + (seed >> 61))
			  : b[3] % 3 == 1 ? (unsigned char)((i / (1 + b[4] * 64)) & 1)
					  : (unsigned char)(seed >> 40);
	}
	/* One to three streams back to back, of block sizes the input picks. */
	for (size_t s = 0, n = 1 + b[5] % 3, from = 0; s < n; s++) {
		size_t to = s + 1 == n ? len : len / n * (s + 1);
		struct buf part = compress(text + from, to - from, 1 + (b[6 + s] % 9));

		append(&in, part.p, part.len);
		free(part.p);
		from = to;
	}
	ned = b[9] % (ARRAY_SIZE(ed) + 1);
	for (size_t i = 0; i < ned; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		at += len > at ? (size_t)(seed >> 33) % (len - at + 1) : 0;
		ed[i] = (struct edit){ at, len > at ? (size_t)(seed >> 20) % (len - at + 1) % 5000 : 0,
				       ins[(seed >> 12) % ARRAY_SIZE(ins)] };
		at += ed[i].del;
	}
	FUZZ_CHECK(bzs_check(&in, ed, ned, &copied, &made, "fuzz"));
	free(in.p);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && data[0] % 2 == 0)
		decode_raw(data + 1, size - 1);
	else
		spliced_edits(data, size);
	return 0;
}
