// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
static pid_t spawn(const char *prog, char *const argv[], bool quiet, struct act_err *err)
{
	posix_spawn_file_actions_t fa;
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
	posix_spawn_file_actions_init(&fa);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	e = posix_spawnp(&pid, prog, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (e == ENOENT && streq(prog, "runc"))
		return act_err_set(err, e, "runc: not found on PATH (install Debian's runc "
					   "package, or set ACITOOL_RUNC)");
	if (e)
		return act_err_set(err, e, "%s: %s", prog, strerror(e));
	return pid;
}

static int exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

/* runc delete --force ID, quietly: the container gone whatever state it
 * was left in. */
static void runc_delete(const char *prog, const char *id)
{
	char *argv[] = { (char *)prog, "delete", "--force", (char *)id, NULL };
	pid_t pid = spawn(prog, argv, true, NULL);
	int st;

	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
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

/*
 * Wait for runc run (pid), passing the signals on to it (runc passes them
 * to the app); stop_timeout seconds after the first, SIGKILL to the app
 * itself, whose pid runc wrote to pidfile. runc's wait status.
 */
static int supervise(pid_t runc_pid, const char *pidfile, unsigned stop_timeout, int *forwarded)
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
			if (r == runc_pid)
				return st;
		if (r < 0 && errno == ECHILD)
			return -1;
		if (deadline >= 0 && !killed) {
			double left = deadline - now();

			if (left <= 0) {
				pid_t app = read_pid(pidfile);

				/* No pid yet (runc still creating): try again soon. */
				if (app > 0 && kill(app, SIGKILL) == 0)
					killed = true;
				ts.tv_sec = 0;
				ts.tv_nsec = 100000000;
			} else if (left < 1) {
				ts.tv_sec = 0;
				ts.tv_nsec = (long)(left * 1e9);
			}
		}
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig <= 0 || sig == SIGCHLD)
			continue;
		kill(runc_pid, sig);
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
	char *argv[] = { (char *)prog, "run", "--bundle", (char *)bundle, "--pid-file", pidfile,
			 (char *)id, NULL };
	struct stat st_;
	pid_t pid;
	int st;

	*forwarded = 0;
	unlink(pidfile);
	/* One runc process (run: create, start, wait, delete) costs a third of
	 * three (create, start, delete): some 45 ms a run. */
	pid = spawn(prog, argv, false, err);
	if (pid < 0)
		return -1;
	st = supervise(pid, pidfile, stop_timeout, forwarded);
	/* runc itself killed (or lost): the app may live on without it. */
	if (st < 0 || WIFSIGNALED(st)) {
		pid_t app = read_pid(pidfile);

		if (app > 0)
			kill(app, SIGKILL);
		runc_delete(prog, id);
		if (st < 0)
			return act_err_set(err, ECHILD, "runc's process was lost");
		return act_err_set(err, EIO, "runc was killed by signal %d", WTERMSIG(st));
	}
	/* No pid file: runc failed before there was an app. */
	if (stat(pidfile, &st_) < 0) {
		runc_delete(prog, id);
		return act_err_set(err, EIO, "runc run failed (exit status %d)", exit_code(st));
	}
	return exit_code(st);
}
