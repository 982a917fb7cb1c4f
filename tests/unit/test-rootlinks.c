// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>

#include "common/image/rootlinks.h"
#include "tap.h"

static void add(struct rootlinks *rl, const char *name, const char *sym, const char *hard)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	if (sym) {
		archive_entry_set_filetype(e, AE_IFLNK);
		archive_entry_set_symlink(e, sym);
	} else {
		archive_entry_set_filetype(e, AE_IFREG);
		if (hard)
			archive_entry_set_hardlink(e, hard);
	}
	rootlinks_add(rl, name, e);
	archive_entry_free(e);
}

static void check(struct rootlinks *rl, const char *path, const char *want)
{
	struct act_err err = { 0 };
	char *got = rootlinks_resolve(rl, path, &err);

	CHECK_STR(got, want);
	free(got);
}

int main(void)
{
	struct rootlinks *rl = rootlinks_new();
	struct act_err err = { 0 };

	add(rl, "rootfs/lib", "usr/lib", NULL);
	add(rl, "rootfs/etc/os-release", "../usr/lib/os-release", NULL);
	add(rl, "rootfs/bin/sh", "/bin/dash", NULL);
	add(rl, "rootfs/bin/dash6", NULL, "./rootfs/bin/dash");
	add(rl, "rootfs/up", "../../../../etc", NULL);
	add(rl, "rootfs/loop1", "loop2", NULL);
	add(rl, "rootfs/loop2", "loop1", NULL);
	add(rl, "rootfs/plain", NULL, NULL);

	check(rl, "rootfs/plain", "rootfs/plain");
	check(rl, "rootfs/lib/libc.so", "rootfs/usr/lib/libc.so");
	check(rl, "rootfs/etc/os-release", "rootfs/usr/lib/os-release");
	check(rl, "rootfs/bin/sh", "rootfs/bin/dash");
	check(rl, "rootfs/bin/dash6", "rootfs/bin/dash");
	/* ".." stops at the rootfs, as in a chroot. */
	check(rl, "rootfs/up/passwd", "rootfs/etc/passwd");
	check(rl, "rootfs/missing/x", "rootfs/missing/x");
	CHECK(rootlinks_resolve(rl, "rootfs/loop1", &err) == NULL);
	CHECK_INT(err.code, ELOOP);
	rootlinks_free(rl);
	return tap_done();
}
