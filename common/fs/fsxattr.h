/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <archive_entry.h>

#include "common/base/err.h"

/*
 * Every extended attribute of a file on disk (security.capability, ACLs as
 * system.posix_acl_*, user.*, trusted.* when visible), values binary-safe,
 * added to e sorted by name so that the pax header comes out the same on
 * every file system. fd >= 0 reads through the open file, otherwise path is
 * read without following a symlink. A file system without xattrs has none.
 */
int fsxattr_read(int fd, const char *path, struct archive_entry *e, struct act_err *err);
