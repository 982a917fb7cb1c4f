// SPDX-License-Identifier: Apache-2.0
/*
 * pax extended header records: what paxhdr_parse accepts is what the input
 * says, read independently (every length field, read exactly, is its
 * record's length); it serialises to records that parse to the same keys and
 * values, and serialising is a fixed point. Setting and removing a record
 * does what it says. An input of a block or more is also read as a ustar
 * header, for the size and checksum readers and the pax header block builder.
 */
#include <string.h>

#include "common/tar/paxhdr.h"
#include "fuzz.h"

static const char CAPKEY[] = "SCHILY.xattr.security.capability";

static int same(const struct paxhdr *a, const struct paxhdr *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->r[i].key, b->r[i].key) || a->r[i].len != b->r[i].len ||
		    memcmp(a->r[i].value, b->r[i].value, a->r[i].len))
			return 0;
	return 1;
}

/*
 * Walk the input along the parsed records: each length field, read exactly,
 * is the record's length, and the record is " KEY=VALUE\n" as parsed.
 */
static void check_input(const uint8_t *data, size_t size, const struct paxhdr *h)
{
	size_t p = 0;

	for (size_t i = 0; i < h->n; i++) {
		const struct pax_record *r = &h->r[i];
		size_t klen = strlen(r->key), v = 0, q = p;

		for (; q < size && data[q] >= '0' && data[q] <= '9'; q++)
			FUZZ_CHECK(!__builtin_mul_overflow(v, 10, &v) &&
				   !__builtin_add_overflow(v, data[q] - '0', &v));
		FUZZ_CHECK(q > p && v == q - p + 1 + klen + 1 + r->len + 1 && v <= size - p);
		FUZZ_CHECK(data[q] == ' ' && memcmp(data + q + 1, r->key, klen) == 0);
		FUZZ_CHECK(data[q + 1 + klen] == '=');
		FUZZ_CHECK(memcmp(data + q + 2 + klen, r->value, r->len) == 0);
		FUZZ_CHECK(data[p + v - 1] == '\n');
		p += v;
	}
	FUZZ_CHECK(p == size || data[p] == '\0');
}

static void check_records(const uint8_t *data, size_t size)
{
	static const unsigned char cap[20] = { 0, 0, 0, 2, 0, '\n', 0, 0, '=' };
	struct act_err err = { 0 };
	struct paxhdr h, h2;
	const struct pax_record *r;
	unsigned char *out, *out2;
	size_t len, len2, n;

	if (paxhdr_parse(data, size, &h, &err) < 0) {
		FUZZ_CHECK(err.msg[0] && h.n == 0 && !h.r);
		return;
	}
	check_input(data, size, &h);
	out = paxhdr_serialize(&h, &len);
	FUZZ_CHECK(paxhdr_parse(out, len, &h2, &err) == 0 && same(&h, &h2));
	check_input(out, len, &h2);
	out2 = paxhdr_serialize(&h2, &len2);
	FUZZ_CHECK(len2 == len && memcmp(out, out2, len) == 0);
	free(out);
	free(out2);
	paxhdr_done(&h2);

	n = h.n;
	r = paxhdr_get(&h, CAPKEY);
	paxhdr_set(&h, CAPKEY, cap, sizeof(cap));
	FUZZ_CHECK(h.n <= n + 1 && (r || h.n == n + 1));
	r = paxhdr_get(&h, CAPKEY);
	FUZZ_CHECK(r && r->len == sizeof(cap) && memcmp(r->value, cap, sizeof(cap)) == 0);
	out = paxhdr_serialize(&h, &len);
	FUZZ_CHECK(paxhdr_parse(out, len, &h2, &err) == 0 && same(&h, &h2));
	free(out);
	paxhdr_done(&h2);
	paxhdr_remove(&h, CAPKEY);
	FUZZ_CHECK(!paxhdr_get(&h, CAPKEY));
	paxhdr_done(&h);
}

static void check_block(const uint8_t *data, size_t size)
{
	unsigned char blk[TAR_BLOCK];

	(void)tarhdr_size(data);
	(void)tarhdr_checksum_ok(data);
	paxhdr_make_block(data, size, blk);
	FUZZ_CHECK(tarhdr_checksum_ok(blk) && tarhdr_size(blk) == (int64_t)size);
	FUZZ_CHECK(blk[TARHDR_TYPEFLAG] == 'x' && blk[99] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_records(data, size);
	if (size >= TAR_BLOCK)
		check_block(data, size);
	return 0;
}
