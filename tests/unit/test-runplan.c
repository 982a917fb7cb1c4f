// SPDX-License-Identifier: Apache-2.0
/* The run plan and the lookups inside a rootfs, on a scratch directory:
 * what the ACE spec asks, and that no lookup leaves the rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/caps/capname.h"
#include "common/fs/rmtree.h"
#include "common/run/inroot.h"
#include "common/run/runplan.h"
#include "tap.h"

static void put(int root, const char *name, const char *text, mode_t mode)
{
	int fd = openat(root, name, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	fchmod(fd, mode);
	close(fd);
}

static const char PASSWD[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "\n# comment\n"
			     "short:x:1\n"
			     "user:x:1000:1000:u:/home/user:/bin/sh\n"
			     "user:x:2000:2000:dup:/dup:/bin/sh\n"
			     "big:x:4294967295:0::/:/bin/sh\n";

static void accounts(void)
{
	struct spec_account a;

	CHECK_INT(spec_account_find(PASSWD, strlen(PASSWD), false, "user", 0, &a), 0);
	CHECK_INT(a.id, 1000);
	CHECK_STR(a.home, "/home/user"); /* the first of two, as getpwnam */
	spec_account_free(&a);
	CHECK_INT(spec_account_find(PASSWD, strlen(PASSWD), false, NULL, 0, &a), 0);
	CHECK_STR(a.name, "root");
	spec_account_free(&a);
	/* Short lines and (uid_t)-1 are skipped, not fatal. */
	CHECK_INT(spec_account_find(PASSWD, strlen(PASSWD), false, "short", 0, &a), 1);
	CHECK_INT(spec_account_find(PASSWD, strlen(PASSWD), false, "big", 0, &a), 1);
	CHECK_INT(spec_account_find("g:x:5:\n", 7, true, "g", 0, &a), 0);
	CHECK_INT(a.id, 5);
	spec_account_free(&a);
}

static void lookups(int root, const char *host)
{
	struct act_err err = { 0 };
	uint32_t id = 99;
	char *p = NULL;

	CHECK_INT(inroot_resolve_id(root, "user", false, "user", &id, &err), 0);
	CHECK_INT(id, 1000);
	CHECK_INT(inroot_resolve_id(root, "root", false, "user", &id, &err), 0);
	CHECK_INT(id, 0);
	CHECK_INT(inroot_resolve_id(root, "123", false, "user", &id, &err), 0);
	CHECK_INT(id, 123);
	CHECK_INT(inroot_resolve_id(root, "grp", true, "group", &id, &err), 0);
	CHECK_INT(id, 77);
	CHECK(inroot_resolve_id(root, "ghost", false, "user", &id, &err) < 0);
	CHECK(strstr(err.msg, "user 'ghost'") != NULL);
	/* A symlink out of the rootfs resolves inside it. */
	err.msg[0] = '\0';
	CHECK_INT(inroot_find_exec(root, "/bin/escape", "", "/", &p, &err), -1);
	free(p);
	p = NULL;
	err.msg[0] = '\0';
	CHECK_INT(inroot_find_exec(root, "tool", "/nowhere::/bin", "/", &p, &err), 0);
	CHECK_STR(p, "/bin/tool");
	free(p);
	p = NULL;
	/* A directory and a file without x are passed over. */
	CHECK(inroot_find_exec(root, "noexec", "/bin", "/", &p, &err) < 0);
	err.msg[0] = '\0';
	CHECK_INT(inroot_find_exec(root, "./tool", "", "/bin", &p, &err), 0);
	CHECK_STR(p, "/bin/./tool");
	free(p);
	CHECK_INT(inroot_is_dir(root, "/bin", &err), 1);
	CHECK_INT(inroot_is_dir(root, "/nope", &err), 0);
	CHECK_INT(inroot_is_dir(root, "/up/..", &err), 1);
	(void)host;
}

static int plan(int root, const char *manifest, const struct run_options *o, struct run_plan *p,
		struct act_err *err)
{
	err->msg[0] = '\0';
	return run_plan_make(manifest, strlen(manifest), root, o, p, err);
}

#define M(app) "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/My_App\",\"app\":" app "}"

