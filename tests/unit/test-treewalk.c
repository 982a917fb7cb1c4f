// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/fs/rmtree.h"
#include "common/fs/treewalk.h"
#include "tap.h"

#define RUN_ARG(fn, arg)                                                       \
	do {                                                                   \
		printf("# %s\n", #fn);                                         \
		fn(arg);                                                       \
	} while (0)

struct seen {
	char out[4096];
	int stop_at; /* stop the walk at this entry (1-based), 0: never */
	int n;
};

static int record(void *ctx, const struct treewalk_entry *e, struct act_err *err)
{
	struct seen *s = ctx;
	size_t len = strlen(s->out);

	snprintf(s->out + len, sizeof(s->out) - len, "%s%s\n", e->path,
		 S_ISDIR(e->st.st_mode) ? "/" : S_ISLNK(e->st.st_mode) ? "@" : "");
	if (++s->n == s->stop_at)
		return act_err_set(err, ECANCELED, "stopped at '%s'", e->path);
	return 0;
}

static void touch(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
}

/* Pre-order, bytewise order in each directory: "a-b" (0x2d) and "a.b"
 * (0x2e) come after the directory "a" and its whole subtree. */
static void test_order(int dfd)
{
	struct act_err err = { 0 };
	struct seen s = { 0 };

	CHECK(mkdirat(dfd, "t", 0755) == 0);
	CHECK(mkdirat(dfd, "t/a", 0755) == 0);
	CHECK(mkdirat(dfd, "t/a/sub", 0755) == 0);
	CHECK(mkdirat(dfd, "t/empty", 0755) == 0);
	touch(dfd, "t/a/sub/z");
	touch(dfd, "t/a/B");
	touch(dfd, "t/a-b");
	touch(dfd, "t/a.b");
	touch(dfd, "t/\xc3\xbc");
	touch(dfd, "t/Z");
	touch(dfd, "t/new\nline");
	CHECK(symlinkat("a", dfd, "t/link") == 0);
	CHECK_INT(treewalk(dfd, "t", "t", record, &s, &err), 0);
	CHECK_STR(s.out, "t/\n"
			 "t/Z\n"
			 "t/a/\n"
			 "t/a/B\n"
			 "t/a/sub/\n"
			 "t/a/sub/z\n"
			 "t/a-b\n"
			 "t/a.b\n"
			 "t/empty/\n"
			 "t/link@\n"
			 "t/new\nline\n"
			 "t/\xc3\xbc\n");
}

/* A symlink given as the start is reported, never followed. */
static void test_symlink_start(int dfd)
{
	struct act_err err = { 0 };
	struct seen s = { 0 };

	CHECK_INT(treewalk(dfd, "t/link", "t/link", record, &s, &err), 0);
	CHECK_STR(s.out, "t/link@\n");
}

static void test_stop_and_errors(int dfd)
{
	struct act_err err = { 0 };
	struct seen s = { .stop_at = 3 };

	CHECK_INT(treewalk(dfd, "t", "t", record, &s, &err), -1);
	CHECK_INT(s.n, 3);
	CHECK_STR(err.msg, "stopped at 't/a'");
	memset(&err, 0, sizeof(err));
	s = (struct seen){ 0 };
	CHECK_INT(treewalk(dfd, "missing", "x/missing", record, &s, &err), -1);
	CHECK(strstr(err.msg, "x/missing: ") == err.msg);
	CHECK_INT(s.n, 0);
}

int main(void)
{
	char dir[] = "/tmp/test-treewalk.XXXXXX";
	int dfd;

	if (!mkdtemp(dir))
		return 99;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	RUN_ARG(test_order, dfd);
	RUN_ARG(test_symlink_start, dfd);
	RUN_ARG(test_stop_and_errors, dfd);
	/* rmtree removes it all, read-only directories included. */
	CHECK(fchmodat(dfd, "t/a", 0500, 0) == 0);
	CHECK_INT(rmtree(AT_FDCWD, dir, 1), 0);
	CHECK(access(dir, F_OK) < 0);
	close(dfd);
	return tap_done();
}
