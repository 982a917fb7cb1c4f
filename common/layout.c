// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <search.h>
#include <string.h>

#include "common/layout.h"
#include "common/macro.h"

struct layout {
	void *seen; /* tsearch tree of cleaned names */
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

int layout_check(struct layout *l, struct archive_entry *e, const char *clean, bool escapes,
		 struct act_err *err)
{
	const char *name = archive_entry_pathname(e) ?: "";
	char *key;
	void *slot;

	if (escapes)
		return act_err_set(err, EINVAL,
				   "entry '%s' is absolute or climbs out of the image", name);
	if (clean[0] == '\0') /* "." or "./" */
		return 0;
	if (streq(clean, "rootfs")) {
		if (archive_entry_filetype(e) != AE_IFDIR || archive_entry_hardlink(e))
			return act_err_set(err, EINVAL, "entry '%s': rootfs is not a directory",
					   name);
	} else if (strncmp(clean, "rootfs/", 7) != 0 && !streq(clean, "manifest")) {
		return act_err_set(err, EINVAL,
				   "entry '%s' is outside rootfs/ (an image holds only "
				   "manifest and rootfs)", name);
	}
	key = xstrdup(clean);
	slot = tsearch(key, &l->seen, cmp);
	if (!slot)
		abort(); /* out of memory */
	if (*(char **)slot != key) {
		free(key);
		return act_err_set(err, EINVAL, "entry '%s' is in the image twice", name);
	}
	return 0;
}
