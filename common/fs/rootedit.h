/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/tar/tarstream.h"

/*
 * Files added to and removed from an image's rootfs in the rewrite pass
 * (aci.h), without unpacking it: host files and trees written as new entries
 * (mode, owner, times and every xattr from disk, see hostentry.h), an entry
 * of the same name replaced where it stands, others appended before the end
 * of the archive with any missing parent directory; removed paths dropped
 * with everything under them. Every other entry goes through as it was.
 */
struct rootedit_options {
	bool owner_root;	/* new entries owned by 0:0 */
	bool set_mtime, clamp_mtime; /* their times, as build's --mtime */
	int64_t mtime;
	bool ignore_missing;	/* a removal that matches nothing is no error */
};

struct rootedit;
struct archive_entry;

struct rootedit *rootedit_new(const struct rootedit_options *o);
void rootedit_free(struct rootedit *re);

/*
 * --add=DEST=SRC: the host file or tree SRC at DEST in the rootfs. A DEST
 * ending in '/' (or "/" itself) is a directory SRC goes into, under its own
 * name, or, for a SRC ending in '/', a directory SRC's content goes into.
 * Otherwise DEST is the exact path SRC gets. flag names the option in
 * messages. EINVAL for a DEST out of the rootfs, ENOENT for a SRC missing.
 */
int rootedit_add(struct rootedit *re, const char *flag, const char *dest, const char *src,
		 struct act_err *err);
/* --remove-path=PATH: the entry PATH and everything under it. */
int rootedit_remove(struct rootedit *re, const char *flag, const char *path,
		    struct act_err *err);
bool rootedit_empty(const struct rootedit *re);

/*
 * The host trees walked into the list of new entries: two sources for one
 * path are an error (EINVAL). After the adds and removes, before the pass.
 */
int rootedit_plan(struct rootedit *re, struct act_err *err);

/* A hook that may change each new entry's header before it is written
 * (patch-manifest's --filecap on a path --add brings). */
void rootedit_set_adjust(struct rootedit *re,
			 int (*adjust)(void *ctx, const char *name, struct archive_entry *e,
				       struct act_err *err),
			 void *ctx);

/*
 * For each entry of the pass: 1 when it was dropped or replaced (nothing
 * else is to be done with it), 0 when it goes on as it is. Fails on what
 * the edits cannot do to this image: a new entry of another kind over an
 * existing one (a file over a directory) that no removal clears, a new
 * path under a symlink or a file, a hardlink left pointing at a removed
 * or replaced-by-a-non-file entry.
 */
int rootedit_entry(struct rootedit *re, struct tarstream *ts, struct archive_entry *e,
		   struct act_err *err);
/* After the last entry: the new entries not written yet, each after its
 * parents (made as 0755 directories owned by root when the image has none). */
int rootedit_tail(struct rootedit *re, struct tarstream *ts, struct act_err *err);
/* With the manifest, after the pass: removals that matched nothing (an error
 * unless ignore_missing), and warnings where the image has dependencies,
 * whose files a removal cannot touch. */
int rootedit_finish(struct rootedit *re, const char *manifest, size_t len,
		    struct act_err *err);
/* Ready for one more pass over the image. */
void rootedit_rewind(struct rootedit *re);

/* Warnings for the caller to print (the library never prints). */
size_t rootedit_warnings(const struct rootedit *re, const char *const **msgs);
