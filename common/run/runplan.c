// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "common/base/macro.h"
#include "common/base/strbuf.h"
#include "common/caps/capname.h"
#include "common/json/json.h"
#include "common/manifest/manifest.h"
#include "common/run/inroot.h"
#include "common/run/runplan.h"
#include "common/spec/types.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void run_plan_free(struct run_plan *p)
{
	free(p->app_name);
	free_strv(p->argv, p->argc);
	free(p->gids);
	free_strv(p->env, p->nenv);
	free(p->cwd);
	for (size_t i = 0; i < p->nmounts; i++) {
		free(p->mounts[i].source);
		free(p->mounts[i].target);
	}
	free(p->mounts);
	free(p->hostname);
	free_strv(p->pre_start.argv, p->pre_start.argc);
	free_strv(p->post_stop.argv, p->post_stop.argc);
	for (size_t i = 0; i < p->nisolators; i++) {
		free(p->isolators[i].name);
		free(p->isolators[i].detail);
	}
	free(p->isolators);
	free_strv(p->warnings, p->nwarnings);
	syscall_filter_free(&p->seccomp);
	memset(p, 0, sizeof(*p));
}

uint64_t run_kernel_caps(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = 40; /* CAP_CHECKPOINT_RESTORE, Linux 5.9 */

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = 40;
		fclose(f);
	}
	return last >= 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;
}

/* The capabilities in acitool's own bounding set: all runc can hand on. */
static uint64_t own_bounding(void)
{
	uint64_t set = 0;

	for (int c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_READ, c) == 1)
			set |= UINT64_C(1) << c;
	return set;
}

