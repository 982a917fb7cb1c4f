// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/capname.h"
#include "common/err.h"
#include "common/json.h"
#include "common/macro.h"
#include "common/manifest.h"
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

	/* The retain set goes, the new one comes last at the same indentation. */
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
			    "            " RETAIN("\"CAP_NET_RAW\",\"CAP_KILL\"") "\n"
			    "        " EX_TAIL);

	/* Outside the isolators array, nothing moves. */
	CHECK_INT(manifest_patch_apply(in, strlen(in), &remove, &out, &len, &err), 0);
	if (out) {
		size_t head = strlen(EX_HEAD), tail = strlen(EX_TAIL);

		CHECK(len > head + tail);
		CHECK_MEM(out, EX_HEAD, head);
		CHECK_MEM(out + len - tail, EX_TAIL, tail);
		CHECK(strstr(out, REMOVE("\"CAP_SYS_CHROOT\",\"CAP_MKNOD\"")) != NULL);
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
	 * new one reuses the whitespace after the last comma.
	 */
	check_patch(HEAD ",\"app\":{\"isolators\":[ " RETAIN("") " , " MEMORY " ,\t" REMOVE(
			    "") " ,  \"other\" , " RETAIN("") " ]}}",
		    &revoke,
		    HEAD ",\"app\":{\"isolators\":[ " MEMORY " ,  \"other\", " REMOVE(
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
	/* Pretty: the new member is spelled like the last one. */
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
		    "        \"isolators\" :  [" RETAIN("\"CAP_NET_RAW\"") "]\n"
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

int main(void)
{
	RUN(test_appc_example);
	RUN(test_replace_all);
	RUN(test_no_isolators);
	RUN(test_errors);
	RUN(test_kept_bytes);
	RUN(test_check);
	RUN(test_bounding_set);
	return tap_done();
}
