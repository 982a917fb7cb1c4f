// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "common/base/macro.h"
#include "common/base/utf8.h"
#include "common/json/json-internal.h"

/* yajl allocates through these, so running out of memory aborts as elsewhere. */
static void *ya_malloc(void *ctx, size_t n)
{
	return xmalloc(n);
}

static void *ya_realloc(void *ctx, void *p, size_t n)
{
	return xrealloc(p, n);
}

static void ya_free(void *ctx, void *p)
{
	free(p);
}

yajl_alloc_funcs json_yajl_funcs = { ya_malloc, ya_realloc, ya_free, NULL };

/* A user string fit for one line of an error message: no controls, bounded. */
static void quote_user(char *dst, size_t size, const char *s, size_t len)
{
	size_t i, max = size - 4;

	for (i = 0; i < len && i < max; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (i < len) {
		/* Cut on a character boundary and say so. */
		while (i > 0 && ((unsigned char)dst[i] & 0xc0) == 0x80)
			i--;
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
}

/* ---- parser ------------------------------------------------------------- */

/*
 * yajl reports values, not where they are, and its byte counter is relative to
 * the chunk being parsed (a number at the very end only completes in
 * yajl_complete_parse's own one-byte chunk). So we follow along in the source:
 * pos is just past the last token seen, and yajl having checked the grammar,
 * the next value starts after whitespace and at most one ',' or ':'.
 */
struct parser {
	const char *text;
	size_t len;
	size_t pos;
	struct json_value *root;
	struct json_value *stack[JSON_MAX_DEPTH];
	size_t depth;
	struct act_err err;
};

/* RFC 8259 whitespace; yajl also skips \v and \f, which we then reject. */
static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const struct parser *p, size_t at)
{
	while (at < p->len && is_ws(p->text[at]))
		at++;
	return at;
}

static size_t next_token(const struct parser *p)
{
	size_t at = skip_ws(p, p->pos);

	if (at < p->len && (p->text[at] == ',' || p->text[at] == ':'))
		at = skip_ws(p, at + 1);
	return at;
}

/* Just past the closing quote of the string token starting at start. */
static size_t string_end(const struct parser *p, size_t start)
{
	size_t at = start + 1;

	while (at < p->len && p->text[at] != '"')
		at += p->text[at] == '\\' ? 2 : 1;
	return at < p->len ? at + 1 : p->len;
}

static unsigned int hex4(const char *s)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; i++) {
		int c = s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10;

		v = v << 4 | (unsigned int)c;
	}
	return v;
}

/*
 * yajl decodes an unpaired \ud800-\udfff escape to '?', which would make the
 * tree disagree with the text; refuse those. The token is lexically valid.
 */
static int check_escapes(struct parser *p, size_t start, size_t end)
{
	for (size_t at = start + 1; at < end - 1; at++) {
		unsigned int u;

		if (p->text[at] != '\\')
			continue;
		if (p->text[++at] != 'u')
			continue;
		u = hex4(p->text + at + 1);
		at += 4;
		/* Lexically valid: "\\u" is always followed by four hex digits. */
		if (u >= 0xd800 && u <= 0xdbff && at + 6 < end &&
		    p->text[at + 1] == '\\' && p->text[at + 2] == 'u') {
			unsigned int lo = hex4(p->text + at + 3);

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				at += 6;
				continue;
			}
		}
		if (u >= 0xd800 && u <= 0xdfff) {
			act_err_set(&p->err, EINVAL,
				    "invalid JSON at byte %zu: unpaired surrogate escape",
				    at - 5);
			return 0;
		}
	}
	return 1;
}

static int unexpected(struct parser *p, size_t at)
{
	act_err_set(&p->err, EINVAL, "invalid JSON at byte %zu: unexpected character",
		    at);
	return 0;
}

static void grow(struct json_value *v)
{
	if (v->n < v->cap)
		return;
	v->cap = v->cap ? 2 * v->cap : 4;
	v->items = xrealloc(v->items, v->cap * sizeof(*v->items));
	if (v->type != JSON_OBJECT)
		return;
	v->keys = xrealloc(v->keys, v->cap * sizeof(*v->keys));
	v->keylens = xrealloc(v->keylens, v->cap * sizeof(*v->keylens));
	v->key_starts = xrealloc(v->key_starts, v->cap * sizeof(*v->key_starts));
	v->key_ends = xrealloc(v->key_ends, v->cap * sizeof(*v->key_ends));
}

