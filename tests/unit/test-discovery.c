// SPDX-License-Identifier: Apache-2.0
/* appc discovery without a network: names, templates, meta tags, the walk
 * over a table of pages, the JSON actool prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/discovery/acmeta.h"
#include "common/discovery/appname.h"
#include "common/discovery/discjson.h"
#include "common/discovery/httpget.h"
#include "common/discovery/template.h"
#include "common/discovery/walk.h"
#include "tap.h"

/* "name|l1=v1|l2=v2", or "error: MESSAGE". */
static char *parsed(const char *s)
{
	struct act_err err = { 0 };
	struct disc_app app;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	if (disc_app_parse(s, &app, &err) < 0) {
		CHECK(app.name == NULL && app.n_labels == 0);
		if (asprintf(&out, "error: %s", err.msg) < 0)
			abort();
		return out;
	}
	f = open_memstream(&out, &len);
	fputs(app.name, f);
	for (size_t i = 0; i < app.n_labels; i++)
		fprintf(f, "|%s=%s", app.labels[i].name, app.labels[i].value);
	fclose(f);
	disc_app_free(&app);
	return out;
}

static void check_parse(const char *s, const char *want)
{
	_cleanup_free_ char *got = parsed(s);

	CHECK_STR(got, want);
}

static void check_parse_error(const char *s, const char *want)
{
	_cleanup_free_ char *got = parsed(s);
	char full[512];

	snprintf(full, sizeof(full), "error: '%s': %s", s, want);
	CHECK_STR(got, full);
}

static void test_app_parse(void)
{
	/* appc's own examples (discovery/parse_test.go). */
	check_parse("example.com/reduce-worker:1.0.0", "example.com/reduce-worker|version=1.0.0");
	check_parse("example.com/reduce-worker,channel=alpha,label=value",
		    "example.com/reduce-worker|channel=alpha|label=value");
	check_parse("example.com/app:1.2.3,special=!*'();@&+$/?#[],channel=beta",
		    "example.com/app|version=1.2.3|special=!*'();@&+$/?#[]|channel=beta");
	check_parse_error("example.com/app,channel=beta:1.2.3",
			  "a colon may only come right after the name");
	check_parse_error("example.com/app:3.2.1,channel=beta:1.2.3", "more than one colon");
	check_parse_error("example.com/app:3.2.1,version=1.2.3", "label 'version' given twice");
	check_parse_error("foo.com/bar,channel=alpha,dog=woof,channel=beta",
			  "label 'channel' given twice");
	check_parse_error("not an app name",
			  "'not an app name' is not an image name (an AC identifier: lower-case "
			  "letters and digits, single -._~/ between them)");

	check_parse("example.com/app", "example.com/app");
	check_parse("a", "a");
	check_parse("example.com/app:", "example.com/app|version=");
	check_parse("example.com/app,os=,x=a=b", "example.com/app|os=|x=a=b");
	check_parse("example.com/app,ext=zip", "example.com/app|ext=zip");
	check_parse_error("example.com/app,channel", "label 'channel' has no value (LABEL=VALUE)");
	check_parse_error("example.com/app,", "label '' has no value (LABEL=VALUE)");
	check_parse_error("example.com/app,=x", "label name '' is not an AC identifier");
	check_parse_error("example.com/app,Channel=x", "label name 'Channel' is not an AC identifier");
	check_parse_error("example.com/app,name=x", "'name' is not a label: the image name comes first");
	check_parse_error(":1.0", "'' is not an image name (an AC identifier: lower-case letters "
				  "and digits, single -._~/ between them)");
	/* The spec's AC identifier: appc's Go lets runs of separators through. */
	check_parse_error("example.com//app", "'example.com//app' is not an image name (an AC "
					      "identifier: lower-case letters and digits, single "
					      "-._~/ between them)");
	check_parse_error("Example.com", "'Example.com' is not an image name (an AC identifier: "
					 "lower-case letters and digits, single -._~/ between them)");
}

