// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/capname.h"
#include "common/json.h"
#include "common/macro.h"
#include "common/spec.h"

/*
 * Where the spec and appc's Go code disagree, the spec wins (see
 * shared/reference/appc-spec.md and acitool-validate(1)): the identifier
 * regexes as written, strict SemVer, required port protocols, known
 * capability and errno names, exclusive retain and remove sets. Where the
 * spec is silent, what appc's code accepts is accepted: unknown members and
 * unknown isolators are fine, null stands for an absent optional member.
 */

void spec_report_add(struct spec_report *r, const char *field, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;
	char *msg;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap2);
	va_end(ap2);
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 8;
		r->items = xrealloc(r->items, r->cap * sizeof(*r->items));
	}
	r->items[r->n].field = xstrdup(field ? field : "");
	r->items[r->n].message = msg;
	r->n++;
}

void spec_report_free(struct spec_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].field);
		free(r->items[i].message);
	}
	free(r->items);
	*r = (struct spec_report)SPEC_REPORT_INIT;
}

static bool is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ^[a-z0-9]+([seps][a-z0-9]+)*$: runs of alphanumerics, single separators. */
static bool runs_separated(const char *s, size_t len, const char *seps)
{
	bool after_sep = true; /* the start counts as one: no leading separator */

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (is_alnum_lower(s[i])) {
			after_sep = false;
		} else if (s[i] != '\0' && strchr(seps, s[i]) && !after_sep) {
			after_sep = true;
		} else {
			return false;
		}
	}
	return !after_sep;
}

bool spec_is_acidentifier(const char *s, size_t len)
{
	return runs_separated(s, len, "-._~/");
}

bool spec_is_acname(const char *s, size_t len)
{
	return runs_separated(s, len, "-");
}

bool spec_is_env_name(const char *s, size_t len)
{
	if (len == 0 || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') ||
			  (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* A dot-separated list of non-empty [0-9A-Za-z-] identifiers; numeric ones
 * without leading zeros when numeric_strict. */
static bool semver_idents(const char *s, size_t len, bool numeric_strict)
{
	size_t i = 0;

	if (len == 0)
		return false;
	while (i <= len) {
		size_t start = i;
		bool all_digits = true;

		while (i < len && s[i] != '.') {
			char c = s[i];

			if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
			      (c >= 'a' && c <= 'z') || c == '-'))
				return false;
			if (!(c >= '0' && c <= '9'))
				all_digits = false;
			i++;
		}
		if (i == start)
			return false;
		if (numeric_strict && all_digits && s[start] == '0' && i - start > 1)
			return false;
		i++; /* past the '.' (or the end) */
	}
	return true;
}

/* SemVer 2.0.0, as semver.org's grammar; the major number in *major. */
bool spec_is_semver(const char *s, size_t len, unsigned long long *major)
{
	size_t core = 0, i = 0;
	unsigned long long nums[3] = { 0 };

	while (core < len && s[core] != '-' && s[core] != '+')
		core++;
	for (int part = 0; part < 3; part++) {
		size_t start = i;

		while (i < core && s[i] >= '0' && s[i] <= '9') {
			if (nums[part] > (ULLONG_MAX - 9) / 10)
				return false;
			nums[part] = nums[part] * 10 + (unsigned)(s[i] - '0');
			i++;
		}
		if (i == start || (s[start] == '0' && i - start > 1))
			return false;
		if (part < 2) {
			if (i >= core || s[i] != '.')
				return false;
			i++;
		}
	}
	if (i != core)
		return false;
	if (core < len && s[core] == '-') {
		size_t end = core + 1;

		while (end < len && s[end] != '+')
			end++;
		if (!semver_idents(s + core + 1, end - core - 1, true))
			return false;
		core = end;
	}
	if (core < len && !semver_idents(s + core + 1, len - core - 1, false))
		return false;
	if (major)
		*major = nums[0];
	return true;
}

/* ------------------------------------------------------------------------ */

/* A user's string fit for a one-line message: control bytes escaped, long
 * strings cut. */
struct quoted {
	char s[100];
};

static const char *quote(struct quoted *q, const char *s, size_t len)
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

#define Q(v) quote(&(struct quoted){ .s = "" }, (v)->str, (v)->len)

struct path {
	char s[512];
};

static const char *at_key(struct path *p, const char *parent, const char *key)
{
	snprintf(p->s, sizeof(p->s), "%s%s%s", parent, parent[0] ? "." : "", key);
	return p->s;
}

static const char *at_index(struct path *p, const char *parent, size_t i)
{
	snprintf(p->s, sizeof(p->s), "%s[%zu]", parent, i);
	return p->s;
}

#define KEY(parent, key) at_key(&(struct path){ .s = "" }, (parent), (key))
#define IDX(parent, i) at_index(&(struct path){ .s = "" }, (parent), (i))

static const char *type_name(enum json_type t)
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

static bool want(struct spec_report *r, const char *field, const struct json_value *v,
		 enum json_type t)
{
	if (v->type == t)
		return true;
	spec_report_add(r, field, "must be %s, not %s", type_name(t), type_name(v->type));
	return false;
}

/* A member the spec requires; a key differing only in case gets a hint, as
 * appc's decoder would have taken it. */
static const struct json_value *required(struct spec_report *r, const char *parent,
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
					quote(&(struct quoted){ .s = "" }, obj->keys[i],
					      obj->keylens[i]));
			return NULL;
		}
	}
	spec_report_add(r, KEY(parent, key), "missing");
	return NULL;
}

