// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/fs/rmtree.h"
#include "common/io/source.h"
#include "common/run/bundle.h"
#include "common/run/runc.h"
#include "tools/cmd.h"
#include "tools/progress.h"
#include "tools/runcache.h"
#include "tools/runopts.h"

/* acitool's own failures: what no app is likely to return (podman's). */
#define EXIT_RUN_FAIL 125

enum { OPT_STOP_TIMEOUT = OPT_RUN_OWN_BASE, OPT_CACHE_DIR, OPT_NO_CACHE };


static int fail(const struct act_cmd *cmd, const struct act_err *err)
{
	fprintf(stderr, "acitool: %s: %s\n", cmd->name, err->msg);
	return EXIT_RUN_FAIL;
}

/* A signal that came while the bundle was made: clean up, then die of it. */
static void die_if_signalled(const char *tmp, struct bundle *b)
{
	sigset_t pending;

	sigpending(&pending);
	for (size_t i = 1; i < ARRAY_SIZE(runc_signals); i++) {
		int sig = runc_signals[i];

		if (!sigismember(&pending, sig))
			continue;
		bundle_release(tmp, b);
		rmtree(AT_FDCWD, tmp, 1);
		signal(sig, SIG_DFL);
		sigprocmask(SIG_SETMASK, &(sigset_t){ 0 }, NULL);
		raise(sig);
		_exit(128 + sig);
	}
}

/* An event handler's container (bundle DIR/hooks/NAME): its status, or
 * -1 after printing why runc could not run it. */
static int run_hook(const struct act_cmd *cmd, const char *runc, const char *dir,
		    const char *runid, const char *name, unsigned stop_timeout)
{
	_cleanup_free_ char *bundle = xasprintf("%s/hooks/%s", dir, name);
	_cleanup_free_ char *id = xasprintf("acitool-%s-%s", runid, name);
	struct act_err err = { 0 };
	int forwarded, r = runc_run(runc, bundle, id, stop_timeout, &forwarded, &err);

	if (r < 0) {
		fprintf(stderr, "acitool: %s: %s handler: %s\n", cmd->name, name, err.msg);
		return -1;
	}
	return r;
}

