// SPDX-License-Identifier: Apache-2.0
#include <bzlib.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/fileio.h"
#include "common/base/macro.h"
#include "common/codec/bzbits.h"
#include "common/codec/bzsplice.h"

/* Output bits are written out once this many bytes are whole. */
#define FLUSH_AT (1u << 20)

struct bzsplice {
	int fd;
	int64_t base;
	bzsplice_write_fn write;
	void *ctx;

	/* The input's blocks handed out and not yet passed, in order. */
	struct bzblock *q;
	size_t qhead, qn, qcap;

	/* clean: the output since the head block's start repeats it, up to
	 * the input's byte u_pos; dirty: new blocks are being made. */
	bool dirty;
	uint64_t u_pos;

	struct bzbits_out out;
	bool open; /* a stream is open in the output */
	int level;
	uint32_t combined;

	/* The block being made: a stream of its own, kept to one block. */
	bz_stream cs;
	bool cs_on;
	size_t cs_fed, cs_max;
	unsigned char *cbuf;
	size_t ccap, clen;

	unsigned char *rbuf;
	size_t rcap;
	uint64_t copied, made;
};

struct bzsplice *bzsplice_new(int fd, int64_t base, bzsplice_write_fn write, void *ctx)
{
	struct bzsplice *g = xcalloc(1, sizeof(*g));

	g->fd = fd;
	g->base = base;
	g->write = write;
	g->ctx = ctx;
	return g;
}

void bzsplice_free(struct bzsplice *g)
{
	if (!g)
		return;
	if (g->cs_on)
		BZ2_bzCompressEnd(&g->cs);
	bzbits_free(&g->out);
	free(g->q);
	free(g->cbuf);
	free(g->rbuf);
	free(g);
}

void bzsplice_counts(const struct bzsplice *g, uint64_t *copied, uint64_t *made)
{
	*copied = g->copied;
	*made = g->made;
}

void bzsplice_block(void *ctx, const struct bzblock *b)
{
	struct bzsplice *g = ctx;

	if (g->qhead && g->qhead == g->qn)
		g->qhead = g->qn = 0;
	if (g->qn == g->qcap) {
		if (g->qhead) {
			memmove(g->q, g->q + g->qhead, (g->qn - g->qhead) * sizeof(*g->q));
			g->qn -= g->qhead;
			g->qhead = 0;
		} else {
			g->qcap = 2 * g->qcap + 16;
			g->q = xrealloc(g->q, g->qcap * sizeof(*g->q));
		}
	}
	g->q[g->qn++] = *b;
}

static struct bzblock *head(struct bzsplice *g)
{
	return g->qhead < g->qn ? &g->q[g->qhead] : NULL;
}

/* ------------------------------------------------------------------ */
/* The output */

static int flush_out(struct bzsplice *g, bool all, struct act_err *err)
{
	size_t whole;

	if (all)
		bzbits_pad(&g->out);
	whole = (size_t)(g->out.bits / 8);
	if (!whole || (!all && whole < FLUSH_AT))
		return 0;
	if (g->write(g->ctx, g->out.buf, whole, err) < 0)
		return -1;
	if (g->out.bits % 8)
		g->out.buf[0] = g->out.buf[whole];
	g->out.bits -= (uint64_t)whole * 8;
	return 0;
}

static void close_stream(struct bzsplice *g)
{
	bzbits_end(&g->out, g->combined);
	g->open = false;
}

static void open_stream(struct bzsplice *g, int level)
{
	if (g->open)
		close_stream(g);
	bzbits_header(&g->out, level);
	g->open = true;
	g->level = level;
	g->combined = 0;
}

/* The compressed bytes holding bits [c_start, c_end) of the input. */
static const unsigned char *read_bits(struct bzsplice *g, const struct bzblock *b,
				      struct act_err *err)
{
	uint64_t from = b->c_start / 8, to = (b->c_end + 7) / 8;
	size_t len = (size_t)(to - from);
	ssize_t n;

	if (len + 8 > g->rcap) {
		g->rcap = len + 8;
		free(g->rbuf);
		g->rbuf = xmalloc(g->rcap);
	}
	n = fileio_pread(g->fd, g->rbuf, len, (off_t)(g->base + (int64_t)from));
	if (n < 0) {
		act_err_set(err, errno, "read error: %s", strerror(errno));
		return NULL;
	}
	if ((size_t)n < len) {
		act_err_set(err, EIO, "the input shrank while being read");
		return NULL;
	}
	memset(g->rbuf + len, 0, 8);
	return g->rbuf;
}

