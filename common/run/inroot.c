// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/spec/accounts.h"
#include "common/base/strbuf.h"
#include "common/run/inroot.h"

int inroot_open(int root, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};

	const char *rel = path;
	int fd;

	while (*rel == '/')
		rel++;
	fd = (int)syscall(SYS_openat2, root, *rel ? rel : ".", &how, sizeof(how));
	/* ENOSYS: a kernel before 5.6 or valgrind; EPERM: a container's
	 * seccomp profile older than the call. */
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = inroot_walk_open(root, path, flags);
	return fd;
}

int inroot_read(int root, const char *path, size_t max, char **buf, size_t *len,
		struct act_err *err)
{
	/* Looked at before it is opened: opening a device node of the image
	 * (a watchdog, a tape) would act on the host's device. */
	_cleanup_close_ int pfd = inroot_open(root, path, O_PATH);
	_cleanup_close_ int fd = -1;
	struct strbuf b = { 0 };
	struct stat st;
	char chunk[8192];
	ssize_t n;

	if (pfd < 0 && errno == ENOENT)
		return 1;
	if (pfd < 0 || fstat(pfd, &st) < 0)
		return act_err_set(err, errno, "'%s' in the image: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return act_err_set(err, EINVAL, "'%s' in the image: not a regular file", path);
	snprintf(chunk, sizeof(chunk), "/proc/self/fd/%d", pfd);
	fd = open(chunk, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return act_err_set(err, errno, "'%s' in the image: %s", path, strerror(errno));
	strbuf_add(&b, "", 0);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > max) {
			free(b.p);
			if (n < 0)
				return act_err_set(err, errno, "'%s' in the image: %s", path,
						   strerror(errno));
			return act_err_set(err, EFBIG, "'%s' in the image: larger than %zu bytes",
					   path, max);
		}
		strbuf_add(&b, chunk, (size_t)n);
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}

/* An accounts file larger than this is not one (appc/spec#340). */
#define ACCOUNTS_MAX (4u << 20)

int inroot_resolve_id(int root, const char *value, bool group, const char *what,
		      uint32_t *id, struct act_err *err)
{
	const char *file = group ? "/etc/group" : "/etc/passwd";
	_cleanup_free_ char *text = NULL;
	struct spec_account a;
	size_t len = 0;
	int r;

	if (!*value)
		return act_err_set(err, EINVAL, "%s: empty", what);
	if (value[0] != '/') {
		r = inroot_read(root, file, ACCOUNTS_MAX, &text, &len, err);
		if (r < 0)
			return act_err_wrap(err, "%s '%s'", what, value);
		if (r == 0 && spec_account_find(text, len, group, value, 0, &a) == 0) {
			*id = a.id;
			spec_account_free(&a);
			return 0;
		}
		if (streq(value, "root")) {
			*id = 0;
			return 0;
		}
		if (spec_account_id(value, strlen(value), id))
			return 0;
		return act_err_set(err, ENOENT, "%s '%s': no such name in the image's %s", what,
				   value, file);
	}
	_cleanup_close_ int fd = inroot_open(root, value, O_PATH | O_NOFOLLOW);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return act_err_set(err, errno, "%s '%s': %s", what, value, strerror(errno));
	*id = group ? st.st_gid : st.st_uid;
	return 0;
}

/* dir/name made absolute against cwd, with no doubled '/'. */
static char *join(const char *cwd, const char *dir, const char *name)
{
	struct strbuf b = { 0 };

	if (dir[0] != '/') {
		strbuf_adds(&b, cwd);
		if (!b.len || b.p[b.len - 1] != '/')
			strbuf_add(&b, "/", 1);
	}
	strbuf_adds(&b, dir);
	if (*name && (!b.len || b.p[b.len - 1] != '/'))
		strbuf_add(&b, "/", 1);
	strbuf_adds(&b, name);
	return b.p;
}

/* 0: an executable regular file; else errno. */
static int executable(int root, const char *path)
{
	_cleanup_close_ int fd = inroot_open(root, path, O_PATH);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return EACCES;
	return 0;
}

int inroot_find_exec(int root, const char *name, const char *path, const char *cwd,
		     char **out, struct act_err *err)
{
	int e;

	if (!*name)
		return act_err_set(err, EINVAL, "exec: empty program name");
	if (strchr(name, '/')) {
		char *p = join(cwd, "", name);

		if (name[0] == '/') {
			free(p);
			p = xstrdup(name);
		}
		e = executable(root, p);
		if (e) {
			free(p);
			return act_err_set(err, e, "exec '%s' in the image: %s", name,
					   strerror(e));
		}
		*out = p;
		return 0;
	}
	for (const char *d = path;;) {
		const char *colon = strchr(d, ':') ?: d + strlen(d);
		_cleanup_free_ char *dir = xstrndup(d, (size_t)(colon - d));
		/* An empty PATH entry is the working directory. */
		char *p = join(cwd, *dir ? dir : ".", name);

		if (!executable(root, p)) {
			*out = p;
			return 0;
		}
		free(p);
		if (!*colon)
			break;
		d = colon + 1;
	}
	return act_err_set(err, ENOENT, "exec '%s': not found in the image's PATH '%s'", name,
			   path);
}

int inroot_is_dir(int root, const char *path, struct act_err *err)
{
	_cleanup_close_ int fd = inroot_open(root, path, O_PATH);
	struct stat st;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		return act_err_set(err, errno, "'%s' in the image: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return act_err_set(err, ENOTDIR, "'%s' in the image: not a directory", path);
	return 1;
}
