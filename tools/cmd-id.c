// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/image/aci.h"
#include "common/io/imageid.h"
#include "common/manifest/manifest.h"
#include "common/io/sink.h"
#include "tools/cmd.h"

/* A broken manifest is a broken image: no ID for it. */
static int check_manifest(void *ctx, const char *manifest, size_t len, struct act_err *err)
{
	if (manifest_check(manifest, len, err) < 0)
		return act_err_wrap(err, "%s: invalid manifest", (const char *)ctx);
	return 0;
}

/*
 * The image goes through the rewrite path into a sink that writes nothing:
 * it is read and checked exactly as the rewriting verbs read it, and the
 * sink hashes the tar stream, which with no edit is the input's
 * decompressed bytes, the zeros after the end-of-archive marker included.
 */
static int image_id(const char *path, char id[IMAGEID_LEN + 1], struct act_err *err)
{
	const struct sink_options so = { .comp = ACT_COMP_NONE, .image_id = true };
	struct aci_edit edit = { .done = check_manifest };
	struct source *src = source_open(path, err);
	struct sink *out = NULL;
	int r = -1;

	if (!src)
		return -1;
	edit.ctx = (void *)source_path(src);
	out = sink_open_fd(-1, "(image id)", &so, err);
	if (out && aci_rewrite(src, out, &edit, err) == 0 && sink_finish(out, err) == 0) {
		memcpy(id, sink_image_id(out), IMAGEID_LEN + 1);
		r = 0;
	}
	sink_free(out);
	source_free(src);
	return r;
}

/* As sha512sum does: a name with a newline or a backslash is escaped and
 * the line starts with a backslash, so every line stays one line. */
static void print_line(const char *id, const char *path)
{
	bool escape = strpbrk(path, "\n\\") != NULL;

	printf("%s%s  ", escape ? "\\" : "", id);
	for (const char *p = path; *p; p++) {
		if (escape && *p == '\n')
			fputs("\\n", stdout);
		else if (escape && *p == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*p);
	}
	putchar('\n');
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, rc, r = EXIT_OK;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0)
		;
	if (c == CMD_OPT_EXIT)
		return rc;
	if (argc - optind < 1)
		return cmd_usage(cmd, "missing IMAGE");
	for (int i = optind; i < argc; i++) {
		struct act_err err = { 0 };
		char id[IMAGEID_LEN + 1];

		if (image_id(argv[i], id, &err) < 0) {
			r = cmd_fail(cmd, &err);
			continue;
		}
		if (argc - optind == 1)
			printf("%s\n", id);
		else
			print_line(id, argv[i]);
		/* A line per image as it is done: a long list shows progress. */
		if (fflush(stdout) != 0) {
			act_err_set(&err, errno, "(stdout): write error: %s", strerror(errno));
			return cmd_fail(cmd, &err);
		}
	}
	return r;
}

const struct act_cmd act_cmd_id = {
	.name = "id",
	.run = run,
	.summary = "Print the image ID of each image",
	.synopsis = "IMAGE...",
	.help = "Print the appc image ID of each IMAGE ('-' reads standard input):\n"
		"\"sha512-\" and the SHA-512 of the uncompressed tar, in 128 hex digits,\n"
		"the same as 'gzip -dc IMAGE | sha512sum' gives. With one IMAGE the line\n"
		"is the ID alone; with several, each line is the ID, two spaces and the\n"
		"IMAGE, as sha512sum prints. IMAGE is read and checked as the rewriting\n"
		"verbs read it: a broken image is an error and gets no ID; the others\n"
		"are still printed.\n"
		"\n"
		"Options:\n"
		"  -h, --help               show this help\n",
};
