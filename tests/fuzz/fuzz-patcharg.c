// SPDX-License-Identifier: Apache-2.0
/*
 * patch-manifest's field options (patcharg.h): the first byte picks the
 * option, the rest is its text. A refusal is one line; what is accepted
 * passes manifest_patch_check or is refused by it in one line, and a patch
 * that passes applies to a pretty-printed valid manifest, whose result the
 * spec checker finds nothing wrong with.
 */
#include <string.h>

#include "common/base/macro.h"
#include "common/manifest/manifest.h"
#include "common/manifest/patcharg.h"
#include "common/spec/spec.h"
#include "fuzz.h"

typedef int (*parse_fn)(struct manifest_patch *p, const char *arg, struct act_err *err);

static const parse_fn options[] = {
	patcharg_name,	  patcharg_exec,      patcharg_user,
	patcharg_group,	  patcharg_supplementary_groups,
	patcharg_mounts,  patcharg_ports,     patcharg_isolators,
	patcharg_seccomp_mode, patcharg_seccomp_set,
};

static const char manifest[] =
	"{\n"
	"    \"acKind\": \"ImageManifest\",\n"
	"    \"acVersion\": \"0.8.11\",\n"
	"    \"name\": \"example.com/fuzz\",\n"
	"    \"labels\": [{\"name\": \"os\", \"value\": \"linux\"}],\n"
	"    \"app\": {\n"
	"        \"exec\": [\"/bin/x\"],\n"
	"        \"user\": \"0\",\n"
	"        \"group\": \"0\",\n"
	"        \"x-unknown\": [1, 2]\n"
	"    },\n"
	"    \"annotations\": []\n"
	"}\n";

static void one_line(const struct act_err *err)
{
	FUZZ_CHECK(err->msg[0] && !strchr(err->msg, '\n'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest_patch p = { 0 };
	struct spec_report rep = SPEC_REPORT_INIT;
	struct act_err err = { 0 };
	char *text, *out = NULL;
	size_t n, outlen;
	int which;

	if (size < 1)
		return 0;
	which = data[0] % ARRAY_SIZE(options);
	n = size - 1;
	text = xmalloc(n + 1);
	memcpy(text, data + 1, n);
	text[n] = '\0'; /* an argv string ends at its first NUL */
	if (options[which](&p, text, &err) < 0) {
		one_line(&err);
		goto out;
	}
	/* The seccomp options go in pairs. */
	if (which == 8)
		FUZZ_CHECK(patcharg_seccomp_set(&p, "read", &err) == 0);
	if (which == 9)
		FUZZ_CHECK(patcharg_seccomp_mode(&p, "retain", &err) == 0);
	FUZZ_CHECK(patcharg_finish(&p, &err) == 0);
	FUZZ_CHECK(!manifest_patch_empty(&p));
	if (manifest_patch_check(&p, &err) < 0) {
		one_line(&err);
		goto out;
	}
	FUZZ_CHECK(manifest_patch_apply(manifest, sizeof(manifest) - 1, &p, &out, &outlen,
					&err) == 0);
	FUZZ_CHECK(spec_check_manifest(manifest, sizeof(manifest) - 1, &rep) == 0);
	if (spec_check_manifest(out, outlen, &rep) != 0) {
		fprintf(stderr, "%s: %s\n%s\n", rep.items[0].field, rep.items[0].message, out);
		FUZZ_CHECK(!"the patched manifest breaks the spec");
	}
out:
	spec_report_free(&rep);
	free(out);
	free(text);
	manifest_patch_free(&p);
	return 0;
}
