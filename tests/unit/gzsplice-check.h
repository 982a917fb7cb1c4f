/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Shared by test-gzsplice and fuzz-gzsplice. A gzip stream made by zlib
 * from a seed (members, headers, levels, strategies, flushes, stored blocks
 * all vary), spliced through a random run of edits as the tar layer makes
 * them (copies of the input's bytes in chunks, new bytes, dropped spans,
 * copies that go back), then decoded again by zlib and compared with what
 * the edits say the output is.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "common/codec/gzsplice.h"

struct gzs_params {
	uint64_t seed;
	size_t size;	/* decompressed bytes */
	int level;	/* zlib's, 0-9 */
	int strategy;	/* Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED */
	int members;	/* 1 and up */
	int header;	/* 1 FNAME, 2 FCOMMENT, 4 FEXTRA, 8 FHCRC */
	int flushes;	/* flushes and level changes in each member */
	int edits;	/* edits along the stream */
	int splice_level; /* for the windows */
	int run_ahead;	/* 0: copies wait for their end; else they run ahead after this many KiB */
	int eager;	/* 1: edits expected from the start; 2: now and then */
	size_t replace_at; /* with replace_len: only that span replaced (a manifest) */
	size_t replace_len;
};

struct gzs_result {
	bool ok;
	const char *why;
	size_t in_len, out_len;
	size_t prefix, suffix; /* compressed bytes shared at each end */
	size_t cuts;	       /* copies run ahead and cut back */
	uint32_t out_crc;      /* of the output's compressed bytes */
};

struct gzs_buf {
	unsigned char *p;
	size_t len, cap;
};

