// SPDX-License-Identifier: Apache-2.0
#include "tools/cmd.h"

/* add-filecaps --remove under a name that says what it does. */
static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	return filecaps_run(cmd, argc, argv, true);
}

const struct act_cmd act_cmd_remove_filecaps = {
	.name = "remove-filecaps",
	.run = run,
	.summary = "Take file capabilities off files in an image",
	.synopsis = "[options] IMAGE OUTPUT PATH...\n"
		    "   or: acitool remove-filecaps [options] --replace IMAGE PATH...",
	.help = "Remove the security.capability xattr of each PATH inside the image's\n"
		"rootfs, straight in the tar stream, as 'setcap -r' does on disk; the same\n"
		"as 'acitool add-filecaps --remove'. PATH names a regular file in rootfs\n"
		"(/bin/ping, bin/ping and rootfs/bin/ping are the same file); one without\n"
		"file capabilities is not an error. Every other entry, and every other\n"
		"xattr, is copied as it was.\n"
		"\n" WRITE_OPTIONS_HELP "  -h, --help               show this help\n",
};
