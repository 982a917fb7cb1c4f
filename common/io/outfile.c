// SPDX-License-Identifier: Apache-2.0
#include <attr/error_context.h>
#include <attr/libattr.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/io/outfile.h"

const char *volatile outfile_pending_tmp;

/*
 * The temporary file and outfile_pending_tmp change together, with signals
 * blocked: a signal handler never sees a file it cannot name, nor unlinks a
 * name after it was renamed into place.
 */
static void block_signals(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, old);
}

static void restore_signals(const sigset_t *old)
{
	int e = errno;

	pthread_sigmask(SIG_SETMASK, old, NULL);
	errno = e;
}

static char *dir_of(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);

	return xstrdup(dirname(copy));
}

static int fsync_dir(const char *path, struct act_err *err)
{
	_cleanup_free_ char *dir = dir_of(path);
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return act_err_set(err, errno, "%s: cannot sync the directory '%s': %s", path,
				   dir, strerror(errno));
	return 0;
}

static int open_tmp(struct outfile *o, struct act_err *err)
{
	_cleanup_free_ char *copy = xstrdup(o->path);
	_cleanup_free_ char *dir = dir_of(o->path);
	const char *base = basename(copy);
	size_t len = strlen(dir) + strlen(base) + 32;

	sigset_t old;

	o->tmp = xmalloc(len);
	snprintf(o->tmp, len, "%s/.%s.acitool-XXXXXX", dir, base);
	/* mkostemp: O_CREAT|O_EXCL (never follows a symlink at the name), 0600. */
	block_signals(&old);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd >= 0)
		outfile_pending_tmp = o->tmp;
	restore_signals(&old);
	if (o->fd < 0) {
		act_err_set(err, errno, "%s: cannot create a temporary file in '%s': %s",
			    o->path, dir, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	return 0;
}

/* --replace of a symlink edits the file it leads to; the link stays. */
static char *resolve(const char *path, struct act_err *err)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) < 0) {
		act_err_set(err, errno, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISLNK(st.st_mode))
		return xstrdup(path);
	real = realpath(path, NULL);
	if (!real)
		act_err_set(err, errno, "%s: cannot resolve the symlink: %s", path,
			    strerror(errno));
	return real;
}

/*
 * What may be written at path, decided before anything is read. A symlink is
 * an existing name: NEW refuses it even dangling (the rename would), and
 * OVERWRITE replaces the link itself, whatever it leads to.
 */
static int check_target(const char *path, enum outfile_mode mode, const struct stat *input,
			struct act_err *err)
{
	struct stat lst, st;

	if (lstat(path, &lst) < 0) {
		if (errno != ENOENT || mode == OUTFILE_REPLACE)
			return act_err_set(err, errno, "%s: %s", path, strerror(errno));
		return 0;
	}
	if (mode == OUTFILE_REPLACE)
		return S_ISREG(lst.st_mode)
			       ? 0
			       : act_err_set(err, EINVAL, "%s: --replace needs a regular file", path);
	if (input && stat(path, &st) == 0 && st.st_dev == input->st_dev &&
	    st.st_ino == input->st_ino)
		return act_err_set(err, EINVAL, "%s: output is the input image (use --replace)",
				   path);
	if (mode == OUTFILE_NEW)
		return act_err_set(err, EEXIST, "%s: output exists (use --overwrite)", path);
	if (!S_ISREG(lst.st_mode) && !S_ISLNK(lst.st_mode))
		return act_err_set(err, EINVAL, "%s: output exists and is not a regular file",
				   path);
	return 0;
}

/* Copying the replaced file's xattrs with libattr (attr_copy_fd). */
struct xattr_copy {
	struct error_context ctx; /* first: libattr hands it back */
	const char *name;	  /* the attribute being copied */
	int code;		  /* the first error that counts, 0 if none */
	char msg[256];
};

static int xattr_check(const char *name, struct error_context *ctx)
{
	struct xattr_copy *x = (struct xattr_copy *)ctx;

	x->name = name;
	/* All but what /etc/xattr.conf says never to copy (security.evm, XFS
	 * internals): ACLs too, which agree with the mode already set. */
	return attr_copy_action(name, NULL) != ATTR_ACTION_SKIP;
}

