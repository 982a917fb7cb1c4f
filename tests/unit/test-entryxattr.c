// SPDX-License-Identifier: Apache-2.0
/* The xattr list of an entry (entryxattr.h) and the pax records libarchive
 * would misread (paxcheck.h). */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>

#include "common/tar/entryxattr.h"
#include "common/tar/paxcheck.h"
#include "tap.h"

/* The entry's xattrs as "name=value;..." in libarchive's order. */
static const char *list(struct archive_entry *e)
{
	static char buf[256];
	const char *n;
	const void *v;
	size_t s, len = 0;

	buf[0] = '\0';
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &n, &v, &s) == ARCHIVE_OK)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s=%.*s;", n, (int)s,
					(const char *)v);
	return buf;
}

static void test_get_set(void)
{
	struct archive_entry *e = archive_entry_new();
	size_t size = 0;

	archive_entry_set_pathname(e, "rootfs/bin/ping");
	CHECK(entryxattr_get(e, "user.a", &size) == NULL);
	archive_entry_xattr_add_entry(e, "user.b", "2", 1);
	archive_entry_xattr_add_entry(e, "user.a", "1", 1);
	archive_entry_xattr_add_entry(e, "user.c", "3", 1);
	/* libarchive adds at the head of its list. */
	CHECK_STR(list(e), "user.c=3;user.a=1;user.b=2;");
	CHECK_MEM(entryxattr_get(e, "user.a", &size), "1", 1);
	CHECK_INT(size, 1);

	/* Replaced in place, removed, added last: the others keep their order. */
	entryxattr_set(e, "user.a", "xyz", 3);
	CHECK_STR(list(e), "user.c=3;user.a=xyz;user.b=2;");
	entryxattr_set(e, "user.c", NULL, 0);
	CHECK_STR(list(e), "user.a=xyz;user.b=2;");
	entryxattr_set(e, "user.none", NULL, 0);
	CHECK_STR(list(e), "user.a=xyz;user.b=2;");
	entryxattr_set(e, "user.new", "", 0);
	CHECK_STR(list(e), "user.a=xyz;user.b=2;user.new=;");
	/* Binary values, NUL bytes included, go through whole. */
	entryxattr_set(e, "security.capability", "\0\1\0", 3);
	CHECK_MEM(entryxattr_get(e, "security.capability", &size), "\0\1\0", 3);
	CHECK_INT(size, 3);
	archive_entry_free(e);
}

static void test_conflict_dedup(void)
{
	struct archive_entry *e = archive_entry_new();
	struct act_err err = { 0 };

	archive_entry_set_pathname(e, "rootfs/x");
	CHECK(entryxattr_conflict(e) == NULL);
	CHECK_INT(entryxattr_dedup(e, &err), 0);

	/* The same value twice (LIBARCHIVE. and SCHILY. records): one kept. */
	archive_entry_xattr_add_entry(e, "user.z", "v", 1);
	archive_entry_xattr_add_entry(e, "user.a", "v", 1);
	archive_entry_xattr_add_entry(e, "user.m", "", 0);
	archive_entry_xattr_add_entry(e, "user.z", "v", 1);
	CHECK(entryxattr_conflict(e) == NULL);
	CHECK_INT(entryxattr_dedup(e, &err), 0);
	CHECK_STR(list(e), "user.a=v;user.m=;user.z=v;");

	/* Two values under one name: named, and an error to dedup. */
	archive_entry_xattr_add_entry(e, "user.z", "w", 1);
	CHECK_STR(entryxattr_conflict(e), "user.z");
	CHECK_INT(entryxattr_dedup(e, &err), -1);
	CHECK_STR(err.msg, "'rootfs/x': two different values for xattr 'user.z'");

	/* A value and an empty one differ too. */
	archive_entry_xattr_clear(e);
	archive_entry_xattr_add_entry(e, "user.e", "", 0);
	archive_entry_xattr_add_entry(e, "user.e", "x", 1);
	CHECK_STR(entryxattr_conflict(e), "user.e");
	archive_entry_free(e);
}

static void test_paxcheck(void)
{
#define REC(k, v) paxcheck_record(k, (const unsigned char *)(v), sizeof(v) - 1)
	CHECK(REC("LIBARCHIVE.xattr.security.capability", "AQAAAgAgAAAAAAAAAAAAAAAAAAA=") == NULL);
	CHECK(REC("LIBARCHIVE.xattr.user.a", "YQ") == NULL); /* unpadded: taken whole */
	CHECK(REC("LIBARCHIVE.xattr.user.a", "YWI=") == NULL);
	CHECK(REC("LIBARCHIVE.xattr.user.a", "") == NULL);
	CHECK_STR(REC("LIBARCHIVE.xattr.user.a", "!!!not*base64!!!"), "the value is not base64");
	CHECK_STR(REC("LIBARCHIVE.xattr.user.a", "YWJjZ"), "the value is not base64");
	CHECK_STR(REC("LIBARCHIVE.xattr.user.a", "Y==="), "the value is not base64");
	CHECK_STR(REC("LIBARCHIVE.xattr.user.a", "YQ=x"), "the value is not base64");
	CHECK_STR(REC("LIBARCHIVE.xattr.user.a", "YQ="), "the value is not base64");
	CHECK(REC("LIBARCHIVE.xattr.user.%41b", "YQ==") == NULL);
	CHECK_STR(REC("LIBARCHIVE.xattr.user.%4", "YQ=="), "the name is not URL-encoded");
	CHECK_STR(REC("LIBARCHIVE.xattr.user.%zz", "YQ=="), "the name is not URL-encoded");
	CHECK_STR(REC("LIBARCHIVE.xattr.user.%00", "YQ=="), "the name is not URL-encoded");
	CHECK_STR(REC("LIBARCHIVE.xattr.", "YQ=="), "the name is not URL-encoded");
	/* Text records: a NUL byte would cut them short. */
	CHECK(REC("path", "rootfs/a") == NULL);
	CHECK_STR(REC("path", "manifest\0x"), "a NUL byte in the value");
	CHECK_STR(REC("linkpath", "a\0"), "a NUL byte in the value");
	CHECK_STR(REC("uname", "\0"), "a NUL byte in the value");
	CHECK_STR(REC("gname", "r\0oot"), "a NUL byte in the value");
	/* Others are libarchive's own business (or kept as binary). */
	CHECK(REC("SCHILY.xattr.user.a", "\0!!") == NULL);
	CHECK(REC("comment", "a\0b") == NULL);
#undef REC
}

int main(void)
{
	RUN(test_get_set);
	RUN(test_conflict_dedup);
	RUN(test_paxcheck);
	return tap_done();
}
