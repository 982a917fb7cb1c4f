/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "common/base/err.h"
#include "common/image/deps.h"
#include "common/io/source.h"
#include "common/run/rootcache.h"
#include "common/run/runplan.h"

/*
 * An OCI bundle for runc made from an image: DIR/rootfs (a fresh
 * extraction, checked as extract checks it), DIR/manifest, DIR/config.json,
 * and what the run needs beside them: DIR/hosts when the image has no
 * /etc/hosts, DIR/volumes/NAME for each mount point without a host volume.
 * The rootfs gets /tmp (mode 1777) when it has none, and a mount target that
 * is a file where a directory goes in is replaced by a directory, as the
 * spec asks; each such change is a warning in the plan.
 *
 * DIR must not exist or be empty; on failure it is removed again.
 * *b is filled on success: bundle_release it, and run_plan_free b->plan.
 */
struct bundle_options {
	bool owners;		/* restore owners: root */
	void (*progress)(void *ctx, uint64_t entries, uint64_t in_bytes);
	void *progress_ctx;
	/* Not NULL: DIR/rootfs is an overlay mount on the image's entry in
	 * this cache (rootcache.h), with DIR/upper and DIR/work, when the
	 * kernel and file systems allow it; else a fresh extraction. */
	const char *cache;
	/* Not NULL: the image has dependencies, these: DIR/rootfs is the
	 * render of them all (render.h), made afresh, never cached. */
	const struct dep_list *deps;
};

/* What a bundle holds that must be let go of: bundle_release. */
struct bundle {
	struct rootcache_entry entry;
	bool mounted;		/* DIR/rootfs is an overlay */
	enum rootcache_how how;	/* mounted: how the cache entry was found */
	char why_not[1024];	/* not mounted with a cache asked for: why */
	struct run_plan plan;
};

int bundle_make(struct source *src, const char *dir, const struct bundle_options *bo,
		const struct run_options *o, struct bundle *b, struct act_err *err);
/* Unmount DIR/rootfs and let go of the cache entry (DIR stays). */
void bundle_release(const char *dir, struct bundle *b);