__attribute__((format(printf, 2, 3))) static void xattr_error(struct error_context *ctx,
							      const char *fmt, ...)
{
	struct xattr_copy *x = (struct xattr_copy *)ctx;
	int code = errno;

	(void)fmt;
	/* A file system without xattrs (or without that namespace) holds none. */
	if (code == ENOTSUP || code == ENOSYS)
		return;
	/* security.* (file capabilities, SELinux labels) takes privilege to set:
	 * without it they cannot be kept, which is no reason to fail. */
	if (geteuid() != 0 && x->name && strncmp(x->name, "security.", 9) == 0)
		return;
	if (x->code)
		return;
	x->code = code ? code : EIO;
	if (x->name)
		snprintf(x->msg, sizeof(x->msg), "cannot keep the extended attribute '%s'",
			 x->name);
	else
		snprintf(x->msg, sizeof(x->msg), "cannot list the extended attributes");
}

/*
 * REPLACE, once the data is written: the mode again (a write by a process
 * without CAP_FSETID clears the set-user-ID and set-group-ID bits) and the
 * xattrs (a write would remove security.capability).
 */
static int keep_attributes(struct outfile *o, struct act_err *err)
{
	struct xattr_copy x = { .ctx = { .error = xattr_error } };

	if (fchmod(o->fd, o->keep.st_mode & 07777) < 0)
		return act_err_set(err, errno, "%s: cannot keep the mode: %s", o->path,
				   strerror(errno));
	attr_copy_fd(o->path, o->orig_fd, o->path, o->fd, xattr_check, &x.ctx);
	if (x.code)
		return act_err_set(err, x.code, "%s: %s: %s", o->path, x.msg, strerror(x.code));
	return 0;
}

