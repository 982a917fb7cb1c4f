/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <archive_entry.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An entry's metadata as text, the same way for every verb that shows it
 * (ls, diff, --dry-run). Output is deterministic: times in UTC, whatever the
 * locale or TZ.
 */

/* "file", "directory", "symlink", "hardlink", "character device", "block
 * device", "fifo", "socket" or "unknown". */
const char *entryfmt_type(struct archive_entry *e);

/* "-rwxr-xr-x", as ls -l and tar -tv print it (10 characters). */
void entryfmt_mode(struct archive_entry *e, char buf[11]);

/* "2026-12-05 17:41:38", with ".123456789" when nsec is not 0. */
#define ENTRYFMT_TIME_MAX 40
void entryfmt_time(int64_t sec, long nsec, char buf[ENTRYFMT_TIME_MAX]);

/*
 * An xattr's value for a line of text: security.capability decoded
 * ("cap_net_raw=ep", " [rootid=N]" for revision 3, "[malformed: N bytes]"),
 * printable UTF-8 text in double quotes with quote_name's escapes, anything
 * else as 0x and hex digits: the first ENTRYFMT_HEX_SHOWN bytes and
 * "... (N bytes)" when longer. malloc'd; aborts on OOM.
 */
#define ENTRYFMT_HEX_SHOWN 32
char *entryfmt_xattr(const char *name, const void *v, size_t size);

/* The bytes as lowercase hex digits. malloc'd; aborts on OOM. */
char *entryfmt_hex(const void *v, size_t size);

/* Whether the value reads as text: valid UTF-8 without control characters
 * but tab and newline, and no NUL (a trailing NUL, as C strings keep it,
 * excepted). */
int entryfmt_is_text(const void *v, size_t size);
