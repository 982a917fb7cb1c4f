// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <string.h>

#include "common/tar/paxhdr.h"
#include "tap.h"

static void test_parse_serialize(void)
{
	/* A binary value with NUL and newline bytes, as GNU tar writes caps. */
	static const unsigned char caps[] = { 1, 0, 0, 2, 2, 0, 0x0a, 0, 0, 0, 0, 0,
					      0, 0, 0, 0, 0, 0, 0, 0 };
	struct paxhdr h = { 0 };
	struct act_err err = { 0 };
	unsigned char rec[256];
	unsigned char *out;
	size_t n, len;

	n = (size_t)sprintf((char *)rec, "30 mtime=1700000000.123456789\n");
	memcpy(rec + n, "57 SCHILY.xattr.security.capability=", 36);
	memcpy(rec + n + 36, caps, 20);
	rec[n + 56] = '\n';
	n += 57;
	CHECK_INT(paxhdr_parse(rec, n, &h, &err), 0);
	CHECK_INT(h.n, 2);
	CHECK_STR(h.r[0].key, "mtime");
	CHECK_STR((char *)h.r[0].value, "1700000000.123456789");
	CHECK_INT(h.r[1].len, 20);
	CHECK_MEM(h.r[1].value, caps, 20);
	out = paxhdr_serialize(&h, &len);
	CHECK_INT(len, n);
	CHECK_MEM(out, rec, n);
	free(out);

	/* Setting keeps the position; removing drops every copy. */
	paxhdr_set(&h, "mtime", "1", 1);
	CHECK_STR(h.r[0].key, "mtime");
	CHECK_STR((char *)h.r[0].value, "1");
	paxhdr_set(&h, "SCHILY.xattr.user.a", "x", 1);
	CHECK_INT(h.n, 3);
	paxhdr_remove(&h, "SCHILY.xattr.security.capability");
	CHECK_INT(h.n, 2);
	CHECK(paxhdr_get(&h, "SCHILY.xattr.security.capability") == NULL);
	out = paxhdr_serialize(&h, &len);
	CHECK_INT(len, strlen("11 mtime=1\n25 SCHILY.xattr.user.a=x\n"));
	CHECK_MEM(out, "11 mtime=1\n25 SCHILY.xattr.user.a=x\n", len);
	free(out);
	paxhdr_done(&h);
}

static void test_record_length_digits(void)
{
	/* A record whose length crosses from 2 to 3 digits as it is counted. */
	struct paxhdr h = { 0 };
	char val[200];
	unsigned char *out;
	size_t len;

	for (size_t v = 80; v < 100; v++) {
		memset(val, 'v', v);
		paxhdr_set(&h, "k", val, v);
		out = paxhdr_serialize(&h, &len);
		CHECK_INT((size_t)atoi((char *)out), len);
		free(out);
	}
	paxhdr_done(&h);
}

static void test_parse_errors(void)
{
	static const char *const bad[] = {
		"10 a=b\n",	   /* length too long for the data */
		"5 a=b\n",	   /* length too short */
		"7 ab\n",	   /* no '=' */
		"7 =bc\n",	   /* empty key */
		"x a=b\n",	   /* no length */
		"7 a=bc",	   /* no newline */
	};
	struct paxhdr h;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct act_err err = { 0 };

		CHECK_INT(paxhdr_parse((const unsigned char *)bad[i], strlen(bad[i]), &h, &err), -1);
		CHECK(err.msg[0] != '\0');
	}
	/* NUL padding after the records is allowed. */
	{
		struct act_err err = { 0 };
		unsigned char pad[16] = "6 a=b\n";

		CHECK_INT(paxhdr_parse(pad, sizeof(pad), &h, &err), 0);
		CHECK_INT(h.n, 1);
		paxhdr_done(&h);
	}
}

static void test_header_fields(void)
{
	unsigned char blk[TAR_BLOCK] = { 0 }, x[TAR_BLOCK];

	memcpy(blk, "rootfs/bin/ping", 15);
	memcpy(blk + TARHDR_MODE, "0000755", 8);
	memcpy(blk + TARHDR_UID, "0001750", 8);
	memcpy(blk + TARHDR_MTIME, "14524472400", 12);
	blk[TARHDR_TYPEFLAG] = '0';
	memcpy(blk + TARHDR_MAGIC, "ustar\0" "00", 8);
	tarhdr_set_size(blk, 35664);
	CHECK_INT(tarhdr_size(blk), 35664);
	CHECK(tarhdr_checksum_ok(blk));
	blk[0] = 'R';
	CHECK(!tarhdr_checksum_ok(blk));
	tarhdr_set_checksum(blk);
	CHECK(tarhdr_checksum_ok(blk));

	/* base-256 sizes (GNU tar, star for files of 8 GiB and more) */
	memset(blk + TARHDR_SIZE, 0, 12);
	blk[TARHDR_SIZE] = 0x80;
	blk[TARHDR_SIZE + 7] = 0x02; /* 2 << 32 */
	CHECK_INT(tarhdr_size(blk), (int64_t)2 << 32);

	paxhdr_make_block(blk, 57, x);
	CHECK_STR((char *)x, "Rootfs/bin/PaxHeaders/ping");
	CHECK_INT(x[TARHDR_TYPEFLAG], 'x');
	CHECK_INT(tarhdr_size(x), 57);
	CHECK(tarhdr_checksum_ok(x));
	CHECK_MEM(x + TARHDR_UID, blk + TARHDR_UID, 8);
	CHECK_MEM(x + TARHDR_MTIME, blk + TARHDR_MTIME, 12);
}

int main(void)
{
	RUN(test_parse_serialize);
	RUN(test_record_length_digits);
	RUN(test_parse_errors);
	RUN(test_header_fields);
	return tap_done();
}
