/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/base/err.h"

/*
 * What the appc spec (spec/aci.md, spec/types.md) says an image manifest
 * must be, checked as the spec words it rather than as appc's Go code
 * happens to accept it. Used by validate, by patch-manifest for every new
 * value and for a --manifest replacement, and by build.
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

/* Add every problem of the manifest text to r; returns how many it added.
 * Text that is not JSON at all is one problem. */
size_t spec_check_manifest(const char *text, size_t len, struct spec_report *r);

/* The spec's string types (types.md). */
bool spec_is_acidentifier(const char *s, size_t len);
bool spec_is_acname(const char *s, size_t len);
/* A POSIX-style environment variable name, as aci.md widens it:
 * ^[A-Za-z_][A-Za-z0-9_.-]*$ */
bool spec_is_env_name(const char *s, size_t len);
/* SemVer 2.0.0 (semver.org's grammar, no leading zeros); the major number
 * goes to *major when not NULL. */
bool spec_is_semver(const char *s, size_t len, unsigned long long *major);
