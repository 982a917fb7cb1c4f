// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <string.h>

#include "common/codec/memberstore.h"
#include "tap.h"

/* Three members of 10, 20 and 30 compressed bytes, fed in odd-sized reads. */
static void feed(struct memberstore *ms, const unsigned char *c, size_t len, size_t step)
{
	for (size_t off = 0; off < len; off += step)
		memberstore_add_bytes(ms, c + off, len - off < step ? len - off : step);
}

static void test_find_and_bytes(void)
{
	unsigned char c[60];
	struct memberstore *ms = memberstore_new(1000, 10000, true);
	struct member m;
	const unsigned char *b;

	for (size_t i = 0; i < sizeof(c); i++)
		c[i] = (unsigned char)i;
	feed(ms, c, 25, 7);
	memberstore_member(ms, 0, 10, 0, 100, 0);
	memberstore_member(ms, 10, 30, 100, 300, 0);
	feed(ms, c + 25, 35, 4);
	memberstore_member(ms, 30, 60, 300, 600, 0);

	CHECK(memberstore_find(ms, 0, 600, &m));
	CHECK_INT(m.c_start, 0);
	CHECK(memberstore_find(ms, 50, 600, &m));
	CHECK_INT(m.u_start, 100);
	b = memberstore_bytes(ms, &m);
	CHECK(b && memcmp(b, c + 10, 20) == 0);
	/* A member must lie wholly inside the range. */
	CHECK(!memberstore_find(ms, 100, 299, &m));
	CHECK(!memberstore_find(ms, 301, 600, &m));

	memberstore_release(ms, 300);
	CHECK(!memberstore_find(ms, 0, 300, &m));
	CHECK(memberstore_find(ms, 0, 600, &m));
	CHECK_INT(m.c_start, 30);
	b = memberstore_bytes(ms, &m);
	CHECK(b && memcmp(b, c + 30, 30) == 0);
	memberstore_free(ms);
}

static void test_large_member_not_kept(void)
{
	unsigned char c[100] = { 0 };
	struct memberstore *ms = memberstore_new(40, 10000, true);
	struct member m;

	/* A 70-byte member is over the limit: dropped, and so are its bytes. */
	feed(ms, c, 70, 10);
	memberstore_member(ms, 0, 70, 0, 700, 0);
	CHECK(!memberstore_find(ms, 0, 700, &m));
	/* The next one, small, is kept. */
	feed(ms, c + 70, 30, 10);
	memberstore_member(ms, 70, 100, 700, 1000, 0);
	CHECK(memberstore_find(ms, 0, 1000, &m));
	CHECK_INT(m.c_start, 70);
	CHECK(memberstore_bytes(ms, &m) != NULL);
	memberstore_free(ms);
}

static void test_hold(void)
{
	unsigned char c[60] = { 0 };
	struct memberstore *ms = memberstore_new(1000, 250, true);

	feed(ms, c, 30, 10);
	memberstore_member(ms, 0, 10, 0, 100, 0);
	memberstore_member(ms, 10, 30, 100, 300, 0);
	/* Settling to 150 would cut the second member: hold at 100. */
	CHECK_INT(memberstore_hold(ms, 0, 150, 300), 100);
	CHECK_INT(memberstore_hold(ms, 0, 100, 300), 100);
	/* A member already cut (it starts before from) is not held for. */
	CHECK_INT(memberstore_hold(ms, 120, 150, 300), 150);
	/* The member being decoded starts at 300: hold for it... */
	CHECK_INT(memberstore_hold(ms, 0, 400, 450), 300);
	/* ...unless it has grown past the span limit. */
	CHECK_INT(memberstore_hold(ms, 0, 400, 600), 400);
	memberstore_free(ms);
}

int main(void)
{
	RUN(test_find_and_bytes);
	RUN(test_large_member_not_kept);
	RUN(test_hold);
	return tap_done();
}
