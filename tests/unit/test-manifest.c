// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/caps/capname.h"
#include "common/base/err.h"
#include "common/json/json.h"
#include "common/json/jsonsplice.h"
#include "common/base/macro.h"
#include "common/manifest/manifest.h"
#include "common/manifest/patcharg.h"
#include "tap.h"

#define HEAD "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/x\""
#define RETAIN(c) "{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[" c "]}}"
#define REMOVE(c) "{\"name\":\"os/linux/capabilities-remove-set\",\"value\":{\"set\":[" c "]}}"
#define MEMORY "{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1G\"}}"

/*
 * An image manifest in the style of the appc spec's example: pretty-printed,
 * with an isolator list split out so tests can swap it.
 */
#define EX_HEAD                                                                          \
	"{\n"                                                                            \
	"    \"acKind\": \"ImageManifest\",\n"                                           \
	"    \"acVersion\": \"0.8.11\",\n"                                               \
	"    \"name\": \"example.com/reduce-worker\",\n"                                 \
	"    \"labels\": [\n"                                                            \
	"        {\"name\": \"version\", \"value\": \"1.0.0\"},\n"                       \
	"        {\"name\": \"os\", \"value\": \"linux\"}\n"                             \
	"    ],\n"                                                                       \
	"    \"app\": {\n"                                                               \
	"        \"exec\": [\n"                                                          \
	"            \"/usr/bin/reduce-worker\",\n"                                      \
	"            \"--quiet\"\n"                                                      \
	"        ],\n"                                                                   \
	"        \"user\": \"100\",\n"                                                   \
	"        \"group\": \"300\",\n"                                                  \
	"        \"environment\": [\n"                                                   \
	"            {\n"                                                                \
	"                \"name\": \"REDUCE_WORKER_DEBUG\",\n"                           \
	"                \"value\": \"true\"\n"                                          \
	"            }\n"                                                                \
	"        ],\n"                                                                   \
	"        \"isolators\": ["
#define EX_ISOLATORS                                                                     \
	"\n"                                                                             \
	"            {\n"                                                                \
	"                \"name\": \"resource/cpu\",\n"                                  \
	"                \"value\": {\"limit\": \"20m\"}\n"                              \
	"            },\n"                                                               \
	"            {\n"                                                                \
	"                \"name\": \"resource/memory\",\n"                               \
	"                \"value\": {\"limit\": \"1G\"}\n"                               \
	"            },\n"                                                               \
	"            {\n"                                                                \
	"                \"name\": \"os/linux/capabilities-retain-set\",\n"              \
	"                \"value\": {\"set\": [\"CAP_NET_ADMIN\", \"CAP_NET_BIND_SERVICE\"]}\n" \
	"            },\n"                                                               \
	"            {\n"                                                                \
	"                \"name\": \"os/linux/no-new-privileges\",\n"                    \
	"                \"value\": true\n"                                              \
	"            },\n"                                                               \
	"            {\n"                                                                \
	"                \"name\": \"os/linux/seccomp-remove-set\",\n"                   \
	"                \"value\": {\n"                                                 \
	"                    \"errno\": \"EACCESS\",\n"                                  \
	"                    \"set\": [\n"                                               \
	"                        \"clock_settime\",\n"                                   \
	"                        \"clock_adjtime\",\n"                                   \
	"                        \"reboot\"\n"                                           \
	"                    ]\n"                                                        \
	"                }\n"                                                            \
	"            }\n"                                                                \
	"        "
#define EX_TAIL                                                                          \
	"],\n"                                                                           \
	"        \"mountPoints\": [\n"                                                   \
	"            {\"name\": \"database\", \"path\": \"/var/lib/db\", \"readOnly\": false}\n" \
	"        ],\n"                                                                   \
	"        \"ports\": [\n"                                                         \
	"            {\"name\": \"health\", \"port\": 4000, \"protocol\": \"tcp\"}\n"    \
	"        ]\n"                                                                    \
	"    },\n"                                                                       \
	"    \"annotations\": [\n"                                                       \
	"        {\"name\": \"authors\", \"value\": \"Carly <carly@example.com>\"},\n"   \
	"        {\"name\": \"created\", \"value\": \"2014-10-27T19:32:27.67021798Z\"}\n" \
	"    ]\n"                                                                        \
	"}\n"

static struct manifest_patch caps_patch(enum manifest_caps_kind kind, const char *csv)
{
	struct manifest_patch p = { .caps_kind = kind };

	if (csv && capname_parse_list(csv, p.caps, 64, &p.ncaps, NULL) < 0)
		printf("# bad list '%s'\n", csv);
	return p;
}

/* Apply p to in and compare with want; the result must parse on its own. */
static void check_patch(const char *in, const struct manifest_patch *p, const char *want)
{
	struct act_err err = { 0 };
	struct json_value *v;
	char *out = NULL;
	size_t len = 0;

	CHECK_INT(manifest_patch_apply(in, strlen(in), p, &out, &len, &err), 0);
	if (!out) {
		printf("#   error: %s\n", err.msg);
		return;
	}
	CHECK_STR(out, want);
	CHECK_INT(len, strlen(out));
	v = json_parse(out, len, &err);
	CHECK(v != NULL);
	json_free(v);
	free(out);
}

