// SPDX-License-Identifier: Apache-2.0
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/run/rootcache.h"
#include "tools/cmd.h"
#include "tools/runcache.h"

enum { OPT_CACHE_DIR = OPT_CMD_BASE };

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cache = run_cache_dir();
	struct act_err err = { 0 };
	uint64_t removed, busy;
	int c, rc;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		if (!*optarg)
			return cmd_usage(cmd, "--cache-dir: empty");
		cache = optarg;
	}
	if (c == CMD_OPT_EXIT)
		return rc; /* --help (0) or a bad option (2) */
	if (argc - optind != 1)
		return cmd_usage(cmd, argc - optind < 1 ? "missing ACTION" : "too many arguments");
	if (!streq(argv[optind], "prune"))
		return cmd_usage(cmd, "unknown action '%s' (known: prune)", argv[optind]);
	if (rootcache_prune(cache, &removed, &busy, &err) < 0)
		return cmd_fail(cmd, &err);
	printf("%" PRIu64 " removed, %" PRIu64 " in use\n", removed, busy);
	return cmd_flush_stdout(cmd);
}

const struct act_cmd act_cmd_cache = {
	.name = "cache",
	.run = run,
	.summary = "Prune the rootfs cache of 'acitool run'",
	.synopsis = "prune [--cache-dir=DIR]",
	.help = "'prune' removes every image 'acitool run' rendered into its cache\n"
		"that no run is using, and prints how many it removed and how many are\n"
		"in use. Runs render an image again when they next need it.\n"
		"\n"
		"Options:\n"
		"      --cache-dir=DIR      the cache (default: $ACITOOL_CACHE_DIR, else\n"
		"                           /var/cache/acitool)\n"
		"  -h, --help               show this help\n",
};
