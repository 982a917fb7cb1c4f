/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/json/json.h"
#include "common/spec/report.h"

/*
 * The checks of spec.c that the pod manifest (specpod.c) shares with the
 * image manifest: each adds a problem at field (a path into the manifest)
 * for what the spec forbids.
 */

/* Parse a manifest and check what every kind shares (a JSON object, acKind
 * kind, acVersion): the document for the caller to check further and free,
 * or NULL when it is no object (reported). */
struct json_value *spec_parse_manifest(const char *text, size_t len, const char *kind,
				       struct spec_report *r);
/* acVersion: a SemVer 2.0.0 version of the 0.x spec. */
void spec_check_acversion(struct spec_report *r, const struct json_value *manifest);
/* An app object (aci.md), at field ("app", "apps[0].app"). */
void spec_check_app(struct spec_report *r, const char *field, const struct json_value *app);
/* Labels and annotations, lists of {name, value}. */
void spec_check_labels(struct spec_report *r, const char *field, const struct json_value *v);
void spec_check_annotations(struct spec_report *r, const char *field,
			    const struct json_value *v);
void spec_check_acidentifier(struct spec_report *r, const char *field,
			     const struct json_value *v);
/* A string that is an absolute path; false (and a problem) if not. */
bool spec_check_absolute(struct spec_report *r, const char *field, const struct json_value *v);
/* One port object ({name, protocol, port, count, socketActivated}). */
void spec_check_port(struct spec_report *r, const char *field, const struct json_value *v);
/* "sha512-" and 128 lower-case hex digits. */
bool spec_is_image_id(const char *s, size_t len);
/* The "name" of element i (path elem) of the array at field: an ACName
 * unlike names[0..i); returns it, or NULL when missing or no ACName. */
const struct json_value *spec_check_unique_acname(struct spec_report *r, const char *field,
						  size_t i, const char *elem,
						  const struct json_value *obj,
						  const struct json_value **names, const char *what);
