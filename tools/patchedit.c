// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/caps/capname.h"
#include "common/manifest/patcharg.h"
#include "tools/patchedit.h"

/* actool's field options, parsed by patcharg.h. */
static const struct {
	const char *name;
	int (*parse)(struct manifest_patch *p, const char *arg, struct act_err *err);
} actool_opts[] = {
	{ "name", patcharg_name },
	{ "exec", patcharg_exec },
	{ "user", patcharg_user },
	{ "group", patcharg_group },
	{ "supplementary-groups", patcharg_supplementary_groups },
	{ "mounts", patcharg_mounts },
	{ "ports", patcharg_ports },
	{ "isolators", patcharg_isolators },
	{ "seccomp-mode", patcharg_seccomp_mode },
	{ "seccomp-set", patcharg_seccomp_set },
};

static bool is_actool(const char *opt)
{
	for (size_t i = 0; i < ARRAY_SIZE(actool_opts); i++)
		if (streq(actool_opts[i].name, opt))
			return true;
	return streq(opt, "capability") || streq(opt, "revoke-capability");
}

void patch_args_add(struct patch_args *a, const char *opt, const char *arg)
{
	/* actool's options: a later one replaces an earlier one (Go's flag
	 * package), so that a Makefile can append an override. */
	if (is_actool(opt)) {
		for (size_t i = 0; i < a->n; i++) {
			if (streq(a->v[i].opt, opt)) {
				memmove(&a->v[i], &a->v[i + 1], (a->n - i - 1) * sizeof(*a->v));
				a->n--;
				break;
			}
		}
	}
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n++] = (struct patch_arg){ opt, arg };
}

void patch_args_free(struct patch_args *a)
{
	free(a->v);
	*a = (struct patch_args){ 0 };
}

static const char *given(const struct patch_args *a, const char *opt)
{
	for (size_t i = 0; i < a->n; i++)
		if (streq(a->v[i].opt, opt))
			return a->v[i].arg;
	return NULL;
}

static int actool_edit(const struct act_cmd *cmd, const struct patch_args *a, size_t i,
		       struct medit_list *l)
{
	struct manifest_patch p = { .caps_kind = MANIFEST_CAPS_NONE };
	const char *opt = a->v[i].opt, *arg = a->v[i].arg;
	struct act_err err = { 0 };
	int r = 0;

	if (streq(opt, "capability") || streq(opt, "revoke-capability")) {
		if (given(a, "capability") && given(a, "revoke-capability"))
			return cmd_usage(cmd, "--capability and --revoke-capability exclude "
					      "each other");
		p.caps_kind = streq(opt, "capability") ? MANIFEST_CAPS_RETAIN :
							 MANIFEST_CAPS_REMOVE;
		if (capname_parse_list(arg, p.caps, ARRAY_SIZE(p.caps), &p.ncaps, &err) < 0)
			return cmd_usage(cmd, "--%s: %s", opt, err.msg);
		medit_add_patch(l, opt, arg, &p);
		return 0;
	}
	/* --seccomp-mode and --seccomp-set make one isolator, where the later
	 * of the two stands. */
	if (streq(opt, "seccomp-mode") || streq(opt, "seccomp-set")) {
		const char *mode = given(a, "seccomp-mode"), *set = given(a, "seccomp-set");

		for (size_t j = i + 1; j < a->n; j++)
			if (streq(a->v[j].opt, streq(opt, "seccomp-mode") ? "seccomp-set" :
									   "seccomp-mode"))
				return 0;
		if (mode && patcharg_seccomp_mode(&p, mode, &err) < 0) {
			r = cmd_usage(cmd, "--seccomp-mode: %s", err.msg);
		} else if (set && patcharg_seccomp_set(&p, set, &err) < 0) {
			r = cmd_usage(cmd, "--seccomp-set: %s", err.msg);
		} else if (patcharg_finish(&p, &err) < 0) {
			r = cmd_usage(cmd, "%s", err.msg);
		} else {
			medit_add_patch(l, "seccomp-mode", mode, &p);
			free(l->v[l->n - 1].flag);
			l->v[l->n - 1].flag = xasprintf("--seccomp-mode=%s --seccomp-set=%s", mode,
							set);
		}
		manifest_patch_free(&p);
		return r;
	}
	for (size_t k = 0; k < ARRAY_SIZE(actool_opts); k++) {
		if (!streq(actool_opts[k].name, opt))
			continue;
		if (actool_opts[k].parse(&p, arg, &err) < 0)
			r = cmd_usage(cmd, "--%s: %s", opt, err.msg);
		else
			medit_add_patch(l, opt, arg, &p);
		manifest_patch_free(&p);
		return r;
	}
	abort(); /* is_actool said it was one */
}

/* actool's own order of its edits (name, exec, ..., then the isolators:
 * capabilities, seccomp, the others), which its output shows. */
static size_t actool_rank(const char *opt)
{
	static const char *const order[] = {
		"name",	 "exec",	      "user",	    "group",	    "supplementary-groups",
		"mounts", "ports",	      "capability", "revoke-capability", "seccomp-mode",
		"seccomp-set", "isolators",
	};

	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (streq(order[i], opt))
			return i;
	return ARRAY_SIZE(order);
}

/*
 * actool's options among themselves in actool's order, in the places they
 * hold among the other options: a call with actool's options alone gives
 * actool's manifest, and the others still apply in command-line order.
 */
static void actool_order(struct patch_args *a)
{
	for (size_t i = 0; i < a->n; i++) {
		if (!is_actool(a->v[i].opt))
			continue;
		for (size_t j = i + 1; j < a->n; j++) {
			if (is_actool(a->v[j].opt) &&
			    actool_rank(a->v[j].opt) < actool_rank(a->v[i].opt)) {
				struct patch_arg t = a->v[i];

				a->v[i] = a->v[j];
				a->v[j] = t;
			}
		}
	}
}

int patch_args_edits(const struct act_cmd *cmd, struct patch_args *a, struct medit_list *l)
{
	struct act_err err = { 0 };

	actool_order(a);
	for (size_t i = 0; i < a->n; i++) {
		int r;

		if (is_actool(a->v[i].opt)) {
			if ((r = actool_edit(cmd, a, i, l)) != 0)
				return r;
		} else if (medit_add(l, a->v[i].opt, a->v[i].arg, &err) < 0) {
			return cmd_usage(cmd, "--%s: %s", a->v[i].opt, err.msg);
		}
	}
	if (medit_check(l, &err) < 0)
		return cmd_usage(cmd, "%s", err.msg);
	return 0;
}
