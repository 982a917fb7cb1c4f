// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>

#include "common/base/err.h"
#include "common/json/json.h"
#include "common/json/jsonsplice.h"
#include "common/json/jsongen.h"
#include "tap.h"

#define P(s) json_parse((s), sizeof(s) - 1, NULL)

/*
 * Every value's span, parsed on its own, must give back the same value: that
 * is what makes splicing safe. Returns the number of values that failed.
 */
static int check_spans(const char *text, const struct json_value *v)
{
	struct json_value *again = json_parse(text + v->start, v->end - v->start, NULL);
	int bad = 0;

	if (!again || again->type != v->type || again->n != v->n ||
	    again->len != v->len || (v->str && memcmp(again->str, v->str, v->len) != 0)) {
		printf("#   bad span [%zu, %zu): '%.*s'\n", v->start, v->end,
		       (int)(v->end - v->start), text + v->start);
		bad++;
	}
	json_free(again);
	for (size_t i = 0; i < v->n; i++) {
		if (v->type == JSON_OBJECT) {
			size_t ks = v->key_starts[i], ke = v->key_ends[i];
			struct json_value *key = json_parse(text + ks, ke - ks, NULL);

			if (!key || key->type != JSON_STRING ||
			    key->len != v->keylens[i] ||
			    memcmp(key->str, v->keys[i], key->len) != 0) {
				printf("#   bad key span [%zu, %zu)\n", ks, ke);
				bad++;
			}
			json_free(key);
		}
		bad += check_spans(text, v->items[i]);
	}
	return bad;
}

static void check_doc(const char *text)
{
	struct act_err err = { 0 };
	struct json_value *v = json_parse(text, strlen(text), &err);

	CHECK(v != NULL);
	if (!v) {
		printf("#   %s\n#   error: %s\n", text, err.msg);
		return;
	}
	CHECK_INT(check_spans(text, v), 0);
	json_free(v);
}

static void test_spans(void)
{
	static const char esc[] = "{\"k\\\"\\\\\": \"a\\\"b\\\\c\\u00e9\\/\", \"n\": [1, -2.5e+3]}";
	static const char pretty[] =
		"{\n"
		"    \"acKind\": \"ImageManifest\",\n"
		"    \"app\": {\n"
		"        \"isolators\": [\n"
		"            {\n"
		"                \"name\": \"resource/cpu\",\n"
		"                \"value\": {\"limit\": 1.50e+01}\n"
		"            }\n"
		"        ]\n"
		"    },\n"
		"    \"x\": [ [ ], { }, [ [ { } ] ] ],\n"
		"    \"t\": true, \"f\": false, \"z\": null\n"
		"}\n";
	struct json_value *v, *w;
	const struct json_value *n;

	check_doc(esc);
	check_doc(pretty);
	check_doc("[1,2,3]");
	check_doc("[[],{},[[{}]],{\"a\":[]}]");
	check_doc("  \r\n\t{\"a\" :  1 , \"b\"\n:\n[ 10 ,20 ] }  \n");
	check_doc("123");
	check_doc("\"\"");

	/* Exact offsets: escapes, a number closing an array, a number at EOF. */
	v = P("{\"k\\\"\": \"\\u00e9\\\\\", \"n\": [1, 22]}");
	CHECK(v && v->type == JSON_OBJECT && v->n == 2);
	if (v) {
		CHECK_INT(v->start, 0);
		CHECK_INT(v->end, 33);
		CHECK_INT(v->key_starts[0], 1);
		CHECK_INT(v->key_ends[0], 6);
		CHECK_STR(v->keys[0], "k\"");
		CHECK_INT(v->items[0]->start, 8);
		CHECK_INT(v->items[0]->end, 18);
		CHECK_STR(v->items[0]->str, "\xc3\xa9\\");
		CHECK_INT(v->items[0]->len, 3);
		n = json_get(v, "n");
		CHECK(n && n->type == JSON_ARRAY && n->n == 2);
		if (n) {
			CHECK_INT(n->start, 25);
			CHECK_INT(n->end, 32);
			CHECK_INT(n->items[1]->start, 29);
			CHECK_INT(n->items[1]->end, 31);
			CHECK_STR(n->items[1]->str, "22");
		}
	}
	json_free(v);

	w = P(" -0.5e-7");
	CHECK(w && w->type == JSON_NUMBER);
	if (w) {
		CHECK_INT(w->start, 1);
		CHECK_INT(w->end, 8);
		CHECK_STR(w->str, "-0.5e-7");
	}
	json_free(w);
}