static void check_patch_error(const char *in, const struct manifest_patch *p,
			      const char *msg)
{
	struct act_err err = { 0 };
	char *out = NULL;
	size_t len = 0;

	CHECK_INT(manifest_patch_apply(in, strlen(in), p, &out, &len, &err), -1);
	CHECK(out == NULL);
	CHECK_STR(err.msg, msg);
}

static void test_appc_example(void)
{
	struct manifest_patch retain, remove;
	static const char in[] = EX_HEAD EX_ISOLATORS EX_TAIL;
	struct act_err err = { 0 };
	char *out = NULL;
	size_t len = 0;

	retain = caps_patch(MANIFEST_CAPS_RETAIN, "net_raw,CAP_KILL");
	remove = caps_patch(MANIFEST_CAPS_REMOVE, "sys_chroot,mknod");
	CHECK_INT(manifest_check(in, strlen(in), &err), 0);

	/* The retain set goes, the new one comes last at the same indentation,
	 * laid out as the last isolator is: one member a line, all the way. */
	check_patch(in, &retain,
		    EX_HEAD "\n"
			    "            {\n"
			    "                \"name\": \"resource/cpu\",\n"
			    "                \"value\": {\"limit\": \"20m\"}\n"
			    "            },\n"
			    "            {\n"
			    "                \"name\": \"resource/memory\",\n"
			    "                \"value\": {\"limit\": \"1G\"}\n"
			    "            },\n"
			    "            {\n"
			    "                \"name\": \"os/linux/no-new-privileges\",\n"
			    "                \"value\": true\n"
			    "            },\n"
			    "            {\n"
			    "                \"name\": \"os/linux/seccomp-remove-set\",\n"
			    "                \"value\": {\n"
			    "                    \"errno\": \"EACCESS\",\n"
			    "                    \"set\": [\n"
			    "                        \"clock_settime\",\n"
			    "                        \"clock_adjtime\",\n"
			    "                        \"reboot\"\n"
			    "                    ]\n"
			    "                }\n"
			    "            },\n"
			    "            {\n"
			    "                \"name\": \"os/linux/capabilities-retain-set\",\n"
			    "                \"value\": {\n"
			    "                    \"set\": [\n"
			    "                        \"CAP_NET_RAW\",\n"
			    "                        \"CAP_KILL\"\n"
			    "                    ]\n"
			    "                }\n"
			    "            }\n"
			    "        " EX_TAIL);

	/* Outside the isolators array, nothing moves. */
	CHECK_INT(manifest_patch_apply(in, strlen(in), &remove, &out, &len, &err), 0);
	if (out) {
		size_t head = strlen(EX_HEAD), tail = strlen(EX_TAIL);

		CHECK(len > head + tail);
		CHECK_MEM(out, EX_HEAD, head);
		CHECK_MEM(out + len - tail, EX_TAIL, tail);
		CHECK(strstr(out, "\"os/linux/capabilities-remove-set\",\n") != NULL);
		CHECK(strstr(out, "\"CAP_SYS_CHROOT\",\n                        \"CAP_MKNOD\"\n") !=
		      NULL);
		CHECK(strstr(out, "capabilities-retain-set") == NULL);
	}
	free(out);
}

static void test_replace_all(void)
{
	struct manifest_patch revoke = caps_patch(MANIFEST_CAPS_REMOVE, "CAP_SYS_ADMIN");

	check_patch(HEAD ",\"app\":{\"user\":\"0\",\"group\":\"0\",\"isolators\":[" RETAIN(
			    "\"CAP_A\"") "," MEMORY "," REMOVE("\"CAP_B\"") "," RETAIN("\"C\"") "]}}",
		    &revoke,
		    HEAD ",\"app\":{\"user\":\"0\",\"group\":\"0\",\"isolators\":[" MEMORY
			 "," REMOVE("\"CAP_SYS_ADMIN\"") "]}}");

	/*
	 * Spaced out: kept elements keep the separators that preceded them; the
	 * new one is separated as the last one was, blanks around the comma and
	 * all.
	 */
	check_patch(HEAD ",\"app\":{\"isolators\":[ " RETAIN("") " , " MEMORY " ,\t" REMOVE(
			    "") " ,  \"other\" , " RETAIN("") " ]}}",
		    &revoke,
		    HEAD ",\"app\":{\"isolators\":[ " MEMORY " ,  \"other\" , " REMOVE(
			    "\"CAP_SYS_ADMIN\"") " ]}}");

	/* An escaped spelling of the name is the same name. */
	check_patch(HEAD ",\"app\":{\"isolators\":[{\"name\":\"os\\/linux\\/capabilities-"
			 "retain-set\",\"value\":{}}," MEMORY "]}}",
		    &revoke,
		    HEAD ",\"app\":{\"isolators\":[" MEMORY "," REMOVE("\"CAP_SYS_ADMIN\"") "]}}");

	/* Nothing left: the new isolator takes the place of the old ones. */
	check_patch(HEAD ",\"app\":{\"isolators\":[" RETAIN("\"CAP_A\"") "]}}", &revoke,
		    HEAD ",\"app\":{\"isolators\":[" REMOVE("\"CAP_SYS_ADMIN\"") "]}}");
	check_patch("{\n"
		    "    \"acKind\": \"ImageManifest\", \"acVersion\": \"0.8.11\", \"name\": \"x\",\n"
		    "    \"app\": {\n"
		    "        \"isolators\": [\n"
		    "            " RETAIN("\"CAP_A\"") ",\n"
		    "            " REMOVE("\"CAP_B\"") "\n"
		    "        ]\n"
		    "    }\n"
		    "}\n",
		    &revoke,
		    "{\n"
		    "    \"acKind\": \"ImageManifest\", \"acVersion\": \"0.8.11\", \"name\": \"x\",\n"
		    "    \"app\": {\n"
		    "        \"isolators\": [\n"
		    "            " REMOVE("\"CAP_SYS_ADMIN\"") "\n"
		    "        ]\n"
		    "    }\n"
		    "}\n");

	check_patch(HEAD ",\"app\":{\"isolators\":[]}}", &revoke,
		    HEAD ",\"app\":{\"isolators\":[" REMOVE("\"CAP_SYS_ADMIN\"") "]}}");
	check_patch(HEAD ",\"app\":{\"isolators\":[ \n ]}}", &revoke,
		    HEAD ",\"app\":{\"isolators\":[" REMOVE("\"CAP_SYS_ADMIN\"") "]}}");
}

