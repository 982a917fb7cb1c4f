/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/base/err.h"
#include "common/base/msglist.h"
#include "common/oci/ocisource.h"

/*
 * An OCI image config as an ACI manifest, as docker2aci mapped one, less its
 * faults: the name from the image's name (or --name), the version label
 * from its tag, os and arch labels from the platform (an unknown one is an
 * error, never the host's), exec from Entrypoint and Cmd, user and group
 * from User (a user alone: its group in /etc/passwd), the environment (names appc refuses are left out, with a
 * warning), an absolute working directory, ports, volumes as mount points,
 * the config's Labels as the app's user labels, created and author as
 * annotations. A config export-oci wrote carries the manifest it came from
 * (io.appc.image.manifest): that one is taken back as it was. The result
 * is checked against the spec.
 */
struct configmap_options {
	const char *name, *version, *os, *arch; /* NULL: from the image */
	/* The squashed tree's /etc/passwd (NULL: none): a User without a group
	 * gets the user's primary group from it. */
	const char *passwd;
	size_t passwd_len;
};

int configmap_manifest(const struct oci_image *img, const struct configmap_options *o,
		       char **out, size_t *len, struct msglist *warn, struct act_err *err);
