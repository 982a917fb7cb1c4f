/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/base/err.h"
#include "common/oci/ocisource.h"

/*
 * One image of a `docker save` archive (any compression): manifest.json's
 * entry whose RepoTags hold ref (or the only one), its config and layers,
 * found as containers/image finds them (names cleaned, one symlink entry
 * followed, within the archive). The archive is read once: an
 * uncompressed one in a regular file (what docker save and skopeo write)
 * is then read again by offset, one layer at a time; a compressed one has
 * its layers copied into *tmpdir, a directory made in tmpbase on the first
 * copy (the caller removes it), for the squash to read again. The config's sha256 is checked against its name
 * where the name is one; each layer is checked against its diff_id as it
 * is squashed.
 */
int docker_archive_open(const char *file, const char *ref, const char *tmpbase, char **tmpdir,
			struct oci_image *img, struct act_err *err);
