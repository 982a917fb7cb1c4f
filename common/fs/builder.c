// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/image/aci.h"
#include "common/fs/builder.h"
#include "common/fs/fsxattr.h"
#include "common/fs/hostentry.h"
#include "common/base/macro.h"
#include "common/manifest/manifest.h"
#include "common/spec/spec.h"
#include "common/fs/treewalk.h"
#include "common/tar/paxwriter.h"
#include "common/tar/entrypath.h"

struct builder {
	const struct build_options *opt;
	const char *dir;
	struct paxwriter pw;
	struct hostentry *he;
};

static int aw_error(struct builder *b, const char *path, struct act_err *err)
{
	return paxwriter_error(&b->pw, path, err);
}

static char *full_path(const struct builder *b, const char *path)
{
	size_t len = strlen(b->dir) + strlen(path) + 2;
	char *p = xmalloc(len);

	snprintf(p, len, "%s/%s", b->dir, path);
	return p;
}

static int write_error(void *ctx, const char *path, struct act_err *err)
{
	return aw_error(ctx, path, err);
}

static int add_entry(struct builder *b, const struct treewalk_entry *te, struct act_err *err)
{
	const struct stat *st = &te->st;
	_cleanup_free_ char *full = full_path(b, te->path);

	if (S_ISSOCK(st->st_mode)) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s: a socket, skipped", te->path);
		if (b->opt->warn)
			b->opt->warn(b->opt->warn_ctx, msg);
		return 0;
	}
	if (b->opt->have_output && st->st_dev == b->opt->out_dev && st->st_ino == b->opt->out_ino)
		return act_err_set(err, EINVAL, "%s/%s: the output being written (OUTPUT must lie outside DIR)", b->dir,
				   te->path);
	return hostentry_write(b->he, b->pw.aw, te, full, te->path, NULL, NULL, err);
}

static int visit(void *ctx, const struct treewalk_entry *te, struct act_err *err)
{
	return add_entry(ctx, te, err);
}

/* Exactly manifest (a regular file) and rootfs (a directory) at the top. */
static int check_layout(int dfd, const char *dir, const struct build_options *o,
			struct act_err *err)
{
	DIR *d = fdopendir(dup(dfd));
	struct dirent *de;
	struct stat st;

