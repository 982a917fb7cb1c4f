// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/fs/fsxattr.h"
#include "common/fs/hostentry.h"
#include "common/tar/entrypath.h"

#define DATA_BUF (1024 * 1024)

/* A file with several links, by inode: the name it was first stored under. */
struct link {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct hostentry {
	struct hostentry_options opt;
	struct link *links;
	size_t nlinks, links_cap; /* open addressing; cap a power of two */
	unsigned char *buf;
	uint64_t entries, bytes;
};

struct hostentry *hostentry_new(const struct hostentry_options *o)
{
	struct hostentry *h = xcalloc(1, sizeof(*h));

	h->opt = *o;
	h->buf = xmalloc(DATA_BUF);
	return h;
}

void hostentry_free(struct hostentry *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->links_cap; i++)
		free(h->links[i].path);
	free(h->links);
	free(h->buf);
	free(h);
}

static int aw_error(struct hostentry *h, struct archive *aw, const char *path,
		    struct act_err *err)
{
	if (h->opt.write_error)
		return h->opt.write_error(h->opt.write_error_ctx, path, err);
	return act_err_set(err, EIO, "%s: cannot write to the image: %s", path,
			   archive_error_string(aw));
}

static size_t link_slot(const struct hostentry *h, dev_t dev, ino_t ino)
{
	size_t i = (size_t)(ino * 0x9E3779B97F4A7C15ull ^ dev);

	for (i &= h->links_cap - 1;; i = (i + 1) & (h->links_cap - 1)) {
		const struct link *l = &h->links[i];

		if (!l->path || (l->dev == dev && l->ino == ino))
			return i;
	}
}

/* The name st's inode was stored under, or NULL after recording path as it. */
static const char *link_find_or_add(struct hostentry *h, const struct stat *st, const char *path)
{
	size_t i;

	if (2 * (h->nlinks + 1) > h->links_cap) {
		struct link *old = h->links;
		size_t oldcap = h->links_cap;

		h->links_cap = oldcap ? 2 * oldcap : 64;
		h->links = xcalloc(h->links_cap, sizeof(*h->links));
		for (size_t j = 0; j < oldcap; j++)
			if (old[j].path)
				h->links[link_slot(h, old[j].dev, old[j].ino)] = old[j];
		free(old);
	}
	i = link_slot(h, st->st_dev, st->st_ino);
	if (h->links[i].path)
		return h->links[i].path;
	h->links[i] = (struct link){ st->st_dev, st->st_ino, xstrdup(path) };
	h->nlinks++;
	return NULL;
}

struct archive_entry *hostentry_header(const struct hostentry *h, const char *name,
				       const struct stat *st)
{
	struct archive_entry *e = archive_entry_new();
	const struct hostentry_options *o = &h->opt;
	int64_t sec = st->st_mtim.tv_sec;
	long nsec = st->st_mtim.tv_nsec;

	archive_entry_copy_pathname(e, name);
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

/* The file's data, exactly size bytes: a file that changes size while it is
 * read would make a wrong image. */
static int write_data(struct hostentry *h, struct archive *aw, int fd, const char *path,
		      int64_t size, struct act_err *err)
{
	int64_t done = 0;

	for (;;) {
		size_t want = size - done < DATA_BUF ? (size_t)(size - done) : DATA_BUF;
		ssize_t n = read(fd, h->buf, want ? want : 1);

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
		if (archive_write_data(aw, h->buf, (size_t)n) != n)
			return aw_error(h, aw, path, err);
		done += n;
		h->bytes += (uint64_t)n;
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

static int write_zeros(struct hostentry *h, struct archive *aw, int64_t n, const char *path,
		       struct act_err *err)
{
	memset(h->buf, 0, n < DATA_BUF ? (size_t)n : DATA_BUF);
	while (n > 0) {
		size_t k = n < DATA_BUF ? (size_t)n : DATA_BUF;

		if (archive_write_data(aw, h->buf, k) != (la_ssize_t)k)
			return aw_error(h, aw, path, err);
		n -= (int64_t)k;
	}
	return 0;
}

/* A sparse file's data regions, read; its holes, zeros the pax writer skips. */
static int write_sparse(struct hostentry *h, struct archive *aw, int fd, const char *path,
			struct archive_entry *e, int64_t size, struct act_err *err)
{
	int64_t pos = 0, off, len;
	struct stat st;

	archive_entry_sparse_reset(e);
	while (archive_entry_sparse_next(e, &off, &len) == ARCHIVE_OK) {
		if (write_zeros(h, aw, off - pos, path, err) < 0)
			return -1;
		pos = off;
		while (pos < off + len) {
			size_t want = off + len - pos < DATA_BUF ? (size_t)(off + len - pos) : DATA_BUF;
			ssize_t n = pread(fd, h->buf, want, pos);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return act_err_set(err, errno, "%s: cannot read: %s", path,
						   strerror(errno));
			if (n == 0)
				return act_err_set(err, EAGAIN, "%s: shrank while being read", path);
			if (archive_write_data(aw, h->buf, (size_t)n) != n)
				return aw_error(h, aw, path, err);
			pos += n;
			h->bytes += (uint64_t)n;
		}
	}
	if (write_zeros(h, aw, size - pos, path, err) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size != size)
		return act_err_set(err, EAGAIN, "%s: changed size while being read", path);
	return 0;
}

int hostentry_write(struct hostentry *h, struct archive *aw, const struct treewalk_entry *te,
		    const char *full, const char *name,
		    int (*adjust)(void *ctx, const char *name, struct archive_entry *e,
				  struct act_err *err),
		    void *adjust_ctx, struct act_err *err)
{
	const struct stat *st = &te->st;
	struct archive_entry *e = NULL;
	_cleanup_close_ int fd = -1;
	const char *first = NULL;
	bool sparse = false;
	int r = -1;

	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1)
		first = link_find_or_add(h, st, name);
	e = hostentry_header(h, name, st);
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
	if (!first && adjust && adjust(adjust_ctx, name, e, err) < 0)
		goto out;
	r = archive_write_header(aw, e);
	/* A name that is not UTF-8 goes out as its bytes (hdrcharset=BINARY). */
	if (r != ARCHIVE_OK && !(r == ARCHIVE_WARN && entrypath_charset_warning(aw))) {
		aw_error(h, aw, te->path, err);
		r = -1;
		goto out;
	}
	r = -1;
	if (!first && S_ISREG(st->st_mode) &&
	    (sparse ? write_sparse(h, aw, fd, te->path, e, st->st_size, err)
		    : write_data(h, aw, fd, te->path, st->st_size, err)) < 0)
		goto out;
	if (archive_write_finish_entry(aw) != ARCHIVE_OK) {
		aw_error(h, aw, te->path, err);
		goto out;
	}
	h->entries++;
	if (h->opt.progress)
		h->opt.progress(h->opt.progress_ctx, h->entries, h->bytes);
	r = 0;
out:
	archive_entry_free(e);
	return r;
}
