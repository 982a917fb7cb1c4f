// SPDX-License-Identifier: Apache-2.0
/* The edit list (manifestedit.h): which options conflict, the order edits
 * apply in, and which option the final check blames. */
#include <stdlib.h>
#include <string.h>

#include "common/manifest/manifestedit.h"
#include "tap.h"

/* Options as "opt=arg" or "opt" strings, NULL-terminated. */
static int make(struct medit_list *l, const char *const *opts, struct act_err *err)
{
	for (size_t i = 0; opts[i]; i++) {
		char *o = strdup(opts[i]), *eq = strchr(o, '=');
		int r;

		if (eq)
			*eq = '\0';
		r = medit_add(l, o, eq ? eq + 1 : NULL, err);
		free(o);
		if (r < 0)
			return -1;
	}
	return medit_check(l, err);
}

/* Whether the options pass medit_check; the message when they do not. */
static void check_conflict(const char *const *opts, const char *want)
{
	struct medit_list l = { 0 };
	struct act_err err = { 0 };
	int r = make(&l, opts, &err);

	if (want) {
		CHECK_INT(r, -1);
		CHECK(strstr(err.msg, want) != NULL);
		if (!strstr(err.msg, want))
			printf("# got '%s', want '%s'\n", err.msg, want);
	} else {
		CHECK_INT(r, 0);
		if (r)
			printf("# %s\n", err.msg);
	}
	medit_list_free(&l);
}

static void test_conflicts(void)
{
	check_conflict((const char *[]){ "label=a=1", "remove-label=a", NULL },
		       "--label=a=1 and --remove-label=a both edit label 'a'");
	check_conflict((const char *[]){ "label=a=1", "label=b=1", NULL }, NULL);
	check_conflict((const char *[]){ "clear-env", "env=A=1", "env=B=2", NULL }, NULL);
	check_conflict((const char *[]){ "env=A=1", "clear-env", NULL },
		       "--clear-env undoes --env=A=1");
	check_conflict((const char *[]){ "exec-arg=/a", "exec-arg=b", NULL }, NULL);
	check_conflict((const char *[]){ "exec-arg=/a", "remove-exec", NULL },
		       "--exec-arg and --remove-exec both edit app.exec");
	/* Namesake dependencies with other labels are two entries. */
	check_conflict((const char *[]){ "dependency=example.com/a,arch=amd64",
					 "dependency=example.com/a,arch=arm64", NULL },
		       NULL);
	check_conflict((const char *[]){ "dependency=example.com/a,arch=amd64",
					 "dependency=example.com/a,arch=amd64", NULL },
		       "both edit dependency 'example.com/a'");
	check_conflict((const char *[]){ "dependency=example.com/a",
					 "remove-dependency=example.com/a,arch=x", NULL },
		       "both edit dependency 'example.com/a'");
	/* Labels are not the user labels. */
	check_conflict((const char *[]){ "label=a=1", "user-label=a=1", NULL }, NULL);
}

static char *apply(const char *in, const char *const *opts, struct act_err *err)
{
	struct medit_list l = { 0 };
	char *out = NULL;
	size_t len;

	if (make(&l, opts, err) == 0 &&
	    medit_apply(&l, in, strlen(in), &out, &len, NULL, err) < 0)
		out = NULL;
	medit_list_free(&l);
	return out;
}

#define HEAD "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/a\""

static void test_order(void)
{
	struct act_err err = { 0 };
	char *out;

	/* In place, then appended in the order given. */
	out = apply(HEAD ",\"labels\":[{\"name\":\"os\",\"value\":\"linux\"},"
			 "{\"name\":\"v\",\"value\":\"1\"}]}",
		    (const char *[]){ "label=z=1", "label=v=2", "label=b=3", NULL }, &err);
	CHECK_STR(out ? out : "", HEAD ",\"labels\":[{\"name\":\"os\",\"value\":\"linux\"},"
				   "{\"name\":\"v\",\"value\":\"2\"},{\"name\":\"z\",\"value\":\"1\"},"
				   "{\"name\":\"b\",\"value\":\"3\"}]}");
	free(out);
	/* A dependency this call appended is not taken for one to replace. */
	out = apply(HEAD "}", (const char *[]){ "dependency=example.com/b,arch=amd64",
						"dependency=example.com/b,arch=arm64", NULL },
		    &err);
	CHECK(out && strstr(out, "amd64") && strstr(out, "arm64"));
	free(out);
}

static void test_blame(void)
{
	struct act_err err = { 0 };
	char *out;

	/* The problem's index moves (labels[2] after the removal, [3] before):
	 * still the option that brought it. */
	out = apply(HEAD ",\"labels\":[{\"name\":\"os\",\"value\":\"linux\"},"
			 "{\"name\":\"x\",\"value\":\"1\"}]}",
		    (const char *[]){ "label=arch=arm", "remove-label=x", "label=y=1", NULL },
		    &err);
	CHECK(out == NULL);
	CHECK(strstr(err.msg, "--label=arch=arm: labels[1].value: unknown arch 'arm'") != NULL);
	free(out);
	/* The input's own problem is not blamed. */
	struct medit_list l = { 0 };
	struct spec_report old = SPEC_REPORT_INIT;
	const char *in = HEAD ",\"labels\":[{\"name\":\"Bad\",\"value\":\"1\"}]}";
	size_t len;

	out = NULL;
	CHECK_INT(make(&l, (const char *[]){ "label=v=1", NULL }, &err), 0);
	CHECK_INT(medit_apply(&l, in, strlen(in), &out, &len, &old, &err), 0);
	CHECK_INT((int)old.n, 1);
	CHECK(old.n && strcmp(old.items[0].field, "labels[0].name") == 0);
	free(out);
	spec_report_free(&old);
	medit_list_free(&l);
}

int main(void)
{
	test_conflicts();
	test_order();
	test_blame();
	return tap_done();
}
