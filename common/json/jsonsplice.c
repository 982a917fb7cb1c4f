// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/json/jsonsplice.h"
#include "common/json/jsonstyle.h"
#include "common/base/strbuf.h"
#include "common/base/macro.h"

struct jsplice_member {
	const char *key;
	char *value;
	size_t len;
	size_t rank;   /* in the canonical order */
	size_t anchor; /* insert after member anchor - 1; 0: first */
	size_t seq;    /* order of the calls */
};

static void add_span(struct strbuf *b, const char *text, size_t start, size_t end)
{
	strbuf_add(b, text + start, end - start);
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
	struct json_style style;

	for (size_t i = 0; i < obj->n; i++) {
		if (streq(obj->keys[i], key)) {
			struct strbuf b = { 0 };

			json_style_of(&style, o->text, obj);
			json_style_adopt(&style, o->text, obj->items[i]);
			json_style_append(&b, &style, value, len);
			json_edit_replace(e, obj->items[i]->start, obj->items[i]->end, b.p, b.len);
			free(b.p);
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

void jsplice_object_remove(struct jsplice_object *o, struct json_edit *e, const char *key)
{
	const struct json_value *obj = o->obj;

	for (size_t i = 0; i < obj->n; i++) {
		if (!streq(obj->keys[i], key))
			continue;
		if (obj->n == 1)
			json_edit_replace(e, obj->start + 1, obj->end - 1, "", 0);
		else if (i > 0)
			json_edit_replace(e, obj->items[i - 1]->end, obj->items[i]->end, "", 0);
		else
			json_edit_replace(e, obj->key_starts[0], obj->key_starts[1], "", 0);
		return;
	}
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

/* "key" with the ':' spacing of member i (or s's, in an empty object),
 * then the value in style s. */
static void add_member(struct strbuf *b, const struct jsplice_object *o, size_t i,
		       const struct jsplice_member *m, const struct json_style *s)
{
	strbuf_adds(b, "\"");
	strbuf_adds(b, m->key);
	strbuf_adds(b, "\"");
	if (o->obj->n)
		add_span(b, o->text, o->obj->key_ends[i], o->obj->items[i]->start);
	else
		strbuf_adds(b, s->colon);
	json_style_append(b, s, m->value, m->len);
}

/* Before a new member of an empty container (an object, an array): its
 * separator, unless first, and in an indented document a line of its own. */
static void fill_before(struct strbuf *b, const struct json_style *s, bool first)
{
	if (!first)
		strbuf_adds(b, s->pretty ? "," : s->comma);
	if (s->pretty) {
		strbuf_adds(b, "\n");
		strbuf_adds(b, s->indent);
	}
}

/* After the last: in an indented document, the closing bracket on a line of
 * its own, one unit out. */
static void fill_close(struct strbuf *b, const struct json_style *s)
{
	if (s->pretty) {
		strbuf_adds(b, "\n");
		strbuf_add(b, s->indent, strlen(s->indent) - strlen(s->unit));
	}
}

void jsplice_object_finish(struct jsplice_object *o, struct json_edit *e)
{
	const struct json_value *obj = o->obj;
	const char *text = o->text;
	struct json_style style;

	if (!o->nadds)
		return;
	/* An empty object has no neighbour: the document's style (jsonstyle.h),
	 * which in a pretty document puts each member and the '}' on a line. */
	json_style_of(&style, text, obj);
	qsort(o->adds, o->nadds, sizeof(*o->adds), member_cmp);
	for (size_t i = 0; i < o->nadds;) {
		size_t a = o->adds[i].anchor, j = i, at;
		struct strbuf b = { 0 };

		for (; j < o->nadds && o->adds[j].anchor == a; j++) {
			const struct jsplice_member *m = &o->adds[j];

			if (obj->n == 0) {
				fill_before(&b, &style, j == i);
				add_member(&b, o, 0, m, &style);
			} else if (a == 0) {
				/* Before the first member, indented like it. */
				size_t ks = obj->key_starts[0];

				add_member(&b, o, 0, m, &style);
				strbuf_adds(&b, ",");
				add_span(&b, text, ws_before(text, ks, obj->start + 1), ks);
			} else {
				size_t k = a - 1, ks = obj->key_starts[k];
				size_t lo = k ? obj->items[k - 1]->end : obj->start + 1;

				strbuf_adds(&b, ",");
				add_span(&b, text, ws_before(text, ks, lo), ks);
				add_member(&b, o, k, m, &style);
			}
		}
		if (obj->n == 0 && style.pretty) {
			/* The blanks inside the braces give way to the new lines. */
			fill_close(&b, &style);
			json_edit_replace(e, obj->start + 1, obj->end - 1, b.p, b.len);
			free(b.p);
			i = j;
			continue;
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
	const struct json_value *last, *like = NULL;
	struct strbuf b = { 0 };
	size_t lo, kept = 0, indent;
	struct json_style base, style;

	/* New elements copy the last element that stays, a replacement the
	 * element it replaces: what a second run sees there, so that it writes
	 * the same bytes. */
	for (size_t i = arr->n; i > 0 && !like; i--)
		if (!ops || ops[i - 1].op != JSPLICE_DROP)
			like = arr->items[i - 1];
	if (!like && arr->n)
		like = arr->items[arr->n - 1]; /* all dropped: the last one still */
	json_style_of(&base, text, arr);
	style = base;
	json_style_adopt(&style, text, like);
	if (arr->n == 0) {
		/* In a pretty document, one element a line, the ']' on its own. */
		for (size_t j = 0; j < nappend; j++) {
			fill_before(&b, &style, j == 0);
			json_style_append(&b, &style, append[j].text, append[j].len);
		}
		if (nappend)
			fill_close(&b, &style);
		json_edit_replace(e, arr->start + 1, arr->end - 1, b.p ? b.p : "", b.len);
		free(b.p);
		return;
	}
	last = arr->items[arr->n - 1];
	/* New elements are separated as the last one was from the one before
	 * ('  ,' included); after a lone element, by ',' and its indentation. */
	lo = arr->n > 1 ? arr->items[arr->n - 2]->end : arr->start + 1;
	indent = arr->n > 1 ? lo : ws_before(text, last->start, lo);
	add_span(&b, text, arr->start + 1, arr->items[0]->start);
	for (size_t i = 0; i < arr->n; i++) {
		const struct json_value *v = arr->items[i];
		enum jsplice_op op = ops ? ops[i].op : JSPLICE_KEEP;

		if (op == JSPLICE_DROP)
			continue;
		if (kept++)
			add_span(&b, text, arr->items[i - 1]->end, v->start);
		if (op == JSPLICE_REPLACE) {
			struct json_style rs = base;

			json_style_adopt(&rs, text, v);
			json_style_append(&b, &rs, ops[i].text, ops[i].len);
		} else
			add_span(&b, text, v->start, v->end);
	}
	for (size_t j = 0; j < nappend; j++) {
		if (kept++) {
			if (arr->n == 1)
				strbuf_adds(&b, ",");
			add_span(&b, text, indent, last->start);
		}
		json_style_append(&b, &style, append[j].text, append[j].len);
	}
	add_span(&b, text, last->end, arr->end - 1);
	json_edit_replace(e, arr->start + 1, arr->end - 1, b.p, b.len);
	free(b.p);
}

/* ---- the splice list ---------------------------------------------------- */

struct json_splice {
	size_t start, end;
	char *text;
	size_t len;
	size_t seq;		/* insertion order, to keep the sort stable */
};

void json_edit_replace(struct json_edit *e, size_t start, size_t end, const char *text,
		       size_t len)
{
	struct json_splice *op;

	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 8;
		e->ops = xrealloc(e->ops, e->cap * sizeof(*e->ops));
	}
	op = &e->ops[e->n];
	*op = (struct json_splice){ start, end, xmalloc(len + 1), len, e->n };
	memcpy(op->text, text, len);
	op->text[len] = '\0';
	e->n++;
}

void json_edit_insert(struct json_edit *e, size_t at, const char *text, size_t len)
{
	json_edit_replace(e, at, at, text, len);
}

void json_edit_done(struct json_edit *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->ops[i].text);
	free(e->ops);
	*e = (struct json_edit)JSON_EDIT_INIT;
}

/* By start; at one offset, insertions (shorter spans) first; then as added. */
static int splice_cmp(const void *a, const void *b)
{
	const struct json_splice *x = *(const struct json_splice *const *)a;
	const struct json_splice *y = *(const struct json_splice *const *)b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int json_edit_apply(const struct json_edit *e, const char *src, size_t len, char **out,
		    size_t *outlen, struct act_err *err)
{
	_cleanup_free_ const struct json_splice **ops = NULL;
	size_t size = len, at = 0, o = 0;
	char *buf;

	ops = xmalloc((e->n + 1) * sizeof(*ops));
	for (size_t i = 0; i < e->n; i++)
		ops[i] = &e->ops[i];
	qsort(ops, e->n, sizeof(*ops), splice_cmp);
	for (size_t i = 0; i < e->n; i++) {
		if (ops[i]->start > ops[i]->end || ops[i]->end > len)
			return act_err_set(err, EINVAL,
					   "edit of bytes %zu-%zu is out of range",
					   ops[i]->start, ops[i]->end);
		if (i > 0 && ops[i - 1]->end > ops[i]->start)
			return act_err_set(err, EINVAL,
					   "edits at bytes %zu and %zu overlap",
					   ops[i - 1]->start, ops[i]->start);
		size = size - (ops[i]->end - ops[i]->start) + ops[i]->len;
	}
	buf = xmalloc(size + 1);
	for (size_t i = 0; i < e->n; i++) {
		memcpy(buf + o, src + at, ops[i]->start - at);
		o += ops[i]->start - at;
		memcpy(buf + o, ops[i]->text, ops[i]->len);
		o += ops[i]->len;
		at = ops[i]->end;
	}
	memcpy(buf + o, src + at, len - at);
	o += len - at;
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	return 0;
}
