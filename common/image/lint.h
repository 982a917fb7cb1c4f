/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/caps/filecap.h"
#include "common/io/source.h"

/*
 * Capability lint: warnings that follow the recommendations of rkt's
 * capabilities guide and appc's spec/ace.md. The rules look at the manifest
 * and at facts about the rootfs files (file capabilities, set-id bits); they
 * never print. Each warning has a stable code, listed in acitool-lint(1).
 */
enum lint_code {
	LINT_NO_CAPS_ISOLATOR,	   /* app without retain or remove set */
	LINT_BROAD_RETAIN,	   /* retain set holds a broad capability */
	LINT_REMOVE_NOT_DEFAULT,   /* remove-set entry outside the default set */
	LINT_RETAIN_UNREACHABLE,   /* non-root app: nothing can give it the cap */
	LINT_FILECAP_HARDLINK,	   /* xattr on a hardlink entry: extractors skip it */
	LINT_FILECAP_ROOTID,	   /* revision 3 value */
	LINT_FILECAP_OUTSIDE,	   /* file caps outside the bounding set */
	LINT_FILECAP_NNP,	   /* file caps with no-new-privileges */
	LINT_SETUID,		   /* setuid regular file */
	LINT_SETGID,		   /* setgid regular file */
	LINT_CODE_COUNT,
};

/* "no-caps-isolator", "broad-retain", ...: what users grep for. */
const char *lint_code_name(enum lint_code code);

/* One rootfs entry the rules care about. */
struct lint_file {
	char *path;		/* inside the container: "/bin/ping" */
	unsigned mode;		/* permission bits, set-id bits included */
	int64_t uid, gid;
	char *link;		/* hardlink entry: the target's path; else NULL */
	bool has_caps;		/* a security.capability xattr, decoded in caps */
	struct filecap caps;
};

/* What the rules read: the manifest, the files, the image's /etc/passwd. */
struct lint_image {
	char *manifest;
	size_t manifest_len;
	struct lint_file *files;
	size_t nfiles, cap;
	char *passwd;		/* rootfs/etc/passwd when a regular file; else NULL */
	size_t passwd_len;
};

void lint_image_done(struct lint_image *img);
/* Record a file (the strings are copied). */
void lint_image_add(struct lint_image *img, const struct lint_file *f);

/*
 * Read an image in one pass, checked as a rewrite checks it (layout, end of
 * archive, xattr records; the copy goes to /dev/null), and record the
 * manifest, /etc/passwd and every regular file or hardlink that has a
 * security.capability xattr or a set-id bit. A malformed value is an error:
 * the image is broken.
 */
int lint_scan(struct source *src, struct lint_image *img, struct act_err *err);

struct lint_warning {
	enum lint_code code;
	char *subject;		/* a capability name, a path, or "app" */
	char *message;		/* why, one line */
};

struct lint_report {
	struct lint_warning *items;
	size_t n, cap;
};
#define LINT_REPORT_INIT { 0 }
void lint_report_free(struct lint_report *r);

/*
 * Add the image's warnings to r: first the manifest's, in the order of enum
 * lint_code and then of capability bits, then the files', sorted by path (the
 * files are sorted in place). Fails when the manifest is not one we can read:
 * invalid, both a retain and a remove set, unknown capability names.
 */
int lint_check(struct lint_image *img, struct lint_report *r, struct act_err *err);