static void push_str(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

static void report(struct run_plan *p, const char *name, enum run_verdict v, char *detail)
{
	p->isolators = xrealloc(p->isolators, (p->nisolators + 1) * sizeof(*p->isolators));
	p->isolators[p->nisolators++] =
		(struct run_isolator){ .name = xstrdup(name), .verdict = v, .detail = detail };
}

/* The index of env entry K in "K=V" form, or -1. */
static ssize_t env_find(const struct run_plan *p, const char *k, size_t klen)
{
	for (size_t i = 0; i < p->nenv; i++)
		if (!strncmp(p->env[i], k, klen) && p->env[i][klen] == '=')
			return (ssize_t)i;
	return -1;
}

static void env_set(struct run_plan *p, const char *k, size_t klen, const char *v, bool force)
{
	ssize_t i = env_find(p, k, klen);
	char *kv = xasprintf("%.*s=%s", (int)klen, k, v);

	if (i < 0) {
		push_str(&p->env, &p->nenv, kv);
	} else if (force) {
		free(p->env[i]);
		p->env[i] = kv;
	} else {
		free(kv);
	}
}

static const char *env_get(const struct run_plan *p, const char *k)
{
	ssize_t i = env_find(p, k, strlen(k));

	return i < 0 ? NULL : p->env[i] + strlen(k) + 1;
}

/* rkt's default app name: the image name's last component, lower-cased,
 * every other character than [a-z0-9] turned into '-', runs of '-' and
 * dashes at the ends dropped. */
static char *default_app_name(const char *image)
{
	const char *base = strrchr(image, '/') ? strrchr(image, '/') + 1 : image;
	struct strbuf b = { 0 };

	strbuf_add(&b, "", 0);
	for (const char *c = base; *c; c++) {
		char ch = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			ch = '-';
		if (ch == '-' && (b.len == 0 || b.p[b.len - 1] == '-'))
			continue;
		strbuf_add(&b, &ch, 1);
	}
	while (b.len && b.p[b.len - 1] == '-')
		b.p[--b.len] = '\0';
	return b.p;
}

static bool is_app_name(const char *s)
{
	/* ^[a-z0-9]+([-][a-z0-9]+)*$ */
	bool dash = true;

	for (; *s; s++) {
		if (*s == '-') {
			if (dash)
				return false;
			dash = true;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) {
			dash = false;
		} else {
			return false;
		}
	}
	return !dash;
}

static int caps_count(uint64_t set)
{
	return __builtin_popcountll(set);
}

static int plan_caps(struct run_plan *p, const char *text, size_t len, const struct json_value *isos,
		     const struct run_options *o, struct act_err *err)
{
	uint64_t image_set, kernel = run_kernel_caps();
	const char *flag = o->caps_kind == RUN_CAPS_RETAIN ? "--caps-retain" : "--caps-remove";

	if (manifest_bounding_set(text, len, &image_set, err) < 0)
		return -1;
	for (size_t i = 0; isos && i < isos->n; i++) {
		const struct json_value *n = json_get(isos->items[i], "name");

		if (json_is_string(n, MANIFEST_CAPS_RETAIN_NAME) ||
		    json_is_string(n, MANIFEST_CAPS_REMOVE_NAME)) {
			if (o->caps_kind == RUN_CAPS_IMAGE)
				report(p, n->str, RUN_ENFORCED,
				       xasprintf("bounding, permitted and effective sets: %d "
						 "capabilities",
						 caps_count(image_set & kernel)));
			else
				report(p, n->str, RUN_MODIFIED, xasprintf("replaced by %s", flag));
		}
	}
	if (o->insecure_caps) {
		for (size_t i = 0; i < p->nisolators; i++) {
			p->isolators[i].verdict = RUN_MODIFIED;
			free(p->isolators[i].detail);
			p->isolators[i].detail = xstrdup("replaced by --insecure-options=capabilities");
		}
		/* All acitool may hand on: its own bounding set. */
		p->caps = kernel & own_bounding();
		report(p, "--insecure-options=capabilities", RUN_ENFORCED,
		       xasprintf("every capability acitool has: %d", caps_count(p->caps)));
		p->ambient = o->ambient;
		return 0;
	}
	switch (o->caps_kind) {
	case RUN_CAPS_IMAGE:
		p->caps = image_set;
		break;
	case RUN_CAPS_RETAIN:
		p->caps = o->caps;
		break;
	case RUN_CAPS_REMOVE:
		p->caps = capname_default_set() & ~o->caps;
		break;
	}
	if (p->caps & ~kernel) {
		push_str(&p->warnings, &p->nwarnings,
			 xasprintf("%d capabilities unknown to this kernel left out",
				   caps_count(p->caps & ~kernel)));
		p->caps &= kernel;
	}
	/* runc can hand on only what acitool has (runc would fail). */
	uint64_t own = own_bounding();

	for (int c = 0; c < 64; c++)
		if (p->caps & ~own & (UINT64_C(1) << c)) {
			push_str(&p->warnings, &p->nwarnings,
				 xasprintf("%s is not in acitool's own bounding set: left out",
					   capname_name(c) ?: "?"));
			p->caps &= ~(UINT64_C(1) << c);
		}
	if (o->ambient & ~p->caps) {
		for (int c = 0; c < 64; c++)
			if (o->ambient & ~p->caps & (UINT64_C(1) << c))
				return act_err_set(err, EINVAL,
						   "--caps-ambient: %s is not in the app's "
						   "bounding set",
						   capname_name(c) ?: "?");
	}
	p->ambient = o->ambient;
	return 0;
}

/* A quantity member of an isolator value, in base units; -1 when absent. */
static int quantity(const struct json_value *value, const char *key, double *out)
{
	const struct json_value *q = json_get(value, key);

	if (!q || q->type != JSON_STRING || !spec_is_quantity(q->str, q->len, out))
		return -1;
	return 0;
}

static bool json_int(const struct json_value *v, long long lo, long long hi, long long *out)
{
	char *end;

	if (!v || v->type != JSON_NUMBER)
		return false;
	errno = 0;
	*out = strtoll(v->str, &end, 10);
	return !errno && !*end && *out >= lo && *out <= hi;
}

/* A CPU limit in cores as rkt's quota: µs per 100 ms period, at least
 * 1 ms, the kernel's floor. */
static int64_t cpu_quota(double cores)
{
	int64_t q = (int64_t)(cores * 100000.0 + 0.5);

	return q < 1000 ? 1000 : q;
}

/* The limit flags over the image's isolators, reported as rkt's flags
 * would be: modified when they replace one, enforced when they add one. */
static void plan_limit_flags(struct run_plan *p, const struct run_options *o)
{
	static const char *const names[] = { "resource/memory", "resource/cpu",
					     "os/linux/cpu-shares", "os/linux/oom-score-adj" };
	static const char *const flags[] = { "--memory", "--cpu", "--cpu-shares",
					     "--oom-score-adj" };
	bool given[] = { o->has_memory, o->has_cpu, o->cpu_shares > 0, o->has_oom_score };

	if (o->has_memory)
		p->memory_limit = o->memory > (double)INT64_MAX ? INT64_MAX : (int64_t)o->memory;
	if (o->has_cpu) {
		p->cpu_quota = cpu_quota(o->cpu);
	}
	if (o->cpu_shares > 0)
		p->cpu_shares = o->cpu_shares;
	if (o->has_oom_score) {
		p->has_oom_score = true;
		p->oom_score_adj = o->oom_score_adj;
	}
	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		bool replaced = false;

		if (!given[k])
			continue;
		for (size_t i = 0; i < p->nisolators; i++)
			if (streq(p->isolators[i].name, names[k])) {
				p->isolators[i].verdict = RUN_MODIFIED;
				free(p->isolators[i].detail);
				p->isolators[i].detail = xasprintf("replaced by %s", flags[k]);
				replaced = true;
			}
		if (!replaced)
			report(p, flags[k], RUN_ENFORCED, xasprintf("%s set", names[k]));
	}
}

