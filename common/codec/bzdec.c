// SPDX-License-Identifier: Apache-2.0
#include <bzlib.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/codec/bzbits.h"
#include "common/codec/bzdec.h"

#define MAX_THREADS 4
/* Output kept per block decoded ahead; a larger one is decoded again. */
#define OUT_MAX (4u << 20)
#define READ_CHUNK (1u << 20)
/* Input given to libbz2 at a time: a worker sees a stop between. */
#define FEED (64u << 10)
/* How many blocks a failed one is joined to, at most (a magic by chance). */
#define JOIN_MAX 8

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED };

struct job {
	struct job *next;
	struct bzblock b;
	struct bzbits_out in; /* the block as a stream of its own */
	unsigned char *out;
	size_t out_len;
	bool big;	      /* out not kept: out_len counts it */
	/* The first block, when no one watches blocks: the reader decodes it
	 * as it hands it out, so a reader that wants the manifest only
	 * (cat-manifest) waits for no whole block and no worker. */
	bool here;
	enum job_state state;
	int bzerr;
	uint32_t s_crc;	      /* b.last: the stream's CRC, from its end */
};

enum scan_state { SCAN_HEADER, SCAN_BLOCK, SCAN_DONE };

struct bzdec {
	bzdec_read_fn read;
	void *rctx;
	bzdec_block_fn fn;
	void *fctx;

	/* Input bytes [win_off, win_off + win_len) */
	unsigned char *win;
	size_t win_len, win_cap;
	uint64_t win_off;
	bool in_eof;

	enum scan_state scan;
	uint64_t pos;	   /* bits: a header, or a block's magic */
	uint64_t search;   /* bits: where the search for the next magic goes on */
	uint64_t end_seen; /* bits: an end marker that did not check out, or 0 */
	uint64_t false_at; /* tests: a block magic by chance there */
	int level;
	uint64_t s_start;
	bool s_first;
	unsigned streams;

	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct job *head, *tail;
	size_t njobs, max_jobs;
	pthread_t th[MAX_THREADS];
	unsigned nth, want_th;
	bool stop;

	struct job *cur;
	size_t cur_off;
	bz_stream inc;	/* a big block, decoded as it is handed out */
	bool inc_on;
	uint64_t u_pos;
	uint32_t combined; /* the stream's CRC so far, of the blocks handed out */
	bool failed;	  /* err is for good */
	bool scan_failed; /* err waits until the blocks before it are out */
	struct act_err err;
};

static const char *bz_error(int r)
{
	switch (r) {
	case BZ_DATA_ERROR:
		return "data error (a CRC or a code does not match)";
	case BZ_DATA_ERROR_MAGIC:
		return "bad magic";
	case BZ_MEM_ERROR:
		return "out of memory";
	case BZ_UNEXPECTED_EOF:
		return "the block ends early";
	default:
		return "libbz2 error";
	}
}

/* ------------------------------------------------------------------ */
/* Workers */

/* Decode a job's stream: its bytes kept (or, past OUT_MAX, counted). */
static void decode(struct bzdec *d, struct job *j)
{
	bz_stream s = { 0 };
	size_t in_len = (size_t)(j->in.bits / 8), fed = 0, cap = 1u << 20;
	unsigned char *scratch = NULL;
	int r;

	j->out = xmalloc(cap);
	if ((r = BZ2_bzDecompressInit(&s, 0, 0)) != BZ_OK) {
		j->bzerr = r;
		return;
	}
	s.next_in = (char *)j->in.buf;
	for (;;) {
		if (!s.avail_in && fed < in_len) {
			size_t n = in_len - fed < FEED ? in_len - fed : FEED;

			s.next_in = (char *)j->in.buf + fed;
			s.avail_in = (unsigned)n;
			fed += n;
		}
		/* Output a piece at a time too: a stop is seen within it. */
		size_t room = j->big ? 1u << 20 : cap - j->out_len;

		room = room < FEED ? room : FEED;
		s.next_out = j->big ? (char *)scratch : (char *)j->out + j->out_len;
		s.avail_out = (unsigned)room;
		r = BZ2_bzDecompress(&s);
		j->out_len += room - s.avail_out;
		if (r == BZ_STREAM_END || r != BZ_OK)
			break;
		if (!s.avail_in && fed == in_len && s.avail_out) {
			r = BZ_UNEXPECTED_EOF;
			break;
		}
		if (__atomic_load_n(&d->stop, __ATOMIC_RELAXED)) {
			r = BZ_OK;
			break;
		}
		if (!j->big && j->out_len == cap) {
			if (cap >= OUT_MAX) {
				/* Long runs: measured only, decoded again in turn. */
				j->big = true;
				free(j->out);
				j->out = NULL;
				scratch = xmalloc(1u << 20);
			} else {
				cap *= 2;
				j->out = xrealloc(j->out, cap);
			}
		}
	}
	BZ2_bzDecompressEnd(&s);
	free(scratch);
	j->bzerr = r == BZ_STREAM_END ? 0 : r == BZ_OK ? BZ_UNEXPECTED_EOF : r;
}

