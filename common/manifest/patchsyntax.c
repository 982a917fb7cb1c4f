// SPDX-License-Identifier: Apache-2.0
/* actool's option syntax: NAME,key=value items split at ',' and ':', Go's
 * booleans, plain numbers, and user strings shown in messages. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/json/jsongen.h"
#include "common/manifest/patcharg-internal.h"
#include "common/spec/spec.h"

struct shown pa_show(const char *s, size_t len)
{
	struct shown r;
	size_t o = 0;

	for (size_t i = 0; i < len && o < 64; i++) {
		unsigned char c = (unsigned char)s[i];

		r.str[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (o < len)
		memcpy(r.str + o, "...", 3), o += 3;
	r.str[o] = '\0';
	return r;
}

bool pa_is_acidentifier(const char *s)
{
	return spec_is_acidentifier(s, strlen(s));
}

bool pa_is_acname(const char *s)
{
	return spec_is_acname(s, strlen(s));
}

/* The text as a JSON string: fails on invalid UTF-8. */
int pa_check_utf8(const char *s, struct act_err *err)
{
	size_t len;
	char *q = json_gen_string(s, strlen(s), &len, err);

	if (!q)
		return -1;
	free(q);
	return 0;
}

/* Go's strconv.ParseBool, which actool uses for readOnly and socketActivated. */
int pa_parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (streq(s, yes[i]) || streq(s, no[i])) {
			*b = streq(s, yes[i]);
			return 0;
		}
	}
	return -1;
}

/* Digits only, at most max. */
int pa_parse_uint(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

void strv_add(struct strv *sv, char *s)
{
	sv->v = xrealloc(sv->v, (sv->n + 1) * sizeof(*sv->v));
	sv->v[sv->n++] = s;
}

void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	*sv = (struct strv){ 0 };
}

/* Split s at every sep; empty pieces are kept. */
struct strv pa_split(const char *s, char sep)
{
	struct strv sv = { 0 };
	const char *p;

	while ((p = strchr(s, sep))) {
		strv_add(&sv, xstrndup(s, (size_t)(p - s)));
		s = p + 1;
	}
	strv_add(&sv, xstrdup(s));
	return sv;
}

bool strv_has(const struct strv *sv, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (streq(sv->v[i], s))
			return true;
	return false;
}

void item_free(struct item *it)
{
	free(it->name);
	strv_free(&it->keys);
	strv_free(&it->values);
}

int parse_item(const char *text, const char *const *keys, struct item *it,
		      struct act_err *err)
{
	struct strv f = pa_split(text, ',');
	int r = -1;

	*it = (struct item){ .name = steal_ptr(&f.v[0]) };
	for (size_t i = 1; i < f.n; i++) {
		char *eq = strchr(f.v[i], '=');
		size_t k;

		if (!eq) {
			act_err_set(err, EINVAL, "'%s': '%s' is not KEY=VALUE", SHOW(text),
				    SHOW(f.v[i]));
			goto out;
		}
		*eq = '\0';
		for (k = 0; keys[k] && !streq(keys[k], f.v[i]); k++)
			;
		if (!keys[k]) {
			act_err_set(err, EINVAL, "'%s': unknown key '%s'", SHOW(text),
				    SHOW(f.v[i]));
			goto out;
		}
		if (strv_has(&it->keys, it->keys.n, f.v[i])) {
			act_err_set(err, EINVAL, "'%s': '%s' given twice", SHOW(text),
				    SHOW(f.v[i]));
			goto out;
		}
		strv_add(&it->keys, xstrdup(f.v[i]));
		strv_add(&it->values, xstrdup(eq + 1));
	}
	r = 0;
out:
	strv_free(&f);
	if (r < 0)
		item_free(it);
	return r;
}

const char *item_get(const struct item *it, const char *key)
{
	for (size_t i = 0; i < it->keys.n; i++)
		if (streq(it->keys.v[i], key))
			return it->values.v[i];
	return NULL;
}

int pa_once(bool given, struct act_err *err)
{
	return given ? act_err_set(err, EINVAL, "given twice") : 0;
}
