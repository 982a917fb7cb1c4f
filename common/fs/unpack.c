// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/image/aci.h"
#include "common/tar/entrypath.h"
#include "common/base/interrupt.h"
#include "common/image/layout.h"
#include "common/base/fileio.h"
#include "common/base/macro.h"
#include "common/manifest/manifest.h"
#include "common/fs/rmtree.h"
#include "common/tar/tarstream.h"
#include "common/fs/unpack.h"

/* An xattr held back from archive_write_disk. */
struct xattr {
	char *name;
	void *value;
	size_t size;
};

struct unpacker {
	const struct unpack_options *opt;
	struct unpack_result *res;
	struct source *src;
	struct tarstream *ts;
	struct archive *aw;
	struct xattr *acls;
	size_t nacls;
};

static bool is_acl(const char *name)
{
	return streq(name, "system.posix_acl_access") || streq(name, "system.posix_acl_default");
}

/* Namespaces an unprivileged process cannot write. */
static bool is_privileged(const char *name)
{
	return strncmp(name, "security.", 9) == 0 || strncmp(name, "trusted.", 8) == 0;
}

static void acls_clear(struct unpacker *u)
{
	for (size_t i = 0; i < u->nacls; i++) {
		free(u->acls[i].name);
		free(u->acls[i].value);
	}
	u->nacls = 0;
}

/*
 * archive_write_disk quietly skips ACLs that come as xattrs (it sets ACLs
 * from SCHILY.acl records only): keep them for after the entry. Without
 * owners, leave out what needs privilege.
 */
static void sort_xattrs(struct unpacker *u, struct archive_entry *e)
{
	int n = archive_entry_xattr_reset(e);
	struct xattr *keep;
	size_t nkeep = 0;
	const char *name;
	const void *value;
	size_t size;

	if (n <= 0)
		return;
	keep = xcalloc((size_t)n, sizeof(*keep));
	u->acls = xrealloc(u->acls, (size_t)n * sizeof(*u->acls));
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		struct xattr x = { xstrdup(name), xmalloc(size ? size : 1), size };

		memcpy(x.value, value, size);
		if (is_acl(name)) {
			u->acls[u->nacls++] = x;
		} else if (!u->opt->owners && is_privileged(name)) {
			u->res->xattrs_skipped++;
			free(x.name);
			free(x.value);
		} else {
			keep[nkeep++] = x;
		}
	}
	archive_entry_xattr_clear(e);
	for (size_t i = 0; i < nkeep; i++) {
		archive_entry_xattr_add_entry(e, keep[i].name, keep[i].value, keep[i].size);
		free(keep[i].name);
		free(keep[i].value);
	}
	free(keep);
}

static int aw_error(struct unpacker *u, const char *name, struct act_err *err)
{
	int code = archive_errno(u->aw);
	const char *msg = archive_error_string(u->aw) ?: "cannot extract";
	const char *why = code > 0 ? strerror(code) : "";

	/* libarchive's messages mostly leave out the reason. */
	if (!*why || strstr(msg, why))
		return act_err_set(err, code > 0 ? code : EIO, "%s: entry %lld '%s': %s",
				   source_path(u->src), (long long)tarstream_index(u->ts), name,
				   msg);
	return act_err_set(err, code, "%s: entry %lld '%s': %s: %s", source_path(u->src),
			   (long long)tarstream_index(u->ts), name, msg, why);
}

static int interrupted(struct act_err *err)
{
	return act_err_set(err, EINTR, "interrupted by signal %d", (int)interrupt_signal);
}

/* One entry: header, data (from memory for the manifest, else streamed),
 * then the metadata archive_write_disk restores at the end of the entry. */