static uint64_t gzs_rand(uint64_t *s)
{
	/* xorshift64*: the same stream on every machine. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static size_t gzs_below(uint64_t *s, size_t n)
{
	return n ? (size_t)(gzs_rand(s) % n) : 0;
}

static void gzs_put(struct gzs_buf *b, const void *d, size_t n)
{
	if (!n)
		return;
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 4096;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

/* Text, random bytes (stored blocks), runs of one byte, in pieces. */
static void gzs_plain(struct gzs_buf *b, uint64_t *s, size_t size)
{
	static const char *words[] = { "rootfs/", "usr/lib/", "manifest", "capability ",
				       "\"name\": ", "0000644\0", "ustar00", "x86_64 " };

	while (b->len < size) {
		size_t n = 1 + gzs_below(s, 40000), kind = gzs_below(s, 4);
		unsigned char chunk[256];

		if (n > size - b->len)
			n = size - b->len;
		for (size_t i = 0; i < n;) {
			size_t k = n - i < sizeof(chunk) ? n - i : sizeof(chunk);

			for (size_t j = 0; j < k; j++) {
				if (kind == 0)
					chunk[j] = (unsigned char)gzs_rand(s);
				else if (kind == 1)
					chunk[j] = (unsigned char)(kind * 7);
				else
					chunk[j] = (unsigned char)words[(i + j) / 9 % 8][(i + j) % 5];
			}
			if (kind == 3 && k > 8)
				memcpy(chunk + gzs_below(s, k - 8), "acitool!", 8);
			gzs_put(b, chunk, k);
			i += k;
		}
	}
}

struct gzs_member {
	uint64_t c_start, c_end, u_start, u_end;
};

/* plain in p->members members, each with its own flushes and header. */
static size_t gzs_compress(const struct gzs_params *p, uint64_t *s, const struct gzs_buf *plain,
			   struct gzs_buf *gz, struct gzs_member *ms)
{
	size_t nm = (size_t)p->members, done = 0;

	for (size_t m = 0; m < nm; m++) {
		size_t end = m + 1 == nm ? plain->len : done + gzs_below(s, plain->len - done + 1);
		unsigned char extra[12] = "AC\x08\0splice", out[65536];
		gz_header h = { 0 };
		z_stream z = { 0 };
		int level = p->level;

		if (deflateInit2(&z, level, Z_DEFLATED, 31, 1 + (int)gzs_below(s, 9), p->strategy) != Z_OK)
			abort();
		if (p->header & 1)
			h.name = (Bytef *)"image.tar";
		if (p->header & 2)
			h.comment = (Bytef *)"a comment";
		if (p->header & 4) {
			h.extra = extra;
			h.extra_len = sizeof(extra);
		}
		h.hcrc = (p->header & 8) != 0;
		h.os = 3;
		deflateSetHeader(&z, &h);
		ms[m].c_start = gz->len;
		ms[m].u_start = done;
		int flush;
		size_t pos = done;

		do {
			size_t step = end - pos;

			flush = Z_FINISH;
			if (p->flushes && step && gzs_below(s, 4) == 0) {
				step = gzs_below(s, step);
				flush = (int[]){ Z_FULL_FLUSH, Z_SYNC_FLUSH, Z_BLOCK, Z_PARTIAL_FLUSH,
						 Z_NO_FLUSH }[gzs_below(s, 5)];
			}
			z.next_in = plain->p + pos;
			z.avail_in = (uInt)step;
			pos += step;
			do {
				z.next_out = out;
				z.avail_out = sizeof(out);
				if (deflate(&z, flush) == Z_STREAM_ERROR)
					abort();
				gzs_put(gz, out, sizeof(out) - z.avail_out);
			} while (z.avail_out == 0);
			if (flush != Z_FINISH && gzs_below(s, 8) == 0) {
				level = (int)gzs_below(s, 10);
				z.next_out = out;
				z.avail_out = sizeof(out);
				if (deflateParams(&z, level, p->strategy) == Z_STREAM_ERROR)
					abort();
				gzs_put(gz, out, sizeof(out) - z.avail_out);
			}
		} while (flush != Z_FINISH);
		deflateEnd(&z);
		ms[m].c_end = gz->len;
		ms[m].u_end = end;
		done = end;
	}
	return nm;
}

struct gzs_run {
	int fd;
	struct gzs_buf out;
	size_t cuts;
};

static int gzs_write(void *ctx, const void *buf, size_t len, struct act_err *err)
{
	struct gzs_run *r = ctx;

	(void)err;
	gzs_put(&r->out, buf, len);
	return 0;
}

static int gzs_copy(void *ctx, int64_t off, uint64_t len, struct act_err *err)
{
	struct gzs_run *r = ctx;
	unsigned char *tmp = malloc(len ? len : 1);

	if (!tmp || pread(r->fd, tmp, len, off) != (ssize_t)len) {
		free(tmp);
		return act_err_set(err, EIO, "short read");
	}
	gzs_put(&r->out, tmp, len);
	free(tmp);
	return 0;
}

static int gzs_truncate(void *ctx, uint64_t len, struct act_err *err)
{
	struct gzs_run *r = ctx;

	if (len > r->out.len)
		return act_err_set(err, EINVAL, "cut back to %llu, past the end",
				   (unsigned long long)len);
	r->out.len = len;
	r->cuts++;
	return 0;
}

/* Every member of buf, decoded by zlib, back to back. */
static bool gzs_decode(const struct gzs_buf *gz, struct gzs_buf *out)
{
	size_t i = 0;
	unsigned char tmp[65536];

	while (i < gz->len) {
		z_stream z = { 0 };
		int r;

		if (inflateInit2(&z, 31) != Z_OK)
			abort();
		z.next_in = gz->p + i;
		z.avail_in = (uInt)(gz->len - i);
		do {
			z.next_out = tmp;
			z.avail_out = sizeof(tmp);
			r = inflate(&z, Z_NO_FLUSH);
			gzs_put(out, tmp, sizeof(tmp) - z.avail_out);
		} while (r == Z_OK);
		i = gz->len - z.avail_in;
		inflateEnd(&z);
		if (r != Z_STREAM_END)
			return false;
	}
	return true;
}

/* Tell g of members that ended before `upto`, as the decoder would have. */
static void gzs_report(struct gzsplice *g, const struct gzs_member *ms, size_t nm, size_t *told,
		       uint64_t upto)
{
	while (*told < nm && (ms[*told].u_end < upto || upto == UINT64_MAX)) {
		gzsplice_member(g, ms[*told].c_start, ms[*told].c_end, ms[*told].u_start,
				ms[*told].u_end);
		(*told)++;
	}
}

static struct gzs_result gzs_check(const struct gzs_params *p)
{
	struct gzs_result res = { .ok = false };
	struct gzs_buf plain = { 0 }, gz = { 0 }, want = { 0 }, got = { 0 };
	struct gzs_member ms[16];
	struct gzs_run run = { .fd = -1 };
	struct act_err err = { 0 };
	uint64_t s = p->seed | 1, seen = 0, u = 0;
	uint64_t es = (p->seed ^ 0x9e3779b97f4a7c15ULL) | 1; /* for eager's own draws */
	size_t nm, told = 0;
	struct gzsplice *g = NULL;

	gzs_plain(&plain, &s, p->size);
	nm = gzs_compress(p, &s, &plain, &gz, ms);
	res.in_len = gz.len;
	run.fd = memfd_create("gzsplice-input", 0);
	if (run.fd < 0 || write(run.fd, gz.p, gz.len) != (ssize_t)gz.len) {
		res.why = "memfd";
		goto out;
	}
	g = gzsplice_new(run.fd, 0, gz.len, p->splice_level, gzs_write, gzs_copy,
			 p->run_ahead ? gzs_truncate : NULL, &run);
	if (p->run_ahead)
		gzsplice_set_run_ahead(g, (uint64_t)p->run_ahead * 1024);
	if (p->eager)
		gzsplice_expect_edits(g, true);
	/* Copies of the input in chunks, with edits here and there. */
	while (u < plain.len) {
		size_t left = plain.len - u, n;
		size_t max_run = plain.len / (size_t)(p->edits + 1) * 2 + 1000;
		int what = p->edits && gzs_below(&s, 2) ? (int)gzs_below(&s, 5) : 0;

		if (p->eager == 2)
			gzsplice_expect_edits(g, gzs_below(&es, 2));

		if (p->replace_len && u == p->replace_at) {
			unsigned char nb[300] = "{\"acKind\": \"ImageManifest\"}";

			for (size_t k = 0; k < p->replace_len; k += sizeof(nb)) {
				gzs_put(&want, nb, sizeof(nb));
				if (gzsplice_write(g, nb, sizeof(nb), &err) < 0)
					goto fail;
			}
			u += p->replace_len < left ? p->replace_len : left;
			continue;
		}

		if (what == 1 || what == 2) { /* new bytes */
			unsigned char nb[300];
			size_t k = gzs_below(&s, sizeof(nb));

			for (size_t i = 0; i < k; i++)
				nb[i] = (unsigned char)(gzs_rand(&s) % (what == 1 ? 3 : 256));
			gzs_put(&want, nb, k);
			if (gzsplice_write(g, nb, k, &err) < 0)
				goto fail;
			if (what == 2)
				continue;
		}
		if (what == 3) { /* a span dropped */
			u += gzs_below(&s, left < 5000 ? left + 1 : 5000);
			continue;
		}
		if (what == 4 && u > 0) { /* bytes again from earlier on */
			size_t back = 1 + gzs_below(&s, u < 70000 ? u : 70000);

			u -= back;
			left += back;
		}
		n = 1 + gzs_below(&s, left < max_run ? left : max_run);
		if (p->replace_len && u < p->replace_at && u + n > p->replace_at)
			n = p->replace_at - u;
		for (size_t k = 0; k < n;) {
			size_t c = 1 + gzs_below(&s, n - k < 262144 ? n - k : 262144);

			if (u + k + c > seen)
				seen = u + k + c;
			gzs_report(g, ms, nm, &told, seen + gzs_below(&s, 3) * 100000);
			gzs_put(&want, plain.p + u + k, c);
			if (gzsplice_copy(g, plain.p + u + k, c, u + k, &err) < 0)
				goto fail;
			/* Now and then the splice's thread catches up and looks ahead. */
			if (p->eager && gzs_below(&es, 4) == 0)
				usleep(300);
			k += c;
		}
		u += n;
	}
	gzs_report(g, ms, nm, &told, UINT64_MAX);
	if (gzsplice_finish(g, &err) < 0)
		goto fail;
	res.out_len = run.out.len;
	res.cuts = run.cuts;
	res.out_crc = (uint32_t)crc32(0, run.out.p, (uInt)run.out.len);
	if (!gzs_decode(&run.out, &got)) {
		res.why = "the output does not decode";
		goto out;
	}
	if (got.len != want.len || (got.len && memcmp(got.p, want.p, got.len))) {
		res.why = "the output decodes to other bytes";
		goto out;
	}
	while (res.prefix < gz.len && res.prefix < run.out.len &&
	       gz.p[res.prefix] == run.out.p[res.prefix])
		res.prefix++;
	/* Before the last trailer, which holds the new CRC. */
	while (res.suffix + 8 < gz.len - res.prefix && res.suffix + 8 < run.out.len - res.prefix &&
	       gz.p[gz.len - 9 - res.suffix] == run.out.p[run.out.len - 9 - res.suffix])
		res.suffix++;
	res.ok = true;
	goto out;
fail:
	res.why = err.msg[0] ? "gzsplice failed" : "gzsplice failed without a message";
	fprintf(stderr, "gzsplice: %s\n", err.msg);
out:
	gzsplice_free(g);
	if (run.fd >= 0)
		close(run.fd);
	free(plain.p);
	free(gz.p);
	free(want.p);
	free(got.p);
	free(run.out.p);
	return res;
}
