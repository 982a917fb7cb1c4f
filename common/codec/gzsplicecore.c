// SPDX-License-Identifier: Apache-2.0
/* The splice's decisions, on one thread (see gzsplicecore.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "common/base/fileio.h"
#include "common/base/macro.h"
#include "common/codec/gzsplicecore.h"

#define WSIZE 32768
#define IN_BUF (256 * 1024)
#define OUT_BUF (256 * 1024)
#define RUN_AHEAD (4 * 1024 * 1024)
#define SCAN_STEP (1024 * 1024)

/* Where a member ends, its trailer included, compressed and decompressed. */
struct mend {
	uint64_t c, u;
};

/*
 * COPYING: the output member is, from emitted_c on (at output offset
 * emitted_out), the input's compressed bytes as they are, up to where the
 * input is at p; the output holds them up to copied_to, which is ahead of
 * where they end (a copy run ahead, cut back later) or behind it (written
 * when their end is known: an edit, the member's end). FRESH: the output's
 * bytes go through the deflater until a boundary lets copying resume.
 */
enum mode { COPYING, FRESH };

struct gzcore {
	int fd;
	int64_t base;
	uint64_t in_end;
	int level;
	gzsplice_write_fn write;
	gzsplice_copy_fn copy;
	gzsplice_truncate_fn truncate;
	void *ctx;
	uint64_t out_len; /* output bytes so far */

	struct mend *ends; /* members the decoder finished, in order */
	size_t nends, cap;

	enum mode mode;
	size_t om;	    /* the input member the output member mirrors */
	uint64_t p;	    /* the input offset a verbatim copy continues at */
	uint64_t emitted_c; /* COPYING: the input's bytes from here on go out */
	uint64_t emitted_out, copied_to;
	uint64_t run_u;	    /* COPYING: the input offset where it began */
	uint64_t run_ahead;
	bool eager;	    /* edits are expected: see gzcore_set_eager */
	bool dirty;	    /* the output member differs from the input's */
	uint32_t crc;	    /* the output member's check, from the caller */
	uint64_t olen;

	/* The boundary finder: zlib on the input file, member by member. */
	z_stream scan;
	bool scan_ready;
	size_t scan_m;	 /* the member it is in */
	uint64_t scan_u; /* decompressed offset it reached */
	bool scan_end;	 /* at the end of its member */
	uint64_t in_off; /* stream offset of in[0] */
	unsigned char *in, *out;
	/* The last boundary on a byte it passed, and the 32 KiB before it. */
	uint64_t l_c, l_u;
	unsigned char win[WSIZE];
	unsigned wlen;

	/* A window's input bytes decoded again, and the window's compressor. */
	z_stream re, def;
	bool re_ready, def_ready;
	unsigned char *rein, *dout;
	uint64_t run_start; /* FRESH: where the input's run so far began */
	bool have_run;
};

struct gzcore *gzcore_new(int fd, int64_t base, uint64_t in_end, int level,
			  gzsplice_write_fn write, gzsplice_copy_fn copy,
			  gzsplice_truncate_fn truncate, void *ctx)
{
	struct gzcore *g = xcalloc(1, sizeof(*g));

	g->fd = fd;
	g->base = base;
	g->in_end = in_end;
	g->truncate = truncate;
	g->run_ahead = RUN_AHEAD;
	g->level = level < 1 ? 1 : level > 9 ? 9 : level;
	g->write = write;
	g->copy = copy;
	g->ctx = ctx;
	g->in = xmalloc(IN_BUF);
	g->out = xmalloc(OUT_BUF);
	return g;
}

void gzcore_set_run_ahead(struct gzcore *g, uint64_t after)
{
	g->run_ahead = after;
}

void gzcore_set_eager(struct gzcore *g, bool eager)
{
	g->eager = eager;
}

void gzcore_free(struct gzcore *g)
{
	if (!g)
		return;
	if (g->scan_ready)
		inflateEnd(&g->scan);
	if (g->re_ready)
		inflateEnd(&g->re);
	if (g->def_ready)
		deflateEnd(&g->def);
	free(g->ends);
	free(g->in);
	free(g->out);
	free(g->rein);
	free(g->dout);
	free(g);
}

static uint64_t start_c(const struct gzcore *g, size_t m)
{
	return m ? g->ends[m - 1].c : 0;
}

