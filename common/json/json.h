/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/base/err.h"

/*
 * JSON that remembers where it came from. The parser (the only user of yajl)
 * builds a tree in which every value knows its byte span in the source text, so
 * an edit is a splice into the original bytes: formatting, key order, unknown
 * members and the spelling of numbers and strings survive as written.
 * Offsets count bytes from the start of the text, starting at 0.
 */

/* Containers nested deeper than this are rejected by json_parse. It matches
 * the depth yajl's generator can write, so whatever parses also pretty-prints;
 * a manifest has no use for more. */
#define JSON_MAX_DEPTH 127

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value {
	enum json_type type;
	size_t start, end;		/* span [start, end) in the source */
	int boolean;			/* BOOL */
	/*
	 * STRING: decoded UTF-8, NUL-terminated, but may hold NUL itself;
	 * NUMBER: the number exactly as written, NUL-terminated.
	 */
	char *str;
	size_t len;
	size_t n;			/* ARRAY, OBJECT: number of children */
	struct json_value **items;	/* ARRAY items; OBJECT member values */
	char **keys;			/* OBJECT: decoded keys (never holding NUL) */
	size_t *keylens;
	size_t *key_starts, *key_ends;	/* OBJECT: span of each quoted key */
	size_t cap;			/* private: allocated child slots */
};

/*
 * Parse one JSON value, with optional whitespace around it. Rejected, with the
 * byte offset in the message: invalid JSON, invalid UTF-8 (strict: no overlong
 * forms, no surrogates), a leading byte order mark, trailing data, nesting
 * deeper than JSON_MAX_DEPTH, duplicate keys in an object, keys holding NUL.
 */
struct json_value *json_parse(const char *text, size_t len, struct act_err *err);
void json_free(struct json_value *v);

/* The member value of an object by exact key; NULL if absent or not an object. */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* Whether v is a string equal to s. */
int json_is_string(const struct json_value *v, const char *s);
/* v's text if v is a string, else NULL. */
const char *json_string(const struct json_value *v);
/* In an array of objects (appc's name/value lists: labels, annotations),
 * the first whose "name" is the string name; NULL if none. */
const struct json_value *json_named(const struct json_value *list, const char *name);
