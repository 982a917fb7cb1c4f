// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/image/imagecheck.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/base/macro.h"
#include "common/base/quote.h"
#include "tools/cmd.h"

enum { OPT_TYPE = OPT_CMD_BASE, OPT_JSON, OPT_VERBOSE };

enum vtype { VT_GUESS, VT_IMAGE, VT_LAYOUT, VT_MANIFEST };

static const char *const type_names[] = { "", "image", "layout", "manifest" };

/* A directory is a layout; a file an image when it starts like one (or like
 * any other archive or codec, so that the error names it); else a manifest.
 * Standard input cannot be peeked at: an image unless --type says not. */
static enum vtype guess(const char *path, struct act_err *err)
{
	unsigned char b[512];
	size_t n = 0;
	struct stat st;
	int fd;

	if (streq(path, "-"))
		return VT_IMAGE;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		act_err_set(err, errno, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return VT_GUESS;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return VT_LAYOUT;
	}
	while (n < sizeof(b)) {
		ssize_t k = read(fd, b + n, sizeof(b) - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			act_err_set(err, errno, "%s: %s", path, strerror(errno));
			close(fd);
			return VT_GUESS;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	return source_guess(b, n) == SOURCE_KIND_TEXT ? VT_MANIFEST : VT_IMAGE;
}

static int check(const char *path, enum vtype t, struct spec_report *r, struct act_err *err)
{
	struct source *src;
	int ret;

	switch (t) {
	case VT_LAYOUT:
		return imagecheck_layout(path, r, err);
	case VT_MANIFEST:
		return imagecheck_manifest_file(path, r, err);
	default:
		src = source_open(path, err);
		if (!src)
			return -1;
		ret = imagecheck_archive(src, r, err);
		source_free(src);
		return ret;
	}
}

static void json_safe_str(struct json_gen *g, const char *s)
{
	_cleanup_free_ char *t = quote_utf8(s); /* names are bytes, JSON is UTF-8 */

	json_gen_cstr(g, t);
}

static void json_file(struct json_gen *g, const char *path, enum vtype t,
		      const struct spec_report *r, const struct act_err *err)
{
	json_gen_object_open(g);
	json_gen_cstr(g, "file");
	json_safe_str(g, path);
	json_gen_cstr(g, "type");
	if (t == VT_GUESS)
		json_gen_null(g);
	else
		json_gen_cstr(g, type_names[t]);
	json_gen_cstr(g, "valid");
	json_gen_bool(g, r->n == 0 && !act_err_isset(err));
	json_gen_cstr(g, "error");
	if (act_err_isset(err))
		json_safe_str(g, err->msg);
	else
		json_gen_null(g);
	json_gen_cstr(g, "problems");
	json_gen_array_open(g);
	for (size_t i = 0; i < r->n; i++) {
		json_gen_object_open(g);
		json_gen_cstr(g, "field");
		json_safe_str(g, r->items[i].field);
		json_gen_cstr(g, "message");
		json_safe_str(g, r->items[i].message);
		json_gen_object_close(g);
	}
	json_gen_array_close(g);
	json_gen_object_close(g);
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "json", optional_argument, NULL, OPT_JSON },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum vtype forced = VT_GUESS;
	bool as_json = false, verbose = false, failed = false;
	struct json_gen *g = NULL;
	int c, rc;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		switch (c) {
		case OPT_TYPE:
			if (streq(optarg, "image") || streq(optarg, "appimage"))
				forced = VT_IMAGE;
			else if (streq(optarg, "layout"))
				forced = VT_LAYOUT;
			else if (streq(optarg, "manifest"))
				forced = VT_MANIFEST;
			else
				return cmd_usage(cmd, "--type: '%s' is not image, layout or manifest",
						 optarg);
			break;
		case OPT_JSON:
			if (cmd_parse_bool(cmd, "json", optarg, &as_json) < 0)
				return EXIT_USAGE;
			break;
		case OPT_VERBOSE:
			verbose = true;
			break;
		}
	}
	if (c == CMD_OPT_EXIT)
		return rc;
	if (optind >= argc)
		return cmd_usage(cmd, "missing FILE");
	if (as_json) {
		g = json_gen_new();
		json_gen_array_open(g);
	}
	for (int i = optind; i < argc; i++) {
		const char *path = argv[i];
		struct spec_report r = SPEC_REPORT_INIT;
		struct act_err err = { 0 };
		enum vtype t = forced ? forced : guess(path, &err);
		int ret = t == VT_GUESS ? -1 : check(path, t, &r, &err);

		if (ret < 0)
			cmd_fail(cmd, &err);
		if (r.n || ret < 0)
			failed = true;
		if (g) {
			json_file(g, path, t, &r, &err);
		} else {
			for (size_t k = 0; k < r.n; k++) {
				if (r.items[k].field[0])
					printf("%s: %s: %s\n", path, r.items[k].field,
					       r.items[k].message);
				else
					printf("%s: %s\n", path, r.items[k].message);
			}
			if (verbose && ret == 0 && r.n == 0)
				printf("%s: valid %s\n", path, type_names[t]);
		}
		spec_report_free(&r);
		/* Problems and errors interleave in file order on a terminal. */
		fflush(stdout);
	}
	if (g && cmd_print_json_array(cmd, g) != EXIT_OK)
		return EXIT_FAIL;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "acitool: %s: (stdout): write error\n", cmd->name);
		return EXIT_FAIL;
	}
	return failed ? EXIT_FAIL : EXIT_OK;
}

const struct act_cmd act_cmd_validate = {
	.name = "validate",
	.run = run,
	.summary = "Check images, layouts or manifests against the appc spec",
	.synopsis = "[--type=TYPE] [--json] [--verbose] FILE...",
	.help = "Check each FILE against the appc spec: an image (plain tar, gzip, bzip2 or\n"
		"xz), a layout directory (manifest and rootfs/), or a bare manifest file.\n"
		"Every problem is one line on standard output, 'FILE: FIELD: MESSAGE',\n"
		"FIELD being a path into the manifest (app.isolators[2].value) or an\n"
		"entry of the image. Nothing is printed for a valid file. Exit status 1\n"
		"if any FILE has a problem or cannot be read (that error goes to standard\n"
		"error); the other files are still checked.\n"
		"\n"
		"Options:\n"
		"      --type=TYPE          image, layout or manifest (default: a directory\n"
		"                           is a layout, a file that starts like an archive\n"
		"                           an image, any other file a manifest; '-', standard\n"
		"                           input, an image)\n"
		"      --json               one JSON array on standard output, an object per\n"
		"                           FILE: file, type, valid, error, problems (each\n"
		"                           with field and message)\n"
		"      --verbose            also print 'FILE: valid TYPE' for a valid file\n"
		"  -h, --help               show this help\n",
};