static int run_bundle(const struct act_cmd *cmd, struct runopts *ro, const char *image,
		      const char *tmp, unsigned stop_timeout, const char *cache)
{
	struct bundle_options bo = { .owners = true, .cache = cache };
	struct act_err err = { 0 };
	struct bundle b;
	struct progress prog;
	struct source *src;
	const char *runc;
	char id[64];
	int r, forwarded;
	bool pre, post;

	if (runc_find(&runc, &err) < 0 || runopts_deps(ro, image, &err) < 0)
		return fail(cmd, &err);
	if (ro->have_deps)
		bo.deps = &ro->deps;
	src = source_open(image, &err);
	if (!src)
		return fail(cmd, &err);
	progress_init(&prog, ro->progress,
		      S_ISREG(source_stat(src)->st_mode) ? (uint64_t)source_stat(src)->st_size : 0);
	bo.progress = progress_update;
	bo.progress_ctx = &prog;
	r = bundle_make(src, tmp, &bo, &ro->o, &b, &err);
	progress_done(&prog, r == 0);
	source_free(src);
	if (r == 0 && ro->verbose && cache) {
		static const char *const how[] = {
			[ROOTCACHE_EXTRACTED] = "extracted into the cache",
			[ROOTCACHE_FOUND_BY_ID] = "cached (found by its image ID)",
			[ROOTCACHE_FOUND_BY_FILE] = "cached (found by the file, unread)",
		};

		if (b.mounted)
			fprintf(stderr, "acitool: %s: rootfs: %s, as an overlay: %s\n", cmd->name,
				how[b.how], b.entry.dir);
		else
			fprintf(stderr, "acitool: %s: rootfs: extracted afresh (%s)\n", cmd->name,
				b.why_not);
	}
	die_if_signalled(tmp, &b);
	if (r < 0)
		return fail(cmd, &err);
	if (runopts_report(cmd, ro, &b.plan) < 0) {
		run_plan_free(&b.plan);
		bundle_release(tmp, &b);
		return EXIT_RUN_FAIL;
	}
	pre = b.plan.pre_start.argv != NULL;
	post = b.plan.post_stop.argv != NULL;
	run_plan_free(&b.plan);
	/* The spec's order: pre-start must end well before the app starts;
	 * post-stop runs once the app has ended, or pre-start failed. */
	r = pre ? run_hook(cmd, runc, tmp, ro->o.id, "pre-start", stop_timeout) : 0;
	if (r == 0) {
		snprintf(id, sizeof(id), "acitool-%s", ro->o.id);
		r = runc_run(runc, tmp, id, stop_timeout, &forwarded, &err);
		if (r < 0)
			r = fail(cmd, &err);
	} else if (r > 0) {
		fprintf(stderr, "acitool: %s: pre-start handler: exit status %d: the app was not "
				"started\n",
			cmd->name, r);
	} else {
		r = EXIT_RUN_FAIL;
	}
	if (post && run_hook(cmd, runc, tmp, ro->o.id, "post-stop", stop_timeout) != 0)
		fprintf(stderr, "acitool: %s: warning: the post-stop handler failed\n", cmd->name);
	bundle_release(tmp, &b);
	return r;
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		RUN_LONG_OPTIONS,
		{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "no-cache", optional_argument, NULL, OPT_NO_CACHE },
		{ 0 },
	};
	struct runopts ro = RUNOPTS_INIT;
	const char *tmpdir = getenv("TMPDIR");
	unsigned long stop_timeout = 10;
	const char *cache = run_cache_dir();
	bool no_cache = false;
	_cleanup_free_ char *tmp = NULL;
	sigset_t block, old;
	int c, rc = EXIT_USAGE, r;
	char *end;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		if (c == OPT_STOP_TIMEOUT) {
			errno = 0;
			stop_timeout = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-' || stop_timeout > 86400) {
				rc = cmd_usage(cmd, "--stop-timeout '%s': seconds, 0 to 86400", optarg);
				goto out;
			}
		} else if (c == OPT_CACHE_DIR) {
			if (!*optarg) {
				rc = cmd_usage(cmd, "--cache-dir: empty");
				goto out;
			}
			cache = optarg;
		} else if (c == OPT_NO_CACHE) {
			if (cmd_parse_bool(cmd, "no-cache", optarg, &no_cache) < 0) {
				rc = EXIT_USAGE;
				goto out;
			}
		} else if (runopts_parse(cmd, &ro, c, optarg) != 1) {
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (c == CMD_OPT_EXIT)
		goto out; /* --help (0) or a bad option (2) */
	if (argc - optind < 1) {
		rc = cmd_usage(cmd, "missing IMAGE");
		goto out;
	}
	ro.o.args = argv + optind + 1;
	ro.o.nargs = (size_t)(argc - optind - 1);
	if (geteuid() != 0) {
		fprintf(stderr, "acitool: %s: needs root: runc runs the app in namespaces only "
				"root can make\n",
			cmd->name);
		rc = EXIT_RUN_FAIL;
		goto out;
	}
	runopts_new_id(&ro);
	runc_sigset(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	tmp = xasprintf("%s/acitool-run.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/var/tmp");
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "acitool: %s: %s: %s\n", cmd->name, tmp, strerror(errno));
		rc = EXIT_RUN_FAIL;
	} else {
		rc = run_bundle(cmd, &ro, argv[optind], tmp, (unsigned)stop_timeout,
				no_cache ? NULL : cache);
		r = rmtree(AT_FDCWD, tmp, 1);
		if (r < 0 && errno != ENOENT)
			fprintf(stderr, "acitool: %s: warning: %s not removed: %s\n", cmd->name, tmp,
				strerror(errno));
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	runopts_free(&ro);
	return rc;
}

const struct act_cmd act_cmd_run = {
	.name = "run",
	.run = run,
	.summary = "Run an image's app in a container, with runc",
	.synopsis = "[options] IMAGE [--] [ARGS...]",
	.help = "Run the app of IMAGE as appc's App Container Executor spec says, the\n"
		"way rkt did: capabilities from the capability isolators (appc's default\n"
		"set without one) as bounding, permitted and effective sets, inheritable\n"
		"and ambient empty; no-new-privileges from its isolator; user, group and\n"
		"exec resolved inside the image; the app's environment, PATH, AC_APP_NAME\n"
		"and container=acitool; a private network with loopback up. Every run\n"
		"starts from a clean rootfs: an overlay on the image rendered once into\n"
		"the cache, with a fresh upper layer removed when the app ends (or, where\n"
		"overlays cannot be mounted, a fresh extraction). ARGS are appended to\n"
		"app.exec. Needs root and runc.\n"
		"\n"
		"An isolator acitool cannot enforce is named on stderr (--strict refuses\n"
		"to run); SIGINT, SIGTERM, SIGHUP and SIGQUIT are passed to the app, which\n"
		"gets SIGKILL --stop-timeout seconds after the first. Exit status: the\n"
		"app's (or a failed pre-start handler's), 128+N when signal N ended it,\n"
		"125 when acitool or runc failed, 2 for a usage error.\n"
		"\n" RUN_OPTIONS_HELP
		"      --stop-timeout=SECS  after a forwarded signal, SIGKILL the app this\n"
		"                           many seconds later (default 10)\n"
		"      --cache-dir=DIR      keep rendered images there (default:\n"
		"                           $ACITOOL_CACHE_DIR, else /var/cache/acitool);\n"
		"                           each run mounts its image as the lower layer\n"
		"                           of an overlay\n"
		"      --no-cache           extract the image afresh for this run\n"
		"  -h, --help               show this help\n",
};
