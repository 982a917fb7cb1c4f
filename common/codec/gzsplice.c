// SPDX-License-Identifier: Apache-2.0
/*
 * gzip rewritten by splicing (see gzsplice.h): the caller's side. The
 * decisions (gzsplicecore.c) run on a thread of their own, fed through a
 * queue, so that the reader never waits for the boundary finder: a copy is
 * queued as an offset and a length (neighbours join), only new bytes are
 * queued as bytes. The caller's thread keeps the member checks (CRC and
 * length), as it has the bytes.
 */
#include <errno.h>
#include <libdeflate.h>
#include <pthread.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/codec/gzsplice.h"
#include "common/codec/gzsplicecore.h"

#define RING 64
/* New bytes queued at most (an edit's are a few KiB; a copy that goes
 * back is queued as new bytes too). */
#define QUEUE_BYTES (8 * 1024 * 1024)

enum op_kind { OP_COPY, OP_WRITE, OP_MEMBER, OP_FINISH };

struct op {
	enum op_kind kind;
	size_t m;	     /* COPY: the input member */
	uint64_t x, len;     /* COPY: input offset, length; MEMBER: its end (c, u) */
	unsigned char *buf;  /* WRITE: len bytes, in cap */
	size_t cap;
	uint32_t crc;	     /* COPY, FINISH: the output member's check so far */
	uint64_t olen;
	bool starts;	     /* COPY: the first of its member */
};

struct gzsplice {
	struct gzcore *core;
	pthread_t worker;
	bool running;

	pthread_mutex_t mu;
	pthread_cond_t wake, room;
	struct op ring[RING];
	size_t head, n, bytes;
	bool eager, stop, failed;
	struct act_err err; /* the worker's */

	/* The caller's side: member ends, and the output member's check. */
	uint64_t *ends; /* decompressed ends of the members reported */
	size_t nends, cap;
	size_t fom;  /* the input member the output member mirrors */
	uint64_t hi; /* the end of the input's bytes copied so far */
	uint32_t crc;
	uint64_t olen;
};

static int apply(struct gzcore *core, const struct op *op, struct act_err *err)
{
	switch (op->kind) {
	case OP_COPY:
		return gzcore_copy(core, op->m, op->x, op->len, op->crc, op->olen, err);
	case OP_WRITE:
		return gzcore_write(core, op->buf, op->len, err);
	case OP_MEMBER:
		gzcore_member(core, op->x, op->len);
		return 0;
	case OP_FINISH:
		return gzcore_finish(core, op->crc, op->olen, err);
	}
	return 0;
}

static void *work(void *arg)
{
	struct gzsplice *g = arg;
	struct act_err err = { 0 };

	pthread_mutex_lock(&g->mu);
	while (!g->stop) {
		struct op op;
		int r;

		gzcore_set_eager(g->core, g->eager);
		if (!g->n) {
			/* Idle: the boundary finder looks ahead, if edits are expected. */
			pthread_mutex_unlock(&g->mu);
			r = gzcore_scan_ahead(g->core, &err);
			pthread_mutex_lock(&g->mu);
			if (r < 0)
				break;
			if (r == 0 && !g->n && !g->stop)
				pthread_cond_wait(&g->wake, &g->mu);
			continue;
		}
		op = g->ring[g->head];
		g->head = (g->head + 1) % RING;
		g->n--;
		if (op.kind == OP_WRITE)
			g->bytes -= op.len;
		pthread_cond_signal(&g->room);
		pthread_mutex_unlock(&g->mu);
		r = apply(g->core, &op, &err);
		free(op.buf);
		pthread_mutex_lock(&g->mu);
		if (r < 0)
			break;
		if (op.kind == OP_FINISH) {
			pthread_mutex_unlock(&g->mu);
			return NULL;
		}
	}
	if (!g->stop) {
		g->failed = true;
		g->err = err;
		pthread_cond_broadcast(&g->room);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

struct gzsplice *gzsplice_new(int fd, int64_t base, uint64_t in_end, int level,
			      gzsplice_write_fn write, gzsplice_copy_fn copy,
			      gzsplice_truncate_fn truncate, void *ctx)
{
	struct gzsplice *g = xcalloc(1, sizeof(*g));

	g->core = gzcore_new(fd, base, in_end, level, write, copy, truncate, ctx);
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->wake, NULL);
	pthread_cond_init(&g->room, NULL);
	/* Without a thread (none to be had), ops run on the caller's. */
	g->running = pthread_create(&g->worker, NULL, work, g) == 0;
	return g;
}

void gzsplice_set_run_ahead(struct gzsplice *g, uint64_t after)
{
	pthread_mutex_lock(&g->mu);
	gzcore_set_run_ahead(g->core, after);
	pthread_mutex_unlock(&g->mu);
}

void gzsplice_expect_edits(struct gzsplice *g, bool expect)
{
	if (g->eager == expect)
		return;
	pthread_mutex_lock(&g->mu);
	g->eager = expect;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->mu);
}

void gzsplice_stop(struct gzsplice *g)
{
	if (!g->running)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->worker, NULL);
	g->running = false;
	/* Anything more is refused. */
	g->failed = true;
	act_err_set(&g->err, ECANCELED, "splicing the gzip stream: stopped");
}

