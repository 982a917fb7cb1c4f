/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/json/json.h"

/*
 * What changed from one JSON document to another, member by member, in the
 * order of the first document (members only in the second come after, in
 * its order). Equal means equal values: key order and whitespace do not
 * count, the spelling of numbers and strings does (1.0 is not 1).
 *
 * Arrays are paired up so that one insertion is one change: an array of
 * objects that each have a distinct string "name" (labels, annotations,
 * isolators, environment...) pairs its elements by name; any other array by
 * its longest common subsequence, and in each gap between the common
 * elements, old and new elements pair up in order. Paths are jq's:
 * .app.exec[0], .annotations[2].value, .["a/b"]; indexes are the first
 * document's, but for what was added.
 */
enum jsondiff_kind { JSONDIFF_CHANGED, JSONDIFF_ADDED, JSONDIFF_REMOVED };

struct jsondiff_change {
	enum jsondiff_kind kind;
	const char *path;
	/* Compact JSON text of each side's value; NULL on the side it is
	 * missing from. */
	const char *old_json, *new_json;
};

/* Called for each change; a negative return stops the walk and is returned. */
typedef int (*jsondiff_fn)(void *ctx, const struct jsondiff_change *c);

/* The number of changes, or fn's negative return. */
int jsondiff(const struct json_value *a, const struct json_value *b, jsondiff_fn fn, void *ctx);

/* Whether a and b are equal in the sense above. */
int json_equal(const struct json_value *a, const struct json_value *b);

/* v as compact JSON text (malloc'd; aborts on OOM). */
char *json_compact(const struct json_value *v);
