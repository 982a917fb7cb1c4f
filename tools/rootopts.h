/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "common/image/aci.h"
#include "common/image/capedit.h"
#include "common/fs/rootedit.h"
#include "tools/cmd.h"

/*
 * patch-manifest's rootfs options (--add=DEST=SRC, --remove-path=PATH,
 * --owner-root, --mtime=EPOCH), gathered while getopt runs, and the edit
 * hooks that run them in the pass with the file capability edits.
 */
struct root_opts {
	struct rootedit_options o;
	bool mtime_given;
	struct root_arg {
		bool remove;
		char *flag;
		const char *arg;
	} *v;
	size_t n;
};

/* Note --add (remove false) or --remove-path. */
void root_opts_add(struct root_opts *ro, bool remove, const char *opt, const char *arg);
/* The rootedit the options ask for, its plan made: NULL when there are no
 * rootfs edits; *exit_code then 0, or EXIT_USAGE/EXIT_FAIL (printed). */
struct rootedit *root_opts_build(const struct act_cmd *cmd, struct root_opts *ro,
				 int *exit_code);
void root_opts_free(struct root_opts *ro);

/* The rootfs and file capability edits of one pass (either may be empty;
 * re NULL: file capabilities alone, add-filecaps). */
struct edit_hooks {
	struct capedit *ce;
	struct rootedit *re;
};
void edit_hooks_set(struct aci_edit *edit, struct edit_hooks *h);
void edit_hooks_warnings(const struct act_cmd *cmd, const struct edit_hooks *h);
