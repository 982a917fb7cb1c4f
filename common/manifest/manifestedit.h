/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/manifest/manifest.h"
#include "common/spec/report.h"

/*
 * A list of manifest edits, one per option, applied in the order given: each
 * one a splice pass over the text the one before left (manifest.h), so an
 * entry that exists is changed where it stands and a new one is appended.
 * Edits are checked three times: against each other (two edits of one entry
 * in one call contradict each other), each alone on the least manifest the
 * spec takes (a bad value is a usage error), and the final manifest once,
 * where a problem the edits brought in names the option that brought it.
 */

/* What an edit is about: conflicts are looked for within one field. */
enum medit_field {
	MEDIT_NAME,
	MEDIT_EXEC,
	MEDIT_USER,
	MEDIT_GROUP,
	MEDIT_GIDS,
	MEDIT_LABEL,
	MEDIT_ANNOTATION,
	MEDIT_ENV,
	MEDIT_WORKDIR,
	MEDIT_HANDLER,
	MEDIT_MOUNT,
	MEDIT_PORT,
	MEDIT_ISOLATOR,
	MEDIT_USER_LABEL,
	MEDIT_USER_ANNOTATION,
	MEDIT_DEPENDENCY,
	MEDIT_WHITELIST,
};

enum medit_action {
	MEDIT_SET,	/* put one entry (in place, or appended), or set a value */
	MEDIT_REMOVE,	/* remove the entries that match */
	MEDIT_CLEAR,	/* remove the whole field */
};

struct medit {
	enum medit_field field;
	enum medit_action action;
	char *flag;		/* the option as given: "--label=version=1.2" */
	char *opt;		/* its name, without "--" */
	/* The entries it edits (names, paths), for conflicts and messages. */
	char **keys;
	size_t nkeys;
	/* SET: the new entry or value as JSON text (not for patch). */
	char *value;
	/* A dependency's labels as "k=v" strings, sorted: for SET, the
	 * entry's; for REMOVE, those an entry must have to be removed. */
	char **labels;
	size_t nlabels;
	/* actool's options: one option's worth of patch, applied as
	 * manifest_patch_apply does it. */
	struct manifest_patch *patch;
};

struct medit_list {
	struct medit *v;
	size_t n;
	bool ignore_missing;	/* a REMOVE that matches nothing is not an error */
	bool allow_unknown_isolator; /* a SET of an isolator appc does not define */
};

/*
 * Add the edit one option asks for: opt is its name ("label",
 * "remove-env", ...), arg its value (NULL for the flags without one).
 * Parses and checks the value on its own; EINVAL with a message about
 * the value. Unknown opt: ENOENT.
 */
int medit_add(struct medit_list *l, const char *opt, const char *arg, struct act_err *err);
/* Add one of actool's options, already parsed into p (taken over). An
 * earlier edit of the same opt is dropped: the last one given counts. */
void medit_add_patch(struct medit_list *l, const char *opt, const char *arg,
		     struct manifest_patch *p);
/* Whether opt is one medit_add knows and whether it takes a value. */
bool medit_known(const char *opt, bool *has_arg);

/*
 * The usage checks, before any image is read: contradicting edits
 * ("--label=a=1 and --remove-label=a both edit label 'a'"), then each
 * edit applied alone to the least manifest the spec takes ("--env=1=x:
 * app.environment[0].name: ..."). EINVAL.
 */
int medit_check(const struct medit_list *l, struct act_err *err);

/*
 * Apply every edit to the manifest text, in order, into *out (malloc'd,
 * NUL-terminated). A REMOVE that matches nothing fails (ENOENT) unless
 * ignore_missing; the final manifest is checked against the spec and a
 * problem that was not in the input fails (EINVAL) naming the edit that
 * brought it. Problems the input already had are added to old (when not
 * NULL), for the caller to warn about.
 */
int medit_apply(const struct medit_list *l, const char *text, size_t len, char **out,
		size_t *outlen, struct spec_report *old, struct act_err *err);

void medit_list_free(struct medit_list *l);

/* Dependency i of the manifest text given its imageID and size, each set
 * where it stands or added in appc's member order: --pin-dependencies. */
int medit_pin(const char *text, size_t len, size_t i, const char *id, uint64_t size,
	      char **out, size_t *outlen, struct act_err *err);
