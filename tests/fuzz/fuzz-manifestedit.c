// SPDX-License-Identifier: Apache-2.0
/*
 * patch-manifest's edit options (manifestedit.h) on any manifest text: the
 * first byte gives how many edits (0 to 7), the next bytes pick each from a
 * fixed list, the rest is the manifest. A list that passes medit_check
 * either applies, giving text manifest_check takes, or fails in one line;
 * applied again to its own output (removals then match nothing, and are
 * let pass) it changes nothing: every edit lands where a second run finds it.
 */
#include <string.h>

#include "common/base/macro.h"
#include "common/manifest/manifest.h"
#include "common/manifest/manifestedit.h"
#include "fuzz.h"

static const struct {
	const char *opt, *arg;
} edits[] = {
	{ "label", "version=2" },
	{ "remove-label", "os" },
	{ "annotation", "authors=x" },
	{ "remove-annotation", "created" },
	{ "env", "A=1" },
	{ "remove-env", "PATH" },
	{ "clear-env", NULL },
	{ "exec-json", "[\"/bin/y\",\"-x\"]" },
	{ "exec-arg", "--z" },
	{ "remove-exec", NULL },
	{ "working-directory", "/w" },
	{ "remove-working-directory", NULL },
	{ "pre-start-json", "[\"/p\"]" },
	{ "remove-event-handler", "post-stop" },
	{ "clear-supplementary-groups", NULL },
	{ "mount", "m,path=/m:n" },
	{ "remove-mount", "data" },
	{ "port", "p,protocol=tcp,port=1" },
	{ "remove-port", "http" },
	{ "isolator", "resource/memory={\"limit\":\"1G\"}" },
	{ "remove-isolator", "os/linux/no-new-privileges" },
	{ "user-label", "k=v" },
	{ "remove-user-label", "team" },
	{ "user-annotation", "n=v" },
	{ "dependency", "example.com/base:2" },
	{ "dependency", "example.com/base,arch=arm64" },
	{ "remove-dependency", "example.com/certs" },
	{ "clear-dependencies", NULL },
	{ "path-whitelist", "/bin/sh" },
	{ "remove-path-whitelist", "/x" },
	{ "clear-path-whitelist", NULL },
};

static void one_line(const struct act_err *err)
{
	FUZZ_CHECK(err->msg[0] && !strchr(err->msg, '\n'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct medit_list l = { .ignore_missing = true };
	struct act_err err = { 0 };
	char *out = NULL, *again = NULL;
	size_t n, outlen, againlen;

	if (size < 1)
		return 0;
	n = data[0] % 8;
	if (size < 1 + n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = data[1 + i] % ARRAY_SIZE(edits);

		FUZZ_CHECK(medit_add(&l, edits[k].opt, edits[k].arg, &err) == 0);
	}
	if (medit_check(&l, &err) < 0) {
		one_line(&err); /* two edits of one entry */
		goto out;
	}
	if (medit_apply(&l, (const char *)data + 1 + n, size - 1 - n, &out, &outlen, NULL,
			&err) < 0) {
		one_line(&err);
		goto out;
	}
	FUZZ_CHECK(manifest_check(out, outlen, &err) == 0);
	FUZZ_CHECK(medit_apply(&l, out, outlen, &again, &againlen, NULL, &err) == 0);
	FUZZ_CHECK(againlen == outlen && memcmp(again, out, outlen) == 0);
out:
	free(out);
	free(again);
	medit_list_free(&l);
	return 0;
}
