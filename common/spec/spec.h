/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/base/err.h"
#include "common/spec/report.h"
#include "common/spec/types.h"

/*
 * What the appc spec (spec/aci.md, spec/types.md) says an image manifest
 * must be, checked as the spec words it rather than as appc's Go code
 * happens to accept it. Used by validate, by patch-manifest for every new
 * value and for a --manifest replacement, and by build.
 */

/* Add every problem of the manifest text to r; returns how many it added.
 * Text that is not JSON at all is one problem. */
size_t spec_check_manifest(const char *text, size_t len, struct spec_report *r);

/* Whether text is a JSON object whose acKind is "PodManifest". */
bool spec_is_pod_manifest(const char *text, size_t len);
/* The same as spec_check_manifest for a pod manifest (spec/pods.md), which
 * validate checks when given one; an image holds only image manifests. */
size_t spec_check_pod_manifest(const char *text, size_t len, struct spec_report *r);
