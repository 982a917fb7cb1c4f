/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"

/*
 * Image manifest edits, done as splices into the original text: whatever a
 * patch does not touch (formatting, key order, unknown members, number and
 * string spellings) comes out byte for byte as it went in.
 */

#define MANIFEST_CAPS_RETAIN_NAME "os/linux/capabilities-retain-set"
#define MANIFEST_CAPS_REMOVE_NAME "os/linux/capabilities-remove-set"
#define MANIFEST_SECCOMP_RETAIN_NAME "os/linux/seccomp-retain-set"
#define MANIFEST_SECCOMP_REMOVE_NAME "os/linux/seccomp-remove-set"

enum manifest_caps_kind {
	MANIFEST_CAPS_NONE,
	MANIFEST_CAPS_RETAIN,
	MANIFEST_CAPS_REMOVE,
};

enum manifest_seccomp_kind {
	MANIFEST_SECCOMP_NONE,
	MANIFEST_SECCOMP_RETAIN,
	MANIFEST_SECCOMP_REMOVE,
};

struct manifest_mount {
	char *name, *path;
	bool read_only;
};

struct manifest_port {
	char *name, *protocol;
	unsigned port, count;
	bool socket_activated;
};

/* An isolator for app.isolators: its name and its value as JSON text. */
struct manifest_isolator {
	char *name, *value;
};

/*
 * What to change; a zeroed struct changes nothing. The values are used as
 * they are: patcharg.h parses and checks them. Fields are edited in place,
 * or added where appc puts them when absent; every other byte stays.
 */
struct manifest_patch {
	/*
	 * Capabilities (bit numbers, see capname.h) for a new retain or remove
	 * set isolator. It replaces every existing isolator of both kinds and
	 * goes at the end of app.isolators; duplicates are dropped.
	 */
	enum manifest_caps_kind caps_kind;
	int caps[64];
	size_t ncaps;

	char *name;		/* the image name */
	/* app.exec; on a manifest with no app, an app is created (which then
	 * needs user and group). */
	char **exec;
	size_t nexec;
	char *user, *group;	/* app.user, app.group */
	/* app.supplementaryGIDs, replaced when ngids > 0 */
	uint32_t *gids;
	size_t ngids;
	/* app.mountPoints and app.ports: each replaces the element of the same
	 * name, in place, or is appended. */
	struct manifest_mount *mounts;
	size_t nmounts;
	struct manifest_port *ports;
	size_t nports;
	/* A seccomp isolator: replaces every existing one of both kinds and
	 * goes at the end of app.isolators, after the capability one. */
	enum manifest_seccomp_kind seccomp_kind;
	char **seccomp_set;
	size_t nseccomp;
	char *seccomp_errno;	/* NULL: none */
	/* Each replaces every existing isolator of its name; appended last. */
	struct manifest_isolator *isolators;
	size_t nisolators;
};

/*
 * Whether the values p sets are what the appc spec allows (spec.h), on
 * their own, whatever manifest they go into: a usage check, before any
 * manifest is read. Fails (EINVAL) naming the first bad field.
 */
int manifest_patch_check(const struct manifest_patch *p, struct act_err *err);
/* Free what a patch holds (not caps: an array) and zero it. */
void manifest_patch_free(struct manifest_patch *p);
/* Whether p changes anything in the manifest. */
bool manifest_patch_empty(const struct manifest_patch *p);

/*
 * Whether text is an image manifest we can work on: one JSON object (see
 * json_parse for what is rejected) with acKind "ImageManifest", non-empty
 * acVersion and name strings, and app, if present, an object or null.
 */
int manifest_check(const char *text, size_t len, struct act_err *err);

/*
 * The manifest with patch p applied, in *out (malloc'd, NUL-terminated) and
 * *outlen. The input must pass manifest_check; the output is valid JSON.
 * Fails (EINVAL) when a field to patch belongs to an app and there is none
 * (only exec creates one), when an app is created without user and group, or
 * when a field to edit has the wrong JSON type.
 */
int manifest_patch_apply(const char *text, size_t len, const struct manifest_patch *p,
			 char **out, size_t *outlen, struct act_err *err);

/* Whether the manifest lists any dependency. */
bool manifest_has_dependencies(const char *text, size_t len);

/*
 * The app's capability bounding set as spec/ace.md defines it, one bit per
 * capability: the retain set; or the default set (capname_default_set) less
 * the remove set; or the default set when there is neither. Of several
 * isolators of one kind the last counts, as for appc's GetByName. Fails when
 * there is no app, when both kinds are present (the spec makes them exclusive),
 * or when a set is malformed or names a capability unknown to capname_parse.
 */
int manifest_bounding_set(const char *text, size_t len, uint64_t *bset,
			  struct act_err *err);
