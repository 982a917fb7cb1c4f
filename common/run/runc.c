// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/run/runc.h"

extern char **environ;

const int runc_signals[5] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT };

void runc_sigset(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(runc_signals); i++)
		sigaddset(set, runc_signals[i]);
}

int runc_find(const char **prog, struct act_err *err)
{
	const char *env = getenv("ACITOOL_RUNC");

	(void)err;
	*prog = env && *env ? env : "runc";
	return 0;
}

/* Start prog with argv, no signal blocked and the forwarded ones at their
 * default; the pid, or -1 with err set. */
static pid_t spawn(const char *prog, char *const argv[], struct act_err *err)
{
	posix_spawnattr_t attr;
	sigset_t none, deflt;
	pid_t pid;
	int e;

	sigemptyset(&none);
	runc_sigset(&deflt);
	sigaddset(&deflt, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	e = posix_spawnp(&pid, prog, NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (e == ENOENT && streq(prog, "runc"))
		return act_err_set(err, e, "runc: not found on PATH (install Debian's runc "
					   "package, or set ACITOOL_RUNC)");
	if (e)
		return act_err_set(err, e, "%s: %s", prog, strerror(e));
	return pid;
}

/* Wait for pid alone: the app, once runc create has made it, is our child
 * too, and its status must wait for supervise. */
static int wait_for(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

static int exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

/* runc VERB ... ID: its exit code, or -1 with err set. */
static int runc(const char *prog, const char *verb, const char *a1, const char *a2,
		const char *a3, const char *a4, const char *id, struct act_err *err)
{
	char *argv[8];
	size_t n = 0;
	pid_t pid;
	int st;

	argv[n++] = (char *)prog;
	argv[n++] = (char *)verb;
	const char *extra[] = { a1, a2, a3, a4 };
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++)
		if (extra[i])
			argv[n++] = (char *)extra[i];
	argv[n++] = (char *)id;
	argv[n] = NULL;
	pid = spawn(prog, argv, err);
	if (pid < 0)
		return -1;
	st = wait_for(pid);
	if (st < 0)
		return act_err_set(err, errno, "runc %s: %s", verb, strerror(errno));
	return exit_code(st);
}

static pid_t read_pid(const char *file)
{
	FILE *f = fopen(file, "re");
	long pid = -1;

	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = -1;
		fclose(f);
	}
	return pid > 1 ? (pid_t)pid : -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for the app, forwarding signals; its wait status. */
static int supervise(pid_t app, unsigned stop_timeout, int *forwarded)
{
	sigset_t set;
	double deadline = -1;
	bool killed = false;

	runc_sigset(&set);
	for (;;) {
		struct timespec ts = { .tv_sec = 1 };
		int sig, st;
		pid_t r;

		while ((r = waitpid(-1, &st, WNOHANG)) > 0)
			if (r == app)
				return st;
		if (r < 0 && errno == ECHILD)
			return -1;
		if (deadline >= 0 && !killed) {
			double left = deadline - now();

			if (left <= 0) {
				kill(app, SIGKILL);
				killed = true;
			} else if (left < 1) {
				ts.tv_sec = 0;
				ts.tv_nsec = (long)(left * 1e9);
			}
		}
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig <= 0 || sig == SIGCHLD)
			continue;
		kill(app, sig);
		if (!*forwarded)
			*forwarded = sig;
		if (deadline < 0)
			deadline = now() + stop_timeout;
	}
}

int runc_run(const char *prog, const char *bundle, const char *id, unsigned stop_timeout,
	     int *forwarded, struct act_err *err)
{
	_cleanup_free_ char *pidfile = xasprintf("%s/init.pid", bundle);
	int r, st;
	pid_t app;

	*forwarded = 0;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return act_err_set(err, errno, "PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	r = runc(prog, "create", "--bundle", bundle, "--pid-file", pidfile, id, err);
	if (r != 0) {
		runc(prog, "delete", "--force", NULL, NULL, NULL, id, NULL);
		if (r > 0)
			act_err_set(err, EIO, "runc create failed (exit status %d)", r);
		return -1;
	}
	app = read_pid(pidfile);
	if (app < 0) {
		runc(prog, "delete", "--force", NULL, NULL, NULL, id, NULL);
		return act_err_set(err, EIO, "runc create: no container process in '%s'", pidfile);
	}
	r = runc(prog, "start", NULL, NULL, NULL, NULL, id, err);
	if (r != 0) {
		kill(app, SIGKILL);
		runc(prog, "delete", "--force", NULL, NULL, NULL, id, NULL);
		if (r > 0)
			act_err_set(err, EIO, "runc start failed (exit status %d)", r);
		return -1;
	}
	st = supervise(app, stop_timeout, forwarded);
	runc(prog, "delete", "--force", NULL, NULL, NULL, id, NULL);
	if (st < 0)
		return act_err_set(err, ECHILD, "the app's process was lost");
	return exit_code(st);
}