static void plans(int root)
{
	struct run_options o = { .id = "0123456789abcdef0123456789abcdef" };
	struct act_err err = { 0 };
	struct run_plan p;
	uint64_t raw = UINT64_C(1) << 13;

	int r = plan(root, M("{\"exec\":[\"tool\",\"a\"],\"user\":\"user\",\"group\":\"0\"}"), &o, &p, &err);

	CHECK_INT(r, 0);
	if (r != 0) {
		printf("# %s\n", err.msg);
		return; /* the checks below read the plan */
	}
	CHECK_STR(p.app_name, "my-app");
	CHECK_STR(p.argv[0], "/bin/tool");
	CHECK_INT(p.uid, 1000);
	CHECK(p.caps == capname_default_set());
	CHECK(p.ambient == 0);
	CHECK_STR(p.hostname, "acitool-01234567");
	CHECK(p.need_hosts && p.need_tmp);
	int home = 0, user = 0, path = 0;
	for (size_t i = 0; i < p.nenv; i++) {
		home += streq(p.env[i], "HOME=/home/user");
		user += streq(p.env[i], "USER=user");
		path += !strncmp(p.env[i], "PATH=/usr/local/sbin:", 21);
	}
	CHECK(home == 1 && user == 1 && path == 1);
	run_plan_free(&p);

	/* Retain set; remove set; the flags over both. */
	CHECK_INT(plan(root, M("{\"exec\":[\"/bin/tool\"],\"user\":\"0\",\"group\":\"0\",\"isolators\":[{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"CAP_NET_RAW\"]}}]}"), &o, &p, &err), 0);
	CHECK(p.caps == raw);
	CHECK_INT(p.isolators[0].verdict, RUN_ENFORCED);
	run_plan_free(&p);
	o.caps_kind = RUN_CAPS_REMOVE;
	o.caps = raw;
	CHECK_INT(plan(root, M("{\"exec\":[\"/bin/tool\"],\"user\":\"0\",\"group\":\"0\",\"isolators\":[{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"CAP_NET_RAW\"]}}]}"), &o, &p, &err), 0);
	CHECK(p.caps == (capname_default_set() & ~raw));
	CHECK_INT(p.isolators[0].verdict, RUN_MODIFIED);
	run_plan_free(&p);
	o.caps_kind = RUN_CAPS_IMAGE;
	/* Ambient only within the set. */
	o.ambient = UINT64_C(1) << 21; /* CAP_SYS_ADMIN */
	CHECK(plan(root, M("{\"exec\":[\"/bin/tool\"],\"user\":\"0\",\"group\":\"0\"}"), &o, &p, &err) < 0);
	CHECK(strstr(err.msg, "CAP_SYS_ADMIN") != NULL);
	o.ambient = 0;

	/* Isolators: nnp (any true wins), limits, seccomp ignored. */
	CHECK_INT(plan(root, M("{\"exec\":[\"/bin/tool\"],\"user\":\"0\",\"group\":\"0\",\"isolators\":["
		"{\"name\":\"os/linux/no-new-privileges\",\"value\":true},"
		"{\"name\":\"os/linux/no-new-privileges\",\"value\":false},"
		"{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1Gi\"}},"
		"{\"name\":\"resource/cpu\",\"value\":{\"limit\":\"250m\"}},"
		"{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[\"read\"]}}]}"), &o, &p, &err), 0);
	CHECK(p.no_new_privs);
	CHECK(p.memory_limit == INT64_C(1) << 30);
	CHECK(p.cpu_quota == 25000);
	CHECK_INT(p.isolators[p.nisolators - 1].verdict, RUN_ENFORCED);
	CHECK(p.seccomp.on && p.seccomp.retain && p.seccomp.nlisted == 1);
	run_plan_free(&p);

	/* What must fail, with the field named. */
	CHECK(plan(root, M("null"), &o, &p, &err) < 0);
	CHECK(strstr(err.msg, "no app") != NULL);
	CHECK(plan(root, M("{\"exec\":[\"/bin/tool\"],\"user\":\"0\",\"group\":\"0\",\"workingDirectory\":\"/nope\"}"), &o, &p, &err) < 0);
	CHECK(strstr(err.msg, "app.workingDirectory '/nope'") != NULL);
	/* ...unless a mount point makes it. */
	CHECK_INT(plan(root, M("{\"exec\":[\"/bin/tool\"],\"user\":\"0\",\"group\":\"0\",\"workingDirectory\":\"/nope/x\",\"mountPoints\":[{\"name\":\"v\",\"path\":\"/nope\"}]}"), &o, &p, &err), 0);
	CHECK_INT(p.nmounts, 1);
	CHECK(p.mounts[0].source == NULL); /* an empty volume, made by bundle */
	CHECK_INT(p.nwarnings, 1);
	run_plan_free(&p);
	CHECK(plan(root, M("{\"exec\":[\"/bin/tool\"],\"user\":\"0\",\"group\":\"0\",\"mountPoints\":[{\"name\":\"a\",\"path\":\"/x\"},{\"name\":\"b\",\"path\":\"/x\"}]}"), &o, &p, &err) < 0);
	CHECK(strstr(err.msg, "two on '/x'") != NULL);
	o.name = "Bad";
	CHECK(plan(root, M("{\"exec\":[\"/bin/tool\"],\"user\":\"0\",\"group\":\"0\"}"), &o, &p, &err) < 0);
	CHECK(strstr(err.msg, "not an AC name") != NULL);
}