static uint64_t start_u(const struct gzcore *g, size_t m)
{
	return m ? g->ends[m - 1].u : 0;
}

static int corrupt(struct act_err *err, const char *why)
{
	return act_err_set(err, EIO, "splicing the gzip stream: %s", why);
}

/* zlib's inits fail only for want of memory. */
static int no_memory(struct act_err *err)
{
	return act_err_set(err, ENOMEM, "splicing the gzip stream: out of memory");
}

static int read_error(struct act_err *err, ssize_t n)
{
	if (n < 0)
		return act_err_set(err, errno, "splicing the gzip stream: read error: %s",
				   strerror(errno));
	return act_err_set(err, EIO, "splicing the gzip stream: the file shrank while being read");
}

static int emit(struct gzcore *g, const void *buf, size_t len, struct act_err *err)
{
	g->out_len += len;
	return g->write(g->ctx, buf, len, err);
}

/* COPYING: the output holds the input's bytes from emitted_c exactly up to
 * `to`: the copy run ahead is cut back, or the rest copied. */
static int settle_copy(struct gzcore *g, uint64_t to, struct act_err *err)
{
	if (g->copied_to > to) {
		g->out_len = g->emitted_out + (to - g->emitted_c);
		if (g->truncate(g->ctx, g->out_len, err) < 0)
			return -1;
	} else if (g->copied_to < to) {
		if (g->copy(g->ctx, g->base + (int64_t)g->copied_to, to - g->copied_to, err) < 0)
			return -1;
		g->out_len += to - g->copied_to;
	}
	g->copied_to = to;
	return 0;
}

/* Copying starts at input offset c (decompressed: u). */
static void start_copying(struct gzcore *g, uint64_t c, uint64_t u)
{
	g->mode = COPYING;
	g->emitted_c = g->copied_to = c;
	g->emitted_out = g->out_len;
	g->run_u = u;
}

/*
 * After run_ahead bytes of copying with no edit (an edit soon after would
 * cut a copy back at once), the copy runs ahead of the output, in steps of
 * a quarter of run_ahead (1 MiB):
 * - as far as the boundary finder has passed in this member: an edit
 *   further on starts its window there or later, so that copy stands;
 * - with no edit expected, if the output can be cut back, as far as the
 *   input has been read (its file offset: the decoder's lead, a few MiB at
 *   most, is all an edit may cut back).
 */
static int run_ahead(struct gzcore *g, struct act_err *err)
{
	uint64_t to = 0;
	off_t pos;

	if (g->p - g->run_u < g->run_ahead)
		return 0;
	if (g->scan_ready && g->scan_m == g->om)
		to = g->l_c;
	if (!g->eager && g->truncate && (pos = lseek(g->fd, 0, SEEK_CUR)) >= g->base) {
		uint64_t at = (uint64_t)(pos - g->base);

		at = at < g->in_end ? at : g->in_end;
		to = at > to ? at : to;
	}
	if (to <= g->copied_to || (to < g->in_end && to - g->copied_to < g->run_ahead / 4))
		return 0;
	return settle_copy(g, to, err);
}

static int emit_trailer(struct gzcore *g, struct act_err *err)
{
	unsigned char t[8];

	for (int i = 0; i < 4; i++) {
		t[i] = (unsigned char)(g->crc >> (8 * i));
		t[4 + i] = (unsigned char)(g->olen >> (8 * i));
	}
	return emit(g, t, sizeof(t), err);
}

/* --- the boundary finder ------------------------------------------------ */

static uint64_t scan_c(const struct gzcore *g)
{
	return g->in_off + (uint64_t)(g->scan.next_in - g->in);
}

static int scan_refill(struct gzcore *g, struct act_err *err)
{
	uint64_t c = scan_c(g);
	ssize_t n = fileio_pread(g->fd, g->in, IN_BUF, (off_t)(g->base + (int64_t)c));

	if (n <= 0)
		return read_error(err, n);
	g->in_off = c;
	g->scan.next_in = g->in;
	g->scan.avail_in = (uInt)n;
	return 0;
}

/* The scanner stands on a boundary on a byte: keep it, with its window. */
static void note_boundary(struct gzcore *g)
{
	g->l_c = scan_c(g);
	g->l_u = g->scan_u;
	g->wlen = WSIZE;
	inflateGetDictionary(&g->scan, g->win, &g->wlen);
}

