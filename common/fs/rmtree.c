// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/fs/rmtree.h"

static int empty_dir(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int r = 0, e = 0;

	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode)) {
			if (rmtree(dirfd(d), de->d_name, 1) < 0) {
				r = -1;
				e = errno;
			}
		} else if (unlinkat(dirfd(d), de->d_name, 0) < 0) {
			r = -1;
			e = errno;
		}
	}
	closedir(d);
	errno = e;
	return r;
}

int rmtree(int dirfd, const char *name, int self)
{
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(dirfd, name, flags);

	/* An extracted directory may be mode 0 or 0555. */
	if (fd < 0 && errno == EACCES && fchmodat(dirfd, name, 0700, 0) == 0)
		fd = openat(dirfd, name, flags);
	if (fd >= 0) {
		if (self)
			fchmod(fd, 0700);
		if (empty_dir(fd) < 0)
			return -1;
	} else if (errno != ENOTDIR && errno != ELOOP) {
		return -1;
	}
	if (!self)
		return 0;
	if (fd < 0)
		return unlinkat(dirfd, name, 0);
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}
