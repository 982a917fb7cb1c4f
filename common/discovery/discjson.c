// SPDX-License-Identifier: Apache-2.0
#include <string.h>

#include "common/base/macro.h"
#include "common/base/utf8.h"
#include "common/discovery/discjson.h"

struct out {
	char *p;
	size_t len, cap;
};

static void add(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = 2 * (o->len + n + 1);
		o->p = xrealloc(o->p, o->cap);
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void adds(struct out *o, const char *s)
{
	add(o, s, strlen(s));
}

/* Go's encodeState.string with escapeHTML. */
static void add_string(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);

	adds(o, "\"");
	for (size_t i = 0; i < n;) {
		unsigned char b = u[i];
		size_t l;

		if (b < 0x80) {
			char esc[7] = "\\u00";

			if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
				add(o, s + i, 1);
			} else if (b == '"' || b == '\\') {
				esc[1] = (char)b;
				add(o, esc, 2);
			} else if (b == '\n' || b == '\r' || b == '\t') {
				esc[1] = b == '\n' ? 'n' : b == '\r' ? 'r' : 't';
				add(o, esc, 2);
			} else {
				esc[4] = hex[b >> 4];
				esc[5] = hex[b & 0xF];
				add(o, esc, 6);
			}
			i++;
			continue;
		}
		l = utf8_char_len(u + i, n - i);
		if (!l) {
			adds(o, "\\ufffd");
			i++;
		} else if (l == 3 && b == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
			adds(o, u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
			i += 3;
		} else {
			add(o, s + i, l);
			i += l;
		}
	}
	adds(o, "\"");
}

char *disc_found_json(const struct disc_found *found)
{
	struct out o = { 0 };

	adds(&o, "{\n    \"ACIEndpoints\": ");
	if (!found->n_endpoints) {
		adds(&o, "null");
	} else {
		adds(&o, "[\n");
		for (size_t i = 0; i < found->n_endpoints; i++) {
			adds(&o, "        {\n            \"ACI\": ");
			add_string(&o, found->endpoints[i].aci);
			adds(&o, ",\n            \"ASC\": ");
			add_string(&o, found->endpoints[i].asc);
			adds(&o, i + 1 < found->n_endpoints ? "\n        },\n" : "\n        }\n");
		}
		adds(&o, "    ]");
	}
	adds(&o, ",\n    \"PublicKeys\": ");
	if (!found->n_pubkeys) {
		adds(&o, "null");
	} else {
		adds(&o, "[\n");
		for (size_t i = 0; i < found->n_pubkeys; i++) {
			adds(&o, "        ");
			add_string(&o, found->pubkeys[i]);
			adds(&o, i + 1 < found->n_pubkeys ? ",\n" : "\n");
		}
		adds(&o, "    ]");
	}
	adds(&o, "\n}");
	return o.p;
}
