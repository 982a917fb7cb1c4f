// SPDX-License-Identifier: Apache-2.0
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/quote.h"

size_t utf8_char_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len = c < 0x80			? 1
		     : c >= 0xc2 && c <= 0xdf	? 2
		     : c >= 0xe0 && c <= 0xef	? 3
		     : c >= 0xf0 && c <= 0xf4	? 4
						: 0;

	if (!len || len > n)
		return 0;
	for (size_t k = 1; k < len; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	if (len == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f)))
		return 0;
	if (len == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f)))
		return 0;
	return len;
}

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
