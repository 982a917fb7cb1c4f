// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/image/capedit.h"
#include "common/caps/capname.h"
#include "common/caps/filecap.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/base/macro.h"
#include "common/tar/entrypath.h"
#include "common/tar/tarwalk.h"
#include "common/base/quote.h"
#include "tools/cmd.h"

enum { OPT_JSON = OPT_CMD_BASE };

static void json_caps(struct json_gen *g, const char *key, const uint32_t w[2])
{
	json_gen_cstr(g, key);
	json_gen_array_open(g);
	for (int c = 0; c < 64; c++) {
		if (!(w[c / 32] & (UINT32_C(1) << (c % 32))))
			continue;
		if (capname_name(c)) {
			json_gen_cstr(g, capname_name(c));
		} else {
			char num[8];

			snprintf(num, sizeof(num), "%d", c);
			json_gen_cstr(g, num);
		}
	}
	json_gen_array_close(g);
}

static void json_entry(struct json_gen *g, const char *image, const char *path,
		       const char *entry, const void *v, size_t size, const struct filecap *fc)
{
	char hex[2 * 64 + 1] = "";

	for (size_t i = 0; i < size && i < 64; i++)
		snprintf(hex + 2 * i, 3, "%02x", ((const unsigned char *)v)[i]);
	json_gen_object_open(g);
	json_gen_cstr(g, "image");
	json_gen_cstr(g, image);
	json_gen_cstr(g, "path");
	json_gen_cstr(g, path);
	json_gen_cstr(g, "entry");
	json_gen_cstr(g, entry);
	json_gen_cstr(g, "value");
	json_gen_cstr(g, hex);
	if (fc) {
		_cleanup_free_ char *text = filecap_to_text(fc);

		json_gen_cstr(g, "capabilities");
		json_gen_cstr(g, text);
		json_gen_cstr(g, "revision");
		json_gen_int(g, fc->version);
		json_gen_cstr(g, "rootid");
		if (fc->version == 3)
			json_gen_int(g, fc->rootid);
		else
			json_gen_null(g);
		json_gen_cstr(g, "effective");
		json_gen_bool(g, fc->effective);
		json_caps(g, "permitted", fc->permitted);
		json_caps(g, "inheritable", fc->inheritable);
	} else {
		json_gen_cstr(g, "malformed");
		json_gen_bool(g, 1);
	}
	json_gen_object_close(g);
}

/*
 * The entry's security.capability value. libarchive returns every record it
 * read: bsdtar's LIBARCHIVE.xattr twin of a SCHILY.xattr record, or a record
 * given twice. Equal copies are one value; different ones set *conflict, as
 * extractors disagree on which one wins (GNU tar reads only SCHILY.xattr).
 */
static const void *caps_value(struct archive_entry *e, size_t *size, bool *conflict)
{
	const void *first = NULL, *v;
	const char *n;
	size_t s;

	*conflict = false;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &n, &v, &s) == ARCHIVE_OK) {
		if (!streq(n, "security.capability"))
			continue;
		if (!first) {
			first = v;
			*size = s;
		} else if (s != *size || (s && memcmp(v, first, s))) {
			*conflict = true;
		}
	}
	return first;
}

struct listing {
	const char *image, *label;
	struct json_gen *g;
	unsigned *malformed;
};

/* One entry with a security.capability value: a text line (after label,
 * when several images are listed) or an object added to g. */
static int list_entry(void *ctx, struct tarstream *ts, struct archive_entry *e,
		      struct act_err *err)
{
	struct listing *l = ctx;
	struct filecap fc;
	struct act_err derr = { 0 };
	_cleanup_free_ char *path = NULL;
	size_t size;
	bool conflict;
	const void *v = caps_value(e, &size, &conflict);
	bool ok;

	(void)err;
	if (!v)
		return 0;
	ok = !conflict && filecap_decode(v, size, &fc, &derr) == 0;
	*l->malformed += !ok;
	path = entrypath_to_user(tarstream_name(ts));
	if (l->g) {
		/* Names are bytes, JSON is UTF-8 (quote.h). */
		_cleanup_free_ char *jimage = quote_utf8(l->image);
		_cleanup_free_ char *jpath = quote_utf8(path);
		_cleanup_free_ char *jentry = quote_utf8(archive_entry_pathname(e));

		json_entry(l->g, jimage, jpath, jentry, v, size, ok ? &fc : NULL);
	} else {
		/* One line per file, whatever bytes its name holds. */
		_cleanup_free_ char *shown = quote_name(path);
		_cleanup_free_ char *text = ok ? filecap_to_text(&fc) : NULL;

		if (l->label)
			printf("%s: ", l->label);
		if (ok && fc.version == 3)
			printf("%s %s [rootid=%" PRIu32 "]\n", shown, text, fc.rootid);
		else if (ok)
			printf("%s %s\n", shown, text);
		else if (conflict)
			printf("%s [malformed: two different values]\n", shown);
		else
			printf("%s [malformed: %zu bytes]\n", shown, size);
	}
	return 0;
}

static int list(const char *image, const char *label, struct json_gen *g, unsigned *malformed,
		struct act_err *err)
{
	struct listing l = { .image = image, .label = label, .g = g, .malformed = malformed };

	return tarwalk(image, list_entry, &l, err);
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", optional_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool as_json = false;
	bool *const vals[] = { &as_json };
	struct json_gen *g = NULL;
	bool whole = true;
	int rc, r = EXIT_OK;

	if (cmd_bool_options(cmd, argc, argv, longopts, vals, &rc) == CMD_OPT_EXIT)
		return rc;
	if (argc - optind < 1)
		return cmd_usage(cmd, "missing IMAGE");
	if (as_json) {
		g = json_gen_new();
		json_gen_array_open(g);
	}
	for (int i = optind; i < argc; i++) {
		struct act_err err = { 0 };
		_cleanup_free_ char *label = argc - optind > 1 ? quote_name(argv[i]) : NULL;
		unsigned malformed = 0;

		if (list(argv[i], label, g, &malformed, &err) < 0) {
			/* JSON is left out: the array would be partial. */
			whole = false;
			r = cmd_fail(cmd, &err);
		} else if (malformed) {
			act_err_set(&err, EINVAL, "%s: %u malformed security.capability value%s",
				    argv[i], malformed, malformed > 1 ? "s" : "");
			r = cmd_fail(cmd, &err);
		}
		if (fflush(stdout) != 0)
			break;
	}
	if (g && !whole)
		json_gen_free(g);
	else if (g && cmd_print_json_array(cmd, g) != EXIT_OK)
		return EXIT_FAIL;
	if (cmd_flush_stdout(cmd) != EXIT_OK)
		return EXIT_FAIL;
	return r;
}

const struct act_cmd act_cmd_list_filecaps = {
	.name = "list-filecaps",
	.run = run,
	.summary = "List the file capabilities in an image",
	.synopsis = "[--json] IMAGE...",
	.help = "Print every entry that has a security.capability xattr, like 'getcap -r'\n"
		"over the rootfs: its path inside the container and its capabilities in\n"
		"libcap's text form, with '[rootid=N]' for revision 3 values. A value of\n"
		"the wrong length, or an entry with two different values, is listed as\n"
		"malformed and makes the exit status 1. With several IMAGEs, each line\n"
		"starts with 'IMAGE: ', as grep prints; a broken IMAGE is an error and the\n"
		"others are still listed.\n"
		"\n"
		"Options:\n"
		"      --json               one JSON array: image, path, entry, value (hex),\n"
		"                           capabilities, revision, rootid, effective,\n"
		"                           permitted, inheritable\n"
		"  -h, --help               show this help\n",
};
