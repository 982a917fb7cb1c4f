// SPDX-License-Identifier: Apache-2.0
#include <stdint.h>
#include <string.h>

#include "common/json/jsonsplice.h"
#include "common/base/macro.h"

struct jsplice_member {
	const char *key;
	char *value;
	size_t len;
	size_t rank;   /* in the canonical order */
	size_t anchor; /* insert after member anchor - 1; 0: first */
	size_t seq;    /* order of the calls */
};

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1);
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_add_span(struct buf *b, const char *text, size_t start, size_t end)
{
	buf_add(b, text + start, end - start);
}

/* Start of the run of whitespace that ends at at, looking no further back than lo. */
static size_t ws_before(const char *text, size_t at, size_t lo)
{
	while (at > lo && (text[at - 1] == ' ' || text[at - 1] == '\t' ||
			   text[at - 1] == '\n' || text[at - 1] == '\r'))
		at--;
	return at;
}

static size_t rank_of(const char *const *order, const char *key)
{
	for (size_t i = 0; order && order[i]; i++)
		if (streq(order[i], key))
			return i;
	return SIZE_MAX;
}

void jsplice_object_init(struct jsplice_object *o, const char *text,
			 const struct json_value *obj, const char *const *order)
{
	*o = (struct jsplice_object){ .text = text, .obj = obj, .order = order };
}

void jsplice_object_set(struct jsplice_object *o, struct json_edit *e, const char *key,
			const char *value, size_t len)
{
	const struct json_value *obj = o->obj;
	struct jsplice_member *m;
	size_t rank = rank_of(o->order, key), anchor;

	for (size_t i = 0; i < obj->n; i++) {
		if (streq(obj->keys[i], key)) {
			json_edit_replace(e, obj->items[i]->start, obj->items[i]->end, value, len);
			return;
		}
	}
	/* After the last member that comes before key in the canonical order;
	 * else before the first that comes after it; else last. */
	anchor = obj->n;
	for (size_t i = obj->n; i > 0 && rank != SIZE_MAX; i--) {
		size_t r = rank_of(o->order, obj->keys[i - 1]);

		if (r < rank) {
			anchor = i;
			break;
		}
		if (r != SIZE_MAX)
			anchor = i - 1;
	}
	o->adds = xrealloc(o->adds, (o->nadds + 1) * sizeof(*o->adds));
	m = &o->adds[o->nadds++];
	*m = (struct jsplice_member){ key, xstrndup(value, len), len, rank, anchor, o->nadds - 1 };
}

static int member_cmp(const void *a, const void *b)
{
	const struct jsplice_member *x = a, *y = b;

	if (x->anchor != y->anchor)
		return x->anchor < y->anchor ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* "key" with the ':' spacing of member i, then the value. */
static void add_member(struct buf *b, const struct jsplice_object *o, size_t i,
		       const struct jsplice_member *m)
{
	buf_adds(b, "\"");
	buf_adds(b, m->key);
	buf_adds(b, "\"");
	if (o->obj->n)
		buf_add_span(b, o->text, o->obj->key_ends[i], o->obj->items[i]->start);
	else
		buf_adds(b, ":");
	buf_add(b, m->value, m->len);
}

void jsplice_object_finish(struct jsplice_object *o, struct json_edit *e)
{
	const struct json_value *obj = o->obj;
	const char *text = o->text;

	if (o->nadds)
		qsort(o->adds, o->nadds, sizeof(*o->adds), member_cmp);
	for (size_t i = 0; i < o->nadds;) {
		size_t a = o->adds[i].anchor, j = i, at;
		struct buf b = { 0 };

		for (; j < o->nadds && o->adds[j].anchor == a; j++) {
			const struct jsplice_member *m = &o->adds[j];

			if (obj->n == 0) {
				if (j > i)
					buf_adds(&b, ",");
				add_member(&b, o, 0, m);
			} else if (a == 0) {
				/* Before the first member, indented like it. */
				size_t ks = obj->key_starts[0];

				add_member(&b, o, 0, m);
				buf_adds(&b, ",");
				buf_add_span(&b, text, ws_before(text, ks, obj->start + 1), ks);
			} else {
				size_t k = a - 1, ks = obj->key_starts[k];
				size_t lo = k ? obj->items[k - 1]->end : obj->start + 1;

				buf_adds(&b, ",");
				buf_add_span(&b, text, ws_before(text, ks, lo), ks);
				add_member(&b, o, k, m);
			}
		}
		if (obj->n == 0)
			at = obj->start + 1;
		else if (a == 0)
			at = obj->key_starts[0];
		else
			at = obj->items[a - 1]->end;
		json_edit_insert(e, at, b.p, b.len);
		free(b.p);
		i = j;
	}
	for (size_t i = 0; i < o->nadds; i++)
		free(o->adds[i].value);
	free(o->adds);
	o->adds = NULL;
	o->nadds = 0;
}

void jsplice_array_rewrite(struct json_edit *e, const char *text,
			   const struct json_value *arr, const struct jsplice_elem *ops,
			   const struct jsplice_elem *append, size_t nappend)
{
	const struct json_value *last;
	struct buf b = { 0 };
	size_t lo, kept = 0, indent;

	if (arr->n == 0) {
		for (size_t j = 0; j < nappend; j++) {
			if (j)
				buf_adds(&b, ",");
			buf_add(&b, append[j].text, append[j].len);
		}
		json_edit_replace(e, arr->start + 1, arr->end - 1, b.p ? b.p : "", b.len);
		free(b.p);
		return;
	}
	last = arr->items[arr->n - 1];
	lo = arr->n > 1 ? arr->items[arr->n - 2]->end : arr->start + 1;
	indent = ws_before(text, last->start, lo);
	buf_add_span(&b, text, arr->start + 1, arr->items[0]->start);
	for (size_t i = 0; i < arr->n; i++) {
		const struct json_value *v = arr->items[i];
		enum jsplice_op op = ops ? ops[i].op : JSPLICE_KEEP;

		if (op == JSPLICE_DROP)
			continue;
		if (kept++)
			buf_add_span(&b, text, arr->items[i - 1]->end, v->start);
		if (op == JSPLICE_REPLACE)
			buf_add(&b, ops[i].text, ops[i].len);
		else
			buf_add_span(&b, text, v->start, v->end);
	}
	for (size_t j = 0; j < nappend; j++) {
		if (kept++) {
			buf_adds(&b, ",");
			buf_add_span(&b, text, indent, last->start);
		}
		buf_add(&b, append[j].text, append[j].len);
	}
	buf_add_span(&b, text, last->end, arr->end - 1);
	json_edit_replace(e, arr->start + 1, arr->end - 1, b.p, b.len);
	free(b.p);
}