static int plan_isolators(struct run_plan *p, const struct json_value *isos,
			  const struct json_value **seccomp, struct act_err *err)
{
	p->memory_limit = p->cpu_quota = p->cpu_shares = -1;
	for (size_t i = 0; isos && i < isos->n; i++) {
		const struct json_value *n = json_get(isos->items[i], "name");
		const struct json_value *v = json_get(isos->items[i], "value");
		const char *name = n && n->type == JSON_STRING ? n->str : "";
		double q;
		long long x;

		if (streq(name, MANIFEST_CAPS_RETAIN_NAME) || streq(name, MANIFEST_CAPS_REMOVE_NAME))
			continue; /* plan_caps */
		if (streq(name, "os/linux/no-new-privileges")) {
			if (!v || v->type != JSON_BOOL)
				return act_err_set(err, EINVAL, "isolator '%s': not a boolean", name);
			/* Of several, any true wins: the safe reading. */
			p->no_new_privs |= v->boolean;
			report(p, name, RUN_ENFORCED,
			       xstrdup(v->boolean ? "no-new-privileges set: file capabilities "
						    "and set-id bits do not apply"
						  : "false"));
		} else if (streq(name, "resource/memory")) {
			if (quantity(v, "limit", &q) < 0) {
				report(p, name, RUN_IGNORED, xstrdup("no limit: a request alone "
								     "is not enforced"));
				continue;
			}
			p->memory_limit = q > (double)INT64_MAX ? INT64_MAX : (int64_t)q;
			report(p, name, RUN_ENFORCED,
			       xasprintf("memory limit %lld bytes", (long long)p->memory_limit));
		} else if (streq(name, "resource/cpu")) {
			if (quantity(v, "limit", &q) < 0) {
				report(p, name, RUN_IGNORED, xstrdup("no limit: a request alone "
								     "is not enforced"));
				continue;
			}
			p->cpu_quota = cpu_quota(q); /* rkt's (milli-cores / 10) * 1000 */
			report(p, name, RUN_ENFORCED,
			       xasprintf("CPU quota %lld µs per 100 ms", (long long)p->cpu_quota));
		} else if (streq(name, "os/linux/cpu-shares")) {
			if (!json_int(v, 2, 262144, &x))
				return act_err_set(err, EINVAL,
						   "isolator '%s': not an integer from 2 to 262144",
						   name);
			p->cpu_shares = x;
			report(p, name, RUN_ENFORCED, xasprintf("CPU shares %lld", x));
		} else if (streq(name, "os/linux/oom-score-adj")) {
			if (!json_int(v, -1000, 1000, &x))
				return act_err_set(err, EINVAL,
						   "isolator '%s': not an integer from -1000 to 1000",
						   name);
			p->has_oom_score = true;
			p->oom_score_adj = (int)x;
			report(p, name, RUN_ENFORCED, xasprintf("OOM score adjustment %lld", x));
		} else if (streq(name, MANIFEST_SECCOMP_RETAIN_NAME) ||
			   streq(name, MANIFEST_SECCOMP_REMOVE_NAME)) {
			if (*seccomp)
				return act_err_set(err, EINVAL,
						   "app.isolators: more than one seccomp isolator");
			*seccomp = isos->items[i];
		} else {
			report(p, name, RUN_IGNORED, xstrdup("not implemented by acitool"));
		}
	}
	return 0;
}

