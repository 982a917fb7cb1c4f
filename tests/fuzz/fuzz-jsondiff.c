// SPDX-License-Identifier: Apache-2.0
/*
 * Two JSON documents, the input cut at its first NUL byte (or at its middle
 * when it has none), as `acitool diff` compares two manifests. Properties:
 * a document differs from itself in nothing; two documents differ in at
 * least one change exactly when json_equal says they differ, either way
 * round; every change has the sides its kind says, and each side is
 * compact JSON that parses back.
 */
#include <string.h>

#include "common/json/json.h"
#include "common/json/jsondiff.h"
#include "fuzz.h"

static int check_change(void *ctx, const struct jsondiff_change *c)
{
	struct act_err err = { 0 };
	const char *sides[2] = { c->old_json, c->new_json };

	(void)ctx;
	FUZZ_CHECK(c->path && c->path[0] == '.');
	FUZZ_CHECK((c->kind == JSONDIFF_ADDED) == !c->old_json);
	FUZZ_CHECK((c->kind == JSONDIFF_REMOVED) == !c->new_json);
	for (int i = 0; i < 2; i++) {
		struct json_value *v;

		if (!sides[i])
			continue;
		v = json_parse(sides[i], strlen(sides[i]), &err);
		FUZZ_CHECK(v);
		json_free(v);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(data, 0, size);
	size_t alen = nul ? (size_t)(nul - text) : size / 2;
	size_t boff = nul ? alen + 1 : alen;
	struct act_err err = { 0 };
	struct json_value *a = json_parse(text, alen, &err);
	struct json_value *b = json_parse(text + boff, size - boff, &err);
	int ab, ba;

	if (a) {
		FUZZ_CHECK(jsondiff(a, a, check_change, NULL) == 0);
		FUZZ_CHECK(json_equal(a, a));
	}
	if (a && b) {
		ab = jsondiff(a, b, check_change, NULL);
		ba = jsondiff(b, a, check_change, NULL);
		FUZZ_CHECK(ab >= 0 && ba >= 0);
		FUZZ_CHECK(json_equal(a, b) == json_equal(b, a));
		FUZZ_CHECK((ab == 0) == json_equal(a, b));
		FUZZ_CHECK((ba == 0) == (ab == 0));
	}
	json_free(a);
	json_free(b);
	return 0;
}
