/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/json/json.h"

/*
 * Splices into a source text: replace the span [start, end) by new text, or
 * insert at start when start == end. Operations may be added in any order but
 * must not overlap; insertions at one offset keep the order they were added in
 * and go before a replacement starting there. The text is copied.
 */
struct json_edit {
	struct json_splice *ops;
	size_t n, cap;
};
#define JSON_EDIT_INIT { 0 }

void json_edit_replace(struct json_edit *e, size_t start, size_t end, const char *text,
		       size_t len);
void json_edit_insert(struct json_edit *e, size_t at, const char *text, size_t len);
/* The edited text in *out (malloc'd, NUL-terminated), its length in *outlen. */
int json_edit_apply(const struct json_edit *e, const char *src, size_t len, char **out,
		    size_t *outlen, struct act_err *err);
void json_edit_done(struct json_edit *e);

/*
 * Edits of one object's members or one array's elements, as json_edit
 * splices that copy the surrounding text's style: a new member or element
 * takes the indentation and the ':' spacing of its neighbour, so a
 * pretty-printed document stays pretty and a compact one compact. New
 * values are laid out like their neighbours too (jsonstyle.h): one line per
 * member, indented by the document's unit, in a pretty container.
 */

/* Member edits of one object. order (NULL-terminated) is the keys' canonical
 * order: a new member goes after the last present member that comes before it
 * there, or first; a key not in order goes last. */
struct jsplice_object {
	const char *text;
	const struct json_value *obj;
	const char *const *order;
	struct jsplice_member *adds;
	size_t nadds;
};

void jsplice_object_init(struct jsplice_object *o, const char *text,
			 const struct json_value *obj, const char *const *order);
/* Give member key the JSON text value: replace the value if the member is
 * present, or add the member. */
void jsplice_object_set(struct jsplice_object *o, struct json_edit *e, const char *key,
			const char *value, size_t len);
/* Remove member key, with the separator before it (after it, for the
 * first); the last member leaves "{}". Absent: nothing. Not to be mixed
 * with another removal or a set of a neighbour in one json_edit. */
void jsplice_object_remove(struct jsplice_object *o, struct json_edit *e, const char *key);
/* Queue the added members into e (one insertion per position) and free o. */
void jsplice_object_finish(struct jsplice_object *o, struct json_edit *e);

/* What becomes of an element of an array. */
enum jsplice_op { JSPLICE_KEEP, JSPLICE_DROP, JSPLICE_REPLACE };
struct jsplice_elem {
	enum jsplice_op op;
	const char *text; /* REPLACE, and appended elements: JSON text */
	size_t len;
};

/*
 * Rewrite the inside of array arr: ops (arr->n entries, or NULL to keep
 * them all) says what happens to each element; then the nappend elements of
 * append (their op is ignored) go at the end, each indented like the last
 * element was. Kept elements keep the separator that preceded them; the
 * text before the first element and after the last stays.
 */
void jsplice_array_rewrite(struct json_edit *e, const char *text,
			   const struct json_value *arr, const struct jsplice_elem *ops,
			   const struct jsplice_elem *append, size_t nappend);