static char *filter_detail(const struct syscall_filter *f, const char *what)
{
	const char *errname = f->errno_ret ? strerrorname_np(f->errno_ret) : NULL;

	if (!f->on)
		return xasprintf("%s: no filter", what);
	if (f->retain)
		return xasprintf("%s: %zu system calls allowed (%zu for runc's own setup), the "
				 "rest %s",
				 what, f->nlisted, f->n - f->nlisted,
				 errname ? errname : "killed by SIGSYS");
	return xasprintf("%s: %zu system calls %s", what, f->n,
			 errname ? errname : "killed by SIGSYS");
}

/* Strings of a JSON array, borrowed. */
static char **strings(const struct json_value *a, size_t *n)
{
	char **v = xcalloc(a && a->type == JSON_ARRAY ? a->n + 1 : 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; a && a->type == JSON_ARRAY && i < a->n; i++)
		if (a->items[i]->type == JSON_STRING)
			v[(*n)++] = a->items[i]->str;
	return v;
}

static int plan_seccomp(struct run_plan *p, const struct json_value *iso,
			const struct run_options *o, struct act_err *err)
{
	const struct json_value *name = json_get(iso, "name"), *value = json_get(iso, "value");
	const char *iname = name && name->type == JSON_STRING ? name->str : "";
	bool need_nnp;
	int r;

	if (o->insecure_seccomp) {
		if (iso)
			report(p, iname, RUN_MODIFIED,
			       xstrdup("replaced by --insecure-options=seccomp: no filter"));
		return 0;
	}
	if (o->seccomp_given) {
		if (iso)
			report(p, iname, RUN_MODIFIED, xstrdup("replaced by --seccomp"));
		if (!o->seccomp_off &&
		    syscall_filter_make(o->seccomp_retain, o->seccomp_names, o->nseccomp,
					o->seccomp_errno, &p->seccomp, err) < 0)
			return act_err_wrap(err, "--seccomp");
	} else if (iso) {
		const struct json_value *e = json_get(value, "errno");
		size_t n;
		char **set = strings(json_get(value, "set"), &n);

		r = syscall_filter_make(streq(iname, MANIFEST_SECCOMP_RETAIN_NAME), set, n,
					e && e->type == JSON_STRING ? e->str : NULL, &p->seccomp,
					err);
		free(set);
		if (r < 0)
			return act_err_wrap(err, "isolator '%s'", iname);
	} else {
		/* No isolator: the spec lets the executor pick. Not rkt's
		 * whitelist, which kills calls newer than 2016 (rkt/rkt#3121):
		 * the blacklist, refused with EPERM, as Docker does. */
		char *set[] = { "@docker/default-blacklist" };

		if (syscall_filter_make(false, set, 1, "EPERM", &p->seccomp, err) < 0)
			return -1;
	}
	if (syscall_filter_fit(&p->seccomp, p->no_new_privs, &need_nnp, err) < 0)
		return act_err_wrap(err, "%s", iso ? iname : "--seccomp");
	if (o->seccomp_given)
		report(p, "--seccomp", RUN_ENFORCED, filter_detail(&p->seccomp, "filter"));
	else if (iso)
		report(p, iname, RUN_ENFORCED, filter_detail(&p->seccomp, "filter"));
	else
		report(p, "seccomp (no isolator)", RUN_ENFORCED,
		       filter_detail(&p->seccomp, "acitool's default, Docker's blacklist"));
	if (need_nnp) {
		p->no_new_privs = true;
		push_str(&p->warnings, &p->nwarnings,
			 xstrdup("no-new-privileges forced on: the seccomp filter refuses a call "
				 "runc makes after loading it otherwise (setuid, capset...); file "
				 "capabilities and set-id bits will not apply"));
	}
	return 0;
}