/* An optional member: NULL when absent or null. */
static const struct json_value *optional(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	return v && v->type != JSON_NULL ? v : NULL;
}

static bool streq_n(const struct json_value *v, const struct json_value *w)
{
	return v->len == w->len && memcmp(v->str, w->str, v->len) == 0;
}

static bool has_nul(const struct json_value *v)
{
	return memchr(v->str, '\0', v->len) != NULL;
}

/* A JSON integer (no fraction, no exponent) in [lo, hi]. */
static bool check_int(struct spec_report *r, const char *field, const struct json_value *v,
		      long long lo, long long hi, long long *out)
{
	const char *s;
	char *end;
	long long n;

	if (!want(r, field, v, JSON_NUMBER))
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

static bool check_absolute(struct spec_report *r, const char *field, const struct json_value *v)
{
	if (!want(r, field, v, JSON_STRING))
		return false;
	if (v->len == 0 || v->str[0] != '/') {
		spec_report_add(r, field, "not an absolute path: '%s'", Q(v));
		return false;
	}
	return true;
}

static void check_acidentifier(struct spec_report *r, const char *field,
			       const struct json_value *v)
{
	if (want(r, field, v, JSON_STRING) && !spec_is_acidentifier(v->str, v->len))
		spec_report_add(r, field, "not an ACIdentifier: '%s'", Q(v));
}

static void check_string_array(struct spec_report *r, const char *field,
			       const struct json_value *v)
{
	if (!want(r, field, v, JSON_ARRAY))
		return;
	for (size_t i = 0; i < v->n; i++)
		want(r, IDX(field, i), v->items[i], JSON_STRING);
}

/* An object whose members are all strings (userAnnotations, sysctl). */
static void check_string_map(struct spec_report *r, const char *field,
			     const struct json_value *v)
{
	if (!want(r, field, v, JSON_OBJECT))
		return;
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i]->type != JSON_STRING)
			spec_report_add(r, field, "the value of '%s' must be a string, not %s",
					quote(&(struct quoted){ .s = "" }, v->keys[i], v->keylens[i]),
					type_name(v->items[i]->type));
	}
}

/* ------------------------------------------------------------------------ */
/* Lists of {name, value} (labels, annotations, environment). */

typedef void (*name_check_fn)(struct spec_report *r, const char *field,
			      const struct json_value *name);

/* Checks each entry's name and value; the names (valid strings or NULL) go
 * to names[] for the caller's own checks. Returns the array, or NULL. */
static const struct json_value *
check_name_values(struct spec_report *r, const char *field, const struct json_value *list,
		  name_check_fn check_name, const char *what,
		  const struct json_value ***names_out)
{
	const struct json_value **names;

	if (!want(r, field, list, JSON_ARRAY))
		return NULL;
	names = xcalloc(list->n, sizeof(*names));
	for (size_t i = 0; i < list->n; i++) {
		const struct json_value *e = list->items[i], *name, *value;
		struct path p;

		at_index(&p, field, i);
		if (!want(r, p.s, e, JSON_OBJECT))
			continue;
		name = required(r, p.s, e, "name");
		value = required(r, p.s, e, "value");
		if (value)
			want(r, KEY(p.s, "value"), value, JSON_STRING);
		if (!name || !want(r, KEY(p.s, "name"), name, JSON_STRING))
			continue;
		check_name(r, KEY(p.s, "name"), name);
		for (size_t j = 0; j < i; j++) {
			if (names[j] && streq_n(names[j], name)) {
				spec_report_add(r, KEY(p.s, "name"), "duplicate %s '%s' (also %s[%zu])",
						what, Q(name), field, j);
				break;
			}
		}
		names[i] = name;
	}
	*names_out = names;
	return list;
}

/* os/arch pairs as appc's types.ValidOSArch lists them (a superset of the
 * spec's text, which invites implementations to extend it). */
static const struct {
	const char *os;
	const char *const arch[11];
} os_arch[] = {
	{ "darwin", { "x86_64", "i386" } },
	{ "freebsd", { "amd64", "i386", "arm" } },
	{ "linux", { "amd64", "i386", "aarch64", "aarch64_be", "armv6l", "armv7l", "armv7b",
		     "ppc64", "ppc64le", "s390x" } },
};

static void label_name(struct spec_report *r, const char *field, const struct json_value *n)
{
	if (!spec_is_acidentifier(n->str, n->len))
		spec_report_add(r, field, "not an ACIdentifier: '%s'", Q(n));
	else if (json_is_string(n, "name"))
		spec_report_add(r, field, "a label cannot be called 'name' (that is the image's name)");
}

