// SPDX-License-Identifier: Apache-2.0
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/json/jsonstyle.h"
#include "common/base/strbuf.h"

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

/* The blanks that start the line holding offset at; false when they do not
 * fit (then the document is laid out as compact: nothing is cut). */
static bool line_indent(const char *text, size_t at, char *out, size_t size)
{
	size_t ls = at, n = 0;

	while (ls > 0 && text[ls - 1] != '\n')
		ls--;
	while (text[ls + n] == ' ' || text[ls + n] == '\t')
		n++;
	if (n >= size)
		return false;
	set(out, size, text + ls, n);
	return true;
}

/* The ':' spacing of an object in v's subtree, inner objects first (as for
 * find_comma below). */
static bool find_colon(const char *text, const struct json_value *v, char *out, size_t size)
{
	for (size_t i = 0; is_container(v) && i < v->n; i++)
		if (find_colon(text, v->items[i], out, size))
			return true;
	if (v->type == JSON_OBJECT && v->n && v->items[0]->start - v->key_ends[0] < size) {
		set(out, size, text + v->key_ends[0], v->items[0]->start - v->key_ends[0]);
		return true;
	}
	return false;
}

/* The separator between the first two members of a container on one line
 * in v's subtree, inner containers first: an edit adds and drops elements of
 * the outer ones, so what is inside stays the same from run to run. */
static bool find_comma(const char *text, const struct json_value *v, char *out, size_t size)
{
	for (size_t i = 0; is_container(v) && i < v->n; i++)
		if (find_comma(text, v->items[i], out, size))
			return true;
	if (is_container(v) && v->n > 1 && one_line(text, v)) {
		size_t a = v->items[0]->end;
		size_t b = v->type == JSON_OBJECT ? v->key_starts[1] : v->items[1]->start;

		if (b - a < size) {
			set(out, size, text + a, b - a);
			return true;
		}
	}
	return false;
}

/*
 * The document's own indent unit: the blanks before the root's first member
 * when that member is on a line of its own; else the document is taken for
 * compact, and false. An edit never changes these bytes, so a second run
 * reads the same unit, whatever lines the first one wrote.
 */
static bool root_unit(const char *text, char *unit, size_t size, size_t *first)
{
	size_t r = 0, m, nl;

	while (is_ws(text[r]))
		r++;
	if (text[r] != '{' && text[r] != '[')
		return false;
	for (m = r + 1; is_ws(text[m]); m++)
		;
	for (nl = m; nl > r && text[nl - 1] != '\n'; nl--)
		;
	if (nl == r || m == nl || m - nl >= size)
		return false;
	/* Blanks only: a stray '\r' or form feed makes no indent. */
	for (size_t i = nl; i < m; i++)
		if (text[i] != ' ' && text[i] != '\t')
			return false;
	set(unit, size, text + nl, m - nl);
	*first = m;
	return true;
}

/*
 * An empty container has no members to copy: it takes the document's way.
 * In an indented document its members go one unit below its line, with the
 * root's first key's ':' spacing.
 */
static void empty_style(struct json_style *s, const char *text, const struct json_value *c)
{
	size_t m, k, n;
	char line[sizeof(s->indent)];

	if (!root_unit(text, s->unit, sizeof(s->unit), &m))
		return;
	if (!line_indent(text, c->start, line, sizeof(line) - sizeof(s->unit)))
		return;
	s->pretty = true;
	/* line leaves room for the unit (line_indent's limit). */
	n = strlen(line);
	memcpy(s->indent, line, n);
	memcpy(s->indent + n, s->unit, strlen(s->unit) + 1);
	snprintf(s->colon, sizeof(s->colon), ": ");
	if (text[m] != '"')
		return;
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
	size_t first, m;

	*s = (struct json_style){ .colon = ":", .comma = ",", .inline_from = UINT_MAX };
	if (c->n == 0) {
		empty_style(s, text, c);
		return;
	}
	/* Members on lines of their own, in an indented document. */
	first = c->type == JSON_OBJECT ? c->key_starts[0] : c->items[0]->start;
	s->pretty = memchr(text + c->start, '\n', first - c->start) != NULL &&
		    root_unit(text, s->unit, sizeof(s->unit), &m);
	if (!find_colon(text, c, s->colon, sizeof(s->colon)))
		snprintf(s->colon, sizeof(s->colon), "%s", s->pretty ? ": " : ":");
	/* On one line: its own spacing, or what its ':' spacing suggests. */
	if (!find_comma(text, c, s->comma, sizeof(s->comma)))
		snprintf(s->comma, sizeof(s->comma), "%s", strchr(s->colon, ' ') ? ", " : ",");
	if (s->pretty && !line_indent(text, first, s->indent, sizeof(s->indent)))
		s->pretty = false;
}

