/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <getopt.h>
#include <stdbool.h>

#include "common/manifest/manifestedit.h"
#include "tools/cmd.h"

/*
 * patch-manifest's manifest options: actool's (the last of each one given
 * counts, as Go's flag package has it) and the edit options (each one an
 * edit, in command-line order), gathered while getopt runs and made into
 * one medit_list after it.
 */

/* The edit options beyond actool's, for a longopts table: every one has
 * val; cmd_longindex tells them apart. */
#define PATCH_EDIT_LONG_OPTIONS(val)                                           \
	{ "label", required_argument, NULL, val },                            \
	{ "remove-label", required_argument, NULL, val },                     \
	{ "annotation", required_argument, NULL, val },                       \
	{ "remove-annotation", required_argument, NULL, val },                \
	{ "env", required_argument, NULL, val },                              \
	{ "remove-env", required_argument, NULL, val },                       \
	{ "clear-env", no_argument, NULL, val },                              \
	{ "exec-arg", required_argument, NULL, val },                         \
	{ "exec-json", required_argument, NULL, val },                        \
	{ "remove-exec", no_argument, NULL, val },                            \
	{ "working-directory", required_argument, NULL, val },                \
	{ "remove-working-directory", no_argument, NULL, val },               \
	{ "pre-start-json", required_argument, NULL, val },                   \
	{ "post-stop-json", required_argument, NULL, val },                   \
	{ "remove-event-handler", required_argument, NULL, val },             \
	{ "clear-supplementary-groups", no_argument, NULL, val },             \
	{ "mount", required_argument, NULL, val },                            \
	{ "remove-mount", required_argument, NULL, val },                     \
	{ "port", required_argument, NULL, val },                             \
	{ "remove-port", required_argument, NULL, val },                      \
	{ "isolator", required_argument, NULL, val },                         \
	{ "isolator-file", required_argument, NULL, val },                    \
	{ "remove-isolator", required_argument, NULL, val },                  \
	{ "user-label", required_argument, NULL, val },                       \
	{ "remove-user-label", required_argument, NULL, val },                \
	{ "user-annotation", required_argument, NULL, val },                  \
	{ "remove-user-annotation", required_argument, NULL, val },           \
	{ "dependency", required_argument, NULL, val },                       \
	{ "remove-dependency", required_argument, NULL, val },                \
	{ "clear-dependencies", no_argument, NULL, val },                     \
	{ "path-whitelist", required_argument, NULL, val },                   \
	{ "remove-path-whitelist", required_argument, NULL, val },            \
	{ "clear-path-whitelist", no_argument, NULL, val },                   \
	/* actool's */                                                         \
	{ "name", required_argument, NULL, val },                             \
	{ "exec", required_argument, NULL, val },                             \
	{ "user", required_argument, NULL, val },                             \
	{ "group", required_argument, NULL, val },                            \
	{ "supplementary-groups", required_argument, NULL, val },             \
	{ "mounts", required_argument, NULL, val },                           \
	{ "ports", required_argument, NULL, val },                            \
	{ "isolators", required_argument, NULL, val },                        \
	{ "seccomp-mode", required_argument, NULL, val },                     \
	{ "seccomp-set", required_argument, NULL, val },                      \
	{ "capability", required_argument, NULL, val },                       \
	{ "revoke-capability", required_argument, NULL, val }

struct patch_arg {
	const char *opt, *arg;
};

struct patch_args {
	struct patch_arg *v;
	size_t n;
};

/* Note one option as given (opt without "--"; arg NULL when it has none). */
void patch_args_add(struct patch_args *a, const char *opt, const char *arg);
/* The edits, parsed and checked (medit_check) into l: 0, or EXIT_USAGE
 * after printing why. */
int patch_args_edits(const struct act_cmd *cmd, struct patch_args *a, struct medit_list *l);
void patch_args_free(struct patch_args *a);