static void check_os_arch(struct spec_report *r, const char *field,
			  const struct json_value *list, const struct json_value **names)
{
	const struct json_value *os = NULL, *arch = NULL;
	size_t os_i = 0, arch_i = 0;
	char known[256] = "";

	for (size_t i = 0; i < list->n; i++) {
		const struct json_value *v;

		if (!names[i] || !(v = json_get(list->items[i], "value")) ||
		    v->type != JSON_STRING)
			continue;
		if (json_is_string(names[i], "os"))
			os = v, os_i = i;
		else if (json_is_string(names[i], "arch"))
			arch = v, arch_i = i;
	}
	if (!os)
		return; /* "arch is meaningful only if os is provided" */
	for (size_t k = 0; k < ARRAY_SIZE(os_arch); k++) {
		if (!json_is_string(os, os_arch[k].os)) {
			snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
				 k ? ", " : "", os_arch[k].os);
			continue;
		}
		if (!arch)
			return;
		known[0] = '\0';
		for (size_t a = 0; a < ARRAY_SIZE(os_arch[k].arch) && os_arch[k].arch[a]; a++) {
			if (json_is_string(arch, os_arch[k].arch[a]))
				return;
			snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
				 a ? ", " : "", os_arch[k].arch[a]);
		}
		spec_report_add(r, KEY(IDX(field, arch_i), "value"),
				"unknown arch '%s' for os '%s' (known: %s)", Q(arch),
				os_arch[k].os, known);
		return;
	}
	spec_report_add(r, KEY(IDX(field, os_i), "value"), "unknown os '%s' (known: %s)",
			Q(os), known);
}

static void check_labels(struct spec_report *r, const char *field, const struct json_value *v)
{
	const struct json_value **names = NULL;

	if (check_name_values(r, field, v, label_name, "label", &names))
		check_os_arch(r, field, v, names);
	free(names);
}

/* ------------------------------------------------------------------------ */
/* Annotations. */

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* RFC 3339 date-time with the 'T' types.md insists on. */
static bool is_rfc3339(const char *s, size_t len)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t i = 19;
	int y, mo, d;

	if (len < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
	    !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return false;
	y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) ||
	    num(s + 11, 2) > 23 || num(s + 14, 2) > 59 || num(s + 17, 2) > 60)
		return false;
	if (s[i] == '.') {
		size_t start = ++i;

		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return false;
	}
	if (i + 1 == len && s[i] == 'Z')
		return true;
	return i + 6 == len && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) &&
	       s[i + 3] == ':' && digits(s + i + 4, 2) && num(s + i + 1, 2) <= 23 &&
	       num(s + i + 4, 2) <= 59;
}

/* An http or https URL with a host. */
static bool is_http_url(const char *s, size_t len)
{
	size_t i;

	if (len >= 7 && strncasecmp(s, "http://", 7) == 0)
		i = 7;
	else if (len >= 8 && strncasecmp(s, "https://", 8) == 0)
		i = 8;
	else
		return false;
	if (i == len || s[i] == '/' || s[i] == '?' || s[i] == '#')
		return false;
	for (; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

static void annotation_name(struct spec_report *r, const char *field,
			    const struct json_value *n)
{
	if (!spec_is_acidentifier(n->str, n->len))
		spec_report_add(r, field, "not an ACIdentifier: '%s'", Q(n));
}

static void check_annotations(struct spec_report *r, const char *field,
			      const struct json_value *v)
{
	const struct json_value **names = NULL;

	if (!check_name_values(r, field, v, annotation_name, "annotation", &names))
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct json_value *val;
		const char *f;

		if (!names[i] || !(val = json_get(v->items[i], "value")) ||
		    val->type != JSON_STRING)
			continue;
		f = KEY(IDX(field, i), "value");
		if (json_is_string(names[i], "created") && !is_rfc3339(val->str, val->len))
			spec_report_add(r, f, "not an RFC 3339 date-time: '%s'", Q(val));
		else if ((json_is_string(names[i], "homepage") ||
			  json_is_string(names[i], "documentation")) &&
			 !is_http_url(val->str, val->len))
			spec_report_add(r, f, "not an http or https URL: '%s'", Q(val));
		else if (json_is_string(names[i], "appc.io/executor/supports-systemd-notify") &&
			 !json_is_string(val, "true") && !json_is_string(val, "false"))
			spec_report_add(r, f, "must be 'true' or 'false', not '%s'", Q(val));
	}
	free(names);
}

/* ------------------------------------------------------------------------ */
/* Isolators (spec/ace.md, plus the two appc's code defines). */

struct iso_ctx {
	struct spec_report *r;
	const char *field; /* the isolator's "value" */
	const struct json_value *v;
};

static void iso_bool(struct iso_ctx *c)
{
	want(c->r, c->field, c->v, JSON_BOOL);
}

/*
 * A resource quantity: a non-negative decimal, as a JSON number or a string
 * with an optional suffix (spec/ace.md lists E P T G M K, Ei..Ki and m; the
 * Kubernetes grammar appc copied also has k, u, n and e<N>). Its value in
 * base units goes to *out.
 */
static bool quantity(struct spec_report *r, const char *field, const struct json_value *v,
		     double *out)
{
	static const struct {
		const char *s;
		double mult;
	} suffixes[] = {
		{ "", 1 },	   { "n", 1e-9 },    { "u", 1e-6 },	 { "m", 1e-3 },
		{ "k", 1e3 },	   { "K", 1e3 },     { "M", 1e6 },	 { "G", 1e9 },
		{ "T", 1e12 },	   { "P", 1e15 },    { "E", 1e18 },	 { "Ki", 0x1p10 },
		{ "Mi", 0x1p20 },  { "Gi", 0x1p30 }, { "Ti", 0x1p40 }, { "Pi", 0x1p50 },
		{ "Ei", 0x1p60 },
	};
	const char *s = v->str;
	size_t i = 0, len = v->len;
	char *end;
	double n;

	if (v->type == JSON_NUMBER) {
		n = strtod(s, &end);
		if (n < 0) {
			spec_report_add(r, field, "a quantity cannot be negative: %s", s);
			return false;
		}
		*out = n;
		return true;
	}
	if (v->type != JSON_STRING) {
		spec_report_add(r, field, "must be a quantity (a string such as '500m' or "
				"'1Gi', or a number), not %s", type_name(v->type));
		return false;
	}
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i == 0 || (i == 1 && s[0] == '.') || has_nul(v))
		goto bad;
	{
		/* Only the digits: strtod would take "1e3" whole. */
		_cleanup_free_ char *numpart = xstrndup(s, i);

		n = strtod(numpart, NULL); /* LC_NUMERIC stays "C" */
	}
	for (size_t k = 0; k < ARRAY_SIZE(suffixes); k++) {
		if (streq(s + i, suffixes[k].s)) {
			*out = n * suffixes[k].mult;
			return true;
		}
	}
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1, start;

		if (j < len && (s[j] == '+' || s[j] == '-'))
			j++;
		start = j;
		while (j < len && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j == len && j > start && j - start <= 3) {
			long e = strtol(s + i + 1, NULL, 10);

			for (; e > 0; e--)
				n *= 10;
			for (; e < 0; e++)
				n /= 10;
			*out = n;
			return true;
		}
	}