static int plan_env(struct run_plan *p, const struct json_value *app, const struct run_options *o,
		    struct act_err *err)
{
	const struct json_value *env = json_get(app, "environment");

	for (size_t i = 0; env && env->type == JSON_ARRAY && i < env->n; i++) {
		const struct json_value *k = json_get(env->items[i], "name");
		const struct json_value *v = json_get(env->items[i], "value");

		if (!k || k->type != JSON_STRING || !v || v->type != JSON_STRING)
			continue; /* spec_check_manifest refuses these */
		if (memchr(v->str, '\0', v->len))
			return act_err_set(err, EINVAL, "environment '%s': holds a NUL byte", k->str);
		env_set(p, k->str, k->len, v->str, true);
	}
	for (size_t i = 0; i < o->nset_env; i++) {
		const char *eq = strchr(o->set_env[i], '=');

		env_set(p, o->set_env[i], (size_t)(eq - o->set_env[i]), eq + 1, true);
	}
	env_set(p, "PATH", 4, DEFAULT_PATH, false);
	env_set(p, "AC_APP_NAME", 11, p->app_name, true);
	env_set(p, "container", 9, "acitool", true);
	return 0;
}

/* HOME, USER, LOGNAME from the image's passwd line for the uid, unless set:
 * rkt set root's whatever the user (rkt/rkt#2569). */
static void plan_home(struct run_plan *p, int root)
{
	_cleanup_free_ char *text = NULL;
	struct spec_account a = { 0 };
	size_t len;

	if (inroot_read(root, "/etc/passwd", 4u << 20, &text, &len, NULL) == 0 &&
	    spec_account_find(text, len, false, NULL, p->uid, &a) == 0) {
		env_set(p, "HOME", 4, *a.home ? a.home : "/", false);
		env_set(p, "USER", 4, a.name, false);
		env_set(p, "LOGNAME", 7, a.name, false);
		spec_account_free(&a);
		return;
	}
	env_set(p, "HOME", 4, p->uid == 0 ? "/root" : "/", false);
	if (p->uid == 0) {
		env_set(p, "USER", 4, "root", false);
		env_set(p, "LOGNAME", 7, "root", false);
	}
}

static int plan_ids(struct run_plan *p, int root, const struct json_value *app,
		    const struct run_options *o, struct act_err *err)
{
	const struct json_value *u = json_get(app, "user"), *g = json_get(app, "group");
	const struct json_value *gids = json_get(app, "supplementaryGIDs");
	const char *user = o->user ?: (u && u->type == JSON_STRING ? u->str : "");
	const char *group = o->group ?: (g && g->type == JSON_STRING ? g->str : "");

	if (inroot_resolve_id(root, user, false, o->user ? "--user" : "app.user", &p->uid,
			      err) < 0 ||
	    inroot_resolve_id(root, group, true, o->group ? "--group" : "app.group", &p->gid,
			      err) < 0)
		return -1;
	for (size_t i = 0; gids && gids->type == JSON_ARRAY && i < gids->n; i++) {
		long long x;

		if (!json_int(gids->items[i], 0, UINT32_MAX - 1, &x))
			return act_err_set(err, EINVAL, "app.supplementaryGIDs: not a group ID");
		p->gids = xrealloc(p->gids, (p->ngids + 1) * sizeof(*p->gids));
		p->gids[p->ngids++] = (uint32_t)x;
	}
	return 0;
}

