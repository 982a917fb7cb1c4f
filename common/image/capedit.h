/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/caps/filecap.h"
#include "common/tar/tarstream.h"

/*
 * File capability edits over a tar stream: the security.capability xattr of
 * named rootfs files is set, emptied or removed in the entry headers, with no
 * extraction and no privilege. Used as aci_edit hooks (see aci.h).
 */
enum capedit_op { CAPEDIT_SET, CAPEDIT_REMOVE };

struct capedit_target {
	char *path;  /* as the user gave it, for messages */
	char *entry; /* cleaned entry name, "rootfs/..." */
	enum capedit_op op;
	unsigned char value[FILECAP_MAX_SIZE];
	size_t len;
	struct filecap caps;
	unsigned found;	    /* entries edited */
	bool redirected;    /* a hardlink: the edit moved to its target */
};

struct capedit {
	struct capedit_target *targets;
	size_t n;
	bool drop_rootid; /* rewrite every v3 value in the image as v2 */
	/* Write a value the kernel would refuse to execute (a permitted
	 * capability outside the bounding set, with the effective bit) with a
	 * warning, not an error. */
	bool force;
	/* Warnings for the caller to print (the library never prints). */
	char **warnings;
	size_t nwarnings;
	/* Set when a named hardlink's target was already written: the image
	 * must be rewritten once more with the edit moved to the target. */
	bool again;
	/* No second pass can be made, and why: a named hardlink whose
	 * target came earlier is an error when it is met. */
	const char *one_pass;
	unsigned pass;
	uint64_t v3_converted;
	/* Targets before it are all found in this pass (capedit_pending). */
	size_t unfound;
};

/* captext NULL means remove; rootid >= 0 writes revision 3. */
int capedit_add(struct capedit *ce, const char *path, const char *captext, int64_t rootid,
		struct act_err *err);
void capedit_done(struct capedit *ce);

/* aci_edit hooks; ctx is the struct capedit. */
int capedit_entry(void *ctx, struct tarstream *ts, struct archive_entry *e,
		  struct act_err *err);
int capedit_finish(void *ctx, const char *manifest, size_t len, struct act_err *err);
/* For a new entry (rootedit.h's adjust hook): a target of that cleaned
 * name gets its value in the header's xattrs. */
struct archive_entry;
int capedit_adjust(void *ctx, const char *name, struct archive_entry *e, struct act_err *err);
/* Prepare for another pass after capedit->again was set. */
void capedit_rewind(struct capedit *ce);
/* The aci_edit prepare hook: with src, find the named hardlinks in a
 * read-only walk (up to the last name) and move their edits to the
 * targets, so that one pass does it all; then, or with src NULL, no
 * second pass is allowed. */
int capedit_prepare(void *ctx, struct source *src, struct act_err *err);
/* Whether a file named is still to be found in this pass. Called after
 * every entry: each target is looked at once per pass. */
bool capedit_pending(struct capedit *ce);