static void test_app_defaults(void)
{
	struct act_err err = { 0 };
	struct disc_app app;

	CHECK_INT(disc_app_parse("example.com/app:,os=,arch=arm64", &app, &err), 0);
	disc_app_default(&app, "version", "latest");
	disc_app_default(&app, "os", "linux");
	disc_app_default(&app, "arch", "amd64");
	disc_app_default(&app, "channel", "stable");
	CHECK_STR(disc_app_label(&app, "version"), "latest");
	CHECK_STR(disc_app_label(&app, "os"), "linux");
	CHECK_STR(disc_app_label(&app, "arch"), "arm64");
	CHECK_STR(disc_app_label(&app, "channel"), "stable");
	CHECK(disc_app_label(&app, "missing") == NULL);
	CHECK_INT(app.n_labels, 4);
	disc_app_free(&app);

	CHECK_STR(disc_host_os(), "linux");
#if defined(__x86_64__)
	CHECK_STR(disc_host_arch(), "amd64");
#elif defined(__aarch64__)
	CHECK_STR(disc_host_arch(), "arm64");
#endif
}

static struct disc_app app_of(const char *s)
{
	struct act_err err = { 0 };
	struct disc_app app;

	if (disc_app_parse(s, &app, &err) < 0) {
		printf("# %s\n", err.msg);
		abort();
	}
	return app;
}

static void check_fill(const char *name, const char *tpl, const char *ext, const char *want,
		       const char *want_left)
{
	struct disc_app app = app_of(name);
	char *left = NULL;
	_cleanup_free_ char *got = disc_template_fill(tpl, &app, ext, &left);

	if (want)
		CHECK_STR(got, want);
	else
		CHECK(got == NULL);
	if (want_left)
		CHECK_STR(left, want_left);
	else
		CHECK(left == NULL);
	free(left);
	disc_app_free(&app);
}

static void test_template(void)
{
	const char *full = "example.com/app:1.0.0,os=linux,arch=amd64";

	check_fill(full, "https://storage.example.com/{os}/{arch}/{name}-{version}.{ext}", "aci",
		   "https://storage.example.com/linux/amd64/example.com/app-1.0.0.aci", NULL);
	check_fill(full, "https://s/{name}-{version}.{ext}", "aci.asc",
		   "https://s/example.com/app-1.0.0.aci.asc", NULL);
	/* Every occurrence; no placeholder at all. */
	check_fill(full, "{name}/{name}/{ext}{ext}", "aci", "example.com/app/example.com/app/aciaci",
		   NULL);
	check_fill(full, "https://s/fixed.aci", "aci", "https://s/fixed.aci", NULL);
	/* A label not given: skipped, and what was left said. */
	check_fill(full, "https://s/{channel}/{name}.{ext}", "aci", NULL, "{channel}");
	check_fill("example.com/app,channel=beta", "https://s/{channel}/{name}.{ext}", "aci",
		   "https://s/beta/example.com/app.aci", NULL);
	/* Any label fills its placeholder; an empty value is a value. */
	check_fill("example.com/app,my.label=x", "{my.label}", "aci", "x", NULL);
	check_fill("example.com/app,channel=", "a{channel}b", "aci", "ab", NULL);
	/* Exact names: no case folding, no blanks. */
	check_fill(full, "{Name}", "aci", NULL, "{Name}");
	check_fill(full, "{ name }", "aci", NULL, "{ name }");
	/* A label named ext comes first, as appc fills labels before {ext}. */
	check_fill("example.com/app,ext=zip", "{name}.{ext}", "aci", "example.com/app.zip", NULL);
	/* appc's test is {.*?}: any braces left on one line, even empty. */
	check_fill(full, "https://s/{}.{ext}", "aci", NULL, "{}");
	check_fill(full, "https://s/}{.{ext}", "aci", "https://s/}{.aci", NULL);
	check_fill(full, "https://s/{a\nb}.{ext}", "aci", "https://s/{a\nb}.aci", NULL);
	check_fill(full, "{{name}}", "aci", NULL, "{example.com/app}");
	check_fill(full, "{x{name}", "aci", "{xexample.com/app", NULL);
	/* A value is not filled in again, and braces in it count as left. */
	check_fill("example.com/app,channel={os}", "{channel}", "aci", NULL, "{os}");
	check_fill("example.com/app,channel={", "{channel}x}", "aci", NULL, "{x}");
}

/* The tags of html as "name prefix uri|...". */
static char *metas(const char *html, size_t len)
{
	struct disc_metas m = { 0 };
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);

	disc_meta_scan(html, len, &m);
	for (size_t i = 0; i < m.n; i++)
		fprintf(f, "%s%s %s %s", i ? "|" : "", m.v[i].name, m.v[i].prefix, m.v[i].uri);
	fclose(f);
	disc_metas_free(&m);
	return out;
}

