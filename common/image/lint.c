// SPDX-License-Identifier: Apache-2.0
/*
 * The capability lint rules. The reasoning follows the kernel's exec rules
 * (security/commoncap.c): a file's permitted capabilities are masked by the
 * bounding set, and with the file's effective flag set an exec that cannot
 * grant all of them fails with EPERM; no_new_privs keeps exec from raising
 * capabilities; a process of a non-root user starts with none, and the
 * bounding set only limits what an exec may grant.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/caps/capname.h"
#include "common/json/json.h"
#include "common/image/lint.h"
#include "common/spec/accounts.h"
#include "common/base/macro.h"
#include "common/manifest/manifest.h"

#define NNP_NAME "os/linux/no-new-privileges"

static const char *const code_names[LINT_CODE_COUNT] = {
	[LINT_NO_CAPS_ISOLATOR] = "no-caps-isolator",
	[LINT_BROAD_RETAIN] = "broad-retain",
	[LINT_REMOVE_NOT_DEFAULT] = "remove-not-default",
	[LINT_RETAIN_UNREACHABLE] = "retain-unreachable",
	[LINT_FILECAP_HARDLINK] = "filecap-hardlink",
	[LINT_FILECAP_ROOTID] = "filecap-rootid",
	[LINT_FILECAP_OUTSIDE] = "filecap-outside-bounding",
	[LINT_FILECAP_NNP] = "filecap-nnp",
	[LINT_SETUID] = "setuid",
	[LINT_SETGID] = "setgid",
};

const char *lint_code_name(enum lint_code code)
{
	return (unsigned)code < LINT_CODE_COUNT ? code_names[code] : NULL;
}

/*
 * Capabilities outside appc's default set that open the way to the host or
 * to full privilege; each with why, for the message. Capabilities in the
 * default set are not listed: an app without isolators has them anyway.
 */
static const struct {
	int cap;
	const char *why;
} broad[] = {
	{ CAP_DAC_READ_SEARCH, "open_by_handle_at(2) opens any file of a mounted file system, outside "
	     "the container's root (the 'shocker' escape)" },
	{ CAP_NET_ADMIN, "it reconfigures the pod's network (interfaces, routes, firewall) and "
	      "reaches the kernel's large netlink and netfilter attack surface" },
	{ CAP_SYS_MODULE, "it loads kernel modules: code in the host's kernel" },
	{ CAP_SYS_RAWIO, "raw I/O ports, /dev/mem and raw disk access reach the host's memory "
	      "and disks" },
	{ CAP_SYS_PTRACE, "it traces and changes other processes within reach, stage1's included "
	      "(rkt's capabilities guide)" },
	{ CAP_SYS_ADMIN, "mount, namespaces and many administrative operations: close to full "
	      "root (rkt's capabilities guide)" },
	{ CAP_SYS_BOOT, "reboot(2) and kexec_load(2): restart the pod or load a new kernel" },
	{ CAP_MAC_OVERRIDE, "it overrides mandatory access control (Smack)" },
	{ CAP_MAC_ADMIN, "it changes the security module policy (SELinux, AppArmor, Smack) that "
	      "confines the container" },
	{ CAP_PERFMON, "perf_event_open(2) and BPF tracing observe other processes and, with "
	      "CAP_BPF, read kernel memory" },
	{ CAP_BPF, "it loads BPF programs into the kernel, whose verifier has a history of "
	      "exploits" },
};

static bool has(uint64_t set, int cap)
{
	return set & (UINT64_C(1) << cap);
}

static const char *cap_name(int cap)
{
	return capname_name(cap) ?: "an unknown capability";
}

__attribute__((format(printf, 4, 5))) static void
add(struct lint_report *r, enum lint_code code, const char *subject, const char *fmt, ...)
{
	struct lint_warning *w;
	va_list ap;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->items = xrealloc(r->items, r->cap * sizeof(*r->items));
	}
	w = &r->items[r->n++];
	w->code = code;
	w->subject = xstrdup(subject);
	va_start(ap, fmt);
	if (vasprintf(&w->message, fmt, ap) < 0)
		abort();
	va_end(ap);
}

void lint_report_free(struct lint_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].subject);
		free(r->items[i].message);
	}
	free(r->items);
	*r = (struct lint_report)LINT_REPORT_INIT;
}

/* "CAP_A,CAP_B" (malloc'd). */
static char *cap_list(uint64_t set)
{
	char *s = xstrdup("");

	for (int c = 0; c < 64; c++) {
		char *n;

		if (!has(set, c))
			continue;
		if (capname_name(c)) {
			if (asprintf(&n, "%s%s%s", s, *s ? "," : "", capname_name(c)) < 0)
				abort();
		} else if (asprintf(&n, "%s%s%d", s, *s ? "," : "", c) < 0) {
			abort();
		}
		free(s);
		s = n;
	}
	return s;
}

/* What the manifest says about the app's capabilities. */
struct app_facts {
	bool present;
	const char *user;
	bool retain, remove;		/* which isolator kind is present */
	uint64_t set;			/* that isolator's capabilities */
	uint64_t bset;			/* the bounding set */
	bool nnp;			/* os/linux/no-new-privileges: true */
	bool dependencies;		/* layered on other images */
};

