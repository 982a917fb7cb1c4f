/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/base/err.h"
#include "common/manifest/patcharg.h"

/*
 * actool's option syntax (patchsyntax.c), shared by the field options
 * (patcharg.c) and the isolator options (patchiso.c).
 */

/* A user string for one line of a message: at most 64 bytes, no controls. */
struct shown {
	char str[80];
};
struct shown pa_show(const char *s, size_t len);
#define SHOW(s) (pa_show((s), strlen(s)).str)

/* The spec's types (spec.h), for NUL-terminated text. */
bool pa_is_acidentifier(const char *s);
bool pa_is_acname(const char *s);
/* The text as a JSON string: fails on invalid UTF-8. */
int pa_check_utf8(const char *s, struct act_err *err);
/* Go's strconv.ParseBool, which actool uses for readOnly and socketActivated. */
int pa_parse_bool(const char *s, bool *b);
/* Digits only, at most max. */
int pa_parse_uint(const char *s, unsigned long long max, unsigned long long *v);
/* "given twice" when given. */
int pa_once(bool given, struct act_err *err);

struct strv {
	char **v;
	size_t n;
};
void strv_add(struct strv *sv, char *s);
void strv_free(struct strv *sv);
/* Split s at every sep; empty pieces are kept. */
struct strv pa_split(const char *s, char sep);
/* Whether s is one of the first n strings. */
bool strv_has(const struct strv *sv, size_t n, const char *s);

/*
 * "NAME,key=value,..." as actool's --mounts, --ports and --isolators take
 * it: the name, then fields split at their first '='. keys lists the known
 * keys; each may be given once.
 */
struct item {
	char *name;
	struct strv keys, values;
};
void item_free(struct item *it);
int parse_item(const char *text, const char *const *keys, struct item *it,
	       struct act_err *err);
/* A key's value, or NULL when not given. */
const char *item_get(const struct item *it, const char *key);
