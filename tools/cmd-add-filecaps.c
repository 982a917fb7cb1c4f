// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/image/capedit.h"
#include "tools/cmd.h"
#include "tools/rootopts.h"

enum { OPT_REMOVE = OPT_CMD_BASE, OPT_ROOTID, OPT_DROP_ROOTID, OPT_FORCE };

int filecaps_run(const struct act_cmd *cmd, int argc, char **argv, bool remove_verb)
{
	static const struct option add_longopts[] = {
		{ "remove", optional_argument, NULL, OPT_REMOVE },
		{ "rootid", required_argument, NULL, OPT_ROOTID },
		{ "drop-rootid", optional_argument, NULL, OPT_DROP_ROOTID },
		{ "force", optional_argument, NULL, OPT_FORCE },
		WRITE_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* remove-filecaps: --remove is the verb; rootid and force mean nothing. */
	static const struct option remove_longopts[] = {
		WRITE_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct option *longopts = remove_verb ? remove_longopts : add_longopts;
	struct write_opts w = WRITE_OPTS_INIT;
	struct capedit ce = { 0 };
	struct edit_hooks hooks = { .ce = &ce };
	struct aci_edit edit = { 0 };
	struct act_err err = { 0 };
	bool remove = remove_verb;
	int64_t rootid = -1;
	int c, rc, r, nimg, i;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		switch (c) {
		case OPT_REMOVE:
			if (cmd_parse_bool(cmd, "remove", optarg, &remove) < 0)
				return EXIT_USAGE;
			break;
		case OPT_ROOTID:
			if (parse_rootid(cmd, optarg, &rootid))
				return EXIT_USAGE;
			break;
		case OPT_DROP_ROOTID:
			if (cmd_parse_bool(cmd, "drop-rootid", optarg, &ce.drop_rootid) < 0)
				return EXIT_USAGE;
			break;
		case OPT_FORCE:
			if (cmd_parse_bool(cmd, "force", optarg, &ce.force) < 0)
				return EXIT_USAGE;
			break;
		default:
			if (write_opts_parse(cmd, &w, c, optarg) < 0)
				return EXIT_USAGE;
		}
	}
	if (c == CMD_OPT_EXIT)
		return rc;
	argc -= optind;
	argv += optind;
	nimg = w.replace ? 1 : 2;
	if (argc < nimg)
		return cmd_usage(cmd, w.replace ? "missing IMAGE" : "missing IMAGE or OUTPUT");
	if (remove && rootid >= 0)
		return cmd_usage(cmd, "--rootid has no meaning with --remove");
	if (remove && ce.force)
		return cmd_usage(cmd, "--force has no meaning with --remove");
	if (argc == nimg && !ce.drop_rootid)
		return cmd_usage(cmd, remove ? "missing PATH" : "missing PATH and CAPS");
	if (!remove && (argc - nimg) % 2)
		return cmd_usage(cmd, "'%s' has no CAPS after it", argv[argc - 1]);
	for (i = nimg; i < argc; i += remove ? 1 : 2) {
		if (capedit_add(&ce, argv[i], remove ? NULL : argv[i + 1], rootid, &err) < 0) {
			capedit_done(&ce);
			return cmd_usage(cmd, "%s", err.msg);
		}
	}
	edit_hooks_set(&edit, &hooks);
	r = write_image(cmd, &w, nimg, argv, &edit);
	if (r == EXIT_OK)
		capedit_warnings(cmd, &ce);
	capedit_done(&ce);
	return r;
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	return filecaps_run(cmd, argc, argv, false);
}

const struct act_cmd act_cmd_add_filecaps = {
	.name = "add-filecaps",
	.run = run,
	.summary = "Give files in an image Linux file capabilities",
	.synopsis = "[options] IMAGE OUTPUT PATH CAPS [PATH CAPS]...\n"
		    "   or: acitool add-filecaps [options] --replace IMAGE PATH CAPS [PATH CAPS]...\n"
		    "   or: acitool add-filecaps --remove [options] IMAGE OUTPUT PATH...\n"
		    "   or: acitool add-filecaps --drop-rootid [options] IMAGE OUTPUT",
	.help = "Set the security.capability xattr of files inside the image's rootfs, as\n"
		"setcap does on disk, straight in the tar stream: no extraction, no root.\n"
		"Every other entry, and every other xattr, is copied as it was.\n"
		"\n"
		"PATH names a regular file in rootfs: /bin/ping, bin/ping and rootfs/bin/ping\n"
		"are the same file. A hardlink's capabilities go on the entry that holds\n"
		"the data. CAPS is libcap's text form: cap_net_raw+ep, cap_net_raw=ep,\n"
		"'cap_net_raw+ep cap_kill+eip'; the effective flag is all or nothing, as\n"
		"for setcap. '=' sets the empty set, which differs from --remove. A warning\n"
		"is printed when a capability lies outside the app's bounding set (the\n"
		"manifest's retain set, or the default set less the remove set). With the\n"
		"effective flag, such a file cannot be executed at all (EPERM): that is an\n"
		"error unless --force.\n"
		"\n"
		"Options:\n"
		"      --remove             remove the capabilities of each PATH, as\n"
		"                           'acitool remove-filecaps' does\n"
		"      --rootid=UID         write revision 3 values bound to this root uid\n"
		"      --drop-rootid        rewrite every revision 3 value in the image as\n"
		"                           revision 2 (caps made in a user namespace)\n"
		"      --force              write capabilities the kernel would refuse to\n"
		"                           execute, with a warning\n"
		"\n" WRITE_OPTIONS_HELP "  -h, --help               show this help\n",
};