static void check_meta(const char *html, const char *want)
{
	_cleanup_free_ char *got = metas(html, strlen(html));

	CHECK_STR(got, want);
}

static void test_meta(void)
{
	/* The spec's example, several tags, in page order. */
	check_meta("<!DOCTYPE html><html><head>\n"
		   "<meta name=\"ac-discovery\" content=\"example.com https://s.example.com/{os}/{arch}/{name}-{version}.{ext}\">\n"
		   "<meta name=\"ac-discovery\" content=\"example.com hdfs://s.example.com/{name}.{ext}\">\n"
		   "<meta name=\"ac-discovery-pubkeys\" content=\"example.com https://example.com/pubkeys.gpg\">\n"
		   "</head><body>hi</body></html>\n",
		   "ac-discovery example.com https://s.example.com/{os}/{arch}/{name}-{version}.{ext}|"
		   "ac-discovery example.com hdfs://s.example.com/{name}.{ext}|"
		   "ac-discovery-pubkeys example.com https://example.com/pubkeys.gpg");
	/* Attributes in any order, any quoting, any case; self-closing; tags
	 * anywhere in the page. */
	check_meta("<meta content='p u' name='ac-discovery'>", "ac-discovery p u");
	check_meta("<META NAME=ac-discovery CONTENT=\"p u\"/>", "ac-discovery p u");
	check_meta("<meta\tname = \"ac-discovery\"\ncontent\n=\n'p u' />", "ac-discovery p u");
	check_meta("<body><p>x</p><meta name=ac-discovery content='p u'></body>", "ac-discovery p u");
	check_meta("<meta name=ac-discovery content=p>", "");
	/* Unquoted: a value ends at a blank or '>'. */
	check_meta("<meta name=ac-discovery content=p u>", "");
	check_meta("<meta name=ac-x content=\"a b\" extra>", "ac-x a b");
	/* The name must start with "ac-"; prefix and uri must be there. */
	check_meta("<meta name=\"description\" content=\"a b\">", "");
	check_meta("<meta name=\"AC-discovery\" content=\"a b\">", "");
	check_meta("<meta content=\"a b\">", "");
	check_meta("<meta name=\"ac-discovery\">", "");
	check_meta("<meta name=\"ac-discovery\" content=\"   \">", "");
	/* The last name wins; a content that does not split leaves the last
	 * one that did. */
	check_meta("<meta name=x name=ac-discovery content='a b'>", "ac-discovery a b");
	check_meta("<meta name=ac-discovery content='a b' content='c'>", "ac-discovery a b");
	check_meta("<meta name=ac-discovery content='a b' content='c d'>", "ac-discovery c d");
	/* Trimmed (Unicode white space too), split at the first space only;
	 * a tab does not split. */
	check_meta("<meta name=ac-discovery content='  a   b c  \n'>", "ac-discovery a b c");
	check_meta("<meta name=ac-discovery content='a\tb'>", "");
	check_meta("<meta name=ac-discovery content='\u3000a b\u00a0'>", "ac-discovery a b");
	check_meta("<meta name=ac-discovery content='a&nbsp;b'>", "");
	check_meta("<meta name=ac-discovery content='a b&nbsp;'>", "ac-discovery a b");
	/* Character references in values. */
	check_meta("<meta name=ac-discovery content='a https://s/x?a=1&amp;b=2&#38;c&#x26;d'>",
		   "ac-discovery a https://s/x?a=1&b=2&c&d");
	check_meta("<meta name=ac-discovery content='a &lt;&gt;&quot;&apos;&sol;&lbrace;&rbrace;'>",
		   "ac-discovery a <>\"'/{}");
	check_meta("<meta name=ac-discovery content='a x&amp=1&lt;&amp'>", "ac-discovery a x&amp=1<&");
	check_meta("<meta name=ac-discovery content='a &copy;&unknown;&;&#;&#x;&#0;&#128;'>",
		   "ac-discovery a &copy;&unknown;&;&#;\ufffd\ufffd\u20ac");
	check_meta("<meta name=ac-discovery content='a &#1114112;&#xD800;&#99999999999;'>",
		   "ac-discovery a \ufffd\ufffd\ufffd");
	check_meta("<meta name=&#97;c-discovery content='a b'>", "ac-discovery a b");
	/* CR LF and CR are LF. */
	check_meta("<meta name=ac-discovery content='a\r\nb c\rd'>", "ac-discovery a\nb c\nd");

	/* Not searched: comments, bogus comments, end tags, raw text. */
	check_meta("<!-- <meta name=ac-discovery content='a b'> -->", "");
	check_meta("<!--> <meta name=ac-discovery content='a b'>", "ac-discovery a b");
	check_meta("<!-- x --!> <meta name=ac-discovery content='a b'>", "ac-discovery a b");
	check_meta("<!-- x --!- <meta name=ac-discovery content='c d'> --> "
		   "<meta name=ac-discovery content='a b'>",
		   "ac-discovery a b");
	check_meta("<! <meta name=ac-discovery content='c d'> <meta name=ac-discovery content='a b'>",
		   "ac-discovery a b");
	check_meta("<?php <meta name=ac-discovery content='c d'>?><meta name=ac-discovery content='a b'>",
		   "ac-discovery a b");
	check_meta("</x a='>'><meta name=ac-discovery content='a b'>", "ac-discovery a b");
	check_meta("<script>'<meta name=ac-discovery content=\"c d\">'</script>"
		   "<meta name=ac-discovery content='a b'>",
		   "ac-discovery a b");
	check_meta("<script><!--<script></script><meta name=ac-discovery content='c d'>--></script>"
		   "<meta name=ac-discovery content='a b'>",
		   "ac-discovery a b");
	check_meta("<title><meta name=ac-discovery content='c d'></TITLE >"
		   "<meta name=ac-discovery content='a b'>",
		   "ac-discovery a b");
	check_meta("<style/><meta name=ac-discovery content='c d'></style>"
		   "<meta name=ac-discovery content='a b'>",
		   "ac-discovery a b");
	check_meta("<plaintext><meta name=ac-discovery content='a b'>", "");
	check_meta("<scriptx><meta name=ac-discovery content='a b'>", "ac-discovery a b");

	/* Bad HTML: fewer tags, never a failure. */
	check_meta("", "");
	check_meta("<", "");
	check_meta("<meta", "");
	check_meta("<meta name=ac-discovery content='a b'", "");
	check_meta("<meta name=ac-discovery content='a b>", "");
	check_meta("<meta name=ac-discovery content='a b'><meta name=ac-discovery content='c d'",
		   "ac-discovery a b");
	check_meta("<meta name=ac-discovery content='a b'><script>", "ac-discovery a b");
	check_meta("< meta name=ac-discovery content='a b'>", "");
	check_meta("<<meta name=ac-discovery content='a b'>", "ac-discovery a b");
	/* A '/' ends a name, not an unquoted value. */
	check_meta("<meta/name=ac-discovery/content='a b'>", "");
	check_meta("<meta/name='ac-discovery'/content='a b'/>", "ac-discovery a b");
	check_meta("<meta =x name=ac-discovery content='a b'>", "ac-discovery a b");
	check_meta("<!--", "");
	check_meta("<script><!--", "");
	{
		static const char nul[] = "<meta name=ac-discovery content='a\0b c'>";
		_cleanup_free_ char *got = metas(nul, sizeof(nul) - 1);

		CHECK_STR(got, "ac-discovery a\ufffdb c");
	}
}