static void test_no_isolators(void)
{
	struct manifest_patch p = caps_patch(MANIFEST_CAPS_RETAIN, "net_raw");

	check_patch(HEAD ",\"app\":{\"user\":\"0\",\"group\":\"0\"}}", &p,
		    HEAD ",\"app\":{\"user\":\"0\",\"group\":\"0\",\"isolators\":[" RETAIN(
			    "\"CAP_NET_RAW\"") "]}}");
	check_patch(HEAD ",\"app\":{}}", &p,
		    HEAD ",\"app\":{\"isolators\":[" RETAIN("\"CAP_NET_RAW\"") "]}}");
	check_patch(HEAD ",\"app\":{ }}", &p,
		    HEAD ",\"app\":{\"isolators\":[" RETAIN("\"CAP_NET_RAW\"") "] }}");
	check_patch(HEAD ",\"app\":{\"user\":\"0\",\"isolators\":null,\"group\":\"0\"}}", &p,
		    HEAD ",\"app\":{\"user\":\"0\",\"isolators\":[" RETAIN(
			    "\"CAP_NET_RAW\"") "],\"group\":\"0\"}}");
	/* Pretty: the new member is spelled like the last one, its value laid
	 * out one member a line, with the app's own ':' spacing. Where the
	 * root is on one line, the document is compact and so is the value. */
	check_patch("{\n"
		    "    \"acKind\": \"ImageManifest\",\n"
		    "    \"acVersion\": \"0.8.11\",\n"
		    "    \"name\": \"example.com/x\",\n"
		    "    \"app\": {\n"
		    "        \"user\" : \"0\",\n"
		    "        \"group\" :  \"0\"\n"
		    "    }\n"
		    "}\n",
		    &p,
		    "{\n"
		    "    \"acKind\": \"ImageManifest\",\n"
		    "    \"acVersion\": \"0.8.11\",\n"
		    "    \"name\": \"example.com/x\",\n"
		    "    \"app\": {\n"
		    "        \"user\" : \"0\",\n"
		    "        \"group\" :  \"0\",\n"
		    "        \"isolators\" :  [\n"
		    "            {\n"
		    "                \"name\" : \"os/linux/capabilities-retain-set\",\n"
		    "                \"value\" : {\n"
		    "                    \"set\" : [\n"
		    "                        \"CAP_NET_RAW\"\n"
		    "                    ]\n"
		    "                }\n"
		    "            }\n"
		    "        ]\n"
		    "    }\n"
		    "}\n");
	check_patch("{\"acKind\":\"ImageManifest\",\"acVersion\":\"1\",\"name\":\"x\",\"app\":{\n"
		    "  \"user\":\"0\"}}",
		    &p,
		    "{\"acKind\":\"ImageManifest\",\"acVersion\":\"1\",\"name\":\"x\",\"app\":{\n"
		    "  \"user\":\"0\",\n  \"isolators\":[" RETAIN("\"CAP_NET_RAW\"") "]}}");
}

static void test_errors(void)
{
	struct manifest_patch p = caps_patch(MANIFEST_CAPS_RETAIN, "net_raw");
	struct manifest_patch bad = { .caps_kind = MANIFEST_CAPS_RETAIN };

	check_patch_error(HEAD "}", &p, "manifest has no app: capability isolators apply to an app");
	check_patch_error(HEAD ",\"app\":null}", &p,
			  "manifest has no app: capability isolators apply to an app");
	check_patch_error(HEAD ",\"app\":{\"isolators\":{}}}", &p,
			  "app.isolators must be an array or null");
	check_patch_error(HEAD ",\"app\":{\"isolators\":\"x\"}}", &p,
			  "app.isolators must be an array or null");
	check_patch_error(HEAD ",\"app\":{},\"name\":\"y\"}", &p, "duplicate key 'name' at byte 79");
	check_patch_error(HEAD ",\"app\":{\"isolators\":[],\"isolators\":[]}}", &p,
			  "duplicate key 'isolators' at byte 92");
	check_patch_error(HEAD ",\"app\":{}}", &bad, "empty capability set");
	bad.ncaps = 1;
	bad.caps[0] = ACT_CAP_COUNT;
	check_patch_error(HEAD ",\"app\":{}}", &bad, "unknown capability number 41");
	bad.caps_kind = 7;
	check_patch_error(HEAD ",\"app\":{}}", &bad, "unknown capability patch kind 7");
}