static bool at_byte_boundary(const z_stream *z)
{
	/* 128: after an end-of-block code or the header; 64: in the last
	 * block; low bits: bits of the last byte taken that are still unused. */
	return (z->data_type & 128) && !(z->data_type & 64) && (z->data_type & 7) == 0;
}

/* Start the scanner at member m's header; it stops where the deflate data starts. */
static int scan_reset(struct gzcore *g, size_t m, struct act_err *err)
{
	int r;

	if (!g->scan_ready) {
		if (inflateInit2(&g->scan, 15 + 16) != Z_OK)
			return no_memory(err);
		g->scan_ready = true;
	} else {
		inflateReset2(&g->scan, 15 + 16);
	}
	g->in_off = start_c(g, m);
	g->scan.next_in = g->in;
	g->scan.avail_in = 0;
	g->scan_m = m;
	g->scan_u = start_u(g, m);
	g->scan_end = false;
	do {
		if (g->scan.avail_in == 0 && scan_refill(g, err) < 0)
			return -1;
		g->scan.next_out = g->out;
		g->scan.avail_out = OUT_BUF;
		r = inflate(&g->scan, Z_BLOCK);
		if ((r != Z_OK && r != Z_BUF_ERROR) || g->scan.avail_out != OUT_BUF)
			return corrupt(err, "bad member header");
	} while (!(g->scan.data_type & 128));
	note_boundary(g);
	return 0;
}

static int def_run(struct gzcore *g, const void *buf, size_t len, int flush,
		   struct act_err *err);

/*
 * Decode on to input offset `to` (within the scanner's member), keeping each
 * boundary on a byte it passes; with feed, what it decodes goes to the
 * window's compressor. With want, stop at the first such boundary at or
 * after it: 1 then, else 0 (-1 on error).
 */
static int scan_to(struct gzcore *g, uint64_t to, uint64_t want, bool feed,
		   struct act_err *err)
{
	while (g->scan_u < to) {
		uint64_t room = to - g->scan_u < OUT_BUF ? to - g->scan_u : OUT_BUF;
		int r;

		if (g->scan_end)
			return corrupt(err, "a member ends before its bytes do");
		if (g->scan.avail_in == 0 && scan_refill(g, err) < 0)
			return -1;
		g->scan.next_out = g->out;
		g->scan.avail_out = (uInt)room;
		r = inflate(&g->scan, Z_BLOCK);
		g->scan_u += room - g->scan.avail_out;
		if (feed && def_run(g, g->out, room - g->scan.avail_out, Z_NO_FLUSH, err) < 0)
			return -1;
		if (r == Z_STREAM_END) {
			g->scan_end = true;
			continue;
		}
		if (r != Z_OK && r != Z_BUF_ERROR)
			return corrupt(err, g->scan.msg ? g->scan.msg : "corrupt deflate data");
		if (at_byte_boundary(&g->scan)) {
			note_boundary(g);
			if (g->scan_u >= want)
				return 1;
		}
	}
	return 0;
}

/*
 * At `to`, also pass a block's end that lies right there (its end-of-block
 * code not read yet: the input ran out before it), so that the boundary
 * kept is the last one at or before `to` however the decoding was cut up:
 * the output does not depend on the finder's steps.
 */
static int scan_settle(struct gzcore *g, struct act_err *err)
{
	while (!g->scan_end && !(g->scan.data_type & 128)) {
		int r;

		if (g->scan.avail_in == 0 && scan_refill(g, err) < 0)
			return -1;
		g->scan.next_out = g->out;
		g->scan.avail_out = 0;
		r = inflate(&g->scan, Z_BLOCK);
		if (r == Z_STREAM_END) {
			g->scan_end = true;
			break;
		}
		if (r != Z_OK && r != Z_BUF_ERROR)
			return corrupt(err, g->scan.msg ? g->scan.msg : "corrupt deflate data");
		if (g->scan.data_type & 128) {
			if (at_byte_boundary(&g->scan))
				note_boundary(g);
			break;
		}
		/* A byte to write comes first: not at a block's end. */
		if (r == Z_BUF_ERROR || g->scan.avail_in)
			break;
	}
	return 0;
}

/* --- windows compressed anew -------------------------------------------- */

static int def_run(struct gzcore *g, const void *buf, size_t len, int flush,
		   struct act_err *err)
{
	/* A flush alone has no bytes: no null pointer to step over. */
	const unsigned char *p = len ? buf : (const unsigned char *)"";