	if (!d)
		return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	while ((errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, "..") ||
		    streq(de->d_name, "manifest") || streq(de->d_name, "rootfs"))
			continue;
		/* OUTPUT in DIR: its temporary name would mean nothing to the user. */
		if (o->have_output && fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_dev == o->out_dev && st.st_ino == o->out_ino)
			act_err_set(err, EINVAL, "%s: OUTPUT must lie outside DIR", dir);
		else
			act_err_set(err, EINVAL,
				    "%s: '%s' does not belong in a layout (only manifest and rootfs)",
				    dir, de->d_name);
		break;
	}
	if (!act_err_isset(err) && errno)
		act_err_set(err, errno, "%s: cannot read the directory: %s", dir, strerror(errno));
	closedir(d);
	if (act_err_isset(err))
		return -1;
	if (fstatat(dfd, "manifest", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return act_err_set(err, errno, "%s: no manifest: %s", dir, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return act_err_set(err, EINVAL, "%s: the manifest is not a regular file", dir);
	if (fstatat(dfd, "rootfs", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return act_err_set(err, errno, "%s: no rootfs: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return act_err_set(err, EINVAL, "%s: rootfs is not a directory", dir);
	return 0;
}

static int read_manifest(int fd, const char *path, char **ret, size_t *ret_len,
			 struct act_err *err)
{
	struct stat st;
	char *text;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return act_err_set(err, errno, "%s: %s", path, strerror(errno));
	if (st.st_size > ACI_MANIFEST_MAX)
		return act_err_set(err, EFBIG, "%s: %lld bytes, over the limit of %d", path,
				   (long long)st.st_size, ACI_MANIFEST_MAX);
	text = xmalloc((size_t)st.st_size + 1);
	n = pread(fd, text, (size_t)st.st_size + 1, 0);
	if (n != st.st_size) {
		free(text);
		if (n < 0)
			return act_err_set(err, errno, "%s: cannot read: %s", path, strerror(errno));
		return act_err_set(err, EAGAIN, "%s: changed while being read", path);
	}
	text[n] = '\0';
	*ret = text;
	*ret_len = (size_t)n;
	return 0;
}

/* An image is made here: its manifest must be what the spec says, or with
 * force at least an image manifest acitool can read, each problem a warning. */
static int check_manifest(const struct build_options *opt, const char *path, const char *text,
			  size_t len, struct act_err *err)
{
	struct spec_report rep = SPEC_REPORT_INIT;
	int r = 0;

	if (spec_check_manifest(text, len, &rep) && opt->force && manifest_check(text, len, NULL) == 0) {
		for (size_t i = 0; i < rep.n && opt->warn; i++) {
			_cleanup_free_ char *msg = NULL;

			if (asprintf(&msg, "%s: %s: %s (written with --force)", path,
				     rep.items[i].field, rep.items[i].message) < 0)
				abort();
			opt->warn(opt->warn_ctx, msg);
		}
	} else if (rep.n) {
		_cleanup_free_ char *what = NULL;

		if (asprintf(&what, "%s: invalid manifest", path) < 0)
			abort();
		r = spec_report_err(&rep, what, NULL, err);
	}
	spec_report_free(&rep);
	return r;
}

/* The manifest first, its bytes as they are on disk. */
static int add_manifest(struct builder *b, int dfd, struct act_err *err)
{
	_cleanup_free_ char *full = full_path(b, "manifest");
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = openat(dfd, "manifest", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct archive_entry *e;
	struct stat st;
	size_t len = 0;
	int r = -1;

	if (fd < 0 || fstat(fd, &st) < 0)
		return act_err_set(err, errno, "%s: %s", full, strerror(errno));
	if (read_manifest(fd, full, &text, &len, err) < 0)
		return -1;
	if (check_manifest(b->opt, full, text, len, err) < 0)
		return -1;
	st.st_size = (off_t)len;
	e = hostentry_header(b->he, "manifest", &st);
	if (fsxattr_read(fd, full, e, err) < 0)
		goto out;
	if (archive_write_header(b->pw.aw, e) != ARCHIVE_OK ||
	    (len && archive_write_data(b->pw.aw, text, len) != (la_ssize_t)len) ||
	    archive_write_finish_entry(b->pw.aw) != ARCHIVE_OK) {
		aw_error(b, "manifest", err);
		goto out;
	}
	r = 0;
out:
	archive_entry_free(e);
	return r;
}

int build_image(const char *dir, struct sink *out, const struct build_options *opt,
		struct act_err *err)
{
	struct builder b = { .opt = opt, .dir = dir };
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = -1;

	if (dfd < 0)
		return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	if (check_layout(dfd, dir, opt, err) < 0)
		return -1;
	if (paxwriter_open(&b.pw, out, err) < 0)
		return -1;
	b.he = hostentry_new(&(struct hostentry_options){
		.owner_root = opt->owner_root,
		.set_mtime = opt->set_mtime,
		.clamp_mtime = opt->clamp_mtime,
		.mtime = opt->mtime,
		.write_error = write_error,
		.write_error_ctx = &b,
		.progress = opt->progress,
		.progress_ctx = opt->progress_ctx,
	});
	if (add_manifest(&b, dfd, err) < 0 ||
	    treewalk(dfd, "rootfs", "rootfs", visit, &b, err) < 0)
		goto out;
	r = 0;
out:
	if (paxwriter_close(&b.pw, r == 0, err) < 0)
		r = -1;
	hostentry_free(b.he);
	return r;
}
