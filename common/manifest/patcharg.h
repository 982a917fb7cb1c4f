/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/base/err.h"
#include "common/manifest/manifest.h"

/*
 * The values of patch-manifest's field options, in appc actool's syntax,
 * parsed and checked against the appc spec into a struct manifest_patch.
 * Each function takes the option's text and fails (EINVAL) with a message
 * about the text, for the caller to prefix with the option's name; an option
 * given twice is an error. Unlike actool, nothing is URL-decoded: a value is
 * taken as written.
 */

/* --name=ID: an AC identifier. */
int patcharg_name(struct manifest_patch *p, const char *arg, struct act_err *err);
/* --exec="/bin/app --flag": words split at blanks, with sh's quoting
 * ('...', "...", \) but no expansion; the first an absolute path. */
int patcharg_exec(struct manifest_patch *p, const char *arg, struct act_err *err);
/* --user, --group: non-empty strings. */
int patcharg_user(struct manifest_patch *p, const char *arg, struct act_err *err);
int patcharg_group(struct manifest_patch *p, const char *arg, struct act_err *err);
/* --supplementary-groups=GID,...: numbers 0 to 4294967294. */
int patcharg_supplementary_groups(struct manifest_patch *p, const char *arg,
				  struct act_err *err);
/* --mounts=NAME,path=/p[,readOnly=B][:NAME2,...] */
int patcharg_mounts(struct manifest_patch *p, const char *arg, struct act_err *err);
/* --ports=NAME,protocol=P,port=N[,count=N][,socketActivated=B][:NAME2,...] */
int patcharg_ports(struct manifest_patch *p, const char *arg, struct act_err *err);
/* --mount, --port: one item, not split at ':'. */
int patcharg_mount(struct manifest_patch *p, const char *arg, struct act_err *err);
int patcharg_port(struct manifest_patch *p, const char *arg, struct act_err *err);
/* --isolators=resource/cpu,request=Q,limit=Q[:os/linux/oom-score-adj,N:...] */
int patcharg_isolators(struct manifest_patch *p, const char *arg, struct act_err *err);
/* --seccomp-mode=remove|retain[,errno=E] and --seccomp-set=SYSCALL,... */
int patcharg_seccomp_mode(struct manifest_patch *p, const char *arg, struct act_err *err);
int patcharg_seccomp_set(struct manifest_patch *p, const char *arg, struct act_err *err);
/* After the last option: checks across options (a seccomp mode needs a set
 * and the other way round). */
int patcharg_finish(struct manifest_patch *p, struct act_err *err);
