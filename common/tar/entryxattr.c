// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/tar/entryxattr.h"
#include "common/base/macro.h"

struct xattr {
	char *name;
	void *value;
	size_t size;
};

/* The list copied out, as the entry's is cleared or rebuilt; the entry's own
 * list is cut short if it changes under the walk. */
static struct xattr *copy_out(struct archive_entry *e, int *count)
{
	int n = archive_entry_xattr_reset(e), k = 0;
	struct xattr *xs = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*xs));
	const char *name;
	const void *value;
	size_t size;

	while (k < n && archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		xs[k].name = xstrdup(name);
		xs[k].value = size ? memcpy(xmalloc(size), value, size) : NULL;
		xs[k].size = size;
		k++;
	}
	*count = k;
	return xs;
}

static void free_list(struct xattr *xs, int n)
{
	for (int i = 0; i < n; i++) {
		free(xs[i].name);
		free(xs[i].value);
	}
	free(xs);
}

/* Make xs[0, n), but xs[skip], the entry's list in that order: libarchive
 * adds each xattr at the head of its list, so they go in last to first. */
static void put_back(struct archive_entry *e, const struct xattr *xs, int n, int skip)
{
	archive_entry_xattr_clear(e);
	for (int i = n - 1; i >= 0; i--) {
		if (i != skip)
			archive_entry_xattr_add_entry(e, xs[i].name, xs[i].value, xs[i].size);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct xattr *)a)->name, ((const struct xattr *)b)->name);
}

static bool same_value(const struct xattr *a, const struct xattr *b)
{
	return a->size == b->size && (!a->size || !memcmp(a->value, b->value, a->size));
}

const void *entryxattr_get(struct archive_entry *e, const char *name, size_t *size)
{
	const char *n;
	const void *v;
	size_t s;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &n, &v, &s) == ARCHIVE_OK) {
		if (streq(n, name)) {
			*size = s;
			return v;
		}
	}
	return NULL;
}

void entryxattr_set(struct archive_entry *e, const char *name, const void *value, size_t size)
{
	int n, k = 0;
	struct xattr *xs = copy_out(e, &n);

	/* In place, or last: the others keep their order. */
	xs = xrealloc(xs, ((size_t)n + 1) * sizeof(*xs));
	while (k < n && !streq(xs[k].name, name))
		k++;
	if (k == n) {
		xs[n].name = xstrdup(name);
		xs[n].value = NULL;
		n++;
	}
	free(xs[k].value);
	xs[k].value = value && size ? memcpy(xmalloc(size), value, size) : NULL;
	xs[k].size = size;
	put_back(e, xs, n, value ? -1 : k);
	free_list(xs, n);
}

const char *entryxattr_conflict(struct archive_entry *e)
{
	int n = archive_entry_xattr_reset(e), k = 0;
	struct xattr *xs;
	const char *name, *r = NULL;
	const void *value;
	size_t size;

	if (n < 2)
		return NULL;
	/* Pointers into the entry: nothing changes it during the check. */
	xs = xcalloc((size_t)n, sizeof(*xs));
	while (k < n && archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		xs[k].name = (char *)name;
		xs[k].value = (void *)value;
		xs[k].size = size;
		k++;
	}
	qsort(xs, (size_t)k, sizeof(*xs), by_name);
	for (int i = 1; i < k && !r; i++) {
		if (streq(xs[i].name, xs[i - 1].name) && !same_value(&xs[i], &xs[i - 1]))
			r = xs[i].name;
	}
	free(xs);
	return r;
}

int entryxattr_dedup(struct archive_entry *e, struct act_err *err)
{
	int n, k = 0;
	struct xattr *xs;

	if (archive_entry_xattr_count(e) == 0)
		return 0;
	xs = copy_out(e, &n);
	qsort(xs, (size_t)n, sizeof(*xs), by_name);
	for (int i = 0; i < n; i++) {
		if (k > 0 && streq(xs[i].name, xs[k - 1].name)) {
			if (!same_value(&xs[i], &xs[k - 1])) {
				act_err_set(err, EINVAL, "'%s': two different values for xattr '%s'",
					    archive_entry_pathname(e), xs[i].name);
				break;
			}
			continue;
		}
		/* Swap, so that free_list frees each once. */
		struct xattr t = xs[k];

		xs[k++] = xs[i];
		xs[i] = t;
	}
	if (!act_err_isset(err))
		put_back(e, xs, k, -1);
	free_list(xs, n);
	return act_err_isset(err) ? -1 : 0;
}