/* The last isolator of that name, as manifest_bounding_set counts them. */
static const struct json_value *isolator(const struct json_value *isos, const char *name)
{
	const struct json_value *found = NULL;

	for (size_t i = 0; isos && isos->type == JSON_ARRAY && i < isos->n; i++)
		if (json_is_string(json_get(isos->items[i], "name"), name))
			found = isos->items[i];
	return found;
}

/* A set manifest_bounding_set accepted: every entry is a known name. */
static uint64_t set_mask(const struct json_value *iso)
{
	const struct json_value *set = json_get(json_get(iso, "value"), "set");
	uint64_t m = 0;

	for (size_t i = 0; set && i < set->n; i++) {
		int cap = capname_parse(set->items[i]->str, NULL);

		if (cap >= 0)
			m |= UINT64_C(1) << cap;
	}
	return m;
}

static int read_app(const struct lint_image *img, struct json_value *root,
		    struct app_facts *a, struct act_err *err)
{
	const struct json_value *app = json_get(root, "app"), *isos, *deps, *user, *nnp;
	const struct json_value *retain, *remove;

	deps = json_get(root, "dependencies");
	a->dependencies = deps && deps->type == JSON_ARRAY && deps->n > 0;
	if (!app || app->type != JSON_OBJECT)
		return 0;
	a->present = true;
	if (manifest_bounding_set(img->manifest, img->manifest_len, &a->bset, err) < 0)
		return act_err_wrap(err, "invalid manifest");
	user = json_get(app, "user");
	if (user && user->type == JSON_STRING && strlen(user->str) == user->len)
		a->user = user->str;
	isos = json_get(app, "isolators");
	retain = isolator(isos, MANIFEST_CAPS_RETAIN_NAME);
	remove = isolator(isos, MANIFEST_CAPS_REMOVE_NAME);
	a->retain = retain != NULL;
	a->remove = remove != NULL;
	if (retain || remove)
		a->set = set_mask(retain ? retain : remove);
	nnp = json_get(isolator(isos, NNP_NAME), "value");
	a->nnp = nnp && nnp->type == JSON_BOOL && nnp->boolean;
	return 0;
}

/*
 * Whether the app runs as root: 1 yes, 0 no, -1 unknown. "root", "0" or a
 * number decide by themselves; another name is looked up in the image's
 * /etc/passwd; a path (whose owner would decide) is not resolved.
 */
static int app_is_root(const struct lint_image *img, const char *user)
{
	struct spec_account a;
	int root;

	if (!user || !*user)
		return -1;
	if (streq(user, "root"))
		return 1;
	if (strspn(user, "0123456789") == strlen(user))
		return strtoull(user, NULL, 10) == 0;
	if (user[0] == '/' || !img->passwd)
		return -1;
	if (spec_account_find(img->passwd, img->passwd_len, false, user, 0, &a) != 0)
		return -1;
	root = a.id == 0;
	spec_account_free(&a);
	return root;
}

static bool is_data_file(const struct lint_file *f)
{
	return !f->link;
}

/* A setuid-root file an exec runs with euid 0: it gets the bounding set,
 * unless it has file capabilities, which then decide instead. */
static bool setuid_root(const struct lint_file *f)
{
	return is_data_file(f) && (f->mode & S_ISUID) && (f->mode & 0111) && f->uid == 0 &&
	       !f->has_caps;
}

static const char *bset_source(const struct app_facts *a)
{
	return a->retain ? "the retain set"
	       : a->remove ? "appc's default set less the remove set"
			   : "appc's default set";
}

static void check_app(const struct lint_image *img, const struct app_facts *a,
		      struct lint_report *r)
{
	int root;

	if (!a->retain && !a->remove)
		add(r, LINT_NO_CAPS_ISOLATOR, "app",
		    "no capabilities retain or remove set: the app runs with appc's default "
		    "bounding set of %d capabilities; rkt's guide recommends a retain set "
		    "of only what the app needs",
		    __builtin_popcountll(capname_default_set()));
	for (size_t i = 0; a->retain && i < ARRAY_SIZE(broad); i++)
		if (has(a->set, broad[i].cap))
			add(r, LINT_BROAD_RETAIN, cap_name(broad[i].cap),
			    "a broad capability in the retain set: %s", broad[i].why);
	for (int c = 0; a->remove && c < 64; c++)
		if (has(a->set & ~capname_default_set(), c))
			add(r, LINT_REMOVE_NOT_DEFAULT, cap_name(c),
			    "not in appc's default set, so the app never has it: removing it "
			    "changes nothing");

