// SPDX-License-Identifier: Apache-2.0
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/strset.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

bool strset_add(struct strset *set, const char *s)
{
	char *copy = xstrdup(s);
	char **slot = tsearch(copy, &set->root, cmp);

	if (!slot)
		abort(); /* out of memory, as xmalloc */
	if (*slot != copy) {
		free(copy);
		return false;
	}
	return true;
}

bool strset_has(const struct strset *set, const char *s)
{
	return tfind(s, &set->root, cmp) != NULL;
}

void strset_clear(struct strset *set)
{
	tdestroy(set->root, free);
	set->root = NULL;
}