	do {
		uInt step = len > (1u << 30) ? 1u << 30 : (uInt)len;
		int r;

		g->def.next_in = (unsigned char *)p;
		g->def.avail_in = step;
		p += step;
		len -= step;
		do {
			g->def.next_out = g->dout;
			g->def.avail_out = OUT_BUF;
			r = deflate(&g->def, len ? Z_NO_FLUSH : flush);
			if (r == Z_STREAM_ERROR)
				return corrupt(err, "compressor failed");
			if (g->def.avail_out < OUT_BUF &&
			    emit(g, g->dout, OUT_BUF - g->def.avail_out, err) < 0)
				return -1;
		} while (g->def.avail_out == 0);
	} while (len);
	return 0;
}

/* The compressor, primed with the window of the last boundary kept. */
static int def_start(struct gzcore *g, struct act_err *err)
{
	if (!g->def_ready) {
		if (deflateInit2(&g->def, g->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return no_memory(err);
		g->def_ready = true;
		g->dout = xmalloc(OUT_BUF);
	} else {
		deflateReset(&g->def);
	}
	if (g->wlen)
		deflateSetDictionary(&g->def, g->win, g->wlen);
	return 0;
}

/* The input's bytes from the last boundary kept up to `to`, decoded again
 * from the file (bounded memory, whatever the gap) into the compressor. */
static int redecode(struct gzcore *g, uint64_t to, struct act_err *err)
{
	uint64_t c = g->l_c, left = to - g->l_u;

	if (!left)
		return 0;
	if (!g->re_ready) {
		if (inflateInit2(&g->re, -15) != Z_OK)
			return no_memory(err);
		g->re_ready = true;
		g->rein = xmalloc(IN_BUF);
	} else {
		inflateReset(&g->re);
	}
	if (g->wlen)
		inflateSetDictionary(&g->re, g->win, g->wlen);
	g->re.avail_in = 0;
	while (left) {
		uint64_t room = left < OUT_BUF ? left : OUT_BUF;
		int r;

		if (g->re.avail_in == 0) {
			ssize_t n = fileio_pread(g->fd, g->rein, IN_BUF, (off_t)(g->base + (int64_t)c));

			if (n <= 0)
				return read_error(err, n);
			c += (uint64_t)n;
			g->re.next_in = g->rein;
			g->re.avail_in = (uInt)n;
		}
		g->re.next_out = g->out;
		g->re.avail_out = (uInt)room;
		r = inflate(&g->re, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
			return corrupt(err, g->re.msg ? g->re.msg : "corrupt deflate data");
		if (def_run(g, g->out, room - g->re.avail_out, Z_NO_FLUSH, err) < 0)
			return -1;
		left -= room - g->re.avail_out;
		if (r == Z_STREAM_END && left)
			return corrupt(err, "a member ends before its bytes do");
	}
	return 0;
}

/* An edit at p: the output so far goes out up to the last boundary on a
 * byte before p, and everything from there is compressed anew. */
static int go_fresh(struct gzcore *g, struct act_err *err)
{
	if ((!g->scan_ready || g->scan_m != g->om) && scan_reset(g, g->om, err) < 0)
		return -1;
	if (g->scan_u > g->p)
		return corrupt(err, "internal error: the scanner is past the edit");
	if (scan_to(g, g->p, UINT64_MAX, false, err) < 0 || scan_settle(g, err) < 0)
		return -1;
	if (g->l_c < g->emitted_c)
		return corrupt(err, "internal error: boundary before the copied span");
	if (settle_copy(g, g->l_c, err) < 0 || def_start(g, err) < 0 ||
	    redecode(g, g->p, err) < 0)
		return -1;
	g->mode = FRESH;
	g->dirty = true;
	g->have_run = false;
	return 0;
}

/*
 * FRESH: the input's bytes [x, x+len) of the current member come next,
 * decoded by the boundary finder (copies never go back: it is at x or
 * before). They are compressed until a boundary on a byte with 32 KiB of
 * them before it, where copying resumes.
 */
static int fresh_copy(struct gzcore *g, uint64_t x, uint64_t len, struct act_err *err)
{
	uint64_t end = x + len;
	int r;

	if (!g->have_run || x != g->p) {
		g->run_start = x;
		g->have_run = true;
	}
	g->p = end;
	/* A span left out: decoded, not compressed. */
	if (g->scan_u < x && scan_to(g, x, UINT64_MAX, false, err) < 0)
		return -1;
	if (g->scan_u != x)
		return corrupt(err, "internal error: the scanner is past the copy");
	r = scan_to(g, end, g->run_start + WSIZE, true, err);
	if (r <= 0)
		return r;
	/* A sync flush ends on a byte, not in the last block. */
	if (def_run(g, NULL, 0, Z_SYNC_FLUSH, err) < 0)
		return -1;
	start_copying(g, g->l_c, g->scan_u);
	return 0;
}

/* --- members ------------------------------------------------------------ */

static int end_member(struct gzcore *g, struct act_err *err)
{
	struct mend e;

	if (g->om >= g->nends)
		return corrupt(err, "internal error: a member's end is not known");
	e = g->ends[g->om];
	if (g->mode == COPYING && g->p < e.u && go_fresh(g, err) < 0)
		return -1;
	/* A member left as it was goes out whole, trailer and all. */
	if (g->mode == COPYING && !g->dirty)
		return settle_copy(g, e.c, err);
	if (g->mode == COPYING) {
		if (settle_copy(g, e.c - 8, err) < 0)
			return -1;
	} else if (def_run(g, NULL, 0, Z_FINISH, err) < 0) {
		return -1;
	}
	return emit_trailer(g, err);
}

/* The output member that mirrors input member m, from its start. */
static int start_member(struct gzcore *g, size_t m, struct act_err *err)
{
	const struct mend *e = &g->ends[g->om];
	bool next = m == g->om + 1;

	/* Left whole, with the next one already in the copy run ahead: that
	 * copy goes on. */
	if (next && g->mode == COPYING && !g->dirty && g->p == e->u && g->copied_to >= e->c) {
		g->emitted_out += e->c - g->emitted_c;
		g->emitted_c = e->c;
	} else if (end_member(g, err) < 0) {
		return -1;
	} else {
		start_copying(g, start_c(g, m), start_u(g, m));
	}
	g->om = m;
	g->p = start_u(g, m);
	g->dirty = false;
	return 0;
}

void gzcore_member(struct gzcore *g, uint64_t c_end, uint64_t u_end)
{
	if (g->nends == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->ends = xrealloc(g->ends, g->cap * sizeof(*g->ends));
	}
	g->ends[g->nends++] = (struct mend){ c_end, u_end };
}

int gzcore_write(struct gzcore *g, const void *buf, size_t len, struct act_err *err)
{
	if (!len)
		return 0;
	if (g->mode == COPYING && go_fresh(g, err) < 0)
		return -1;
	g->have_run = false;
	return def_run(g, buf, len, Z_NO_FLUSH, err);
}

int gzcore_copy(struct gzcore *g, size_t m, uint64_t x, uint64_t len, uint32_t crc,
		uint64_t olen, struct act_err *err)
{
	if (m < g->om || x < g->p)
		return corrupt(err, "internal error: a copy goes back");
	if (m > g->om) {
		g->crc = crc;
		g->olen = olen;
		if (start_member(g, m, err) < 0)
			return -1;
	}
	if (g->mode == COPYING && x == g->p) {
		g->p += len;
		return run_ahead(g, err);
	}
	if (g->mode == COPYING && go_fresh(g, err) < 0)
		return -1;
	return fresh_copy(g, x, len, err);
}

int gzcore_finish(struct gzcore *g, uint32_t crc, uint64_t olen, struct act_err *err)
{
	g->crc = crc;
	g->olen = olen;
	return end_member(g, err);
}

int gzcore_scan_ahead(struct gzcore *g, struct act_err *err)
{
	/* In a short member (acitool's own are 1 MiB), an edit's look from
	 * the member's start costs next to nothing. */
	if (!g->eager || g->mode != COPYING ||
	    g->p - start_u(g, g->om) < g->run_ahead)
		return 0;
	if ((!g->scan_ready || g->scan_m != g->om) && scan_reset(g, g->om, err) < 0)
		return -1;
	if (g->scan_end || g->scan_u >= g->p)
		return 0;
	if (scan_to(g, g->p - g->scan_u > SCAN_STEP ? g->scan_u + SCAN_STEP : g->p, UINT64_MAX,
		    false, err) < 0)
		return -1;
	return run_ahead(g, err) < 0 ? -1 : 1;
}
