// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/fileio.h"
#include "common/base/macro.h"
#include "common/fs/rmtree.h"
#include "common/fs/renderdir.h"
#include "common/fs/unpack.h"
#include "common/run/bundle.h"
#include "common/run/inroot.h"
#include "common/run/ociconfig.h"
#include "common/spec/spec.h"

/* rkt's fallback hosts file (stage1/net/rootfs/etc/hosts-fallback), plus
 * the container's own name. */
static char *hosts_text(const char *hostname)
{
	char *s;

	if (asprintf(&s,
		     "127.0.0.1\tlocalhost localhost.localdomain localhost4 "
		     "localhost4.localdomain4\n"
		     "::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n"
		     "ff02::1\tip6-allnodes\n"
		     "ff02::2\tip6-allrouters\n"
		     "127.0.0.1\t%s\n",
		     hostname) < 0)
		abort();
	return s;
}

static int write_file(int dirfd, const char *name, const char *text, size_t len, mode_t mode,
		      struct act_err *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0 || fileio_write(fd, text, len) < 0)
		return act_err_set(err, errno, "%s: %s", name, strerror(errno));
	return 0;
}

static void warn(struct run_plan *p, char *msg)
{
	p->warnings = xrealloc(p->warnings, (p->nwarnings + 1) * sizeof(*p->warnings));
	p->warnings[p->nwarnings++] = msg;
}

/* The directory part of path and its last component (both malloc'd). */
static void split(const char *path, char **dir, char **base)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	const char *slash = memrchr(path, '/', n);
	*dir = slash ? xstrndup(path, (size_t)(slash - path + 1)) : xstrdup("/");
	*base = slash ? xstrndup(slash + 1, n - (size_t)(slash - path + 1)) : xstrndup(path, n);
}

/* A directory source over a non-directory target: runc would fail (not a
 * directory); the spec says replace it, with a warning. */
static int fix_target(int root, struct run_plan *p, const struct run_mount *m, struct act_err *err)
{
	_cleanup_free_ char *dir = NULL, *base = NULL;
	_cleanup_close_ int dfd = -1;
	struct stat st, src;

	if (stat(m->source, &src) < 0 || !S_ISDIR(src.st_mode))
		return 0;
	split(m->target, &dir, &base);
	dfd = inroot_open(root, dir, O_PATH | O_DIRECTORY);
	if (dfd < 0 || !*base || streq(base, ".") || streq(base, ".."))
		return 0; /* runc makes the parents */
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode) ||
	    S_ISLNK(st.st_mode))
		return 0; /* missing: runc makes it; a symlink: runc resolves it inside */
	/* O_PATH descriptors cannot unlink: reopen the directory. */
	_cleanup_close_ int wfd = inroot_open(root, dir, O_RDONLY | O_DIRECTORY);
	if (wfd < 0 || unlinkat(wfd, base, 0) < 0 || mkdirat(wfd, base, 0755) < 0)
		return act_err_set(err, errno, "mount point '%s': %s", m->target, strerror(errno));
	warn(p, xasprintf("mount point '%s' was a file in the image: replaced by a directory",
			   m->target));
	return 0;
}

static int prepare(const char *absdir, int dirfd, int root, struct run_plan *p,
		   struct act_err *err)
{
	bool volumes = false;

	if (p->need_tmp) {
		/* EEXIST: a /tmp symlink that leads nowhere, left as it is. */
		if (mkdirat(root, "tmp", 01777) == 0) {
			if (fchmodat(root, "tmp", 01777, AT_SYMLINK_NOFOLLOW) < 0)
				return act_err_set(err, errno, "rootfs/tmp: %s", strerror(errno));
		} else if (errno != EEXIST) {
			return act_err_set(err, errno, "rootfs/tmp: %s", strerror(errno));
		}
	}
	for (size_t i = 0; i < p->nmounts; i++) {
		struct run_mount *m = &p->mounts[i];
		_cleanup_free_ char *name = NULL;

		if (!m->source) {
			if (!volumes && mkdirat(dirfd, "volumes", 0700) < 0)
				return act_err_set(err, errno, "volumes: %s", strerror(errno));
			volumes = true;
			name = xasprintf("volumes/%zu", i);
			if (mkdirat(dirfd, name, 0755) < 0)
				return act_err_set(err, errno, "%s: %s", name, strerror(errno));
			m->source = xasprintf("%s/%s", absdir, name);
		}
		if (fix_target(root, p, m, err) < 0)
			return -1;
	}
	return 0;
}

/* DIR/hooks/NAME/config.json for each event handler: a bundle of its own
 * on DIR/rootfs. */
