// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>

#include "common/base/fileio.h"
#include "common/base/macro.h"
#include "common/io/spancopy.h"

/* The thread copies once this much is there (a wake-up is not free), and
 * in steps of at most STEP_MAX so that write-back starts as it goes. */
#define STEP_MIN (1024 * 1024)
#define STEP_MAX (8 * 1024 * 1024)
#define BUF_SIZE (256 * 1024)

enum failure { FAIL_NONE, FAIL_READ, FAIL_WRITE, FAIL_SHRANK };

struct spancopy {
	struct writeback *out;
	bool threaded, waiting, active;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	/* The span: fd's bytes [next, end) are still to copy. */
	int in;
	const char *in_name;
	uint64_t next, end;
	bool flush; /* copy what there is, however little */
	bool quit;
	enum failure fail;
	int fail_errno;
	bool no_cfr; /* copy_file_range does not work between the files */
	unsigned char *buf;
};

/* n bytes of the input from off to the output: how many went (0 at the end
 * of the input), or -1 with *fail set. */
static ssize_t copy_some(struct spancopy *sc, uint64_t off, size_t n, enum failure *fail)
{
	loff_t from = (loff_t)off;
	ssize_t r;

	if (!sc->no_cfr) {
		do
			r = copy_file_range(sc->in, &from, sc->out->fd, NULL, n, 0);
		while (r < 0 && errno == EINTR);
		if (r >= 0)
			return r;
		/* Not between these files (a pipe, another file system on an
		 * old kernel): through memory from now on. Another error (EIO,
		 * EISDIR) may be either file's: reading and writing apart tell
		 * which. */
		if (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
		    errno == EOPNOTSUPP || errno == EBADF)
			sc->no_cfr = true;
	}
	if (!sc->buf)
		sc->buf = xmalloc(BUF_SIZE);
	r = fileio_pread(sc->in, sc->buf, n < BUF_SIZE ? n : BUF_SIZE, (off_t)off);
	if (r < 0)
		*fail = FAIL_READ;
	else if (r > 0 && fileio_write(sc->out->fd, sc->buf, (size_t)r) < 0)
		*fail = FAIL_WRITE, r = -1;
	return r;
}

static bool ready(const struct spancopy *sc)
{
	uint64_t avail = sc->end - sc->next;

	return sc->fail == FAIL_NONE && avail > 0 && (avail >= STEP_MIN || sc->flush);
}

/* One step of the copy; called and returns with the lock held. */
static void step(struct spancopy *sc)
{
	uint64_t off = sc->next, left = sc->end - sc->next;
	size_t n = left > STEP_MAX ? STEP_MAX : (size_t)left;
	enum failure fail = FAIL_NONE;
	ssize_t r;
	int e;

	pthread_mutex_unlock(&sc->lock);
	r = copy_some(sc, off, n, &fail);
	e = errno;
	if (r > 0)
		writeback_advance(sc->out, (uint64_t)r);
	pthread_mutex_lock(&sc->lock);
	if (r <= 0) {
		sc->fail = r == 0 ? FAIL_SHRANK : fail;
		sc->fail_errno = e;
	} else {
		sc->next += (uint64_t)r;
	}
	if (sc->fail != FAIL_NONE || sc->next == sc->end)
		pthread_cond_signal(&sc->done);
}

static void *worker(void *arg)
{
	struct spancopy *sc = arg;

	pthread_mutex_lock(&sc->lock);
	for (;;) {
		while (!sc->quit && !ready(sc)) {
			sc->waiting = true;
			pthread_cond_wait(&sc->work, &sc->lock);
			sc->waiting = false;
		}
		if (sc->quit)
			break;
		step(sc);
	}
	pthread_mutex_unlock(&sc->lock);
	return NULL;
}

struct spancopy *spancopy_new(struct writeback *out)
{
	struct spancopy *sc = xcalloc(1, sizeof(*sc));

	sc->out = out;
	pthread_mutex_init(&sc->lock, NULL);
	pthread_cond_init(&sc->work, NULL);
	pthread_cond_init(&sc->done, NULL);
	/* Without a thread, spancopy_finish copies it all. */
	sc->threaded = pthread_create(&sc->thread, NULL, worker, sc) == 0;
	return sc;
}

static void kick(struct spancopy *sc)
{
	if (sc->threaded && sc->waiting && ready(sc))
		pthread_cond_signal(&sc->work);
}

void spancopy_start(struct spancopy *sc, int fd, const char *name, uint64_t off,
		    uint64_t len)
{
	pthread_mutex_lock(&sc->lock);
	sc->in = fd;
	sc->in_name = name;
	sc->next = off;
	sc->end = off + len;
	sc->active = true;
	kick(sc);
	pthread_mutex_unlock(&sc->lock);
}

bool spancopy_continues(const struct spancopy *sc, int fd, uint64_t off)
{
	/* Only this thread sets these. */
	return sc->active && sc->in == fd && sc->end == off;
}

void spancopy_extend(struct spancopy *sc, uint64_t len)
{
	pthread_mutex_lock(&sc->lock);
	sc->end += len;
	kick(sc);
	pthread_mutex_unlock(&sc->lock);
}

int spancopy_finish(struct spancopy *sc, const char *out_name, struct act_err *err)
{
	/* No span: the thread is idle, and its last failure was seen under the lock. */
	if (!sc->active && sc->fail == FAIL_NONE)
		return 0;
	pthread_mutex_lock(&sc->lock);
	sc->flush = true;
	if (!sc->threaded) {
		while (ready(sc))
			step(sc);
	}
	kick(sc);
	while (sc->fail == FAIL_NONE && sc->next < sc->end)
		pthread_cond_wait(&sc->done, &sc->lock);
	sc->flush = false;
	sc->active = false;
	pthread_mutex_unlock(&sc->lock);
	switch (sc->fail) {
	case FAIL_NONE:
		return 0;
	case FAIL_READ:
		return act_err_set(err, sc->fail_errno, "%s: read error: %s", sc->in_name,
				   strerror(sc->fail_errno));
	case FAIL_SHRANK:
		return act_err_set(err, EIO, "%s: the file shrank while being read", sc->in_name);
	case FAIL_WRITE:
		break;
	}
	return act_err_set(err, sc->fail_errno, "%s: write error: %s", out_name,
			   strerror(sc->fail_errno));
}

void spancopy_free(struct spancopy *sc)
{
	if (!sc)
		return;
	if (sc->threaded) {
		pthread_mutex_lock(&sc->lock);
		sc->quit = true;
		pthread_cond_signal(&sc->work);
		pthread_mutex_unlock(&sc->lock);
		pthread_join(sc->thread, NULL);
	}
	pthread_cond_destroy(&sc->work);
	pthread_cond_destroy(&sc->done);
	pthread_mutex_destroy(&sc->lock);
	free(sc->buf);
	free(sc);
}
