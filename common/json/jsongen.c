// SPDX-License-Identifier: Apache-2.0
/* New JSON text: compact values for splices, and the pretty printer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "common/base/macro.h"
#include "common/base/utf8.h"
#include "common/json/json-internal.h"
#include "common/json/jsongen.h"

/* yajl_gen fails once YAJL_MAX_DEPTH containers are open. */
#define GEN_MAX_DEPTH (YAJL_MAX_DEPTH - 1)

enum gen_state { GEN_TOP, GEN_ARRAY, GEN_KEY, GEN_VALUE };

/*
 * yajl_gen neither checks that a key has its value nor that containers close
 * in order, so we keep the grammar state ourselves and let yajl print.
 */
struct json_gen {
	yajl_gen y;
	unsigned char state[GEN_MAX_DEPTH + 1];
	size_t depth;
	size_t top;		/* values written at the top level */
	struct act_err err;
};

static struct json_gen *gen_new(int beautify)
{
	struct json_gen *g = xcalloc(1, sizeof(*g));

	g->y = yajl_gen_alloc(&json_yajl_funcs);
	if (!g->y)
		abort();	/* only on allocation failure, which json_yajl_funcs aborts on */
	if (beautify) {
		yajl_gen_config(g->y, yajl_gen_beautify, 1);
		yajl_gen_config(g->y, yajl_gen_indent_string, "    ");
	}
	g->state[0] = GEN_TOP;
	return g;
}

struct json_gen *json_gen_new(void)
{
	return gen_new(0);
}

void json_gen_free(struct json_gen *g)
{
	if (!g)
		return;
	yajl_gen_free(g->y);
	free(g);
}

static int gen_misuse(struct json_gen *g)
{
	return act_err_set(&g->err, EINVAL, "invalid sequence of JSON generator calls");
}

/* Account for one value or key about to be written at the current level. */
static int gen_value(struct json_gen *g, int is_string)
{
	unsigned char *st = &g->state[g->depth];

	if (act_err_isset(&g->err))
		return -1;
	switch (*st) {
	case GEN_TOP:
		if (g->top++)
			return gen_misuse(g);
		break;
	case GEN_KEY:
		if (!is_string)
			return gen_misuse(g);
		*st = GEN_VALUE;
		break;
	case GEN_VALUE:
		*st = GEN_KEY;
		break;
	case GEN_ARRAY:
		break;
	}
	return 0;
}

static void gen_check(struct json_gen *g, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok)
		act_err_set(&g->err, EINVAL, "JSON generator failed (yajl status %d)",
			    st);
}

static void gen_open(struct json_gen *g, enum gen_state inner)
{
	if (gen_value(g, 0) < 0)
		return;
	if (g->depth == GEN_MAX_DEPTH) {
		act_err_set(&g->err, EINVAL,
			    "cannot write JSON nested deeper than %d levels",
			    GEN_MAX_DEPTH);
		return;
	}
	g->state[++g->depth] = inner;
	gen_check(g, inner == GEN_ARRAY ? yajl_gen_array_open(g->y)
					: yajl_gen_map_open(g->y));
}

static void gen_close(struct json_gen *g, enum gen_state inner)
{
	if (act_err_isset(&g->err))
		return;
	if (g->depth == 0 || g->state[g->depth] != inner) {
		gen_misuse(g);
		return;
	}
	g->depth--;
	gen_check(g, inner == GEN_ARRAY ? yajl_gen_array_close(g->y)
					: yajl_gen_map_close(g->y));
}

void json_gen_object_open(struct json_gen *g)
{
	gen_open(g, GEN_KEY);
}

void json_gen_object_close(struct json_gen *g)
{
	gen_close(g, GEN_KEY);
}

void json_gen_array_open(struct json_gen *g)
{
	gen_open(g, GEN_ARRAY);
}

void json_gen_array_close(struct json_gen *g)
{
	gen_close(g, GEN_ARRAY);
}

void json_gen_str(struct json_gen *g, const char *s, size_t len)
{
	size_t at;

	if (gen_value(g, 1) < 0)
		return;
	/* yajl's own check lets overlong forms and surrogates through. */
	at = utf8_invalid_at(s, len);
	if (at < len) {
		act_err_set(&g->err, EINVAL, "invalid UTF-8 at byte %zu of a string", at);
		return;
	}
	gen_check(g, yajl_gen_string(g->y, (const unsigned char *)s, len));
}

