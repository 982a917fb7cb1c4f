/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <archive_entry.h>

#include "common/base/err.h"

/*
 * The links of an image's rootfs, to find the file a container path names
 * without extracting anything: /etc/os-release -> ../usr/lib/os-release, or
 * /lib/x where /lib -> usr/lib. Symlinks resolve as in a chroot at rootfs/
 * (an absolute target starts there, ".." stops there); a hardlink entry names
 * the entry that holds its data.
 */
struct rootlinks;

struct rootlinks *rootlinks_new(void);
void rootlinks_free(struct rootlinks *rl);
/* Record the entry if it is a link; name is its cleaned name (entrypath.h). */
void rootlinks_add(struct rootlinks *rl, const char *name, struct archive_entry *e);
/*
 * The cleaned entry name that holds the data of path (a cleaned name under
 * rootfs/, as entrypath_from_user gives), every link followed; malloc'd.
 * NULL with ELOOP after 40 links, as the kernel counts them.
 */
char *rootlinks_resolve(const struct rootlinks *rl, const char *path, struct act_err *err);
