// SPDX-License-Identifier: Apache-2.0
#include "gzsplice-check.h"
#include "tap.h"

static void report(const struct gzs_params *p, const struct gzs_result *r)
{
	if (!r->ok)
		printf("#   seed %llu size %zu level %d strategy %d members %d header %d: %s\n",
		       (unsigned long long)p->seed, p->size, p->level, p->strategy, p->members,
		       p->header, r->why);
}

/* One span replaced in a big single member (a manifest patch at the start,
 * a file's header in the middle): the output shares all but a window of
 * compressed bytes with the input, and is about its size. */
static void test_one_edit_shares_the_rest(void)
{
	for (int level = 1; level <= 9; level += 4) {
		for (size_t at = 512; at < 2 << 20; at += 900 << 10) {
			struct gzs_params p = { .seed = 7 + (uint64_t)level, .size = 2 << 20,
						.level = level, .members = 1, .splice_level = level,
						.run_ahead = level > 4 ? 256 : 0,
						.replace_at = at, .replace_len = 1500 };
			struct gzs_result r = gzs_check(&p);

			report(&p, &r);
			CHECK(r.ok);
			CHECK(r.prefix + r.suffix + 400 * 1024 >= r.in_len);
			CHECK(r.out_len < r.in_len + r.in_len / 100 && r.out_len > r.in_len - r.in_len / 100);
			if (!r.ok || r.prefix + r.suffix + 400 * 1024 < r.in_len)
				printf("#   at %zu: %zu of %zu bytes shared\n", at, r.prefix + r.suffix,
				       r.in_len);
		}
	}
}

/* zlib level 0: stored blocks only, every boundary on a byte. */
static void test_stored_blocks(void)
{
	struct gzs_params p = { .seed = 11, .size = 1 << 20, .level = 0, .members = 1,
				.edits = 4, .splice_level = 6 };
	struct gzs_result r = gzs_check(&p);

	report(&p, &r);
	CHECK(r.ok);
}

/* FNAME, FCOMMENT, FEXTRA and FHCRC: the header is copied as it is. */
static void test_headers(void)
{
	for (int h = 0; h < 16; h += 5) {
		struct gzs_params p = { .seed = 13 + (uint64_t)h, .size = 400000, .level = 6,
					.members = 2, .header = h, .edits = 3, .splice_level = 6 };
		struct gzs_result r = gzs_check(&p);

		report(&p, &r);
		CHECK(r.ok);
		CHECK(r.prefix >= 10);
	}
}

/* Copies run ahead and cut back at each edit and member end: the same
 * bytes as copies that wait. */
static void test_run_ahead(void)
{
	for (int ahead = 0; ahead <= 64; ahead += 64) {
		struct gzs_params p = { .seed = 19, .size = 1500000, .level = 6, .members = 3,
					.edits = 6, .splice_level = 6, .run_ahead = ahead };
		struct gzs_result r = gzs_check(&p);

		report(&p, &r);
		CHECK(r.ok);
		CHECK(ahead ? r.cuts > 0 : r.cuts == 0);
	}
}

/*
 * Whether edits are expected (the boundary finder looking ahead on the
 * splice's thread, whenever it is idle) changes nothing in the output, nor
 * does the timing of the threads: the same bytes every time.
 */
static void test_eager_same_bytes(void)
{
	int differ = 0, bad = 0;

	for (uint64_t seed = 1; seed <= 12; seed++) {
		struct gzs_params p = { .seed = 100 + seed, .size = 3 << 20, .level = 6,
					.members = 1 + (int)(seed % 3 == 0), .flushes = (int)(seed % 2),
					.edits = 3 + (int)seed, .splice_level = 6,
					.run_ahead = seed % 4 ? 64 : 0 };
		struct gzs_result want = gzs_check(&p);

		bad += !want.ok;
		for (int eager = 1; eager <= 2; eager++) {
			for (int again = 0; again < 2; again++) {
				struct gzs_result r;

				p.eager = eager;
				r = gzs_check(&p);
				bad += !r.ok;
				differ += r.out_len != want.out_len || r.out_crc != want.out_crc;
			}
		}
		p.eager = 0;
		report(&p, &want);
	}
	CHECK_INT(bad, 0);
	CHECK_INT(differ, 0);
}

/* No edit: the output is the input, byte for byte. */
static void test_no_edit_is_a_copy(void)
{
	struct gzs_params p = { .seed = 17, .size = 2 << 20, .level = 6, .members = 3,
				.flushes = 1, .splice_level = 6 };
	struct gzs_result r = gzs_check(&p);

	report(&p, &r);
	CHECK(r.ok);
	CHECK_INT(r.out_len, r.in_len);
	CHECK_INT(r.prefix, r.in_len);
}

/* Random streams and edits: every strategy, flushes, level changes,
 * members, edits close together. */
static void test_random(void)
{
	static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
					   Z_FIXED };
	int bad = 0;

	for (uint64_t seed = 1; seed <= 40; seed++) {
		uint64_t s = seed * 977;
		struct gzs_params p = {
			.seed = seed,
			.size = 1 + gzs_below(&s, 1000000),
			.level = (int)gzs_below(&s, 10),
			.strategy = strategies[gzs_below(&s, 5)],
			.members = 1 + (int)gzs_below(&s, 4),
			.header = (int)gzs_below(&s, 16),
			.flushes = (int)gzs_below(&s, 2),
			.edits = (int)gzs_below(&s, 12),
			.splice_level = 1 + (int)gzs_below(&s, 9),
			.run_ahead = (int)gzs_below(&s, 3) * 100,
			.eager = (int)gzs_below(&s, 3),
		};
		struct gzs_result r = gzs_check(&p);

		report(&p, &r);
		bad += !r.ok;
	}
	CHECK_INT(bad, 0);
}

int main(void)
{
	RUN(test_one_edit_shares_the_rest);
	RUN(test_stored_blocks);
	RUN(test_headers);
	RUN(test_no_edit_is_a_copy);
	RUN(test_run_ahead);
	RUN(test_eager_same_bytes);
	RUN(test_random);
	return tap_done();
}
