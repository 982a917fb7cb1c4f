// SPDX-License-Identifier: Apache-2.0
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/io/source.h"
#include "common/fs/unpack.h"
#include "tools/cmd.h"
#include "tools/progress.h"

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct unpack_options uo = { .owners = geteuid() == 0 };
	struct unpack_result res;
	struct act_err err = { 0 };
	struct progress prog;
	struct source *src;
	int c, rc, progress = -1, r;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0)
		progress = c == OPT_PROGRESS;
	if (c == CMD_OPT_EXIT)
		return rc; /* --help (0) or a bad option (2) */
	if (argc - optind != 2)
		return cmd_usage(cmd, argc - optind < 2 ? "missing IMAGE or DIR" : "too many arguments");
	src = source_open(argv[optind], &err);
	if (!src)
		return cmd_fail(cmd, &err);
	progress_init(&prog, progress,
		      S_ISREG(source_stat(src)->st_mode) ? (uint64_t)source_stat(src)->st_size : 0);
	uo.progress = progress_update;
	uo.progress_ctx = &prog;
	r = unpack_image(src, argv[optind + 1], &uo, &res, &err);
	progress_done(&prog, r == 0);
	source_free(src);
	if (r < 0)
		return cmd_fail(cmd, &err);
	if (!uo.owners) {
		fprintf(stderr, "acitool: %s: warning: not root: owners not restored", cmd->name);
		if (res.xattrs_skipped)
			fprintf(stderr, "; %" PRIu64 " security.* or trusted.* xattrs skipped",
				res.xattrs_skipped);
		if (res.devices_skipped)
			fprintf(stderr, "; %" PRIu64 " device nodes skipped", res.devices_skipped);
		fputc('\n', stderr);
	}
	return EXIT_OK;
}

const struct act_cmd act_cmd_extract = {
	.name = "extract",
	.run = run,
	.summary = "Extract an image to a layout directory",
	.synopsis = "[options] IMAGE DIR",
	.help = "Extract IMAGE ('-' for standard input) to DIR as a layout directory\n"
		"(manifest and rootfs/) that 'acitool build' takes back. DIR must not\n"
		"exist, or be an empty directory; on any error it is left as it was.\n"
		"The image is checked as every verb checks it; entries that would land\n"
		"outside DIR (absolute, with '..', or through a symlink) are refused.\n"
		"Owners, modes, xattrs (in that order: chown clears file capabilities),\n"
		"ACLs and times are restored. As non-root, owners are not restored, nor\n"
		"security.* and trusted.* xattrs, device nodes are skipped, and set-id\n"
		"bits are dropped from files whose owner is not restored; a warning says\n"
		"so.\n"
		"\n"
		"Options:\n"
		"      --progress, --no-progress  show progress on stderr (default: when\n"
		"                           stderr is a terminal)\n"
		"  -h, --help               show this help\n",
};