static int write_entry(struct unpacker *u, struct archive_entry *e, const char *mem,
		       size_t memlen, struct act_err *err)
{
	const char *name = archive_entry_pathname(e);
	const void *buf;
	size_t len;
	int64_t off;
	int r;

	acls_clear(u);
	sort_xattrs(u, e);
	/* Any warning is an error: a file written without its metadata is not
	 * the file of the image. */
	if (archive_write_header(u->aw, e) != ARCHIVE_OK)
		return aw_error(u, name, err);
	if (mem) {
		if (memlen && archive_write_data_block(u->aw, mem, memlen, 0) != ARCHIVE_OK)
			return aw_error(u, name, err);
	} else if (archive_entry_size(e) > 0) {
		while ((r = tarstream_read_block(u->ts, &buf, &len, &off, err)) > 0) {
			if (interrupt_signal)
				return interrupted(err);
			if (archive_write_data_block(u->aw, buf, len, off) != ARCHIVE_OK)
				return aw_error(u, name, err);
		}
		if (r < 0)
			return -1;
	}
	if (archive_write_finish_entry(u->aw) != ARCHIVE_OK)
		return aw_error(u, name, err);
	for (size_t i = 0; i < u->nacls; i++)
		if (lsetxattr(name, u->acls[i].name, u->acls[i].value, u->acls[i].size, 0) < 0)
			return act_err_set(err, errno, "%s: entry %lld '%s': cannot set %s: %s",
					   source_path(u->src), (long long)tarstream_index(u->ts),
					   name, u->acls[i].name, strerror(errno));
	return 0;
}

static int check_manifest_entry(struct unpacker *u, struct archive_entry *e,
				struct act_err *err)
{
	if (archive_entry_hardlink(e) || archive_entry_filetype(e) != AE_IFREG)
		return act_err_set(err, EINVAL, "%s: the manifest entry is not a regular file",
				   source_path(u->src));
	return 0;
}

/* Hardlinks may only point at another file of the rootfs, by its cleaned name. */
static int clean_hardlink(struct unpacker *u, struct archive_entry *e, struct act_err *err)
{
	const char *target = archive_entry_hardlink(e);
	_cleanup_free_ char *clean = NULL;
	bool escapes;

	if (!target)
		return 0;
	clean = entrypath_clean(target, &escapes);
	if (escapes || strncmp(clean, "rootfs/", 7) != 0)
		return act_err_set(err, EINVAL, "%s: entry %lld '%s': hardlink to '%s', outside rootfs/",
				   source_path(u->src), (long long)tarstream_index(u->ts),
				   archive_entry_pathname(e), target);
	archive_entry_copy_hardlink(e, clean);
	return 0;
}

static int extract_entries(struct unpacker *u, struct act_err *err)
{
	struct layout *layout = layout_new();
	struct archive_entry *e;
	int r, manifests = 0;

	while ((r = tarstream_next(u->ts, &e, err)) > 0) {
		const char *clean = tarstream_name(u->ts);
		_cleanup_free_ char *text = NULL;
		size_t len = 0;

		if (interrupt_signal) {
			r = interrupted(err);
			break;
		}

		if (u->opt->progress)
			u->opt->progress(u->opt->progress_ctx, (uint64_t)tarstream_index(u->ts),
					 source_bytes_read(u->src));
		if (layout_check(layout, e, clean, tarstream_name_escapes(u->ts), err) < 0) {
			act_err_wrap(err, "%s", source_path(u->src));
			break;
		}
		if (clean[0] == '\0') /* "./": DIR itself */
			continue;
		if (streq(clean, "manifest")) {
			manifests++;
			if (check_manifest_entry(u, e, err) < 0 ||
			    tarstream_read_data(u->ts, ACI_MANIFEST_MAX, &text, &len, err) < 0)
				break;
			if (manifest_check(text, len, err) < 0) {
				act_err_wrap(err, "%s: invalid manifest", source_path(u->src));
				break;
			}
		}
		/* Only root makes device nodes. */
		if (!u->opt->owners && (archive_entry_filetype(e) == AE_IFCHR ||
					archive_entry_filetype(e) == AE_IFBLK) &&
		    !archive_entry_hardlink(e)) {
			u->res->devices_skipped++;
			continue;
		}
		archive_entry_copy_pathname(e, clean);
		if (clean_hardlink(u, e, err) < 0 || write_entry(u, e, text, len, err) < 0)
			break;
		u->res->entries++;
	}
	layout_free(layout);
	if (act_err_isset(err))
		return -1;
	if (!manifests)
		return act_err_set(err, ENOENT, "%s: no manifest in the image", source_path(u->src));
	/* Directories' modes and times are set last, now. */
	if (archive_write_close(u->aw) != ARCHIVE_OK)
		return act_err_set(err, EIO, "%s: %s", source_path(u->src),
				   archive_error_string(u->aw));
	/* An image with no rootfs entry at all still makes a layout. */
	if (mkdir("rootfs", 0755) < 0 && errno != EEXIST)
		return act_err_set(err, errno, "rootfs: %s", strerror(errno));
	return 0;
}

