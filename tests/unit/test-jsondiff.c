// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json/json.h"
#include "common/json/jsondiff.h"
#include "tap.h"

/* Each change as "KIND PATH OLD NEW", one per line. */
static int collect(void *ctx, const struct jsondiff_change *c)
{
	char *out = ctx, line[512];
	static const char *const kinds[] = { "~", "+", "-" };

	snprintf(line, sizeof(line), "%s %s %s %s\n", kinds[c->kind], c->path,
		 c->old_json ? c->old_json : "_", c->new_json ? c->new_json : "_");
	strcat(out, line);
	return 0;
}

static void check(const char *a, const char *b, const char *want, int count)
{
	struct act_err err = { 0 };
	struct json_value *ja = json_parse(a, strlen(a), &err);
	struct json_value *jb = json_parse(b, strlen(b), &err);
	char got[4096] = "";

	CHECK(ja && jb);
	if (!ja || !jb)
		return;
	CHECK_INT(jsondiff(ja, jb, collect, got), count);
	CHECK_STR(got, want);
	json_free(ja);
	json_free(jb);
}

static void test_objects(void)
{
	check("{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}", "", 0);
	check("{\"a\":1}", "{\"a\":1.0}", "~ .a 1 1.0\n", 1);
	check("{\"a\":1,\"b\":{\"c\":true}}", "{\"b\":{\"c\":false},\"d\":null}",
	      "- .a 1 _\n~ .b.c true false\n+ .d _ null\n", 3);
	/* Keys that are not identifiers, as jq writes them. */
	check("{\"a/b\":1,\"9x\":2}", "{\"a/b\":3,\"9x\":2}", "~ .[\"a/b\"] 1 3\n", 1);
	check("[1]", "{}", "~ . [1] {}\n", 1);
	check("\"x\"", "\"x\"", "", 0);
}

static void test_arrays(void)
{
	/* One insertion is one change, wherever it is. */
	check("[\"a\",\"b\",\"c\"]", "[\"a\",\"x\",\"b\",\"c\"]", "+ .[1] _ \"x\"\n", 1);
	check("[\"a\",\"b\",\"c\"]", "[\"a\",\"c\"]", "- .[1] \"b\" _\n", 1);
	/* In a gap, old and new pair up in order. */
	check("[\"/bin/ping\"]", "[\"/bin/sh\",\"-c\",\"x\"]",
	      "~ .[0] \"/bin/ping\" \"/bin/sh\"\n+ .[1] _ \"-c\"\n+ .[2] _ \"x\"\n", 3);
	/* Named objects pair by name, whatever their order. */
	check("[{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"amd64\"}]",
	      "[{\"name\":\"arch\",\"value\":\"arm64\"},{\"name\":\"os\",\"value\":\"linux\"},"
	      "{\"name\":\"v\",\"value\":\"1\"}]",
	      "~ .[1].value \"amd64\" \"arm64\"\n+ .[2] _ {\"name\":\"v\",\"value\":\"1\"}\n", 2);
	/* Two of the same name: by position instead. */
	check("[{\"name\":\"a\",\"v\":1},{\"name\":\"a\",\"v\":2}]",
	      "[{\"name\":\"a\",\"v\":1},{\"name\":\"a\",\"v\":3}]", "~ .[1].v 2 3\n", 1);
	check("[]", "[[],{}]", "+ .[0] _ []\n+ .[1] _ {}\n", 2);
}

static void test_manifest(void)
{
	check("{\"app\":{\"isolators\":[{\"name\":\"os/linux/capabilities-retain-set\","
	      "\"value\":{\"set\":[\"CAP_NET_RAW\"]}}]}}",
	      "{\"app\":{\"isolators\":[{\"name\":\"os/linux/capabilities-retain-set\","
	      "\"value\":{\"set\":[\"CAP_NET_RAW\",\"CAP_CHOWN\"]}}]}}",
	      "+ .app.isolators[0].value.set[1] _ \"CAP_CHOWN\"\n", 1);
}

static void test_equal_compact(void)
{
	struct act_err err = { 0 };
	const char *t = " { \"a\" : [ 1 , \"\\u00e9\\n\" ] , \"b\" : null } ";
	struct json_value *v = json_parse(t, strlen(t), &err);
	char *c = json_compact(v);

	CHECK_STR(c, "{\"a\":[1,\"\xc3\xa9\\n\"],\"b\":null}");
	CHECK(json_equal(v, v));
	free(c);
	json_free(v);
}

int main(void)
{
	test_objects();
	test_arrays();
	test_manifest();
	test_equal_compact();
	return tap_done();
}