static bool under_mount(const struct run_plan *p, const char *path);

static int plan_exec(struct run_plan *p, int root, const struct json_value *app,
		     const struct run_options *o, struct act_err *err)
{
	const struct json_value *ex = json_get(app, "exec");
	char *path;

	if (o->exec) {
		push_str(&p->argv, &p->argc, xstrdup(o->exec));
	} else {
		for (size_t i = 0; ex && ex->type == JSON_ARRAY && i < ex->n; i++) {
			if (ex->items[i]->type != JSON_STRING ||
			    memchr(ex->items[i]->str, '\0', ex->items[i]->len))
				return act_err_set(err, EINVAL, "app.exec: not a list of strings");
			push_str(&p->argv, &p->argc, xstrdup(ex->items[i]->str));
		}
	}
	if (!p->argc)
		return act_err_set(err, EINVAL, "the image has an empty app.exec (try --exec=PROGRAM)");
	for (size_t i = 0; i < o->nargs; i++)
		push_str(&p->argv, &p->argc, xstrdup(o->args[i]));
	/* On a volume: not there until runc mounts it. */
	if (p->argv[0][0] == '/' && under_mount(p, p->argv[0]))
		return 0;
	if (inroot_find_exec(root, p->argv[0], env_get(p, "PATH"), p->cwd, &path, err) < 0)
		return -1;
	free(p->argv[0]);
	p->argv[0] = path;
	return 0;
}

static int plan_hooks(struct run_plan *p, int root, const struct json_value *app,
		      struct act_err *err)
{
	const struct json_value *hs = json_get(app, "eventHandlers");

	for (size_t i = 0; hs && hs->type == JSON_ARRAY && i < hs->n; i++) {
		const struct json_value *n = json_get(hs->items[i], "name");
		const struct json_value *ex = json_get(hs->items[i], "exec");
		struct run_hook *h = json_is_string(n, "pre-start")    ? &p->pre_start
				     : json_is_string(n, "post-stop") ? &p->post_stop
								       : NULL;
		char *path;

		if (!h || h->argv || !ex || ex->type != JSON_ARRAY || !ex->n)
			return act_err_set(err, EINVAL, "app.eventHandlers[%zu]: not one of one "
						       "pre-start and one post-stop with an exec",
					   i);
		for (size_t j = 0; j < ex->n; j++) {
			if (ex->items[j]->type != JSON_STRING ||
			    memchr(ex->items[j]->str, '\0', ex->items[j]->len))
				return act_err_set(err, EINVAL,
						   "app.eventHandlers[%zu].exec: not a list of strings",
						   i);
			push_str(&h->argv, &h->argc, xstrdup(ex->items[j]->str));
		}
		if (inroot_find_exec(root, h->argv[0], env_get(p, "PATH"), p->cwd, &path, err) < 0)
			return act_err_wrap(err, "app.eventHandlers (%s)", n->str);
		free(h->argv[0]);
		h->argv[0] = path;
	}
	return 0;
}

struct run_plan run_plan_for_hook(const struct run_plan *p, const struct run_hook *h)
{
	struct run_plan q = *p;

	q.argv = h->argv;
	q.argc = h->argc;
	q.uid = q.gid = 0;
	q.gids = NULL;
	q.ngids = 0;
	q.caps = capname_default_set() & run_kernel_caps() & own_bounding();
	q.ambient = 0;
	q.no_new_privs = false;
	q.seccomp.on = false;
	return q;
}

/* A host path with no symlink in any component (the spec's SHOULD,
 * enforced): the path itself, made absolute and canonical. */
