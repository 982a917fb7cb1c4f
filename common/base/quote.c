// SPDX-License-Identifier: Apache-2.0
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/quote.h"
#include "common/base/utf8.h"

static char *quote(const char *s, bool controls)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;
	char *out = xmalloc(4 * n + 1);

	for (size_t i = 0; i < n;) {
		size_t len = utf8_char_len(p + i, n - i);

		if (controls && p[i] == '\\') {
			memcpy(out + o, "\\\\", 2);
			o += 2;
		} else if (controls && p[i] == '\n') {
			memcpy(out + o, "\\n", 2);
			o += 2;
		} else if (!len || (controls && (p[i] < 0x20 || p[i] == 0x7f))) {
			o += (size_t)sprintf(out + o, "\\x%02x", p[i]);
		} else {
			memcpy(out + o, p + i, len);
			o += len;
			i += len;
			continue;
		}
		i++;
	}
	out[o] = '\0';
	return out;
}

char *quote_name(const char *s)
{
	return quote(s, true);
}

char *quote_utf8(const char *s)
{
	return quote(s, false);
}
