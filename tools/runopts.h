/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "common/image/deps.h"
#include "common/image/imagedir.h"
#include "common/run/runplan.h"
#include "tools/cmd.h"

/* The options run and bundle share (runopts.c). */
enum {
	OPT_RUN_EXEC = OPT_CMD_BASE,
	OPT_RUN_USER,
	OPT_RUN_GROUP,
	OPT_RUN_NAME,
	OPT_RUN_SET_ENV,
	OPT_RUN_CAPS_RETAIN,
	OPT_RUN_CAPS_REMOVE,
	OPT_RUN_CAPS_AMBIENT,
	OPT_RUN_VOLUME,
	OPT_RUN_NET,
	OPT_RUN_HOSTNAME,
	OPT_RUN_SECCOMP,
	OPT_RUN_INSECURE,
	OPT_RUN_MEMORY,
	OPT_RUN_CPU,
	OPT_RUN_CPU_SHARES,
	OPT_RUN_OOM_SCORE_ADJ,
	OPT_RUN_STRICT,
	OPT_RUN_VERBOSE,
	OPT_RUN_IMAGE_DIR,
	OPT_RUN_OWN_BASE, /* run's own options from here */
};

#define RUN_LONG_OPTIONS                                                       \
	{ "exec", required_argument, NULL, OPT_RUN_EXEC },                     \
	{ "user", required_argument, NULL, OPT_RUN_USER },                     \
	{ "group", required_argument, NULL, OPT_RUN_GROUP },                   \
	{ "name", required_argument, NULL, OPT_RUN_NAME },                     \
	{ "set-env", required_argument, NULL, OPT_RUN_SET_ENV },               \
	{ "caps-retain", required_argument, NULL, OPT_RUN_CAPS_RETAIN },       \
	{ "caps-remove", required_argument, NULL, OPT_RUN_CAPS_REMOVE },       \
	{ "caps-ambient", required_argument, NULL, OPT_RUN_CAPS_AMBIENT },     \
	{ "volume", required_argument, NULL, OPT_RUN_VOLUME },                 \
	{ "net", required_argument, NULL, OPT_RUN_NET },                       \
	{ "hostname", required_argument, NULL, OPT_RUN_HOSTNAME },             \
	{ "seccomp", required_argument, NULL, OPT_RUN_SECCOMP },               \
	{ "insecure-options", required_argument, NULL, OPT_RUN_INSECURE },     \
	{ "memory", required_argument, NULL, OPT_RUN_MEMORY },                 \
	{ "cpu", required_argument, NULL, OPT_RUN_CPU },                       \
	{ "cpu-shares", required_argument, NULL, OPT_RUN_CPU_SHARES },         \
	{ "oom-score-adj", required_argument, NULL, OPT_RUN_OOM_SCORE_ADJ },   \
	{ "strict", optional_argument, NULL, OPT_RUN_STRICT },                 \
	{ "verbose", optional_argument, NULL, OPT_RUN_VERBOSE },               \
	{ "image-dir", required_argument, NULL, OPT_RUN_IMAGE_DIR },           \
	{ "progress", no_argument, NULL, OPT_PROGRESS },                       \
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },                 \
	{ "help", no_argument, NULL, 'h' }

#define RUN_OPTIONS_HELP                                                       \
	"App options:\n"                                                       \
	"      --exec=PROGRAM       run PROGRAM instead of app.exec; ARGS after\n" \
	"                           IMAGE (or '--') are appended either way\n" \
	"      --user=USER          app.user instead: a name in the image's\n" \
	"                           /etc/passwd, a number, or a path whose owner\n" \
	"                           it is\n"                                   \
	"      --group=GROUP        app.group instead, resolved the same way\n" \
	"      --name=NAME          the app name (AC_APP_NAME); default: from the\n" \
	"                           image name\n"                              \
	"      --set-env=NAME=VALUE set an environment variable (repeatable)\n" \
	"      --caps-retain=CAPS   exactly these capabilities (comma-separated),\n" \
	"                           whatever the image's isolators say\n"      \
	"      --caps-remove=CAPS   appc's default set less these, likewise\n" \
	"      --caps-ambient=CAPS  also make these ambient (and inheritable), so\n" \
	"                           a non-root app has them without file\n"   \
	"                           capabilities; each must be in the app's set\n" \
	"      --volume=VOLUME      what a mount point gets (repeatable), rkt's\n" \
	"                           way: NAME,kind=host,source=PATH, then\n" \
	"                           ,readOnly=BOOL or ,recursive=BOOL if need\n" \
	"                           be; or NAME,kind=empty\n"                  \
	"      --net=host|default   share the host's network, or have a private\n" \
	"                           one with loopback up (default)\n"          \
	"      --hostname=NAME      default: acitool- and 8 hex digits\n"     \
	"      --seccomp=FILTER     replaces the image's seccomp isolator: off, or\n" \
	"                           mode=retain|remove[,errno=ENAME],SYSCALL,...\n" \
	"                           (names and @rkt/, @docker/, @appc.io/\n" \
	"                           wildcards); without either, Docker's\n"   \
	"                           blacklist fails with EPERM\n"              \
	"      --insecure-options=LIST  rkt's: paths (no masked kernel paths),\n" \
	"                           capabilities (all of them), seccomp (no\n" \
	"                           filter), all-run (the three)\n"          \
	"      --memory=QUANTITY    memory limit (512Mi, 1G...), over the image's\n" \
	"      --cpu=QUANTITY       CPU limit in cores (500m, 2), likewise\n" \
	"      --cpu-shares=N       CPU shares, 2 to 262144, likewise\n"     \
	"      --oom-score-adj=N    -1000 to 1000, likewise\n"               \
	"      --strict             refuse an image with an isolator acitool\n" \
	"                           cannot enforce\n"                          \
	"      --verbose            say what became of every isolator\n"       \
	"      --image-dir=DIR      where the image's dependencies are found\n" \
	"                           (default: IMAGE's directory); the image is\n" \
	"                           rendered with them, as 'acitool render' does\n" \
	"      --progress, --no-progress  show progress on stderr (default: when\n" \
	"                           stderr is a terminal)\n"

#define RUNOPTS_INIT { .progress = -1 }

struct runopts {
	struct run_options o;
	bool strict, verbose;
	const char *image_dir;
	/* The image's dependencies, when it has any (runopts_deps). */
	struct imagedir dir;
	struct imagedir_image top;
	struct dep_list deps;
	bool have_deps;
	int progress;
	char idbuf[33];
	char *seccomp_buf;
};

/* 1: opt was one of RUN_LONG_OPTIONS, handled; 0: not one; -1: a usage
 * error, printed. */
int runopts_parse(const struct act_cmd *cmd, struct runopts *ro, int opt, const char *arg);
/* When IMAGE has dependencies: find them (ro->deps, ro->have_deps) for
 * bundle_options.deps. 0, or -1 with err set. */
int runopts_deps(struct runopts *ro, const char *image, struct act_err *err);
/* A random run id in ro->o.id. */
void runopts_new_id(struct runopts *ro);
void runopts_free(struct runopts *ro);

/* The plan's warnings and isolator report on stderr: ignored isolators
 * always, the others with --verbose. Under --strict an ignored isolator is
 * an error: returns -1 (printed). */
int runopts_report(const struct act_cmd *cmd, const struct runopts *ro,
		   const struct run_plan *p);