bad:
	if (len && s[0] == '-')
		spec_report_add(r, field, "a quantity cannot be negative: '%s'", Q(v));
	else
		spec_report_add(r, field, "not a quantity: '%s' (a decimal with an optional "
				"suffix: m, k, K, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei)", Q(v));
	return false;
}

static void iso_request_limit(struct iso_ctx *c)
{
	const struct json_value *req, *lim;
	double rq = 0, lm = 0;
	bool rok, lok;

	if (!want(c->r, c->field, c->v, JSON_OBJECT))
		return;
	req = optional(c->v, "request");
	lim = optional(c->v, "limit");
	rok = req && quantity(c->r, KEY(c->field, "request"), req, &rq);
	lok = lim && quantity(c->r, KEY(c->field, "limit"), lim, &lm);
	if (!req && !lim)
		spec_report_add(c->r, c->field, "has neither a request nor a limit");
	if (rok && lok && rq > lm)
		spec_report_add(c->r, KEY(c->field, "request"),
				"the request is more than the limit");
}

/* block-bandwidth, block-iops, network-bandwidth. */
static void iso_default_limit(struct iso_ctx *c)
{
	const struct json_value *def, *lim;
	double lm;

	if (!want(c->r, c->field, c->v, JSON_OBJECT))
		return;
	def = required(c->r, c->field, c->v, "default");
	if (def && want(c->r, KEY(c->field, "default"), def, JSON_BOOL) && !def->boolean)
		spec_report_add(c->r, KEY(c->field, "default"), "must be true");
	lim = required(c->r, c->field, c->v, "limit");
	if (lim)
		quantity(c->r, KEY(c->field, "limit"), lim, &lm);
	if (optional(c->v, "request"))
		spec_report_add(c->r, KEY(c->field, "request"),
				"this resource takes no request, only a limit");
}

static const struct json_value *set_member(struct iso_ctx *c)
{
	const struct json_value *set;

	if (!want(c->r, c->field, c->v, JSON_OBJECT))
		return NULL;
	set = required(c->r, c->field, c->v, "set");
	if (!set || !want(c->r, KEY(c->field, "set"), set, JSON_ARRAY))
		return NULL;
	if (set->n == 0) {
		spec_report_add(c->r, KEY(c->field, "set"), "must not be empty");
		return NULL;
	}
	return set;
}

static void iso_caps(struct iso_ctx *c)
{
	const struct json_value *set = set_member(c);

	for (size_t i = 0; set && i < set->n; i++) {
		const struct json_value *s = set->items[i];
		const char *f = IDX(KEY(c->field, "set"), i);
		int cap;

		if (!want(c->r, f, s, JSON_STRING))
			continue;
		for (cap = 0; cap < ACT_CAP_COUNT; cap++)
			if (json_is_string(s, capname_name(cap)))
				break;
		if (cap < ACT_CAP_COUNT)
			continue;
		cap = has_nul(s) ? -1 : capname_parse(s->str, NULL);
		if (cap >= 0)
			spec_report_add(c->r, f, "'%s' is spelt '%s'", Q(s), capname_name(cap));
		else
			spec_report_add(c->r, f, "unknown capability '%s'", Q(s));
	}
}

