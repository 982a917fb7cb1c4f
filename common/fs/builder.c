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
#include "common/base/macro.h"
#include "common/manifest/manifest.h"
#include "common/spec/spec.h"
#include "common/fs/treewalk.h"
#include "common/tar/entrypath.h"

#define DATA_BUF (1024 * 1024)

/* A file with several links, by inode: the name it was first stored under. */
struct link {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct builder {
	const struct build_options *opt;
	const char *dir;
	struct archive *aw;
	struct sink *out;
	struct act_err werr; /* the sink's error, from the write callback */
	bool discard;	     /* failed: the end marker is not written */
	struct link *links;
	size_t nlinks, links_cap; /* open addressing; cap a power of two */
	unsigned char *buf;
	uint64_t entries, bytes;
};

static la_ssize_t write_cb(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct builder *b = ctx;

	if (b->discard)
		return (la_ssize_t)len;
	if (sink_write(b->out, buf, len, &b->werr) < 0) {
		archive_set_error(a, b->werr.code, "%s", b->werr.msg);
		return -1;
	}
	return (la_ssize_t)len;
}

static int aw_error(struct builder *b, const char *path, struct act_err *err)
{
	if (act_err_isset(&b->werr))
		return act_err_set(err, b->werr.code, "%s", b->werr.msg);
	return act_err_set(err, EIO, "%s: cannot write to the image: %s", path,
			   archive_error_string(b->aw));
}

static size_t link_slot(const struct builder *b, dev_t dev, ino_t ino)
{
	size_t h = (size_t)(ino * 0x9E3779B97F4A7C15ull ^ dev);

	for (h &= b->links_cap - 1;; h = (h + 1) & (b->links_cap - 1)) {
		const struct link *l = &b->links[h];

		if (!l->path || (l->dev == dev && l->ino == ino))
			return h;
	}
}

/* The name st's inode was stored under, or NULL after recording path as it. */
static const char *link_find_or_add(struct builder *b, const struct stat *st, const char *path)
{
	size_t h;

	if (2 * (b->nlinks + 1) > b->links_cap) {
		struct link *old = b->links;
		size_t oldcap = b->links_cap;

		b->links_cap = oldcap ? 2 * oldcap : 64;
		b->links = xcalloc(b->links_cap, sizeof(*b->links));
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].path)
				b->links[link_slot(b, old[i].dev, old[i].ino)] = old[i];
		free(old);
	}
	h = link_slot(b, st->st_dev, st->st_ino);
	if (b->links[h].path)
		return b->links[h].path;
	b->links[h] = (struct link){ st->st_dev, st->st_ino, xstrdup(path) };
	b->nlinks++;
	return NULL;
}

static struct archive_entry *entry_from_stat(const struct builder *b, const char *path,
					     const struct stat *st)
{
	struct archive_entry *e = archive_entry_new();
	const struct build_options *o = b->opt;
	int64_t sec = st->st_mtim.tv_sec;
	long nsec = st->st_mtim.tv_nsec;

	archive_entry_copy_pathname(e, path);
	archive_entry_set_mode(e, st->st_mode);
	archive_entry_set_uid(e, o->owner_root ? 0 : st->st_uid);
	archive_entry_set_gid(e, o->owner_root ? 0 : st->st_gid);
	/* Clamping keeps older times; a time in the clamp's second but after it
	 * is newer too. */
	if (o->set_mtime && (!o->clamp_mtime || sec > o->mtime || (sec == o->mtime && nsec))) {
		sec = o->mtime;
		nsec = 0;
	}
	archive_entry_set_mtime(e, sec, nsec);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		archive_entry_set_rdev(e, st->st_rdev);
	archive_entry_set_size(e, S_ISREG(st->st_mode) ? st->st_size : 0);
	return e;
}

static char *full_path(const struct builder *b, const char *path)
{
	size_t len = strlen(b->dir) + strlen(path) + 2;
	char *p = xmalloc(len);

	snprintf(p, len, "%s/%s", b->dir, path);
	return p;
}

/* The file's data, exactly size bytes: a file that changes size while it is
 * read would make a wrong image. */
static int write_data(struct builder *b, int fd, const char *path, int64_t size,
		      struct act_err *err)
{
	int64_t done = 0;

