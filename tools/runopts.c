// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/base/macro.h"
#include "common/caps/capname.h"
#include "common/spec/types.h"
#include "common/manifest/manifest.h"
#include "tools/runopts.h"

static int caps_arg(const struct act_cmd *cmd, const char *opt, const char *arg, uint64_t *set)
{
	struct act_err err = { 0 };
	int caps[64];
	size_t n;

	if (capname_parse_list(arg, caps, ARRAY_SIZE(caps), &n, &err) < 0)
		return cmd_usage(cmd, "--%s: %s", opt, err.msg), -1;
	*set = 0;
	for (size_t i = 0; i < n; i++)
		*set |= UINT64_C(1) << caps[i];
	return 0;
}

/* NAME,kind=host,source=PATH,readOnly=BOOL,recursive=BOOL (rkt's syntax). */
static int volume_arg(const struct act_cmd *cmd, struct runopts *ro, const char *arg)
{
	_cleanup_free_ char *copy = xstrdup(arg);
	struct run_volume v = { .read_only = -1, .recursive = true };
	char *save = NULL, *tok = strtok_r(copy, ",", &save);
	bool kind = false;

	if (!tok || strchr(tok, '=') || !spec_is_acname(tok, strlen(tok)))
		return cmd_usage(cmd, "--volume '%s': first comes the mount point's name", arg), -1;
	v.name = xstrdup(tok);
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(tok, '=');
		bool b;

		if (!eq)
			goto bad;
		*eq++ = '\0';
		if (streq(tok, "kind") && (streq(eq, "host") || streq(eq, "empty"))) {
			v.host = streq(eq, "host");
			kind = true;
		} else if (streq(tok, "source") && *eq) {
			free(v.source);
			v.source = xstrdup(eq);
		} else if (streq(tok, "readOnly") && cmd_bool_value(eq, &b) == 0) {
			v.read_only = b;
		} else if (streq(tok, "recursive") && cmd_bool_value(eq, &b) == 0) {
			v.recursive = b;
		} else {
			goto bad;
		}
	}
	if (!kind || v.host != (v.source != NULL)) {
		free(v.name);
		free(v.source);
		return cmd_usage(cmd, "--volume '%s': needs kind=host with source=PATH, or "
				      "kind=empty",
				 arg),
		       -1;
	}
	for (size_t i = 0; i < ro->o.nvolumes; i++)
		if (streq(ro->o.volumes[i].name, v.name)) {
			cmd_usage(cmd, "--volume '%s': '%s' given twice", arg, v.name);
			free(v.name);
			free(v.source);
			return -1;
		}
	ro->o.volumes = xrealloc(ro->o.volumes, (ro->o.nvolumes + 1) * sizeof(v));
	ro->o.volumes[ro->o.nvolumes++] = v;
	return 0;
bad:
	free(v.name);
	free(v.source);
	return cmd_usage(cmd, "--volume '%s': unknown or bad '%s'", arg, tok), -1;
}

