// SPDX-License-Identifier: Apache-2.0
/*
 * The security.capability decoder: filecap_decode accepts exactly the v1, v2
 * and v3 layouts; a decoded v2 or v3 value encodes back to the same bytes (v1
 * to the same words as v2); and its text, as getcap prints it, parses back to
 * the same capabilities.
 */
#include <string.h>

#include "common/caps/filecap.h"
#include "fuzz.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The layout, independently of filecap.c: revision by length, one flag bit. */
static int valid(const uint8_t *data, size_t size)
{
	uint32_t want = size == 12 ? 1 : size == 20 ? 2 : size == 24 ? 3 : 0;

	return want && le32(data) >> 24 == want && (le32(data) & 0x00fffffe) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct act_err err = { 0 };
	struct filecap fc, fromtext;
	unsigned char out[FILECAP_MAX_SIZE];
	size_t len;
	char *text;

	if (filecap_decode(data, size, &fc, &err) < 0) {
		FUZZ_CHECK(!valid(data, size) && err.msg[0]);
		return 0;
	}
	FUZZ_CHECK(valid(data, size));
	FUZZ_CHECK(fc.version == (size == 12 ? 1 : size == 20 ? 2 : 3));
	len = filecap_encode(&fc, out);
	if (fc.version == 1) {
		FUZZ_CHECK(len == 20 && le32(out) == (le32(data) & 1) + 0x02000000);
		FUZZ_CHECK(memcmp(out + 4, data + 4, 8) == 0);
		FUZZ_CHECK(le32(out + 12) == 0 && le32(out + 16) == 0);
	} else {
		FUZZ_CHECK(len == size && memcmp(out, data, size) == 0);
	}
	/* A lone effective flag has no text of its own ("="). */
	if (fc.effective && !filecap_mask(&fc))
		return 0;
	text = filecap_to_text(&fc);
	FUZZ_CHECK(filecap_from_text(text, &fromtext, &err) == 0);
	FUZZ_CHECK(fromtext.permitted[0] == fc.permitted[0] &&
		   fromtext.permitted[1] == fc.permitted[1] &&
		   fromtext.inheritable[0] == fc.inheritable[0] &&
		   fromtext.inheritable[1] == fc.inheritable[1] &&
		   fromtext.effective == fc.effective);
	free(text);
	return 0;
}
