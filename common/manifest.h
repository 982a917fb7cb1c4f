/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/*
 * Image manifest edits, done as splices into the original text: whatever a
 * patch does not touch (formatting, key order, unknown members, number and
 * string spellings) comes out byte for byte as it went in.
 */

#define MANIFEST_CAPS_RETAIN_NAME "os/linux/capabilities-retain-set"
#define MANIFEST_CAPS_REMOVE_NAME "os/linux/capabilities-remove-set"

enum manifest_caps_kind {
	MANIFEST_CAPS_NONE,
	MANIFEST_CAPS_RETAIN,
	MANIFEST_CAPS_REMOVE,
};

/* What to change; a zeroed struct changes nothing. */
struct manifest_patch {
	/*
	 * Capabilities (bit numbers, see capname.h) for a new retain or remove
	 * set isolator. It replaces every existing isolator of both kinds and
	 * goes at the end of app.isolators; duplicates are dropped.
	 */
	enum manifest_caps_kind caps_kind;
	int caps[64];
	size_t ncaps;
};

/*
 * Whether text is an image manifest we can work on: one JSON object (see
 * json_parse for what is rejected) with acKind "ImageManifest", non-empty
 * acVersion and name strings, and app, if present, an object or null.
 */
int manifest_check(const char *text, size_t len, struct act_err *err);

/*
 * The manifest with patch p applied, in *out (malloc'd, NUL-terminated) and
 * *outlen. The input must pass manifest_check; the output is valid JSON.
 */
int manifest_patch_apply(const char *text, size_t len, const struct manifest_patch *p,
			 char **out, size_t *outlen, struct act_err *err);

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