void json_gen_cstr(struct json_gen *g, const char *s)
{
	json_gen_str(g, s, strlen(s));
}

/* Text printed as one value, unchecked: yajl_gen_number prints what it gets. */
static void gen_raw(struct json_gen *g, const char *raw, size_t len)
{
	if (gen_value(g, 0) < 0)
		return;
	gen_check(g, yajl_gen_number(g->y, raw, len));
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int is_number(const char *s)
{
	size_t n;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if ((n = strspn(s, "0123456789")) > 0)
		s += n;
	else
		return 0;
	if (*s == '.') {
		if (!(n = strspn(++s, "0123456789")))
			return 0;
		s += n;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(n = strspn(s, "0123456789")))
			return 0;
		s += n;
	}
	return *s == '\0';
}

void json_gen_number(struct json_gen *g, const char *raw)
{
	if (!is_number(raw)) {
		act_err_set(&g->err, EINVAL, "'%s' is not a JSON number", raw);
		return;
	}
	gen_raw(g, raw, strlen(raw));
}

void json_gen_int(struct json_gen *g, long long i)
{
	if (gen_value(g, 0) < 0)
		return;
	gen_check(g, yajl_gen_integer(g->y, i));
}

void json_gen_bool(struct json_gen *g, int b)
{
	if (gen_value(g, 0) < 0)
		return;
	gen_check(g, yajl_gen_bool(g->y, b));
}

void json_gen_null(struct json_gen *g)
{
	if (gen_value(g, 0) < 0)
		return;
	gen_check(g, yajl_gen_null(g->y));
}

char *json_gen_finish(struct json_gen *g, size_t *outlen, struct act_err *err)
{
	const unsigned char *buf;
	size_t len;
	char *out;

	if (!act_err_isset(&g->err) && (g->depth != 0 || g->top != 1))
		gen_misuse(g);
	if (act_err_isset(&g->err)) {
		act_err_set(err, g->err.code, "%s", g->err.msg);
		return NULL;
	}
	yajl_gen_get_buf(g->y, &buf, &len);
	out = xmalloc(len + 1);
	memcpy(out, buf, len);
	out[len] = '\0';
	*outlen = len;
	return out;
}

char *json_gen_string(const char *s, size_t len, size_t *outlen, struct act_err *err)
{
	struct json_gen *g = json_gen_new();
	char *out;

	json_gen_str(g, s, len);
	out = json_gen_finish(g, outlen, err);
	json_gen_free(g);
	return out;
}

/* ---- a parsed tree, and the pretty printer ------------------------------ */

void json_gen_value(struct json_gen *g, const struct json_value *v)
{
	switch (v->type) {
	case JSON_NULL:
		json_gen_null(g);
		break;
	case JSON_BOOL:
		json_gen_bool(g, v->boolean);
		break;
	case JSON_NUMBER:
		gen_raw(g, v->str, v->len);
		break;
	case JSON_STRING:
		json_gen_str(g, v->str, v->len);
		break;
	case JSON_ARRAY:
		/* yajl would pretty-print an empty container across lines:
		 * "[\n\n    ]". */
		if (v->n == 0) {
			gen_raw(g, "[]", 2);
			break;
		}
		json_gen_array_open(g);
		for (size_t i = 0; i < v->n; i++)
			json_gen_value(g, v->items[i]);
		json_gen_array_close(g);
		break;
	case JSON_OBJECT:
		if (v->n == 0) {
			gen_raw(g, "{}", 2);
			break;
		}
		json_gen_object_open(g);
		for (size_t i = 0; i < v->n; i++) {
			json_gen_str(g, v->keys[i], v->keylens[i]);
			json_gen_value(g, v->items[i]);
		}
		json_gen_object_close(g);
		break;
	}
}

char *json_pretty(const char *text, size_t len, size_t *outlen, struct act_err *err)
{
	struct json_value *root = json_parse(text, len, err);
	struct json_gen *g;
	char *out;

	if (!root)
		return NULL;
	g = gen_new(1);
	json_gen_value(g, root);
	/* yajl ends a complete beautified document with one "\n" itself. */
	out = json_gen_finish(g, outlen, err);
	json_gen_free(g);
	json_free(root);
	return out;
}
