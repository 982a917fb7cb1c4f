// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/fs/rmtree.h"
#include "common/io/imageid.h"
#include "common/run/rootcache.h"

static int mkdirs(const char *cache, struct act_err *err)
{
	static const char *const subs[] = { "", "/images", "/files" };

	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		_cleanup_free_ char *d = xasprintf("%s%s", cache, subs[i]);

		if (mkdir(d, 0700) < 0 && errno != EEXIST)
			return act_err_set(err, errno, "cache '%s': %s", d, strerror(errno));
	}
	return 0;
}

/* A regular file's identity, as a file name; NULL for anything else. */
static char *file_key(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return NULL;
	return xasprintf("%llx-%llx-%llx-%lld.%09ld-%lld.%09ld", (unsigned long long)st->st_dev,
			 (unsigned long long)st->st_ino, (unsigned long long)st->st_size,
			 (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
			 (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

/* Lock entry dir shared and check it is whole: 0, or -1 (not there). */
static int take(struct rootcache_entry *e)
{
	_cleanup_free_ char *rootfs = xasprintf("%s/rootfs", e->dir);
	struct stat st, st2;

	e->lock_fd = open(e->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (e->lock_fd < 0)
		return -1;
	/* prune removes an entry only under the exclusive lock: once ours
	 * is held, a directory still there stays. */
	/* ...and it is the directory the mount will name by path. */
	if (flock(e->lock_fd, LOCK_SH) < 0 || fstatat(e->lock_fd, "rootfs", &st, 0) < 0 ||
	    stat(rootfs, &st2) < 0 || st.st_dev != st2.st_dev || st.st_ino != st2.st_ino) {
		close(e->lock_fd);
		e->lock_fd = -1;
		return -1;
	}
	return 0;
}

static void set_entry(struct rootcache_entry *e, const char *cache, const char *id)
{
	snprintf(e->id, sizeof(e->id), "%s", id);
	free(e->dir);
	e->dir = xasprintf("%s/images/%s", cache, id);
}

/* The entry a file key links to, locked: 0, or -1 (none). */
static int lookup(const char *cache, const char *key, struct rootcache_entry *e)
{
	_cleanup_free_ char *link = xasprintf("%s/files/%s", cache, key);
	char target[256];
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n <= 0)
		return -1;
	target[n] = '\0';
	if (strncmp(target, "../images/sha512-", 17) || strlen(target + 10) != IMAGEID_LEN ||
	    strchr(target + 10, '/'))
		return -1;
	set_entry(e, cache, target + 10);
	return take(e);
}

static void tee_id(void *ctx, const void *buf, size_t len)
{
	imageid_update(ctx, buf, len);
}

/*
 * Whether a file's times are old enough to be a key: a file changed twice
 * within one tick of the file system's clock (some milliseconds) keeps its
 * times, and with its size the key. One whose times were 2 s old when it
 * was opened cannot have changed since without a later time (git's
 * racy-index rule); a change during the read is source_check_unchanged's.
 */
static bool settled(const struct source *src)
{
	const struct stat *st = source_stat(src);
	struct timespec opened = source_opened(src);

	return st->st_mtim.tv_sec + 2 < opened.tv_sec && st->st_ctim.tv_sec + 2 < opened.tv_sec;
}

/* Link the file key to the entry (a new link renamed over the old). */
static void index_file(const char *cache, const char *key, const char *id)
{
	_cleanup_free_ char *link = xasprintf("%s/files/%s", cache, key);
	_cleanup_free_ char *tmp = xasprintf("%s/files/.%s.%d", cache, key, (int)getpid());
	_cleanup_free_ char *target = xasprintf("../images/%s", id);

	unlink(tmp);
	if (symlink(target, tmp) == 0 && rename(tmp, link) < 0)
		unlink(tmp);
}

/* Render the image into a new entry; fills e (locked). */
static int render(const char *cache, struct source *src, const struct unpack_options *uo,
		  struct rootcache_entry *e, enum rootcache_how *how, struct act_err *err)
{
	_cleanup_free_ char *tmp = xasprintf("%s/images/.new-XXXXXX", cache);
	struct imageid *h = imageid_new(err);
	struct unpack_result res;
	char id[IMAGEID_LEN + 1], drain[65536];
	_cleanup_close_ int busy = -1;
	ssize_t n;

	if (!h)
		return -1;
	if (!mkdtemp(tmp)) {
		imageid_free(h);
		return act_err_set(err, errno, "cache '%s': %s", tmp, strerror(errno));
	}
	/* In use while it is filled: prune passes it by. */
	busy = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (busy >= 0)
		flock(busy, LOCK_SH);
	source_tee(src, tee_id, h);
	if (unpack_image(src, tmp, uo, &res, err) < 0)
		goto fail;
	/* The ID covers the whole stream, the zeros after the end too. */
	while ((n = source_read(src, drain, sizeof(drain), err)) > 0)
		;
	source_tee(src, NULL, NULL);
	if (n < 0 || imageid_finish(h, id, err) < 0)
		goto fail;
	imageid_free(h);
	h = NULL;
	set_entry(e, cache, id);
	/* Ours goes in, or one with the same bytes is there already (another
	 * file of this image, or another run meanwhile): then ours goes,
	 * once that one is locked; if prune took it meanwhile, ours again. */
	for (int tries = 0;; tries++) {
		int e_;

		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, e->dir, RENAME_NOREPLACE) == 0)
			break;
		e_ = errno;
		if (e_ != EEXIST && e_ != ENOTEMPTY) {
			rmtree(AT_FDCWD, tmp, 1);
			return act_err_set(err, e_, "cache '%s': %s", e->dir, strerror(e_));
		}
		if (take(e) == 0) {
			rmtree(AT_FDCWD, tmp, 1);
			*how = ROOTCACHE_FOUND_BY_ID;
			return 0;
		}
		if (tries == 3) {
			rmtree(AT_FDCWD, tmp, 1);
			return act_err_set(err, EAGAIN, "cache '%s': removed as it was used", e->dir);
		}
	}
	if (take(e) < 0)
		return act_err_set(err, errno, "cache '%s': %s", e->dir, strerror(errno));
	return 0;
fail:
	source_tee(src, NULL, NULL);
	imageid_free(h);
	rmtree(AT_FDCWD, tmp, 1);
	return -1;
}

int rootcache_get(const char *cache, struct source *src, const struct unpack_options *uo,
		  struct rootcache_entry *e, enum rootcache_how *how, struct act_err *err)
{
	_cleanup_free_ char *key = file_key(source_stat(src));

	memset(e, 0, sizeof(*e));
	e->lock_fd = -1;
	*how = ROOTCACHE_EXTRACTED;
	if (mkdirs(cache, err) < 0)
		return -1;
	if (key && lookup(cache, key, e) == 0) {
		/* The file may have changed since it was opened: the key was
		 * taken then, and a change moves its mtime or ctime. */
		*how = ROOTCACHE_FOUND_BY_FILE;
		return 0;
	}
	if (render(cache, src, uo, e, how, err) < 0) {
		free(e->dir);
		e->dir = NULL;
		return -1;
	}
	if (key && source_check_unchanged(src, NULL) == 0 && settled(src))
		index_file(cache, key, e->id);
	return 0;
}

int rootcache_ready(const char *cache, struct act_err *err)
{
	_cleanup_free_ char *images = xasprintf("%s/images", cache);

	if (mkdirs(cache, err) < 0)
		return -1;
	if (access(images, W_OK | X_OK) < 0)
		return act_err_set(err, errno, "cache '%s': %s", images, strerror(errno));
	return 0;
}

int rootcache_lookup(const char *cache, struct source *src, struct rootcache_entry *e)
{
	_cleanup_free_ char *key = file_key(source_stat(src));

	memset(e, 0, sizeof(*e));
	e->lock_fd = -1;
	if (key && lookup(cache, key, e) == 0)
		return 0;
	rootcache_release(e);
	return -1;
}

void rootcache_release(struct rootcache_entry *e)
{
	if (e->lock_fd >= 0)
		close(e->lock_fd);
	free(e->dir);
	e->dir = NULL;
	e->lock_fd = -1;
}

/* A leftover: prune's own .old-, or a render's .new- unchanged for an
 * hour (one just made is not locked yet for a moment). */
static bool stale(int fd, const char *name)
{
	struct stat st;
	struct timespec now;

	if (!strncmp(name, ".old-", 5))
		return true;
	clock_gettime(CLOCK_REALTIME, &now);
	return fstat(fd, &st) == 0 && st.st_mtim.tv_sec + 3600 < now.tv_sec;
}

int rootcache_prune(const char *cache, uint64_t *removed, uint64_t *busy, struct act_err *err)
{
	_cleanup_free_ char *images = xasprintf("%s/images", cache);
	_cleanup_free_ char *files = xasprintf("%s/files", cache);
	struct dirent *d;
	DIR *dir;

	*removed = *busy = 0;
	dir = opendir(images);
	if (!dir)
		return errno == ENOENT ? 0
				       : act_err_set(err, errno, "%s: %s", images, strerror(errno));
	while ((d = readdir(dir))) {
		_cleanup_free_ char *path = NULL;
		int fd;

		if (streq(d->d_name, ".") || streq(d->d_name, ".."))
			continue;
		path = xasprintf("%s/%s", images, d->d_name);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			(*busy)++;
			close(fd);
			continue;
		}
		/* Renamed aside first, so no run finds it half removed. */
		_cleanup_free_ char *aside = xasprintf("%s/.old-%s", images, d->d_name);
		if (d->d_name[0] != '.' && rename(path, aside) == 0) {
			rmtree(AT_FDCWD, aside, 1);
			(*removed)++;
		} else if (d->d_name[0] == '.' && stale(fd, d->d_name)) {
			/* A render that was cut short, or a removal. */
			rmtree(AT_FDCWD, path, 1);
		}
		close(fd);
	}
	closedir(dir);
	dir = opendir(files);
	while (dir && (d = readdir(dir))) {
		_cleanup_free_ char *path = xasprintf("%s/%s", files, d->d_name);
		struct stat st;

		/* Dangling links, and index_file's temporary ones. */
		if (d->d_name[0] == '.' ? !streq(d->d_name, ".") && !streq(d->d_name, "..")
					: stat(path, &st) < 0)
			unlink(path);
	}
	if (dir)
		closedir(dir);
	return 0;
}