/* Linux's errno names (asm-generic/errno*.h) and POSIX's ENOTSUP. */
static const char *const errno_names[] = {
	"E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EADV", "EAFNOSUPPORT", "EAGAIN",
	"EALREADY", "EBADE", "EBADF", "EBADFD", "EBADMSG", "EBADR", "EBADRQC", "EBADSLT",
	"EBFONT", "EBUSY", "ECANCELED", "ECHILD", "ECHRNG", "ECOMM", "ECONNABORTED",
	"ECONNREFUSED", "ECONNRESET", "EDEADLK", "EDEADLOCK", "EDESTADDRREQ", "EDOM",
	"EDOTDOT", "EDQUOT", "EEXIST", "EFAULT", "EFBIG", "EHOSTDOWN", "EHOSTUNREACH",
	"EHWPOISON", "EIDRM", "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN",
	"EISDIR", "EISNAM", "EKEYEXPIRED", "EKEYREJECTED", "EKEYREVOKED", "EL2HLT",
	"EL2NSYNC", "EL3HLT", "EL3RST", "ELIBACC", "ELIBBAD", "ELIBEXEC", "ELIBMAX",
	"ELIBSCN", "ELNRNG", "ELOOP", "EMEDIUMTYPE", "EMFILE", "EMLINK", "EMSGSIZE",
	"EMULTIHOP", "ENAMETOOLONG", "ENAVAIL", "ENETDOWN", "ENETRESET", "ENETUNREACH",
	"ENFILE", "ENOANO", "ENOBUFS", "ENOCSI", "ENODATA", "ENODEV", "ENOENT", "ENOEXEC",
	"ENOKEY", "ENOLCK", "ENOLINK", "ENOMEDIUM", "ENOMEM", "ENOMSG", "ENONET", "ENOPKG",
	"ENOPROTOOPT", "ENOSPC", "ENOSR", "ENOSTR", "ENOSYS", "ENOTBLK", "ENOTCONN",
	"ENOTDIR", "ENOTEMPTY", "ENOTNAM", "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP", "ENOTTY",
	"ENOTUNIQ", "ENXIO", "EOPNOTSUPP", "EOVERFLOW", "EOWNERDEAD", "EPERM",
	"EPFNOSUPPORT", "EPIPE", "EPROTO", "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE",
	"EREMCHG", "EREMOTE", "EREMOTEIO", "ERESTART", "ERFKILL", "EROFS", "ESHUTDOWN",
	"ESOCKTNOSUPPORT", "ESPIPE", "ESRCH", "ESRMNT", "ESTALE", "ESTRPIPE", "ETIME",
	"ETIMEDOUT", "ETOOMANYREFS", "ETXTBSY", "EUCLEAN", "EUNATCH", "EUSERS",
	"EWOULDBLOCK", "EXDEV", "EXFULL",
};

static void iso_seccomp(struct iso_ctx *c, const char *wildcard)
{
	const struct json_value *set = set_member(c), *err;

	for (size_t i = 0; set && i < set->n; i++) {
		const struct json_value *s = set->items[i];
		const char *f = IDX(KEY(c->field, "set"), i);

		if (!want(c->r, f, s, JSON_STRING))
			continue;
		if (s->len == 0)
			spec_report_add(c->r, f, "an empty syscall name");
		else if (s->str[0] == '@' && !memchr(s->str, '/', s->len))
			spec_report_add(c->r, f, "a wildcard needs a scope ('@scope/name'): '%s'",
					Q(s));
		else if (s->len > 9 && memcmp(s->str, "@appc.io/", 9) == 0 &&
			 !json_is_string(s, wildcard))
			spec_report_add(c->r, f, "'%s' is not an appc wildcard here (this set "
					"knows '%s')", Q(s), wildcard);
	}
	err = optional(c->v, "errno");
	if (err && want(c->r, KEY(c->field, "errno"), err, JSON_STRING) && err->len) {
		for (size_t k = 0; k < ARRAY_SIZE(errno_names); k++)
			if (json_is_string(err, errno_names[k]))
				return;
		spec_report_add(c->r, KEY(c->field, "errno"), "unknown errno name '%s'", Q(err));
	}
}

static void iso_seccomp_remove(struct iso_ctx *c)
{
	iso_seccomp(c, "@appc.io/empty");
}

static void iso_seccomp_retain(struct iso_ctx *c)
{
	iso_seccomp(c, "@appc.io/all");
}

static void iso_selinux(struct iso_ctx *c)
{
	static const char *const parts[] = { "user", "role", "type", "level" };

	if (!want(c->r, c->field, c->v, JSON_OBJECT))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		const struct json_value *p = required(c->r, c->field, c->v, parts[i]);
		const char *f = KEY(c->field, parts[i]);

		if (!p || !want(c->r, f, p, JSON_STRING))
			continue;
		if (p->len == 0)
			spec_report_add(c->r, f, "must not be empty");
		else if (i < 3 && memchr(p->str, ':', p->len))
			spec_report_add(c->r, f, "must not contain ':': '%s'", Q(p));
	}
}

static void iso_apparmor(struct iso_ctx *c)
{
	const struct json_value *p;

	if (!want(c->r, c->field, c->v, JSON_OBJECT))
		return;
	p = required(c->r, c->field, c->v, "profile");
	if (p && want(c->r, KEY(c->field, "profile"), p, JSON_STRING) && p->len == 0)
		spec_report_add(c->r, KEY(c->field, "profile"), "must not be empty");
}

