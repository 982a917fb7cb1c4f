// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/io/source.h"
#include "common/run/bundle.h"
#include "tools/cmd.h"
#include "tools/progress.h"
#include "tools/runopts.h"

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = { RUN_LONG_OPTIONS, { 0 } };
	struct runopts ro = RUNOPTS_INIT;
	struct bundle_options bo = { .owners = geteuid() == 0 };
	struct act_err err = { 0 };
	struct bundle b;
	struct progress prog;
	struct source *src;
	int c, rc = EXIT_USAGE, r;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0)
		if (runopts_parse(cmd, &ro, c, optarg) != 1) {
			rc = EXIT_USAGE;
			goto out;
		}
	if (c == CMD_OPT_EXIT)
		goto out; /* --help (0) or a bad option (2) */
	if (argc - optind < 2) {
		rc = cmd_usage(cmd, "missing IMAGE or DIR");
		goto out;
	}
	ro.o.args = argv + optind + 2;
	ro.o.nargs = (size_t)(argc - optind - 2);
	runopts_new_id(&ro);
	if (runopts_deps(&ro, argv[optind], &err) < 0) {
		rc = cmd_fail(cmd, &err);
		goto out;
	}
	if (ro.have_deps)
		bo.deps = &ro.deps;
	src = source_open(argv[optind], &err);
	if (!src) {
		rc = cmd_fail(cmd, &err);
		goto out;
	}
	progress_init(&prog, ro.progress,
		      S_ISREG(source_stat(src)->st_mode) ? (uint64_t)source_stat(src)->st_size : 0);
	bo.progress = progress_update;
	bo.progress_ctx = &prog;
	r = bundle_make(src, argv[optind + 1], &bo, &ro.o, &b, &err);
	progress_done(&prog, r == 0);
	source_free(src);
	if (r < 0) {
		rc = cmd_fail(cmd, &err);
		goto out;
	}
	rc = runopts_report(cmd, &ro, &b.plan) < 0 ? EXIT_FAIL : EXIT_OK;
	if (!bo.owners)
		fprintf(stderr, "acitool: %s: warning: not root: owners not restored\n", cmd->name);
	run_plan_free(&b.plan);
	bundle_release(argv[optind + 1], &b);
out:
	runopts_free(&ro);
	return rc;
}

const struct act_cmd act_cmd_bundle = {
	.name = "bundle",
	.run = run,
	.summary = "Make an OCI bundle for runc from an image",
	.synopsis = "[options] IMAGE DIR [--] [ARGS...]",
	.help = "Extract IMAGE into DIR/rootfs and write DIR/config.json, an OCI runtime\n"
		"config that runs the app as 'acitool run' would: 'runc run --bundle DIR\n"
		"ID' starts it. DIR must not exist, or be empty; on any error it is left\n"
		"as it was. DIR also gets the image's manifest, a hosts file when the\n"
		"image has no /etc/hosts, and volumes/N for mount points without a host\n"
		"volume. The options are those of 'acitool run'.\n"
		"\n" RUN_OPTIONS_HELP "  -h, --help               show this help\n",
};
