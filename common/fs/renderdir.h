/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/base/err.h"
#include "common/fs/unpack.h"
#include "common/image/deps.h"
#include "common/image/render.h"

/*
 * An image and its dependencies rendered (render.h) into the layout
 * directory dir, as unpack_image makes one (same rules: dir new or empty,
 * whole or as it was): the render runs on a thread of its own and its tar
 * stream goes through a pipe into the extraction, so the two overlap.
 */
int render_to_dir(const struct dep_list *l, const char *dir, const struct unpack_options *uo,
		  struct unpack_result *res, struct render_stats *st, struct act_err *err);