/*
 * A new value whose text must begin with lit (litlen bytes), linked into the
 * tree at once so that a failed parse frees everything through the root.
 */
static struct json_value *add_value(struct parser *p, enum json_type type,
				    const char *lit, size_t litlen)
{
	size_t start = next_token(p);
	struct json_value *v;

	if (litlen > p->len - start || memcmp(p->text + start, lit, litlen) != 0) {
		unexpected(p, start);
		return NULL;
	}
	v = xcalloc(1, sizeof(*v));
	v->type = type;
	v->start = start;
	v->end = start + litlen;
	p->pos = v->end;
	if (p->depth == 0) {
		p->root = v;
	} else {
		struct json_value *parent = p->stack[p->depth - 1];

		if (parent->type == JSON_ARRAY) {
			grow(parent);
			parent->items[parent->n++] = v;
		} else {
			/* The slot was opened by the key. */
			parent->items[parent->n - 1] = v;
		}
	}
	return v;
}

static int on_null(void *ctx)
{
	return add_value(ctx, JSON_NULL, "null", 4) != NULL;
}

static int on_boolean(void *ctx, int b)
{
	struct json_value *v = b ? add_value(ctx, JSON_BOOL, "true", 4)
				 : add_value(ctx, JSON_BOOL, "false", 5);

	if (!v)
		return 0;
	v->boolean = b;
	return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
	struct json_value *v = add_value(ctx, JSON_NUMBER, s, len);

	if (!v)
		return 0;
	v->str = xstrndup(s, len);
	v->len = len;
	return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct parser *p = ctx;
	struct json_value *v = add_value(p, JSON_STRING, "\"", 1);

	if (!v)
		return 0;
	v->end = p->pos = string_end(p, v->start);
	if (!check_escapes(p, v->start, v->end))
		return 0;
	v->str = xmalloc(len + 1);
	memcpy(v->str, s, len);
	v->str[len] = '\0';
	v->len = len;
	return 1;
}

static int open_container(struct parser *p, enum json_type type, const char *lit)
{
	struct json_value *v;

	if (p->depth == JSON_MAX_DEPTH) {
		act_err_set(&p->err, EINVAL,
			    "invalid JSON at byte %zu: nested deeper than %d levels",
			    next_token(p), JSON_MAX_DEPTH);
		return 0;
	}
	v = add_value(p, type, lit, 1);
	if (!v)
		return 0;
	v->end = 0;		/* not closed yet */
	p->stack[p->depth++] = v;
	return 1;
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, JSON_OBJECT, "{");
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, JSON_ARRAY, "[");
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct parser *p = ctx;
	struct json_value *obj = p->stack[p->depth - 1];
	size_t start = next_token(p), end;

	if (start >= p->len || p->text[start] != '"')
		return unexpected(p, start);
	end = string_end(p, start);
	if (!check_escapes(p, start, end))
		return 0;
	if (memchr(key, '\0', len)) {
		act_err_set(&p->err, EINVAL,
			    "invalid JSON at byte %zu: key holds a NUL byte", start);
		return 0;
	}
	grow(obj);
	obj->keys[obj->n] = xstrndup((const char *)key, len);
	obj->keylens[obj->n] = len;
	obj->key_starts[obj->n] = start;
	obj->key_ends[obj->n] = p->pos = end;
	obj->items[obj->n] = NULL;
	obj->n++;
	return 1;
}

struct keyref {
	const char *key;
	size_t at;
};

static int keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* Sorting keeps this O(n log n) for big objects; report the earliest repeat. */
static int check_duplicates(struct parser *p, const struct json_value *obj)
{
	_cleanup_free_ struct keyref *refs = NULL;
	const struct keyref *dup = NULL;
	char quoted[128];

	if (obj->n < 2)
		return 1;
	refs = xmalloc(obj->n * sizeof(*refs));
	for (size_t i = 0; i < obj->n; i++)
		refs[i] = (struct keyref){ obj->keys[i], obj->key_starts[i] };
	qsort(refs, obj->n, sizeof(*refs), keyref_cmp);
	for (size_t i = 1; i < obj->n; i++) {
		if (strcmp(refs[i - 1].key, refs[i].key) == 0 &&
		    (!dup || refs[i].at < dup->at))
			dup = &refs[i];
	}
	if (!dup)
		return 1;
	quote_user(quoted, sizeof(quoted), dup->key, strlen(dup->key));
	act_err_set(&p->err, EINVAL, "duplicate key '%s' at byte %zu", quoted, dup->at);
	return 0;
}

