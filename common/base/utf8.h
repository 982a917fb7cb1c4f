/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, no code point
 * above U+10FFFF. JSON text must be it; file names need not be.
 */

/* The length of the valid UTF-8 character at p (n bytes left), or 0 when
 * the bytes there are not one. */
size_t utf8_char_len(const unsigned char *p, size_t n);

/* The offset of the first byte that is not part of valid UTF-8, or len. */
size_t utf8_invalid_at(const char *s, size_t len);