static int write_hooks(const char *absdir, int dirfd, const struct run_plan *p,
		       const char *hosts, struct act_err *err)
{
	const struct run_hook *hooks[] = { &p->pre_start, &p->post_stop };
	static const char *const names[] = { "pre-start", "post-stop" };
	_cleanup_free_ char *rootfs = xasprintf("%s/rootfs", absdir);
	bool made = false;

	for (size_t i = 0; i < ARRAY_SIZE(hooks); i++) {
		struct run_plan q;
		_cleanup_free_ char *sub = NULL, *text = NULL;
		_cleanup_close_ int fd = -1;
		size_t len;

		if (!hooks[i]->argv)
			continue;
		if (!made && mkdirat(dirfd, "hooks", 0700) < 0)
			return act_err_set(err, errno, "hooks: %s", strerror(errno));
		made = true;
		sub = xasprintf("hooks/%s", names[i]);
		if (mkdirat(dirfd, sub, 0700) < 0)
			return act_err_set(err, errno, "%s: %s", sub, strerror(errno));
		q = run_plan_for_hook(p, hooks[i]);
		text = ociconfig_text(&q, rootfs, hosts, &len, err);
		fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (!text || fd < 0 || write_file(fd, "config.json", text, len, 0600, err) < 0)
			return act_err_set(err, errno, "%s/config.json: %s", sub, strerror(errno));
	}
	return 0;
}

/* Whether an overlay can be mounted in dir (a probe, removed again):
 * not in every container, nor on every file system. */
static bool overlay_works(const char *dir)
{
	_cleanup_free_ char *base = xasprintf("%s/.probe", dir);
	_cleanup_free_ char *opts = xasprintf("lowerdir=%s/l,upperdir=%s/u,workdir=%s/w", base,
					      base, base);
	_cleanup_free_ char *l = xasprintf("%s/l", base), *u = xasprintf("%s/u", base);
	_cleanup_free_ char *w = xasprintf("%s/w", base), *m = xasprintf("%s/m", base);
	bool ok = false;

	if (mkdir(base, 0700) == 0 && mkdir(l, 0700) == 0 && mkdir(u, 0700) == 0 &&
	    mkdir(w, 0700) == 0 && mkdir(m, 0700) == 0 &&
	    mount("overlay", m, "overlay", 0, opts) == 0) {
		ok = true;
		umount2(m, MNT_DETACH);
	}
	rmtree(AT_FDCWD, base, 1);
	return ok;
}

/* DIR/rootfs as an overlay on the cache entry: the image, unchanged
 * underneath, and whatever the run writes in DIR/upper. */
/* DIR/rootfs as an overlay on the cache entry b->entry: the image,
 * unchanged underneath, and whatever the run writes in DIR/upper. 0, or
 * -1 with errno (nothing mounted). */
static int mount_entry(const char *dir, const struct unpack_options *uo, struct bundle *b)
{
	_cleanup_free_ char *rootfs = xasprintf("%s/rootfs", dir), *opts = NULL;
	_cleanup_free_ char *up = xasprintf("%s/upper", dir), *work = xasprintf("%s/work", dir);
	_cleanup_free_ char *low = xasprintf("%s/rootfs", b->entry.dir);
	struct stat st;

	opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", low, up, work);
	/* The overlay's root has the upper directory's mode and owner. */
	if (stat(low, &st) < 0 || mkdir(rootfs, 0755) < 0 || mkdir(up, 0755) < 0 ||
	    chmod(up, st.st_mode & 07777) < 0 || (uo->owners && chown(up, st.st_uid, st.st_gid) < 0) ||
	    mkdir(work, 0700) < 0 || mount("overlay", rootfs, "overlay", 0, opts) < 0) {
		int e = errno;

		rmdir(work);
		rmdir(up);
		rmdir(rootfs);
		errno = e;
		return -1;
	}
	b->mounted = true;
	return 0;
}

