// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "common/fs/fsxattr.h"
#include "common/base/macro.h"

static ssize_t list(int fd, const char *path, char *buf, size_t size)
{
	return fd >= 0 ? flistxattr(fd, buf, size) : llistxattr(path, buf, size);
}

static ssize_t get(int fd, const char *path, const char *name, void *buf, size_t size)
{
	return fd >= 0 ? fgetxattr(fd, name, buf, size) : lgetxattr(path, name, buf, size);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The NUL-separated list of names; grows when the file gains some meanwhile. */
static ssize_t read_list(int fd, const char *path, char **ret, struct act_err *err)
{
	for (;;) {
		ssize_t n = list(fd, path, NULL, 0);
		char *buf;

		if (n < 0) {
			if (errno == ENOTSUP)
				n = 0;
			else
				return act_err_set(err, errno, "%s: cannot list xattrs: %s", path,
						   strerror(errno));
		}
		if (n == 0) {
			*ret = NULL;
			return 0;
		}
		buf = xmalloc((size_t)n);
		n = list(fd, path, buf, (size_t)n);
		if (n >= 0) {
			*ret = buf;
			return n;
		}
		free(buf);
		if (errno != ERANGE)
			return act_err_set(err, errno, "%s: cannot list xattrs: %s", path,
					   strerror(errno));
	}
}

/* One value; 1 when read, 0 when the name went away meanwhile. */
static int read_value(int fd, const char *path, const char *name, void **ret, size_t *ret_len,
		      struct act_err *err)
{
	for (;;) {
		ssize_t n = get(fd, path, name, NULL, 0);
		void *buf;

		if (n < 0 && errno == ENODATA)
			return 0;
		if (n < 0)
			break;
		buf = xmalloc(n ? (size_t)n : 1);
		n = get(fd, path, name, buf, (size_t)n);
		if (n >= 0) {
			*ret = buf;
			*ret_len = (size_t)n;
			return 1;
		}
		free(buf);
		if (errno == ENODATA)
			return 0;
		if (errno != ERANGE)
			break;
	}
	return act_err_set(err, errno, "%s: cannot read xattr '%s': %s", path, name,
			   strerror(errno));
}

int fsxattr_read(int fd, const char *path, struct archive_entry *e, struct act_err *err)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ const char **names = NULL;
	ssize_t len = read_list(fd, path, &buf, err);
	size_t n = 0;
	int r = 0;

	if (len <= 0)
		return (int)len;
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(buf + i) + 1)
		n++;
	names = xcalloc(n, sizeof(*names));
	n = 0;
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(buf + i) + 1)
		if (buf[i])
			names[n++] = buf + i;
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n && r == 0; i++) {
		void *v = NULL;
		size_t vlen = 0;

		r = read_value(fd, path, names[i], &v, &vlen, err);
		if (r > 0) {
			archive_entry_xattr_add_entry(e, names[i], v, vlen);
			free(v);
			r = 0;
		}
	}
	return r;
}
