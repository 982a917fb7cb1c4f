// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/fs/renderdir.h"
#include "common/io/sink.h"
#include "common/io/source.h"

struct job {
	const struct dep_list *l;
	int fd;
	struct render_stats *st;
	struct act_err err;
	int r;
};

static void *producer(void *arg)
{
	struct job *j = arg;
	const struct sink_options so = { .comp = ACT_COMP_NONE };
	struct sink *out = sink_open_fd(j->fd, "(render)", &so, &j->err);

	j->r = -1;
	if (out && render_stream(j->l, out, j->st, &j->err) == 0 && sink_finish(out, &j->err) == 0)
		j->r = 0;
	sink_free(out);
	close(j->fd);
	return NULL;
}

int render_to_dir(const struct dep_list *l, const char *dir, const struct unpack_options *uo,
		  struct unpack_result *res, struct render_stats *st, struct act_err *err)
{
	struct job job = { .l = l, .st = st };
	_cleanup_free_ char *path = NULL;
	struct source *src;
	pthread_t t;
	int p[2], r = -1;

	if (pipe2(p, O_CLOEXEC) < 0)
		return act_err_set(err, errno, "cannot make a pipe: %s", strerror(errno));
	/* Fewer wake-ups of the two sides: 1 MiB in flight (best effort). */
	(void)fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	job.fd = p[1];
	if ((errno = pthread_create(&t, NULL, producer, &job)) != 0) {
		r = act_err_set(err, errno, "cannot start a thread: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return r;
	}
	path = xasprintf("/proc/self/fd/%d", p[0]);
	src = source_open(path, err);
	if (src)
		r = unpack_image(src, dir, uo, res, err);
	source_free(src);
	/* A producer still writing stops on the closed pipe. */
	close(p[0]);
	pthread_join(t, NULL);
	/* The render's own error first: the extraction saw a cut stream. */
	if (job.r < 0 && !(job.err.code == EPIPE && r < 0)) {
		*err = job.err;
		return -1;
	}
	return r;
}