/* DIR/manifest from the cache entry's. */
static int copy_manifest(const char *dir, struct bundle *b, struct act_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	_cleanup_close_ int efd = open(b->entry.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (efd < 0 || dfd < 0 || inroot_read(efd, "manifest", 1u << 20, &text, &len, err) != 0)
		return act_err_set(err, EIO, "cache '%s': no manifest", b->entry.dir);
	return write_file(dfd, "manifest", text, len, 0644, err);
}

/*
 * The rootfs from the cache where an overlay can be mounted: a file seen
 * before is mounted without a probe (if the mount fails, it is still
 * unread, and is extracted instead); any other input is read into the
 * cache only once a probe mount worked. 1: mounted; 0: extract instead.
 */
static int from_cache(const char *dir, const struct bundle_options *bo, struct source *src,
		      const struct unpack_options *uo, struct bundle *b, struct act_err *err)
{
	struct act_err why = { 0 };

	if (rootcache_ready(bo->cache, &why) < 0) {
		snprintf(b->why_not, sizeof(b->why_not), "%s", why.msg);
		return 0;
	}
	if (rootcache_lookup(bo->cache, src, &b->entry) == 0) {
		b->how = ROOTCACHE_FOUND_BY_FILE;
		if (mount_entry(dir, uo, b) == 0)
			return copy_manifest(dir, b, err) < 0 ? -1 : 1;
		snprintf(b->why_not, sizeof(b->why_not), "overlay: %s", strerror(errno));
		rootcache_release(&b->entry);
		return 0;
	}
	if (!overlay_works(dir)) {
		snprintf(b->why_not, sizeof(b->why_not), "no overlay can be mounted in %s", dir);
		return 0;
	}
	if (rootcache_get(bo->cache, src, uo, &b->entry, &b->how, err) < 0)
		return -1;
	if (mount_entry(dir, uo, b) < 0)
		return act_err_set(err, errno, "overlay on %s/rootfs: %s", dir, strerror(errno));
	return copy_manifest(dir, b, err) < 0 ? -1 : 1;
}

static int make(struct source *src, const char *dir, const struct bundle_options *bo,
		const struct run_options *o, struct bundle *b, bool *unpacked, struct act_err *err)
{
	struct unpack_options uo = {
		.owners = bo->owners,
		.progress = bo->progress,
		.progress_ctx = bo->progress_ctx,
	};
	struct unpack_result res;
	struct run_plan *p = &b->plan;
	_cleanup_close_ int dirfd = -1, root = -1;
	_cleanup_free_ char *manifest = NULL, *config = NULL, *hosts = NULL, *hosts_path = NULL;
	_cleanup_free_ char *absdir = NULL;
	struct spec_report rep = SPEC_REPORT_INIT;
	size_t len, clen;
	int r;

	*unpacked = true;
	if (bo->deps) {
		struct render_stats st;

		if (render_to_dir(bo->deps, dir, &uo, &res, &st, err) < 0) {
			*unpacked = false;
			return -1;
		}
	} else {
		r = bo->cache ? from_cache(dir, bo, src, &uo, b, err) : 0;
		if (r < 0)
			return -1;
		if (r == 0 && unpack_image(src, dir, &uo, &res, err) < 0) {
			*unpacked = false;
			return -1;
		}
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	root = openat(dirfd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return act_err_set(err, errno, "%s/rootfs: %s", dir, strerror(errno));
	if (inroot_read(dirfd, "manifest", 1u << 20, &manifest, &len, err) != 0)
		return act_err_set(err, EIO, "%s/manifest: missing", dir);
	/* What the executor reads must be what the spec allows: a value
	 * out of range is refused here, not half-applied. */
	if (spec_check_manifest(manifest, len, &rep)) {
		spec_report_err(&rep, "the image's manifest", NULL, err);
		spec_report_free(&rep);
		return -1;
	}
	if (run_plan_make(manifest, len, root, o, p, err) < 0)
		return -1;
	/* Paths in config.json are absolute: runc may run from elsewhere. */
	absdir = realpath(dir, NULL);
	if (!absdir)
		return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	if (prepare(absdir, dirfd, root, p, err) < 0)
		return -1;
	if (p->need_hosts) {
		hosts = hosts_text(p->hostname);
		hosts_path = xasprintf("%s/hosts", absdir);
		if (write_file(dirfd, "hosts", hosts, strlen(hosts), 0644, err) < 0)
			return -1;
	}
	config = ociconfig_text(p, "rootfs", hosts_path, &clen, err);
	if (!config || write_file(dirfd, "config.json", config, clen, 0600, err) < 0)
		return -1;
	return write_hooks(absdir, dirfd, p, hosts_path, err);
}

void bundle_release(const char *dir, struct bundle *b)
{
	if (b->mounted) {
		_cleanup_free_ char *rootfs = xasprintf("%s/rootfs", dir);

		umount2(rootfs, MNT_DETACH);
		b->mounted = false;
	}
	rootcache_release(&b->entry);
}

int bundle_make(struct source *src, const char *dir, const struct bundle_options *bo,
		const struct run_options *o, struct bundle *b, struct act_err *err)
{
	struct stat st;
	bool existed = stat(dir, &st) == 0, unpacked = false;

	memset(b, 0, sizeof(*b));
	b->entry.lock_fd = -1;
	if (make(src, dir, bo, o, b, &unpacked, err) == 0)
		return 0;
	run_plan_free(&b->plan);
	bundle_release(dir, b);
	/* unpack_image leaves DIR as it was on its own failures; after it,
	 * DIR is ours to empty (and to remove if we made it). */
	if (unpacked)
		rmtree(AT_FDCWD, dir, !existed);
	return -1;
}
