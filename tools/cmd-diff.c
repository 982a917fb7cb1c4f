// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/quote.h"
#include "common/image/imagediff.h"
#include "common/json/json.h"
#include "common/json/jsondiff.h"
#include "common/json/jsongen.h"
#include "common/tar/entryfmt.h"
#include "tools/cmd.h"

/* cmp's exit codes: the same, different, trouble. */
enum { DIFF_SAME = 0, DIFF_DIFFERENT = 1, DIFF_TROUBLE = 2 };

enum { OPT_JSON = OPT_CMD_BASE, OPT_QUIET };

struct printer {
	struct json_gen *g;
	bool quiet;
};

static const char *kind_name(enum imagediff_kind k)
{
	return k == IMAGEDIFF_ADDED ? "added" : k == IMAGEDIFF_REMOVED ? "removed" : "changed";
}

/* A side's value in JSON: the JSON itself for a manifest member. */
static void json_side(struct json_gen *g, const char *key, const char *text, bool is_json)
{
	json_gen_cstr(g, key);
	if (!text) {
		json_gen_null(g);
	} else if (is_json) {
		struct act_err err = { 0 };
		struct json_value *v = json_parse(text, strlen(text), &err);

		if (v)
			json_gen_value(g, v);
		else
			json_gen_null(g);
		json_free(v);
	} else {
		_cleanup_free_ char *q = quote_utf8(text);

		json_gen_cstr(g, q);
	}
}

static void json_change(struct json_gen *g, const struct imagediff_change *c)
{
	_cleanup_free_ char *path = quote_utf8(c->path);

	json_gen_object_open(g);
	json_gen_cstr(g, "path");
	json_gen_cstr(g, path);
	json_gen_cstr(g, "field");
	if (c->field) {
		_cleanup_free_ char *f = quote_utf8(c->field);

		json_gen_cstr(g, f);
	} else {
		json_gen_null(g);
	}
	json_gen_cstr(g, "change");
	json_gen_cstr(g, kind_name(c->kind));
	json_side(g, "old", c->old, c->json);
	json_side(g, "new", c->new, c->json);
	if (c->old_raw || c->new_raw) {
		/* Binary-safe: the text forms above are cut and decoded. */
		_cleanup_free_ char *x = c->old_raw ? entryfmt_hex(c->old_raw, c->old_len) : NULL;
		_cleanup_free_ char *y = c->new_raw ? entryfmt_hex(c->new_raw, c->new_len) : NULL;

		json_side(g, "old_hex", x, false);
		json_side(g, "new_hex", y, false);
	}
	json_gen_object_close(g);
}

static void print_change(const struct imagediff_change *c)
{
	_cleanup_free_ char *path = quote_name(c->path);
	_cleanup_free_ char *field = c->field ? quote_name(c->field) : NULL;
	/* Names (link targets, owners) are bytes: escaped like the path. xattr
	 * values and JSON come escaped already. */
	bool raw = !c->json && !c->old_raw && !c->new_raw;
	_cleanup_free_ char *old = c->old && raw ? quote_name(c->old) : NULL;
	_cleanup_free_ char *new = c->new && raw ? quote_name(c->new) : NULL;
	struct imagediff_change q = *c;

	if (raw) {
		q.old = old;
		q.new = new;
		c = &q;
	}

	if (!field) {
		printf("%s: %s %s\n", path, kind_name(c->kind),
		       c->kind == IMAGEDIFF_ADDED ? c->new : c->old);
		return;
	}
	printf("%s: %s: ", path, field);
	if (!c->old && !c->new)
		printf(streq(field, "layout") ? "differs (the same JSON)\n" : "differs\n");
	else if (c->kind == IMAGEDIFF_ADDED)
		printf("added %s\n", c->new);
	else if (c->kind == IMAGEDIFF_REMOVED)
		printf("removed %s\n", c->old);
	else /* an empty value (no link target, no user name) is shown */
		printf("%s -> %s\n", *c->old ? c->old : "(none)", *c->new ? c->new : "(none)");
}

