// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <search.h>
#include <string.h>

#include "common/tar/entrypath.h"
#include "common/image/layout.h"
#include "common/base/macro.h"

struct layout {
	/* tsearch tree of cleaned names; after each name's NUL, one byte: 1 for
	 * a directory (strcmp stops before it). */
	void *seen;
	bool rootfs;
};

struct layout *layout_new(void)
{
	return xcalloc(1, sizeof(struct layout));
}

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

void layout_free(struct layout *l)
{
	if (!l)
		return;
	tdestroy(l->seen, free);
	free(l);
}

/* A hardlink is made from an entry extracted before it: its target must be
 * an earlier non-directory entry under rootfs/ (not itself, not one that
 * comes later, not a name missing from the image). */
static enum layout_fault classify_hardlink(struct layout *l, const char *link)
{
	bool escapes;
	_cleanup_free_ char *target = entrypath_clean(link, &escapes);
	void *slot;

	if (escapes || strncmp(target, "rootfs/", 7) != 0)
		return LAYOUT_LINK_OUTSIDE;
	slot = tfind(target, &l->seen, cmp);
	if (!slot)
		return LAYOUT_LINK_MISSING;
	if ((*(char **)slot)[strlen(target) + 1])
		return LAYOUT_LINK_DIR;
	return LAYOUT_OK;
}

enum layout_fault layout_classify(struct layout *l, struct archive_entry *e, const char *clean,
				  bool escapes)
{
	const char *link = archive_entry_hardlink(e);
	enum layout_fault fault;
	size_t len;
	char *key;
	void *slot;

	if (escapes)
		return LAYOUT_ESCAPES;
	if (clean[0] == '\0') /* "." or "./" */
		return LAYOUT_OK;
	if (streq(clean, "rootfs")) {
		l->rootfs = true;
		if (archive_entry_filetype(e) != AE_IFDIR || archive_entry_hardlink(e))
			return LAYOUT_ROOTFS_NOT_DIR;
	} else if (strncmp(clean, "rootfs/", 7) == 0) {
		l->rootfs = true;
	} else if (!streq(clean, "manifest")) {
		return LAYOUT_OUTSIDE;
	}
	if (link && (fault = classify_hardlink(l, link)) != LAYOUT_OK)
		return fault;
	len = strlen(clean);
	key = xmalloc(len + 2);
	memcpy(key, clean, len + 1);
	key[len + 1] = archive_entry_filetype(e) == AE_IFDIR && !link;
	slot = tsearch(key, &l->seen, cmp);
	if (!slot)
		abort(); /* out of memory */
	if (*(char **)slot != key) {
		free(key);
		return LAYOUT_TWICE;
	}
	return LAYOUT_OK;
}

bool layout_has_rootfs(const struct layout *l)
{
	return l->rootfs;
}

int layout_check(struct layout *l, struct archive_entry *e, const char *clean, bool escapes,
		 struct act_err *err)
{
	const char *name = archive_entry_pathname(e) ?: "";
	const char *link = archive_entry_hardlink(e);

	switch (layout_classify(l, e, clean, escapes)) {
	case LAYOUT_OK:
		return 0;
	case LAYOUT_ESCAPES:
		return act_err_set(err, EINVAL,
				   "entry '%s' is absolute or climbs out of the image", name);
	case LAYOUT_ROOTFS_NOT_DIR:
		return act_err_set(err, EINVAL, "entry '%s': rootfs is not a directory", name);
	case LAYOUT_OUTSIDE:
		return act_err_set(err, EINVAL,
				   "entry '%s' is outside rootfs/ (an image holds only "
				   "manifest and rootfs)", name);
	case LAYOUT_TWICE:
		return act_err_set(err, EINVAL, "entry '%s' is in the image twice", name);
	case LAYOUT_LINK_OUTSIDE:
		return act_err_set(err, EINVAL, "entry '%s' is a hardlink to '%s', outside rootfs/",
				   name, link);
	case LAYOUT_LINK_MISSING:
		return act_err_set(err, EINVAL,
				   "entry '%s' is a hardlink to '%s', which is not an earlier "
				   "entry of the image", name, link);
	case LAYOUT_LINK_DIR:
		return act_err_set(err, EINVAL, "entry '%s' is a hardlink to the directory '%s'",
				   name, link);
	}
	return 0;
}