static void filters(void)
{
	struct syscall_filter f;
	struct act_err err = { 0 };
	char *wl[] = { "@rkt/default-whitelist" }, *all[] = { "reboot", "@appc.io/all" };
	char *empty[] = { "@appc.io/empty", "reboot" }, *bad[] = { "nosuchcall" };
	char *setuid_[] = { "setuid", "reboot", "reboot" }, *write_[] = { "write" };
	bool nnp;
	int e;

	CHECK_INT(syscall_errno("EXFULL", &e, &err), 0);
	CHECK_INT(e, EXFULL);
	CHECK(syscall_errno("ENOPE", &e, &err) < 0);
	/* rkt's whitelist: rseq is not in it, and must get ENOSYS. */
	CHECK_INT(syscall_filter_make(true, wl, 1, NULL, &f, &err), 0);
	CHECK(f.on && f.retain && f.errno_ret == 0);
	CHECK_INT(syscall_filter_fit(&f, false, &nnp, &err), 0);
	CHECK(!nnp);
	bool rseq = false, faccessat2 = false;
	for (size_t i = 0; i < f.nenosys; i++)
		rseq |= streq(f.enosys[i], "rseq");
	for (size_t i = 0; i < f.n; i++)
		faccessat2 |= streq(f.names[i], "faccessat2");
	CHECK(rseq && faccessat2);
	syscall_filter_free(&f);
	/* appc's wildcards mask the rest of the set. */
	CHECK_INT(syscall_filter_make(true, all, 2, NULL, &f, &err), 0);
	CHECK(!f.on);
	CHECK_INT(syscall_filter_make(false, empty, 2, "EPERM", &f, &err), 0);
	CHECK(f.on && f.retain && f.errno_ret == EPERM && f.n > 200);
	syscall_filter_free(&f);
	err.msg[0] = '\0';
	CHECK(syscall_filter_make(false, bad, 1, NULL, &f, &err) < 0);
	CHECK(strstr(err.msg, "nosuchcall") != NULL);
	/* runc's own calls: setuid needs no-new-privileges; write cannot go. */
	CHECK_INT(syscall_filter_make(false, setuid_, 3, NULL, &f, &err), 0);
	CHECK_INT(f.n, 2);
	CHECK_INT(syscall_filter_fit(&f, false, &nnp, &err), 0);
	CHECK(nnp);
	CHECK_INT(syscall_filter_fit(&f, true, &nnp, &err), 0);
	CHECK(!nnp);
	syscall_filter_free(&f);
	CHECK_INT(syscall_filter_make(false, write_, 1, NULL, &f, &err), 0);
	err.msg[0] = '\0';
	CHECK(syscall_filter_fit(&f, true, &nnp, &err) < 0);
	syscall_filter_free(&f);
}

int main(void)
{
	char dir[] = "/tmp/test-runplan.XXXXXX", host[PATH_MAX];
	int root;

	if (!mkdtemp(dir))
		abort();
	root = open(dir, O_RDONLY | O_DIRECTORY);
	mkdirat(root, "etc", 0755);
	mkdirat(root, "bin", 0755);
	mkdirat(root, "bin/sub", 0755);
	put(root, "etc/passwd", PASSWD, 0644);
	put(root, "etc/group", "root:x:0:\ngrp:x:77:\n", 0644);
	put(root, "bin/tool", "#!/bin/sh\n", 0755);
	put(root, "bin/noexec", "data\n", 0644);
	/* A host file the image points at: it must not be found. */
	snprintf(host, sizeof(host), "%s.host", dir);
	put(AT_FDCWD, host, "#!/bin/sh\n", 0755);
	symlinkat(host, root, "bin/escape");
	symlinkat("../../../../..", root, "up");

	accounts();
	lookups(root, host);
	plans(root);
	filters();

	close(root);
	rmtree(AT_FDCWD, dir, 1);
	unlink(host);
	return tap_done();
}
