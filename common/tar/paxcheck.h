/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/*
 * Pax records that libarchive (3.6) misreads without a word, so that the
 * entry it hands out is not the one stored:
 * - a LIBARCHIVE.xattr record whose value is not base64: its decoder skips
 *   what it cannot read (a 6-byte "capability" from "!!!not*base64!!!");
 * - one whose name is not URL-encoded: taken as it comes;
 * - a path, linkpath, uname or gname record with a NUL byte: cut short
 *   ("manifest\0x" reads as "manifest"), where other readers keep it whole.
 * Returns what is wrong with the record, or NULL when it reads as stored.
 */
const char *paxcheck_record(const char *key, const unsigned char *value, size_t len);
