// SPDX-License-Identifier: Apache-2.0
/*
 * RESOLVE_IN_ROOT done by hand, for where openat2 is missing (kernels
 * before 5.6, valgrind, container seccomp profiles older than the call):
 * one component at a time with O_PATH|O_NOFOLLOW, symlinks read and spliced
 * into the rest of the path, ".." popping a stack of the directories walked
 * and never going above root, no crossing onto another device.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/base/strbuf.h"
#include "common/run/inroot.h"

/* The kernel's limit on symlinks followed in one lookup. */
#define MAX_HOPS 40

struct walk {
	int *fds;	/* fds[0] is root (not ours); fds[1..n-1] directories walked */
	size_t n, cap;
	dev_t dev;
};

static int top(const struct walk *w)
{
	return w->fds[w->n - 1];
}

static void push(struct walk *w, int fd)
{
	if (w->n == w->cap) {
		w->cap = 2 * w->cap + 8;
		w->fds = xrealloc(w->fds, w->cap * sizeof(*w->fds));
	}
	w->fds[w->n++] = fd;
}

static void pop_to(struct walk *w, size_t n)
{
	while (w->n > n)
		close(w->fds[--w->n]);
}

/* Replace the unread part of rest (from *pos) by the link's target and it. */
static void splice_link(struct strbuf *rest, size_t *pos, const char *target, size_t tlen)
{
	struct strbuf b = { 0 };

	strbuf_add(&b, target, tlen);
	/* Only between the two: a '/' at the end would ask for a directory. */
	if (*pos < rest->len)
		strbuf_add(&b, "/", 1);
	strbuf_add(&b, rest->p + *pos, rest->len - *pos);
	free(rest->p);
	*rest = b;
	*pos = 0;
}

static int walk(struct walk *w, struct strbuf *rest, int flags)
{
	char target[PATH_MAX];
	size_t pos = 0;
	int hops = 0;

	for (;;) {
		while (rest->p[pos] == '/')
			pos++;
		if (!rest->p[pos])
			return openat(top(w), ".", flags);

		size_t len = strcspn(rest->p + pos, "/");
		char name[NAME_MAX + 1];

		if (len > NAME_MAX)
			return errno = ENAMETOOLONG, -1;
		memcpy(name, rest->p + pos, len);
		name[len] = '\0';
		pos += len;
		/* A trailing '/' makes the name a directory to enter, so a
		 * final symlink is followed, as the kernel does. */
		bool last = rest->p[pos] == '\0';

		if (streq(name, "."))
			continue;
		if (streq(name, "..")) {
			pop_to(w, w->n > 1 ? w->n - 1 : 1);
			continue;
		}

		int fd = openat(top(w), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;

		if (fd < 0)
			return -1;
		if (fstat(fd, &st) < 0) {
			close(fd);
			return -1;
		}
		if (st.st_dev != w->dev) {
			close(fd);
			return errno = EXDEV, -1;
		}
		if (S_ISLNK(st.st_mode) && !(last && (flags & O_NOFOLLOW))) {
			ssize_t n = readlinkat(fd, "", target, sizeof(target));

			close(fd);
			if (n < 0)
				return -1;
			if ((size_t)n == sizeof(target))
				return errno = ENAMETOOLONG, -1;
			if (++hops > MAX_HOPS)
				return errno = ELOOP, -1;
			if (n > 0 && target[0] == '/')
				pop_to(w, 1);
			splice_link(rest, &pos, target, (size_t)n);
			continue;
		}
		if (last) {
			close(fd);
			/* O_NOFOLLOW again: if the name became a symlink since,
			 * this fails rather than follows it. */
			return openat(top(w), name, flags | O_NOFOLLOW);
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			return errno = ENOTDIR, -1;
		}
		push(w, fd);
	}
}

int inroot_walk_open(int root, const char *path, int flags)
{
	struct walk w = { 0 };
	struct strbuf rest = { 0 };
	struct stat st;
	int fd, saved;

	if (fstat(root, &st) < 0)
		return -1;
	w.dev = st.st_dev;
	push(&w, root);
	strbuf_adds(&rest, path);
	fd = walk(&w, &rest, flags | O_CLOEXEC);
	saved = errno;
	pop_to(&w, 1);
	free(w.fds);
	free(rest.p);
	errno = saved;
	return fd;
}
