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

/* Field i (0-based) of a ':'-separated line [p, end): its start, *flen. */
static const char *field(const char *p, const char *end, int i, size_t *flen)
{
	*flen = 0;
	for (; i > 0; i--) {
		p = memchr(p, ':', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	const char *e = memchr(p, ':', (size_t)(end - p)) ?: end;
	*flen = (size_t)(e - p);
	return p;
}

static bool parse_u32(const char *p, size_t n, uint32_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	if (x > UINT32_MAX - 1) /* (uid_t)-1 means "no change" to the kernel */
		return false;
	*v = (uint32_t)x;
	return true;
}

int inroot_account_find(const char *text, size_t len, bool group, const char *name,
			uint32_t id, struct inroot_account *a)
{
	const char *p = text, *end = text + len;
	int need = group ? 4 : 7;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)) ?: end;
		const char *line = p, *f;
		size_t nlen, flen;
		int colons = 0;
		uint32_t uid, gid = 0;

		p = eol + 1;
		if (line == eol || *line == '#')
			continue;
		for (const char *q = line; q < eol; q++)
			colons += *q == ':';
		if (colons < need - 1)
			continue;
		field(line, eol, 0, &nlen);
		f = field(line, eol, 2, &flen);
		if (!parse_u32(f, flen, &uid))
			continue;
		if (!group) {
			f = field(line, eol, 3, &flen);
			if (!parse_u32(f, flen, &gid))
				continue;
		}
		if (name ? (nlen != strlen(name) || memcmp(line, name, nlen)) : uid != id)
			continue;
		a->name = xstrndup(line, nlen);
		a->id = uid;
		a->gid = gid;
		a->home = NULL;
		if (!group) {
			f = field(line, eol, 5, &flen);
			a->home = xstrndup(f, flen);
		}
		return 0;
	}
	return 1;
}

void inroot_account_free(struct inroot_account *a)
{
	free(a->name);
	free(a->home);
	a->name = a->home = NULL;
}

/* An accounts file larger than this is not one (appc/spec#340). */
#define ACCOUNTS_MAX (4u << 20)

int inroot_resolve_id(int root, const char *value, bool group, const char *what,
		      uint32_t *id, struct act_err *err)
{
	const char *file = group ? "/etc/group" : "/etc/passwd";
	_cleanup_free_ char *text = NULL;
	struct inroot_account a;
	size_t len = 0;
	int r;

	if (!*value)
		return act_err_set(err, EINVAL, "%s: empty", what);
	if (value[0] != '/') {
		r = inroot_read(root, file, ACCOUNTS_MAX, &text, &len, err);
		if (r < 0)
			return act_err_wrap(err, "%s '%s'", what, value);
		if (r == 0 && inroot_account_find(text, len, group, value, 0, &a) == 0) {
			*id = a.id;
			inroot_account_free(&a);
			return 0;
		}
		if (streq(value, "root")) {
			*id = 0;
			return 0;
		}
		if (parse_u32(value, strlen(value), id))
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
