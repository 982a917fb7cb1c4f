// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/base/macro.h"
#include "common/spec/report.h"

void spec_report_add(struct spec_report *r, const char *field, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;
	char *msg;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap2);
	va_end(ap2);
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 8;
		r->items = xrealloc(r->items, r->cap * sizeof(*r->items));
	}
	r->items[r->n].field = xstrdup(field ? field : "");
	r->items[r->n].message = msg;
	r->n++;
}

void spec_report_free(struct spec_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].field);
		free(r->items[i].message);
	}
	free(r->items);
	*r = (struct spec_report)SPEC_REPORT_INIT;
}

int spec_report_err(const struct spec_report *r, const char *what, const char *field,
		    struct act_err *err)
{
	const struct spec_problem *p = &r->items[0];
	char more[64] = "";

	if (!field)
		field = p->field;
	if (r->n > 1)
		snprintf(more, sizeof(more), " (and %zu more problem%s)", r->n - 1,
			 r->n > 2 ? "s" : "");
	return act_err_set(err, EINVAL, "%s%s%s%s%s%s", what ? what : "", what ? ": " : "",
			   field, *field ? ": " : "", p->message, more);
}