/* An input block the output repeats whole: its bits, as they are. */
static int emit_clean(struct bzsplice *g, const struct bzblock *b, struct act_err *err)
{
	const unsigned char *p = read_bits(g, b, err);

	if (!p)
		return -1;
	/* The input's streams are kept: a block starting one starts one. */
	if (!g->open || b->first || b->level != g->level)
		open_stream(g, b->level);
	bzbits_copy(&g->out, p, b->c_start % 8, b->c_end - b->c_start);
	g->combined = bzbits_fold(g->combined, b->crc);
	g->copied++;
	return flush_out(g, false, err);
}

/* ------------------------------------------------------------------ */
/* New blocks */

static int bz_fail(int r, const char *what, struct act_err *err)
{
	return act_err_set(err, r == BZ_MEM_ERROR ? ENOMEM : EIO, "bzip2 %s failed (%d)", what, r);
}

/* Run the compressor over what it was given (or to its end). */
static int compress(struct bzsplice *g, int action, struct act_err *err)
{
	for (;;) {
		int r;

		if (g->ccap - g->clen < 65536) {
			g->ccap = 2 * g->ccap + 65536;
			g->cbuf = xrealloc(g->cbuf, g->ccap + 8);
		}
		g->cs.next_out = (char *)g->cbuf + g->clen;
		g->cs.avail_out = (unsigned)(g->ccap - g->clen);
		r = BZ2_bzCompress(&g->cs, action);
		g->clen = g->ccap - g->cs.avail_out;
		if (action == BZ_FINISH && r == BZ_STREAM_END)
			return 0;
		if (r != BZ_RUN_OK && r != BZ_FINISH_OK)
			return bz_fail(r, "compression", err);
		if (action == BZ_RUN && !g->cs.avail_in)
			return 0;
	}
}

/* The block being made is done: its bits go out, its CRC is folded in. */
static int end_block(struct bzsplice *g, struct act_err *err)
{
	uint64_t total, e = 0;
	uint32_t crc;
	int p;

	if (!g->cs_on)
		return 0;
	if (compress(g, BZ_FINISH, err) < 0)
		return -1;
	BZ2_bzCompressEnd(&g->cs);
	g->cs_on = false;
	if (!g->cs_fed)
		return 0;
	/* One block (cs_max sees to it): header, block, end marker and
	 * its CRC, which is the block's, then padding. */
	memset(g->cbuf + g->clen, 0, 8);
	total = (uint64_t)g->clen * 8;
	crc = (uint32_t)bzbits_get(g->cbuf, 32 + 48, 32);
	for (p = 0; p < 8; p++) {
		e = total - 80 - (uint64_t)p;
		if (bzbits_get(g->cbuf, e, 48) == BZ_END_MAGIC &&
		    bzbits_get(g->cbuf, e + 48, 32) == crc)
			break;
	}
	if (p == 8 || bzbits_get(g->cbuf, 32, 48) != BZ_BLOCK_MAGIC)
		return act_err_set(err, EIO, "bzip2 compression gave more than one block");
	bzbits_copy(&g->out, g->cbuf, 32, e - 32);
	g->combined = bzbits_fold(g->combined, crc);
	g->made++;
	return flush_out(g, false, err);
}

/* New bytes, into blocks of the open stream's size (or the head block's). */
static int feed(struct bzsplice *g, const void *buf, size_t len, struct act_err *err)
{
	while (len) {
		size_t n;

		if (!g->cs_on) {
			int level = g->open ? g->level : head(g) ? head(g)->level : 9, r;

			if (!g->open)
				open_stream(g, level);
			g->cs = (bz_stream){ 0 };
			if ((r = BZ2_bzCompressInit(&g->cs, level, 0, 0)) != BZ_OK)
				return bz_fail(r, "compression", err);
			g->cs_on = true;
			g->cs_fed = 0;
			g->clen = 0;
			/* A run of four bytes takes five in a block: 4/5 of the
			 * block size always makes one block. */
			g->cs_max = (size_t)(100000 * level - 19) / 5 * 4;
		}
		n = len < g->cs_max - g->cs_fed ? len : g->cs_max - g->cs_fed;
		g->cs.next_in = (char *)buf;
		g->cs.avail_in = (unsigned)n;
		if (compress(g, BZ_RUN, err) < 0)
			return -1;
		g->cs_fed += n;
		buf = (const char *)buf + n;
		len -= n;
		if (g->cs_fed == g->cs_max && end_block(g, err) < 0)
			return -1;
	}
	return 0;
}

