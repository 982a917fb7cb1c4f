// SPDX-License-Identifier: Apache-2.0
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/json/jsonstyle.h"

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_container(const struct json_value *v)
{
	return v && (v->type == JSON_OBJECT || v->type == JSON_ARRAY);
}

static bool one_line(const char *text, const struct json_value *v)
{
	return !memchr(text + v->start, '\n', v->end - v->start);
}

static void set(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The blanks that start the line holding offset at. */
static void line_indent(const char *text, size_t at, char *out, size_t size)
{
	size_t ls = at, n = 0;

	while (ls > 0 && text[ls - 1] != '\n')
		ls--;
	while (text[ls + n] == ' ' || text[ls + n] == '\t')
		n++;
	set(out, size, text + ls, n);
}

/* The ':' spacing of the first member of an object in v's subtree. */
static bool find_colon(const char *text, const struct json_value *v, char *out, size_t size)
{
	if (v->type == JSON_OBJECT && v->n && v->items[0]->start - v->key_ends[0] < size) {
		set(out, size, text + v->key_ends[0], v->items[0]->start - v->key_ends[0]);
		return true;
	}
	for (size_t i = 0; is_container(v) && i < v->n; i++)
		if (find_colon(text, v->items[i], out, size))
			return true;
	return false;
}

/* The separator between the first two members of a container on one line
 * in v's subtree. */
static bool find_comma(const char *text, const struct json_value *v, char *out, size_t size)
{
	if (is_container(v) && v->n > 1 && one_line(text, v)) {
		size_t a = v->items[0]->end;
		size_t b = v->type == JSON_OBJECT ? v->key_starts[1] : v->items[1]->start;

		if (b - a < size) {
			set(out, size, text + a, b - a);
			return true;
		}
	}
	for (size_t i = 0; is_container(v) && i < v->n; i++)
		if (find_comma(text, v->items[i], out, size))
			return true;
	return false;
}

/*
 * An empty container has no members to copy: it takes the document's way,
 * read from the root's first member. When that is on a line of its own,
 * members go one level (the root's indent) below the container's line.
 */
static void empty_style(struct json_style *s, const char *text, const struct json_value *c)
{
	size_t r = 0, m, nl, k;
	char line[sizeof(s->indent)];

	while (is_ws(text[r]))
		r++;
	if (text[r] != '{' && text[r] != '[')
		return;
	for (m = r + 1; is_ws(text[m]); m++)
		;
	for (nl = m; nl > r && text[nl - 1] != '\n'; nl--)
		;
	if (nl == r || m == nl || m - nl >= sizeof(s->unit))
		return;
	s->pretty = true;
	set(s->unit, sizeof(s->unit), text + nl, m - nl);
	line_indent(text, c->start, line, sizeof(line) - sizeof(s->unit));
	memcpy(s->indent, line, strlen(line) + 1);
	strcat(s->indent, s->unit);
	snprintf(s->colon, sizeof(s->colon), ": ");
	if (text[m] != '"')
		return;
	/* The root's first key: its ':' spacing. */
	for (k = m + 1; text[k] && text[k] != '"'; k += text[k] == '\\' && text[k + 1] ? 2 : 1)
		;
	if (text[k] == '"') {
		size_t a = k + 1, b = a;

		while (is_ws(text[b]))
			b++;
		if (text[b] == ':') {
			for (b++; text[b] == ' ' || text[b] == '\t'; b++)
				;
			set(s->colon, sizeof(s->colon), text + a, b - a);
		}
	}
}

void json_style_of(struct json_style *s, const char *text, const struct json_value *c)
{
	char outer[sizeof(s->indent)];
	size_t first, ol, il;

	*s = (struct json_style){ .colon = ":", .comma = ",", .inline_from = UINT_MAX };
	if (c->n == 0) {
		empty_style(s, text, c);
		return;
	}
	first = c->type == JSON_OBJECT ? c->key_starts[0] : c->items[0]->start;
	s->pretty = memchr(text + c->start, '\n', first - c->start) != NULL;
	if (!find_colon(text, c, s->colon, sizeof(s->colon)))
		snprintf(s->colon, sizeof(s->colon), "%s", s->pretty ? ": " : ":");
	/* On one line: its own spacing, or what its ':' spacing suggests. */
	if (!find_comma(text, c, s->comma, sizeof(s->comma)))
		snprintf(s->comma, sizeof(s->comma), "%s", strchr(s->colon, ' ') ? ", " : ",");
	if (!s->pretty)
		return;
	line_indent(text, first, s->indent, sizeof(s->indent));
	line_indent(text, c->start, outer, sizeof(outer));
	ol = strlen(outer);
	il = strlen(s->indent);
	/* One level is what the members add to their container's line. */
	if (il > ol && strncmp(s->indent, outer, ol) == 0)
		set(s->unit, sizeof(s->unit), s->indent + ol, il - ol);
	else
		snprintf(s->unit, sizeof(s->unit), "%s", s->indent[0] == '\t' ? "\t" : "    ");
}

void json_style_like(struct json_style *s, const char *text, const struct json_value *c,
		     const struct json_value *like)
{
	const struct json_value *v = like;
	unsigned depth = 0;

	json_style_of(s, text, c);
	if (!is_container(like) || like->n == 0)
		return;
	/* Down like's first containers, to the first one on one line. */
	while (is_container(v) && v->n && !one_line(text, v)) {
		const struct json_value *next = NULL;

		for (size_t i = 0; i < v->n && !next; i++)
			if (is_container(v->items[i]) && v->items[i]->n)
				next = v->items[i];
		v = next;
		depth++;
	}
	if (v)
		s->inline_from = depth;
	find_colon(text, like, s->colon, sizeof(s->colon));
	if (!find_comma(text, like, s->comma, sizeof(s->comma)) && s->pretty)
		snprintf(s->comma, sizeof(s->comma), "%s", strchr(s->colon, ' ') ? ", " : ",");
}

struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = 2 * (o->len + n + 1);
		o->p = xrealloc(o->p, o->cap);
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void newline(struct out *o, const struct json_style *s, unsigned depth)
{
	puts_(o, "\n");
	puts_(o, s->indent);
	for (unsigned i = 0; i < depth; i++)
		puts_(o, s->unit);
}

/* The next byte at or after at that is not whitespace, or len. */
static size_t next_token(const char *v, size_t at, size_t len)
{
	while (at < len && is_ws(v[at]))
		at++;
	return at;
}

char *json_style_value(const struct json_style *s, const char *v, size_t len, size_t *outlen)
{
	/* Whether each open container has its members on lines of their own. */
	bool lines[JSON_MAX_DEPTH + 2] = { false };
	struct out o = { 0 };
	unsigned depth = 0;

	put(&o, "", 0);
	for (size_t i = 0; i < len; i++) {
		char c = v[i];
		size_t nt;

		if (c == '"') {
			size_t j = i + 1;

			while (j < len && v[j] != '"')
				j += v[j] == '\\' ? 2 : 1;
			put(&o, v + i, (j < len ? j + 1 : len) - i);
			i = j;
		} else if (c == '{' || c == '[') {
			nt = next_token(v, i + 1, len);
			put(&o, &c, 1);
			if (nt < len && (v[nt] == '}' || v[nt] == ']')) {
				put(&o, v + nt, 1); /* {} and [] stay as they are */
				i = nt;
				continue;
			}
			if (depth + 1 >= ARRAY_SIZE(lines))
				continue; /* json_parse refuses such depths */
			lines[depth + 1] = s->pretty && depth < s->inline_from &&
					   (depth == 0 || lines[depth]);
			depth++;
			if (lines[depth])
				newline(&o, s, depth);
		} else if (c == '}' || c == ']') {
			if (depth > 0 && lines[depth])
				newline(&o, s, depth - 1);
			depth -= depth > 0;
			put(&o, &c, 1);
		} else if (c == ',') {
			if (lines[depth]) {
				puts_(&o, ",");
				newline(&o, s, depth);
			} else {
				puts_(&o, s->comma);
			}
		} else if (c == ':') {
			puts_(&o, s->colon);
		} else if (!is_ws(c)) {
			put(&o, &c, 1);
		}
	}
	*outlen = o.len;
	return o.p;
}
