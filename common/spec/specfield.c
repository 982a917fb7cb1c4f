// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/base/macro.h"
#include "common/spec/specfield.h"

const char *spec_quote(struct quoted *q, const char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Cut only before a character, never inside one. */
		if ((c & 0xc0) != 0x80 && o + 8 >= sizeof(q->s)) {
			memcpy(q->s + o, "...", 4);
			return q->s;
		}
		if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\')
			o += (size_t)snprintf(q->s + o, sizeof(q->s) - o, "\\x%02x", c);
		else
			q->s[o++] = (char)c;
	}
	q->s[o] = '\0';
	return q->s;
}

const char *spec_at_key(struct path *p, const char *parent, const char *key)
{
	snprintf(p->s, sizeof(p->s), "%s%s%s", parent, parent[0] ? "." : "", key);
	return p->s;
}

const char *spec_at_index(struct path *p, const char *parent, size_t i)
{
	snprintf(p->s, sizeof(p->s), "%s[%zu]", parent, i);
	return p->s;
}

const char *spec_type_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL: return "null";
	case JSON_BOOL: return "a boolean";
	case JSON_NUMBER: return "a number";
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	}
	return "?";
}

bool spec_want(struct spec_report *r, const char *field, const struct json_value *v,
	       enum json_type t)
{
	if (v->type == t)
		return true;
	spec_report_add(r, field, "must be %s, not %s", spec_type_name(t), spec_type_name(v->type));
	return false;
}

/* A member the spec requires; a key differing only in case gets a hint, as
 * appc's decoder would have taken it. */
const struct json_value *spec_required(struct spec_report *r, const char *parent,
				       const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	if (v && v->type != JSON_NULL)
		return v;
	if (v) {
		spec_report_add(r, KEY(parent, key), "required, but null");
		return NULL;
	}
	for (size_t i = 0; i < obj->n; i++) {
		if (strcasecmp(obj->keys[i], key) == 0) {
			spec_report_add(r, KEY(parent, key),
					"missing (there is '%s': keys are case-sensitive)",
					spec_quote(&(struct quoted){ .s = "" }, obj->keys[i],
						   obj->keylens[i]));
			return NULL;
		}
	}
	spec_report_add(r, KEY(parent, key), "missing");
	return NULL;
}

/* An optional member: NULL when absent or null. */
const struct json_value *spec_optional(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	return v && v->type != JSON_NULL ? v : NULL;
}

bool spec_streq_n(const struct json_value *v, const struct json_value *w)
{
	return v->len == w->len && memcmp(v->str, w->str, v->len) == 0;
}

bool spec_has_nul(const struct json_value *v)
{
	return memchr(v->str, '\0', v->len) != NULL;
}

/* A JSON integer (no fraction, no exponent) in [lo, hi]. */
bool spec_check_int(struct spec_report *r, const char *field, const struct json_value *v,
		    long long lo, long long hi, long long *out)
{
	const char *s;
	char *end;
	long long n;

	if (!spec_want(r, field, v, JSON_NUMBER))
		return false;
	s = v->str;
	if (strpbrk(s, ".eE")) {
		spec_report_add(r, field, "must be an integer, not %s", s);
		return false;
	}
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno == ERANGE || *end || n < lo || n > hi) {
		spec_report_add(r, field, "%s is out of range (%lld to %lld)", s, lo, hi);
		return false;
	}
	if (out)
		*out = n;
	return true;
}

long spec_earlier(const struct json_value *const *names, size_t i,
		  const struct json_value *name)
{
	for (size_t j = 0; j < i; j++)
		if (names[j] && spec_streq_n(names[j], name))
			return (long)j;
	return -1;
}

const struct json_value **spec_each_object(struct spec_report *r, const char *field,
					   const struct json_value *v, spec_object_fn fn,
					   void *ctx)
{
	const struct json_value **names;

	if (!spec_want(r, field, v, JSON_ARRAY))
		return NULL;
	/* One more than needed: an empty array still gets a list to free. */
	names = xcalloc(v->n + 1, sizeof(*names));
	for (size_t i = 0; i < v->n; i++) {
		struct path p;

		spec_at_index(&p, field, i);
		if (spec_want(r, p.s, v->items[i], JSON_OBJECT))
			names[i] = fn(r, field, i, p.s, v->items[i], names, ctx);
	}
	return names;
}

/* An object whose members are all strings (userAnnotations, sysctl). */
void spec_check_string_map(struct spec_report *r, const char *field,
			   const struct json_value *v)
{
	if (!spec_want(r, field, v, JSON_OBJECT))
		return;
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i]->type != JSON_STRING)
			spec_report_add(r, field, "the value of '%s' must be a string, not %s",
					spec_quote(&(struct quoted){ .s = "" }, v->keys[i], v->keylens[i]),
					spec_type_name(v->items[i]->type));
	}
}
