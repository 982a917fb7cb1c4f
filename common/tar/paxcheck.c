// SPDX-License-Identifier: Apache-2.0
#include <stdbool.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/tar/paxcheck.h"

static bool is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* What libarchive's decoder takes without loss: base64 digits, a length that
 * is not 1 mod 4, '=' padding only at the end. */
static bool base64_ok(const unsigned char *v, size_t len)
{
	size_t n = len;

	while (n > 0 && len - n < 2 && v[n - 1] == '=')
		n--;
	if (n < len && len % 4 != 0)
		return false;
	if (n % 4 == 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_b64(v[i]))
			return false;
	return true;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Every '%' starts an escape of two hex digits, and none is a NUL (which
 * would cut the name short). */
static bool urlname_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s != '%')
			continue;
		if (hexval(s[1]) < 0 || hexval(s[2]) < 0 || (s[1] == '0' && s[2] == '0'))
			return false;
		s += 2;
	}
	return true;
}

/* The pax records libarchive keeps as C strings, cut at the first NUL. */
static bool is_text_record(const char *key)
{
	return streq(key, "path") || streq(key, "linkpath") || streq(key, "uname") ||
	       streq(key, "gname");
}

const char *paxcheck_record(const char *key, const unsigned char *value, size_t len)
{
	static const char prefix[] = "LIBARCHIVE.xattr.";

	if (is_text_record(key))
		return memchr(value, 0, len) ? "a NUL byte in the value" : NULL;
	if (strncmp(key, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	if (!urlname_ok(key + sizeof(prefix) - 1))
		return "the name is not URL-encoded";
	if (!base64_ok(value, len))
		return "the value is not base64";
	return NULL;
}
