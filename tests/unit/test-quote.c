// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <string.h>

#include "common/base/quote.h"
#include "common/base/utf8.h"
#include "tap.h"

static void check_name(const char *in, const char *want)
{
	char *got = quote_name(in);

	CHECK_STR(got, want);
	free(got);
}

static void check_utf8(const char *in, const char *want)
{
	char *got = quote_utf8(in);

	CHECK_STR(got, want);
	free(got);
}

static void test_name(void)
{
	check_name("rootfs/bin/ping", "rootfs/bin/ping");
	check_name("", "");
	/* One line whatever the bytes, and reversible: \ itself is escaped. */
	check_name("a\nb", "a\\nb");
	check_name("esc\x1b[31mred", "esc\\x1b[31mred");
	check_name("tab\tdel\x7f", "tab\\x09del\\x7f");
	check_name("back\\slash", "back\\\\slash");
	/* UTF-8 stays; a byte that is not UTF-8 does not. */
	check_name("caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80");
	check_name("caf\xe9", "caf\\xe9");
	check_name("\xc0\xaf", "\\xc0\\xaf");	      /* overlong '/' */
	check_name("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* a surrogate */
	check_name("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
	check_name("\xe2\x82", "\\xe2\\x82");	      /* cut short */
}

static void test_utf8(void)
{
	check_utf8("a\nb\\c", "a\nb\\c");
	check_utf8("caf\xe9\xc3\xa9", "caf\\xe9\xc3\xa9");
}

static void test_char_len(void)
{
	CHECK_INT(utf8_char_len((const unsigned char *)"a", 1), 1);
	CHECK_INT(utf8_char_len((const unsigned char *)"\xc3\xa9", 2), 2);
	CHECK_INT(utf8_char_len((const unsigned char *)"\xc3\xa9", 1), 0);
	CHECK_INT(utf8_char_len((const unsigned char *)"\xef\xbf\xbf", 3), 3);
	CHECK_INT(utf8_char_len((const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);
	CHECK_INT(utf8_char_len((const unsigned char *)"\x80", 1), 0);
	CHECK_INT(utf8_char_len((const unsigned char *)"\xf5\x80\x80\x80", 4), 0);
}

int main(void)
{
	RUN(test_name);
	RUN(test_utf8);
	RUN(test_char_len);
	return tap_done();
}
