// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <stdlib.h>

#include "common/image/aci.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/manifest/manifest.h"
#include "tools/cmd.h"

enum { OPT_PRETTY = OPT_CMD_BASE };

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pretty-print", optional_argument, NULL, OPT_PRETTY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct act_err err = { 0 };
	struct source *src;
	char *text = NULL, *pretty = NULL;
	size_t len = 0, plen = 0;
	bool pp = false;
	bool *const vals[] = { &pp };
	int rc, r;

	if (cmd_bool_options(cmd, argc, argv, longopts, vals, &rc) == CMD_OPT_EXIT)
		return rc;
	if (argc - optind != 1)
		return cmd_usage(cmd, argc - optind < 1 ? "missing IMAGE" : "too many arguments");

	src = source_open(argv[optind], &err);
	if (!src)
		return cmd_fail(cmd, &err);
	r = aci_read_manifest(src, &text, &len, &err);
	source_free(src);
	if (r < 0)
		return cmd_fail(cmd, &err);
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
	.synopsis = "[--pretty-print] IMAGE",
	.help = "Print the manifest as stored in IMAGE ('-' reads standard input), followed\n"
		"by a newline when it does not end in one. The image is read only up to\n"
		"the manifest. Exit status 1 if the manifest is not a readable image\n"
		"manifest (it is printed all the same); 'acitool validate' checks all of\n"
		"the spec's rules.\n"
		"\n"
		"Options:\n"
		"      --pretty-print       indent 4 spaces, keeping key order and values\n"
		"  -h, --help               show this help\n",
};
