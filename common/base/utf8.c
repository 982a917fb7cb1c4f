// SPDX-License-Identifier: Apache-2.0
#include "common/base/utf8.h"

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

size_t utf8_invalid_at(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len && (n = utf8_char_len(p + i, len - i)))
		i += n;
	return i;
}
