// SPDX-License-Identifier: Apache-2.0
/*
 * appc discovery's parsers on any bytes (common/discovery/): the input is a
 * discovery page for disc_meta_scan (every tag it returns has an "ac-"
 * name, a prefix with no space that starts with no blank, and a URI with no
 * blank at either end); the walk over it, the same page for every prefix, whose JSON
 * parses (json_parse) and whose filled URLs hold no {...} on one line;
 * and its first line as a NAME for disc_app_parse (a name and label names
 * that are AC identifiers, no label twice, or a one-line refusal).
 */
#include <stdbool.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/discovery/acmeta.h"
#include "common/discovery/appname.h"
#include "common/discovery/discjson.h"
#include "common/discovery/walk.h"
#include "common/json/json.h"
#include "common/spec/types.h"
#include "fuzz.h"

struct page {
	const char *p;
	size_t n;
};

static int fetch(void *ctx, const char *prefix, char **body, size_t *len, struct act_err *err)
{
	const struct page *pg = ctx;

	(void)err;
	*body = xmalloc(pg->n + 1);
	memcpy(*body, pg->p, pg->n);
	*len = pg->n;
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* appc's {.*?} test, written out again. */
static bool has_placeholder(const char *s)
{
	for (; *s; s++) {
		if (*s != '{')
			continue;
		for (const char *t = s + 1; *t && *t != '\n'; t++)
			if (*t == '}')
				return true;
	}
	return false;
}

static void check_metas(const char *data, size_t size)
{
	struct disc_metas m = { 0 };

	disc_meta_scan(data, size, &m);
	for (size_t i = 0; i < m.n; i++) {
		const struct disc_meta *t = &m.v[i];
		size_t pl = strlen(t->prefix), ul = strlen(t->uri);

		FUZZ_CHECK(strncmp(t->name, "ac-", 3) == 0);
		FUZZ_CHECK(pl && !strchr(t->prefix, ' ') && !blank(t->prefix[0]));
		FUZZ_CHECK(ul && !blank(t->uri[0]) && !blank(t->uri[ul - 1]));
	}
	disc_metas_free(&m);
}

static void check_walk(const char *data, size_t size)
{
	struct page pg = { data, size };
	struct act_err err = { 0 };
	struct disc_app app;
	struct disc_found f;

	FUZZ_CHECK(disc_app_parse("example.com/app:1.0,channel=beta", &app, &err) == 0);
	disc_app_default(&app, "os", "linux");
	disc_app_default(&app, "arch", "amd64");
	if (disc_walk(&app, fetch, &pg, &f, &err) < 0) {
		FUZZ_CHECK(err.msg[0] && !strchr(err.msg, '\n'));
	} else {
		char *json = disc_found_json(&f);
		struct json_value *v = json_parse(json, strlen(json), &err);

		FUZZ_CHECK(v && v->type == JSON_OBJECT);
		FUZZ_CHECK(f.n_endpoints > 0);
		for (size_t i = 0; i < f.n_endpoints; i++)
			FUZZ_CHECK(!has_placeholder(f.endpoints[i].aci) &&
				   !has_placeholder(f.endpoints[i].asc));
		json_free(v);
		free(json);
		disc_found_free(&f);
	}
	disc_app_free(&app);
}

static void check_name(const char *data, size_t size)
{
	struct act_err err = { 0 };
	struct disc_app app;
	size_t n = strnlen(data, size);
	char *line;

	if (memchr(data, '\n', n))
		n = (size_t)((const char *)memchr(data, '\n', n) - data);
	line = xstrndup(data, n);
	if (disc_app_parse(line, &app, &err) < 0) {
		FUZZ_CHECK(err.msg[0] && app.name == NULL);
	} else {
		FUZZ_CHECK(spec_is_acidentifier(app.name, strlen(app.name)));
		for (size_t i = 0; i < app.n_labels; i++) {
			FUZZ_CHECK(spec_is_acidentifier(app.labels[i].name, strlen(app.labels[i].name)));
			FUZZ_CHECK(!streq(app.labels[i].name, "name"));
			for (size_t j = 0; j < i; j++)
				FUZZ_CHECK(!streq(app.labels[i].name, app.labels[j].name));
		}
		disc_app_free(&app);
	}
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_metas((const char *)data, size);
	check_walk((const char *)data, size);
	check_name((const char *)data, size);
	return 0;
}