static void test_kept_bytes(void)
{
	struct manifest_patch none = { 0 }, p;
	static const char odd[] =
		"{ \"x-unknown\" : [1.50e+01, -0, 1E400, \"\\u00e9\\/\\n\"],\n"
		"\"acKind\":\"ImageManifest\" ,\"acVersion\":\"0.8.11\",\"name\":\"example.com/x\",\n"
		"\"app\" : {\"exec\":[\"/bin/sh\"],\"isolators\":[\n"
		"\t{\"name\":\"resource/cpu\",\"value\":{\"limit\":1.50e+01,\"s\":\"\\u00e9\\/\"}},\n"
		"\t" RETAIN("\"cap_kill\"") "],\n"
		"\"more\":{\"a\":[{}],\"b\":\"\\ud83d\\ude00\"}}, \"tail\" : 1.0e-0 }  \n";

	p = caps_patch(MANIFEST_CAPS_REMOVE, "kill,kill,CAP_CHOWN,kill");
	check_patch(odd, &p,
		    "{ \"x-unknown\" : [1.50e+01, -0, 1E400, \"\\u00e9\\/\\n\"],\n"
		    "\"acKind\":\"ImageManifest\" ,\"acVersion\":\"0.8.11\",\"name\":\"example.com/x\",\n"
		    "\"app\" : {\"exec\":[\"/bin/sh\"],\"isolators\":[\n"
		    "\t{\"name\":\"resource/cpu\",\"value\":{\"limit\":1.50e+01,\"s\":\"\\u00e9\\/\"}},\n"
		    "\t" REMOVE("\"CAP_KILL\",\"CAP_CHOWN\"") "],\n"
		    "\"more\":{\"a\":[{}],\"b\":\"\\ud83d\\ude00\"}}, \"tail\" : 1.0e-0 }  \n");
	/* No patch: the input, unchanged. */
	check_patch(odd, &none, odd);
}

static void check_bad(const char *in, const char *msg)
{
	struct act_err err = { 0 };

	CHECK_INT(manifest_check(in, strlen(in), &err), -1);
	CHECK_STR(err.msg, msg);
	CHECK_INT(err.code, EINVAL);
}

static void test_check(void)
{
	static const char *const good[] = {
		HEAD "}",
		HEAD ",\"app\":null}",
		HEAD ",\"app\":{}}",
	};
	struct act_err err = { 0 };

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK_INT(manifest_check(good[i], strlen(good[i]), &err), 0);
	CHECK(!act_err_isset(&err));

	check_bad("\xef\xbb\xbf" HEAD "}", "manifest starts with a byte order mark");
	check_bad("[]", "not a JSON object");
	check_bad("", "invalid JSON: empty text");
	check_bad(HEAD, "invalid JSON at byte 69: parse error: premature EOF");
	check_bad(HEAD "} x", "invalid JSON at byte 71: trailing data after the value");
	check_bad("{\"acVersion\":\"1\",\"name\":\"x\"}", "acKind must be 'ImageManifest'");
	check_bad("{\"acKind\":\"PodManifest\",\"acVersion\":\"1\",\"name\":\"x\"}",
		  "acKind must be 'ImageManifest'");
	check_bad("{\"ACKIND\":\"ImageManifest\",\"acVersion\":\"1\",\"name\":\"x\"}",
		  "acKind must be 'ImageManifest'");
	check_bad("{\"acKind\":\"ImageManifest\",\"acVersion\":1,\"name\":\"x\"}",
		  "acVersion must be a non-empty string");
	check_bad("{\"acKind\":\"ImageManifest\",\"acVersion\":\"\",\"name\":\"x\"}",
		  "acVersion must be a non-empty string");
	check_bad("{\"acKind\":\"ImageManifest\",\"acVersion\":\"1\"}",
		  "name must be a non-empty string");
	check_bad("{\"acKind\":\"ImageManifest\",\"acVersion\":\"1\",\"name\":null}",
		  "name must be a non-empty string");
	check_bad(HEAD ",\"app\":[]}", "app must be an object or null");
	check_bad(HEAD ",\"app\":\"x\"}", "app must be an object or null");
	check_bad(HEAD ",\"labels\":[{\"name\":\"a\",\"name\":\"b\"}]}",
		  "duplicate key 'name' at byte 92");
}

#define BIT(c) (UINT64_C(1) << (c))

static void check_bset(const char *isolators, uint64_t want)
{
	_cleanup_free_ char *in = NULL;
	struct act_err err = { 0 };
	uint64_t set = 0;

	if (asprintf(&in, HEAD ",\"app\":{\"user\":\"0\"%s}}", isolators) < 0)
		abort();
	CHECK_INT(manifest_bounding_set(in, strlen(in), &set, &err), 0);
	CHECK(set == want);
	if (set != want)
		printf("#   %s\n#   got %#" PRIx64 ", want %#" PRIx64 " (%s)\n", isolators,
		       set, want, err.msg);
}

