/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdarg.h>

/*
 * The library's error contract: a fallible function takes a struct act_err *
 * last, returns a negative value (or NULL) on failure and fills the error once.
 * The message reads "<what>: <why>"; the tool prefixes "acitool: <verb>: ".
 * Messages start lower-case, quote user strings in single quotes, no newline.
 */
struct act_err {
	int code;		/* errno-like; EINVAL for bad input */
	char msg[1024];
};

/* Fill err (if non-NULL and still empty) and return -1. */
int act_err_set(struct act_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int act_err_setv(struct act_err *err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Prefix an existing message with context: "<context>: <old message>". */
int act_err_wrap(struct act_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int act_err_isset(const struct act_err *err)
{
	return err && err->msg[0] != '\0';
}