int runopts_parse(const struct act_cmd *cmd, struct runopts *ro, int opt, const char *arg)
{
	struct run_options *o = &ro->o;

	switch (opt) {
	case OPT_RUN_EXEC:
		if (!*arg)
			return cmd_usage(cmd, "--exec: empty"), -1;
		o->exec = arg;
		return 1;
	case OPT_RUN_USER:
		o->user = arg;
		return 1;
	case OPT_RUN_GROUP:
		o->group = arg;
		return 1;
	case OPT_RUN_NAME:
		o->name = arg;
		return 1;
	case OPT_RUN_SET_ENV: {
		const char *eq = strchr(arg, '=');

		if (!eq || !spec_is_env_name(arg, (size_t)(eq - arg)))
			return cmd_usage(cmd, "--set-env '%s': not NAME=VALUE", arg), -1;
		o->set_env = xrealloc(o->set_env, (o->nset_env + 1) * sizeof(char *));
		o->set_env[o->nset_env++] = (char *)arg;
		return 1;
	}
	case OPT_RUN_CAPS_RETAIN:
	case OPT_RUN_CAPS_REMOVE: {
		enum run_caps_override k =
			opt == OPT_RUN_CAPS_RETAIN ? RUN_CAPS_RETAIN : RUN_CAPS_REMOVE;

		if (o->caps_kind != RUN_CAPS_IMAGE && o->caps_kind != k)
			return cmd_usage(cmd, "--caps-retain and --caps-remove exclude each other"),
			       -1;
		o->caps_kind = k;
		return caps_arg(cmd, k == RUN_CAPS_RETAIN ? "caps-retain" : "caps-remove", arg,
				&o->caps) < 0
			       ? -1
			       : 1;
	}
	case OPT_RUN_CAPS_AMBIENT:
		return caps_arg(cmd, "caps-ambient", arg, &o->ambient) < 0 ? -1 : 1;
	case OPT_RUN_VOLUME:
		return volume_arg(cmd, ro, arg) < 0 ? -1 : 1;
	case OPT_RUN_NET:
		if (!streq(arg, "host") && !streq(arg, "default"))
			return cmd_usage(cmd, "--net '%s': host or default", arg), -1;
		o->net_host = streq(arg, "host");
		return 1;
	case OPT_RUN_HOSTNAME:
		if (!*arg || strlen(arg) > 64)
			return cmd_usage(cmd, "--hostname '%s': 1 to 64 characters", arg), -1;
		o->hostname = arg;
		return 1;
	case OPT_RUN_SECCOMP: {
		struct act_err err = { 0 };

		free(ro->seccomp_buf);
		free(o->seccomp_names);
		if (syscall_filter_parse_arg(arg, &o->seccomp_off, &o->seccomp_retain,
					     &o->seccomp_names, &o->nseccomp,
					     (char **)&o->seccomp_errno, &ro->seccomp_buf, &err) < 0)
			return cmd_usage(cmd, "--seccomp %s", err.msg), -1;
		o->seccomp_given = true;
		return 1;
	}
	case OPT_RUN_INSECURE: {
		_cleanup_free_ char *copy = xstrdup(arg);
		char *save = NULL;

		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			bool all = streq(t, "all-run");

			if (all || streq(t, "paths"))
				o->insecure_paths = true;
			if (all || streq(t, "capabilities"))
				o->insecure_caps = true;
			if (all || streq(t, "seccomp"))
				o->insecure_seccomp = true;
			if (!all && !streq(t, "paths") && !streq(t, "capabilities") &&
			    !streq(t, "seccomp"))
				return cmd_usage(cmd, "--insecure-options: unknown '%s' (known: paths, "
						      "capabilities, seccomp, all-run)",
						 t),
				       -1;
		}
		if (!*arg)
			return cmd_usage(cmd, "--insecure-options: empty"), -1;
		return 1;
	}
	case OPT_RUN_MEMORY:
	case OPT_RUN_CPU: {
		double q;

		if (!spec_is_quantity(arg, strlen(arg), &q))
			return cmd_usage(cmd, "--%s '%s': not a quantity (such as %s)",
					 opt == OPT_RUN_MEMORY ? "memory" : "cpu", arg,
					 opt == OPT_RUN_MEMORY ? "512Mi" : "500m"),
			       -1;
		*(opt == OPT_RUN_MEMORY ? &o->memory : &o->cpu) = q;
		*(opt == OPT_RUN_MEMORY ? &o->has_memory : &o->has_cpu) = true;
		return 1;
	}
	case OPT_RUN_CPU_SHARES:
	case OPT_RUN_OOM_SCORE_ADJ: {
		bool shares = opt == OPT_RUN_CPU_SHARES;
		long long lo = shares ? 2 : -1000, hi = shares ? 262144 : 1000, v;
		char *end;

		errno = 0;
		v = strtoll(arg, &end, 10);
		if (errno || end == arg || *end || v < lo || v > hi)
			return cmd_usage(cmd, "--%s '%s': an integer from %lld to %lld",
					 shares ? "cpu-shares" : "oom-score-adj", arg, lo, hi),
			       -1;
		if (shares) {
			o->cpu_shares = v;
		} else {
			o->has_oom_score = true;
			o->oom_score_adj = (int)v;
		}
		return 1;
	}
	case OPT_RUN_STRICT:
		return cmd_parse_bool(cmd, "strict", arg, &ro->strict) < 0 ? -1 : 1;
	case OPT_RUN_VERBOSE:
		return cmd_parse_bool(cmd, "verbose", arg, &ro->verbose) < 0 ? -1 : 1;
	case OPT_RUN_IMAGE_DIR:
		ro->image_dir = arg;
		return 1;
	case OPT_PROGRESS:
	case OPT_NO_PROGRESS:
		ro->progress = opt == OPT_PROGRESS;
		return 1;
	}
	return 0;
}

int runopts_deps(struct runopts *ro, const char *image, struct act_err *err)
{
	_cleanup_free_ char *base = NULL;

	/* From standard input the manifest cannot be read ahead: such an
	 * image is taken as it is, and the plan refuses dependencies then. */
	if (streq(image, "-"))
		return 0;
	if (imagedir_image_load(image, &ro->top, err) < 0)
		return -1;
	if (!manifest_has_dependencies(ro->top.manifest, ro->top.mlen))
		return 0;
	base = xstrdup(image);
	if (imagedir_open(ro->image_dir ? ro->image_dir : dirname(base), &ro->dir, err) < 0 ||
	    deps_resolve(&ro->dir, &ro->top, &ro->deps, err) < 0)
		return -1;
	ro->have_deps = true;
	return 0;
}

void runopts_new_id(struct runopts *ro)
{
	unsigned char r[16];

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		abort(); /* the kernel's CSPRNG does not fail for 16 bytes */
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(ro->idbuf + 2 * i, 3, "%02x", r[i]);
	ro->o.id = ro->idbuf;
}

void runopts_free(struct runopts *ro)
{
	dep_list_free(&ro->deps);
	imagedir_free(&ro->dir);
	imagedir_image_free(&ro->top);
	for (size_t i = 0; i < ro->o.nvolumes; i++) {
		free(ro->o.volumes[i].name);
		free(ro->o.volumes[i].source);
	}
	free(ro->o.volumes);
	free(ro->o.set_env);
	free(ro->o.seccomp_names);
	free(ro->seccomp_buf);
}

int runopts_report(const struct act_cmd *cmd, const struct runopts *ro,
		   const struct run_plan *p)
{
	static const char *const verdict[] = { "enforced", "modified", "ignored" };
	int ignored = 0;

	for (size_t i = 0; i < p->nwarnings; i++)
		fprintf(stderr, "acitool: %s: warning: %s\n", cmd->name, p->warnings[i]);
	for (size_t i = 0; i < p->nisolators; i++) {
		const struct run_isolator *iso = &p->isolators[i];

		ignored += iso->verdict == RUN_IGNORED;
		if (ro->verbose || iso->verdict == RUN_IGNORED)
			fprintf(stderr, "acitool: %s: isolator %s: %s: %s\n", cmd->name, iso->name,
				verdict[iso->verdict], iso->detail);
	}
	if (ro->strict && ignored) {
		fprintf(stderr, "acitool: %s: --strict: %d isolator%s not enforced\n", cmd->name,
			ignored, ignored > 1 ? "s" : "");
		return -1;
	}
	return 0;
}