static void check_bset_error(const char *in, const char *msg)
{
	struct act_err err = { 0 };
	uint64_t set = 42;

	CHECK_INT(manifest_bounding_set(in, strlen(in), &set, &err), -1);
	CHECK_STR(err.msg, msg);
	CHECK(set == 42);
}

static void test_bounding_set(void)
{
	uint64_t def = capname_default_set();

	check_bset("", def);
	check_bset(",\"isolators\":null", def);
	check_bset(",\"isolators\":[" MEMORY ",\"x\",7]", def);
	check_bset(",\"isolators\":[" RETAIN("\"CAP_NET_RAW\",\"kill\",\"cap_sys_admin\"") "]",
		   BIT(13) | BIT(5) | BIT(21));
	/* Removing what the default set lacks changes nothing. */
	check_bset(",\"isolators\":[" REMOVE("\"CAP_MKNOD\",\"CAP_SYS_ADMIN\"") "]",
		   def & ~BIT(27));
	check_bset(",\"isolators\":[" RETAIN("\"CAP_KILL\"") "," MEMORY "," RETAIN(
			   "\"CAP_CHOWN\"") "]",
		   BIT(0));
	check_bset(",\"isolators\":[" REMOVE("\"CAP_PONIES\"") "," REMOVE("\"CAP_KILL\"") "]",
		   def & ~BIT(5));

	check_bset_error(HEAD "}", "manifest has no app");
	check_bset_error(HEAD ",\"app\":null}", "manifest has no app");
	check_bset_error(HEAD ",\"app\":{\"isolators\":7}}",
			 "app.isolators must be an array or null");
	check_bset_error(HEAD ",\"app\":{\"isolators\":[" RETAIN("\"CAP_KILL\"") "," REMOVE(
				 "\"CAP_KILL\"") "]}}",
			 "app has both a capabilities retain set and a remove set");
	check_bset_error(HEAD ",\"app\":{\"isolators\":[" RETAIN("\"CAP_PONIES\"") "]}}",
			 "os/linux/capabilities-retain-set: unknown capability 'CAP_PONIES'");
	check_bset_error(HEAD ",\"app\":{\"isolators\":[" REMOVE("") "]}}",
			 "os/linux/capabilities-remove-set: value must hold a non-empty set");
	check_bset_error(HEAD ",\"app\":{\"isolators\":[" REMOVE("1") "]}}",
			 "os/linux/capabilities-remove-set: set entries must be capability names");
	check_bset_error(HEAD ",\"app\":{\"isolators\":[" REMOVE("\"CAP_KILL\\u0000x\"") "]}}",
			 "os/linux/capabilities-remove-set: set entries must be capability names");
	check_bset_error(HEAD ",\"app\":{\"isolators\":[{\"name\":\"os/linux/capabilities-"
				"remove-set\"}]}}",
			 "os/linux/capabilities-remove-set: value must hold a non-empty set");
	check_bset_error("{}", "acKind must be 'ImageManifest'");
}


/* ---- splices (jsonsplice.h) -------------------------------------------- */

static const char *const ORDER[] = { "a", "b", "c", "d", NULL };

/* Set key=value on the object in, as jsplice_object_set does, and compare. */
static void check_set(const char *in, const char *const *kv, const char *want)
{
	struct act_err err = { 0 };
	struct json_edit e = JSON_EDIT_INIT;
	struct jsplice_object o;
	struct json_value *v = json_parse(in, strlen(in), &err);
	char *out = NULL;
	size_t len;

	CHECK(v != NULL);
	if (!v)
		return;
	jsplice_object_init(&o, in, v, ORDER);
	for (size_t i = 0; kv[i]; i += 2)
		jsplice_object_set(&o, &e, kv[i], kv[i + 1], strlen(kv[i + 1]));
	jsplice_object_finish(&o, &e);
	CHECK_INT(json_edit_apply(&e, in, strlen(in), &out, &len, &err), 0);
	if (out)
		CHECK_STR(out, want);
	free(out);
	json_edit_done(&e);
	json_free(v);
}

static void test_object_set(void)
{
	/* Replace in place; add where the order says. */
	check_set("{\"b\":1}", (const char *[]){ "b", "[2]", NULL }, "{\"b\":[2]}");
	check_set("{}", (const char *[]){ "c", "3", "a", "1", NULL }, "{\"a\":1,\"c\":3}");
	check_set("{ }", (const char *[]){ "b", "2", NULL }, "{\"b\":2 }");
	check_set("{\"b\":2}", (const char *[]){ "d", "4", "a", "1", "c", "3", NULL },
		  "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}");
	/* Unknown keys: stay put; a new key follows its predecessor, or comes
	 * before its successor; a key outside the order goes last. */
	check_set("{\"x\":0,\"c\":3,\"y\":0}", (const char *[]){ "a", "1", "d", "4", "z", "9", NULL },
		  "{\"x\":0,\"a\":1,\"c\":3,\"d\":4,\"y\":0,\"z\":9}");
	/* Pretty: the neighbour's indentation and ':' spacing. */
	check_set("{\n  \"b\" : 2,\n  \"c\":3\n}", (const char *[]){ "a", "1", "d", "4", NULL },
		  "{\n  \"a\" : 1,\n  \"b\" : 2,\n  \"c\":3,\n  \"d\":4\n}");
	check_set("{\n\t\"b\": 2\n}", (const char *[]){ "a", "1", "b", "0", "c", "3", NULL },
		  "{\n\t\"a\": 1,\n\t\"b\": 0,\n\t\"c\": 3\n}");
}