static void iso_oom_score_adj(struct iso_ctx *c)
{
	check_int(c->r, c->field, c->v, -1000, 1000, NULL);
}

static void iso_cpu_shares(struct iso_ctx *c)
{
	check_int(c->r, c->field, c->v, 2, 262144, NULL);
}

static void iso_sysctl(struct iso_ctx *c)
{
	check_string_map(c->r, c->field, c->v);
}

enum iso_flags {
	ISO_SINGLE = 1,	  /* at most one per app */
	ISO_POD_ONLY = 2, /* scope: pod */
};

static const struct iso_kind {
	const char *name;
	void (*check)(struct iso_ctx *c);
	unsigned flags;
	const char *excludes; /* may not be used together with */
} iso_kinds[] = {
	{ "os/linux/capabilities-remove-set", iso_caps, 0, "os/linux/capabilities-retain-set" },
	{ "os/linux/capabilities-retain-set", iso_caps, 0, "os/linux/capabilities-remove-set" },
	{ "os/linux/seccomp-remove-set", iso_seccomp_remove, ISO_SINGLE,
	  "os/linux/seccomp-retain-set" },
	{ "os/linux/seccomp-retain-set", iso_seccomp_retain, ISO_SINGLE,
	  "os/linux/seccomp-remove-set" },
	{ "os/linux/no-new-privileges", iso_bool, 0, NULL },
	{ "os/linux/selinux-context", iso_selinux, ISO_SINGLE, NULL },
	{ "os/linux/apparmor-profile", iso_apparmor, ISO_SINGLE, NULL },
	{ "os/linux/oom-score-adj", iso_oom_score_adj, ISO_SINGLE, NULL },
	{ "os/linux/cpu-shares", iso_cpu_shares, ISO_SINGLE, NULL },
	{ "os/unix/sysctl", iso_sysctl, ISO_SINGLE | ISO_POD_ONLY, NULL },
	{ "resource/cpu", iso_request_limit, ISO_SINGLE, NULL },
	{ "resource/memory", iso_request_limit, ISO_SINGLE, NULL },
	{ "resource/block-bandwidth", iso_default_limit, ISO_SINGLE, NULL },
	{ "resource/block-iops", iso_default_limit, ISO_SINGLE, NULL },
	{ "resource/network-bandwidth", iso_default_limit, ISO_SINGLE, NULL },
};

static void check_isolators(struct spec_report *r, const char *field,
			    const struct json_value *v)
{
	const struct json_value **names;

	if (!want(r, field, v, JSON_ARRAY))
		return;
	names = xcalloc(v->n, sizeof(*names));
	for (size_t i = 0; i < v->n; i++) {
		const struct json_value *iso = v->items[i], *name, *value;
		const struct iso_kind *kind = NULL;
		struct path p;

		at_index(&p, field, i);
		if (!want(r, p.s, iso, JSON_OBJECT))
			continue;
		name = required(r, p.s, iso, "name");
		/* "value may be an arbitrary JSON value", null included. */
		value = json_get(iso, "value");
		if (!value)
			required(r, p.s, iso, "value");
		if (!name || !want(r, KEY(p.s, "name"), name, JSON_STRING))
			continue;
		if (!spec_is_acidentifier(name->str, name->len)) {
			spec_report_add(r, KEY(p.s, "name"), "not an ACIdentifier: '%s'", Q(name));
			continue;
		}
		names[i] = name;
		for (size_t k = 0; k < ARRAY_SIZE(iso_kinds); k++)
			if (json_is_string(name, iso_kinds[k].name))
				kind = &iso_kinds[k];
		if (!kind)
			continue; /* executors may ignore isolators they do not know */
		if (kind->flags & ISO_POD_ONLY)
			spec_report_add(r, KEY(p.s, "name"), "%s applies to a pod, not to an app",
					kind->name);
		for (size_t j = 0; j < i; j++) {
			if (!names[j])
				continue;
			if ((kind->flags & ISO_SINGLE) && streq_n(names[j], name)) {
				spec_report_add(r, KEY(p.s, "name"),
						"a second %s isolator (the first is %s[%zu])",
						kind->name, field, j);
				break;
			}
			if (kind->excludes && json_is_string(names[j], kind->excludes)) {
				spec_report_add(r, KEY(p.s, "name"),
						"%s cannot be used together with %s (%s[%zu])",
						kind->name, kind->excludes, field, j);
				break;
			}
		}
		if (value)
			kind->check(&(struct iso_ctx){ r, KEY(p.s, "value"), value });
	}
	free(names);
}

/* ------------------------------------------------------------------------ */
/* The app. */

static void check_exec(struct spec_report *r, const char *field, const struct json_value *v)
{
	if (!want(r, field, v, JSON_ARRAY))
		return;
	check_string_array(r, field, v);
	/* Not required absolute: the ACE searches PATH as exec(3) does. */
	if (v->n && v->items[0]->type == JSON_STRING && v->items[0]->len == 0)
		spec_report_add(r, IDX(field, 0), "the program name is empty");
}

