/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/*
 * Names fit for output. Linux file names are bytes: a newline, an escape
 * sequence or a byte that is not UTF-8 in an entry's name must not reach a
 * terminal or a log as it is, nor split a one-line message. Both return
 * malloc'd strings (abort on OOM).
 */

/* For a line of text: a backslash as \\, a newline as \n, another control
 * byte or DEL as \xNN, and a byte that is not part of valid UTF-8 as \xNN.
 * Nothing else changes, so a plain name prints as it is. */
char *quote_name(const char *s);

/* For JSON text, which escapes control characters itself: only the bytes
 * that are not part of valid UTF-8, as \xNN. */
char *quote_utf8(const char *s);
