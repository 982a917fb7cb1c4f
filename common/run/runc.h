/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <signal.h>

#include "common/base/err.h"

/*
 * Running a bundle with runc run: one runc process that creates the
 * container, starts it, waits for the app and deletes it, and exits with
 * the app's status (128+N for signal N). Its --pid-file tells whether the
 * app was ever started: without it, a non-zero status is runc's failure.
 *
 * The signals in runc_signals must be blocked by the caller before the
 * bundle is made (a signal during the render then waits, and the caller
 * cleans up); runc_run takes them with sigtimedwait. SIGINT, SIGTERM, SIGHUP
 * and SIGQUIT are passed to runc, which passes them to the app; the app is
 * PID 1 in its namespace and ignores those it has no handler for, so
 * stop_timeout seconds after the first one it gets SIGKILL from acitool.
 * Children start with no signal blocked.
 */
extern const int runc_signals[5]; /* SIGCHLD and the forwarded four */
void runc_sigset(sigset_t *set);

/* The runc program: $ACITOOL_RUNC, else "runc", found on PATH when it
 * starts (a missing one is an error naming Debian's package). */
int runc_find(const char **prog, struct act_err *err);

/* The app's exit status: its code, or 128+N when signal N ended it; -1
 * with err set when runc failed before the app started. The container is
 * deleted on every path. *forwarded is the first signal forwarded, or 0. */
int runc_run(const char *prog, const char *bundle, const char *id, unsigned stop_timeout,
	     int *forwarded, struct act_err *err);
