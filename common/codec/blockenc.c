// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "common/base/bigbuf.h"
#include "common/codec/blockenc.h"
#include "common/base/macro.h"

enum job_state { JOB_FREE, JOB_QUEUED, JOB_BUSY, JOB_DONE };

/* A job's in and out buffers (block_size and out_cap bytes) are kept from
 * block to block: mapping fresh ones costs a page fault and a page of zeros
 * every 4 KiB, a few percent of the time of a fast compressor. */
struct job {
	enum job_state state;
	unsigned char *in, *out;
	size_t in_len, out_len;
	uint64_t ulen, aux;
	/* A block copied as it is: copied holds it, nothing to compress. */
	unsigned char *copied;
	size_t copied_len;
};

struct blockenc {
	struct blockenc_codec codec;
	void *arg;
	blockenc_write_fn write;
	void *ctx;
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	pthread_t *threads;
	int nthreads;
	bool stop;
	struct job *jobs;
	size_t njobs;
	size_t out_cap;
	size_t fill;  /* job being filled by the caller */
	size_t flush; /* oldest job not yet written */
};

/* The oldest queued job (copied blocks are never queued). Under the lock. */
static struct job *next_queued(struct blockenc *z)
{
	for (size_t i = 0; i < z->njobs; i++) {
		struct job *j = &z->jobs[(z->flush + i) % z->njobs];

		if (j->state == JOB_QUEUED)
			return j;
	}
	return NULL;
}

static void *worker(void *arg)
{
	struct blockenc *z = arg;

	pthread_mutex_lock(&z->lock);
	for (;;) {
		struct job *j;

		while (!z->stop && !(j = next_queued(z)))
			pthread_cond_wait(&z->work, &z->lock);
		if (z->stop)
			break;
		j->state = JOB_BUSY;
		pthread_mutex_unlock(&z->lock);
		if (!j->out)
			j->out = bigbuf_alloc(z->out_cap);
		j->out_len = z->codec.compress(z->arg, j->in, j->in_len, j->out, z->out_cap,
					       &j->aux);
		pthread_mutex_lock(&z->lock);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&z->done);
	}
	pthread_mutex_unlock(&z->lock);
	return NULL;
}

struct blockenc *blockenc_new(const struct blockenc_codec *codec, const void *arg,
			      size_t arg_len, int threads, blockenc_write_fn write, void *ctx,
			      struct act_err *err)
{
	struct blockenc *z = xcalloc(1, sizeof(*z));

	z->codec = *codec;
	z->arg = memcpy(xmalloc(arg_len ? arg_len : 1), arg, arg_len);
	z->write = write;
	z->ctx = ctx;
	z->nthreads = threads < 1 ? 1 : threads;
	/* A block per worker and one being filled keep every core busy. */
	z->njobs = (size_t)z->nthreads + 1;
	z->jobs = xcalloc(z->njobs, sizeof(*z->jobs));
	z->out_cap = codec->bound(z->arg, codec->block_size);
	pthread_mutex_init(&z->lock, NULL);
	pthread_cond_init(&z->work, NULL);
	pthread_cond_init(&z->done, NULL);
	z->threads = xcalloc((size_t)z->nthreads, sizeof(*z->threads));
	for (int i = 0; i < z->nthreads; i++) {
		if (pthread_create(&z->threads[i], NULL, worker, z) != 0) {
			z->nthreads = i;
			blockenc_free(z);
			act_err_set(err, EAGAIN, "cannot start compression threads");
			return NULL;
		}
	}
	return z;
}

/* Main thread: is the job in this state? Workers never free a job, but
 * they do write its state, so read it under the lock. */
static bool job_is(struct blockenc *z, size_t i, enum job_state state)
{
	bool r;

	pthread_mutex_lock(&z->lock);
	r = z->jobs[i].state == state;
	pthread_mutex_unlock(&z->lock);
	return r;
}

static bool job_free(struct blockenc *z, size_t i)
{
	return job_is(z, i, JOB_FREE);
}

/* Write the oldest finished job; wait for it if it is still running. */
static int flush_one(struct blockenc *z, struct act_err *err)
{
	struct job *j = &z->jobs[z->flush];
	int r;

	pthread_mutex_lock(&z->lock);
	while (j->state == JOB_QUEUED || j->state == JOB_BUSY)
		pthread_cond_wait(&z->done, &z->lock);
	pthread_mutex_unlock(&z->lock);
	/* DONE now: no worker touches it until it is queued again. */
	if (j->copied)
		r = z->write(z->ctx, j->copied, j->copied_len, j->ulen, j->aux, err);
	else if (j->out_len == 0)
		r = act_err_set(err, EIO, "compression failed");
	else
		r = z->write(z->ctx, j->out, j->out_len, j->ulen, j->aux, err);
	if (r < 0)
		return -1;
	bigbuf_free(j->copied, j->copied_len);
	j->copied = NULL;
	pthread_mutex_lock(&z->lock);
	j->state = JOB_FREE;
	j->in_len = 0;
	z->flush = (z->flush + 1) % z->njobs;
	pthread_mutex_unlock(&z->lock);
	return 0;
}

