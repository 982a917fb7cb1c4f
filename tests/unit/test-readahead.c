// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "common/io/readahead.h"
#include "tap.h"

/* A stream of `total` bytes (byte i is i % 251), in odd-sized pieces, an
 * event raised as each 100,000 bytes pass, then the end or an error. */
struct gen {
	struct readahead *ra;
	uint64_t pos, total, delivered_at[64];
	size_t nev;
	uint64_t reader_pos; /* bytes the reader had when each event came */
	bool fail;
};

static ssize_t fill(void *ctx, void *buf, size_t len, struct act_err *err)
{
	struct gen *g = ctx;
	unsigned char *b = buf;
	size_t n = len < 7777 ? len : 7777;

	if (g->pos == g->total)
		return g->fail ? act_err_set(err, EIO, "corrupt at %llu", (unsigned long long)g->pos)
			       : 0;
	if (n > g->total - g->pos)
		n = (size_t)(g->total - g->pos);
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)((g->pos + i) % 251);
	if ((g->pos + n) / 100000 > g->pos / 100000) {
		struct readahead_event ev = { { (g->pos + n) / 100000 * 100000, 0, 0, 0 } };

		readahead_event(g->ra, &ev);
	}
	g->pos += n;
	return (ssize_t)n;
}

static void deliver(void *ctx, const struct readahead_event *ev)
{
	struct gen *g = ctx;

	/* Raised while filling a buffer whose bytes the reader has not had. */
	if (g->nev < 64)
		g->delivered_at[g->nev++] = ev->v[0] >= g->reader_pos ? ev->v[0] : 0;
}

static void read_all(bool fail)
{
	struct gen g = { .total = 3000000, .fail = fail };
	struct act_err err = { 0 };
	unsigned char buf[10000];
	bool same = true;
	ssize_t n;

	g.ra = readahead_new(fill, deliver, &g);
	readahead_start(g.ra);
	while ((n = readahead_read(g.ra, buf, 1 + g.reader_pos % sizeof(buf), &err)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			same &= buf[i] == (g.reader_pos + (uint64_t)i) % 251;
		g.reader_pos += (uint64_t)n;
	}
	CHECK(same);
	CHECK_INT(g.reader_pos, 3000000);
	CHECK_INT(n, fail ? -1 : 0);
	if (fail)
		CHECK_STR(err.msg, "corrupt at 3000000");
	CHECK_INT(g.nev, 30);
	for (size_t i = 0; i < g.nev && i < 30; i++)
		if (g.delivered_at[i] != (i + 1) * 100000)
			CHECK_INT(g.delivered_at[i], (i + 1) * 100000);
	readahead_free(g.ra);
}

static void test_reads_everything_in_order(void)
{
	read_all(false);
}

static void test_error_after_the_bytes_before_it(void)
{
	read_all(true);
}

/* Freed after one read: the thread, blocked on full buffers, stops. */
static void test_free_early(void)
{
	struct gen g = { .total = 100000000 };
	struct act_err err = { 0 };
	unsigned char buf[100];

	g.ra = readahead_new(fill, deliver, &g);
	readahead_start(g.ra);
	CHECK_INT(readahead_read(g.ra, buf, sizeof(buf), &err), 100);
	readahead_free(g.ra);
	CHECK(g.pos < 2 * 1024 * 1024);
	/* Never started: nothing to join. */
	readahead_free(readahead_new(fill, deliver, &g));
}

int main(void)
{
	RUN(test_reads_everything_in_order);
	RUN(test_error_after_the_bytes_before_it);
	RUN(test_free_early);
	return tap_done();
}
