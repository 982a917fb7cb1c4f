/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <archive_entry.h>
#include <stddef.h>

#include "common/base/err.h"

/*
 * The xattr list of a libarchive entry. libarchive can add an xattr but not
 * remove or replace one, and it hands out a name twice when a header holds
 * it twice (a LIBARCHIVE.xattr and a SCHILY.xattr record): these edit and
 * check the list as a whole.
 */

/* The value of one xattr, NULL if absent (the first, if it is there twice). */
const void *entryxattr_get(struct archive_entry *e, const char *name, size_t *size);
/* Set (value non-NULL) or remove one xattr, keeping all the others. */
void entryxattr_set(struct archive_entry *e, const char *name, const void *value, size_t size);
/* The name of an xattr given two different values, or NULL. It points into
 * the entry, valid until the entry's xattrs change. */
const char *entryxattr_conflict(struct archive_entry *e);
/* One value per name, in sorted order; two different values under one name
 * are an error. */
int entryxattr_dedup(struct archive_entry *e, struct act_err *err);
