/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/base/err.h"

/*
 * What the spec checks find: a list of problems, one line each, that
 * validate prints in full and the writing verbs report the first of.
 */

/* One problem: the field it concerns, as a path into the manifest
 * ("name", "app.exec", "labels[2].value"), or an entry name for layout
 * problems, and why it is wrong ("not an ACIdentifier: 'Foo'"). */
struct spec_problem {
	char *field;
	char *message;
};

struct spec_report {
	struct spec_problem *items;
	size_t n, cap;
};
#define SPEC_REPORT_INIT { 0 }

void spec_report_add(struct spec_report *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void spec_report_free(struct spec_report *r);
/*
 * Fill err from r's first problem (r->n > 0) and return -1:
 * "[<what>: ]<field>: <message> (and N more problems)". field, when not
 * NULL, names the problem instead of the report's own field.
 */
int spec_report_err(const struct spec_report *r, const char *what, const char *field,
		    struct act_err *err);
