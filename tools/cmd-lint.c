// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/image/lint.h"
#include "common/base/macro.h"
#include "common/base/quote.h"
#include "tools/cmd.h"

enum { OPT_JSON = OPT_CMD_BASE, OPT_STRICT };

/* One line per warning, whatever bytes a path holds (see quote.h). */
static void put_escaped(const char *s)
{
	_cleanup_free_ char *q = quote_name(s);

	fputs(q, stdout);
}

static void print_text(const char *image, const struct lint_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct lint_warning *w = &r->items[i];

		put_escaped(image);
		printf(": %s: ", lint_code_name(w->code));
		put_escaped(w->subject);
		printf(": %s\n", w->message);
	}
}

static void add_json(struct json_gen *g, const char *image, const struct lint_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct lint_warning *w = &r->items[i];

		json_gen_object_open(g);
		json_gen_cstr(g, "image");
		json_gen_cstr(g, image);
		json_gen_cstr(g, "code");
		json_gen_cstr(g, lint_code_name(w->code));
		json_gen_cstr(g, "subject");
		json_gen_cstr(g, w->subject);
		json_gen_cstr(g, "message");
		json_gen_cstr(g, w->message);
		json_gen_object_close(g);
	}
}

/* Warnings of one image into r; -1 when it cannot be read. */
static int lint_one(const char *image, struct lint_report *r, struct act_err *err)
{
	struct lint_image img = { 0 };
	struct source *src = source_open(image, err);
	int ret = -1;

	if (src && lint_scan(src, &img, err) == 0) {
		ret = lint_check(&img, r, err);
		if (ret < 0)
			act_err_wrap(err, "%s", source_path(src));
	}
	lint_image_done(&img);
	source_free(src);
	return ret;
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", optional_argument, NULL, OPT_JSON },
		{ "strict", optional_argument, NULL, OPT_STRICT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool as_json = false, strict = false, failed = false;
	bool *const vals[] = { &as_json, &strict };
	struct json_gen *g = NULL;
	size_t warnings = 0;
	int rc;

	if (cmd_bool_options(cmd, argc, argv, longopts, vals, &rc) == CMD_OPT_EXIT)
		return rc;
	if (argc - optind < 1)
		return cmd_usage(cmd, "missing IMAGE");
	if (as_json) {
		g = json_gen_new();
		json_gen_array_open(g);
	}
	for (int i = optind; i < argc; i++) {
		struct lint_report r = LINT_REPORT_INIT;
		struct act_err err = { 0 };

		if (lint_one(argv[i], &r, &err) < 0) {
			/* Warnings so far on stdout first: the order stays readable. */
			fflush(stdout);
			cmd_fail(cmd, &err);
			failed = true;
		} else if (g) {
			add_json(g, argv[i], &r);
		} else {
			print_text(argv[i], &r);
		}
		warnings += r.n;
		lint_report_free(&r);
	}
	if (g && cmd_print_json_array(cmd, g) != EXIT_OK)
		return EXIT_FAIL;
	if (fflush(stdout) != 0) {
		struct act_err err = { 0 };

		act_err_set(&err, errno, "(stdout): %s", strerror(errno));
		return cmd_fail(cmd, &err);
	}
	if (failed || (strict && warnings))
		return EXIT_FAIL;
	return EXIT_OK;
}

const struct act_cmd act_cmd_lint = {
	.name = "lint",
	.run = run,
	.summary = "Warn about risky or ineffective capability settings",
	.synopsis = "[--strict] [--json] IMAGE...",
	.help = "Check each image's capability isolators, file capabilities and set-id\n"
		"files against the recommendations of rkt's capabilities guide and\n"
		"appc's spec, and print one line per warning:\n"
		"\n"
		"  IMAGE: CODE: SUBJECT: WHY\n"
		"\n"
		"CODE is one of no-caps-isolator, broad-retain, remove-not-default,\n"
		"retain-unreachable, filecap-hardlink, filecap-rootid,\n"
		"filecap-outside-bounding, filecap-nnp, setuid, setgid (see\n"
		"acitool-lint(1)); SUBJECT is a capability, a path in the rootfs or 'app'.\n"
		"Warnings leave the exit status 0 unless --strict; an image that cannot\n"
		"be read is an error (exit status 1) and the other images are still checked.\n"
		"\n"
		"Options:\n"
		"      --strict             exit status 1 when there is any warning\n"
		"      --json               one JSON array of {image, code, subject, message}\n"
		"  -h, --help               show this help\n",
};
