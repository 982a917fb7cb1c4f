// SPDX-License-Identifier: Apache-2.0
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/strbuf.h"
#include "common/json/jsondiff.h"
#include "common/json/jsongen.h"

/* Arrays longer than this pair by index: the subsequence table is n * m. */
#define LCS_MAX 2000

char *json_compact(const struct json_value *v)
{
	struct json_gen *g = json_gen_new();
	struct act_err err = { 0 };
	size_t len;
	char *s;

	json_gen_value(g, v);
	/* A parsed tree always makes valid text. */
	s = json_gen_finish(g, &len, &err);
	json_gen_free(g);
	if (!s)
		abort();
	return s;
}

static const struct json_value *member(const struct json_value *obj, const char *key,
				       size_t len)
{
	for (size_t i = 0; i < obj->n; i++)
		if (obj->keylens[i] == len && memcmp(obj->keys[i], key, len) == 0)
			return obj->items[i];
	return NULL;
}

int json_equal(const struct json_value *a, const struct json_value *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case JSON_NULL:
		return 1;
	case JSON_BOOL:
		return !a->boolean == !b->boolean;
	case JSON_NUMBER:
	case JSON_STRING:
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	case JSON_ARRAY:
		if (a->n != b->n)
			return 0;
		for (size_t i = 0; i < a->n; i++)
			if (!json_equal(a->items[i], b->items[i]))
				return 0;
		return 1;
	case JSON_OBJECT:
		if (a->n != b->n)
			return 0;
		for (size_t i = 0; i < a->n; i++) {
			const struct json_value *m = member(b, a->keys[i], a->keylens[i]);

			if (!m || !json_equal(a->items[i], m))
				return 0;
		}
		return 1;
	}
	return 0;
}

struct walk {
	jsondiff_fn fn;
	void *ctx;
	int count;
	struct strbuf path;
};

/* Back to a path of len bytes. */
static void path_cut(struct walk *w, size_t len)
{
	w->path.len = len;
	w->path.p[len] = '\0';
}

static void path_key(struct walk *w, const char *key, size_t len)
{
	bool plain = len > 0 && !(key[0] >= '0' && key[0] <= '9');

	for (size_t i = 0; i < len && plain; i++)
		plain = (key[i] >= 'a' && key[i] <= 'z') || (key[i] >= 'A' && key[i] <= 'Z') ||
			(key[i] >= '0' && key[i] <= '9') || key[i] == '_';
	if (plain) {
		strbuf_add(&w->path, ".", 1);
		strbuf_add(&w->path, key, len);
	} else {
		size_t qlen;
		struct act_err err = { 0 };
		_cleanup_free_ char *q = json_gen_string(key, len, &qlen, &err);

		strbuf_add(&w->path, ".[", 2);
		strbuf_add(&w->path, q ? q : "\"?\"", q ? qlen : 3);
		strbuf_add(&w->path, "]", 1);
	}
}

static void path_index(struct walk *w, size_t i)
{
	char b[32];

	/* jq's .[0] at the top, .a[0] below. */
	strbuf_add(&w->path, b, (size_t)snprintf(b, sizeof(b), "%s[%zu]", w->path.len ? "" : ".", i));
}

static int emit(struct walk *w, enum jsondiff_kind kind, const struct json_value *a,
		const struct json_value *b)
{
	_cleanup_free_ char *old = a ? json_compact(a) : NULL;
	_cleanup_free_ char *new = b ? json_compact(b) : NULL;
	struct jsondiff_change c = {
		.kind = kind,
		.path = w->path.len ? w->path.p : ".",
		.old_json = old,
		.new_json = new,
	};
	int r = w->fn(w->ctx, &c);

	if (r < 0)
		return r;
	w->count++;
	return 0;
}

static int diff(struct walk *w, const struct json_value *a, const struct json_value *b);

static int diff_at_index(struct walk *w, size_t i, const struct json_value *a,
			 const struct json_value *b)
{
	size_t keep = w->path.len;
	int r;

	path_index(w, i);
	if (a && b)
		r = diff(w, a, b);
	else
		r = emit(w, a ? JSONDIFF_REMOVED : JSONDIFF_ADDED, a, b);
	path_cut(w, keep);
	return r;
}

/* The "name" string of each element, if every element has a distinct one. */
static bool named(const struct json_value *arr)
{
	for (size_t i = 0; i < arr->n; i++) {
		const struct json_value *n = json_get(arr->items[i], "name");

		if (!n || n->type != JSON_STRING)
			return false;
		for (size_t j = 0; j < i; j++) {
			const struct json_value *m = json_get(arr->items[j], "name");

			if (m->len == n->len && memcmp(m->str, n->str, n->len) == 0)
				return false;
		}
	}
	return true;
}

