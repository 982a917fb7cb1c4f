// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/run/seccompsets.h"
#include "common/run/syscallfilter.h"

/* runc 1.1's calls after the filter is loaded, by no-new-privileges:
 * strace of runc init (ace-runtime reference, §3.2), plus execve and the
 * Go runtime's own. */
static const char *const init_calls[] = {
	"capget", "capset", "chdir", "faccessat2", "fchown", "fcntl", "fstat", "getcwd",
	"getppid", "newfstatat", "prctl", "read", "setgid", "setgroups", "setuid", NULL,
};
static const char *const init_calls_nnp[] = {
	"close", "epoll_ctl", "fstatfs", "futex", "getdents64", "getpid", "openat", "write",
	"execve", "rt_sigreturn", "rt_sigprocmask", "sigaltstack", "sched_yield", "nanosleep",
	"mmap", "munmap", "madvise", "tgkill", "gettid", "exit", "exit_group", "epoll_pwait",
	NULL,
};

#if defined(__x86_64__) || defined(__i386__)
static const uint32_t arches[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 };
#elif defined(__aarch64__) || defined(__arm__)
static const uint32_t arches[] = { SCMP_ARCH_AARCH64, SCMP_ARCH_ARM };
#else
static const uint32_t arches[] = { SCMP_ARCH_NATIVE };
#endif

static bool known(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (seccomp_syscall_resolve_name_arch(arches[i], name) != __NR_SCMP_ERROR)
			return true;
	return false;
}

void syscall_filter_free(struct syscall_filter *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	for (size_t i = 0; i < f->nenosys; i++)
		free(f->enosys[i]);
	free(f->enosys);
	memset(f, 0, sizeof(*f));
}

int syscall_errno(const char *name, int *e, struct act_err *err)
{
	/* glibc names every errno it has; no table of our own to go stale. */
	for (int i = 1; i < 4096; i++) {
		const char *n = strerrorname_np(i);

		if (n && streq(n, name)) {
			*e = i;
			return 0;
		}
	}
	return act_err_set(err, EINVAL, "errno '%s': not an errno name", name);
}

static void add(struct syscall_filter *f, const char *name)
{
	f->names = xrealloc(f->names, (f->n + 1) * sizeof(*f->names));
	f->names[f->n++] = xstrdup(name);
}

static void add_list(struct syscall_filter *f, const char *const *list)
{
	for (; *list; list++)
		if (known(*list))
			add(f, *list);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique(struct syscall_filter *f)
{
	size_t o = 0;

	qsort(f->names, f->n, sizeof(*f->names), cmp);
	for (size_t i = 0; i < f->n; i++) {
		if (o && streq(f->names[o - 1], f->names[i])) {
			free(f->names[i]);
			continue;
		}
		f->names[o++] = f->names[i];
	}
	f->n = o;
}

int syscall_filter_make(bool retain, char *const *set, size_t n, const char *errname,
			struct syscall_filter *f, struct act_err *err)
{
	memset(f, 0, sizeof(*f));
	if (n == 0)
		return act_err_set(err, EINVAL, "an empty set");
	if (errname && syscall_errno(errname, &f->errno_ret, err) < 0)
		return -1;
	f->on = true;
	f->retain = retain;
	for (size_t i = 0; i < n; i++) {
		const char *s = set[i];

		/* appc's own: they mask the rest of the set (rkt). */
		if (retain && streq(s, "@appc.io/all")) {
			syscall_filter_free(f);
			return 0;
		}
		if (!retain && streq(s, "@appc.io/empty")) {
			int e = f->errno_ret;

			syscall_filter_free(f);
			f->on = f->retain = true;
			f->errno_ret = e;
			add_list(f, seccompsets_whitelist);
#if defined(__aarch64__) || defined(__arm__)
			add_list(f, seccompsets_arm_whitelist);
#endif
			sort_unique(f);
			f->nlisted = f->n;
			return 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = set[i];

		if (streq(s, "@rkt/default-whitelist") || streq(s, "@docker/default-whitelist")) {
			add_list(f, seccompsets_whitelist);
#if defined(__aarch64__) || defined(__arm__)
			add_list(f, seccompsets_arm_whitelist);
#endif
		} else if (streq(s, "@rkt/default-blacklist") ||
			   streq(s, "@docker/default-blacklist")) {
			add_list(f, seccompsets_blacklist);
		} else if (s[0] == '@') {
			syscall_filter_free(f);
			return act_err_set(err, EINVAL, "'%s': not a wildcard acitool knows", s);
		} else if (!known(s)) {
			syscall_filter_free(f);
			return act_err_set(err, EINVAL, "'%s': not a system call of this architecture",
					   s);
		} else {
			add(f, s);
		}
	}
	sort_unique(f);
	f->nlisted = f->n;
	return 0;
}

static bool has(const struct syscall_filter *f, const char *name)
{
	return bsearch(&name, f->names, f->nlisted, sizeof(*f->names), cmp) != NULL;
}

int syscall_filter_fit(struct syscall_filter *f, bool nnp, bool *need_nnp, struct act_err *err)
{
	*need_nnp = false;
	if (!f->on)
		return 0;
	if (f->retain) {
		int newest = -1;

		for (size_t i = 0; i < f->n; i++) {
			int nr = seccomp_syscall_resolve_name(f->names[i]);

			newest = nr > newest ? nr : newest;
		}
		add_list(f, init_calls_nnp);
		if (!nnp)
			add_list(f, init_calls);
		sort_unique(f);
		/* The native numbers above the set's newest that libseccomp
		 * knows (x86_64 has a gap from 335 to 423). */
		for (int nr = newest + 1; nr < 1024; nr++) {
			char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
			struct syscall_filter tmp = { .names = f->names, .nlisted = f->n };

			if (name && !has(&tmp, name)) {
				f->enosys = xrealloc(f->enosys, (f->nenosys + 1) * sizeof(char *));
				f->enosys[f->nenosys++] = name;
			} else {
				free(name);
			}
		}
		return 0;
	}
	for (const char *const *c = init_calls_nnp; *c; c++)
		if (has(f, *c))
			return act_err_set(err, EINVAL,
					   "removing '%s' leaves runc unable to start the app", *c);
	for (const char *const *c = init_calls; *c; c++)
		if (has(f, *c))
			*need_nnp = !nnp;
	return 0;
}

int syscall_filter_parse_arg(const char *arg, bool *off, bool *retain, char ***names,
			     size_t *n, char **errname, char **buf, struct act_err *err)
{
	char *save = NULL, *tok;

	*off = false;
	*names = NULL;
	*n = 0;
	*errname = NULL;
	*buf = NULL;
	if (streq(arg, "off")) {
		*off = true;
		return 0;
	}
	*buf = xstrdup(arg);
	tok = strtok_r(*buf, ",", &save);
	if (!tok || (!streq(tok, "mode=retain") && !streq(tok, "mode=remove"))) {
		free(*buf);
		*buf = NULL;
		return act_err_set(err, EINVAL, "'%s': off, or mode=retain or mode=remove first",
				   arg);
	}
	*retain = streq(tok, "mode=retain");
	while ((tok = strtok_r(NULL, ",", &save))) {
		if (!strncmp(tok, "errno=", 6)) {
			*errname = tok + 6;
			continue;
		}
		*names = xrealloc(*names, (*n + 1) * sizeof(**names));
		(*names)[(*n)++] = tok;
	}
	return 0;
}
