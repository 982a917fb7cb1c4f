/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/base/err.h"
#include "common/io/source.h"
#include "common/spec/spec.h"

/*
 * A whole image checked against spec/aci.md: its layout and its manifest
 * (spec.h), every problem reported rather than the first. A layout problem's
 * field is the entry's name ("rootfsX/evil", "manifest"); a manifest problem's
 * is its path in the manifest ("app.exec"), or "manifest" for the document as
 * a whole (not JSON, not an object).
 *
 * Each returns 0 when the input was read to its end, whatever it holds; -1
 * with err when it could not be (no such file, not an image, corrupt
 * compression, a truncated tar): the problems found until then stay in r.
 */

/* An image archive: plain tar or tar in gzip, bzip2 or xz. */
int imagecheck_archive(struct source *src, struct spec_report *r, struct act_err *err);

/* A layout directory: dir/manifest a regular file, dir/rootfs a directory,
 * nothing else at the top. */
int imagecheck_layout(const char *dir, struct spec_report *r, struct act_err *err);

/* A bare manifest file ("-": standard input). Its problems' fields are as
 * spec_check_manifest gives them ("" for the document as a whole). */
int imagecheck_manifest_file(const char *path, struct spec_report *r, struct act_err *err);