	for (;;) {
		size_t want = size - done < DATA_BUF ? (size_t)(size - done) : DATA_BUF;
		ssize_t n = read(fd, b->buf, want ? want : 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return act_err_set(err, errno, "%s: cannot read: %s", path, strerror(errno));
		if (n == 0 && done < size)
			return act_err_set(err, EAGAIN, "%s: shrank while being read", path);
		if (n > 0 && done == size)
			return act_err_set(err, EAGAIN, "%s: grew while being read", path);
		if (n == 0)
			return 0;
		if (archive_write_data(b->aw, b->buf, (size_t)n) != n)
			return aw_error(b, path, err);
		done += n;
		b->bytes += (uint64_t)n;
	}
}

/*
 * A file with holes (as SEEK_DATA and SEEK_HOLE report them) gets a sparse
 * map, its data regions; libarchive then writes it as a GNU pax 1.0 sparse
 * entry. Returns true when it has one; a file system that cannot tell has
 * no holes.
 */
static bool sparse_map(int fd, struct archive_entry *e, const struct stat *st)
{
	int64_t pos = 0, size = st->st_size;
	bool holes = false;

	/* Cheap test first: every block allocated, no holes. */
	if ((int64_t)st->st_blocks * 512 >= size)
		return false;
	while (pos < size) {
		off_t data = lseek(fd, pos, SEEK_DATA), end;

		if (data < 0 && errno == ENXIO) { /* a hole to the end */
			holes = true;
			break;
		}
		if (data < 0 || (end = lseek(fd, data, SEEK_HOLE)) < 0)
			goto dense;
		if (data > pos)
			holes = true;
		if (end > size)
			end = size;
		if (data >= end)
			break;
		archive_entry_sparse_add_entry(e, data, end - data);
		pos = end;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		goto dense;
	if (!holes)
		goto dense;
	/* All holes: one empty region at the end keeps it sparse. */
	if (archive_entry_sparse_count(e) == 0)
		archive_entry_sparse_add_entry(e, size, 0);
	return true;
dense:
	archive_entry_sparse_clear(e);
	lseek(fd, 0, SEEK_SET);
	return false;
}

static int write_zeros(struct builder *b, int64_t n, const char *path, struct act_err *err)
{
	memset(b->buf, 0, n < DATA_BUF ? (size_t)n : DATA_BUF);
	while (n > 0) {
		size_t k = n < DATA_BUF ? (size_t)n : DATA_BUF;

		if (archive_write_data(b->aw, b->buf, k) != (la_ssize_t)k)
			return aw_error(b, path, err);
		n -= (int64_t)k;
	}
	return 0;
}

/* A sparse file's data regions, read; its holes, zeros the pax writer skips. */
static int write_sparse(struct builder *b, int fd, const char *path, struct archive_entry *e,
			int64_t size, struct act_err *err)
{
	int64_t pos = 0, off, len;
	struct stat st;

	archive_entry_sparse_reset(e);
	while (archive_entry_sparse_next(e, &off, &len) == ARCHIVE_OK) {
		if (write_zeros(b, off - pos, path, err) < 0)
			return -1;
		pos = off;
		while (pos < off + len) {
			size_t want = off + len - pos < DATA_BUF ? (size_t)(off + len - pos) : DATA_BUF;
			ssize_t n = pread(fd, b->buf, want, pos);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return act_err_set(err, errno, "%s: cannot read: %s", path,
						   strerror(errno));
			if (n == 0)
				return act_err_set(err, EAGAIN, "%s: shrank while being read", path);
			if (archive_write_data(b->aw, b->buf, (size_t)n) != n)
				return aw_error(b, path, err);
			pos += n;
			b->bytes += (uint64_t)n;
		}
	}
	if (write_zeros(b, size - pos, path, err) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size != size)
		return act_err_set(err, EAGAIN, "%s: changed size while being read", path);
	return 0;
}

static int add_entry(struct builder *b, const struct treewalk_entry *te, struct act_err *err)
{
	const struct stat *st = &te->st;
	struct archive_entry *e = NULL;
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *full = full_path(b, te->path);
	const char *first = NULL;
	bool sparse = false;
	int r = -1;

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
	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1)
		first = link_find_or_add(b, st, te->path);
	e = entry_from_stat(b, te->path, st);
	if (first) {
		/* Same inode: its data and xattrs went with the first name. */
		archive_entry_set_hardlink(e, first);
		archive_entry_set_size(e, 0);
	} else if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)) {
		struct stat fst;

		fd = openat(te->dirfd, te->name,
			    O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC |
				    (S_ISDIR(st->st_mode) ? O_DIRECTORY : 0));
		if (fd < 0) {
			act_err_set(err, errno, "%s: %s", te->path, strerror(errno));
			goto out;
		}
		if (fstat(fd, &fst) < 0 || fst.st_dev != st->st_dev || fst.st_ino != st->st_ino) {
			act_err_set(err, EAGAIN, "%s: changed while being read", te->path);
			goto out;
		}
		if (fsxattr_read(fd, full, e, err) < 0)
			goto out;
		if (S_ISREG(st->st_mode))
			sparse = sparse_map(fd, e, st);
	} else {
		if (fsxattr_read(-1, full, e, err) < 0)
			goto out;
	}
	if (!first && S_ISLNK(st->st_mode)) {
		size_t cap = (size_t)st->st_size + 1;
		_cleanup_free_ char *target = xmalloc(cap);
		ssize_t n = readlinkat(te->dirfd, te->name, target, cap);

		if (n < 0) {
			act_err_set(err, errno, "%s: %s", te->path, strerror(errno));
			goto out;
		}
		if ((size_t)n >= cap) {
			act_err_set(err, EAGAIN, "%s: changed while being read", te->path);
			goto out;
		}
		target[n] = '\0';
		archive_entry_copy_symlink(e, target);
	}
	r = archive_write_header(b->aw, e);
	/* A name that is not UTF-8 goes out as its bytes (hdrcharset=BINARY). */
	if (r != ARCHIVE_OK && !(r == ARCHIVE_WARN && entrypath_charset_warning(b->aw))) {
		aw_error(b, te->path, err);
		r = -1;
		goto out;
	}
	r = -1;
	if (!first && S_ISREG(st->st_mode) &&
	    (sparse ? write_sparse(b, fd, te->path, e, st->st_size, err)
		    : write_data(b, fd, te->path, st->st_size, err)) < 0)
		goto out;
	if (archive_write_finish_entry(b->aw) != ARCHIVE_OK) {
		aw_error(b, te->path, err);
		goto out;
	}
	b->entries++;
	if (b->opt->progress)
		b->opt->progress(b->opt->progress_ctx, b->entries, b->bytes);
	r = 0;
