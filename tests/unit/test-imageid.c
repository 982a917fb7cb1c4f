// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <string.h>

#include "common/io/imageid.h"
#include "tap.h"

static void id_of(const void *buf, size_t len, size_t step, char id[IMAGEID_LEN + 1])
{
	struct act_err err = { 0 };
	struct imageid *h = imageid_new(&err);
	const unsigned char *p = buf;

	id[0] = '\0';
	if (!h)
		return;
	for (size_t off = 0; off < len; off += step)
		imageid_update(h, p + off, len - off < step ? len - off : step);
	if (imageid_finish(h, id, &err) < 0)
		id[0] = '\0';
	imageid_free(h);
}

/* FIPS 180-2 vectors: under one block, hashed without the thread. */
static void test_vectors(void)
{
	char id[IMAGEID_LEN + 1];
	char *a = malloc(1000000);

	id_of("", 0, 1, id);
	CHECK_STR(id, "sha512-cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
		      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
	id_of("abc", 3, 1, id);
	CHECK_STR(id, "sha512-ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	memset(a, 'a', 1000000);
	id_of(a, 1000000, 1000000, id);
	CHECK_STR(id, "sha512-e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
		      "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
	CHECK_INT(strlen(id), IMAGEID_LEN);
	free(a);
}

/* Several blocks, on the thread, whatever the sizes the stream comes in
 * (expected value: python3 hashlib.sha512). */
static void test_blocks(void)
{
	static const char want[] =
		"sha512-49dbd2c8847b90777731b3f21b3eebf2c769bf7b5efb6083ec9d9b8551a15d67"
		"5cedaaba1f30ad12d8f12db8d76a1e17e13d88e38ecf53e4e9fc04aa214c62b8";
	static const size_t steps[] = { 1000003, 4096, 7, 1 << 20, 5000003 };
	size_t len = 5000003;
	unsigned char *d = malloc(len);
	char id[IMAGEID_LEN + 1];

	for (size_t i = 0; i < len; i++)
		d[i] = (unsigned char)((i * 31 + 7) % 251);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		id_of(d, len, steps[i], id);
		CHECK_STR(id, want);
	}
	free(d);
}

/* Dropped unfinished, with blocks handed over: no leak, no hang. */
static void test_abandon(void)
{
	struct act_err err = { 0 };
	struct imageid *h = imageid_new(&err);
	unsigned char *d = calloc(1, 3 << 20);

	CHECK(h != NULL);
	imageid_update(h, d, 3 << 20);
	imageid_free(h);
	free(d);
}

int main(void)
{
	RUN(test_vectors);
	RUN(test_blocks);
	RUN(test_abandon);
	return tap_done();
}