/* The head block's bytes the output repeated before an edit: decoded again
 * from the input, into the block being made. */
static int feed_prefix(struct bzsplice *g, const struct bzblock *b, uint64_t upto,
		       struct act_err *err)
{
	struct bzbits_out in = { 0 };
	const unsigned char *p = read_bits(g, b, err);
	uint64_t want = upto - b->u_start;
	unsigned char out[65536];
	bz_stream s = { 0 };
	int r = -1, k;

	if (!p)
		return -1;
	bzbits_header(&in, b->level);
	bzbits_copy(&in, p, b->c_start % 8, b->c_end - b->c_start);
	bzbits_end(&in, b->crc);
	if ((k = BZ2_bzDecompressInit(&s, 0, 0)) != BZ_OK) {
		bz_fail(k, "decompression", err);
		goto out;
	}
	s.next_in = (char *)in.buf;
	s.avail_in = (unsigned)(in.bits / 8);
	while (want) {
		size_t n;

		s.next_out = (char *)out;
		s.avail_out = sizeof(out);
		k = BZ2_bzDecompress(&s);
		n = sizeof(out) - s.avail_out;
		if ((k != BZ_OK && k != BZ_STREAM_END) || (!n && k != BZ_OK) ||
		    (k == BZ_STREAM_END && n < want)) {
			act_err_set(err, EIO, "the input's block at offset %llu no longer decodes",
				    (unsigned long long)(b->c_start / 8));
			goto end;
		}
		n = n < want ? n : (size_t)want;
		if (feed(g, out, n, err) < 0)
			goto end;
		want -= n;
	}
	r = 0;
end:
	BZ2_bzDecompressEnd(&s);
out:
	bzbits_free(&in);
	return r;
}

/* An edit: from here on, blocks are made anew. */
static int go_dirty(struct bzsplice *g, struct act_err *err)
{
	struct bzblock *b = head(g);

	if (g->dirty)
		return 0;
	g->dirty = true;
	return b && g->u_pos > b->u_start ? feed_prefix(g, b, g->u_pos, err) : 0;
}

/* Made blocks end where an input block starts at u: it comes out whole if
 * the output repeats it. */
static int go_clean(struct bzsplice *g, uint64_t u, struct act_err *err)
{
	if (end_block(g, err) < 0)
		return -1;
	while (head(g) && head(g)->u_start != u)
		g->qhead++;
	g->dirty = false;
	g->u_pos = u;
	return 0;
}

int bzsplice_copy(struct bzsplice *g, const void *buf, size_t len, uint64_t u_off,
		  struct act_err *err)
{
	while (len) {
		struct bzblock *b = head(g);
		size_t n = len;

		if (!g->dirty && b && u_off == g->u_pos && u_off >= b->u_start && u_off < b->u_end) {
			n = len < b->u_end - u_off ? len : (size_t)(b->u_end - u_off);
			g->u_pos += n;
			if (g->u_pos == b->u_end) {
				if (emit_clean(g, b, err) < 0)
					return -1;
				g->qhead++;
			}
		} else {
			if (go_dirty(g, err) < 0)
				return -1;
			/* Blocks the output has gone past are done with. */
			while ((b = head(g)) && b->u_end <= u_off)
				g->qhead++;
			for (size_t i = g->qhead; i < g->qn; i++) {
				if (g->q[i].u_start == u_off) {
					g->qhead = i;
					if (go_clean(g, u_off, err) < 0)
						return -1;
					n = 0;
					break;
				}
				if (g->q[i].u_start > u_off) {
					if (g->q[i].u_start < u_off + len)
						n = (size_t)(g->q[i].u_start - u_off);
					break;
				}
			}
			if (n && feed(g, buf, n, err) < 0)
				return -1;
		}
		buf = (const char *)buf + n;
		u_off += n;
		len -= n;
	}
	return 0;
}

int bzsplice_write(struct bzsplice *g, const void *buf, size_t len, struct act_err *err)
{
	if (!len)
		return 0;
	if (go_dirty(g, err) < 0)
		return -1;
	return feed(g, buf, len, err);
}

int bzsplice_finish(struct bzsplice *g, struct act_err *err)
{
	if (!g->dirty && head(g) && g->u_pos > head(g)->u_start && go_dirty(g, err) < 0)
		return -1;
	if (end_block(g, err) < 0)
		return -1;
	if (!g->open)
		open_stream(g, 9);
	close_stream(g);
	return flush_out(g, true, err);
}
