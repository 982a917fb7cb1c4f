// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/spec/accounts.h"

/* Field i (0-based) of a ':'-separated line [p, end): its start, *flen. */
static const char *field(const char *p, const char *end, int i, size_t *flen)
{
	*flen = 0;
	for (; i > 0; i--) {
		p = memchr(p, ':', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	const char *e = memchr(p, ':', (size_t)(end - p)) ?: end;
	*flen = (size_t)(e - p);
	return p;
}

bool spec_account_id(const char *p, size_t n, uint32_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	if (x > UINT32_MAX - 1) /* (uid_t)-1 means "no change" to the kernel */
		return false;
	*v = (uint32_t)x;
	return true;
}

int spec_account_find(const char *text, size_t len, bool group, const char *name, uint32_t id,
		      struct spec_account *a)
{
	const char *p = text, *end = text + len;
	int need = group ? 4 : 7;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)) ?: end;
		const char *line = p, *f;
		size_t nlen, flen;
		int colons = 0;
		uint32_t uid, gid = 0;

		p = eol + 1;
		if (line == eol || *line == '#')
			continue;
		for (const char *q = line; q < eol; q++)
			colons += *q == ':';
		if (colons < need - 1)
			continue;
		field(line, eol, 0, &nlen);
		f = field(line, eol, 2, &flen);
		if (!spec_account_id(f, flen, &uid))
			continue;
		if (!group) {
			f = field(line, eol, 3, &flen);
			if (!spec_account_id(f, flen, &gid))
				continue;
		}
		if (name ? (nlen != strlen(name) || memcmp(line, name, nlen)) : uid != id)
			continue;
		a->name = xstrndup(line, nlen);
		a->id = uid;
		a->gid = gid;
		a->home = NULL;
		if (!group) {
			f = field(line, eol, 5, &flen);
			a->home = xstrndup(f, flen);
		}
		return 0;
	}
	return 1;
}

void spec_account_free(struct spec_account *a)
{
	free(a->name);
	free(a->home);
	a->name = a->home = NULL;
}
