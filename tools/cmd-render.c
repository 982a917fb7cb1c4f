// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/fs/renderdir.h"
#include "common/image/deps.h"
#include "common/image/imagedir.h"
#include "common/image/render.h"
#include "common/io/outfile.h"
#include "common/io/sink.h"
#include "common/io/source.h"
#include "tools/cmd.h"
#include "tools/progress.h"

enum {
	OPT_IMAGE_DIR = OPT_CMD_BASE,
	OPT_FLATTEN,
	OPT_LIST,
};

static int to_layout(const struct act_cmd *cmd, const struct dep_list *l, const char *dir)
{
	struct unpack_options uo = { .owners = geteuid() == 0 };
	struct unpack_result res;
	struct render_stats st;
	struct act_err err = { 0 };

	if (render_to_dir(l, dir, &uo, &res, &st, &err) < 0)
		return cmd_fail(cmd, &err);
	if (!uo.owners)
		fprintf(stderr, "acitool: %s: warning: not root: owners not restored%s\n",
			cmd->name, res.xattrs_skipped || res.devices_skipped ?
				   "; security.*, trusted.* xattrs and device nodes skipped" : "");
	return EXIT_OK;
}

static int fill(void *ctx, struct sink *out, const struct outfile *of, struct progress *prog,
		struct act_err *err)
{
	struct render_stats st;

	(void)of;
	(void)prog;
	return render_stream(ctx, out, &st, err);
}

static int to_image(const struct act_cmd *cmd, const struct write_opts *w,
		    const struct dep_list *l, const char *outpath)
{
	return write_new_image(cmd, w, outpath, l->nodes[0].img->path, fill, (void *)l);
}

/* --list: the images in the order they are rendered, upper first. */
static int list(const struct act_cmd *cmd, const struct dep_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct dep_node *n = &l->nodes[l->order[i]];
		_cleanup_free_ char *chain = deps_chain(l, l->order[i]);

		printf("%s\t%s\n", n->img->path, chain);
	}
	return cmd_flush_stdout(cmd);
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "image-dir", required_argument, NULL, OPT_IMAGE_DIR },
		{ "flatten", optional_argument, NULL, OPT_FLATTEN },
		{ "list", optional_argument, NULL, OPT_LIST },
		WRITE_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct write_opts w = WRITE_OPTS_INIT;
	struct act_err err = { 0 };
	struct imagedir dir = { 0 };
	struct imagedir_image top = { 0 };
	struct dep_list l = { 0 };
	const char *image_dir = NULL;
	bool flatten = false, listing = false;
	_cleanup_free_ char *base = NULL;
	int c, rc, r = 0, need;

	while (r == 0 && (c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		switch (c) {
		case OPT_IMAGE_DIR:
			image_dir = optarg;
			break;
		case OPT_FLATTEN:
			if (cmd_parse_bool(cmd, "flatten", optarg, &flatten) < 0)
				r = EXIT_USAGE;
			break;
		case OPT_LIST:
			if (cmd_parse_bool(cmd, "list", optarg, &listing) < 0)
				r = EXIT_USAGE;
			break;
		default:
			if (write_opts_parse(cmd, &w, c, optarg) < 0)
				r = EXIT_USAGE;
		}
	}
	if (r)
		return r;
	if (c == CMD_OPT_EXIT)
		return rc; /* --help (0) or a bad option (2) */
	need = listing || (flatten && w.dry_run) ? 1 : 2;
	if (flatten && w.dry_run && argc - optind == 2)
		need = 2;
	if (argc - optind < need)
		return cmd_usage(cmd, argc - optind ? "missing OUT" : "missing IMAGE");
	if (argc - optind > need)
		return cmd_usage(cmd, "too many arguments");
	if (!flatten && (w.overwrite || w.replace || w.no_compression || w.print_id ||
			 w.no_sync || w.dry_run || w.compression || w.set_level || w.fast))
		return cmd_usage(cmd, "the output options go with --flatten");
	w.report = DRY_LIST;
	if (streq(argv[optind], "-"))
		return cmd_usage(cmd, "IMAGE cannot be standard input: it is read twice");
	if (imagedir_image_load(argv[optind], &top, &err) < 0)
		return cmd_fail(cmd, &err);
	/* Dependencies are looked for beside the image unless told. */
	base = xstrdup(argv[optind]);
	if (imagedir_open(image_dir ? image_dir : dirname(base), &dir, &err) < 0 ||
	    deps_resolve(&dir, &top, &l, &err) < 0) {
		r = cmd_fail(cmd, &err);
		goto out;
	}
	if (listing)
		r = list(cmd, &l);
	else if (flatten)
		r = to_image(cmd, &w, &l, optind + 1 < argc ? argv[optind + 1] : NULL);
	else
		r = to_layout(cmd, &l, argv[optind + 1]);
out:
	dep_list_free(&l);
	imagedir_free(&dir);
	imagedir_image_free(&top);
	return r;
}

const struct act_cmd act_cmd_render = {
	.name = "render",
	.run = run,
	.summary = "Render an image with its dependencies",
	.synopsis = "[options] IMAGE DIR\n"
		    "   or: acitool render [options] --flatten IMAGE OUTPUT\n"
		    "   or: acitool render [options] --list IMAGE",
	.help = "Render IMAGE with the images it depends on, found offline in a folder\n"
		"of images (any compression): into DIR, a layout directory (manifest\n"
		"and rootfs/, as 'acitool extract' makes it: DIR must not exist or be\n"
		"empty, and is whole or as it was), or with --flatten into OUTPUT, an\n"
		"image with no dependencies. The manifest is IMAGE's, less its\n"
		"dependencies and pathWhitelist, which the render carries out.\n"
		"\n"
		"A dependency with an imageID is the image of that ID (a unique prefix\n"
		"will do); one without, the image of that name with every label it\n"
		"gives (no os or arch is assumed). Its size, when given, must be the\n"
		"file's or its tar's. Later dependencies win over earlier ones, IMAGE\n"
		"over all; a file or symlink masks what lower images have under it;\n"
		"each image passes its own pathWhitelist and those of the images above\n"
		"it. A missing, ambiguous or mismatched dependency and a cycle are\n"
		"errors naming the chain.\n"
		"\n"
		"Options:\n"
		"      --image-dir=DIR      the folder dependencies are found in\n"
		"                           (default: IMAGE's own)\n"
		"      --flatten            write an image file, OUTPUT, not a directory\n"
		"      --list               print the images in render order, upper first:\n"
		"                           FILE<tab>CHAIN; render nothing\n"
		"\n"
		"Output options, with --flatten:\n" NEW_IMAGE_OPTIONS_HELP("render")
		"  -h, --help               show this help\n",
};
