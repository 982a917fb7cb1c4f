/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/base/err.h"
#include "common/image/deps.h"
#include "common/io/sink.h"

/*
 * An image and its dependencies (deps.h) as one image with none: a tar
 * stream with the top image's manifest, less its dependencies and its
 * pathWhitelist (both done with), then the rootfs entries of each image of
 * the list in order, each path from the first image that has it:
 *
 * - an entry under a path an upper image made something other than a
 *   directory (a file, a symlink) is masked, as the spec says;
 * - an image's entries pass its own pathWhitelist and that of every image
 *   above it that has one: a file or symlink when listed, a directory when
 *   listed or above a listed path (spec/ace.md: the set is complete);
 * - a hardlink never points into another image's file: when its target here
 *   was masked or filtered, the first such link gets the target's data
 *   (kept aside when the target went by) and later ones link to it;
 * - every header field and xattr of a kept entry is kept; data and holes
 *   too. Each image is checked as it is read (layout, a file that changed).
 *
 * Same images, same bytes.
 */
struct render_stats {
	uint64_t entries, masked, filtered, linked_copies;
};

int render_stream(const struct dep_list *l, struct sink *out, struct render_stats *st,
		  struct act_err *err);
