/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

/* A set of strings (copies), on libc's tsearch tree: O(log n) each way. */
struct strset {
	void *root;
};

/* Add s (copied); whether it was new. */
bool strset_add(struct strset *set, const char *s);
bool strset_has(const struct strset *set, const char *s);
void strset_clear(struct strset *set);
