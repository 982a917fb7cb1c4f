/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

/*
 * Entry names as stored vary ("./rootfs/bin/", "rootfs//bin"); matching uses
 * the cleaned form: no "./", no "//", no trailing "/", ".." resolved.
 * Returns a malloc'd string; "" for the archive root ("." or "./").
 * *escapes is set when the name is absolute or climbs above the root: such a
 * name is never an image's manifest or rootfs entry.
 */
char *entrypath_clean(const char *name, bool *escapes);

/* Turn a user's path ("/bin/ping", "bin/ping", "rootfs/bin/ping",
 * "./rootfs/bin/ping") into the cleaned entry name "rootfs/bin/ping". NULL if
 * the path names the rootfs itself or climbs out of it. */
char *entrypath_from_user(const char *path);
/* The other way: the cleaned name "rootfs/bin/ping" is "/bin/ping" inside
 * the container; in a tarball of a rootfs alone, "bin/ping" is too.
 * malloc'd. */
char *entrypath_to_user(const char *clean);

/*
 * Whether libarchive's last warning on a is only that a name (path, link,
 * user or group name) is not UTF-8. Linux names are bytes, and libarchive
 * then keeps them as they are: read, the raw bytes; written, in a pax
 * header that says hdrcharset=BINARY. Nothing is lost, so it is no error.
 */
struct archive;
bool entrypath_charset_warning(struct archive *a);