static int host_source(const char *name, const char *src, char **out, struct act_err *err)
{
	_cleanup_free_ char *real = NULL;
	struct stat st;
	size_t n = strlen(src);

	if (src[0] != '/')
		return act_err_set(err, EINVAL, "volume '%s': source '%s' is not absolute", name, src);
	while (n > 1 && src[n - 1] == '/')
		n--;
	real = realpath(src, NULL);
	if (!real || stat(real, &st) < 0)
		return act_err_set(err, errno, "volume '%s': source '%s': %s", name, src,
				   strerror(errno));
	if (strlen(real) != n || memcmp(real, src, n))
		return act_err_set(err, EINVAL,
				   "volume '%s': source '%s' is reached through a symlink or "
				   "is not canonical (it is '%s')",
				   name, src, real);
	*out = steal_ptr(&real);
	return 0;
}

/* An absolute path without ".", "..", doubled or trailing slashes (".."
 * stops at the root, as in the container): what names one target. */
static char *normalize(const char *path)
{
	struct strbuf b = { 0 };

	strbuf_add(&b, "", 0);
	for (const char *p = path; *p;) {
		const char *e = strchr(p, '/') ?: p + strlen(p);
		size_t n = (size_t)(e - p);

		if (n == 2 && !memcmp(p, "..", 2)) {
			while (b.len && b.p[b.len - 1] != '/')
				b.len--;
			if (b.len)
				b.len--;
			b.p[b.len] = '\0';
		} else if (n && !(n == 1 && *p == '.')) {
			strbuf_add(&b, "/", 1);
			strbuf_add(&b, p, n);
		}
		p = *e ? e + 1 : e;
	}
	if (!b.len)
		strbuf_add(&b, "/", 1);
	return b.p;
}

static int plan_mounts(struct run_plan *p, const struct json_value *app, const struct run_options *o,
		       struct act_err *err)
{
	const struct json_value *mps = json_get(app, "mountPoints");
	bool *used = xcalloc(o->nvolumes + 1, sizeof(*used));
	int r = -1;

	for (size_t i = 0; mps && mps->type == JSON_ARRAY && i < mps->n; i++) {
		const struct json_value *n = json_get(mps->items[i], "name");
		const struct json_value *path = json_get(mps->items[i], "path");
		const struct json_value *ro = json_get(mps->items[i], "readOnly");
		struct run_mount m = { .recursive = true };
		const struct run_volume *vol = NULL;

		if (!n || n->type != JSON_STRING || !path || path->type != JSON_STRING)
			continue; /* spec_check_manifest refuses these */
		for (size_t j = 0; j < o->nvolumes; j++)
			if (streq(o->volumes[j].name, n->str)) {
				vol = &o->volumes[j];
				used[j] = true;
			}
		m.read_only = ro && ro->type == JSON_BOOL && ro->boolean;
		if (vol && vol->read_only >= 0)
			m.read_only = vol->read_only;
		if (vol)
			m.recursive = vol->recursive;
		if (vol && vol->host) {
			if (host_source(n->str, vol->source, &m.source, err) < 0)
				goto out;
		} else if (!vol) {
			push_str(&p->warnings, &p->nwarnings,
				 xasprintf("mount point '%s' (%s) has no volume: an empty "
					   "directory is mounted there",
					   n->str, path->str));
		}
		_cleanup_free_ char *norm = normalize(path->str);

		for (size_t j = 0; j < p->nmounts; j++)
			if (streq(p->mounts[j].target, norm)) {
				free(m.source);
				act_err_set(err, EINVAL, "mount points '%s': two on '%s'", n->str,
					    path->str);
				goto out;
			}
		m.target = steal_ptr(&norm);
		p->mounts = xrealloc(p->mounts, (p->nmounts + 1) * sizeof(*p->mounts));
		p->mounts[p->nmounts++] = m;
	}
	for (size_t j = 0; j < o->nvolumes; j++)
		if (!used[j]) {
			act_err_set(err, EINVAL, "--volume '%s': the app has no mount point of that name",
				    o->volumes[j].name);
			goto out;
		}
	r = 0;
out:
	free(used);
	return r;
}

