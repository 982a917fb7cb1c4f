/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/run/syscallfilter.h"

/*
 * What `run` and `bundle` do with an app: the image manifest, the caller's
 * options and the rendered rootfs resolved into one plan (argv, ids,
 * environment, capabilities, mounts, limits) that ociconfig.h writes for
 * runc. The semantics are appc's ACE (spec/ace.md) as rkt implemented it;
 * docs/design.md lists where acitool differs and why.
 */

/* A volume given on the command line (rkt's --volume). */
struct run_volume {
	char *name;
	bool host;		/* kind=host; else kind=empty */
	char *source;		/* kind=host */
	int read_only;		/* -1: the mount point decides */
	bool recursive;		/* rbind (default) or bind */
};

enum run_caps_override { RUN_CAPS_IMAGE, RUN_CAPS_RETAIN, RUN_CAPS_REMOVE };

struct run_options {
	const char *exec;		/* --exec: replaces app.exec */
	char **args;			/* after "--": appended */
	size_t nargs;
	const char *user, *group;	/* --user, --group */
	const char *name;		/* --name: the app name */
	char **set_env;			/* --set-env=K=V, in order */
	size_t nset_env;
	enum run_caps_override caps_kind; /* --caps-retain, --caps-remove */
	uint64_t caps;
	uint64_t ambient;		/* --caps-ambient */
	struct run_volume *volumes;
	size_t nvolumes;
	bool net_host;			/* --net=host */
	const char *hostname;		/* NULL: acitool-<id> */
	/* --memory, --cpu (limits, in bytes and cores), --cpu-shares (0: not
	 * given), --oom-score-adj: each replaces the image's isolator of its
	 * kind. */
	bool has_memory, has_cpu;
	double memory, cpu;
	long long cpu_shares;
	bool has_oom_score;
	int oom_score_adj;
	/* --insecure-options: no masked kernel paths, every capability, no
	 * seccomp filter (rkt's paths, capabilities, seccomp). */
	bool insecure_paths, insecure_caps, insecure_seccomp;
	/* --seccomp: replaces the image's seccomp isolator (or the default) */
	bool seccomp_given, seccomp_off, seccomp_retain;
	char **seccomp_names;
	size_t nseccomp;
	const char *seccomp_errno;
	const char *id;			/* the run's id: 32 hex digits */
};

/* A bind mount into the container. */
struct run_mount {
	char *source;		/* host path */
	char *target;		/* in the container */
	bool read_only, recursive;
};

/* What became of each isolator, for the report the spec requires. */
enum run_verdict { RUN_ENFORCED, RUN_MODIFIED, RUN_IGNORED };
struct run_isolator {
	char *name;
	enum run_verdict verdict;
	char *detail;		/* one line: what was applied, or why not */
};

/* An event handler: run as root with appc's default capabilities, no
 * seccomp filter and no-new-privileges off (rkt ran them so), in a
 * container of its own on the same rootfs, mounts, environment and
 * working directory. */
struct run_hook {
	char **argv;		/* NULL: none */
	size_t argc;
};

struct run_plan {
	char *app_name;
	char **argv;		/* argv[0] absolute, resolved inside the rootfs */
	size_t argc;
	uint32_t uid, gid;
	uint32_t *gids;		/* supplementaryGIDs */
	size_t ngids;
	char **env;		/* "K=V" */
	size_t nenv;
	char *cwd;
	uint64_t caps;		/* bounding = permitted = effective */
	uint64_t ambient;	/* inheritable = ambient */
	bool no_new_privs;
	struct run_mount *mounts;
	size_t nmounts;
	bool net_host;
	char *hostname;
	bool need_hosts;	/* the image has no /etc/hosts: one is bound */
	bool need_tmp;		/* the image has no /tmp: made, mode 1777 */
	int64_t memory_limit;	/* bytes, -1: none */
	int64_t cpu_quota;	/* microseconds per 100 ms period, -1: none */
	int64_t cpu_shares;	/* -1: none */
	bool has_oom_score;
	int oom_score_adj;
	struct syscall_filter seccomp;
	bool insecure_paths;	/* no masked or read-only kernel paths */
	struct run_hook pre_start, post_stop;
	struct run_isolator *isolators;
	size_t nisolators;
	char **warnings;	/* for stderr: empty volumes, defaults */
	size_t nwarnings;
};

void run_plan_free(struct run_plan *p);

/* The plan for one of its event handlers (argv, uid and gid 0, no
 * supplementary groups, appc's default capabilities, no seccomp, no
 * no-new-privileges): a shallow copy of p, valid while p is. */
struct run_plan run_plan_for_hook(const struct run_plan *p, const struct run_hook *h);

/* Every capability of the kernel that runs acitool (/proc's cap_last_cap),
 * at least up to CAP_CHECKPOINT_RESTORE. */
uint64_t run_kernel_caps(void);

/*
 * The plan for the manifest text (which must pass spec_check_manifest) and
 * the options, against the rootfs directory root. Fails with a message
 * naming the field for what the ACE must refuse: no app, an image with
 * dependencies (not supported yet), both capability set
 * kinds, unresolvable user, group or exec, a missing working directory, a
 * volume source that is missing or reached through a symlink, two mounts
 * on one target, ambient capabilities outside the bounding set, more than
 * one seccomp isolator, an unknown system call, errno or wildcard.
 */
int run_plan_make(const char *manifest, size_t len, int root, const struct run_options *o,
		  struct run_plan *p, struct act_err *err);
