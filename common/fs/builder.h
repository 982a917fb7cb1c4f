/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"
#include "common/io/sink.h"

/*
 * An image from a layout directory (DIR/manifest, DIR/rootfs/), written as a
 * pax tar stream to a sink. The entries come in a stable order: manifest,
 * rootfs, then the tree under it, a directory before its content and the
 * names of each directory sorted bytewise. Every xattr is kept
 * (SCHILY.xattr records); a file with more than one link is stored once,
 * its other names as hardlink entries; symlinks, devices and fifos as such.
 * Numeric owners only (no user or group names: the host's user database says
 * nothing about the image's). Same tree and options, same bytes.
 */
struct build_options {
	bool owner_root;    /* uid and gid 0 */
	/* A manifest that breaks a spec rule but is readable (manifest_check)
	 * is written, each problem a warning. */
	bool force;
	bool set_mtime;	    /* mtime: every entry's modification time... */
	bool clamp_mtime;   /* ...or only of entries newer than it */
	int64_t mtime;
	/* The output file, which must not be read into itself. */
	bool have_output;
	dev_t out_dev;
	ino_t out_ino;
	/* Things skipped (sockets), --force's problems: one message each. */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	/* After each entry: entries written, data bytes read. */
	void (*progress)(void *ctx, uint64_t entries, uint64_t bytes);
	void *progress_ctx;
};

/*
 * Check dir's layout (exactly manifest, a regular file, and rootfs, a
 * directory) and its manifest, then write the image to out (not finished).
 */
int build_image(const char *dir, struct sink *out, const struct build_options *opt,
		struct act_err *err);
