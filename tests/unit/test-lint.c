// SPDX-License-Identifier: Apache-2.0
/* The lint rules on hand-made facts: the corners the system tests do not
 * reach through an image (user names, /etc/passwd parsing, unknown bits). */
#include <stdlib.h>
#include <string.h>

#include "common/image/lint.h"
#include "common/base/macro.h"
#include "tap.h"

#define MANIFEST(app)                                                          \
	"{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"x\","   \
	"\"app\":" app "}"
#define RETAIN_RAW                                                             \
	"[{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"CAP_NET_RAW\"]}}]"

/* With messages: "code subject: message|...". */
static bool with_messages;

/* The warnings as "code subject|code subject|..."; NULL when lint fails. */
static char *lint(const char *manifest, const char *passwd, const struct lint_file *files,
		  size_t n)
{
	struct lint_image img = { 0 };
	struct lint_report r = LINT_REPORT_INIT;
	struct act_err err = { 0 };
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	img.manifest = xstrdup(manifest);
	img.manifest_len = strlen(manifest);
	if (passwd) {
		img.passwd = xstrdup(passwd);
		img.passwd_len = strlen(passwd);
	}
	for (size_t i = 0; i < n; i++)
		lint_image_add(&img, &files[i]);
	if (lint_check(&img, &r, &err) < 0) {
		printf("#   %s\n", err.msg);
		goto done;
	}
	f = open_memstream(&out, &len);
	for (size_t i = 0; i < r.n; i++)
		fprintf(f, "%s%s %s%s%s", i ? "|" : "", lint_code_name(r.items[i].code),
			r.items[i].subject, with_messages ? ": " : "",
			with_messages ? r.items[i].message : "");
	fclose(f);
done:
	lint_report_free(&r);
	lint_image_done(&img);
	return out;
}

static void check_user(const char *user, const char *passwd, const char *want)
{
	char app[512];
	_cleanup_free_ char *got;

	snprintf(app, sizeof(app), MANIFEST("{\"exec\":[\"/x\"],\"user\":\"%s\",\"group\":\"0\","
					    "\"isolators\":" RETAIN_RAW "}"), user);
	got = lint(app, passwd, NULL, 0);
	CHECK_STR(got, want);
}

static void test_users(void)
{
	const char *pw = "root:x:0:0::/root:/bin/sh\n"
			 "root2:x:5:5::/:/bin/sh\n"
			 "bad:x:nope:0::/:/bin/sh\n"
			 "short\n"
			 "last:x:0:0::/:/bin/sh"; /* no final newline */
	const char *unreachable = "retain-unreachable CAP_NET_RAW";

	check_user("0", NULL, "");
	check_user("00", NULL, "");
	check_user("root", NULL, "");
	check_user("1000", NULL, unreachable);
	check_user("4294967296", NULL, unreachable);
	check_user("root2", pw, unreachable);
	check_user("last", pw, "");
	/* Unknown: no warning. */
	check_user("roo", pw, "");
	check_user("bad", pw, "");
	check_user("short", pw, "");
	check_user("nobody", NULL, "");
	check_user("/bin/x", pw, "");
	check_user("", pw, "");
}

static void test_unknown_bits(void)
{
	/* Bit 45 is no capability this build knows: named by its number. */
	struct lint_file f = {
		.path = "/bin/x",
		.mode = 0755,
		.has_caps = true,
		.caps = { .permitted = { 1u << 13, 1u << 13 }, .version = 2 },
	};
	_cleanup_free_ char *got;

	with_messages = true;
	got = lint(MANIFEST("{\"exec\":[\"/x\"],\"user\":\"0\",\"group\":\"0\","
			    "\"isolators\":" RETAIN_RAW "}"), NULL, &f, 1);
	with_messages = false;
	CHECK_STR(got, "filecap-outside-bounding /bin/x: 45 outside the app's bounding set "
		       "(the retain set): exec never grants it");
}

static void test_nnp_not_bool(void)
{
	/* Only true turns it on; validate reports other values. */
	struct lint_file f = {
		.path = "/bin/ping",
		.mode = 0755,
		.has_caps = true,
		.caps = { .permitted = { 1u << 13 }, .effective = true, .version = 2 },
	};
	_cleanup_free_ char *got = lint(
		MANIFEST("{\"exec\":[\"/x\"],\"user\":\"0\",\"group\":\"0\",\"isolators\":["
			 "{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"CAP_NET_RAW\"]}},"
			 "{\"name\":\"os/linux/no-new-privileges\",\"value\":\"true\"}]}"),
		NULL, &f, 1);

	CHECK_STR(got, "");
}

static void test_manifest_errors(void)
{
	char *got = lint("{}", NULL, NULL, 0);

	CHECK(got == NULL);
	got = lint(MANIFEST("{\"exec\":[\"/x\"],\"user\":\"0\",\"group\":\"0\",\"isolators\":"
			    "[{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[]}}]}"),
		   NULL, NULL, 0);
	CHECK(got == NULL);
	free(got);
}

static void test_code_names(void)
{
	for (int c = 0; c < LINT_CODE_COUNT; c++)
		CHECK(lint_code_name(c) && strspn(lint_code_name(c), "abcdefghijklmnopqrstuvwxyz-") ==
						   strlen(lint_code_name(c)));
	CHECK(lint_code_name(LINT_CODE_COUNT) == NULL);
}

int main(void)
{
	RUN(test_users);
	RUN(test_unknown_bits);
	RUN(test_nnp_not_bool);
	RUN(test_manifest_errors);
	RUN(test_code_names);
	return tap_done();
}
