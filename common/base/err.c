// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>

#include "common/base/err.h"

int act_err_setv(struct act_err *err, int code, const char *fmt, va_list ap)
{
	/* The first, innermost error is the precise one: keep it. */
	if (!err || err->msg[0] != '\0')
		return -1;
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (err->msg[0] == '\0')
		snprintf(err->msg, sizeof(err->msg), "unknown error");
	return -1;
}

int act_err_set(struct act_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	act_err_setv(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

int act_err_wrap(struct act_err *err, const char *fmt, ...)
{
	char ctx[512], old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Context first; the old message is cut if the two do not fit. */
	size_t n = strlen(ctx), m = strlen(old), cap = sizeof(err->msg) - 1;

	if (n > cap - 2)
		n = cap - 2;
	memcpy(err->msg, ctx, n);
	memcpy(err->msg + n, ": ", 2);
	if (m > cap - n - 2)
		m = cap - n - 2;
	memcpy(err->msg + n + 2, old, m);
	err->msg[n + 2 + m] = '\0';
	return -1;
}
