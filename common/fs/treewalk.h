/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/stat.h>

#include "common/base/err.h"

/*
 * A directory tree on disk in a stable order: pre-order (a directory before
 * its content), the names of each directory sorted bytewise, so a subtree
 * comes out whole. Symlinks are never followed. Memory holds the sorted names
 * of the directories on the current path only.
 */
struct treewalk_entry {
	const char *path; /* relative to the walk's start: "rootfs/bin/ping" */
	int dirfd;	  /* the directory holding it */
	const char *name; /* its name in dirfd */
	struct stat st;	  /* lstat */
};

/* Called for every entry; a negative return stops the walk. */
typedef int (*treewalk_fn)(void *ctx, const struct treewalk_entry *e, struct act_err *err);

/*
 * Walk name (in dirfd; path is how it is reported) and, when it is a
 * directory, everything under it.
 */
int treewalk(int dirfd, const char *name, const char *path, treewalk_fn fn, void *ctx,
	     struct act_err *err);
