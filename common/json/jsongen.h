/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/base/err.h"

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
/* A parsed value (json.h), numbers as spelled, keys in order. */
struct json_value;
void json_gen_value(struct json_gen *g, const struct json_value *v);
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