static const struct json_value *by_name(const struct json_value *arr,
					const struct json_value *name, size_t *at)
{
	for (size_t i = 0; i < arr->n; i++) {
		const struct json_value *m = json_get(arr->items[i], "name");

		if (m->len == name->len && memcmp(m->str, name->str, name->len) == 0) {
			*at = i;
			return arr->items[i];
		}
	}
	return NULL;
}

static int diff_named(struct walk *w, const struct json_value *a, const struct json_value *b)
{
	size_t at;
	int r;

	for (size_t i = 0; i < a->n; i++) {
		const struct json_value *m = by_name(b, json_get(a->items[i], "name"), &at);

		if ((r = diff_at_index(w, i, a->items[i], m)) < 0)
			return r;
	}
	for (size_t j = 0; j < b->n; j++)
		if (!by_name(a, json_get(b->items[j], "name"), &at) &&
		    (r = diff_at_index(w, j, NULL, b->items[j])) < 0)
			return r;
	return 0;
}

/* A gap between common elements: a[i0, i1) against b[j0, j1). */
static int diff_gap(struct walk *w, const struct json_value *a, size_t i0, size_t i1,
		    const struct json_value *b, size_t j0, size_t j1)
{
	int r;

	for (; i0 < i1 && j0 < j1; i0++, j0++)
		if ((r = diff_at_index(w, i0, a->items[i0], b->items[j0])) < 0)
			return r;
	for (; i0 < i1; i0++)
		if ((r = diff_at_index(w, i0, a->items[i0], NULL)) < 0)
			return r;
	for (; j0 < j1; j0++)
		if ((r = diff_at_index(w, j0, NULL, b->items[j0])) < 0)
			return r;
	return 0;
}

static int diff_array(struct walk *w, const struct json_value *a, const struct json_value *b)
{
	size_t n = a->n, m = b->n, i = 0, j = 0, i0 = 0, j0 = 0;
	unsigned *t;
	int r = 0;

	if (n && m && named(a) && named(b))
		return diff_named(w, a, b);
	if (n > LCS_MAX || m > LCS_MAX)
		return diff_gap(w, a, 0, n, b, 0, m);
	/* t[i][j]: the longest common subsequence of a[i..] and b[j..]. */
	t = xcalloc((n + 1) * (m + 1), sizeof(*t));
#define T(x, y) t[(x) * (m + 1) + (y)]
	for (size_t x = n; x-- > 0;)
		for (size_t y = m; y-- > 0;)
			T(x, y) = json_equal(a->items[x], b->items[y]) ? T(x + 1, y + 1) + 1
				  : T(x + 1, y) > T(x, y + 1)		  ? T(x + 1, y)
									  : T(x, y + 1);
	while (i < n && j < m) {
		if (json_equal(a->items[i], b->items[j]) && T(i, j) == T(i + 1, j + 1) + 1) {
			if ((r = diff_gap(w, a, i0, i, b, j0, j)) < 0)
				break;
			i0 = ++i;
			j0 = ++j;
		} else if (T(i + 1, j) >= T(i, j + 1)) {
			i++;
		} else {
			j++;
		}
	}
#undef T
	free(t);
	if (r < 0)
		return r;
	return diff_gap(w, a, i0, n, b, j0, m);
}

static int diff_object(struct walk *w, const struct json_value *a, const struct json_value *b)
{
	int r;

	for (size_t i = 0; i < a->n; i++) {
		const struct json_value *m = member(b, a->keys[i], a->keylens[i]);
		size_t keep = w->path.len;

		path_key(w, a->keys[i], a->keylens[i]);
		r = m ? diff(w, a->items[i], m) : emit(w, JSONDIFF_REMOVED, a->items[i], NULL);
		path_cut(w, keep);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < b->n; i++) {
		size_t keep = w->path.len;

		if (member(a, b->keys[i], b->keylens[i]))
			continue;
		path_key(w, b->keys[i], b->keylens[i]);
		r = emit(w, JSONDIFF_ADDED, NULL, b->items[i]);
		path_cut(w, keep);
		if (r < 0)
			return r;
	}
	return 0;
}

static int diff(struct walk *w, const struct json_value *a, const struct json_value *b)
{
	if (json_equal(a, b))
		return 0;
	if (a->type == JSON_OBJECT && b->type == JSON_OBJECT)
		return diff_object(w, a, b);
	if (a->type == JSON_ARRAY && b->type == JSON_ARRAY)
		return diff_array(w, a, b);
	return emit(w, JSONDIFF_CHANGED, a, b);
}

int jsondiff(const struct json_value *a, const struct json_value *b, jsondiff_fn fn, void *ctx)
{
	struct walk w = { .fn = fn, .ctx = ctx };
	int r;

	strbuf_add(&w.path, "", 0);
	r = diff(&w, a, b);
	free(w.path.p);
	return r < 0 ? r : w.count;
}
