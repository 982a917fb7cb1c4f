// SPDX-License-Identifier: Apache-2.0
/* bzsplice: edits of every kind on bzip2 streams of every layout; each
 * output decoded by libbz2's own decoder (streams back to back) and
 * compared with the edited bytes, and blocks no edit touches copied. */
#include <bzlib.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/codec/bzdec.h"
#include "common/codec/bzsplice.h"
#include "tap.h"

struct buf {
	unsigned char *p;
	size_t len;
};

static void append(struct buf *b, const void *p, size_t n)
{
	b->p = xrealloc(b->p, b->len + n + 1);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static struct buf compress(const unsigned char *data, size_t len, int level)
{
	unsigned int cap = (unsigned)(len + len / 50 + 1024);
	struct buf b = { xmalloc(cap), 0 };

	if (BZ2_bzBuffToBuffCompress((char *)b.p, &cap, (char *)data, (unsigned)len, level, 0, 0) !=
	    BZ_OK)
		abort();
	b.len = cap;
	return b;
}

static unsigned char *text(size_t len, uint64_t seed)
{
	unsigned char *p = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		p[i] = (seed >> 60) < 12 ? (unsigned char)('a' + (seed >> 58) % 8)
					 : (unsigned char)(seed >> 40);
	}
	return p;
}

/* libbz2's decoder over streams back to back; false if any is bad. */
static bool unbz(const struct buf *in, struct buf *out)
{
	size_t off = 0;

	*out = (struct buf){ 0 };
	while (off < in->len) {
		bz_stream s = { 0 };
		unsigned char chunk[65536];
		int r;

		if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
			return false;
		s.next_in = (char *)in->p + off;
		s.avail_in = (unsigned)(in->len - off);
		do {
			s.next_out = (char *)chunk;
			s.avail_out = sizeof(chunk);
			r = BZ2_bzDecompress(&s);
			append(out, chunk, sizeof(chunk) - s.avail_out);
		} while (r == BZ_OK && (s.avail_in || !s.avail_out));
		off = in->len - s.avail_in;
		BZ2_bzDecompressEnd(&s);
		if (r != BZ_STREAM_END)
			return false;
	}
	return true;
}

struct mem {
	const struct buf *in;
	size_t off;
};

static ssize_t rd(void *ctx, void *out, size_t len)
{
	struct mem *m = ctx;
	size_t n = m->in->len - m->off < len ? m->in->len - m->off : len;

	memcpy(out, m->in->p + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

static int wr(void *ctx, const void *p, size_t len, struct act_err *err)
{
	(void)err;
	append(ctx, p, len);
	return 0;
}

/* An edit: at input offset at, drop del bytes and put ins there. */
struct edit {
	size_t at, del;
	const char *ins;
};

/* Splice in (its decoded bytes: data) with the edits, in order; the output
 * must decode to what they make. */
static void check(const struct buf *in, const struct edit *ed, size_t ned, uint64_t *copied,
		  uint64_t *made, const char *what)
{
	char path[] = "/tmp/test-bzsplice-XXXXXX";
	int fd = mkstemp(path);
	struct mem m = { in, 0 };
	struct bzdec *d = bzdec_new(rd, &m, 2);
	struct buf out = { 0 }, data = { 0 }, want = { 0 }, got;
	struct bzsplice *g;
	struct act_err err = { 0 };
	unsigned char chunk[100000];
	size_t at = 0;
	ssize_t n;
	bool ok = true;

	if (fd < 0 || write(fd, in->p, in->len) != (ssize_t)in->len)
		abort();
	unlink(path);
	g = bzsplice_new(fd, 0, wr, &out);
	bzdec_observe(d, bzsplice_block, g);
	/* Decoded a chunk at a time; the output goes as far as it may. */
	while ((n = bzdec_read(d, chunk, sizeof(chunk), &err)) > 0)
		append(&data, chunk, (size_t)n);
	CHECK(n == 0);
	for (size_t i = 0; i <= ned && ok; i++) {
		size_t upto = i < ned ? ed[i].at : data.len;

		ok &= bzsplice_copy(g, data.p + at, upto - at, at, &err) == 0;
		append(&want, data.p + at, upto - at);
		if (i < ned) {
			ok &= bzsplice_write(g, ed[i].ins, strlen(ed[i].ins), &err) == 0;
			append(&want, ed[i].ins, strlen(ed[i].ins));
			at = upto + ed[i].del;
		}
	}
	ok &= bzsplice_finish(g, &err) == 0;
	CHECK(ok);
	CHECK(unbz(&out, &got));
	CHECK(got.len == want.len && memcmp(got.p, want.p, want.len) == 0);
	bzsplice_counts(g, copied, made);
	if (!ok || got.len != want.len)
		printf("#   %s: %s; %zu bytes, want %zu\n", what, err.msg, got.len, want.len);
	/* No edit: the same bytes. */
	if (!ned)
		CHECK(out.len == in->len && memcmp(out.p, in->p, in->len) == 0);
	bzsplice_free(g);
	bzdec_free(d);
	close(fd);
	free(out.p);
	free(data.p);
	free(want.p);
	free(got.p);
}

static void test_edits(void)
{
	size_t len = 3u << 20;
	unsigned char *data = text(len, 3);
	static const int levels[] = { 9, 1 };

	for (size_t l = 0; l < ARRAY_SIZE(levels); l++) {
		struct buf in = compress(data, len, levels[l]);
		uint64_t copied, made, all;
		struct edit first[] = { { 0, 512, "a manifest grown longer than it was, by a lot" } };
		struct edit middle[] = { { len / 2 + 17, 3, "x" } };
		struct edit two[] = { { 1000, 10, "" }, { 1500, 0, "inserted" } };
		struct edit across[] = { { len / 3, 400000, "short" } };
		struct edit last[] = { { len - 100, 100, "the end, new" } };
		struct edit everywhere[] = { { 10, 1, "A" }, { len / 4, 1, "B" }, { len / 2, 1, "C" },
					     { len - 10, 1, "D" } };

		check(&in, NULL, 0, &all, &made, "no edit");
		CHECK(made == 0 && all > 2);
		check(&in, first, 1, &copied, &made, "first");
		CHECK(copied == all - 1 && made >= 1 && made <= 2);
		check(&in, middle, 1, &copied, &made, "middle");
		CHECK(copied == all - 1);
		check(&in, two, 2, &copied, &made, "two in one block");
		CHECK(copied == all - 1);
		check(&in, across, 1, &copied, &made, "across blocks");
		check(&in, last, 1, &copied, &made, "last");
		CHECK(copied == all - 1);
		check(&in, everywhere, 4, &copied, &made, "everywhere");
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
	check(&in, NULL, 0, &all, &made, "streams, no edit");
	check(&in, ed, 3, &copied, &made, "streams");
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
	check(&in, ed, 1, &copied, &made, "long runs");
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
