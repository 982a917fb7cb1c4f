// SPDX-License-Identifier: Apache-2.0
/* bzsplice: edits of every kind on bzip2 streams of every layout; each
 * output decoded by libbz2's own decoder (streams back to back) and
 * compared with the edited bytes, and blocks no edit touches copied. */
#include "bzsplice-check.h"
#include "tap.h"

static void test_edits(void)
{
	size_t len = tap_memcheck() ? 1u << 20 : 3u << 20;
	unsigned char *data = text(len, 3);
	static const int levels[] = { 1, 9 };

	for (size_t l = 0; l < (tap_memcheck() ? 1 : ARRAY_SIZE(levels)); l++) {
		struct buf in = compress(data, len, levels[l]);
		uint64_t copied, made, all;
		struct edit first[] = { { 0, 512, "a manifest grown longer than it was, by a lot" } };
		struct edit middle[] = { { len / 2 + 17, 3, "x" } };
		struct edit two[] = { { 1000, 10, "" }, { 1500, 0, "inserted" } };
		struct edit across[] = { { len / 3, len / 8, "short" } };
		struct edit last[] = { { len - 100, 100, "the end, new" } };
		struct edit everywhere[] = { { 10, 1, "A" }, { len / 4, 1, "B" }, { len / 2, 1, "C" },
					     { len - 10, 1, "D" } };

		CHECK(bzs_check(&in, NULL, 0, &all, &made, "no edit"));
		CHECK(made == 0 && all > 2);
		CHECK(bzs_check(&in, first, 1, &copied, &made, "first"));
		CHECK(copied == all - 1 && made >= 1 && made <= 2);
		CHECK(bzs_check(&in, middle, 1, &copied, &made, "middle"));
		CHECK(copied == all - 1);
		CHECK(bzs_check(&in, two, 2, &copied, &made, "two in one block"));
		CHECK(copied == all - 1);
		CHECK(bzs_check(&in, across, 1, &copied, &made, "across blocks"));
		CHECK(bzs_check(&in, last, 1, &copied, &made, "last"));
		CHECK(copied == all - 1);
		CHECK(bzs_check(&in, everywhere, 4, &copied, &made, "everywhere"));
		free(in.p);
	}
	free(data);
}

/* Streams back to back, of other block sizes: kept, and edits in each. */
static void test_streams(void)
{
	unsigned char *a = text(900000, 4), *b = text(1300000, 5);
	struct buf sa = compress(a, 900000, 1), sb = compress(b, 1300000, 9), in = { 0 };
	struct edit ed[] = { { 5, 5, "one" }, { 900000 + 5, 5, "two" }, { 2200000 - 3, 3, "three" } };
	uint64_t copied, made, all;

	append(&in, sa.p, sa.len);
	append(&in, sb.p, sb.len);
	CHECK(bzs_check(&in, NULL, 0, &all, &made, "streams, no edit"));
	CHECK(bzs_check(&in, ed, 3, &copied, &made, "streams"));
	CHECK(copied >= all - 3);
	free(in.p);
	free(sa.p);
	free(sb.p);
	free(a);
	free(b);
}

/* Long runs: a block of some 20 MiB out, edited in the middle. */
static void test_long_runs(void)
{
	size_t len = 24u << 20;
	unsigned char *data = xcalloc(1, len);
	struct buf in;
	struct edit ed[] = { { 15u << 20, 1, "a byte in the zeros" } };
	uint64_t copied, made;

	memcpy(data + 1000, "some text", 9);
	in = compress(data, len, 9);
	CHECK(bzs_check(&in, ed, 1, &copied, &made, "long runs"));
	free(in.p);
	free(data);
}

int main(void)
{
	RUN(test_edits);
	RUN(test_streams);
	RUN(test_long_runs);
	return tap_done();
}
