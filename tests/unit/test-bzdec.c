// SPDX-License-Identifier: Apache-2.0
/* bzdec against libbz2's own decoder: every block layout, streams back to
 * back, long runs, a magic by chance, and damage of every kind. */
#include "bzsplice-check.h"
#include "tap.h"

/* Text-like data: words from a small vocabulary, seeded. */
static unsigned char *words_text(size_t len, uint64_t seed)
{
	static const char *const words[] = { "rootfs", "manifest", "acitool ", "\n", "usr/lib/",
					     "capability ", "0123", "zz", "\t", "x" };
	unsigned char *p = xmalloc(len + 1);

	for (size_t i = 0; i < len;) {
		const char *w;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		w = words[(seed >> 33) % ARRAY_SIZE(words)];
		for (size_t k = 0; w[k] && i < len; k++)
			p[i++] = (unsigned char)w[k];
		if ((seed >> 20) % 7 == 0 && i < len)
			p[i++] = (unsigned char)(seed >> 40);
	}
	return p;
}

struct src {
	const struct buf *in;
	size_t off, step;
};

static ssize_t rd_steps(void *ctx, void *out, size_t len)
{
	struct src *s = ctx;
	size_t n = s->in->len - s->off;

	if (n > len)
		n = len;
	if (n > s->step)
		n = s->step;
	memcpy(out, s->in->p + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

struct seen {
	uint64_t u, blocks, c_prev;
	int bad;
};

static void on_block(void *ctx, const struct bzblock *b)
{
	struct seen *s = ctx;

	/* Contiguous in the output; within a stream, contiguous input bits. */
	if (b->u_start != s->u || b->u_end < b->u_start || b->c_end <= b->c_start ||
	    (!b->first && b->c_start != s->c_prev) || b->level < 1 || b->level > 9 ||
	    (b->first && b->c_start != b->s_start * 8 + 32))
		s->bad++;
	s->u = b->u_end;
	s->c_prev = b->c_end;
	s->blocks++;
}

/* Decode all of in; *err set on failure. The output so far in *out. */
static int decode(const struct buf *in, unsigned threads, size_t step, uint64_t false_at,
		  struct buf *out, struct seen *seen, struct act_err *err)
{
	struct src s = { in, 0, step };
	struct bzdec *d = bzdec_new(rd_steps, &s, threads);
	unsigned char chunk[70000];
	ssize_t n;

	*out = (struct buf){ 0 };
	*err = (struct act_err){ 0 };
	if (seen)
		bzdec_observe(d, on_block, seen);
	if (false_at)
		bzdec_test_false_magic(d, false_at);
	while ((n = bzdec_read(d, chunk, sizeof(chunk), err)) > 0)
		append(out, chunk, (size_t)n);
	bzdec_free(d);
	return n < 0 ? -1 : 0;
}

static bool same(const struct buf *a, const unsigned char *p, size_t len)
{
	return a->len == len && (len == 0 || memcmp(a->p, p, len) == 0);
}

static void test_layouts(void)
{
	static const struct lcase {
		size_t len;
		int level;
	} all[] = { { 0, 9 }, { 1, 9 }, { 5000, 1 }, { 1 << 20, 1 }, { 3 << 20, 9 },
		    { 2500000, 5 } }, small[] = { { 0, 9 }, { 1, 9 }, { 5000, 1 }, { 350000, 1 },
						 { 1100000, 9 } };
	const struct lcase *cases = tap_memcheck() ? small : all;
	size_t ncases = tap_memcheck() ? ARRAY_SIZE(small) : ARRAY_SIZE(all);

	for (size_t i = 0; i < ncases; i++) {
		unsigned char *data = words_text(cases[i].len, i + 1);
		struct buf in = compress(data, cases[i].len, cases[i].level);

		for (unsigned th = 1; th <= 4; th *= 2) {
			struct seen seen = { 0 };
			struct act_err err;
			struct buf out;
			int r = decode(&in, th, th == 2 ? 777 : 1 << 20, 0, &out, &seen, &err);

			CHECK(r == 0);
			CHECK(same(&out, data, cases[i].len));
			CHECK_INT(seen.bad, 0);
			CHECK(seen.u == cases[i].len);
			if (cases[i].len > (size_t)cases[i].level * 100000)
				CHECK(seen.blocks > 1);
			if (r)
				printf("#   case %zu threads %u: %s\n", i, th, err.msg);
			free(out.p);
		}
		free(in.p);
		free(data);
	}
}

/* pbzip2 and lbzip2 write streams back to back; some writers pad with zeros. */
static void test_streams(void)
{
	unsigned char *a = words_text(400000, 5), *b = words_text(1200000, 6);
	struct buf sa = compress(a, 400000, 1), sb = compress(b, 1200000, 9), se = compress(a, 0, 5);
	struct buf in = { 0 }, want = { 0 }, out;
	struct seen seen = { 0 };
	struct act_err err;
	static const unsigned char zeros[4096];

	append(&in, sa.p, sa.len);
	append(&in, se.p, se.len);
	append(&in, sb.p, sb.len);
	append(&in, sa.p, sa.len);
	append(&in, zeros, sizeof(zeros));
	append(&want, a, 400000);
	append(&want, b, 1200000);
	append(&want, a, 400000);
	CHECK(decode(&in, 2, 1 << 16, 0, &out, &seen, &err) == 0);
	CHECK(same(&out, want.p, want.len));
	CHECK_INT(seen.bad, 0);
	free(out.p);
	/* Something else after them: all the data, then the error. */
	append(&in, "x", 1);
	CHECK(decode(&in, 2, 1 << 16, 0, &out, NULL, &err) < 0);
	CHECK(same(&out, want.p, want.len));
	CHECK(strstr(err.msg, "data after the bzip2 stream") != NULL);
	printf("# %s\n", err.msg);
	free(out.p);
	free(in.p);
	free(want.p);
	free(sa.p);
	free(sb.p);
	free(se.p);
	free(a);
	free(b);
}

/* Long runs: a block's output far over what is kept ahead (4 MiB). */
static void test_long_runs(void)
{
	size_t len = 24u << 20;
	unsigned char *data = xcalloc(1, len);
	struct buf in, out;
	struct seen seen = { 0 };
	struct act_err err;

	memcpy(data + len / 2, "a file in the middle", 20);
	in = compress(data, len, 9);
	CHECK(decode(&in, 2, 1 << 20, 0, &out, &seen, &err) == 0);
	CHECK(same(&out, data, len));
	CHECK_INT(seen.bad, 0);
	free(out.p);
	free(in.p);
	free(data);
}

/* A magic by chance inside a block: the block joined to the next decodes. */
static void test_false_magic(void)
{
	size_t len = tap_memcheck() ? 1 << 20 : 2 << 20;
	unsigned char *data = words_text(len, 9);
	struct buf in = compress(data, len, tap_memcheck() ? 1 : 9), out;
	struct seen seen = { 0 }, plain = { 0 };
	struct act_err err;

	CHECK(decode(&in, 1, 1 << 20, 0, &out, &plain, &err) == 0);
	free(out.p);
	for (uint64_t at = 4000; at < in.len * 8; at += in.len * 8 / 3) {
		seen = (struct seen){ 0 };
		CHECK(decode(&in, 2, 1 << 20, at, &out, &seen, &err) == 0);
		CHECK(same(&out, data, len));
		CHECK_INT(seen.bad, 0);
		CHECK(seen.blocks == plain.blocks);
		free(out.p);
		/* With no one watching blocks, the first is decoded as it is
		 * handed out: a false magic there too. */
		CHECK(decode(&in, 2, 1 << 20, at, &out, NULL, &err) == 0);
		CHECK(same(&out, data, len));
		free(out.p);
	}
	free(in.p);
	free(data);
}

static void test_damage(void)
{
	size_t len = tap_memcheck() ? 1 << 20 : 3 << 20;
	unsigned char *data = words_text(len, 12);
	struct buf in = compress(data, len, tap_memcheck() ? 1 : 9), out;
	struct act_err err;

	/* A bit flipped in the middle: the blocks before it come out. */
	in.p[in.len / 2] ^= 0x10;
	CHECK(decode(&in, 2, 1 << 20, 0, &out, NULL, &err) < 0);
	CHECK(strstr(err.msg, "corrupt bzip2 stream") != NULL);
	CHECK(out.len > 0 && out.len < len && memcmp(out.p, data, out.len) == 0);
	printf("# %s\n", err.msg);
	free(out.p);
	in.p[in.len / 2] ^= 0x10;
	/* Cut short, and cut in its end marker. */
	for (size_t i = 0; i < 2; i++) {
		struct buf t = { in.p, in.len - (i ? 3 : 100) };

		CHECK(decode(&t, 2, 1 << 20, 0, &out, NULL, &err) < 0);
		CHECK(strstr(err.msg, "corrupt bzip2 stream") != NULL);
		printf("# %s\n", err.msg);
		free(out.p);
	}
	/* The stream CRC. */
	in.p[in.len - 2] ^= 1;
	CHECK(decode(&in, 2, 1 << 20, 0, &out, NULL, &err) < 0);
	CHECK(strstr(err.msg, "corrupt bzip2 stream") != NULL);
	printf("# %s\n", err.msg);
	free(out.p);
	free(in.p);
	free(data);
}

int main(void)
{
	RUN(test_layouts);
	RUN(test_streams);
	RUN(test_long_runs);
	RUN(test_false_magic);
	RUN(test_damage);
	return tap_done();
}
