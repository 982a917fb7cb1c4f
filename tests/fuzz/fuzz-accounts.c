// SPDX-License-Identifier: Apache-2.0
/*
 * An image's /etc/passwd and /etc/group, as run reads them
 * (spec_account_find): the first line of the input is the name looked
 * for, the rest the file. What is found is the line it says, read again
 * independently here; a name and an id look up the same line.
 */
#include <string.h>

#include "common/base/macro.h"
#include "common/spec/accounts.h"
#include "fuzz.h"

/* Whether text has a line "name:x:ID..." with that id (decimal digits,
 * up to the next ':' or the end of the line). */
static int has_line(const char *text, size_t len, const char *name, uint32_t id)
{
	size_t n = strlen(name);

	for (const char *p = text, *end = text + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)) ?: end;
		const char *f;

		if ((size_t)(eol - p) > n && !memcmp(p, name, n) && p[n] == ':' &&
		    (f = memchr(p + n + 1, ':', (size_t)(eol - p - n - 1)))) {
			uint64_t v = 0;
			int digits = 0;

			for (f++; f < eol && *f >= '0' && *f <= '9' && digits < 12; f++, digits++)
				v = v * 10 + (uint64_t)(*f - '0');
			if (digits && (f == eol || *f == ':') && v == id)
				return 1;
		}
		p = eol + 1;
	}
	return 0;
}

static void check(const char *text, size_t len, bool group, const char *name)
{
	struct spec_account a, b;

	if (spec_account_find(text, len, group, name, 0, &a) != 0)
		return;
	FUZZ_CHECK(streq(a.name, name));
	FUZZ_CHECK(!strchr(a.name, ':') && !strchr(a.name, '\n'));
	FUZZ_CHECK(a.id != UINT32_MAX);
	FUZZ_CHECK(has_line(text, len, a.name, a.id));
	FUZZ_CHECK(group ? a.home == NULL : a.home && !strchr(a.home, '\n'));
	/* Looked up by its id: a line with that id (the first such). */
	FUZZ_CHECK(spec_account_find(text, len, group, NULL, a.id, &b) == 0);
	FUZZ_CHECK(b.id == a.id);
	spec_account_free(&b);
	spec_account_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	char *name, *text;
	size_t nlen, tlen;

	if (!nl || size > 8192)
		return 0;
	nlen = (size_t)(nl - (const char *)data);
	tlen = size - nlen - 1;
	name = xstrndup((const char *)data, nlen);
	text = xmalloc(tlen + 1);
	memcpy(text, nl + 1, tlen);
	text[tlen] = '\0';
	if (!memchr(data, '\0', nlen)) {
		check(text, tlen, false, name);
		check(text, tlen, true, name);
	}
	free(name);
	free(text);
	return 0;
}
