// SPDX-License-Identifier: Apache-2.0
#include <string.h>

#include "common/base/macro.h"
#include "common/base/strbuf.h"
#include "common/base/utf8.h"
#include "common/discovery/discjson.h"

static void add_string(struct strbuf *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);

	strbuf_adds(o, "\"");
	for (size_t i = 0; i < n;) {
		unsigned char b = u[i];
		size_t l;

		if (b < 0x80) {
			char esc[7] = "\\u00";

			if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
				strbuf_add(o, s + i, 1);
			} else if (b == '"' || b == '\\') {
				esc[1] = (char)b;
				strbuf_add(o, esc, 2);
			} else if (b == '\n' || b == '\r' || b == '\t') {
				esc[1] = b == '\n' ? 'n' : b == '\r' ? 'r' : 't';
				strbuf_add(o, esc, 2);
			} else {
				esc[4] = hex[b >> 4];
				esc[5] = hex[b & 0xF];
				strbuf_add(o, esc, 6);
			}
			i++;
			continue;
		}
		l = utf8_char_len(u + i, n - i);
		if (!l) {
			strbuf_adds(o, "\\ufffd");
			i++;
		} else if (l == 3 && b == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
			strbuf_adds(o, u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
			i += 3;
		} else {
			strbuf_add(o, s + i, l);
			i += l;
		}
	}
	strbuf_adds(o, "\"");
}

char *disc_found_json(const struct disc_found *found)
{
	struct strbuf o = { 0 };

	strbuf_adds(&o, "{\n    \"ACIEndpoints\": ");
	if (!found->n_endpoints) {
		strbuf_adds(&o, "null");
	} else {
		strbuf_adds(&o, "[\n");
		for (size_t i = 0; i < found->n_endpoints; i++) {
			strbuf_adds(&o, "        {\n            \"ACI\": ");
			add_string(&o, found->endpoints[i].aci);
			strbuf_adds(&o, ",\n            \"ASC\": ");
			add_string(&o, found->endpoints[i].asc);
			strbuf_adds(&o, i + 1 < found->n_endpoints ? "\n        },\n" : "\n        }\n");
		}
		strbuf_adds(&o, "    ]");
	}
	strbuf_adds(&o, ",\n    \"PublicKeys\": ");
	if (!found->n_pubkeys) {
		strbuf_adds(&o, "null");
	} else {
		strbuf_adds(&o, "[\n");
		for (size_t i = 0; i < found->n_pubkeys; i++) {
			strbuf_adds(&o, "        ");
			add_string(&o, found->pubkeys[i]);
			strbuf_adds(&o, i + 1 < found->n_pubkeys ? ",\n" : "\n");
		}
		strbuf_adds(&o, "    ]");
	}
	strbuf_adds(&o, "\n}");
	return o.p;
}
