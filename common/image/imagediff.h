/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/base/err.h"
#include "common/io/source.h"

/*
 * What differs between two images, entry by entry, read side by side in one
 * pass each. Entries pair by cleaned name (entrypath.h). While both images
 * list the same names in the same order, data is compared as it streams; an
 * entry met out of step waits, as its metadata and a SHA-256 of its data,
 * for its twin. So memory grows with the entries out of step, never with
 * the data. The manifest is compared as JSON (jsondiff.h).
 */
enum imagediff_kind { IMAGEDIFF_CHANGED, IMAGEDIFF_ADDED, IMAGEDIFF_REMOVED };

struct imagediff_change {
	enum imagediff_kind kind;
	/* The entry's name as stored: the first image's, the second's when
	 * the entry was added. */
	const char *path;
	/*
	 * NULL: the entry itself was added or removed (old/new give its type).
	 * Otherwise what changed in it: "name" (the same once cleaned), "type",
	 * "mode", "uid", "gid", "uname", "gname", "size", "data", "mtime",
	 * "atime", "ctime", "linkname", "device", "acl", "xattr NAME", or in the
	 * manifest a jq path (".app.exec[0]") or "layout" (the same JSON,
	 * written differently).
	 */
	const char *field;
	/* Each side as text (entryfmt.h), or compact JSON when json is set;
	 * NULL on the side that lacks it, and both NULL for "data" and
	 * "layout". */
	const char *old, *new;
	bool json;
	/* An xattr's values as bytes (NULL on a side that lacks it). */
	const void *old_raw, *new_raw;
	size_t old_len, new_len;
};

/* Called for each difference; a negative return stops the diff (then -1
 * with err as the callback set it). */
typedef int (*imagediff_fn)(void *ctx, const struct imagediff_change *c, struct act_err *err);

/* The number of differences, or -1 on error. */
int imagediff(struct source *a, struct source *b, imagediff_fn fn, void *ctx,
	      struct act_err *err);
