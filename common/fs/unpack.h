/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/io/source.h"

/*
 * An image extracted to a layout directory (DIR/manifest, DIR/rootfs/) that
 * build takes back. Every entry is checked as a rewrite checks it (exactly
 * one valid manifest, only manifest and rootfs/ at the top, no entry twice,
 * no absolute name or one that climbs out) and written under its cleaned
 * name by libarchive's archive_write_disk with the ARCHIVE_EXTRACT_SECURE_*
 * flags: nothing is written through a symlink or outside DIR. Metadata is
 * restored in the order chown, chmod, xattrs, as archive_write_disk does it
 * for root (chown clears security.capability and set-id bits); then POSIX
 * ACLs, which archive_write_disk leaves out when they come as xattrs; times
 * last.
 *
 * DIR must not exist, or be an empty directory. A new DIR is filled under a
 * temporary name in its parent and renamed into place at the end; on any
 * failure what was extracted is removed again, so DIR is whole or as it was.
 */
struct unpack_options {
	/* Restore owners (needs root); without it files belong to the caller,
	 * and device nodes, security.* and trusted.* xattrs, which need
	 * privilege, are skipped and counted. */
	bool owners;
	/* After each entry: entries done, input bytes read (compressed). */
	void (*progress)(void *ctx, uint64_t entries, uint64_t in_bytes);
	void *progress_ctx;
};

struct unpack_result {
	uint64_t entries;
	uint64_t xattrs_skipped;  /* privileged xattrs left out (no owners) */
	uint64_t devices_skipped; /* device nodes left out (no owners) */
};

int unpack_image(struct source *src, const char *dir, const struct unpack_options *opt,
		 struct unpack_result *res, struct act_err *err);
