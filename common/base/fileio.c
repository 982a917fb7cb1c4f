// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/fileio.h"
#include "common/base/strbuf.h"

ssize_t fileio_pread(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* All of buf out: write() where off is -1, else pwrite() at off. */
static int write_out(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = off < 0 ? write(fd, p, len) : pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

int fileio_write(int fd, const void *buf, size_t len)
{
	return write_out(fd, buf, len, -1);
}

int fileio_read_all(const char *path, size_t max, const char *what, char **buf,
		    size_t *len, struct act_err *err)
{
	bool in = path[0] == '-' && !path[1];
	const char *name = in ? "(stdin)" : path;
	int fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct strbuf b = { 0 };
	char chunk[65536];
	int r = 0;

	if (fd < 0)
		return act_err_set(err, errno, "%s: cannot open: %s", name, strerror(errno));
	strbuf_add(&b, "", 0);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = act_err_set(err, errno, "%s: cannot read: %s", name, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			r = act_err_set(err, EFBIG, "%s: over the %s limit of %zu bytes", name,
					what, max);
			break;
		}
		strbuf_add(&b, chunk, (size_t)n);
	}
	if (!in)
		close(fd);
	if (r < 0) {
		free(b.p);
		return r;
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}

int fileio_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	return write_out(fd, buf, len, off);
}

bool fileio_dir_empty(int dirfd)
{
	DIR *d = fdopendir(dup(dirfd));
	struct dirent *de;
	bool empty = true;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = false;
	if (d)
		closedir(d);
	return empty;
}
