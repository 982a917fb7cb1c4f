// SPDX-License-Identifier: Apache-2.0
/*
 * Capability names and text: capname_parse_list (distinct known bits, and
 * the canonical names parse back to the same list) and filecap_from_text
 * (the result encodes and decodes to itself, and its text, as getcap would
 * print it, parses back to the same capabilities).
 */
#include <string.h>

#include "common/caps/capname.h"
#include "common/caps/filecap.h"
#include "common/base/macro.h"
#include "fuzz.h"

static void check_list(const char *s)
{
	struct act_err err = { 0 };
	int caps[64], again[64];
	size_t n = 0, n2 = 0, len = 0;
	uint64_t seen = 0;
	char canon[64 * 32];

	if (capname_parse_list(s, caps, ARRAY_SIZE(caps), &n, &err) < 0) {
		FUZZ_CHECK(err.msg[0]);
		return;
	}
	FUZZ_CHECK(n > 0 && n <= ACT_CAP_COUNT);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(capname_name(caps[i]));
		FUZZ_CHECK(!(seen & UINT64_C(1) << caps[i]));
		seen |= UINT64_C(1) << caps[i];
		len += (size_t)sprintf(canon + len, "%s%s", i ? "," : "", capname_name(caps[i]));
	}
	FUZZ_CHECK(capname_parse_list(canon, again, ARRAY_SIZE(again), &n2, &err) == 0);
	FUZZ_CHECK(n2 == n && memcmp(caps, again, n * sizeof(*caps)) == 0);
}

/* Field by field: the struct has padding. */
static int same_caps(const struct filecap *a, const struct filecap *b)
{
	return a->permitted[0] == b->permitted[0] && a->permitted[1] == b->permitted[1] &&
	       a->inheritable[0] == b->inheritable[0] &&
	       a->inheritable[1] == b->inheritable[1] && a->effective == b->effective &&
	       a->version == b->version && a->rootid == b->rootid;
}

static void check_filecap(const char *s)
{
	struct act_err err = { 0 };
	struct filecap fc, back, fromtext;
	unsigned char v[FILECAP_MAX_SIZE];
	size_t len;
	char *text;

	if (filecap_from_text(s, &fc, &err) < 0) {
		FUZZ_CHECK(err.msg[0]);
		return;
	}
	FUZZ_CHECK(fc.version == 2 && fc.rootid == 0);
	/* One effective bit: set only when some capability is permitted or
	 * inheritable. */
	FUZZ_CHECK(!fc.effective || filecap_mask(&fc));
	len = filecap_encode(&fc, v);
	FUZZ_CHECK(len == 20);
	FUZZ_CHECK(filecap_decode(v, len, &back, &err) == 0);
	FUZZ_CHECK(same_caps(&fc, &back));
	text = filecap_to_text(&fc);
	FUZZ_CHECK(filecap_from_text(text, &fromtext, &err) == 0);
	FUZZ_CHECK(same_caps(&fc, &fromtext));
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	/* Command-line arguments: NUL-terminated, and not megabytes long. */
	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	check_list(s);
	check_filecap(s);
	free(s);
	return 0;
}