/* Whether path lies on or below one of the mounts (which make it exist). */
static bool under_mount(const struct run_plan *p, const char *path)
{
	for (size_t i = 0; i < p->nmounts; i++) {
		size_t n = strlen(p->mounts[i].target);

		while (n > 1 && p->mounts[i].target[n - 1] == '/')
			n--;
		if (!strncmp(path, p->mounts[i].target, n) && (path[n] == '/' || !path[n]))
			return true;
	}
	return false;
}

static int plan_app(struct run_plan *p, const char *text, size_t len, const struct json_value *m,
		    int root, const struct run_options *o, struct act_err *err)
{
	const struct json_value *app = json_get(m, "app"), *v;
	const struct json_value *isos = json_get(app, "isolators"), *seccomp = NULL;
	int r;

	if (!app || app->type != JSON_OBJECT)
		return act_err_set(err, EINVAL, "the image has no app: nothing to run");
	v = json_get(m, "dependencies");
	if (v && v->type == JSON_ARRAY && v->n)
		return act_err_set(err, ENOTSUP,
				   "the image has dependencies: give it by file name, not on "
				   "standard input, so that they can be found and rendered");
	v = json_get(m, "name");
	p->app_name = o->name ? xstrdup(o->name) : default_app_name(v ? v->str : "");
	if (!is_app_name(p->app_name))
		return act_err_set(err, EINVAL, "app name '%s': not an AC name (try --name=NAME)",
				   p->app_name);
	if (isos && isos->type != JSON_ARRAY)
		isos = NULL;
	if (plan_caps(p, text, len, isos, o, err) < 0 ||
	    plan_isolators(p, isos, &seccomp, err) < 0 || plan_seccomp(p, seccomp, o, err) < 0)
		return -1;
	plan_limit_flags(p, o);
	if (plan_env(p, app, o, err) < 0 || plan_ids(p, root, app, o, err) < 0)
		return -1;
	plan_home(p, root);
	v = json_get(app, "workingDirectory");
	p->cwd = xstrdup(v && v->type == JSON_STRING && v->len ? v->str : "/");
	if (plan_mounts(p, app, o, err) < 0)
		return -1;
	/* runc would make a missing one; the spec says the ACE must fail. */
	if (!under_mount(p, p->cwd)) {
		r = inroot_is_dir(root, p->cwd, err);
		if (r < 0)
			return act_err_wrap(err, "app.workingDirectory");
		if (r == 0)
			return act_err_set(err, ENOENT,
					   "app.workingDirectory '%s': no such directory in the "
					   "image",
					   p->cwd);
	}
	if (plan_exec(p, root, app, o, err) < 0)
		return -1;
	return plan_hooks(p, root, app, err);
}

int run_plan_make(const char *manifest, size_t len, int root, const struct run_options *o,
		  struct run_plan *p, struct act_err *err)
{
	struct json_value *m = json_parse(manifest, len, err);
	int fd, r;

	memset(p, 0, sizeof(*p));
	if (!m)
		return act_err_wrap(err, "manifest");
	r = plan_app(p, manifest, len, m, root, o, err);
	json_free(m);
	if (r < 0) {
		run_plan_free(p);
		return -1;
	}
	p->net_host = o->net_host;
	p->insecure_paths = o->insecure_paths;
	p->hostname = o->hostname ? xstrdup(o->hostname) : xasprintf("acitool-%.8s", o->id);
	fd = inroot_open(root, "/etc/hosts", O_PATH);
	p->need_hosts = fd < 0 && errno == ENOENT;
	if (fd >= 0)
		close(fd);
	fd = inroot_open(root, "/tmp", O_PATH);
	p->need_tmp = fd < 0 && errno == ENOENT;
	if (fd >= 0)
		close(fd);
	return 0;
}
