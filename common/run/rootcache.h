/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/fs/unpack.h"
#include "common/io/imageid.h"
#include "common/io/source.h"

/*
 * Rendered rootfs, kept per image ID so that a run does not extract the
 * same image again: CACHE/images/sha512-HEX/{manifest,rootfs/}, made under
 * a temporary name and renamed into place, never changed after. Runs mount
 * an entry read-only as the lower layer of an overlay (bundle.h); a shared
 * flock on the entry's directory marks it in use, and prune takes it
 * exclusively. CACHE/files/KEY links a regular file's identity (device,
 * inode, size, mtime and ctime in nanoseconds) to its entry, so a file seen
 * before is not even read; only files whose times are 2 s old are linked,
 * since a file rewritten within one clock tick keeps them.
 */
struct rootcache_entry {
	char *dir;		/* CACHE/images/sha512-HEX */
	char id[IMAGEID_LEN + 1]; /* sha512-HEX */
	int lock_fd;		/* holds the shared lock */
};

enum rootcache_how {
	ROOTCACHE_EXTRACTED,	/* read and extracted into a new entry */
	ROOTCACHE_FOUND_BY_ID,	/* read (a file not linked yet): the entry was there */
	ROOTCACHE_FOUND_BY_FILE, /* the file's link: nothing read */
};

/*
 * The entry for the image src reads (opened, not yet read), made if need
 * be with uo's options; *how tells how it was found. CACHE is made (mode
 * 0700) when missing.
 */
int rootcache_get(const char *cache, struct source *src, const struct unpack_options *uo,
		  struct rootcache_entry *e, enum rootcache_how *how, struct act_err *err);
/* Make CACHE and its folders if need be: 0, or -1 (err set) when it cannot
 * be used (read-only, not a directory, no permission). */
int rootcache_ready(const char *cache, struct act_err *err);
/* The entry linked to the file src reads, without reading it: 0 (e
 * filled and locked), or -1 when there is none (src untouched). */
int rootcache_lookup(const char *cache, struct source *src, struct rootcache_entry *e);
/* Let go of the entry (the lock); the entry stays for the next run. */
void rootcache_release(struct rootcache_entry *e);

/* Remove every entry not in use, and index links that lead nowhere. */
int rootcache_prune(const char *cache, uint64_t *removed, uint64_t *busy, struct act_err *err);
