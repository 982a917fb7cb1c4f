// SPDX-License-Identifier: Apache-2.0
/* File capability options shared by add-filecaps and patch-manifest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/image/capedit.h"
#include "tools/cmd.h"

void capedit_warnings(const struct act_cmd *cmd, const struct capedit *ce)
{
	for (size_t i = 0; i < ce->nwarnings; i++)
		fprintf(stderr, "acitool: %s: warning: %s\n", cmd->name, ce->warnings[i]);
}

int parse_rootid(const struct act_cmd *cmd, const char *arg, int64_t *rootid)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > UINT32_MAX)
		return cmd_usage(cmd, "--rootid: '%s' is not a uid (0 to 4294967295)", arg);
	*rootid = (int64_t)v;
	return 0;
}
