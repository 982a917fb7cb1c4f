// SPDX-License-Identifier: Apache-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/base/macro.h"
#include "common/base/msglist.h"

void msglist_addf(struct msglist *l, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort(); /* out of memory, as xmalloc */
	va_end(ap);
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = msg;
}

void msglist_truncate(struct msglist *l, size_t n)
{
	while (l->n > n)
		free(l->v[--l->n]);
}

void msglist_free(struct msglist *l)
{
	msglist_truncate(l, 0);
	free(l->v);
	l->v = NULL;
}
