/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/base/err.h"

/*
 * The seccomp filter of an app, from a seccomp isolator (spec/ace.md) or
 * --seccomp, with the wildcards expanded: @appc.io/all (retain: no filter),
 * @appc.io/empty (remove: rkt's default whitelist instead), and
 * @rkt/ and @docker/ default-whitelist and default-blacklist.
 * Every name must be a system call libseccomp knows on one of the
 * architectures the filter covers (the native one and its 32-bit
 * relatives): runc skips unknown names without a word, and a mistyped name
 * in a remove set would block nothing.
 */
struct syscall_filter {
	bool on;
	bool retain;		/* allow the names, refuse the rest */
	int errno_ret;		/* refused calls fail with it; 0: SIGSYS kills */
	char **names;		/* sorted, no duplicates */
	size_t n;
	size_t nlisted;		/* of them from the set (the rest runc needs) */
	/* retain: calls newer than the set's newest, which fail with ENOSYS
	 * instead (what runc does unasked, until acitool adds a newer one
	 * runc needs itself: then glibc's rseq would be killed). */
	char **enosys;
	size_t nenosys;
};

void syscall_filter_free(struct syscall_filter *f);

/* The number of an errno name ("EPERM"), any the C library knows. */
int syscall_errno(const char *name, int *e, struct act_err *err);

/*
 * The filter for a set: retain or remove mode, the set's names and
 * wildcards, an errno name or NULL. An unknown wildcard or system call
 * name, or an empty set, is an error (EINVAL) naming it.
 */
int syscall_filter_make(bool retain, char *const *set, size_t n, const char *errname,
			struct syscall_filter *f, struct act_err *err);

/*
 * What runc itself calls between loading the filter and executing the
 * app (runc 1.1, measured: it loads the filter before setting the user
 * unless no-new-privileges is set). A retain filter gets them added; a
 * retain filter also gets its ENOSYS list. A remove filter that takes
 * one of the first set needs no-new-privileges
 * (*need_nnp), and one that takes one of the second cannot work (an error).
 */
int syscall_filter_fit(struct syscall_filter *f, bool nnp, bool *need_nnp,
		       struct act_err *err);

/*
 * --seccomp's value: "off", or "mode=retain|remove[,errno=NAME],NAME,..."
 * (rkt's syntax). *off, or *retain, the names (pointers into a copy held
 * by *buf; free both) and *errname.
 */
int syscall_filter_parse_arg(const char *arg, bool *off, bool *retain, char ***names,
			     size_t *n, char **errname, char **buf, struct act_err *err);
