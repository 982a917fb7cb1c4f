/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/base/err.h"
#include "common/image/imagedir.h"

/*
 * patch-manifest --pin-dependencies=DIR: each dependency of the manifest
 * found in the folder DIR as render finds it (deps.h), and its imageID and
 * size (of the tar: what the ID hashes) written into it, so that a later
 * render takes exactly those images.
 */
struct pin_ctx {
	const char *dir;
	bool ignore_missing;	/* a manifest without dependencies is no error */
	bool opened;
	struct imagedir images;
};

/* *text (malloc'd, *len bytes) replaced by the pinned manifest. */
int pin_dependencies(struct pin_ctx *pc, char **text, size_t *len, struct act_err *err);
void pin_free(struct pin_ctx *pc);
