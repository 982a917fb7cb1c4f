/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"
#include "common/fs/treewalk.h"

/*
 * Files on disk as tar entries, through a libarchive writer: what build does
 * for a layout's rootfs and patch-manifest --add for the files it copies in.
 * Mode, owner, times and every xattr (file capabilities included) come from
 * the file; a file with holes gets a sparse map; a file with more links
 * than one is stored once, its other names as hardlink entries to the first
 * one this writer wrote; symlinks, devices and fifos as such. Numeric owners
 * only. A file that changes while it is read is an error, not a wrong image.
 */
struct archive;
struct archive_entry;

struct hostentry_options {
	bool owner_root;  /* uid and gid 0 */
	bool set_mtime;	  /* mtime: every entry's modification time... */
	bool clamp_mtime; /* ...or only of entries newer than it */
	int64_t mtime;
	/* The writer failed on path: fill err, with the output's own error
	 * where there is one (a full disk). NULL: libarchive's message. */
	int (*write_error)(void *ctx, const char *path, struct act_err *err);
	void *write_error_ctx;
	/* After each entry: entries written, data bytes read. */
	void (*progress)(void *ctx, uint64_t entries, uint64_t bytes);
	void *progress_ctx;
};

struct hostentry;

struct hostentry *hostentry_new(const struct hostentry_options *o);
void hostentry_free(struct hostentry *h);

/* A header for st under name: mode, owner and mtime as the options say, the
 * size of a regular file, the device of a device. */
struct archive_entry *hostentry_header(const struct hostentry *h, const char *name,
				       const struct stat *st);

/*
 * Write te (a socket is the caller's to skip) to aw as the entry name; full
 * is its path on disk, for messages and xattrs. adjust, when not NULL, may
 * change the header before it is written (not for a hardlink entry).
 */
int hostentry_write(struct hostentry *h, struct archive *aw, const struct treewalk_entry *te,
		    const char *full, const char *name,
		    int (*adjust)(void *ctx, const char *name, struct archive_entry *e,
				  struct act_err *err),
		    void *adjust_ctx, struct act_err *err);
