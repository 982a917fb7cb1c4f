/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/json/json.h"
#include "common/spec/report.h"

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
/* The index of an earlier name equal to name in names[0..i) (NULL entries
 * skipped), or -1. */
long spec_earlier(const struct json_value *const *names, size_t i,
		  const struct json_value *name);

/*
 * The spec's lists of objects (labels, ports, isolators, ...): each element
 * of the array at field that is an object is given to fn with its path
 * (others are reported); fn returns the element's name, kept in names[i] for
 * the checks of later elements, which see names[0..i). Returns names, for
 * the caller to free, or NULL (and a problem) when v is no array.
 */
typedef const struct json_value *(*spec_object_fn)(struct spec_report *r, const char *field,
						    size_t i, const char *elem,
						    const struct json_value *obj,
						    const struct json_value **names, void *ctx);
const struct json_value **spec_each_object(struct spec_report *r, const char *field,
					   const struct json_value *v, spec_object_fn fn,
					   void *ctx);

/* An object whose member values are all strings (userLabels, sysctl). */
void spec_check_string_map(struct spec_report *r, const char *field,
			   const struct json_value *v);