int outfile_open(struct outfile *o, const char *path, enum outfile_mode mode,
		 const struct stat *input, struct act_err *err)
{
	struct stat st;
	mode_t mask;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->orig_fd = -1;
	o->mode = mode;
	if (mode == OUTFILE_STDOUT) {
		o->fd = STDOUT_FILENO;
		return 0;
	}
	o->path = mode == OUTFILE_REPLACE ? resolve(path, err) : xstrdup(path);
	if (!o->path || check_target(o->path, mode, input, err) < 0)
		goto fail;
	if (mode == OUTFILE_REPLACE) {
		/* The file checked is the one whose attributes are kept. */
		o->orig_fd = open(o->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (o->orig_fd < 0 || fstat(o->orig_fd, &st) < 0) {
			act_err_set(err, errno, "%s: %s", o->path, strerror(errno));
			goto fail;
		}
		if (!S_ISREG(st.st_mode)) {
			act_err_set(err, EINVAL, "%s: --replace needs a regular file", o->path);
			goto fail;
		}
		o->keep = st;
	}
	if (open_tmp(o, err) < 0)
		goto fail;
	if (mode == OUTFILE_REPLACE) {
		/* Keep the image's owner and mode; only root may give a file away. */
		if (fchown(o->fd, st.st_uid, st.st_gid) < 0 &&
		    (st.st_uid != geteuid() || errno != EPERM)) {
			act_err_set(err, errno, "%s: cannot keep the owner %u:%u: %s", o->path,
				    (unsigned)st.st_uid, (unsigned)st.st_gid, strerror(errno));
			goto fail;
		}
		if (fchmod(o->fd, st.st_mode & 07777) < 0) {
			act_err_set(err, errno, "%s: cannot keep the mode: %s", o->path,
				    strerror(errno));
			goto fail;
		}
	} else {
		mask = umask(0);
		umask(mask);
		if (fchmod(o->fd, 0666 & ~mask) < 0) {
			act_err_set(err, errno, "%s: %s", o->tmp, strerror(errno));
			goto fail;
		}
	}
	return 0;
fail:
	outfile_abort(o);
	return -1;
}

/* Move the finished temporary file to its name; errno set on failure. */
static int publish(struct outfile *o)
{
	struct stat st;
	int r;

	if (o->mode != OUTFILE_NEW)
		return rename(o->tmp, o->path);
	/* No clobbering even if the name appeared while we wrote. */
	r = renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path, RENAME_NOREPLACE);
	if (r == 0 || (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP))
		return r;
	/* Filesystems without RENAME_NOREPLACE (NFS, 9p, many FUSE): link()
	 * refuses to clobber too. */
	r = link(o->tmp, o->path);
	if (r == 0) {
		unlink(o->tmp);
		return 0;
	}
	if (errno != EPERM && errno != ENOSYS && errno != ENOTSUP)
		return r;
	/* Nor hard links (sshfs, some SMB servers): check, then rename; only a
	 * name made in between the two could be replaced. */
	if (lstat(o->path, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return errno == ENOENT ? rename(o->tmp, o->path) : -1;
}

int outfile_commit(struct outfile *o, struct act_err *err)
{
	sigset_t old;
	int r;

	if (o->mode == OUTFILE_STDOUT) {
		/* A pipe cannot be synced; a redirected file can and should. */
		if (!o->no_sync && fsync(o->fd) < 0 && errno != EINVAL && errno != EROFS &&
		    errno != ENOTSUP)
			return act_err_set(err, errno, "(stdout): %s", strerror(errno));
		o->committed = true;
		return 0;
	}
	if (o->mode == OUTFILE_REPLACE && keep_attributes(o, err) < 0)
		goto fail;
	if (!o->no_sync && fsync(o->fd) < 0) {
		act_err_set(err, errno, "%s: cannot sync: %s", o->path, strerror(errno));
		goto fail;
	}
	if (close(o->fd) < 0) {
		o->fd = -1;
		act_err_set(err, errno, "%s: %s", o->path, strerror(errno));
		goto fail;
	}
	o->fd = -1;
	block_signals(&old);
	r = publish(o);
	if (r == 0)
		outfile_pending_tmp = NULL;
	restore_signals(&old);
	if (r < 0) {
		if (o->mode == OUTFILE_NEW)
			act_err_set(err, errno, "%s: %s", o->path,
				    errno == EEXIST ? "output exists (use --overwrite)"
						    : strerror(errno));
		else
			act_err_set(err, errno, "%s: cannot rename '%s' into place: %s", o->path,
				    o->tmp, strerror(errno));
		goto fail;
	}
	free(o->tmp);
	o->tmp = NULL;
	if (o->orig_fd >= 0)
		close(o->orig_fd);
	o->orig_fd = -1;
	if (!o->no_sync && fsync_dir(o->path, err) < 0)
		return -1;
	free(o->path);
	o->path = NULL;
	return 0;
fail:
	outfile_abort(o);
	return -1;
}

/*
 * What a failed run leaves on standard output must not pass for an image:
 * cut short, even without its end-of-archive marker, GNU tar, bsdtar and
 * python's tarfile read it to its last whole entry and exit 0. So it ends
 * in the header of an entry, named for what happened, whose 8 GiB of data
 * never come: every tar reader reports a truncated archive, and a gzip,
 * bzip2 or xz reader finds data that is not its own after the last member.
 */
static void spoil_stdout(int fd)
{
	unsigned char blk[512] = "ACITOOL-RUN-FAILED: this stream was cut short";
	unsigned sum = 0;

	memcpy(blk + 100, "0000000", 8);	   /* mode */
	memcpy(blk + 108, "0000000", 8);	   /* uid */
	memcpy(blk + 116, "0000000", 8);	   /* gid */
	memcpy(blk + 124, "77777777777", 12); /* size */
	memcpy(blk + 136, "00000000000", 12); /* mtime */
	memset(blk + 148, ' ', 8);		   /* the checksum, as summed */
	blk[156] = '0';
	memcpy(blk + 257, "ustar", 6);
	memcpy(blk + 263, "00", 2);
	for (size_t i = 0; i < sizeof(blk); i++)
		sum += blk[i];
	snprintf((char *)blk + 148, 8, "%06o", sum);
	(void)!write(fd, blk, sizeof(blk));
}

void outfile_abort(struct outfile *o)
{
	sigset_t old;

	/* Nothing written, nothing to spoil: an empty stream is no image. */
	if (o->mode == OUTFILE_STDOUT && o->fd >= 0 && o->dirty && !o->committed)
		spoil_stdout(o->fd);
	if (o->mode != OUTFILE_STDOUT && o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->orig_fd >= 0)
		close(o->orig_fd);
	o->orig_fd = -1;
	if (o->tmp) {
		block_signals(&old);
		unlink(o->tmp);
		outfile_pending_tmp = NULL;
		restore_signals(&old);
		free(o->tmp);
		o->tmp = NULL;
	}
	free(o->path);
	o->path = NULL;
}
