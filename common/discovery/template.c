// SPDX-License-Identifier: Apache-2.0
#include <string.h>

#include "common/base/macro.h"
#include "common/base/strbuf.h"
#include "common/discovery/template.h"

/* The value of placeholder key (klen bytes between the braces), or NULL.
 * A label named "name" cannot be given (disc_app_parse), so {name} is
 * always the name; a label named "ext" comes before {ext}, as appc fills
 * labels first. */
static const char *value_of(const char *key, size_t klen, const struct disc_app *app,
			    const char *ext)
{
	if (klen == 4 && memcmp(key, "name", 4) == 0)
		return app->name;
	for (size_t i = 0; i < app->n_labels; i++)
		if (strlen(app->labels[i].name) == klen && memcmp(app->labels[i].name, key, klen) == 0)
			return app->labels[i].value;
	if (klen == 3 && memcmp(key, "ext", 3) == 0)
		return ext;
	return NULL;
}

/* Where appc's {.*?} first matches in s ('.' is anything but a newline):
 * the offset of the '{', the length to the '}' included in *n; -1 if none. */
static long unfilled(const char *s, size_t *n)
{
	for (const char *open = strchr(s, '{'); open; open = strchr(open + 1, '{')) {
		size_t span = strcspn(open + 1, "}\n");

		if (open[1 + span] == '}') {
			*n = span + 2;
			return open - s;
		}
	}
	return -1;
}

char *disc_template_fill(const char *tpl, const struct disc_app *app, const char *ext,
			 char **left)
{
	struct strbuf b = { 0 };
	const char *p = tpl;
	size_t n;
	long at;

	strbuf_add(&b, "", 0);
	while (*p) {
		const char *open = strchr(p, '{'), *close, *v;

		if (!open) {
			strbuf_add(&b, p, strlen(p));
			break;
		}
		strbuf_add(&b, p, (size_t)(open - p));
		close = strchr(open + 1, '}');
		v = close ? value_of(open + 1, (size_t)(close - open - 1), app, ext) : NULL;
		if (v) {
			strbuf_add(&b, v, strlen(v));
			p = close + 1;
		} else {
			strbuf_add(&b, "{", 1);
			p = open + 1;
		}
	}
	at = unfilled(b.p, &n);
	if (at < 0)
		return b.p;
	if (left)
		*left = xstrndup(b.p + at, n);
	free(b.p);
	return NULL;
}
