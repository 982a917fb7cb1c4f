// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/fs/treewalk.h"

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the directory fd (consumed), sorted; . and .. left out. */
static int read_names(int fd, const char *path, char ***ret, size_t *ret_n,
		      struct act_err *err)
{
	DIR *d = fdopendir(fd);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!d) {
		act_err_set(err, errno, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (errno) {
		act_err_set(err, errno, "%s: cannot read the directory: %s", path, strerror(errno));
		closedir(d);
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return -1;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	*ret = names;
	*ret_n = n;
	return 0;
}

static int walk_dir(const struct treewalk_entry *e, treewalk_fn fn, void *ctx,
		    struct act_err *err)
{
	char **names = NULL;
	size_t n = 0;
	struct stat st;
	int fd, r = 0;

	fd = openat(e->dirfd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return act_err_set(err, errno, "%s: %s", e->path, strerror(errno));
	/* Replaced between the lstat and the open: not the directory reported. */
	if (fstat(fd, &st) < 0 || st.st_dev != e->st.st_dev || st.st_ino != e->st.st_ino) {
		close(fd);
		return act_err_set(err, EAGAIN, "%s: changed while being read", e->path);
	}
	if (read_names(dup(fd), e->path, &names, &n, err) < 0) {
		close(fd);
		return -1;
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		size_t len = strlen(e->path) + strlen(names[i]) + 2;
		char *path = xmalloc(len);

		snprintf(path, len, "%s/%s", e->path, names[i]);
		r = treewalk(fd, names[i], path, fn, ctx, err);
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	close(fd);
	return r;
}

int treewalk(int dirfd, const char *name, const char *path, treewalk_fn fn, void *ctx,
	     struct act_err *err)
{
	struct treewalk_entry e = { .path = path, .dirfd = dirfd, .name = name };

	if (fstatat(dirfd, name, &e.st, AT_SYMLINK_NOFOLLOW) < 0)
		return act_err_set(err, errno, "%s: %s", path, strerror(errno));
	if (fn(ctx, &e, err) < 0)
		return -1;
	if (!S_ISDIR(e.st.st_mode))
		return 0;
	return walk_dir(&e, fn, ctx, err);
}