static void check_event_handlers(struct spec_report *r, const char *field,
				 const struct json_value *v)
{
	const struct json_value **names;

	if (!want(r, field, v, JSON_ARRAY))
		return;
	names = xcalloc(v->n, sizeof(*names));
	for (size_t i = 0; i < v->n; i++) {
		const struct json_value *h = v->items[i], *name, *exec;
		struct path p;

		at_index(&p, field, i);
		if (!want(r, p.s, h, JSON_OBJECT))
			continue;
		exec = required(r, p.s, h, "exec");
		if (exec)
			check_exec(r, KEY(p.s, "exec"), exec);
		name = required(r, p.s, h, "name");
		if (!name || !want(r, KEY(p.s, "name"), name, JSON_STRING))
			continue;
		if (!json_is_string(name, "pre-start") && !json_is_string(name, "post-stop")) {
			spec_report_add(r, KEY(p.s, "name"),
					"unknown event '%s' (known: pre-start, post-stop)", Q(name));
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (names[j] && streq_n(names[j], name)) {
				spec_report_add(r, KEY(p.s, "name"),
						"a second %s handler (the first is %s[%zu])",
						name->str, field, j);
				break;
			}
		}
		names[i] = name;
	}
	free(names);
}

static void env_name(struct spec_report *r, const char *field, const struct json_value *n)
{
	if (!spec_is_env_name(n->str, n->len))
		spec_report_add(r, field, "not an environment variable name: '%s' (letters, "
				"digits, '_', '.' and '-', not starting with a digit)", Q(n));
}

static void check_mount_points(struct spec_report *r, const char *field,
			       const struct json_value *v)
{
	const struct json_value **names;

	if (!want(r, field, v, JSON_ARRAY))
		return;
	names = xcalloc(v->n, sizeof(*names));
	for (size_t i = 0; i < v->n; i++) {
		const struct json_value *m = v->items[i], *name, *path, *ro;
		struct path p;

		at_index(&p, field, i);
		if (!want(r, p.s, m, JSON_OBJECT))
			continue;
		path = required(r, p.s, m, "path");
		if (path)
			check_absolute(r, KEY(p.s, "path"), path);
		ro = optional(m, "readOnly");
		if (ro)
			want(r, KEY(p.s, "readOnly"), ro, JSON_BOOL);
		name = required(r, p.s, m, "name");
		if (!name || !want(r, KEY(p.s, "name"), name, JSON_STRING))
			continue;
		if (!spec_is_acname(name->str, name->len)) {
			spec_report_add(r, KEY(p.s, "name"), "not an ACName: '%s'", Q(name));
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (names[j] && streq_n(names[j], name)) {
				spec_report_add(r, KEY(p.s, "name"),
						"duplicate mount point '%s' (also %s[%zu])", Q(name),
						field, j);
				break;
			}
		}
		names[i] = name;
	}
	free(names);
}

static void check_ports(struct spec_report *r, const char *field, const struct json_value *v)
{
	const struct json_value **names;

	if (!want(r, field, v, JSON_ARRAY))
		return;
	names = xcalloc(v->n, sizeof(*names));
	for (size_t i = 0; i < v->n; i++) {
		const struct json_value *pt = v->items[i], *name, *proto, *port, *count, *sa;
		long long pn = 0, cn = 1;
		bool port_ok = false, count_ok = true;
		struct path p;

		at_index(&p, field, i);
		if (!want(r, p.s, pt, JSON_OBJECT))
			continue;
		/* Required, but it "MAY be any value" (aci.md). */
		proto = required(r, p.s, pt, "protocol");
		if (proto)
			want(r, KEY(p.s, "protocol"), proto, JSON_STRING);
		port = required(r, p.s, pt, "port");
		if (port)
			port_ok = check_int(r, KEY(p.s, "port"), port, 1, 65535, &pn);
		count = optional(pt, "count");
		if (count)
			count_ok = check_int(r, KEY(p.s, "count"), count, 1, 65535, &cn);
		if (port_ok && count_ok && pn + cn - 1 > 65535)
			spec_report_add(r, KEY(p.s, "count"),
					"the range %lld-%lld ends beyond port 65535", pn, pn + cn - 1);
		sa = optional(pt, "socketActivated");
		if (sa)
			want(r, KEY(p.s, "socketActivated"), sa, JSON_BOOL);
		name = required(r, p.s, pt, "name");
		if (!name || !want(r, KEY(p.s, "name"), name, JSON_STRING))
			continue;
		if (!spec_is_acname(name->str, name->len)) {
			spec_report_add(r, KEY(p.s, "name"), "not an ACName: '%s'", Q(name));
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (names[j] && streq_n(names[j], name)) {
				spec_report_add(r, KEY(p.s, "name"),
						"duplicate port '%s' (also %s[%zu])", Q(name), field, j);
				break;
			}
		}
		names[i] = name;
	}
	free(names);
}