/* A table of pages for the walk: prefix -> body, or an error. */
struct site {
	const char *prefix, *body, *error;
	int fetched;
};

static int fetch(void *ctx, const char *prefix, char **body, size_t *len, struct act_err *err)
{
	for (struct site *s = ctx; s->prefix; s++) {
		if (!streq(s->prefix, prefix))
			continue;
		s->fetched++;
		if (s->error)
			return act_err_set(err, EIO, "%s", s->error);
		*body = xstrdup(s->body);
		*len = strlen(s->body);
		return 0;
	}
	return act_err_set(err, EIO, "HTTP status 404, expected 200");
}

#define PAGE(p, b) { .prefix = (p), .body = (b) }
#define FAILS(p, e) { .prefix = (p), .error = (e) }
#define END { .prefix = NULL }
#define TAG(name, content) "<meta name=\"" name "\" content=\"" content "\">"

/* The walk's outcome in a line: "E aci asc|K key|WE prefix: error|WK ..." or
 * "error: MESSAGE". */
static char *walked(const char *name, struct site *site)
{
	struct disc_app app = app_of(name);
	struct act_err err = { 0 };
	struct disc_found f;
	char *out = NULL;
	size_t len = 0;
	FILE *o;

	disc_app_default(&app, "version", "latest");
	disc_app_default(&app, "os", "linux");
	disc_app_default(&app, "arch", "amd64");
	if (disc_walk(&app, fetch, site, &f, &err) < 0) {
		CHECK(f.n_endpoints == 0 && f.endpoints == NULL);
		disc_app_free(&app);
		if (asprintf(&out, "error: %s", err.msg) < 0)
			abort();
		return out;
	}
	o = open_memstream(&out, &len);
	for (size_t i = 0; i < f.n_endpoint_attempts; i++)
		fprintf(o, "WE %s: %s|", f.endpoint_attempts[i].prefix, f.endpoint_attempts[i].error);
	for (size_t i = 0; i < f.n_pubkey_attempts; i++)
		fprintf(o, "WK %s: %s|", f.pubkey_attempts[i].prefix, f.pubkey_attempts[i].error);
	for (size_t i = 0; i < f.n_endpoints; i++)
		fprintf(o, "E %s %s|", f.endpoints[i].aci, f.endpoints[i].asc);
	for (size_t i = 0; i < f.n_pubkeys; i++)
		fprintf(o, "K %s|", f.pubkeys[i]);
	fclose(o);
	disc_found_free(&f);
	disc_app_free(&app);
	return out;
}

