/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/spec/accounts.h"

/*
 * Lookups inside a rendered rootfs, as the app will see it: every path is
 * resolved by openat2(RESOLVE_IN_ROOT), or by a walk in user space where
 * that call is missing, so a symlink in the image (absolute or climbing
 * with "..") never leads out of the rootfs, whatever the image holds.
 * root is a directory descriptor of the rootfs.
 */

/* openat2 of path (absolute or not, in the container's view) below root,
 * with flags (O_CLOEXEC added); -1 with errno. */
int inroot_open(int root, const char *path, int flags);

/* The same lookup walked one component at a time in user space: what
 * inroot_open falls back to where openat2 is missing. */
int inroot_walk_open(int root, const char *path, int flags);

/* A file of at most max bytes (passwd, group): *buf malloc'd and
 * NUL-terminated. 0; 1 when it does not exist; -1 with err set. */
int inroot_read(int root, const char *path, size_t max, char **buf, size_t *len,
		struct act_err *err);

/*
 * A user or group value of the manifest as the spec resolves it: a name in
 * the image's /etc/passwd (/etc/group), else all digits, else a path (its
 * owner or group, not following a final symlink); "root" is 0 even without
 * a passwd file. what names the field in the error ("user", "group").
 */
int inroot_resolve_id(int root, const char *value, bool group, const char *what,
		      uint32_t *id, struct act_err *err);

/*
 * The program to exec for name, the way a shell finds it: with a '/', as it
 * is (relative names below cwd); else the first directory of path (a PATH
 * value) holding it. The result (malloc'd) is absolute and keeps the last
 * component as named (busybox picks its applet by it); the file it leads to
 * must be a regular file with an execute bit.
 */
int inroot_find_exec(int root, const char *name, const char *path, const char *cwd,
		     char **out, struct act_err *err);

/* Whether path is a directory in the rootfs: 1 yes, 0 missing, -1 (err
 * set) when it exists as something else or cannot be looked at. */
int inroot_is_dir(int root, const char *path, struct act_err *err);