static void test_values(void)
{
	struct json_value *v = P("{\"s\":\"a\\u0000b\",\"e\":\"\\ud83d\\ude00\",\"t\":true,"
				 "\"f\":false,\"z\":null,\"n\":1.50e+01,\"\":\"empty key\"}");
	const struct json_value *x;

	CHECK(v != NULL);
	if (!v)
		return;
	x = json_get(v, "s");
	CHECK(x && x->type == JSON_STRING && x->len == 3);
	CHECK(x && memcmp(x->str, "a\0b", 3) == 0);
	CHECK(json_is_string(json_get(v, "e"), "\xf0\x9f\x98\x80"));
	x = json_get(v, "t");
	CHECK(x && x->type == JSON_BOOL && x->boolean == 1);
	x = json_get(v, "f");
	CHECK(x && x->type == JSON_BOOL && x->boolean == 0);
	CHECK(json_get(v, "z") && json_get(v, "z")->type == JSON_NULL);
	CHECK_STR(json_get(v, "n")->str, "1.50e+01");
	CHECK(json_is_string(json_get(v, ""), "empty key"));
	CHECK(json_get(v, "S") == NULL);
	CHECK(json_get(v, "missing") == NULL);
	CHECK(json_get(json_get(v, "s"), "s") == NULL);
	CHECK(!json_is_string(json_get(v, "n"), "1.50e+01"));
	CHECK(!json_is_string(json_get(v, "s"), "a"));
	CHECK(!json_is_string(NULL, "a"));
	json_free(v);
}

static void check_error(const char *text, size_t len, const char *msg)
{
	struct act_err err = { 0 };
	struct json_value *v = json_parse(text, len, &err);

	CHECK(v == NULL);
	CHECK_STR(err.msg, msg);
	CHECK_INT(err.code, EINVAL);
	json_free(v);
}
#define ERR(s, msg) check_error((s), sizeof(s) - 1, (msg))

static void test_errors(void)
{
	ERR("", "invalid JSON: empty text");
	ERR(" \n ", "invalid JSON: empty text");
	ERR("{\"a\":", "invalid JSON at byte 5: parse error: premature EOF");
	ERR("[1,]", "invalid JSON at byte 4: parse error: unallowed token at this point in JSON text");
	ERR("{\"a\" 1}", "invalid JSON at byte 6: parse error: object key and value must be separated by a colon (':')");
	ERR("[tru]", "invalid JSON at byte 4: lexical error: invalid string in json text.");
	ERR("{} x", "invalid JSON at byte 3: trailing data after the value");
	ERR("{}{}", "invalid JSON at byte 2: trailing data after the value");
	ERR("1 2", "invalid JSON at byte 2: trailing data after the value");
	ERR("[1]\f", "invalid JSON at byte 3: trailing data after the value");
	ERR("[1,\f2]", "invalid JSON at byte 3: unexpected character");
	ERR("{\"a\":1,\"b\":2,\"a\":3}", "duplicate key 'a' at byte 13");
	ERR("{\"b\":1,\"a\":2,\"a\":3,\"b\":4}", "duplicate key 'a' at byte 13");
	ERR("[{\"x\":{\"name\":1,\"name\":2}}]", "duplicate key 'name' at byte 16");
	ERR("{\"\\n\\u0001\":1,\"\\n\\u0001\":2}", "duplicate key '?" "?' at byte 14");
	ERR("{\"a\\u0000b\":1}", "invalid JSON at byte 1: key holds a NUL byte");
	ERR("[\"\\ud800\"]", "invalid JSON at byte 2: unpaired surrogate escape");
	ERR("[\"ab\\udc00\\ud800\"]", "invalid JSON at byte 4: unpaired surrogate escape");
	ERR("{\"\\ud83d\\ud83d\\ude00\":1}", "invalid JSON at byte 2: unpaired surrogate escape");
	ERR("[\"\\ud83dx\\ude00\"]", "invalid JSON at byte 2: unpaired surrogate escape");
	ERR("[\"\\\\ud800\\u00e9\\uD83D\\uDE00\"] x", "invalid JSON at byte 30: trailing data after the value");
	ERR("\xef\xbb\xbf{}", "JSON text starts with a byte order mark");
	ERR("[\"\xff\"]", "invalid UTF-8 at byte 2");
	ERR("[\"\xc0\x80\"]", "invalid UTF-8 at byte 2");
	ERR("[\"\xed\xa0\x80\"]", "invalid UTF-8 at byte 2");
	ERR("[\"\xf4\x90\x80\x80\"]", "invalid UTF-8 at byte 2");
	ERR("[\"\xe2\x82\"]", "invalid UTF-8 at byte 2");
	ERR("[\"a\nb\"]", "invalid JSON at byte 3: lexical error: invalid character inside string.");
	/* The terminating NUL of a C string is not JSON. */
	ERR("{}\0", "invalid JSON at byte 2: trailing data after the value");
	/* A NUL inside a string is rejected by yajl; not so the escaped \u0000. */
	ERR("[\"a\0\"]", "invalid JSON at byte 3: lexical error: invalid character inside string.");
}