static void check_walk(const char *name, struct site *site, const char *want)
{
	_cleanup_free_ char *got = walked(name, site);

	CHECK_STR(got, want);
}

static void test_walk(void)
{
	struct site plain[] = {
		PAGE("example.com/app", TAG("ac-discovery", "example.com https://s/{name}-{version}.{ext}")
				     TAG("ac-discovery-pubkeys", "example.com https://k")),
		END,
	};
	struct site parents[] = {
		PAGE("example.com/a/b", "no tags"),
		FAILS("example.com/a", "TLS failure"),
		/* Prefix matching: a plain string prefix of the name. */
		PAGE("example.com", TAG("ac-discovery", "example.com/other https://o/{name}.{ext}")
				 TAG("ac-discovery", "example.com/a https://s/{os}/{name}.{ext}")
				 TAG("ac-discovery", "example.com/a/b/c https://c/{name}.{ext}")
				 TAG("ac-discovery", "ex https://e/{name}.{ext}")
				 TAG("ac-discovery", "example.com https://t/{channel}/{name}.{ext}")
				 TAG("ac-discovery-pubkeys", "example.com/b https://nokey")
				 TAG("ac-discovery-pubkeys", "example.com https://k1")
				 TAG("ac-discovery-pubkeys", "example.com/a https://k2")),
		END,
	};
	struct site keys_up[] = {
		PAGE("example.com/app", TAG("ac-discovery", "example.com https://s/{name}.{ext}")),
		PAGE("example.com", TAG("ac-discovery", "example.com https://other/{name}.{ext}")
				 TAG("ac-discovery-pubkeys", "example.com https://k")),
		END,
	};
	struct site no_keys[] = {
		PAGE("example.com/app", TAG("ac-discovery", "example.com https://s/{name}.{ext}")),
		FAILS("example.com", "refused"),
		END,
	};
	struct site none[] = {
		PAGE("example.com/a/b", "<html><meta name=ac-discovery"),
		PAGE("example.com/a", TAG("ac-discovery", "example.com/x https://s/{name}.{ext}")),
		PAGE("example.com", TAG("ac-discovery", "example.com https://s/{channel}/{name}.{ext}")
				 TAG("ac-discovery", "example.com https://s/{flavour}/{name}.{ext}")
				 TAG("ac-discovery-pubkeys", "example.com https://k")),
		END,
	};

	check_walk("example.com/app:1.0", plain,
		   "E https://s/example.com/app-1.0.aci https://s/example.com/app-1.0.aci.asc|K https://k|");
	CHECK_INT(plain[0].fetched, 1);
	check_walk("example.com/a/b", parents,
		   "WE example.com/a: TLS failure|WK example.com/a: TLS failure|"
		   "E https://s/linux/example.com/a/b.aci https://s/linux/example.com/a/b.aci.asc|"
		   "E https://e/example.com/a/b.aci https://e/example.com/a/b.aci.asc|"
		   "K https://k1|K https://k2|");
	/* Each page once, for both walks. */
	CHECK_INT(parents[0].fetched, 1);
	CHECK_INT(parents[1].fetched, 1);
	CHECK_INT(parents[2].fetched, 1);
	check_walk("example.com/a/b,channel=beta", parents,
		   "WE example.com/a: TLS failure|WK example.com/a: TLS failure|"
		   "E https://s/linux/example.com/a/b.aci https://s/linux/example.com/a/b.aci.asc|"
		   "E https://e/example.com/a/b.aci https://e/example.com/a/b.aci.asc|"
		   "E https://t/beta/example.com/a/b.aci https://t/beta/example.com/a/b.aci.asc|"
		   "K https://k1|K https://k2|");
	/* Endpoints from the first page that has some; keys from the first
	 * page that has some, further up. */
	check_walk("example.com/app", keys_up,
		   "E https://s/example.com/app.aci https://s/example.com/app.aci.asc|K https://k|");
	CHECK_INT(keys_up[1].fetched, 1);
	/* No key anywhere is no error; the failed pages are listed. */
	check_walk("example.com/app", no_keys,
		   "WK example.com: refused|E https://s/example.com/app.aci https://s/example.com/app.aci.asc|");
	/* Nothing: why, for each prefix. */
	check_walk("example.com/a/b", none,
		   "error: discovery failed: example.com/a/b: no ac-discovery meta tag; "
		   "example.com/a: no ac-discovery meta tag whose prefix matches; "
		   "example.com: its ac-discovery templates need a label not given: {channel}");
	CHECK_INT(none[2].fetched, 1);
	check_walk("other.org/x", none,
		   "error: discovery failed: other.org/x: HTTP status 404, expected 200; "
		   "other.org: HTTP status 404, expected 200");
}

