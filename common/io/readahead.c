// SPDX-License-Identifier: Apache-2.0
/* Decompression a few buffers ahead of the reader, on a thread (readahead.h). */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/io/readahead.h"

#define SLOTS 4
#define SLOT_SIZE (256 * 1024)

struct slot {
	unsigned char *data;
	size_t len, pos;
	struct readahead_event *ev;
	size_t nev, cap;
	bool end;	/* the last slot: EOF, or the error in err */
	bool failed;
	struct act_err err;
};

struct readahead {
	readahead_fill_fn fill;
	readahead_deliver_fn deliver;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	struct slot slots[SLOTS];
	size_t nfull;	/* slots filled and not yet read out */
	size_t rd, wr;	/* the reader's slot, the thread's */
	bool started, stop;
	bool delivered; /* the events of slot rd went out */
	struct slot *cur; /* the thread's slot, for readahead_event */
};

void readahead_event(struct readahead *ra, const struct readahead_event *ev)
{
	struct slot *s = ra->cur;

	if (s->nev == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4;
		s->ev = xrealloc(s->ev, s->cap * sizeof(*s->ev));
	}
	s->ev[s->nev++] = *ev;
}

static void *run(void *arg)
{
	struct readahead *ra = arg;
	bool end = false;

	while (!end) {
		struct slot *s;

		pthread_mutex_lock(&ra->lock);
		while (ra->nfull == SLOTS && !ra->stop)
			pthread_cond_wait(&ra->emptied, &ra->lock);
		if (ra->stop) {
			pthread_mutex_unlock(&ra->lock);
			break;
		}
		s = &ra->slots[ra->wr];
		pthread_mutex_unlock(&ra->lock);

		ra->cur = s;
		s->len = s->pos = s->nev = 0;
		while (s->len < SLOT_SIZE) {
			ssize_t n = ra->fill(ra->ctx, s->data + s->len, SLOT_SIZE - s->len, &s->err);

			if (n <= 0) {
				end = s->end = true;
				s->failed = n < 0;
				break;
			}
			s->len += (size_t)n;
		}
		pthread_mutex_lock(&ra->lock);
		ra->nfull++;
		ra->wr = (ra->wr + 1) % SLOTS;
		pthread_cond_signal(&ra->filled);
		pthread_mutex_unlock(&ra->lock);
	}
	return NULL;
}

struct readahead *readahead_new(readahead_fill_fn fill, readahead_deliver_fn deliver, void *ctx)
{
	struct readahead *ra = xcalloc(1, sizeof(*ra));

	ra->fill = fill;
	ra->deliver = deliver;
	ra->ctx = ctx;
	for (int i = 0; i < SLOTS; i++)
		ra->slots[i].data = xmalloc(SLOT_SIZE);
	pthread_mutex_init(&ra->lock, NULL);
	pthread_cond_init(&ra->filled, NULL);
	pthread_cond_init(&ra->emptied, NULL);
	return ra;
}

void readahead_start(struct readahead *ra)
{
	sigset_t all, old;

	/* Signals are the main thread's to take (interrupt.h). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&ra->thread, NULL, run, ra) != 0)
		abort();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	ra->started = true;
}

void readahead_free(struct readahead *ra)
{
	if (!ra)
		return;
	pthread_mutex_lock(&ra->lock);
	ra->stop = true;
	pthread_cond_signal(&ra->emptied);
	pthread_mutex_unlock(&ra->lock);
	if (ra->started)
		pthread_join(ra->thread, NULL);
	pthread_mutex_destroy(&ra->lock);
	pthread_cond_destroy(&ra->filled);
	pthread_cond_destroy(&ra->emptied);
	for (int i = 0; i < SLOTS; i++) {
		free(ra->slots[i].data);
		free(ra->slots[i].ev);
	}
	free(ra);
}

ssize_t readahead_read(struct readahead *ra, void *buf, size_t len, struct act_err *err)
{
	for (;;) {
		struct slot *s = &ra->slots[ra->rd];
		size_t n;

		pthread_mutex_lock(&ra->lock);
		while (ra->nfull == 0)
			pthread_cond_wait(&ra->filled, &ra->lock);
		pthread_mutex_unlock(&ra->lock);
		if (!ra->delivered) {
			for (size_t i = 0; i < s->nev; i++)
				ra->deliver(ra->ctx, &s->ev[i]);
			ra->delivered = true;
		}
		n = s->len - s->pos < len ? s->len - s->pos : len;
		if (n > 0 || len == 0) {
			memcpy(buf, s->data + s->pos, n);
			s->pos += n;
			return (ssize_t)n;
		}
		/* The slot is read out: the end, or the next slot. */
		if (s->end) {
			if (s->failed)
				return act_err_set(err, s->err.code, "%s", s->err.msg);
			return 0;
		}
		pthread_mutex_lock(&ra->lock);
		ra->nfull--;
		ra->rd = (ra->rd + 1) % SLOTS;
		ra->delivered = false;
		pthread_cond_signal(&ra->emptied);
		pthread_mutex_unlock(&ra->lock);
	}
}
