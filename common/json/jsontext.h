/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <string.h>

#include "common/base/macro.h"

/*
 * A growable text that the JSON splices (jsonsplice.c) and the layout of
 * new values (jsonstyle.c) write into: NUL-terminated once anything is
 * added; p is the writer's to free.
 */
struct json_text {
	char *p;
	size_t len, cap;
};

static inline void json_text_add(struct json_text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = 2 * (t->len + n + 1);
		t->p = xrealloc(t->p, t->cap);
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static inline void json_text_adds(struct json_text *t, const char *s)
{
	json_text_add(t, s, strlen(s));
}
