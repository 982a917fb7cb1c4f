// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/caps/capname.h"
#include "common/json/jsongen.h"
#include "common/run/ociconfig.h"

static void strs(struct json_gen *g, const char *const *v, size_t n)
{
	json_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		json_gen_cstr(g, v[i]);
	json_gen_array_close(g);
}

static void caps(struct json_gen *g, const char *key, uint64_t set)
{
	json_gen_cstr(g, key);
	json_gen_array_open(g);
	for (int c = 0; c < 64; c++)
		if (set & (UINT64_C(1) << c)) {
			char num[32];
			const char *name = capname_name(c);

			/* A bit past our table: runc knows it by number only
			 * through libcap, so spell it as libcap would. */
			if (!name) {
				snprintf(num, sizeof(num), "CAP_%d", c);
				name = num;
			}
			json_gen_cstr(g, name);
		}
	json_gen_array_close(g);
}

static void mount(struct json_gen *g, const char *dst, const char *type, const char *src,
		  const char *const *opts, size_t nopts)
{
	json_gen_object_open(g);
	json_gen_cstr(g, "destination");
	json_gen_cstr(g, dst);
	json_gen_cstr(g, "type");
	json_gen_cstr(g, type);
	json_gen_cstr(g, "source");
	json_gen_cstr(g, src);
	if (nopts) {
		json_gen_cstr(g, "options");
		strs(g, opts, nopts);
	}
	json_gen_object_close(g);
}

#define MOUNT(g, dst, type, src, ...)                                          \
	do {                                                                   \
		static const char *const o_[] = { __VA_ARGS__ };               \
		mount(g, dst, type, src, o_, ARRAY_SIZE(o_));                  \
	} while (0)