out:
	archive_entry_free(e);
	return r;
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
	e = entry_from_stat(b, "manifest", &st);
	if (fsxattr_read(fd, full, e, err) < 0)
		goto out;
	if (archive_write_header(b->aw, e) != ARCHIVE_OK ||
	    (len && archive_write_data(b->aw, text, len) != (la_ssize_t)len) ||
	    archive_write_finish_entry(b->aw) != ARCHIVE_OK) {
		aw_error(b, "manifest", err);
		goto out;
	}
	b->entries++;
	r = 0;
out:
	archive_entry_free(e);
	return r;
}

int build_image(const char *dir, struct sink *out, const struct build_options *opt,
		struct act_err *err)
{
	struct builder b = { .opt = opt, .dir = dir, .out = out };
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = -1;

	if (dfd < 0)
		return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	if (check_layout(dfd, dir, opt, err) < 0)
		return -1;
	b.aw = archive_write_new();
	/* Full pax, as tarstream writes replaced entries: sub-second mtimes
	 * kept, xattrs as SCHILY records, no padding after the end marker. */
	if (archive_write_set_format_pax(b.aw) != ARCHIVE_OK ||
	    archive_write_set_format_option(b.aw, "pax", "xattrheader", "SCHILY") != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(b.aw, 0) != ARCHIVE_OK ||
	    archive_write_open(b.aw, &b, NULL, write_cb, NULL) != ARCHIVE_OK) {
		act_err_set(err, EIO, "cannot start the tar writer: %s",
			    archive_error_string(b.aw));
		goto out;
	}
	b.buf = xmalloc(DATA_BUF);
	if (add_manifest(&b, dfd, err) < 0 ||
	    treewalk(dfd, "rootfs", "rootfs", visit, &b, err) < 0)
		goto out;
	if (archive_write_close(b.aw) != ARCHIVE_OK) {
		aw_error(&b, dir, err);
		goto out;
	}
	r = 0;
out:
	b.discard = r < 0;
	archive_write_free(b.aw);
	for (size_t i = 0; i < b.links_cap; i++)
		free(b.links[i].path);
	free(b.links);
	free(b.buf);
	return r;
}