	/* Only this image's files are seen: dependencies may hold the rest. */
	root = app_is_root(img, a->user);
	if (!a->retain || root != 0 || a->dependencies)
		return;
	for (int c = 0; c < 64; c++) {
		bool carried = false;

		if (!has(a->set, c))
			continue;
		for (size_t i = 0; i < img->nfiles && !carried; i++) {
			const struct lint_file *f = &img->files[i];

			carried = setuid_root(f) || (is_data_file(f) && f->has_caps &&
						     has(filecap_permitted(&f->caps), c));
		}
		if (a->nnp)
			add(r, LINT_RETAIN_UNREACHABLE, cap_name(c),
			    "the app runs as user '%s', not root, so it starts with no "
			    "capabilities, and no-new-privileges keeps every exec from "
			    "gaining one: retaining it gives the app nothing",
			    a->user);
		else if (!carried)
			add(r, LINT_RETAIN_UNREACHABLE, cap_name(c),
			    "the app runs as user '%s', not root, so it starts with no "
			    "capabilities and the retain set only bounds what an exec "
			    "grants; no file in the image has %s in its permitted file "
			    "capabilities, and none is setuid root: no exec can gain it",
			    a->user, cap_name(c));
	}
}

static void check_file(const struct lint_file *f, const struct app_facts *a,
		       struct lint_report *r)
{
	uint64_t mask = f->has_caps ? filecap_mask(&f->caps) : 0, outside;

	if (f->link) {
		if (f->has_caps)
			add(r, LINT_FILECAP_HARDLINK, f->path,
			    "file capabilities on a hardlink entry: extractors set xattrs "
			    "from the entry holding the data, '%s', and ignore these",
			    f->link);
		return;
	}
	if (f->has_caps && f->caps.version == 3)
		add(r, LINT_FILECAP_ROOTID, f->path,
		    "revision 3 file capabilities for rootid %u: the kernel applies them "
		    "only in a user namespace whose root is host uid %u and ignores them "
		    "elsewhere; write them as revision 2 (add-filecaps --drop-rootid)",
		    (unsigned)f->caps.rootid, (unsigned)f->caps.rootid);
	outside = mask & ~a->bset;
	if (a->present && outside) {
		_cleanup_free_ char *list = cap_list(outside);

		if (f->caps.effective && (filecap_permitted(&f->caps) & ~a->bset))
			add(r, LINT_FILECAP_OUTSIDE, f->path,
			    "%s outside the app's bounding set (%s): the file's effective "
			    "flag is set, so exec fails with EPERM, as the kernel cannot "
			    "grant all of its permitted capabilities",
			    list, bset_source(a));
		else
			add(r, LINT_FILECAP_OUTSIDE, f->path,
			    "%s outside the app's bounding set (%s): exec never grants %s",
			    list, bset_source(a), outside & (outside - 1) ? "them" : "it");
	}
	if (a->nnp && mask)
		add(r, LINT_FILECAP_NNP, f->path,
		    "file capabilities with os/linux/no-new-privileges: exec grants no "
		    "capability the process does not already hold, so they add nothing");
	if ((f->mode & S_ISUID) && (f->mode & 0111)) {
		if (a->nnp)
			add(r, LINT_SETUID, f->path,
			    "setuid (owner uid %lld): no-new-privileges makes exec ignore the "
			    "bit; remove it", (long long)f->uid);
		else if (f->uid == 0 && !f->has_caps)
			add(r, LINT_SETUID, f->path,
			    "setuid root: whoever runs it gets every capability of the "
			    "bounding set; rkt's guide replaces the bit with a file "
			    "capability for just what the program needs");
		else if (f->uid == 0)
			add(r, LINT_SETUID, f->path,
			    "setuid root with file capabilities: whoever runs it gets uid 0 "
			    "as its effective user, and only the file capabilities");
		else
			add(r, LINT_SETUID, f->path,
			    "setuid (owner uid %lld): whoever runs it runs as that user",
			    (long long)f->uid);
	}
	/* The kernel honours setgid only with group execute permission. */
	if ((f->mode & S_ISGID) && (f->mode & S_IXGRP)) {
		if (a->nnp)
			add(r, LINT_SETGID, f->path,
			    "setgid (group gid %lld): no-new-privileges makes exec ignore the "
			    "bit; remove it", (long long)f->gid);
		else
			add(r, LINT_SETGID, f->path,
			    "setgid (group gid %lld): whoever runs it runs with that group",
			    (long long)f->gid);
	}
}

static int path_cmp(const void *a, const void *b)
{
	const struct lint_file *x = a, *y = b;

	return strcmp(x->path, y->path);
}

int lint_check(struct lint_image *img, struct lint_report *r, struct act_err *err)
{
	struct app_facts a = { 0 };
	struct json_value *root;
	int ret = -1;

	if (manifest_check(img->manifest, img->manifest_len, err) < 0)
		return act_err_wrap(err, "invalid manifest");
	root = json_parse(img->manifest, img->manifest_len, err);
	if (!root || read_app(img, root, &a, err) < 0)
		goto out;
	if (a.present)
		check_app(img, &a, r);
	if (img->nfiles)
		qsort(img->files, img->nfiles, sizeof(*img->files), path_cmp);
	for (size_t i = 0; i < img->nfiles; i++)
		check_file(&img->files[i], &a, r);
	ret = 0;
out:
	json_free(root);
	return ret;
}
