// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "common/gzenc.h"
#include "common/macro.h"

/* 1 MiB blocks cost about 0.1% of ratio against one long stream. */
#define BLOCK_SIZE (1024 * 1024)

enum job_state { JOB_FREE, JOB_QUEUED, JOB_BUSY, JOB_DONE };

struct job {
	enum job_state state;
	unsigned char *in, *out;
	size_t in_len, out_len, out_cap;
	bool copy; /* a member copied as it is: out holds it, nothing to compress */
};

struct gzenc {
	int level;
	gzenc_write_fn write;
	void *ctx;
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	pthread_t *threads;
	int nthreads;
	bool stop;
	struct job *jobs;
	size_t njobs;
	size_t fill;  /* job being filled by the caller */
	size_t flush; /* oldest job not yet written */
	bool failed;
};

/* The oldest queued job (copied members are never queued). Under the lock. */
static struct job *next_queued(struct gzenc *z)
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
	struct gzenc *z = arg;
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(z->level);

	pthread_mutex_lock(&z->lock);
	for (;;) {
		struct job *j;

		while (!z->stop && !(j = next_queued(z)))
			pthread_cond_wait(&z->work, &z->lock);
		if (z->stop)
			break;
		j->state = JOB_BUSY;
		pthread_mutex_unlock(&z->lock);
		j->out_len = c ? libdeflate_gzip_compress(c, j->in, j->in_len, j->out, j->out_cap)
			       : 0;
		pthread_mutex_lock(&z->lock);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&z->done);
	}
	pthread_mutex_unlock(&z->lock);
	libdeflate_free_compressor(c);
	return NULL;
}

struct gzenc *gzenc_new(int level, int threads, gzenc_write_fn write, void *ctx,
			struct act_err *err)
{
	struct gzenc *z = xcalloc(1, sizeof(*z));
	struct libdeflate_compressor *probe = libdeflate_alloc_compressor(level);

	if (!probe) {
		free(z);
		act_err_set(err, EINVAL, "gzip level %d is out of range (1-12)", level);
		return NULL;
	}
	z->level = level;
	z->write = write;
	z->ctx = ctx;
	z->nthreads = threads < 1 ? 1 : threads;
	/* Two blocks per worker keep every core busy while one is written. */
	z->njobs = (size_t)z->nthreads * 2 + 1;
	z->jobs = xcalloc(z->njobs, sizeof(*z->jobs));
	for (size_t i = 0; i < z->njobs; i++) {
		z->jobs[i].in = xmalloc(BLOCK_SIZE);
		z->jobs[i].out_cap = libdeflate_gzip_compress_bound(probe, BLOCK_SIZE);
		z->jobs[i].out = xmalloc(z->jobs[i].out_cap);
	}
	libdeflate_free_compressor(probe);
	pthread_mutex_init(&z->lock, NULL);
	pthread_cond_init(&z->work, NULL);
	pthread_cond_init(&z->done, NULL);
	z->threads = xcalloc((size_t)z->nthreads, sizeof(*z->threads));
	for (int i = 0; i < z->nthreads; i++) {
		if (pthread_create(&z->threads[i], NULL, worker, z) != 0) {
			z->nthreads = i;
			gzenc_free(z);
			act_err_set(err, EAGAIN, "cannot start compression threads");
			return NULL;
		}
	}
	return z;
}

/* Main thread: is the job free? Workers never free a job, but they do write
 * its state, so read it under the lock. */
static bool job_free(struct gzenc *z, size_t i)
{
	bool r;

	pthread_mutex_lock(&z->lock);
	r = z->jobs[i].state == JOB_FREE;
	pthread_mutex_unlock(&z->lock);
	return r;
}

/* Write the oldest finished job; wait for it if it is still running. */
static int flush_one(struct gzenc *z, struct act_err *err)
{
	struct job *j = &z->jobs[z->flush];
	int r;

	pthread_mutex_lock(&z->lock);
	while (j->state == JOB_QUEUED || j->state == JOB_BUSY)
		pthread_cond_wait(&z->done, &z->lock);
	pthread_mutex_unlock(&z->lock);
	/* DONE now: no worker touches it until it is queued again. */
	if (!j->copy && j->out_len == 0)
		return act_err_set(err, EIO, "gzip compression failed");
	r = z->write(z->ctx, j->out, j->out_len, err);
	if (r < 0)
		return -1;
	pthread_mutex_lock(&z->lock);
	j->state = JOB_FREE;
	j->in_len = 0;
	j->copy = false;
	z->flush = (z->flush + 1) % z->njobs;
	pthread_mutex_unlock(&z->lock);
	return 0;
}

static void submit(struct gzenc *z)
{
	struct job *j = &z->jobs[z->fill];

	pthread_mutex_lock(&z->lock);
	j->state = j->copy ? JOB_DONE : JOB_QUEUED;
	pthread_cond_broadcast(&z->work);
	pthread_mutex_unlock(&z->lock);
	z->fill = (z->fill + 1) % z->njobs;
}

/* Make the job at z->fill free for the caller to fill. */
static int make_room(struct gzenc *z, struct act_err *err)
{
	while (!job_free(z, z->fill)) {
		if (flush_one(z, err) < 0)
			return -1;
	}
	return 0;
}

int gzenc_write(struct gzenc *z, const void *buf, size_t len, struct act_err *err)
{
	const unsigned char *p = buf;

	while (len > 0) {
		struct job *j;
		size_t k;

		if (make_room(z, err) < 0)
			return -1;
		j = &z->jobs[z->fill];
		k = BLOCK_SIZE - j->in_len < len ? BLOCK_SIZE - j->in_len : len;
		memcpy(j->in + j->in_len, p, k);
		j->in_len += k;
		p += k;
		len -= k;
		if (j->in_len == BLOCK_SIZE)
			submit(z);
	}
	return 0;
}

int gzenc_copy_member(struct gzenc *z, const void *member, size_t len, struct act_err *err)
{
	struct job *j;

	if (make_room(z, err) < 0)
		return -1;
	if (z->jobs[z->fill].in_len > 0) {
		submit(z);
		if (make_room(z, err) < 0)
			return -1;
	}
	j = &z->jobs[z->fill];
	if (len > j->out_cap) {
		j->out = xrealloc(j->out, len);
		j->out_cap = len;
	}
	memcpy(j->out, member, len);
	j->out_len = len;
	j->copy = true;
	submit(z);
	return 0;
}

int gzenc_finish(struct gzenc *z, struct act_err *err)
{
	if (z->jobs[z->fill].in_len > 0)
		submit(z);
	while (!job_free(z, z->flush)) {
		if (flush_one(z, err) < 0)
			return -1;
	}
	return 0;
}

void gzenc_free(struct gzenc *z)
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
		free(z->jobs[i].in);
		free(z->jobs[i].out);
	}
	free(z->jobs);
	free(z->threads);
	pthread_cond_destroy(&z->work);
	pthread_cond_destroy(&z->done);
	pthread_mutex_destroy(&z->lock);
	free(z);
}
