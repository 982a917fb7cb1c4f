// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/quote.h"
#include "common/caps/filecap.h"
#include "common/json/jsongen.h"
#include "common/tar/entryfmt.h"
#include "common/tar/entrypath.h"
#include "common/tar/tarwalk.h"
#include "tools/cmd.h"

enum { OPT_JSON = OPT_CMD_BASE, OPT_NUMERIC };

struct ls {
	bool numeric;
	struct json_gen *g;
	/* The PATHs asked for, cleaned ("rootfs/bin"), and whether each was seen. */
	char **paths;
	bool *seen;
	size_t npaths;
	int width; /* owner and size, as GNU tar grows it: never shrinks */
};

/* Whether name is one of the PATHs or below one. */
static bool wanted(struct ls *ls, const char *name)
{
	bool any = false;

	if (!ls->npaths)
		return true;
	for (size_t i = 0; i < ls->npaths; i++) {
		size_t n = strlen(ls->paths[i]);

		if (strncmp(name, ls->paths[i], n) == 0 && (name[n] == '\0' || name[n] == '/')) {
			ls->seen[i] = true;
			any = true;
		}
	}
	return any;
}

/*
 * The entry's xattrs as libarchive gives them, but an exact copy of one
 * already listed (bsdtar's LIBARCHIVE.xattr twin of a SCHILY.xattr record)
 * only once. Calls fn for each.
 */
static void each_xattr(struct archive_entry *e,
		       void (*fn)(void *ctx, const char *name, const void *v, size_t size),
		       void *ctx)
{
	const char *name;
	const void *v;
	size_t size, n = archive_entry_xattr_reset(e);
	const char **names = xcalloc(n ? n : 1, sizeof(*names));
	const void **vals = xcalloc(n ? n : 1, sizeof(*vals));
	size_t *sizes = xcalloc(n ? n : 1, sizeof(*sizes));
	size_t k = 0;

	while (archive_entry_xattr_next(e, &name, &v, &size) == ARCHIVE_OK && k < n) {
		bool dup = false;

		for (size_t i = 0; i < k && !dup; i++)
			dup = streq(names[i], name) && sizes[i] == size &&
			      (!size || memcmp(vals[i], v, size) == 0);
		names[k] = name;
		vals[k] = v;
		sizes[k++] = size;
		if (!dup)
			fn(ctx, name, v, size);
	}
	free(names);
	free(vals);
	free(sizes);
}

static void print_xattr(void *ctx, const char *name, const void *v, size_t size)
{
	_cleanup_free_ char *qname = quote_name(name);
	_cleanup_free_ char *value = entryfmt_xattr(name, v, size);

	(void)ctx;
	printf("    %s=%s\n", qname, value);
}

static void print_entry(struct ls *ls, struct archive_entry *e)
{
	_cleanup_free_ char *name = quote_name(archive_entry_pathname(e));
	char mode[11], when[ENTRYFMT_TIME_MAX], owner[160], size[48];
	const char *un = archive_entry_uname(e), *gn = archive_entry_gname(e);
	int w;

	entryfmt_mode(e, mode);
	entryfmt_time(archive_entry_mtime(e), archive_entry_mtime_nsec(e), when);
	if (ls->numeric || !un || !*un || !gn || !*gn) {
		snprintf(owner, sizeof(owner), "%" PRId64 "/%" PRId64, archive_entry_uid(e),
			 archive_entry_gid(e));
	} else {
		_cleanup_free_ char *qu = quote_name(un);
		_cleanup_free_ char *qg = quote_name(gn);

		snprintf(owner, sizeof(owner), "%s/%s", qu, qg);
	}
	if (archive_entry_filetype(e) == AE_IFCHR || archive_entry_filetype(e) == AE_IFBLK)
		snprintf(size, sizeof(size), "%lu,%lu", (unsigned long)archive_entry_rdevmajor(e),
			 (unsigned long)archive_entry_rdevminor(e));
	else
		snprintf(size, sizeof(size), "%" PRId64, archive_entry_size(e));
	w = (int)(strlen(owner) + 1 + strlen(size));
	if (w > ls->width)
		ls->width = w;
	printf("%s %s %*s %s %s", mode, owner, ls->width - (int)strlen(owner) - 1, size, when,
	       name);
	if (archive_entry_hardlink(e)) {
		_cleanup_free_ char *t = quote_name(archive_entry_hardlink(e));

		printf(" link to %s", t);
	} else if (archive_entry_filetype(e) == AE_IFLNK && archive_entry_symlink(e)) {
		_cleanup_free_ char *t = quote_name(archive_entry_symlink(e));

		printf(" -> %s", t);
	}
	putchar('\n');
	each_xattr(e, print_xattr, NULL);
}

