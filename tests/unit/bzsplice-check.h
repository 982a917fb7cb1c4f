/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Shared by test-bzsplice and the bzsplice fuzz target: bzip2 streams made
 * by libbz2, decoded by bzdec into bzsplice with a list of edits, and the
 * output decoded by libbz2's own decoder (streams back to back) and
 * compared with what the edits make.
 */
#include <bzlib.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/codec/bzdec.h"
#include "common/codec/bzsplice.h"

struct buf {
	unsigned char *p;
	size_t len;
};

static inline void append(struct buf *b, const void *p, size_t n)
{
	b->p = xrealloc(b->p, b->len + n + 1);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static inline struct buf compress(const unsigned char *data, size_t len, int level)
{
	unsigned int cap = (unsigned)(len + len / 50 + 1024);
	struct buf b = { xmalloc(cap), 0 };

	if (BZ2_bzBuffToBuffCompress((char *)b.p, &cap, (char *)data, (unsigned)len, level, 0, 0) !=
	    BZ_OK)
		abort();
	b.len = cap;
	return b;
}

static inline unsigned char *text(size_t len, uint64_t seed)
{
	unsigned char *p = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		p[i] = (seed >> 60) < 12 ? (unsigned char)('a' + (seed >> 58) % 8)
					 : (unsigned char)(seed >> 40);
	}
	return p;
}

/* libbz2's decoder over streams back to back, zeros after them allowed
 * (as bzip2(1) takes them); false if any is bad. */
static inline bool unbz(const struct buf *in, struct buf *out)
{
	size_t off = 0;

	*out = (struct buf){ 0 };
	while (off < in->len) {
		size_t z = off;

		while (z < in->len && !in->p[z])
			z++;
		if (z == in->len)
			break;
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

static inline ssize_t rd(void *ctx, void *out, size_t len)
{
	struct mem *m = ctx;
	size_t n = m->in->len - m->off < len ? m->in->len - m->off : len;

	memcpy(out, m->in->p + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

static inline int wr(void *ctx, const void *p, size_t len, struct act_err *err)
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

/* Splice in (its decoded bytes: data) with the edits, in order (each at or
 * after the last one's end); true when the output decodes to what they make
 * (and, with no edit, is the input's bytes). */
static inline bool bzs_check(const struct buf *in, const struct edit *ed, size_t ned,
			     uint64_t *copied, uint64_t *made, const char *what)
{
	char path[] = "/tmp/test-bzsplice-XXXXXX";
	int fd = mkstemp(path);
	struct mem m = { in, 0 };
	struct bzdec *d = bzdec_new(rd, &m, 2);
	struct buf out = { 0 }, data = { 0 }, want = { 0 }, got = { 0 };
	struct bzsplice *g;
	struct act_err err = { 0 };
	unsigned char chunk[100000];
	size_t at = 0;
	ssize_t n;
	bool ok = true, good;

	if (fd < 0 || write(fd, in->p, in->len) != (ssize_t)in->len)
		abort();
	unlink(path);
	g = bzsplice_new(fd, 0, wr, &out);
	bzdec_observe(d, bzsplice_block, g);
	/* Decoded a chunk at a time; the output goes as far as it may. */
	while ((n = bzdec_read(d, chunk, sizeof(chunk), &err)) > 0)
		append(&data, chunk, (size_t)n);
	ok &= n == 0;
	append(&data, "", 0); /* never NULL, even when empty */
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
	good = ok && unbz(&out, &got) && got.len == want.len &&
	       (!want.len || memcmp(got.p, want.p, want.len) == 0);
	/* No edit: the same bytes (but for streams with no block, whose
	 * block size no block tells). */
	good &= ned || !data.len || (out.len == in->len && memcmp(out.p, in->p, in->len) == 0);
	bzsplice_counts(g, copied, made);
	if (!good)
		printf("#   %s: %s; %zu bytes, want %zu\n", what, err.msg, got.len, want.len);
	bzsplice_free(g);
	bzdec_free(d);
	close(fd);
	free(out.p);
	free(data.p);
	free(want.p);
	free(got.p);
	return good;
}

