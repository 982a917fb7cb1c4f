// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>

#include "common/caps/capname.h"
#include "tools/cmd.h"

enum { OPT_DEFAULT_SET = OPT_CMD_BASE };

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "default-set", optional_argument, NULL, OPT_DEFAULT_SET },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool default_set = false;
	bool *const vals[] = { &default_set };
	uint64_t set;
	int c, rc;

	if (cmd_bool_options(cmd, argc, argv, longopts, vals, &rc) == CMD_OPT_EXIT)
		return rc;
	if (argc - optind > 0)
		return cmd_usage(cmd, "too many arguments");
	set = default_set ? capname_default_set() : ~UINT64_C(0);
	for (c = 0; c < ACT_CAP_COUNT; c++)
		if (set & (UINT64_C(1) << c))
			puts(capname_name(c));
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "acitool: %s: (stdout): write error\n", cmd->name);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

const struct act_cmd act_cmd_capabilities = {
	.name = "capabilities",
	.run = run,
	.summary = "List the capability names acitool knows",
	.synopsis = "[--default-set]",
	.help = "Print the Linux capability names that --capability and --revoke-capability\n"
		"accept, one a line, in the kernel's bit order (CAP_CHOWN is 0). The list\n"
		"is built into acitool: it does not depend on the running kernel. Names\n"
		"are also accepted in lower case and without the CAP_ prefix; libcap's\n"
		"text form, as add-filecaps takes it, spells them cap_net_raw.\n"
		"\n"
		"Options:\n"
		"      --default-set        only appc's default set: the bounding set of an\n"
		"                           app with no capability isolator\n"
		"  -h, --help               show this help\n",
};
