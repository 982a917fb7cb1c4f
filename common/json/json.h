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
 * Compact JSON text for new values, written by calls in document order; in an
 * object, keys and values alternate (keys through json_gen_str/cstr). A misuse
 * (a non-string key, unbalanced containers, not exactly one top-level value),
 * invalid UTF-8 or nesting deeper than 127 is reported once, by json_gen_finish.
 * '/' is not escaped; non-ASCII is written as UTF-8.
 */
struct json_gen;

struct json_gen *json_gen_new(void);
void json_gen_free(struct json_gen *g);
void json_gen_object_open(struct json_gen *g);
void json_gen_object_close(struct json_gen *g);
void json_gen_array_open(struct json_gen *g);
void json_gen_array_close(struct json_gen *g);
void json_gen_str(struct json_gen *g, const char *s, size_t len);
void json_gen_cstr(struct json_gen *g, const char *s);
void json_gen_number(struct json_gen *g, const char *raw);	/* JSON number syntax */
void json_gen_int(struct json_gen *g, long long i);
void json_gen_bool(struct json_gen *g, int b);
void json_gen_null(struct json_gen *g);
/* The text (malloc'd, NUL-terminated); the generator stays the caller's to free. */
char *json_gen_finish(struct json_gen *g, size_t *outlen, struct act_err *err);

/* s as a quoted JSON string (malloc'd, NUL-terminated). */
char *json_gen_string(const char *s, size_t len, size_t *outlen, struct act_err *err);

/*
 * Re-indent a document with 4 spaces per level and ": " after keys, one value
 * per line, empty containers as {} and [], ending with exactly one newline.
 * Key order and number spellings are kept; strings are re-escaped. The input
 * must pass json_parse, and may nest at most 127 containers deep (a yajl limit).
 */
char *json_pretty(const char *text, size_t len, size_t *outlen, struct act_err *err);