/* Remove key from the object in, as jsplice_object_remove does, and compare. */
static void check_remove(const char *in, const char *key, const char *want)
{
	struct act_err err = { 0 };
	struct json_edit e = JSON_EDIT_INIT;
	struct jsplice_object o;
	struct json_value *v = json_parse(in, strlen(in), &err);
	char *out = NULL;
	size_t len;

	CHECK(v != NULL);
	if (!v)
		return;
	jsplice_object_init(&o, in, v, ORDER);
	jsplice_object_remove(&o, &e, key);
	CHECK_INT(json_edit_apply(&e, in, strlen(in), &out, &len, &err), 0);
	if (out)
		CHECK_STR(out, want);
	free(out);
	json_edit_done(&e);
	json_free(v);
}

static void test_object_remove(void)
{
	/* First, middle, last, only; the separator goes with the member. */
	check_remove("{\"a\":1,\"b\":2,\"c\":3}", "a", "{\"b\":2,\"c\":3}");
	check_remove("{\"a\":1,\"b\":2,\"c\":3}", "b", "{\"a\":1,\"c\":3}");
	check_remove("{\"a\":1,\"b\":2,\"c\":3}", "c", "{\"a\":1,\"b\":2}");
	check_remove("{ \"a\" : [1, 2] }", "a", "{}");
	check_remove("{\"a\":1}", "x", "{\"a\":1}");
	/* Pretty: the lines around stay as they were. */
	check_remove("{\n  \"a\": 1,\n  \"b\": {\"x\": 1},\n  \"c\": 3\n}", "b",
		     "{\n  \"a\": 1,\n  \"c\": 3\n}");
	check_remove("{\n  \"a\": 1,\n  \"b\": 2\n}", "a", "{\n  \"b\": 2\n}");
	check_remove("{\n  \"a\": 1,\n  \"b\": 2\n}", "b", "{\n  \"a\": 1\n}");
}

static void check_rewrite(const char *in, const struct jsplice_elem *ops,
			  const struct jsplice_elem *app, size_t napp, const char *want)
{
	struct act_err err = { 0 };
	struct json_edit e = JSON_EDIT_INIT;
	struct json_value *v = json_parse(in, strlen(in), &err);
	char *out = NULL;
	size_t len;

	CHECK(v != NULL);
	if (!v)
		return;
	jsplice_array_rewrite(&e, in, v, ops, app, napp);
	CHECK_INT(json_edit_apply(&e, in, strlen(in), &out, &len, &err), 0);
	if (out)
		CHECK_STR(out, want);
	free(out);
	json_edit_done(&e);
	json_free(v);
}

#define KEEP { JSPLICE_KEEP, NULL, 0 }
#define DROP { JSPLICE_DROP, NULL, 0 }
#define REPL(s) { JSPLICE_REPLACE, s, sizeof(s) - 1 }

static void test_array_rewrite(void)
{
	static const struct jsplice_elem x[] = { REPL("\"x\""), REPL("\"y\"") };

	check_rewrite("[]", NULL, x, 2, "[\"x\",\"y\"]");
	check_rewrite("[ ]", NULL, x, 1, "[\"x\"]");
	check_rewrite("[1,2]", NULL, x, 2, "[1,2,\"x\",\"y\"]");
	check_rewrite("[1, 2 ,3]", (struct jsplice_elem[]){ KEEP, REPL("{}"), DROP }, NULL, 0,
		      "[1, {}]");
	check_rewrite("[1, 2 ,3]", (struct jsplice_elem[]){ DROP, KEEP, KEEP }, x, 1,
		      "[2 ,3 ,\"x\"]");
	check_rewrite("[1,2]", (struct jsplice_elem[]){ DROP, DROP }, x, 2, "[\"x\",\"y\"]");
	check_rewrite("[\n    1,\n    2\n  ]", (struct jsplice_elem[]){ KEEP, DROP }, x, 2,
		      "[\n    1,\n    \"x\",\n    \"y\"\n  ]");
}

/* ---- field patches ------------------------------------------------------ */

#define APP(body) HEAD ",\"app\":{" body "}}"

/* The patch the options in args (NULL-terminated pairs) make. */
static struct manifest_patch fields(const char *const *args)
{
	static const struct {
		const char *opt;
		int (*fn)(struct manifest_patch *, const char *, struct act_err *);
	} fns[] = {
		{ "name", patcharg_name },     { "exec", patcharg_exec },
		{ "user", patcharg_user },     { "group", patcharg_group },
		{ "gids", patcharg_supplementary_groups },
		{ "mounts", patcharg_mounts }, { "ports", patcharg_ports },
		{ "isolators", patcharg_isolators },
		{ "seccomp-mode", patcharg_seccomp_mode },
		{ "seccomp-set", patcharg_seccomp_set },
	};
	struct manifest_patch p = { 0 };
	struct act_err err = { 0 };