static int close_container(struct parser *p, char c)
{
	size_t at = skip_ws(p, p->pos);
	struct json_value *v;

	if (at >= p->len || p->text[at] != c)
		return unexpected(p, at);
	v = p->stack[--p->depth];
	v->end = p->pos = at + 1;
	return v->type == JSON_OBJECT ? check_duplicates(p, v) : 1;
}

static int on_end_map(void *ctx)
{
	return close_container(ctx, '}');
}

static int on_end_array(void *ctx)
{
	return close_container(ctx, ']');
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_map_key,
	.yajl_end_map = on_end_map,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end_array,
};

/* yajl's own words ("parse error: trailing garbage"), without its newline. */
static void yajl_error(struct parser *p, yajl_handle h, size_t at)
{
	unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)p->text, p->len);
	size_t n = msg ? strcspn((const char *)msg, "\n") : 0;

	act_err_set(&p->err, EINVAL, "invalid JSON at byte %zu: %.*s", at, (int)n,
		    msg ? (const char *)msg : "");
	if (msg)
		yajl_free_error(h, msg);
}

static void parse(struct parser *p)
{
	yajl_handle h;
	yajl_status st;
	size_t at;

	at = utf8_invalid_at(p->text, p->len);
	if (at < p->len) {
		act_err_set(&p->err, EINVAL, "invalid UTF-8 at byte %zu", at);
		return;
	}
	if (p->len >= 3 && memcmp(p->text, "\xef\xbb\xbf", 3) == 0) {
		act_err_set(&p->err, EINVAL, "JSON text starts with a byte order mark");
		return;
	}
	if (skip_ws(p, 0) == p->len) {
		act_err_set(&p->err, EINVAL, "invalid JSON: empty text");
		return;
	}

	h = yajl_alloc(&callbacks, &json_yajl_funcs, p);
	st = yajl_parse(h, (const unsigned char *)p->text, p->len);
	if (st != yajl_status_ok && !act_err_isset(&p->err) && !(p->root && p->root->end))
		yajl_error(p, h, yajl_get_bytes_consumed(h));
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		/* Offsets now count in yajl's private final chunk: use the end. */
		if (st != yajl_status_ok && !act_err_isset(&p->err) &&
		    !(p->root && p->root->end))
			yajl_error(p, h, p->len);
	}
	yajl_free(h);
	if (act_err_isset(&p->err))
		return;
	if (!p->root || !p->root->end) {
		act_err_set(&p->err, EINVAL, "invalid JSON: incomplete value");
		return;
	}

	/* yajl's "trailing garbage", or \v and \f that yajl took for whitespace. */
	at = skip_ws(p, p->root->end);
	if (at < p->len)
		act_err_set(&p->err, EINVAL,
			    "invalid JSON at byte %zu: trailing data after the value",
			    at);
}

struct json_value *json_parse(const char *text, size_t len, struct act_err *err)
{
	struct parser *p = xcalloc(1, sizeof(*p));
	struct json_value *root;

	p->text = text;
	p->len = len;
	parse(p);
	root = p->root;
	if (act_err_isset(&p->err)) {
		act_err_set(err, p->err.code, "%s", p->err.msg);
		json_free(root);
		root = NULL;
	}
	free(p);
	return root;
}

/* Recursion is bounded: json_parse builds nothing deeper than JSON_MAX_DEPTH. */
void json_free(struct json_value *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->keylens);
	free(v->key_starts);
	free(v->key_ends);
	free(v->str);
	free(v);
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (streq(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

const struct json_value *json_named(const struct json_value *list, const char *name)
{
	for (size_t i = 0; list && list->type == JSON_ARRAY && i < list->n; i++)
		if (json_is_string(json_get(list->items[i], "name"), name))
			return list->items[i];
	return NULL;
}

const char *json_string(const struct json_value *v)
{
	return v && v->type == JSON_STRING ? v->str : NULL;
}

int json_is_string(const struct json_value *v, const char *s)
{
	return v && v->type == JSON_STRING && v->len == strlen(s) &&
	       memcmp(v->str, s, v->len) == 0;
}
