/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/json/json.h"
#include "common/spec/spec.h"

/*
 * What the manifest checks (spec.c, specisolator.c) share: a member's path
 * for the report, a user's string quoted for a one-line message, and typed
 * access to members that reports what is missing or of the wrong type.
 */

/* A user's string fit for a one-line message: control bytes, quotes and
 * backslashes as \xNN; long strings cut, between characters. */
struct quoted {
	char s[100];
};
const char *spec_quote(struct quoted *q, const char *s, size_t len);
#define Q(v) spec_quote(&(struct quoted){ .s = "" }, (v)->str, (v)->len)

/* "parent.key" and "parent[i]", valid for the enclosing block. */
struct path {
	char s[512];
};
const char *spec_at_key(struct path *p, const char *parent, const char *key);
const char *spec_at_index(struct path *p, const char *parent, size_t i);
#define KEY(parent, key) spec_at_key(&(struct path){ .s = "" }, (parent), (key))
#define IDX(parent, i) spec_at_index(&(struct path){ .s = "" }, (parent), (i))

/* "a string", "an object", ... */
const char *spec_type_name(enum json_type t);
/* Whether v is of type t; if not, a problem at field. */
bool spec_want(struct spec_report *r, const char *field, const struct json_value *v,
	       enum json_type t);
/* A member the spec requires: NULL, and a problem, when absent or null. */
const struct json_value *spec_required(struct spec_report *r, const char *parent,
				       const struct json_value *obj, const char *key);
/* An optional member: NULL when absent or null. */
const struct json_value *spec_optional(const struct json_value *obj, const char *key);
/* Two strings' bytes are equal. */
bool spec_streq_n(const struct json_value *v, const struct json_value *w);
bool spec_has_nul(const struct json_value *v);
/* A JSON integer (no fraction, no exponent) in [lo, hi], to *out if not NULL. */
bool spec_check_int(struct spec_report *r, const char *field, const struct json_value *v,
		    long long lo, long long hi, long long *out);
/* An object whose member values are all strings (userLabels, sysctl). */
void spec_check_string_map(struct spec_report *r, const char *field,
			   const struct json_value *v);

/* app.isolators: the isolators spec/ace.md and appc's code define
 * (specisolator.c). */
void spec_check_isolators(struct spec_report *r, const char *field,
			  const struct json_value *v);