	for (size_t i = 0; args[i]; i += 2)
		for (size_t k = 0; k < ARRAY_SIZE(fns); k++)
			if (streq(fns[k].opt, args[i]) && fns[k].fn(&p, args[i + 1], &err) < 0)
				printf("# --%s=%s: %s\n", args[i], args[i + 1], err.msg);
	CHECK_INT(patcharg_finish(&p, &err), 0);
	return p;
}

#define FIELDS(...) fields((const char *const[]){ __VA_ARGS__, NULL })

static void check_fields(const char *in, struct manifest_patch p, const char *want)
{
	check_patch(in, &p, want);
	manifest_patch_free(&p);
}

static void check_fields_error(const char *in, struct manifest_patch p, const char *msg)
{
	check_patch_error(in, &p, msg);
	manifest_patch_free(&p);
}

static void test_fields(void)
{
	check_fields(HEAD "}", FIELDS("name", "example.com/y"),
		     "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/y\"}");
	check_fields(APP("\"exec\":null,\"user\":\"0\",\"group\":\"0\""),
		     FIELDS("exec", " /bin/a  'b c' \"d\\\"\" e\\ f ", "user", "u\"1", "group", "/g"),
		     APP("\"exec\":[\"/bin/a\",\"b c\",\"d\\\"\",\"e f\"],\"user\":\"u\\\"1\","
			 "\"group\":\"/g\""));
	/* supplementaryGIDs: the spec example's spelling kept; added after group. */
	check_fields(APP("\"supplementaryGids\":[1],\"user\":\"0\""), FIELDS("gids", "2,3"),
		     APP("\"supplementaryGids\":[2,3],\"user\":\"0\""));
	check_fields(APP("\"user\":\"0\",\"group\":\"0\",\"ports\":[]"), FIELDS("gids", "0"),
		     APP("\"user\":\"0\",\"group\":\"0\",\"supplementaryGIDs\":[0],\"ports\":[]"));
	/* Mounts and ports: same name replaced in place (later namesakes go),
	 * new ones appended; null is as good as absent. */
	check_fields(APP("\"mountPoints\":[{\"name\":\"a\",\"path\":\"/a\"},{\"name\":\"b\"},"
			 "{\"name\":\"a\"}],\"ports\":null"),
		     FIELDS("mounts", "c,path=/c:a,path=/x,readOnly=1", "ports",
			    "p,protocol=tcp,port=9,count=3,socketActivated=true"),
		     APP("\"mountPoints\":[{\"name\":\"a\",\"path\":\"/x\",\"readOnly\":true},"
			 "{\"name\":\"b\"},{\"name\":\"c\",\"path\":\"/c\"}],\"ports\":[{\"name\":"
			 "\"p\",\"protocol\":\"tcp\",\"port\":9,\"count\":3,\"socketActivated\":true}]"));
	/* Isolators: capabilities, seccomp, then the named ones, each
	 * replacing its kind; the others keep their place. */
	check_fields(APP("\"isolators\":[" RETAIN("\"CAP_KILL\"") "," MEMORY ","
			 "{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[\"read\"]}},"
			 "{\"name\":\"x\",\"value\":1}]"),
		     FIELDS("isolators", "resource/memory,limit=2G:os/linux/oom-score-adj,-0",
			    "seccomp-mode", "remove,errno=E2BIG", "seccomp-set", "reboot,reboot"),
		     APP("\"isolators\":[{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{"
			 "\"set\":[\"CAP_KILL\"]}},{\"name\":\"x\",\"value\":1},"
			 "{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[\"reboot\"],"
			 "\"errno\":\"E2BIG\"}},{\"name\":\"resource/memory\",\"value\":{\"limit\":"
			 "\"2G\"}},{\"name\":\"os/linux/oom-score-adj\",\"value\":0}]"));
	/* A new app, where appc puts it, from exec, user and group. */
	check_fields(HEAD ",\"labels\":[],\"x\":1}",
		     FIELDS("exec", "/a", "user", "0", "group", "0", "isolators",
			    "os/linux/no-new-privileges,true"),
		     HEAD ",\"labels\":[],\"app\":{\"exec\":[\"/a\"],\"user\":\"0\",\"group\":\"0\","
			  "\"isolators\":[{\"name\":\"os/linux/no-new-privileges\",\"value\":true}]},"
			  "\"x\":1}");
	check_fields(HEAD ",\"app\":null}", FIELDS("exec", "/a", "user", "0", "group", "0"),
		     HEAD ",\"app\":{\"exec\":[\"/a\"],\"user\":\"0\",\"group\":\"0\"}}");

	check_fields_error(HEAD "}", FIELDS("user", "0"), "manifest has no app: user belongs to an app");
	check_fields_error(HEAD ",\"app\":null}", FIELDS("seccomp-mode", "retain", "seccomp-set", "x"),
			   "manifest has no app: seccomp isolators apply to an app");
	check_fields_error(HEAD "}", FIELDS("exec", "/a", "user", "0"),
			   "manifest has no app: a new one needs user and group as well as exec");
	check_fields_error(APP("\"ports\":{}"), FIELDS("ports", "p,protocol=tcp,port=1"),
			   "app.ports must be an array or null");
	check_fields_error(APP("\"isolators\":1"), FIELDS("isolators", "resource/cpu,limit=1"),
			   "app.isolators must be an array or null");
	CHECK(manifest_patch_empty(&(struct manifest_patch){ 0 }));
}