void gzsplice_free(struct gzsplice *g)
{
	if (!g)
		return;
	gzsplice_stop(g);
	for (size_t i = 0; i < g->n; i++)
		free(g->ring[(g->head + i) % RING].buf);
	pthread_cond_destroy(&g->wake);
	pthread_cond_destroy(&g->room);
	pthread_mutex_destroy(&g->mu);
	gzcore_free(g->core);
	free(g->ends);
	free(g);
}

static struct op *last_op(struct gzsplice *g)
{
	return g->n ? &g->ring[(g->head + g->n - 1) % RING] : NULL;
}

/* Queue op (its buf taken over), or join it to the last one queued. */
static int push(struct gzsplice *g, struct op *op, struct act_err *err)
{
	struct op *last;

	if (!g->running) {
		int r = g->failed ? -1 : apply(g->core, op, &g->err);

		free(op->buf);
		g->failed |= r < 0;
		return r < 0 ? (*err = g->err, -1) : 0;
	}
	pthread_mutex_lock(&g->mu);
	while (!g->failed && (g->n == RING || (op->kind == OP_WRITE && g->n &&
					       g->bytes + op->len > QUEUE_BYTES)))
		pthread_cond_wait(&g->room, &g->mu);
	if (g->failed) {
		*err = g->err;
		pthread_mutex_unlock(&g->mu);
		free(op->buf);
		return -1;
	}
	last = last_op(g);
	if (last && last->kind == OP_COPY && op->kind == OP_COPY && !op->starts &&
	    last->m == op->m && last->x + last->len == op->x) {
		last->len += op->len;
	} else if (last && last->kind == OP_WRITE && op->kind == OP_WRITE &&
		   last->len + op->len <= last->cap) {
		memcpy(last->buf + last->len, op->buf, op->len);
		last->len += op->len;
		g->bytes += op->len;
		free(op->buf);
	} else {
		g->ring[(g->head + g->n) % RING] = *op;
		g->n++;
		if (op->kind == OP_WRITE)
			g->bytes += op->len;
	}
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->mu);
	return 0;
}

void gzsplice_member(void *ctx, uint64_t c_start, uint64_t c_end, uint64_t u_start,
		     uint64_t u_end)
{
	struct gzsplice *g = ctx;
	struct op op = { .kind = OP_MEMBER, .x = c_end, .len = u_end };
	struct act_err err;

	(void)c_start;
	(void)u_start;
	if (g->nends == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->ends = xrealloc(g->ends, g->cap * sizeof(*g->ends));
	}
	g->ends[g->nends++] = u_end;
	/* A failure shows at the next copy or write. */
	push(g, &op, &err);
}

/* The member holding input offset u: the first that ends after it (empty
 * members hold nothing), or the one still being decoded. */
static size_t member_of(const struct gzsplice *g, uint64_t u)
{
	size_t lo = 0, hi = g->nends;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->ends[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void account(struct gzsplice *g, const void *buf, size_t len)
{
	g->crc = libdeflate_crc32(g->crc, buf, len);
	g->olen += len;
}

int gzsplice_write(struct gzsplice *g, const void *buf, size_t len, struct act_err *err)
{
	while (len) {
		/* Small writes join in one buffer; a big one goes in pieces. */
		size_t k = len < 65536 ? len : 65536;
		struct op op = { .kind = OP_WRITE, .len = k, .cap = 65536 };

		op.buf = xmalloc(op.cap);
		memcpy(op.buf, buf, k);
		account(g, buf, k);
		if (push(g, &op, err) < 0)
			return -1;
		buf = (const unsigned char *)buf + k;
		len -= k;
	}
	return 0;
}

int gzsplice_copy(struct gzsplice *g, const void *buf, size_t len, uint64_t x,
		  struct act_err *err)
{
	const unsigned char *b = buf;

	while (len) {
		size_t m = member_of(g, x);
		uint64_t n = len;
		struct op op = { .kind = OP_COPY, .m = m, .x = x };

		if (m < g->nends && x + n > g->ends[m])
			n = g->ends[m] - x;
		if (x < g->hi || m < g->fom) {
			/* Bytes the output has had already: new bytes here. */
			if (x < g->hi && x + n > g->hi)
				n = g->hi - x;
			if (gzsplice_write(g, b, (size_t)n, err) < 0)
				return -1;
		} else {
			if (m > g->fom) {
				op.starts = true;
				op.crc = g->crc;
				op.olen = g->olen;
				g->fom = m;
				g->crc = 0;
				g->olen = 0;
			}
			op.len = n;
			account(g, b, (size_t)n);
			g->hi = x + n;
			if (push(g, &op, err) < 0)
				return -1;
		}
		b += n;
		x += n;
		len -= (size_t)n;
	}
	return 0;
}

int gzsplice_finish(struct gzsplice *g, struct act_err *err)
{
	struct op op = { .kind = OP_FINISH, .crc = g->crc, .olen = g->olen };
	bool failed;

	if (push(g, &op, err) < 0)
		return -1;
	if (!g->running)
		return 0;
	pthread_join(g->worker, NULL);
	g->running = false;
	failed = g->failed;
	if (failed)
		*err = g->err;
	return failed ? -1 : 0;
}