void json_style_adopt(struct json_style *s, const char *text, const struct json_value *like)
{
	const struct json_value *v = like;
	unsigned depth = 0;

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

static void newline(struct strbuf *o, const struct json_style *s, unsigned depth)
{
	strbuf_adds(o, "\n");
	strbuf_adds(o, s->indent);
	for (unsigned i = 0; i < depth; i++)
		strbuf_adds(o, s->unit);
}

/* The next byte at or after at that is not whitespace, or len. */
static size_t next_token(const char *v, size_t at, size_t len)
{
	while (at < len && is_ws(v[at]))
		at++;
	return at;
}

/* How deep containers nest in v, a JSON text. */
static size_t nesting(const char *v, size_t len)
{
	size_t depth = 0, max = 0;

	for (size_t i = 0; i < len; i++) {
		if (v[i] == '"') {
			for (i++; i < len && v[i] != '"'; i += v[i] == '\\' ? 2 : 1)
				;
		} else if (v[i] == '{' || v[i] == '[') {
			max = ++depth > max ? depth : max;
		} else if ((v[i] == '}' || v[i] == ']') && depth) {
			depth--;
		}
	}
	return max;
}

void json_style_append(struct strbuf *o, const struct json_style *s, const char *v,
		       size_t len)
{
	/* Whether each open container has its members on lines of their own. */
	bool lines[JSON_MAX_DEPTH + 2] = { false };
	unsigned depth = 0;
	/* Lines indented deeper than json_style_of can read back go compact,
	 * so that a second run lays them out the same. */
	bool pretty = s->pretty &&
		      strlen(s->indent) + nesting(v, len) * strlen(s->unit) < sizeof(s->indent);

	for (size_t i = 0; i < len; i++) {
		char c = v[i];
		size_t nt;

		if (c == '"') {
			size_t j = i + 1;

			while (j < len && v[j] != '"')
				j += v[j] == '\\' ? 2 : 1;
			strbuf_add(o, v + i, (j < len ? j + 1 : len) - i);
			i = j;
		} else if (c == '{' || c == '[') {
			nt = next_token(v, i + 1, len);
			strbuf_add(o, &c, 1);
			if (nt < len && (v[nt] == '}' || v[nt] == ']')) {
				strbuf_add(o, v + nt, 1); /* {} and [] stay as they are */
				i = nt;
				continue;
			}
			if (depth + 1 >= ARRAY_SIZE(lines))
				continue; /* json_parse refuses such depths */
			lines[depth + 1] = pretty && depth < s->inline_from &&
					   (depth == 0 || lines[depth]);
			depth++;
			if (lines[depth])
				newline(o, s, depth);
		} else if (c == '}' || c == ']') {
			if (depth > 0 && lines[depth])
				newline(o, s, depth - 1);
			depth -= depth > 0;
			strbuf_add(o, &c, 1);
		} else if (c == ',') {
			if (lines[depth]) {
				strbuf_adds(o, ",");
				newline(o, s, depth);
			} else {
				strbuf_adds(o, s->comma);
			}
		} else if (c == ':') {
			strbuf_adds(o, s->colon);
		} else if (!is_ws(c)) {
			strbuf_add(o, &c, 1);
		}
	}
}
