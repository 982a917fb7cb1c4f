/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <archive_entry.h>

#include "common/base/err.h"
#include "common/tar/tarstream.h"

/*
 * Every entry of the image at path ("-": standard input), read once, read
 * only: the loop of the verbs that look into an image (ls, cat-file,
 * list-filecaps). fn may read the entry's data through ts; a negative
 * return stops the walk with that error.
 */
typedef int (*tarwalk_fn)(void *ctx, struct tarstream *ts, struct archive_entry *e,
			  struct act_err *err);

/* 0 after the last entry, -1 on error (err set by the reader or fn). */
int tarwalk(const char *path, tarwalk_fn fn, void *ctx, struct act_err *err);