static void json_xattr(void *ctx, const char *name, const void *v, size_t size)
{
	struct json_gen *g = ctx;
	_cleanup_free_ char *qname = quote_utf8(name);
	_cleanup_free_ char *hex = entryfmt_hex(v, size);

	json_gen_object_open(g);
	json_gen_cstr(g, "name");
	json_gen_cstr(g, qname);
	json_gen_cstr(g, "value");
	json_gen_cstr(g, hex);
	if (streq(name, "security.capability")) {
		struct filecap fc;
		struct act_err err = { 0 };

		json_gen_cstr(g, "capabilities");
		if (filecap_decode(v, size, &fc, &err) == 0) {
			_cleanup_free_ char *text = filecap_to_text(&fc);

			json_gen_cstr(g, text);
			json_gen_cstr(g, "revision");
			json_gen_int(g, fc.version);
			json_gen_cstr(g, "rootid");
			if (fc.version == 3)
				json_gen_int(g, fc.rootid);
			else
				json_gen_null(g);
		} else {
			json_gen_null(g);
		}
	} else if (entryfmt_is_text(v, size)) {
		const char *s = v;

		json_gen_cstr(g, "text");
		json_gen_str(g, s, size && s[size - 1] == '\0' ? size - 1 : size);
	}
	json_gen_object_close(g);
}

static void json_name(struct json_gen *g, const char *key, const char *value)
{
	_cleanup_free_ char *q = quote_utf8(value ? value : "");

	json_gen_cstr(g, key);
	json_gen_cstr(g, q);
}

static void json_entry(struct json_gen *g, struct archive_entry *e)
{
	char mode[8];

	snprintf(mode, sizeof(mode), "%04o", (unsigned)(archive_entry_perm(e) & 07777));
	json_gen_object_open(g);
	json_name(g, "path", archive_entry_pathname(e));
	json_gen_cstr(g, "type");
	json_gen_cstr(g, entryfmt_type(e));
	json_gen_cstr(g, "mode");
	json_gen_cstr(g, mode);
	json_gen_cstr(g, "uid");
	json_gen_int(g, archive_entry_uid(e));
	json_gen_cstr(g, "gid");
	json_gen_int(g, archive_entry_gid(e));
	json_name(g, "uname", archive_entry_uname(e));
	json_name(g, "gname", archive_entry_gname(e));
	json_gen_cstr(g, "size");
	json_gen_int(g, archive_entry_size(e));
	json_gen_cstr(g, "mtime");
	json_gen_int(g, archive_entry_mtime(e));
	json_gen_cstr(g, "mtime_nsec");
	json_gen_int(g, archive_entry_mtime_nsec(e));
	if (archive_entry_hardlink(e))
		json_name(g, "linkname", archive_entry_hardlink(e));
	else if (archive_entry_filetype(e) == AE_IFLNK)
		json_name(g, "linkname", archive_entry_symlink(e));
	if (archive_entry_filetype(e) == AE_IFCHR || archive_entry_filetype(e) == AE_IFBLK) {
		json_gen_cstr(g, "devmajor");
		json_gen_int(g, (long long)archive_entry_rdevmajor(e));
		json_gen_cstr(g, "devminor");
		json_gen_int(g, (long long)archive_entry_rdevminor(e));
	}
	json_gen_cstr(g, "xattrs");
	json_gen_array_open(g);
	each_xattr(e, json_xattr, g);
	json_gen_array_close(g);
	json_gen_object_close(g);
}

static int list_entry(void *ctx, struct tarstream *ts, struct archive_entry *e,
		      struct act_err *err)
{
	struct ls *ls = ctx;

