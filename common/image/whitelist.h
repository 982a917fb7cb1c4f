/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/base/strset.h"

/*
 * A manifest's pathWhitelist (spec/aci.md: the complete set of paths the
 * rootfs keeps): a file, symlink or device passes when listed, a directory
 * when listed or above a listed path. Names are cleaned entry names
 * ("rootfs/etc/x"); "rootfs" itself always passes.
 */
struct whitelist {
	struct strset paths, dirs;
};

/* The manifest's list: false (w empty) when it has none, or an empty one. */
bool whitelist_of(const char *manifest, size_t len, struct whitelist *w);
bool whitelist_allows(const struct whitelist *w, const char *name, bool dir);
void whitelist_free(struct whitelist *w);
