// SPDX-License-Identifier: Apache-2.0
/* The user-space RESOLVE_IN_ROOT walk: each lookup gives the file (or the
 * errno) written down here, and, where the kernel has openat2, the same
 * one the kernel's RESOLVE_IN_ROOT gives. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/fs/rmtree.h"
#include "common/run/inroot.h"
#include "tap.h"

static int kernel_open(int root, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};

	while (*path == '/')
		path++;
	return (int)syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof(how));
}

/* What an open found: the inode of a named file of the tree, or -errno. */
static long found(int fd, int root)
{
	struct stat st, r;
	long v;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || fstat(root, &r) < 0)
		abort();
	v = st.st_dev == r.st_dev ? (long)st.st_ino : -EXDEV;
	close(fd);
	return v;
}

static long ino(int root, const char *name)
{
	struct stat st;

	if (fstatat(root, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		abort();
	return (long)st.st_ino;
}

int main(void)
{
	char dir[] = "/tmp/act-inrootwalk-XXXXXX", host[64];
	int root, kernel;

	if (!mkdtemp(dir))
		abort();
	root = open(dir, O_RDONLY | O_DIRECTORY);
	mkdirat(root, "etc", 0755);
	mkdirat(root, "a", 0755);
	mkdirat(root, "a/b", 0755);
	close(openat(root, "etc/passwd", O_WRONLY | O_CREAT, 0644));
	close(openat(root, "a/b/f", O_WRONLY | O_CREAT, 0644));
	snprintf(host, sizeof(host), "%s.host", dir);
	close(open(host, O_WRONLY | O_CREAT, 0644));
	symlinkat(host, root, "abs");		/* the host's file, by absolute name */
	symlinkat("/etc/passwd", root, "a/pw");	/* absolute: from the rootfs */
	symlinkat("../../../../../../etc", root, "a/b/up");
	symlinkat("b/f", root, "a/rel");
	symlinkat("loop2", root, "loop1");
	symlinkat("loop1", root, "loop2");
	symlinkat("/a/b/f", root, "notdir");
	symlinkat("/proc/self/root", root, "magic");

	struct {
		const char *path;
		int flags;
		long want;
	} cases[] = {
		{ "/", O_PATH, ino(root, ".") },
		{ "", O_PATH, ino(root, ".") },
		{ "..", O_PATH, ino(root, ".") },
		{ "/../../etc/./passwd", O_RDONLY, ino(root, "etc/passwd") },
		{ "a/pw", O_RDONLY, ino(root, "etc/passwd") },
		{ "a/b/up/passwd", O_RDONLY, ino(root, "etc/passwd") },
		{ "a/b/up/../a/rel", O_RDONLY, ino(root, "a/b/f") },
		{ "a/rel", O_PATH | O_NOFOLLOW, ino(root, "a/rel") },
		{ "a/rel", O_RDONLY | O_NOFOLLOW, -ELOOP },
		{ "abs", O_RDONLY, -ENOENT },
		{ "loop1", O_PATH, -ELOOP },
		{ "notdir/x", O_PATH, -ENOTDIR },
		{ "notdir/", O_PATH, -ENOTDIR },
		{ "a/b/f/", O_PATH, -ENOTDIR },
		{ "a/b/", O_RDONLY | O_DIRECTORY, ino(root, "a/b") },
		{ "a//b/../b/f", O_RDONLY, ino(root, "a/b/f") },
		{ "etc/passwd", O_RDONLY | O_DIRECTORY, -ENOTDIR },
		{ "missing/x", O_PATH, -ENOENT },
		{ "magic/etc", O_PATH, -ENOENT },
	};

	kernel = kernel_open(root, "/", O_PATH);
	if (kernel < 0)
		printf("# openat2: %s; the walk alone is checked\n", strerror(errno));
	else
		close(kernel);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long got = found(inroot_walk_open(root, cases[i].path, cases[i].flags), root);

		if (got != cases[i].want)
			printf("# '%s': walk %ld, want %ld\n", cases[i].path, got, cases[i].want);
		CHECK(got == cases[i].want);
		if (kernel >= 0) {
			long k = found(kernel_open(root, cases[i].path, cases[i].flags), root);

			if (k != got)
				printf("# '%s': kernel %ld, walk %ld\n", cases[i].path, k, got);
			CHECK(k == got);
		}
	}
	/* inroot_open itself, whichever way it resolves. */
	CHECK(found(inroot_open(root, "a/b/up/passwd", O_RDONLY), root) == ino(root, "etc/passwd"));

	close(root);
	rmtree(AT_FDCWD, dir, 1);
	unlink(host);
	return tap_done();
}