static char *nested(size_t depth, const char *open, const char *close, size_t *len)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *s = malloc(depth * (lo + lc) + 1), *p = s;

	for (size_t i = 0; i < depth; i++, p += lo)
		memcpy(p, open, lo);
	for (size_t i = 0; i < depth; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	*len = (size_t)(p - s);
	return s;
}

static void test_depth(void)
{
	struct act_err err = { 0 };
	struct json_value *v;
	size_t len;
	char *s;

	s = nested(JSON_MAX_DEPTH, "[", "]", &len);
	v = json_parse(s, len, &err);
	CHECK(v != NULL);
	json_free(v);
	free(s);

	s = nested(JSON_MAX_DEPTH + 1, "[", "]", &len);
	v = json_parse(s, len, &err);
	CHECK(v == NULL);
	CHECK_STR(err.msg, "invalid JSON at byte 127: nested deeper than 127 levels");
	free(s);

	/* Deep enough to overflow a recursive parser's stack: a clean error. */
	err.msg[0] = '\0';
	s = nested(100000, "[", "]", &len);
	CHECK(json_parse(s, len, &err) == NULL);
	CHECK_STR(err.msg, "invalid JSON at byte 127: nested deeper than 127 levels");
	free(s);

	err.msg[0] = '\0';
	s = nested(100000, "{\"a\":", "}", &len);
	CHECK(json_parse(s, len, &err) == NULL);
	CHECK_STR(err.msg, "invalid JSON at byte 635: nested deeper than 127 levels");
	free(s);

	/* Unbalanced and deep: the depth limit still comes first. */
	err.msg[0] = '\0';
	s = nested(100000, "[", "", &len);
	CHECK(json_parse(s, len, &err) == NULL);
	CHECK_STR(err.msg, "invalid JSON at byte 127: nested deeper than 127 levels");
	free(s);
}

static void check_apply(struct json_edit *e, const char *src, const char *want)
{
	struct act_err err = { 0 };
	char *out = NULL;
	size_t len = 0;

	CHECK_INT(json_edit_apply(e, src, strlen(src), &out, &len, &err), 0);
	CHECK_STR(out, want);
	CHECK_INT(len, strlen(want));
	free(out);
}

