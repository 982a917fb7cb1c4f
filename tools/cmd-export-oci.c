// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/io/source.h"
#include "common/oci/ociexport.h"
#include "tools/cmd.h"

enum {
	OPT_TAG = OPT_CMD_BASE,
	OPT_NO_EMBED,
	OPT_LAYER_COMPRESSION,
	OPT_NO_SYNC_EXPORT,
};

/* DIR[:TAG]: a tag is what follows the last ':' when no '/' does. */
static char *split_tag(char *arg)
{
	char *colon = strrchr(arg, ':');

	if (!colon || strchr(colon, '/') || colon == arg)
		return NULL;
	*colon = '\0';
	return colon + 1;
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tag", required_argument, NULL, OPT_TAG },
		{ "no-embed-manifest", optional_argument, NULL, OPT_NO_EMBED },
		{ "layer-compression", required_argument, NULL, OPT_LAYER_COMPRESSION },
		{ "no-sync", optional_argument, NULL, OPT_NO_SYNC_EXPORT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ociexport_options o = { .comp = ACT_COMP_GZIP, .embed_manifest = true, .sync = true };
	struct ociexport_result res = { 0 };
	struct act_err err = { 0 };
	_cleanup_free_ char *dir = NULL;
	const char *tag = NULL;
	struct source *src;
	bool no_embed = false, no_sync = false;
	int c, rc, r;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		switch (c) {
		case OPT_TAG:
			tag = optarg;
			break;
		case OPT_NO_EMBED:
			if (cmd_parse_bool(cmd, "no-embed-manifest", optarg, &no_embed) < 0)
				return EXIT_USAGE;
			break;
		case OPT_NO_SYNC_EXPORT:
			if (cmd_parse_bool(cmd, "no-sync", optarg, &no_sync) < 0)
				return EXIT_USAGE;
			break;
		case OPT_LAYER_COMPRESSION:
			if (streq(optarg, "gzip"))
				o.comp = ACT_COMP_GZIP;
			else if (streq(optarg, "none"))
				o.comp = ACT_COMP_NONE;
			else
				return cmd_usage(cmd, "--layer-compression: '%s' is not gzip or none",
						 optarg);
			break;
		}
	}
	if (c == CMD_OPT_EXIT)
		return rc; /* --help (0) or a bad option (2) */
	if (argc - optind != 2)
		return cmd_usage(cmd, argc - optind < 2 ? "missing IMAGE or DIR" : "too many arguments");
	dir = xstrdup(argv[optind + 1]);
	if (!tag)
		tag = split_tag(dir);
	else if (split_tag(dir))
		return cmd_usage(cmd, "a tag twice: --tag and DIR:TAG");
	if (!*dir)
		return cmd_usage(cmd, "missing DIR");
	o.embed_manifest = !no_embed;
	o.sync = !no_sync;
	o.tag = tag;
	src = source_open(argv[optind], &err);
	if (!src)
		return cmd_fail(cmd, &err);
	r = ociexport(src, dir, &o, &res, &err);
	source_free(src);
	if (r < 0) {
		ociexport_result_free(&res);
		return cmd_fail(cmd, &err);
	}
	for (size_t i = 0; i < res.config.warnings.n; i++)
		fprintf(stderr, "acitool: %s: warning: %s\n", cmd->name, res.config.warnings.v[i]);
	if (res.layer.sparse)
		fprintf(stderr, "acitool: %s: warning: %llu sparse files written whole (OCI "
			"layers should hold none)\n", cmd->name, (unsigned long long)res.layer.sparse);
	if (res.layer.caps_v3)
		fprintf(stderr, "acitool: %s: warning: %llu file capabilities of revision 3 "
			"(a host uid in them): 'acitool add-filecaps --drop-rootid' makes them v2\n",
			cmd->name, (unsigned long long)res.layer.caps_v3);
	if (res.config.run_flags)
		fprintf(stderr, "acitool: %s: note: the isolators have no OCI field: "
			"'podman run %s %s' applies them\n", cmd->name, res.config.run_flags,
			res.config.name);
	ociexport_result_free(&res);
	return EXIT_OK;
}

const struct act_cmd act_cmd_export_oci = {
	.name = "export-oci",
	.run = run,
	.summary = "Write an image into an OCI image layout",
	.synopsis = "[options] IMAGE DEST",
	.help = "Write IMAGE into DEST, DIR or DIR:TAG: DIR an OCI image layout (made\n"
		"if missing, or added to: an image of the same tag is replaced, the\n"
		"others kept), as one layer, its config and its manifest, tagged TAG\n"
		"(default: the image's version label, else latest). podman, skopeo, umoci and docker (through\n"
		"skopeo's docker-archive) take it. The layer keeps every entry of the\n"
		"rootfs as it was, its xattrs (file capabilities) as SCHILY records,\n"
		"which those tools read. The manifest becomes the config: exec as\n"
		"Entrypoint, user:group, environment, working directory, ports,\n"
		"mount points as volumes, os and arch; the rest under io.appc.* labels,\n"
		"the whole manifest in io.appc.image.manifest. Isolators have no OCI\n"
		"field: a note says which podman run flags apply them. The same image\n"
		"gives the same bytes. An image with dependencies is refused ('acitool\n"
		"render --flatten' first).\n"
		"\n"
		"Options:\n"
		"      --tag=TAG            the tag (or DIR:TAG)\n"
		"      --layer-compression=C  gzip (default) or none\n"
		"      --no-embed-manifest  leave the io.appc.image.manifest label out\n"
		"      --no-sync            do not wait for the files to reach the disk\n"
		"  -h, --help               show this help\n",
};
