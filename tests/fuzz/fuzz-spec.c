// SPDX-License-Identifier: Apache-2.0
/*
 * The appc spec checks (common/spec/spec.c): spec_check_manifest on any text
 * (returns what it added, every problem has a field and a one-line message
 * with no control byte, text that is not JSON is one problem, the same
 * report twice), a manifest it finds no fault in passes manifest_check, the
 * pod manifest checks (common/spec/specpod.c) likewise, and the string types against the spec's regexes, read independently:
 * ACIdentifier ^[a-z0-9]+([-._~/][a-z0-9]+)*$, ACName ^[a-z0-9]+(-[a-z0-9]+)*$,
 * environment names ^[A-Za-z_][A-Za-z0-9_.-]*$.
 */
#include <stdbool.h>
#include <string.h>

#include "common/json/json.h"
#include "common/manifest/manifest.h"
#include "common/spec/spec.h"
#include "fuzz.h"

static bool alnum_lower(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ^[a-z0-9]+([SEP][a-z0-9]+)*$: runs of [a-z0-9], each pair apart by one
 * separator. */
static bool runs(const unsigned char *s, size_t len, const char *seps)
{
	bool prev_sep = true; /* at the start, as after a separator */

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (alnum_lower(s[i])) {
			prev_sep = false;
		} else if (s[i] && strchr(seps, s[i])) {
			if (prev_sep)
				return false;
			prev_sep = true;
		} else {
			return false;
		}
	}
	return !prev_sep;
}

static bool env_name(const unsigned char *s, size_t len)
{
	if (len == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') ||
			  s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

static bool doc_ok(const char *text, size_t size)
{
	struct json_value *doc = json_parse(text, size, NULL);
	bool ok = doc != NULL;

	json_free(doc);
	return ok;
}

static bool one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct spec_report r = SPEC_REPORT_INIT, again = SPEC_REPORT_INIT;
	struct act_err err = { 0 };
	struct json_value *doc;
	size_t n = spec_check_manifest(text, size, &r);

	FUZZ_CHECK(n == r.n);
	for (size_t i = 0; i < r.n; i++) {
		FUZZ_CHECK(r.items[i].field && r.items[i].message && r.items[i].message[0]);
		FUZZ_CHECK(one_line(r.items[i].field) && one_line(r.items[i].message));
	}
	FUZZ_CHECK(spec_check_manifest(text, size, &again) == n);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(strcmp(r.items[i].field, again.items[i].field) == 0);
		FUZZ_CHECK(strcmp(r.items[i].message, again.items[i].message) == 0);
	}
	doc = json_parse(text, size, &err);
	if (!doc)
		FUZZ_CHECK(n == 1);
	json_free(doc);
	if (n == 0) {
		err = (struct act_err){ 0 };
		FUZZ_CHECK(manifest_check(text, size, &err) == 0);
	}
	spec_report_free(&r);
	spec_report_free(&again);

	/* The pod manifest checks: one-line problems, none for text that is
	 * not JSON but the one. */
	r = (struct spec_report)SPEC_REPORT_INIT;
	n = spec_check_pod_manifest(text, size, &r);
	FUZZ_CHECK(n == r.n);
	for (size_t i = 0; i < r.n; i++)
		FUZZ_CHECK(one_line(r.items[i].field) && one_line(r.items[i].message));
	if (spec_is_pod_manifest(text, size))
		FUZZ_CHECK(doc_ok(text, size));
	spec_report_free(&r);

	FUZZ_CHECK(spec_is_acidentifier(text, size) == runs(data, size, "-._~/"));
	FUZZ_CHECK(spec_is_acname(text, size) == runs(data, size, "-"));
	FUZZ_CHECK(spec_is_env_name(text, size) == env_name(data, size));
	return 0;
}