static void test_edit(void)
{
	struct json_edit e = JSON_EDIT_INIT;
	struct act_err err = { 0 };
	char *out = NULL;
	size_t len = 0;

	check_apply(&e, "{\"a\":1}", "{\"a\":1}");

	/* Added out of order; insertions at one offset keep their order. */
	json_edit_replace(&e, 5, 6, "[2]", 3);
	json_edit_insert(&e, 1, "\"z\":0,", 6);
	json_edit_insert(&e, 6, ",\"b\"", 4);
	json_edit_insert(&e, 6, ":3", 2);
	json_edit_insert(&e, 5, "", 0);
	check_apply(&e, "{\"a\":1}", "{\"z\":0,\"a\":[2],\"b\":3}");
	json_edit_done(&e);
	CHECK(e.ops == NULL && e.n == 0);

	/* An insertion goes before a replacement that starts at the same offset. */
	json_edit_replace(&e, 0, 3, "xyz", 3);
	json_edit_insert(&e, 0, "<", 1);
	json_edit_insert(&e, 3, ">", 1);
	check_apply(&e, "abcdef", "<xyz>def");
	json_edit_done(&e);

	json_edit_replace(&e, 0, 6, "", 0);
	check_apply(&e, "abcdef", "");
	json_edit_done(&e);

	json_edit_replace(&e, 1, 4, "X", 1);
	json_edit_replace(&e, 3, 5, "Y", 1);
	CHECK_INT(json_edit_apply(&e, "abcdef", 6, &out, &len, &err), -1);
	CHECK_STR(err.msg, "edits at bytes 1 and 3 overlap");
	CHECK(out == NULL);
	json_edit_done(&e);

	err.msg[0] = '\0';
	json_edit_replace(&e, 1, 4, "X", 1);
	json_edit_insert(&e, 2, "Y", 1);
	CHECK_INT(json_edit_apply(&e, "abcdef", 6, &out, &len, &err), -1);
	CHECK_STR(err.msg, "edits at bytes 1 and 2 overlap");
	json_edit_done(&e);

	err.msg[0] = '\0';
	json_edit_replace(&e, 4, 7, "X", 1);
	CHECK_INT(json_edit_apply(&e, "abcdef", 6, &out, &len, &err), -1);
	CHECK_STR(err.msg, "edit of bytes 4-7 is out of range");
	json_edit_done(&e);
}

static void check_gen(struct json_gen *g, const char *want)
{
	struct act_err err = { 0 };
	size_t len = 0;
	char *out = json_gen_finish(g, &len, &err);

	if (want) {
		CHECK_STR(out, want);
		CHECK_INT(len, strlen(want));
	} else {
		CHECK(out == NULL && act_err_isset(&err));
	}
	free(out);
	json_gen_free(g);
}

static void test_gen(void)
{
	static const char *const bad_numbers[] = {
		"", "-", "1.", ".5", "1e", "+1", "1e+", "0x1", "1 ", "01",
	};
	struct json_gen *g;
	struct act_err err = { 0 };
	size_t len;
	char *s;

	g = json_gen_new();
	json_gen_object_open(g);
	json_gen_cstr(g, "name");
	json_gen_cstr(g, "os/linux/capabilities-retain-set");
	json_gen_cstr(g, "value");
	json_gen_object_open(g);
	json_gen_cstr(g, "set");
	json_gen_array_open(g);
	json_gen_cstr(g, "CAP_NET_RAW");
	json_gen_int(g, -7);
	json_gen_number(g, "1.50e+01");
	json_gen_bool(g, 1);
	json_gen_null(g);
	json_gen_array_open(g);
	json_gen_array_close(g);
	json_gen_object_open(g);
	json_gen_object_close(g);
	json_gen_array_close(g);
	json_gen_object_close(g);
	json_gen_object_close(g);
	check_gen(g, "{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":"
		     "[\"CAP_NET_RAW\",-7,1.50e+01,true,null,[],{}]}}");

	s = json_gen_string("a\"b\\c/\n\x01\xc3\xa9\0z", 12, &len, &err);
	CHECK_STR(s, "\"a\\\"b\\\\c/\\n\\u0001\xc3\xa9\\u0000z\"");
	CHECK_INT(len, strlen(s));
	free(s);

	/* Misuse and bad input are reported once, at the end. */
	g = json_gen_new();
	json_gen_object_open(g);
	json_gen_int(g, 1);
	json_gen_object_close(g);
	check_gen(g, NULL);

	g = json_gen_new();
	json_gen_object_open(g);
	json_gen_cstr(g, "k");
	json_gen_object_close(g);
	check_gen(g, NULL);

	g = json_gen_new();
	json_gen_array_open(g);
	json_gen_object_close(g);
	check_gen(g, NULL);

	g = json_gen_new();
	json_gen_array_open(g);
	check_gen(g, NULL);

	g = json_gen_new();
	json_gen_null(g);
	json_gen_null(g);
	check_gen(g, NULL);

	g = json_gen_new();
	check_gen(g, NULL);

	g = json_gen_new();
	json_gen_array_open(g);
	json_gen_array_close(g);
	json_gen_array_close(g);
	check_gen(g, NULL);

	for (size_t i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++) {
		g = json_gen_new();
		json_gen_number(g, bad_numbers[i]);
		check_gen(g, NULL);
	}
	g = json_gen_new();
	json_gen_number(g, "-0.0E-00");
	check_gen(g, "-0.0E-00");

	err.msg[0] = '\0';
	CHECK(json_gen_string("\xc0\x80", 2, &len, &err) == NULL);
	CHECK_STR(err.msg, "invalid UTF-8 at byte 0 of a string");

	g = json_gen_new();
	for (int i = 0; i < 128; i++)
		json_gen_array_open(g);
	check_gen(g, NULL);
}