/* manifest_patch_check: the patch's values against the spec, on their own. */
static void check_spec(struct manifest_patch p, const char *msg)
{
	struct act_err err = { 0 };

	CHECK_INT(manifest_patch_check(&p, &err), msg ? -1 : 0);
	CHECK_STR(err.msg, msg ? msg : "");
	manifest_patch_free(&p);
}

static void test_patch_check(void)
{
	check_spec(FIELDS("name", "example.com/a", "exec", "/a b", "mounts", "m,path=/m",
			  "ports", "p,protocol=tcp,port=1", "isolators",
			  "resource/cpu,request=1,limit=1",
			  "seccomp-mode", "retain,errno=EPERM", "seccomp-set", "@appc.io/all"),
		   NULL);
	check_spec(caps_patch(MANIFEST_CAPS_REMOVE, "mknod"), NULL);
	check_spec(FIELDS("seccomp-mode", "remove,errno=EACCESS", "seccomp-set", "x"),
		   "isolator 'os/linux/seccomp-remove-set': value.errno: unknown errno name "
		   "'EACCESS'");
	check_spec(FIELDS("isolators", "os/linux/oom-score-adj,1:resource/memory,request=2,limit=1"),
		   "isolator 'resource/memory': value.request: the request is more than the limit");
}

/* One option's text: accepted (NULL) or refused with msg. */
static void check_arg(int (*fn)(struct manifest_patch *, const char *, struct act_err *),
		      const char *arg, const char *msg)
{
	struct manifest_patch p = { 0 };
	struct act_err err = { 0 };

	CHECK_INT(fn(&p, arg, &err), msg ? -1 : 0);
	if (msg)
		CHECK_STR(err.msg, msg);
	manifest_patch_free(&p);
}

static void test_patcharg(void)
{
	struct manifest_patch p = { 0 };
	struct act_err err = { 0 };

	CHECK_INT(patcharg_exec(&p, "/bin/sh -c 'a  b'\"c\\\\d\"", &err), 0);
	CHECK_INT(p.nexec, 3);
	if (p.nexec == 3)
		CHECK_STR(p.exec[2], "a  bc\\d");
	CHECK_INT(patcharg_exec(&p, "/x", &err), -1);
	CHECK_STR(err.msg, "given twice");
	manifest_patch_free(&p);

	check_arg(patcharg_exec, "/a ''", NULL);
	check_arg(patcharg_exec, "'/a b'", NULL);
	check_arg(patcharg_exec, "\"\"", "the program name is empty");
	/* A name without a slash is sought on PATH, as validate and the spec say. */
	check_arg(patcharg_exec, "sh -c 'echo hi'", NULL);
	check_arg(patcharg_exec, "bin/app", NULL);
	check_arg(patcharg_name, "a.b-c_d~e/f9", NULL);
	check_arg(patcharg_name, "a_", "'a_' is not an AC identifier (lower-case letters and "
					"digits, in runs joined by one of -._~/)");
	check_arg(patcharg_name, "-a", "'-a' is not an AC identifier (lower-case letters and "
					"digits, in runs joined by one of -._~/)");
	check_arg(patcharg_name, "\n", "'?' is not an AC identifier (lower-case letters and "
				       "digits, in runs joined by one of -._~/)");
	check_arg(patcharg_supplementary_groups, "4294967294,0", NULL);
	for (const char *const *q = (const char *const[]){ "1", "0.5", ".5", "5.", "250m", "1k",
							   "1Ki", "2Ei", "1e3", "1E-2", "7n", "1K",
							   NULL };
	     *q; q++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "resource/cpu,limit=%s", *q);
		check_arg(patcharg_isolators, buf, NULL);
	}
	check_arg(patcharg_isolators, "resource/cpu,limit=.", "limit: '.' is not a quantity (a "
			  "number, then an optional suffix: m, k, K, M, G, Ki, Mi, Gi, ...)");
	check_arg(patcharg_isolators, "resource/cpu,limit=1e", "limit: '1e': unknown suffix 'e' "
			  "(known: m, k, K, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei)");
	check_arg(patcharg_isolators, "resource/cpu,limit=1+x", "limit: '1+x': unknown suffix "
			  "'+x' (known: m, k, K, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei)");
	check_arg(patcharg_isolators, "os/linux/oom-score-adj,-1000", NULL);
	check_arg(patcharg_isolators, "os/linux/oom-score-adj,+1",
		  "'os/linux/oom-score-adj,+1' is not NAME,N with N from -1000 to 1000");
	check_arg(patcharg_seccomp_set, "@rkt/default-whitelist,_sysctl,epoll_create1", NULL);
	check_arg(patcharg_seccomp_mode, "retain,errno=EPERM", NULL);
	check_arg(patcharg_seccomp_mode, "retain,retain", "'retain,retain' is not remove or "
			  "retain, then an optional errno=ENAME");
}

int main(void)
{
	RUN(test_appc_example);
	RUN(test_replace_all);
	RUN(test_no_isolators);
	RUN(test_errors);
	RUN(test_kept_bytes);
	RUN(test_check);
	RUN(test_bounding_set);
	RUN(test_object_set);
	RUN(test_object_remove);
	RUN(test_array_rewrite);
	RUN(test_fields);
	RUN(test_patcharg);
	RUN(test_patch_check);
	return tap_done();
}