static void test_json(void)
{
	struct disc_endpoint ep[] = {
		{ "https://s/a.aci?x=1&y=<2>", "https://s/a.aci.asc" },
		{ "q\"\\\n\r\t\x01\x7f", "bad\xff utf8 \xe2\x80\xa8\xe2\x80\xa9 \xc3\xa9" },
	};
	char *keys[] = { "https://k1", "https://k2" };
	struct disc_found f = { .endpoints = ep, .n_endpoints = 2, .pubkeys = keys, .n_pubkeys = 2 };
	_cleanup_free_ char *j = disc_found_json(&f);
	_cleanup_free_ char *empty = NULL;

	CHECK_STR(j, "{\n"
		     "    \"ACIEndpoints\": [\n"
		     "        {\n"
		     "            \"ACI\": \"https://s/a.aci?x=1\\u0026y=\\u003c2\\u003e\",\n"
		     "            \"ASC\": \"https://s/a.aci.asc\"\n"
		     "        },\n"
		     "        {\n"
		     "            \"ACI\": \"q\\\"\\\\\\n\\r\\t\\u0001\x7f\",\n"
		     "            \"ASC\": \"bad\\ufffd utf8 \\u2028\\u2029 \xc3\xa9\"\n"
		     "        }\n"
		     "    ],\n"
		     "    \"PublicKeys\": [\n"
		     "        \"https://k1\",\n"
		     "        \"https://k2\"\n"
		     "    ]\n"
		     "}");
	f.n_endpoints = 0;
	f.n_pubkeys = 0;
	empty = disc_found_json(&f);
	CHECK_STR(empty, "{\n    \"ACIEndpoints\": null,\n    \"PublicKeys\": null\n}");
}

static void check_url(const char *scheme, const char *prefix, unsigned port, const char *want)
{
	_cleanup_free_ char *got = disc_page_url(scheme, prefix, port);

	CHECK_STR(got, want);
}

static void test_url(void)
{
	/* As Go's url.URL prints them: no '/' before the query of a host alone. */
	check_url("https", "example.com/a/b", 0, "https://example.com/a/b?ac-discovery=1");
	check_url("https", "example.com", 0, "https://example.com?ac-discovery=1");
	check_url("http", "example.com/a", 8080, "http://example.com:8080/a?ac-discovery=1");
	check_url("https", "127.0.0.1", 443, "https://127.0.0.1:443?ac-discovery=1");
}

int main(void)
{
	RUN(test_app_parse);
	RUN(test_app_defaults);
	RUN(test_template);
	RUN(test_meta);
	RUN(test_walk);
	RUN(test_json);
	RUN(test_url);
	return tap_done();
}