	(void)err;
	if (!wanted(ls, tarstream_name(ts)))
		return 0;
	if (ls->g)
		json_entry(ls->g, e);
	else
		print_entry(ls, e);
	return 0;
}

static int list(struct ls *ls, const char *image, struct act_err *err)
{
	return tarwalk(image, list_entry, ls, err);
}

int ls_print(const char *image, struct act_err *err)
{
	struct ls ls = { .width = 19 };

	return list(&ls, image, err) < 0 ? -1 : 0;
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", optional_argument, NULL, OPT_JSON },
		{ "numeric-owner", optional_argument, NULL, OPT_NUMERIC },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ls ls = { .width = 19 };
	bool as_json = false;
	bool *const vals[] = { &as_json, &ls.numeric };
	struct act_err err = { 0 };
	int rc, r = EXIT_OK;

	if (cmd_bool_options(cmd, argc, argv, longopts, vals, &rc) == CMD_OPT_EXIT)
		return rc;
	if (argc - optind < 1)
		return cmd_usage(cmd, "missing IMAGE");
	ls.npaths = (size_t)(argc - optind - 1);
	ls.paths = xcalloc(ls.npaths + 1, sizeof(*ls.paths));
	ls.seen = xcalloc(ls.npaths + 1, sizeof(*ls.seen));
	for (size_t i = 0; i < ls.npaths; i++) {
		const char *p = argv[optind + 1 + i];

		ls.paths[i] = entrypath_from_user(p);
		/* The rootfs itself: every entry under it. */
		if (!ls.paths[i] && *p && strspn(p, "/.") != strlen(p) &&
		    !streq(p, "rootfs") && !streq(p, "rootfs/") && !streq(p, "./rootfs")) {
			_cleanup_free_ char *q = quote_name(p);

			r = cmd_usage(cmd, "'%s' is not a path inside the rootfs", q);
			goto out;
		}
		if (!ls.paths[i])
			ls.paths[i] = xstrdup("rootfs");
	}
	if (as_json) {
		ls.g = json_gen_new();
		json_gen_array_open(ls.g);
	}
	if (list(&ls, argv[optind], &err) < 0) {
		r = cmd_fail(cmd, &err);
		json_gen_free(ls.g);
		goto out;
	}
	if (ls.g && cmd_print_json_array(cmd, ls.g) != EXIT_OK) {
		r = EXIT_FAIL;
		goto out;
	}
	fflush(stdout); /* the listing first, then what it lacks */
	for (size_t i = 0; i < ls.npaths; i++) {
		if (ls.seen[i])
			continue;
		_cleanup_free_ char *q = quote_name(argv[optind + 1 + i]);

		act_err_set(&err, ENOENT, "%s: not in the image", q);
		r = cmd_fail(cmd, &err);
	}
	if (cmd_flush_stdout(cmd) != EXIT_OK)
		r = EXIT_FAIL;
out:
	for (size_t i = 0; i < ls.npaths; i++)
		free(ls.paths[i]);
	free(ls.paths);
	free(ls.seen);
	return r;
}

const struct act_cmd act_cmd_ls = {
	.name = "ls",
	.run = run,
	.summary = "List an image's entries with their metadata and xattrs",
	.synopsis = "[--json] [--numeric-owner] IMAGE [PATH...]",
	.help = "Print every entry of IMAGE as 'tar -tv' does (mode, owner, size, time in\n"
		"UTC, name as stored, link target), each followed by its extended\n"
		"attributes, one per line and indented: NAME=\"text\", NAME=0x and hex\n"
		"digits for binary values, and security.capability decoded as getcap\n"
		"prints it. With PATHs (inside the rootfs: /bin, bin or rootfs/bin),\n"
		"only those entries and what is below them; a PATH not in the image is an\n"
		"error, after the listing. Names are printed escaped (\\n, \\xNN). The image\n"
		"is read once, never extracted.\n"
		"\n"
		"Options:\n"
		"      --json               one JSON array: path, type, mode (octal), uid,\n"
		"                           gid, uname, gname, size, mtime, mtime_nsec,\n"
		"                           linkname, devmajor, devminor, xattrs (name,\n"
		"                           value in hex, text or capabilities)\n"
		"      --numeric-owner      uid/gid, not user and group names\n"
		"  -h, --help               show this help\n",
};
