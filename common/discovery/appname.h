/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/base/err.h"

/*
 * An image name with labels, as appc's discovery takes it from a command
 * line (discovery.NewAppFromString): NAME[:VERSION][,LABEL=VALUE]...
 */
struct disc_label {
	char *name;
	char *value;
};

struct disc_app {
	char *name; /* an AC identifier */
	/* In the order given; a version after ':' is the label "version". */
	struct disc_label *labels;
	size_t n_labels;
};

/*
 * Parse s into app. As appc does: at most one ':', right after the name; a
 * label without '=' or given twice is refused; values are taken as they
 * are, ',' ending them. Stricter than appc: the name and label names must be
 * AC identifiers as the spec words them (appc lets "a..b" through), and a
 * label name is not percent-decoded. On failure app is left empty.
 */
int disc_app_parse(const char *s, struct disc_app *app, struct act_err *err);
void disc_app_free(struct disc_app *app);

/* The value of label name, or NULL. */
const char *disc_app_label(const struct disc_app *app, const char *name);
/* Give label name the value def when it is missing or empty, as actool does
 * for version, os and arch. */
void disc_app_default(struct disc_app *app, const char *name, const char *def);

/* This machine's operating system and architecture as Go names them
 * (runtime.GOOS, runtime.GOARCH: "linux", "amd64"), which is what actool
 * fills in: its build's. */
const char *disc_host_os(void);
const char *disc_host_arch(void);