static void check_pretty(const char *in, const char *want)
{
	struct act_err err = { 0 };
	size_t len = 0;
	char *out = json_pretty(in, strlen(in), &len, &err);

	CHECK_STR(out, want);
	if (!out)
		printf("#   error: %s\n", err.msg);
	else
		CHECK_INT(len, strlen(want));
	free(out);
}

static void test_pretty(void)
{
	struct act_err err = { 0 };
	size_t len;
	char *s, *out;

	check_pretty("{\"acKind\":\"ImageManifest\",\"n\":1.50e+01,\"a\":[1,{\"b\":[]},{}],"
		     "\"s\":\"\\u00e9\\/\\\"\",\"e\":{},\"t\":true,\"z\":null}\n\n",
		     "{\n"
		     "    \"acKind\": \"ImageManifest\",\n"
		     "    \"n\": 1.50e+01,\n"
		     "    \"a\": [\n"
		     "        1,\n"
		     "        {\n"
		     "            \"b\": []\n"
		     "        },\n"
		     "        {}\n"
		     "    ],\n"
		     "    \"s\": \"\xc3\xa9/\\\"\",\n"
		     "    \"e\": {},\n"
		     "    \"t\": true,\n"
		     "    \"z\": null\n"
		     "}\n");
	check_pretty("  {\n\n}  ", "{}\n");
	check_pretty("[]", "[]\n");
	check_pretty("[[[]]]", "[\n    [\n        []\n    ]\n]\n");
	check_pretty("-12", "-12\n");
	check_pretty("\"x\"", "\"x\"\n");

	CHECK(json_pretty("{", 1, &len, &err) == NULL);
	CHECK_STR(err.msg, "invalid JSON at byte 1: parse error: premature EOF");

	/* Whatever parses pretty-prints: the parse limit is the generator's. */
	s = nested(JSON_MAX_DEPTH, "[", "]", &len);
	out = json_pretty(s, len, &len, &err);
	CHECK(out != NULL);
	free(out);
	free(s);
	err.msg[0] = '\0';
	s = nested(JSON_MAX_DEPTH + 1, "[", "]", &len);
	CHECK(json_pretty(s, len, &len, &err) == NULL);
	CHECK_STR(err.msg, "invalid JSON at byte 127: nested deeper than 127 levels");
	free(s);
}

int main(void)
{
	RUN(test_spans);
	RUN(test_values);
	RUN(test_errors);
	RUN(test_depth);
	RUN(test_edit);
	RUN(test_gen);
	RUN(test_pretty);
	return tap_done();
}
