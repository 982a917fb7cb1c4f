/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

#include "common/base/err.h"
#include "common/base/msglist.h"
#include "common/oci/ocisource.h"
#include "common/tar/paxwriter.h"

/*
 * An OCI image's layers squashed into one ACI stream (image-spec layer.md),
 * in two passes over the layers. The first reads headers only and builds the
 * final tree: an entry replaces what a lower layer had at its path (and all
 * under it, unless both are directories, which merge); "dir/.wh.NAME" hides
 * dir/NAME of the lower layers and ".wh..wh..opq" everything lower under
 * dir, wherever they stand in the layer; a hardlink binds to the file its
 * target names when it is read. Each layer's digest, size and diff_id are
 * checked as it is read. The second pass writes the manifest, rootfs, every
 * directory (from the top, a path's last version, or made 0755 for a parent
 * no layer has), then the other entries in layer order, each the version
 * that survives, headers and xattrs as they were, under rootfs/. A file
 * keeps its data under the first of its names that survives, its other
 * names are hardlinks to it. A lower file or symlink where a higher layer
 * puts a directory's content is replaced by a directory, as podman and
 * docker's overlay do, with a warning. A hardlink to a symlink, a device
 * or a fifo is a copy of it, as containerd makes one.
 */
struct ocisquash;

struct ocisquash_result {
	uint64_t entries, hidden, replaced;
};

/* The first pass; capture lists (NULL-terminated, may be NULL) small files
 * whose final content ocisquash_file then gives, /etc/passwd say. */
struct ocisquash *ocisquash_scan(const struct oci_image *img, const char *const *capture,
				 struct msglist *warn, struct act_err *err);
/* A captured path's content in the squashed tree: NULL when it is not
 * there, not a file, over 4 MiB or a hardlink to another name. */
const char *ocisquash_file(const struct ocisquash *s, const char *path, size_t *len);
/* The second pass: the ACI, manifest first. */
int ocisquash_emit(struct ocisquash *s, const char *manifest, size_t mlen, struct paxwriter *pw,
		   struct ocisquash_result *res, struct act_err *err);
void ocisquash_free(struct ocisquash *s);
