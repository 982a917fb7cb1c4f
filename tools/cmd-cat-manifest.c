// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/image/aci.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/manifest/manifest.h"
#include "tools/cmd.h"

enum { OPT_PRETTY = OPT_CMD_BASE, OPT_MAX_SIZE };

/* BYTES, or with a K, M or G suffix (powers of 1024); at least 1. */
static int parse_max_size(const struct act_cmd *cmd, const char *arg, size_t *max)
{
	unsigned long long v, mult = 1;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end == 'K' || *end == 'k')
		mult = 1ULL << 10;
	else if (*end == 'M')
		mult = 1ULL << 20;
	else if (*end == 'G')
		mult = 1ULL << 30;
	if (mult > 1)
		end++;
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || errno || v == 0 ||
	    v > SIZE_MAX / mult) {
		cmd_usage(cmd, "--max-size: '%s' is not a size in bytes (K, M or G may follow)",
			  arg);
		return -1;
	}
	*max = v * mult;
	return 0;
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pretty-print", optional_argument, NULL, OPT_PRETTY },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct act_err err = { 0 };
	struct source *src;
	char *text = NULL, *pretty = NULL;
	size_t len = 0, plen = 0;
	size_t max = ACI_MANIFEST_MAX;
	bool pp = false;
	int rc, r, c;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		if (c == OPT_PRETTY && cmd_parse_bool(cmd, "pretty-print", optarg, &pp) < 0)
			return EXIT_USAGE;
		if (c == OPT_MAX_SIZE && parse_max_size(cmd, optarg, &max) < 0)
			return EXIT_USAGE;
	}
	if (c == CMD_OPT_EXIT)
		return rc;
	if (argc - optind != 1)
		return cmd_usage(cmd, argc - optind < 1 ? "missing IMAGE" : "too many arguments");

	src = source_open(argv[optind], &err);
	if (!src)
		return cmd_fail(cmd, &err);
	r = aci_read_manifest(src, max, &text, &len, &err);
	source_free(src);
	if (r < 0) {
		struct act_err hint = { 0 };

		if (err.code != EFBIG)
			return cmd_fail(cmd, &err);
		act_err_set(&hint, EFBIG, "%s (--max-size raises it)", err.msg);
		return cmd_fail(cmd, &hint);
	}
	if (!pp) {
		/* The bytes as stored, even when broken: the user may want to see
		 * them. The exit status still says whether they are a manifest. */
		fwrite(text, 1, len, stdout);
		if (len == 0 || text[len - 1] != '\n')
			putchar('\n');
	}
	r = manifest_check(text, len, &err);
	if (r == 0 && pp) {
		pretty = json_pretty(text, len, &plen, &err);
		if (pretty)
			fwrite(pretty, 1, plen, stdout);
		else
			r = -1;
	}
	free(text);
	free(pretty);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "acitool: %s: (stdout): write error\n", cmd->name);
		return EXIT_FAIL;
	}
	if (r < 0) {
		act_err_wrap(&err, "%s: invalid manifest", argv[optind]);
		return cmd_fail(cmd, &err);
	}
	return EXIT_OK;
}

const struct act_cmd act_cmd_cat_manifest = {
	.name = "cat-manifest",
	.run = run,
	.summary = "Print an image's manifest",
	.synopsis = "[--pretty-print] [--max-size=BYTES] IMAGE",
	.help = "Print the manifest as stored in IMAGE ('-' reads standard input), followed\n"
		"by a newline when it does not end in one. The image is read only up to\n"
		"the manifest. Exit status 1 if the manifest is not a readable image\n"
		"manifest (it is printed all the same); 'acitool validate' checks all of\n"
		"the spec's rules.\n"
		"\n"
		"Options:\n"
		"      --pretty-print       indent 4 spaces, keeping key order and values\n"
		"      --max-size=BYTES     print a manifest up to BYTES long (K, M or G may\n"
		"                           follow); default 1M, the limit of every other verb\n"
		"  -h, --help               show this help\n",
};
