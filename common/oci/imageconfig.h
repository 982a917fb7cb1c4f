/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/base/err.h"
#include "common/base/msglist.h"

/*
 * An ACI manifest as an OCI image config (image-spec config.md): exec as
 * Entrypoint (appc appends a run's arguments to it, as OCI appends Cmd to
 * Entrypoint), user:group as User, the environment, the working directory,
 * ports as ExposedPorts, mount points as Volumes, os and arch labels as
 * os, architecture and variant. What the config has no field for goes into
 * its Labels under io.appc.* (the isolators, event handlers, supplementary
 * groups, port and mount names, labels and annotations), with the whole
 * manifest, compacted, under io.appc.image.manifest; and the isolators a
 * runtime can be told of are given as podman run flags, so that nothing is
 * lost without a word. Keys in a fixed order: the same manifest, the same
 * bytes.
 */
struct imageconfig {
	char *json;		/* the config, compact */
	size_t len;
	char *os, *arch, *variant; /* variant NULL when none */
	char *name;		/* the image's name */
	char *tag;		/* its version label, or "latest" */
	char *created, *authors, *url, *documentation; /* annotations, or NULL */
	char *run_flags;	/* "--cap-drop=all --cap-add=..." or NULL */
	struct msglist warnings;
};

int imageconfig_make(const char *manifest, size_t len, const char *diff_id, bool embed,
		     struct imageconfig *c, struct act_err *err);
void imageconfig_free(struct imageconfig *c);
