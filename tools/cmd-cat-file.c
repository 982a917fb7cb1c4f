// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/quote.h"
#include "common/image/rootlinks.h"
#include "common/tar/entrydata.h"
#include "common/tar/entryfmt.h"
#include "common/tar/entrypath.h"
#include "common/tar/tarwalk.h"
#include "tools/cmd.h"

/* What one pass over the image found for name. */
struct found {
	bool seen;       /* an entry of that name */
	bool printed;    /* its data went to stdout */
	const char *why; /* it has no data of its own: "a directory"... */
	bool link;       /* a symlink or hardlink, to follow */
};

static int write_data(struct tarstream *ts, struct archive_entry *e, struct act_err *err)
{
	struct entrydata d;
	const void *p;
	size_t n;
	int r;

	entrydata_init(&d, ts, archive_entry_size(e));
	while ((r = entrydata_next(&d, 1 << 20, &p, &n, err)) > 0) {
		if (fwrite(p, 1, n, stdout) != n) {
			act_err_set(err, errno, "(stdout): %s", strerror(errno));
			return -1;
		}
	}
	return r;
}

/*
 * Read the image through; print the data of the entry called name when it
 * is a regular file. With links, record every link for a second pass.
 * Reading on after the data catches a damaged image and a second entry of
 * the same name (extraction would keep the later one).
 */
struct pass {
	const char *name, *shown;
	struct rootlinks *links;
	struct found *f;
};

static int pass_entry(void *ctx, struct tarstream *ts, struct archive_entry *e,
		      struct act_err *err)
{
	struct pass *p = ctx;
	struct found *f = p->f;

	if (p->links)
		rootlinks_add(p->links, tarstream_name(ts), e);
	if (!streq(tarstream_name(ts), p->name))
		return 0;
	if (f->seen)
		return act_err_set(err, EINVAL, "%s: in the image twice", p->shown);
	f->seen = true;
	if (archive_entry_hardlink(e) || archive_entry_filetype(e) == AE_IFLNK) {
		f->link = true;
	} else if (archive_entry_filetype(e) != AE_IFREG) {
		f->why = entryfmt_type(e);
	} else {
		if (write_data(ts, e, err) < 0)
			return -1;
		f->printed = true;
	}
	return 0;
}

static int pass(const char *image, const char *name, const char *shown, struct rootlinks *links,
		struct found *f, struct act_err *err)
{
	struct pass p = { .name = name, .shown = shown, .links = links, .f = f };

	return tarwalk(image, pass_entry, &p, err);
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct act_err err = { 0 };
	struct found f = { 0 };
	struct rootlinks *links = NULL;
	_cleanup_free_ char *name = NULL, *shown = NULL, *target = NULL;
	const char *image;
	int rc, c, r = EXIT_FAIL;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0)
		;
	if (c == CMD_OPT_EXIT)
		return rc;
	if (argc - optind != 2)
		return cmd_usage(cmd, argc - optind < 2 ? "missing %s" : "too many arguments",
				 argc - optind < 1 ? "IMAGE" : "PATH");
	image = argv[optind];
	shown = quote_name(argv[optind + 1]);
	name = entrypath_from_user(argv[optind + 1]);
	if (!name)
		return cmd_usage(cmd, "'%s' is not a file inside the rootfs", shown);

	links = rootlinks_new();
	if (pass(image, name, shown, links, &f, &err) < 0)
		goto fail;
	if (f.printed)
		goto done;
	if (f.why) {
		act_err_set(&err, EISDIR, "%s: is a %s, not a file", shown, f.why);
		goto fail;
	}
	/* Not there as a file: through the links, once more. */
	target = rootlinks_resolve(links, name, &err);
	if (!target) {
		act_err_set(&err, err.code, "%s: %s", shown, strerror(err.code));
		goto fail;
	}
	if (streq(target, name)) {
		act_err_set(&err, ENOENT, "%s: not in the image", shown);
		goto fail;
	}
	if (streq(image, "-")) {
		act_err_set(&err, ESPIPE,
			    "%s: a link: to follow it, give the image as a file, not on stdin",
			    shown);
		goto fail;
	}
	f = (struct found){ 0 };
	if (pass(image, target, shown, NULL, &f, &err) < 0)
		goto fail;
	if (!f.printed) {
		_cleanup_free_ char *user = entrypath_to_user(target);
		_cleanup_free_ char *t = quote_name(user);

		if (f.why)
			act_err_set(&err, EISDIR, "%s: leads to %s, a %s, not a file", shown, t,
				    f.why);
		else
			act_err_set(&err, ENOENT, "%s: leads to %s, not in the image", shown, t);
		goto fail;
	}
done:
	r = cmd_flush_stdout(cmd);
	rootlinks_free(links);
	return r;
fail:
	fflush(stdout);
	rootlinks_free(links);
	return cmd_fail(cmd, &err);
}

const struct act_cmd act_cmd_cat_file = {
	.name = "cat-file",
	.run = run,
	.summary = "Print a file of an image's rootfs",
	.synopsis = "IMAGE PATH",
	.help = "Write the data of the file PATH (inside the rootfs: /etc/os-release,\n"
		"etc/os-release or rootfs/etc/os-release) to standard output, byte for\n"
		"byte, a sparse file's holes as zeros. Symlinks and hardlinks are\n"
		"followed inside the image, as in a chroot at rootfs/ (an absolute\n"
		"target starts there): that takes a second pass, so IMAGE must then be a\n"
		"file, not '-'. The image is read through, never extracted: a damaged\n"
		"image or a PATH given twice is an error even after the data was written.\n"
		"\n"
		"Options:\n"
		"  -h, --help               show this help\n",
};