static int on_change(void *ctx, const struct imagediff_change *c, struct act_err *err)
{
	struct printer *p = ctx;

	if (p->quiet)
		/* One difference answers the question: stop reading. */
		return act_err_set(err, ECANCELED, "different");
	if (p->g)
		json_change(p->g, c);
	else
		print_change(c);
	return 0;
}

/* The differences from image a to b, each to p: their number, or -1. */
static int diff_images(const char *a, const char *b, struct printer *p, struct act_err *err)
{
	struct source *sa = source_open(a, err);
	struct source *sb = sa ? source_open(b, err) : NULL;
	int n = -1;

	if (sb)
		n = imagediff(sa, sb, on_change, p, err);
	source_free(sa);
	source_free(sb);
	return n;
}

int diff_print(const char *a, const char *b, struct act_err *err)
{
	struct printer p = { 0 };

	return diff_images(a, b, &p, err);
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", optional_argument, NULL, OPT_JSON },
		{ "quiet", optional_argument, NULL, OPT_QUIET },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct printer p = { 0 };
	bool as_json = false;
	bool *const vals[] = { &as_json, &p.quiet };
	struct act_err err = { 0 };
	int rc, n;

	if (cmd_bool_options(cmd, argc, argv, longopts, vals, &rc) == CMD_OPT_EXIT)
		return rc;
	if (argc - optind != 2)
		return cmd_usage(cmd, argc - optind < 2 ? "missing %s" : "too many arguments",
				 argc - optind < 1 ? "IMAGE1" : "IMAGE2");
	if (streq(argv[optind], "-") && streq(argv[optind + 1], "-"))
		return cmd_usage(cmd, "only one IMAGE can be '-'");
	if (as_json && !p.quiet) {
		p.g = json_gen_new();
		json_gen_array_open(p.g);
	}
	n = diff_images(argv[optind], argv[optind + 1], &p, &err);
	if (n < 0 && p.quiet && err.code == ECANCELED)
		return DIFF_DIFFERENT;
	if (n < 0) {
		json_gen_free(p.g);
		fflush(stdout);
		cmd_fail(cmd, &err);
		return DIFF_TROUBLE;
	}
	if (p.g && cmd_print_json_array(cmd, p.g) != EXIT_OK)
		return DIFF_TROUBLE;
	if (cmd_flush_stdout(cmd) != EXIT_OK)
		return DIFF_TROUBLE;
	return n ? DIFF_DIFFERENT : DIFF_SAME;
}

const struct act_cmd act_cmd_diff = {
	.name = "diff",
	.run = run,
	.summary = "Show what differs between two images",
	.synopsis = "[--json] [--quiet] IMAGE1 IMAGE2",
	.help = "Compare two images entry by entry, whatever their compression, in one\n"
		"pass over each, never extracted. One line per difference: 'PATH: added\n"
		"TYPE' or 'removed TYPE' for an entry, else 'PATH: FIELD: OLD -> NEW' (or\n"
		"'added NEW', 'removed OLD'), FIELD being name, type, mode, uid, gid,\n"
		"uname, gname, size, data, mtime, atime, ctime, linkname, device, acl or\n"
		"'xattr NAME' (security.capability decoded). The manifest is compared as\n"
		"JSON, key order kept: FIELD is the member's jq path (.app.exec[0]), OLD\n"
		"and NEW compact JSON; arrays of named objects (labels, isolators...)\n"
		"pair by name. Entries pair by name, so a reordered image differs only\n"
		"where its entries do; memory grows with the entries out of order, not\n"
		"with the data. One IMAGE may be '-'.\n"
		"\n"
		"Exit status, as cmp's: 0 the same, 1 different, 2 trouble (a broken\n"
		"image, a usage error).\n"
		"\n"
		"Options:\n"
		"      --json               one JSON array: path, field (null for an\n"
		"                           entry), change (added, removed, changed), old,\n"
		"                           new, and old_hex, new_hex for xattrs\n"
		"  -q, --quiet              print nothing; stop at the first difference\n"
		"  -h, --help               show this help\n",
};
