// SPDX-License-Identifier: Apache-2.0
/*
 * A port of the parts of Go's HTML tokenizer (golang.org/x/net/html,
 * token.go and escape.go) that decide where a start tag is and what its
 * attributes hold: the same page gives the same ac-* tags as appc's
 * discovery finds. Text, comments and end tags are only skipped.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/utf8.h"
#include "common/discovery/acmeta.h"

struct tok {
	const unsigned char *b;
	size_t n, pos;
	/* The end was read past: as Go's z.err, it stays set and ends the scan. */
	bool end;
	/* The element whose end tag ends the raw text that comes next, or NULL. */
	const char *raw;
};

struct span {
	size_t start, end;
};

struct attr {
	struct span key, val;
};

struct attrs {
	struct attr *v;
	size_t n, cap;
};

static int rd(struct tok *z)
{
	if (z->pos >= z->n) {
		z->end = true;
		return -1;
	}
	return z->b[z->pos++];
}

static bool is_space(int c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void skip_ws(struct tok *z)
{
	int c;

	while (!z->end && (c = rd(z)) >= 0) {
		if (!is_space(c)) {
			z->pos--;
			return;
		}
	}
}

static void read_until_close_angle(struct tok *z)
{
	int c;

	while ((c = rd(z)) >= 0 && c != '>')
		;
}

/* After "</": is this the raw element's end tag? If so, back up to the '<'. */
static bool read_raw_end_tag(struct tok *z)
{
	size_t len = strlen(z->raw);
	int c;

	for (size_t i = 0; i < len; i++) {
		c = rd(z);
		if (c < 0)
			return false;
		if (c != z->raw[i] && c != z->raw[i] - ('a' - 'A')) {
			z->pos--;
			return false;
		}
	}
	c = rd(z);
	if (c < 0)
		return false;
	if (is_space(c) || c == '/' || c == '>') {
		z->pos -= 3 + len;
		return true;
	}
	z->pos--;
	return false;
}

/* Go's readScript: the script data states of the HTML tokenizer, where
 * "<!--" hides a "</script>" inside "<script>...</script>". */
static void read_script(struct tok *z)
{
	enum {
		DATA,
		LT,
		END_TAG_OPEN,
		ESCAPE_START,
		ESCAPE_START_DASH,
		ESCAPED,
		ESCAPED_DASH,
		ESCAPED_DASH_DASH,
		ESCAPED_LT,
		ESCAPED_END_TAG_OPEN,
		DOUBLE_ESCAPE_START,
		DOUBLE_ESCAPED,
		DOUBLE_ESCAPED_DASH,
		DOUBLE_ESCAPED_DASH_DASH,
		DOUBLE_ESCAPED_LT,
		DOUBLE_ESCAPE_END,
	} st = DATA;
	int c;

	for (;;) {
		switch (st) {
		case DATA:
			if ((c = rd(z)) < 0)
				return;
			st = c == '<' ? LT : DATA;
			break;
		case LT:
			if ((c = rd(z)) < 0)
				return;
			if (c == '/') {
				st = END_TAG_OPEN;
			} else if (c == '!') {
				st = ESCAPE_START;
			} else {
				z->pos--;
				st = DATA;
			}
			break;
		case END_TAG_OPEN:
			if (read_raw_end_tag(z) || z->end)
				return;
			st = DATA;
			break;
		case ESCAPE_START:
		case ESCAPE_START_DASH:
			if ((c = rd(z)) < 0)
				return;
			if (c == '-') {
				st = st == ESCAPE_START ? ESCAPE_START_DASH : ESCAPED_DASH_DASH;
			} else {
				z->pos--;
				st = DATA;
			}
			break;
		case ESCAPED:
		case ESCAPED_DASH:
		case ESCAPED_DASH_DASH:
			if ((c = rd(z)) < 0)
				return;
			if (c == '-')
				st = st == ESCAPED ? ESCAPED_DASH : ESCAPED_DASH_DASH;
			else if (c == '<')
				st = ESCAPED_LT;
			else if (c == '>' && st == ESCAPED_DASH_DASH)
				st = DATA;
			else
				st = ESCAPED;
			break;
		case ESCAPED_LT:
			if ((c = rd(z)) < 0)
				return;
			if (c == '/') {
				st = ESCAPED_END_TAG_OPEN;
			} else if (is_alpha(c)) {
				st = DOUBLE_ESCAPE_START;
			} else {
				z->pos--;
				st = DATA;
			}
			break;
		case ESCAPED_END_TAG_OPEN:
			if (read_raw_end_tag(z) || z->end)
				return;
			st = ESCAPED;
			break;
		case DOUBLE_ESCAPE_START:
			z->pos--;
			st = DOUBLE_ESCAPED;
			for (size_t i = 0; i < 6; i++) {
				if ((c = rd(z)) < 0)
					return;
				if (c != "script"[i] && c != "SCRIPT"[i]) {
					z->pos--;
					st = ESCAPED;
					break;
				}
			}
			if (st == ESCAPED)
				break;
			if ((c = rd(z)) < 0)
				return;
			if (!(is_space(c) || c == '/' || c == '>')) {
				z->pos--;
				st = ESCAPED;
			}
			break;
		case DOUBLE_ESCAPED:
		case DOUBLE_ESCAPED_DASH:
		case DOUBLE_ESCAPED_DASH_DASH:
			if ((c = rd(z)) < 0)
				return;
			if (c == '-')
				st = st == DOUBLE_ESCAPED ? DOUBLE_ESCAPED_DASH : DOUBLE_ESCAPED_DASH_DASH;
			else if (c == '<')
				st = DOUBLE_ESCAPED_LT;
			else if (c == '>' && st == DOUBLE_ESCAPED_DASH_DASH)
				st = DATA;
			else
				st = DOUBLE_ESCAPED;
			break;
		case DOUBLE_ESCAPED_LT:
			if ((c = rd(z)) < 0)
				return;
			if (c == '/') {
				st = DOUBLE_ESCAPE_END;
			} else {
				z->pos--;
				st = DOUBLE_ESCAPED;
			}
			break;
		case DOUBLE_ESCAPE_END:
			if (read_raw_end_tag(z)) {
				z->pos += strlen("</script>");
				st = ESCAPED;
			} else if (z->end) {
				return;
			} else {
				st = DOUBLE_ESCAPED;
			}
			break;
		}
	}
}

/* The text of a raw text element, up to (not into) its end tag. */
static void read_raw(struct tok *z)
{
	int c;

	if (streq(z->raw, "plaintext")) {
		z->pos = z->n;
		z->end = true;
		return;
	}
	if (streq(z->raw, "script")) {
		read_script(z);
		z->raw = NULL;
		return;
	}
	while ((c = rd(z)) >= 0) {
		if (c != '<')
			continue;
		if ((c = rd(z)) < 0)
			break;
		if (c != '/') {
			z->pos--;
			continue;
		}
		if (read_raw_end_tag(z) || z->end)
			break;
	}
	z->raw = NULL;
}

/* After "<!--". */
static void read_comment(struct tok *z)
{
	int dashes = 0, c;
	bool beginning = true;

	while ((c = rd(z)) >= 0) {
		if (c == '-') {
			dashes++;
			continue;
		}
		if (c == '>' && (dashes >= 2 || beginning))
			return;
		if (c == '!' && dashes >= 2) {
			if ((c = rd(z)) < 0 || c == '>')
				return;
			if (c == '-') {
				dashes = 1;
				beginning = false;
				continue;
			}
		}
		dashes = 0;
		beginning = false;
	}
}

/* After "<!": a comment, or a doctype or bogus comment, which both end at
 * the first '>'. */
static void read_markup_declaration(struct tok *z)
{
	int c0 = rd(z), c1 = c0 < 0 ? -1 : rd(z);

	if (c1 < 0)
		return;
	if (c0 == '-' && c1 == '-') {
		read_comment(z);
		return;
	}
	z->pos -= 2;
	read_until_close_angle(z);
}

static void read_attr_key(struct tok *z, struct span *k)
{
	int c;

	k->start = z->pos;
	for (;;) {
		if ((c = rd(z)) < 0) {
			k->end = z->pos;
			return;
		}
		if (is_space(c) || c == '/') {
			k->end = z->pos - 1;
			return;
		}
		if (c == '=' || c == '>') {
			z->pos--;
			k->end = z->pos;
			return;
		}
	}
}

static void read_attr_val(struct tok *z, struct span *v)
{
	int c, quote;

	v->start = v->end = z->pos;
	skip_ws(z);
	if (z->end || (c = rd(z)) < 0)
		return;
	if (c != '=') {
		z->pos--;
		return;
	}
	skip_ws(z);
	if (z->end || (quote = rd(z)) < 0)
		return;
	if (quote == '>') {
		z->pos--;
		return;
	}
	if (quote == '\'' || quote == '"') {
		v->start = z->pos;
		for (;;) {
			if ((c = rd(z)) < 0) {
				v->end = z->pos;
				return;
			}
			if (c == quote) {
				v->end = z->pos - 1;
				return;
			}
		}
	}
	v->start = z->pos - 1;
	for (;;) {
		if ((c = rd(z)) < 0) {
			v->end = z->pos;
			return;
		}
		if (is_space(c)) {
			v->end = z->pos - 1;
			return;
		}
		if (c == '>') {
			z->pos--;
			v->end = z->pos;
			return;
		}
	}
}

/* A tag after "<" and its first letter (or "</" and its first letter): its
 * name, and with a, its attributes with a non-empty name. */
static void read_tag(struct tok *z, struct span *name, struct attrs *a)
{
	int c;

	name->start = z->pos - 1;
	for (;;) {
		if ((c = rd(z)) < 0) {
			name->end = z->pos;
			break;
		}
		if (is_space(c)) {
			name->end = z->pos - 1;
			break;
		}
		if (c == '/' || c == '>') {
			z->pos--;
			name->end = z->pos;
			break;
		}
	}
	skip_ws(z);
	while (!z->end) {
		struct span k, v;

		if ((c = rd(z)) < 0 || c == '>')
			break;
		z->pos--;
		read_attr_key(z, &k);
		read_attr_val(z, &v);
		if (a && k.start != k.end) {
			if (a->n == a->cap) {
				a->cap = a->cap ? 2 * a->cap : 8;
				a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
			}
			a->v[a->n++] = (struct attr){ k, v };
		}
		skip_ws(z);
	}
}

static bool span_is(const struct tok *z, struct span s, const char *lower)
{
	size_t n = strlen(lower);

	if (s.end - s.start != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int c = z->b[s.start + i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != lower[i])
			return false;
	}
	return true;
}

/* Character references that stand for ASCII or a no-break space; the ones
 * without ';' are HTML's legacy forms. */
static const struct {
	const char *name, *text;
} entities[] = {
	{ "AMP;", "&" },	  { "DiacriticalGrave;", "`" },
	{ "GT;", ">" },		  { "Hat;", "^" },
	{ "LT;", "<" },		  { "NewLine;", "\n" },
	{ "NonBreakingSpace;", "\u00a0" },
	{ "QUOT;", "\"" },	  { "Tab;", "\t" },
	{ "UnderBar;", "_" },	  { "VerticalLine;", "|" },
	{ "amp;", "&" },	  { "apos;", "'" },
	{ "ast;", "*" },	  { "bsol;", "\\" },
	{ "colon;", ":" },	  { "comma;", "," },
	{ "commat;", "@" },	  { "dollar;", "$" },
	{ "equals;", "=" },	  { "excl;", "!" },
	{ "grave;", "`" },	  { "gt;", ">" },
	{ "lbrace;", "{" },	  { "lbrack;", "[" },
	{ "lcub;", "{" },	  { "lowbar;", "_" },
	{ "lpar;", "(" },	  { "lsqb;", "[" },
	{ "lt;", "<" },		  { "midast;", "*" },
	{ "nbsp;", "\u00a0" },	  { "num;", "#" },
	{ "percnt;", "%" },	  { "period;", "." },
	{ "plus;", "+" },	  { "quest;", "?" },
	{ "quot;", "\"" },	  { "rbrace;", "}" },
	{ "rbrack;", "]" },	  { "rcub;", "}" },
	{ "rpar;", ")" },	  { "rsqb;", "]" },
	{ "semi;", ";" },	  { "sol;", "/" },
	{ "verbar;", "|" },	  { "vert;", "|" },
	{ "AMP", "&" },		  { "GT", ">" },
	{ "LT", "<" },		  { "QUOT", "\"" },
	{ "amp", "&" },		  { "gt", ">" },
	{ "lt", "<" },		  { "nbsp", "\u00a0" },
	{ "quot", "\"" },
};

/* &#128; to &#159; are read as Windows-1252, as HTML says. */
static const uint16_t win1252[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static size_t put_utf8(char *out, uint32_t x)
{
	if (x < 0x80) {
		out[0] = (char)x;
		return 1;
	}
	if (x < 0x800) {
		out[0] = (char)(0xC0 | x >> 6);
		out[1] = (char)(0x80 | (x & 0x3F));
		return 2;
	}
	if (x < 0x10000) {
		out[0] = (char)(0xE0 | x >> 12);
		out[1] = (char)(0x80 | (x >> 6 & 0x3F));
		out[2] = (char)(0x80 | (x & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | x >> 18);
	out[1] = (char)(0x80 | (x >> 12 & 0x3F));
	out[2] = (char)(0x80 | (x >> 6 & 0x3F));
	out[3] = (char)(0x80 | (x & 0x3F));
	return 4;
}

/*
 * Go's unescapeEntity in an attribute value: the reference at s[0] == '&'
 * (n bytes left) written to out; returns the bytes of s it took (a '&' that
 * starts no reference is taken alone, copied), *outlen what it wrote.
 */
static size_t unescape_one(const char *s, size_t n, char *out, size_t *outlen)
{
	size_t i = 1;

	if (n <= 1)
		goto literal;
	if (s[1] == '#') {
		uint32_t x = 0;
		bool hex = false;

		if (n <= 3)
			goto literal;
		i = 2;
		if (s[i] == 'x' || s[i] == 'X') {
			hex = true;
			i++;
		}
		while (i < n) {
			char c = s[i++];
			int d = -1;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			if (d >= 0) {
				/* Past U+10FFFF it stays past (Go's int32 wraps). */
				if (x <= 0x10FFFF)
					x = x * (hex ? 16 : 10) + (uint32_t)d;
				continue;
			}
			if (c != ';')
				i--;
			break;
		}
		if (i <= 3) {
			/* No digit: the '&' alone, as Go takes it. */
			i = 1;
			goto literal;
		}
		if (x >= 0x80 && x <= 0x9F)
			x = win1252[x - 0x80];
		else if (x == 0 || (x >= 0xD800 && x <= 0xDFFF) || x > 0x10FFFF)
			x = 0xFFFD;
		*outlen = put_utf8(out, x);
		return i;
	}
	while (i < n) {
		char c = s[i++];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (c != ';')
			i--;
		break;
	}
	/* A legacy name followed by '=' stays as it is in a value ("?a=1&lt=2"). */
	if (i > 1 && !(s[i - 1] != ';' && i < n && s[i] == '=')) {
		for (size_t e = 0; e < ARRAY_SIZE(entities); e++) {
			if (strlen(entities[e].name) == i - 1 &&
			    memcmp(entities[e].name, s + 1, i - 1) == 0) {
				*outlen = strlen(entities[e].text);
				memcpy(out, entities[e].text, *outlen);
				return i;
			}
		}
	}
literal:
	memcpy(out, s, i);
	*outlen = i;
	return i;
}

/* An attribute value as Go's TagAttr gives it, NUL bytes as U+FFFD. */
static char *attr_value(const struct tok *z, struct span v)
{
	const char *p = (const char *)z->b + v.start;
	size_t n = v.end - v.start, len = 0, clen = 0;
	/* CR LF and CR as LF first; a reference never gets longer decoded, a
	 * NUL three times so. */
	_cleanup_free_ char *crlf = xmalloc(n + 1);
	char *out = xmalloc(3 * n + 1);

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r') {
			crlf[clen++] = '\n';
			if (i + 1 < n && p[i + 1] == '\n')
				i++;
		} else {
			crlf[clen++] = p[i];
		}
	}
	for (size_t i = 0; i < clen;) {
		size_t w;

		if (crlf[i] == '&') {
			i += unescape_one(crlf + i, clen - i, out + len, &w);
			len += w;
		} else if (crlf[i] == '\0') {
			len += put_utf8(out + len, 0xFFFD);
			i++;
		} else {
			out[len++] = crlf[i++];
		}
	}
	out[len] = '\0';
	return out;
}

/* The length of the Unicode white space character (Go's unicode.IsSpace)
 * at s, or 0. */
static size_t space_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t l = utf8_char_len(u, n);
	uint32_t x;

	if (l == 1)
		return (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')) ? 1 : 0;
	if (l == 2)
		x = (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
	else if (l == 3)
		x = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
	else
		return 0;
	if (x == 0x85 || x == 0xA0 || x == 0x1680 || (x >= 0x2000 && x <= 0x200A) ||
	    x == 0x2028 || x == 0x2029 || x == 0x202F || x == 0x205F || x == 0x3000)
		return l;
	return 0;
}

/* s[0..n) without leading and trailing white space (Go's strings.TrimSpace). */
static char *trim(const char *s, size_t n)
{
	size_t start = 0, end = 0, i = 0;
	bool seen = false;

	while (i < n) {
		size_t sp = space_len(s + i, n - i), l;

		if (sp) {
			i += sp;
			continue;
		}
		l = utf8_char_len((const unsigned char *)s + i, n - i);
		if (!seen)
			start = i;
		seen = true;
		i += l ? l : 1;
		end = i;
	}
	return xstrndup(s + start, seen ? end - start : 0);
}

/* appc's appendMeta. */
static void add_meta(const struct tok *z, const struct attrs *a, struct disc_metas *out)
{
	_cleanup_free_ char *name = NULL, *prefix = NULL, *uri = NULL;

	for (size_t i = 0; i < a->n; i++) {
		bool is_name = span_is(z, a->v[i].key, "name");
		char *val, *t, *sp;

		if (!is_name && !span_is(z, a->v[i].key, "content"))
			continue;
		val = attr_value(z, a->v[i].val);
		if (is_name) {
			free(name);
			name = val;
			continue;
		}
		t = trim(val, strlen(val));
		free(val);
		sp = strchr(t, ' ');
		if (sp) {
			free(prefix);
			free(uri);
			prefix = xstrndup(t, (size_t)(sp - t));
			uri = trim(sp + 1, strlen(sp + 1));
		}
		free(t);
	}
	if (!name || strncmp(name, "ac-", 3) != 0 || !prefix || !*prefix || !uri || !*uri)
		return;
	out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
	out->v[out->n++] = (struct disc_meta){
		.name = steal_ptr(&name),
		.prefix = steal_ptr(&prefix),
		.uri = steal_ptr(&uri),
	};
}

static void start_tag(struct tok *z, struct disc_metas *out)
{
	static const char *const raw[] = { "iframe", "noembed", "noframes", "noscript", "plaintext",
					   "script", "style",	"textarea", "title",	"xmp" };
	struct attrs a = { 0 };
	struct span name;

	read_tag(z, &name, &a);
	/* Cut short by the end: Go returns an error token, not the tag. */
	if (!z->end) {
		if (span_is(z, name, "meta"))
			add_meta(z, &a, out);
		for (size_t i = 0; i < ARRAY_SIZE(raw); i++)
			if (span_is(z, name, raw[i]))
				z->raw = raw[i];
	}
	free(a.v);
}

void disc_meta_scan(const char *html, size_t len, struct disc_metas *out)
{
	struct tok z = { .b = (const unsigned char *)html, .n = len };
	struct span name;
	int c;

	while (!z.end) {
		if (z.raw) {
			read_raw(&z);
			continue;
		}
		if ((c = rd(&z)) < 0)
			break;
		if (c != '<')
			continue;
		if ((c = rd(&z)) < 0)
			break;
		if (is_alpha(c)) {
			start_tag(&z, out);
		} else if (c == '/') {
			if ((c = rd(&z)) < 0)
				break;
			if (c == '>')
				continue;
			if (is_alpha(c)) {
				read_tag(&z, &name, NULL);
				continue;
			}
			z.pos--;
			read_until_close_angle(&z);
		} else if (c == '!') {
			read_markup_declaration(&z);
		} else if (c == '?') {
			z.pos--;
			read_until_close_angle(&z);
		} else {
			z.pos--;
		}
	}
}

void disc_metas_free(struct disc_metas *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].prefix);
		free(m->v[i].uri);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
