/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"

/*
 * Linux file capabilities as the kernel stores them in the security.capability
 * xattr (struct vfs_cap_data / vfs_ns_cap_data), built and read in memory.
 * libcap only reaches these bytes through a real file (cap_set_fd/cap_get_fd),
 * and cap_copy_ext is its own, different format, so we pack them ourselves.
 */
struct filecap {
	uint32_t permitted[2], inheritable[2];	/* bits 0-31, 32-63 */
	bool effective;				/* the file's single effective flag */
	int version;				/* 1, 2 or 3 as decoded / to encode */
	uint32_t rootid;			/* version 3 only */
};

/* Largest encoding: v3, 24 bytes. */
#define FILECAP_MAX_SIZE 24

/*
 * Parse libcap's text form (cap_text_formats(7)) with cap_from_text:
 * "cap_net_raw+ep", "CAP_NET_RAW=pe", "cap_a,cap_b+ep cap_c+i", "=" for the
 * empty set. Unknown names fail; an empty or blank text fails (write "=").
 * Numbers below 64 are accepted, like libcap does; "all" and "=ep" expand to
 * the capabilities the running kernel knows.
 * A file has one effective bit, so 'e' must be on all of the permitted and
 * inheritable capabilities or on none. That is setcap's rule, made a little
 * stricter: setcap silently drops e bits outside p and i ("cap_a+e" writes a
 * lone effective flag), we refuse them.
 * The result is version 2, rootid 0. fc is written only on success.
 */
int filecap_from_text(const char *text, struct filecap *fc, struct act_err *err);

/*
 * Encode little-endian into out and return the length: version 3 gives 24
 * bytes (magic 0x03000000, then rootid last), any other version 20 bytes
 * (magic 0x02000000): v1 is re-encoded as v2, as the kernel no longer accepts
 * writing v1. Layout: magic_etc | 1 if effective, permitted[0],
 * inheritable[0], permitted[1], inheritable[1]. Bytes past the length are
 * not written. A v3 rootid of 0 is encoded as given.
 */
size_t filecap_encode(const struct filecap *fc, unsigned char out[FILECAP_MAX_SIZE]);

/*
 * Decode a v1 (12 bytes), v2 (20) or v3 (24) value. Any other length, a
 * revision that does not match the length, or flag bits other than the
 * effective one fail with "malformed security.capability value (N bytes)".
 * fc is written only on success; v1 leaves the high words zero.
 */
int filecap_decode(const void *buf, size_t len, struct filecap *fc, struct act_err *err);

/*
 * The capabilities as text, the way getcap (libcap >= 2.41) prints them, made
 * by libcap's cap_to_text: "cap_net_raw=ep", "cap_net_admin,cap_net_raw=ep",
 * "cap_kill=i cap_net_raw+ep"; the empty set prints "=". The output depends
 * on the running kernel: bits it does not know print as numbers ("= 41+ep"),
 * and a set holding every capability it knows prints as "=ep". The rootid is
 * not included (getcap shows it only with -n). malloc'd; aborts on OOM.
 */
char *filecap_to_text(const struct filecap *fc);

/* Union of permitted and inheritable as a 64-bit mask (bounding-set checks). */
uint64_t filecap_mask(const struct filecap *fc);
/* The permitted set alone: what exec must grant when the effective bit is on. */
uint64_t filecap_permitted(const struct filecap *fc);
