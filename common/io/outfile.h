/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "common/base/err.h"

/*
 * Output files that are either complete or absent. Data goes to a temporary
 * file in the target's directory (O_EXCL, never through a symlink); commit
 * fsyncs it, renames it into place and fsyncs the directory (unless no_sync).
 * On any failure, or a signal, the temporary file is removed and nothing else
 * is touched.
 *
 * A symlink at the target: OUTFILE_NEW refuses it (even a dangling one),
 * OUTFILE_OVERWRITE replaces the link itself and never writes through it,
 * OUTFILE_REPLACE resolves it and replaces the file it points to, so the
 * link stays and still leads to the (edited) image.
 */
enum outfile_mode {
	OUTFILE_NEW,	   /* refuse an existing file */
	OUTFILE_OVERWRITE, /* replace an existing file (never the input) */
	OUTFILE_REPLACE,   /* replace the input itself, keeping its mode, owner, xattrs */
	OUTFILE_STDOUT,
};

struct outfile {
	int fd;
	enum outfile_mode mode;
	char *path;	/* final name (REPLACE: a symlink resolved) */
	char *tmp;	/* temporary name while writing */
	int orig_fd;	/* REPLACE: the file replaced, for its xattrs at commit */
	struct stat keep; /* REPLACE: its mode and owner */
	/* Set after outfile_open: commit syncs neither the file nor its directory
	 * (the rename stays atomic; only a system crash can then lose data). */
	bool no_sync;
	bool committed;	/* STDOUT: the whole image went out */
	bool dirty;	/* STDOUT: some of it went out (the caller says so) */
};

/*
 * input is the image being read (its status, for the same-file check and for
 * REPLACE); NULL when reading stdin.
 */
int outfile_open(struct outfile *o, const char *path, enum outfile_mode mode,
		 const struct stat *input, struct act_err *err);
int outfile_commit(struct outfile *o, struct act_err *err);
/* Remove the temporary file; safe to call after commit or twice. On
 * standard output, dirty and not committed: end what went out with a block
 * no reader takes for tar or compressed data, so a failed run's stream is
 * never read as a whole image. */
void outfile_abort(struct outfile *o);

/*
 * The temporary file being written, for a signal handler to unlink: set while
 * a temporary file exists, NULL otherwise. Only async-signal-safe use.
 */
extern const char *volatile outfile_pending_tmp;