static int extract_here(struct unpacker *u, struct act_err *err)
{
	int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_XATTR |
		    ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
		    ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
	int r;

	if (u->opt->owners)
		flags |= ARCHIVE_EXTRACT_OWNER;
	u->aw = archive_write_disk_new();
	/* No user lookup: owners are the image's numbers, not names looked up
	 * in the host's user database. */
	if (archive_write_disk_set_options(u->aw, flags) != ARCHIVE_OK)
		return act_err_set(err, EIO, "cannot set up extraction: %s",
				   archive_error_string(u->aw));
	u->ts = tarstream_open(u->src, NULL, err);
	r = u->ts ? extract_entries(u, err) : -1;
	tarstream_free(u->ts);
	u->ts = NULL;
	/* Still in DIR: archive_write_disk applies pending directory fixups by
	 * relative name when it is freed. */
	archive_write_free(u->aw);
	u->aw = NULL;
	acls_clear(u);
	free(u->acls);
	return r;
}

/* The empty directory to extract into: DIR itself, or a new temporary one
 * next to it (*tmp set). */
static int open_target(const char *dir, char **tmp, struct act_err *err)
{
	struct stat st;
	int fd;

	*tmp = NULL;
	if (lstat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return act_err_set(err, EEXIST, "%s: exists and is not a directory", dir);
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
		if (!fileio_dir_empty(fd)) {
			close(fd);
			return act_err_set(err, ENOTEMPTY, "%s: not an empty directory", dir);
		}
		return fd;
	}
	if (errno != ENOENT)
		return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	{
		_cleanup_free_ char *copy = xstrdup(dir), *copy2 = xstrdup(dir);
		const char *parent = dirname(copy), *base = basename(copy2);
		size_t len = strlen(parent) + strlen(base) + 32;

		*tmp = xmalloc(len);
		snprintf(*tmp, len, "%s/.%s.acitool-XXXXXX", parent, base);
	}
	if (!mkdtemp(*tmp)) {
		act_err_set(err, errno, "%s: cannot create a directory next to it: %s", dir,
			    strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	fd = open(*tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		act_err_set(err, errno, "%s: %s", *tmp, strerror(errno));
		rmdir(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return fd;
}

/* The new DIR in place, unless someone made one meanwhile. */
static int commit(int fd, const char *tmp, const char *dir, struct act_err *err)
{
	mode_t mask = umask(0);

	umask(mask);
	if (fchmod(fd, 0777 & ~mask) < 0)
		return act_err_set(err, errno, "%s: %s", tmp, strerror(errno));
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EINVAL || errno == ENOSYS) {
		struct stat st;

		if (lstat(dir, &st) == 0)
			errno = EEXIST;
		else if (rename(tmp, dir) == 0)
			return 0;
	}
	return act_err_set(err, errno, "%s: cannot rename '%s' into place: %s", dir, tmp,
			   strerror(errno));
}

int unpack_image(struct source *src, const char *path, const struct unpack_options *opt,
		 struct unpack_result *res, struct act_err *err)
{
	struct unpacker u = { .opt = opt, .res = res, .src = src };
	_cleanup_free_ char *dir = xstrdup(path), *tmp = NULL;
	int fd, cwd, r = -1;

	*res = (struct unpack_result){ 0 };
	/* From before the temporary directory exists until it is gone or in
	 * place, a signal waits for this function to clean up. */
	interrupt_deferring = 1;
	/* "out/" names the directory out. */
	for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
		dir[n - 1] = '\0';
	cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0) {
		interrupt_deferring = 0;
		return act_err_set(err, errno, "cannot open the working directory: %s",
				   strerror(errno));
	}
	fd = open_target(dir, &tmp, err);
	if (fd < 0) {
		close(cwd);
		interrupt_deferring = 0;
		return -1;
	}
	/* archive_write_disk works relative to the working directory: DIR's
	 * own path is then never checked, only what lies inside it. */
	if (fchdir(fd) < 0) {
		act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	} else {
		r = extract_here(&u, err);
		if (fchdir(cwd) < 0 && r == 0)
			r = act_err_set(err, errno, "cannot return to the working directory: %s",
					strerror(errno));
	}
	if (r == 0 && tmp)
		r = commit(fd, tmp, dir, err);
	if (r < 0) {
		if (tmp)
			rmtree(AT_FDCWD, tmp, 1);
		else
			rmtree(fd, ".", 0);
	}
	close(fd);
	close(cwd);
	interrupt_deferring = 0;
	return r;
}