static void check_app(struct spec_report *r, const struct json_value *app)
{
	const struct json_value *v, *gids, *gids2, **names = NULL;

	if (!want(r, "app", app, JSON_OBJECT))
		return;
	if ((v = optional(app, "exec")))
		check_exec(r, "app.exec", v);
	if ((v = required(r, "app", app, "user")) && want(r, "app.user", v, JSON_STRING) &&
	    v->len == 0)
		spec_report_add(r, "app.user", "must not be empty");
	if ((v = required(r, "app", app, "group")) && want(r, "app.group", v, JSON_STRING) &&
	    v->len == 0)
		spec_report_add(r, "app.group", "must not be empty");
	/* The schema's spelling and the one of the spec's own example. */
	gids = optional(app, "supplementaryGIDs");
	gids2 = optional(app, "supplementaryGids");
	if (gids && gids2)
		spec_report_add(r, "app.supplementaryGids",
				"given twice, as supplementaryGIDs and supplementaryGids");
	v = gids ? gids : gids2;
	if (v) {
		const char *f = gids ? "app.supplementaryGIDs" : "app.supplementaryGids";

		if (want(r, f, v, JSON_ARRAY))
			for (size_t i = 0; i < v->n; i++)
				check_int(r, IDX(f, i), v->items[i], 0, UINT32_MAX, NULL);
	}
	if ((v = optional(app, "eventHandlers")))
		check_event_handlers(r, "app.eventHandlers", v);
	if ((v = optional(app, "workingDirectory")))
		check_absolute(r, "app.workingDirectory", v);
	if ((v = optional(app, "environment")))
		check_name_values(r, "app.environment", v, env_name, "environment variable",
				  &names);
	free(names);
	if ((v = optional(app, "isolators")))
		check_isolators(r, "app.isolators", v);
	if ((v = optional(app, "mountPoints")))
		check_mount_points(r, "app.mountPoints", v);
	if ((v = optional(app, "ports")))
		check_ports(r, "app.ports", v);
	if ((v = optional(app, "userAnnotations")))
		check_string_map(r, "app.userAnnotations", v);
	if ((v = optional(app, "userLabels")))
		check_string_map(r, "app.userLabels", v);
}

/* ------------------------------------------------------------------------ */

/* "sha512-" and the 128 hex digits of a SHA-512 digest (types.md). */
static bool is_image_id(const char *s, size_t len)
{
	if (len != 7 + 128 || memcmp(s, "sha512-", 7) != 0)
		return false;
	for (size_t i = 7; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void check_dependencies(struct spec_report *r, const char *field,
			       const struct json_value *v)
{
	if (!want(r, field, v, JSON_ARRAY))
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct json_value *d = v->items[i], *x;
		struct path p;

		at_index(&p, field, i);
		if (!want(r, p.s, d, JSON_OBJECT))
			continue;
		if ((x = required(r, p.s, d, "imageName")))
			check_acidentifier(r, KEY(p.s, "imageName"), x);
		if ((x = optional(d, "imageID")) && want(r, KEY(p.s, "imageID"), x, JSON_STRING) &&
		    !is_image_id(x->str, x->len))
			spec_report_add(r, KEY(p.s, "imageID"),
					"not an image ID: '%s' (want 'sha512-' and 128 "
					"lower-case hex digits)", Q(x));
		if ((x = optional(d, "labels")))
			check_labels(r, KEY(p.s, "labels"), x);
		if ((x = optional(d, "size")))
			check_int(r, KEY(p.s, "size"), x, 0, INT64_MAX, NULL);
	}
}

size_t spec_check_manifest(const char *text, size_t len, struct spec_report *r)
{
	struct act_err err = { 0 };
	struct json_value *m = json_parse(text, len, &err);
	const struct json_value *v;
	size_t n0 = r->n;

	if (!m) {
		spec_report_add(r, "", "not JSON: %s", err.msg);
		return r->n - n0;
	}
	if (!want(r, "", m, JSON_OBJECT))
		goto out;
	if ((v = required(r, "", m, "acKind")) && want(r, "acKind", v, JSON_STRING) &&
	    !json_is_string(v, "ImageManifest"))
		spec_report_add(r, "acKind", "must be 'ImageManifest', not '%s'", Q(v));
	if ((v = required(r, "", m, "acVersion")) && want(r, "acVersion", v, JSON_STRING)) {
		unsigned long long major = 0;

		if (has_nul(v) || !spec_is_semver(v->str, v->len, &major))
			spec_report_add(r, "acVersion", "not a SemVer 2.0.0 version: '%s'", Q(v));
		else if (json_is_string(v, "0.0.0"))
			spec_report_add(r, "acVersion", "0.0.0 is no version of the spec");
		else if (major != 0)
			spec_report_add(r, "acVersion", "major version %llu: the spec knows only "
					"0.x (up to 0.8.11), and majors are incompatible", major);
	}
	if ((v = required(r, "", m, "name")))
		check_acidentifier(r, "name", v);
	if ((v = optional(m, "labels")))
		check_labels(r, "labels", v);
	if ((v = optional(m, "app")))
		check_app(r, v);
	if ((v = optional(m, "annotations")))
		check_annotations(r, "annotations", v);
	if ((v = optional(m, "dependencies")))
		check_dependencies(r, "dependencies", v);
	if ((v = optional(m, "pathWhitelist")) && want(r, "pathWhitelist", v, JSON_ARRAY))
		for (size_t i = 0; i < v->n; i++)
			check_absolute(r, IDX("pathWhitelist", i), v->items[i]);
out:
	json_free(m);
	return r->n - n0;
}