static void submit(struct blockenc *z)
{
	struct job *j = &z->jobs[z->fill];

	if (!j->copied)
		j->ulen = j->in_len;
	pthread_mutex_lock(&z->lock);
	j->state = j->copied ? JOB_DONE : JOB_QUEUED;
	pthread_cond_broadcast(&z->work);
	pthread_mutex_unlock(&z->lock);
	z->fill = (z->fill + 1) % z->njobs;
}

/* Make the job at z->fill free for the caller to fill. */
static int make_room(struct blockenc *z, struct act_err *err)
{
	while (!job_free(z, z->fill)) {
		if (flush_one(z, err) < 0)
			return -1;
	}
	return 0;
}

int blockenc_write(struct blockenc *z, const void *buf, size_t len, struct act_err *err)
{
	const unsigned char *p = buf;
	size_t bs = z->codec.block_size;

	while (len > 0) {
		struct job *j;
		size_t k;

		if (make_room(z, err) < 0)
			return -1;
		j = &z->jobs[z->fill];
		if (!j->in)
			j->in = bigbuf_alloc(bs);
		k = bs - j->in_len < len ? bs - j->in_len : len;
		memcpy(j->in + j->in_len, p, k);
		j->in_len += k;
		p += k;
		len -= k;
		if (j->in_len == bs)
			submit(z);
	}
	return 0;
}

int blockenc_copy(struct blockenc *z, const void *block, size_t len, uint64_t ulen,
		  uint64_t aux, struct act_err *err)
{
	struct job *j;

	if (make_room(z, err) < 0)
		return -1;
	if (z->jobs[z->fill].in_len > 0) {
		submit(z);
		if (make_room(z, err) < 0)
			return -1;
	}
	/* Write what is finished already: with nothing before it waiting, out
	 * it goes, with no copy (blocks copied one after another). */
	while (z->flush != z->fill && job_is(z, z->flush, JOB_DONE)) {
		if (flush_one(z, err) < 0)
			return -1;
	}
	if (z->flush == z->fill)
		return z->write(z->ctx, block, len, ulen, aux, err);
	j = &z->jobs[z->fill];
	j->copied = bigbuf_alloc(len);
	memcpy(j->copied, block, len);
	j->copied_len = len;
	j->ulen = ulen;
	j->aux = aux;
	submit(z);
	return 0;
}

/* Give back the buffers of every free job, but the input of the one being
 * filled. Only the caller's thread runs now: every job is free. */
static void release_buffers(struct blockenc *z)
{
	for (size_t i = 0; i < z->njobs; i++) {
		struct job *j = &z->jobs[i];

		if (i != z->fill || j->in_len == 0) {
			bigbuf_free(j->in, z->codec.block_size);
			j->in = NULL;
		}
		bigbuf_free(j->out, z->out_cap);
		j->out = NULL;
	}
}

int blockenc_drain(struct blockenc *z, struct act_err *err)
{
	/* Submitted jobs run from flush up to fill; a free job at flush is
	 * the one being filled. */
	while (!job_free(z, z->flush)) {
		if (flush_one(z, err) < 0)
			return -1;
	}
	release_buffers(z);
	return 0;
}

int blockenc_finish(struct blockenc *z, struct act_err *err)
{
	/* Only a free job at fill is being filled: a full ring has none. */
	if (job_free(z, z->fill) && z->jobs[z->fill].in_len > 0)
		submit(z);
	while (!job_free(z, z->flush)) {
		if (flush_one(z, err) < 0)
			return -1;
	}
	return 0;
}

void blockenc_free(struct blockenc *z)
{
	if (!z)
		return;
	pthread_mutex_lock(&z->lock);
	z->stop = true;
	pthread_cond_broadcast(&z->work);
	pthread_mutex_unlock(&z->lock);
	for (int i = 0; i < z->nthreads; i++)
		pthread_join(z->threads[i], NULL);
	for (size_t i = 0; i < z->njobs; i++) {
		bigbuf_free(z->jobs[i].in, z->codec.block_size);
		bigbuf_free(z->jobs[i].out, z->out_cap);
		bigbuf_free(z->jobs[i].copied, z->jobs[i].copied_len);
	}
	free(z->jobs);
	free(z->threads);
	free(z->arg);
	pthread_cond_destroy(&z->work);
	pthread_cond_destroy(&z->done);
	pthread_mutex_destroy(&z->lock);
	free(z);
}
