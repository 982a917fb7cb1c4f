/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <string.h>

#include "common/base/macro.h"

/*
 * A growable string: NUL-terminated once anything is added (an empty add
 * too); p is the writer's to free. Cutting it back is setting len and
 * p[len] = '\0'.
 */
struct strbuf {
	char *p;
	size_t len, cap;
};

static inline void strbuf_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1);
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static inline void strbuf_adds(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}
