// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs/builder.h"
#include "common/io/imageid.h"
#include "common/base/macro.h"
#include "tools/cmd.h"
#include "tools/progress.h"

enum {
	OPT_OWNER_ROOT = OPT_CMD_BASE,
	OPT_MTIME,
	OPT_CLAMP_MTIME,
	OPT_FORCE,
};

static void warn(void *ctx, const char *msg)
{
	const struct act_cmd *cmd = ctx;

	fprintf(stderr, "acitool: %s: warning: %s\n", cmd->name, msg);
}

struct build_job {
	struct build_options *bo;
	const char *dir;
};

static int fill(void *ctx, struct sink *out, const struct outfile *of, struct progress *prog,
		struct act_err *err)
{
	struct build_job *j = ctx;
	struct stat st;

	/* OUTPUT inside DIR must not be read into itself. */
	if (fstat(of->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		j->bo->have_output = true;
		j->bo->out_dev = st.st_dev;
		j->bo->out_ino = st.st_ino;
	}
	j->bo->progress = progress_update;
	j->bo->progress_ctx = prog;
	return build_image(j->dir, out, j->bo, err);
}

static int build(const struct act_cmd *cmd, const struct write_opts *w,
		 struct build_options *bo, const char *dir, const char *outpath)
{
	struct build_job j = { bo, dir };

	return write_new_image(cmd, w, outpath, dir, fill, &j);
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "owner-root", optional_argument, NULL, OPT_OWNER_ROOT },
		{ "mtime", required_argument, NULL, OPT_MTIME },
		{ "clamp-mtime", optional_argument, NULL, OPT_CLAMP_MTIME },
		{ "force", optional_argument, NULL, OPT_FORCE },
		WRITE_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct build_options bo = { .warn = warn, .warn_ctx = (void *)cmd };
	struct write_opts w = WRITE_OPTS_INIT;
	const char *sde;
	int c, rc, r = 0;

	w.report = DRY_LIST; /* what build --dry-run prints */

	while (r == 0 && (c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		switch (c) {
		case OPT_OWNER_ROOT:
			if (cmd_parse_bool(cmd, "owner-root", optarg, &bo.owner_root) < 0)
				r = EXIT_USAGE;
			break;
		case OPT_MTIME:
			/* GNU tar's --mtime=@EPOCH, which Makefiles pass to both. */
			if (cmd_parse_epoch(optarg + (optarg[0] == '@'), &bo.mtime) < 0)
				r = cmd_usage(cmd, "--mtime: '%s' is not a number of seconds since "
						   "the epoch", optarg);
			bo.set_mtime = true;
			break;
		case OPT_CLAMP_MTIME:
			if (cmd_parse_bool(cmd, "clamp-mtime", optarg, &bo.clamp_mtime) < 0)
				r = EXIT_USAGE;
			break;
		case OPT_FORCE:
			if (cmd_parse_bool(cmd, "force", optarg, &bo.force) < 0)
				r = EXIT_USAGE;
			break;
		default:
			if (write_opts_parse(cmd, &w, c, optarg) < 0)
				r = EXIT_USAGE;
		}
	}
	if (r == 0 && c == CMD_OPT_EXIT)
		return rc; /* --help (0) or a bad option (2) */
	if (r)
		return r;
	if (argc - optind != 2 && !(w.dry_run && argc - optind == 1))
		return cmd_usage(cmd, argc - optind < 2 ? "missing DIR or OUTPUT" : "too many arguments");
	if (bo.clamp_mtime && !bo.set_mtime)
		return cmd_usage(cmd, "--clamp-mtime goes with --mtime");
	/* reproducible-builds.org: clamp to SOURCE_DATE_EPOCH. */
	sde = getenv("SOURCE_DATE_EPOCH");
	if (!bo.set_mtime && sde && *sde) {
		if (cmd_parse_epoch(sde, &bo.mtime) < 0)
			return cmd_usage(cmd, "SOURCE_DATE_EPOCH: '%s' is not a number of seconds "
					      "since the epoch", sde);
		bo.set_mtime = bo.clamp_mtime = true;
	}
	return build(cmd, &w, &bo, argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL);
}

const struct act_cmd act_cmd_build = {
	.name = "build",
	.run = run,
	.summary = "Make an image from a layout directory",
	.synopsis = "[options] DIR OUTPUT",
	.help = "Write DIR, a layout directory holding only manifest and rootfs/, as the\n"
		"image OUTPUT ('-' for standard output). The manifest is checked first and\n"
		"stored first, as it is; then rootfs and its tree, a directory before its\n"
		"content, names sorted bytewise. Every extended attribute is kept\n"
		"(security.capability included), hardlinks are stored as such, owners as\n"
		"numbers. The same tree gives the same bytes. OUTPUT is gzip unless\n"
		"--compression says otherwise.\n"
		"\n"
		"Build options:\n"
		"      --owner-root         store every owner as uid 0, gid 0\n"
		"      --mtime=EPOCH        set every modification time to EPOCH (seconds;\n"
		"                           @EPOCH too, as GNU tar takes it)\n"
		"      --clamp-mtime        with --mtime, change only times newer than EPOCH\n"
		"  With no --mtime, SOURCE_DATE_EPOCH in the environment clamps times.\n"
		"      --force              write a manifest that breaks a rule of the spec\n"
		"                           (as actool does), each problem a warning; it\n"
		"                           must still be a readable image manifest\n"
		"\n"
		"Output options:\n" NEW_IMAGE_OPTIONS_HELP("build")
		"  -h, --help               show this help\n",
};