static void mounts(struct json_gen *g, const struct run_plan *p, const char *hosts)
{
	json_gen_cstr(g, "mounts");
	json_gen_array_open(g);
	mount(g, "/proc", "proc", "proc", NULL, 0);
	MOUNT(g, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
	MOUNT(g, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance",
	      "ptmxmode=0666", "mode=0620", "gid=5");
	MOUNT(g, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777",
	      "size=65536k");
	MOUNT(g, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
	MOUNT(g, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
	MOUNT(g, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime",
	      "ro");
	/* spec/OS-SPEC.md wants /dev/console; runc binds one only for a tty. */
	MOUNT(g, "/dev/console", "bind", "/dev/null", "bind", "rw");
	if (hosts)
		MOUNT(g, "/etc/hosts", "bind", hosts, "bind", "ro");
	for (size_t i = 0; i < p->nmounts; i++) {
		const struct run_mount *m = &p->mounts[i];
		const char *o[] = { m->recursive ? "rbind" : "bind", m->read_only ? "ro" : "rw" };

		mount(g, m->target, "bind", m->source, o, 2);
	}
	json_gen_array_close(g);
}

static void process(struct json_gen *g, const struct run_plan *p)
{
	json_gen_cstr(g, "process");
	json_gen_object_open(g);
	json_gen_cstr(g, "terminal");
	json_gen_bool(g, 0);
	json_gen_cstr(g, "user");
	json_gen_object_open(g);
	json_gen_cstr(g, "uid");
	json_gen_int(g, p->uid);
	json_gen_cstr(g, "gid");
	json_gen_int(g, p->gid);
	if (p->ngids) {
		json_gen_cstr(g, "additionalGids");
		json_gen_array_open(g);
		for (size_t i = 0; i < p->ngids; i++)
			json_gen_int(g, p->gids[i]);
		json_gen_array_close(g);
	}
	json_gen_object_close(g);
	json_gen_cstr(g, "args");
	strs(g, (const char *const *)p->argv, p->argc);
	json_gen_cstr(g, "env");
	strs(g, (const char *const *)p->env, p->nenv);
	json_gen_cstr(g, "cwd");
	json_gen_cstr(g, p->cwd);
	json_gen_cstr(g, "capabilities");
	json_gen_object_open(g);
	caps(g, "bounding", p->caps);
	/* runc sets these before the app's execve. A non-root app must start
	 * with nothing, as under rkt: the kernel drops them at the exec
	 * unless ambient, but with no-new-privileges a file-capable binary
	 * keeps what the process held before (permitted ∩ old permitted),
	 * which would make file capabilities work under no-new-privileges. */
	caps(g, "effective", p->uid == 0 ? p->caps : p->ambient);
	caps(g, "permitted", p->uid == 0 ? p->caps : p->ambient);
	/* Inheritable stays empty unless ambient caps are asked for: a
	 * non-empty one with nothing to use it is a CVE waiting (cri-o#5769). */
	caps(g, "inheritable", p->ambient);
	caps(g, "ambient", p->ambient);
	json_gen_object_close(g);
	json_gen_cstr(g, "noNewPrivileges");
	json_gen_bool(g, p->no_new_privs);
	if (p->has_oom_score) {
		json_gen_cstr(g, "oomScoreAdj");
		json_gen_int(g, p->oom_score_adj);
	}
	json_gen_object_close(g);
}

static void resources(struct json_gen *g, const struct run_plan *p)
{
	json_gen_cstr(g, "resources");
	json_gen_object_open(g);
	json_gen_cstr(g, "devices");
	json_gen_array_open(g);
	json_gen_object_open(g);
	json_gen_cstr(g, "allow");
	json_gen_bool(g, 0);
	json_gen_cstr(g, "access");
	json_gen_cstr(g, "rwm");
	json_gen_object_close(g);
	json_gen_array_close(g);
	if (p->memory_limit >= 0) {
		json_gen_cstr(g, "memory");
		json_gen_object_open(g);
		json_gen_cstr(g, "limit");
		json_gen_int(g, p->memory_limit);
		json_gen_object_close(g);
	}
	if (p->cpu_quota >= 0 || p->cpu_shares >= 0) {
		json_gen_cstr(g, "cpu");
		json_gen_object_open(g);
		if (p->cpu_quota >= 0) {
			json_gen_cstr(g, "quota");
			json_gen_int(g, p->cpu_quota);
			json_gen_cstr(g, "period");
			json_gen_int(g, 100000);
		}
		if (p->cpu_shares >= 0) {
			json_gen_cstr(g, "shares");
			json_gen_int(g, p->cpu_shares);
		}
		json_gen_object_close(g);
	}
	json_gen_object_close(g);
}

static void seccomp(struct json_gen *g, const struct syscall_filter *f)
{
#if defined(__x86_64__) || defined(__i386__)
	static const char *const arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
					      "SCMP_ARCH_X32" };
#elif defined(__aarch64__) || defined(__arm__)
	static const char *const arches[] = { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" };
#endif
	/* runc 1.1's SCMP_ACT_KILL kills a thread only: the spec says the
	 * process ends with SIGSYS. */
	const char *refuse = f->errno_ret ? "SCMP_ACT_ERRNO" : "SCMP_ACT_KILL_PROCESS";

	json_gen_cstr(g, "seccomp");
	json_gen_object_open(g);
	json_gen_cstr(g, "defaultAction");
	json_gen_cstr(g, f->retain ? refuse : "SCMP_ACT_ALLOW");
	if (f->retain && f->errno_ret) {
		json_gen_cstr(g, "defaultErrnoRet");
		json_gen_int(g, f->errno_ret);
	}
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__arm__)
	json_gen_cstr(g, "architectures");
	strs(g, arches, ARRAY_SIZE(arches));
#endif
	json_gen_cstr(g, "syscalls");
	json_gen_array_open(g);
	json_gen_object_open(g);
	json_gen_cstr(g, "names");
	strs(g, (const char *const *)f->names, f->n);
	json_gen_cstr(g, "action");
	json_gen_cstr(g, f->retain ? "SCMP_ACT_ALLOW" : refuse);
	if (!f->retain && f->errno_ret) {
		json_gen_cstr(g, "errnoRet");
		json_gen_int(g, f->errno_ret);
	}
	json_gen_object_close(g);
	if (f->nenosys) {
		json_gen_object_open(g);
		json_gen_cstr(g, "names");
		strs(g, (const char *const *)f->enosys, f->nenosys);
		json_gen_cstr(g, "action");
		json_gen_cstr(g, "SCMP_ACT_ERRNO");
		json_gen_cstr(g, "errnoRet");
		json_gen_int(g, ENOSYS);
		json_gen_object_close(g);
	}
	json_gen_array_close(g);
	json_gen_object_close(g);
}

static void linux_section(struct json_gen *g, const struct run_plan *p)
{
	/* runc's defaults (runc spec), then rkt's (stage1 app.go), which
	 * also hide the kernel's symbols and /sys/fs, cgroups included. */
	static const char *const masked[] = {
		"/proc/acpi",	     "/proc/asound",	    "/proc/kcore",     "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
		"/sys/firmware",     "/proc/scsi",	    "/proc/config.gz", "/proc/kallsyms",
		"/proc/kmem",	     "/proc/mem",	    "/sys/fs",	       "/sys/hypervisor",
		"/sys/module",	     "/sys/power",
	};
	static const char *const readonly[] = {
		"/proc/bus",  "/proc/fs",  "/proc/irq",	  "/proc/sys",	  "/proc/sysrq-trigger",
		"/sys/block", "/sys/bus",  "/sys/class", "/sys/dev",	  "/sys/devices",
		"/sys/kernel",
	};
	static const char *const ns[] = { "pid", "network", "ipc", "uts", "mount" };

	json_gen_cstr(g, "linux");
	json_gen_object_open(g);
	resources(g, p);
	json_gen_cstr(g, "namespaces");
	json_gen_array_open(g);
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		if (p->net_host && streq(ns[i], "network"))
			continue;
		json_gen_object_open(g);
		json_gen_cstr(g, "type");
		json_gen_cstr(g, ns[i]);
		json_gen_object_close(g);
	}
	json_gen_array_close(g);
	if (!p->insecure_paths) {
		json_gen_cstr(g, "maskedPaths");
		strs(g, masked, ARRAY_SIZE(masked));
		json_gen_cstr(g, "readonlyPaths");
		strs(g, readonly, ARRAY_SIZE(readonly));
	}
	if (p->seccomp.on)
		seccomp(g, &p->seccomp);
	json_gen_object_close(g);
}

char *ociconfig_text(const struct run_plan *p, const char *root, const char *hosts,
		     size_t *len, struct act_err *err)
{
	struct json_gen *g = json_gen_new();
	char *compact, *pretty;
	size_t n;

	json_gen_object_open(g);
	json_gen_cstr(g, "ociVersion");
	json_gen_cstr(g, "1.0.2");
	process(g, p);
	json_gen_cstr(g, "root");
	json_gen_object_open(g);
	json_gen_cstr(g, "path");
	json_gen_cstr(g, root);
	json_gen_cstr(g, "readonly");
	json_gen_bool(g, 0);
	json_gen_object_close(g);
	json_gen_cstr(g, "hostname");
	json_gen_cstr(g, p->hostname);
	mounts(g, p, hosts);
	json_gen_cstr(g, "annotations");
	json_gen_object_open(g);
	json_gen_cstr(g, "io.acitool.app-name");
	json_gen_cstr(g, p->app_name);
	json_gen_object_close(g);
	linux_section(g, p);
	json_gen_object_close(g);
	compact = json_gen_finish(g, &n, err);
	json_gen_free(g);
	if (!compact)
		return NULL;
	pretty = json_pretty(compact, n, len, err);
	free(compact);
	return pretty;
}