/* A queued job decoded, d->mu held around (not during) the decode. */
static void run_job(struct bzdec *d, struct job *j)
{
	j->state = JOB_RUNNING;
	pthread_mutex_unlock(&d->mu);
	decode(d, j);
	pthread_mutex_lock(&d->mu);
	j->state = j->bzerr ? JOB_FAILED : JOB_DONE;
}

/* A job no worker can see (off the list) decoded here. */
static void decode_here(struct bzdec *d, struct job *j)
{
	decode(d, j);
	j->state = j->bzerr ? JOB_FAILED : JOB_DONE;
}

static void *worker(void *arg)
{
	struct bzdec *d = arg;

	pthread_mutex_lock(&d->mu);
	for (;;) {
		struct job *j = d->head;

		while (j && (j->state != JOB_QUEUED || j->here))
			j = j->next;
		if (d->stop)
			break;
		if (!j) {
			pthread_cond_wait(&d->work, &d->mu);
			continue;
		}
		run_job(d, j);
		pthread_cond_broadcast(&d->done);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

static void wait_job(struct bzdec *d, struct job *j)
{
	if (j->here)
		return;
	pthread_mutex_lock(&d->mu);
	while (j->state == JOB_QUEUED || j->state == JOB_RUNNING) {
		/* No worker (none could start): decode it here. */
		if (!d->nth && j->state == JOB_QUEUED) {
			run_job(d, j);
			break;
		}
		pthread_cond_wait(&d->done, &d->mu);
	}
	pthread_mutex_unlock(&d->mu);
}

static void start_workers(struct bzdec *d)
{
	while (d->nth < d->want_th) {
		if (pthread_create(&d->th[d->nth], NULL, worker, d) != 0)
			break;
		d->nth++;
	}
	d->want_th = 0;
}

/* ------------------------------------------------------------------ */
/* The scanner: finds blocks in the input and queues them */

static int fail(struct bzdec *d, struct act_err *err, const char *what, uint64_t bit)
{
	act_err_set(&d->err, EINVAL, "%s at offset %llu", what, (unsigned long long)(bit / 8));
	*err = d->err;
	return -1;
}

/* A block's error comes before any the scan found further on. */
static int fail_block(struct bzdec *d, const struct job *j, struct act_err *err)
{
	d->err = (struct act_err){ 0 };
	act_err_set(&d->err, EINVAL, "corrupt bzip2 stream: the block at offset %llu: %s",
		    (unsigned long long)(j->b.c_start / 8), bz_error(j->bzerr));
	*err = d->err;
	return -1;
}

/* The input up to byte `upto` (or its end) in the window; bytes before
 * `keep` may go. */
static int fill(struct bzdec *d, uint64_t upto, uint64_t keep, struct act_err *err)
{
	while (d->win_off + d->win_len < upto && !d->in_eof) {
		ssize_t n;

		if (keep > d->win_off && keep - d->win_off >= d->win_len / 2) {
			size_t drop = (size_t)(keep - d->win_off);

			memmove(d->win, d->win + drop, d->win_len - drop);
			d->win_len -= drop;
			d->win_off += drop;
		}
		if (d->win_cap - d->win_len < READ_CHUNK) {
			d->win_cap = d->win_len + READ_CHUNK + (d->win_cap / 2);
			d->win = xrealloc(d->win, d->win_cap + 8);
		}
		n = d->read(d->rctx, d->win + d->win_len, READ_CHUNK);
		if (n < 0) {
			act_err_set(&d->err, errno, "read error: %s", strerror(errno));
			*err = d->err;
			return -1;
		}
		if (n == 0)
			d->in_eof = true;
		d->win_len += (size_t)n;
		/* Zeros past the end, so that bit reads near it stay in bounds. */
		memset(d->win + d->win_len, 0, 8);
	}
	return 0;
}

static uint64_t have_bits(const struct bzdec *d)
{
	return (d->win_off + d->win_len) * 8;
}

static uint64_t get(const struct bzdec *d, uint64_t bit, unsigned n)
{
	return bzbits_get(d->win, bit - d->win_off * 8, n);
}

/* Whether the input from byte `from` to its end is zeros (some writers
 * pad after the last stream); the window keeps bytes from `keep` on, or
 * only what is left to look at. */
static int zeros_to_end(struct bzdec *d, uint64_t from, uint64_t keep, bool *yes,
			struct act_err *err)
{
	*yes = false;
	for (uint64_t b = from;; b++) {
		if (b >= d->win_off + d->win_len) {
			if (d->in_eof) {
				*yes = true;
				return 0;
			}
			if (fill(d, b + READ_CHUNK, keep < b ? keep : b, err) < 0)
				return -1;
			continue;
		}
		if (d->win[b - d->win_off])
			return 0;
	}
}

/* Whether an end marker at bit e ends its stream: zeros to the end of the
 * input, the end, or the next stream's header and a magic. */
static int end_checks(struct bzdec *d, uint64_t e, bool *ok, struct act_err *err)
{
	uint64_t next = (e + 80 + 7) / 8 * 8, byte = next / 8;

	if (fill(d, byte + 11, d->pos / 8, err) < 0)
		return -1;
	*ok = false;
	if (have_bits(d) < e + 80)
		return 0;
	if (have_bits(d) == next) {
		*ok = true;
		return 0;
	}
	if (have_bits(d) >= next + 80 && get(d, next, 24) == BZ_HEADER_MAGIC &&
	    get(d, next + 24, 8) >= '1' && get(d, next + 24, 8) <= '9') {
		uint64_t m = get(d, next + 32, 48);

		*ok = m == BZ_BLOCK_MAGIC || m == BZ_END_MAGIC;
		return 0;
	}
	return zeros_to_end(d, byte, d->pos / 8, ok, err);
}

static int scan_header(struct bzdec *d, struct act_err *err)
{
	uint64_t byte = d->pos / 8, m;

	if (fill(d, byte + 11, byte, err) < 0)
		return -1;
	if (have_bits(d) == d->pos && d->streams) {
		d->scan = SCAN_DONE;
		return 0;
	}
	if (have_bits(d) < d->pos + 32 || get(d, d->pos, 24) != BZ_HEADER_MAGIC ||
	    get(d, d->pos + 24, 8) < '1' || get(d, d->pos + 24, 8) > '9') {
		bool zeros = false;

		if (d->streams && zeros_to_end(d, byte, UINT64_MAX, &zeros, err) < 0)
			return -1;
		if (zeros) {
			d->scan = SCAN_DONE;
			return 0;
		}
		return fail(d, err, d->streams ? "data after the bzip2 stream"
					       : "not a bzip2 stream", d->pos);
	}
	d->level = (int)get(d, d->pos + 24, 8) - '0';
	d->s_start = byte;
	d->s_first = true;
	d->pos += 32;
	if (have_bits(d) < d->pos + 80)
		return fail(d, err, "corrupt bzip2 stream: truncated", d->pos);
	m = get(d, d->pos, 48);
	if (m == BZ_END_MAGIC) {
		/* An empty stream: its CRC is that of no block. */
		if (get(d, d->pos + 48, 32) != 0)
			return fail(d, err, "corrupt bzip2 stream: stream CRC mismatch", d->pos);
		d->pos = (d->pos + 80 + 7) / 8 * 8;
		d->streams++;
		return 0;
	}
	if (m != BZ_BLOCK_MAGIC)
		return fail(d, err, "corrupt bzip2 stream: no block after the header", d->pos);
	d->scan = SCAN_BLOCK;
	d->search = d->pos + 80;
	d->end_seen = 0;
	return 0;
}

static void queue(struct bzdec *d, struct job *j)
{
	j->here = !d->fn && !d->u_pos && !d->head && !d->cur;
	pthread_mutex_lock(&d->mu);
	if (d->tail)
		d->tail->next = j;
	else
		d->head = j;
	d->tail = j;
	d->njobs++;
	pthread_cond_signal(&d->work);
	pthread_mutex_unlock(&d->mu);
	if (d->want_th)
		start_workers(d);
}

/* The block at d->pos, up to the next magic, queued. */
static int scan_block(struct bzdec *d, struct act_err *err)
{
	struct job *j;
	uint64_t q;
	int end = 0;

	for (;;) {
		uint64_t have = have_bits(d);
		bool ok;

		q = have >= d->search + 48 ? bzbits_find(d->win, d->search - d->win_off * 8,
							 have - 48 + 1 - d->win_off * 8, &end)
					   : UINT64_MAX;
		if (q != UINT64_MAX)
			q += d->win_off * 8;
		if (d->false_at > d->search && d->false_at + 80 <= have &&
		    d->false_at < (q == UINT64_MAX ? have : q)) {
			q = d->false_at;
			end = 0;
			break;
		}
		if (q != UINT64_MAX) {
			if (!end)
				break;
			/* An end marker: or the same 48 bits by chance? */
			if (end_checks(d, q, &ok, err) < 0)
				return -1;
			if (ok)
				break;
			d->end_seen = q;
			d->search = q + 1;
			continue;
		}
		if (have >= 48)
			d->search = have - 48 + 1 > d->search ? have - 48 + 1 : d->search;
		if (d->in_eof && d->end_seen && d->end_seen + 80 <= have) {
			/* The end it was, with something after it: the block
			 * goes out, the next scan says what follows. */
			q = d->end_seen;
			end = 1;
			break;
		}
		if (d->in_eof)
			return fail(d, err, "corrupt bzip2 stream: truncated (no end after the block)", d->pos);
		if (fill(d, d->win_off + d->win_len + READ_CHUNK, d->pos / 8, err) < 0)
			return -1;
	}
	j = xcalloc(1, sizeof(*j));
	j->b.c_start = d->pos;
	j->b.c_end = q;
	j->b.crc = (uint32_t)get(d, d->pos + 48, 32);
	j->b.level = d->level;
	j->b.s_start = d->s_start;
	j->b.first = d->s_first;
	d->s_first = false;
	/* A stream of its own, whose CRC is the block's. */
	bzbits_header(&j->in, d->level);
	bzbits_copy(&j->in, d->win, d->pos - d->win_off * 8, q - d->pos);
	bzbits_end(&j->in, j->b.crc);
	if (end) {
		j->b.last = true;
		j->b.s_end = (q + 80 + 7) / 8;
		/* The stream's CRC, checked as the blocks are handed out. */
		j->s_crc = (uint32_t)get(d, q + 48, 32);
		d->pos = j->b.s_end * 8;
		d->streams++;
		d->scan = SCAN_HEADER;
	} else {
		d->pos = q;
		d->search = q + 80;
		d->end_seen = 0;
	}
	queue(d, j);
	return 0;
}

static int produce(struct bzdec *d, struct act_err *err)
{
	return d->scan == SCAN_HEADER ? scan_header(d, err) : scan_block(d, err);
}

/* ------------------------------------------------------------------ */
/* Handing out */

static void free_job(struct job *j)
{
	if (!j)
		return;
	bzbits_free(&j->in);
	free(j->out);
	free(j);
}

/* The head job, off the list (the caller owns it). */
static struct job *pop(struct bzdec *d)
{
	struct job *j;

	pthread_mutex_lock(&d->mu);
	j = d->head;
	d->head = j->next;
	if (!d->head)
		d->tail = NULL;
	d->njobs--;
	pthread_mutex_unlock(&d->mu);
	j->next = NULL;
	return j;
}

/* A block that did not decode, joined to the ones after it until it does
 * (a magic by chance split it), decoded here. */
static int join(struct bzdec *d, struct job *j, struct act_err *err)
{
	for (int n = 0; j->state == JOB_FAILED; n++) {
		struct job *nx;
		struct bzbits_out in = { 0 };

		if (j->b.last || n == JOIN_MAX)
			return fail_block(d, j, err);
		while (!d->head && d->scan != SCAN_DONE && !d->scan_failed)
			if (produce(d, &d->err) < 0)
				d->scan_failed = true;
		if (!d->head && d->scan_failed)
			return -1;
		if (!d->head)
			return fail_block(d, j, err);
		/* Waited for on the list, where the workers find it. */
		wait_job(d, d->head);
		nx = pop(d);
		bzbits_header(&in, j->b.level);
		bzbits_copy(&in, j->in.buf, 32, j->b.c_end - j->b.c_start);
		bzbits_copy(&in, nx->in.buf, 32, nx->b.c_end - nx->b.c_start);
		bzbits_end(&in, j->b.crc);
		bzbits_free(&j->in);
		j->in = in;
		j->b.c_end = nx->b.c_end;
		j->b.last = nx->b.last;
		j->b.s_end = nx->b.s_end;
		j->s_crc = nx->s_crc;
		free_job(nx);
		free(j->out);
		j->out = NULL;
		j->out_len = 0;
		j->big = false;
		decode_here(d, j);
	}
	return 0;
}

static int take(struct bzdec *d, struct act_err *err)
{
	struct job *j;

	wait_job(d, d->head);
	j = pop(d);
	d->cur = j;
	if (!j->here && join(d, j, err) < 0)
		return -1;
	if (j->b.first)
		d->combined = 0;
	d->combined = bzbits_fold(d->combined, j->b.crc);
	if (j->b.last && d->combined != j->s_crc) {
		d->err = (struct act_err){ 0 };
		return fail(d, err, "corrupt bzip2 stream: stream CRC mismatch", j->b.c_end);
	}
	j->b.u_start = d->u_pos;
	j->b.u_end = d->u_pos + j->out_len;
	d->cur_off = 0;
	if (j->here) {
		j->big = true;
		j->out_len = SIZE_MAX; /* known at its end */
	}
	if (j->big) {
		if (BZ2_bzDecompressInit(&d->inc, 0, 0) != BZ_OK)
			return fail(d, err, "out of memory", j->b.c_start);
		d->inc_on = true;
		d->inc.next_in = (char *)j->in.buf;
		d->inc.avail_in = (unsigned)(j->in.bits / 8);
	}
	if (d->fn)
		d->fn(d->fctx, &j->b);
	return 0;
}

/* Bytes of the current block: > 0, or 0 when it is all out. */
static ssize_t serve(struct bzdec *d, unsigned char *buf, size_t len, struct act_err *err)
{
	struct job *j = d->cur;
	size_t n;
	int r;

	if (!j->big) {
		n = j->out_len - d->cur_off < len ? j->out_len - d->cur_off : len;
		memcpy(buf, j->out + d->cur_off, n);
		d->cur_off += n;
		return (ssize_t)n;
	}
	if (d->cur_off == j->out_len)
		return 0;
	d->inc.next_out = (char *)buf;
	d->inc.avail_out = (unsigned)(len > (1u << 30) ? 1u << 30 : len);
	r = BZ2_bzDecompress(&d->inc);
	n = (size_t)((len > (1u << 30) ? 1u << 30 : len) - d->inc.avail_out);
	if (j->here && r == BZ_STREAM_END)
		j->out_len = d->cur_off + n;
	if (j->here && ((r != BZ_OK && r != BZ_STREAM_END) || (r == BZ_OK && !n)) && !d->cur_off) {
		/* Nothing is out yet: decoded whole, joined if it must be. */
		BZ2_bzDecompressEnd(&d->inc);
		d->inc_on = false;
		j->here = j->big = false;
		j->out_len = 0;
		decode_here(d, j);
		if (join(d, j, err) < 0)
			return -1;
		return serve(d, buf, len, err);
	}
	if ((r != BZ_OK && r != BZ_STREAM_END) || d->cur_off + n > j->out_len ||
	    (r == BZ_STREAM_END && d->cur_off + n != j->out_len) || (r == BZ_OK && !n)) {
		j->bzerr = r == BZ_OK || r == BZ_STREAM_END ? BZ_DATA_ERROR : r;
		return fail_block(d, j, err);
	}
	d->cur_off += n;
	return (ssize_t)n;
}

/* The reader's error, for good. */
static ssize_t failed(struct bzdec *d, struct act_err *err)
{
	d->failed = true;
	*err = d->err;
	return -1;
}

ssize_t bzdec_read(struct bzdec *d, void *buf, size_t len, struct act_err *err)
{
	if (!len)
		return 0;
	for (;;) {
		ssize_t n;

		if (d->failed)
			return failed(d, err);
		if (d->cur) {
			if ((n = serve(d, buf, len, err)) < 0)
				return failed(d, err);
			if (n > 0)
				return n;
			d->u_pos += d->cur->out_len;
			if (d->inc_on)
				BZ2_bzDecompressEnd(&d->inc);
			d->inc_on = false;
			free_job(d->cur);
			d->cur = NULL;
		}
		/* What the scan finds wrong ahead waits for the blocks before
		 * it: a reader that stops early (cat-manifest) never sees it.
		 * Until the first block is out, it is the only one: a reader
		 * that wants the manifest only decodes no more. */
		while (!d->scan_failed && d->scan != SCAN_DONE &&
		       d->njobs < (d->u_pos ? d->max_jobs : 1))
			if (produce(d, &d->err) < 0)
				d->scan_failed = true;
		if (!d->head) {
			if (d->scan_failed)
				return failed(d, err);
			if (d->scan == SCAN_DONE)
				return 0;
			continue;
		}
		if (take(d, err) < 0)
			return failed(d, err);
	}
}

struct bzdec *bzdec_new(bzdec_read_fn read, void *ctx, unsigned threads)
{
	struct bzdec *d = xcalloc(1, sizeof(*d));
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (!threads)
		threads = cpus > 0 ? (unsigned)cpus : 1;
	threads = threads > MAX_THREADS ? MAX_THREADS : threads;
	/* One thread: blocks are decoded in turn, on the reader's. */
	d->want_th = threads > 1 ? threads : 0;
	d->max_jobs = threads + 1;
	d->read = read;
	d->rctx = ctx;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->work, NULL);
	pthread_cond_init(&d->done, NULL);
	return d;
}

void bzdec_test_false_magic(struct bzdec *d, uint64_t bit)
{
	d->false_at = bit;
}

void bzdec_observe(struct bzdec *d, bzdec_block_fn fn, void *ctx)
{
	d->fn = fn;
	d->fctx = ctx;
}

void bzdec_free(struct bzdec *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = true;
	pthread_cond_broadcast(&d->work);
	pthread_mutex_unlock(&d->mu);
	for (unsigned i = 0; i < d->nth; i++)
		pthread_join(d->th[i], NULL);
	while (d->head)
		free_job(pop(d));
	if (d->inc_on)
		BZ2_bzDecompressEnd(&d->inc);
	free_job(d->cur);
	free(d->win);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->work);
	pthread_cond_destroy(&d->done);
	free(d);
}
