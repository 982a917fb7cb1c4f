/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <archive_entry.h>
#include <stdbool.h>

#include "common/base/err.h"

/*
 * The image layout (spec/aci.md): at the top only `manifest` and `rootfs`, a
 * directory; every other entry under rootfs/; no entry twice; no name that
 * is absolute or climbs out of the image. Checked entry by entry as an image
 * is rewritten, so a rewrite never passes an invalid image on as valid. A
 * hardlink must name an earlier entry under rootfs/ that is no directory.
 */
struct layout;

struct layout *layout_new(void);
void layout_free(struct layout *l);
/* clean and escapes as from entrypath_clean(); name is the name as stored. */
int layout_check(struct layout *l, struct archive_entry *e, const char *clean, bool escapes,
		 struct act_err *err);

/* The same check, for a caller that reports every fault rather than the first. */
enum layout_fault {
	LAYOUT_OK,
	LAYOUT_ESCAPES,		/* absolute, or climbs out of the image */
	LAYOUT_ROOTFS_NOT_DIR,	/* "rootfs" itself is not a directory */
	LAYOUT_OUTSIDE,		/* neither manifest nor under rootfs/ */
	LAYOUT_TWICE,		/* a second entry of that (cleaned) name */
	/* A hardlink must name an earlier entry under rootfs/ that is no
	 * directory: */
	LAYOUT_LINK_OUTSIDE,	/* its target is not under rootfs/ */
	LAYOUT_LINK_MISSING,	/* no earlier entry has the target's name */
	LAYOUT_LINK_DIR,	/* its target is a directory */
};
enum layout_fault layout_classify(struct layout *l, struct archive_entry *e, const char *clean,
				  bool escapes);
/* Whether an entry "rootfs" or one under rootfs/ was seen. */
bool layout_has_rootfs(const struct layout *l);
