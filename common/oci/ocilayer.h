/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

#include "common/base/err.h"
#include "common/io/source.h"
#include "common/tar/paxwriter.h"

/*
 * An ACI's rootfs as one OCI layer (image-spec layer.md), in one pass:
 * rootfs/X becomes X, rootfs itself ".", a hardlink's target loses its
 * rootfs/ too; every other header field and every xattr goes along, the
 * xattrs as SCHILY.xattr records (umoci and podman read no other kind, and
 * an image from bsdtar may have only LIBARCHIVE.xattr ones). A sparse file
 * is written whole (the spec: sparse files SHOULD NOT be used). A name with
 * a component starting ".wh." is refused: in a layer it is a whiteout. The
 * image is checked as every verb checks one; its manifest is handed back.
 * An image with dependencies is refused (render --flatten makes one
 * without); a pathWhitelist is applied, as a render would.
 */
struct ocilayer_result {
	char *manifest;		/* malloc'd */
	size_t mlen;
	uint64_t entries;
	uint64_t sparse;	/* sparse files written whole */
	uint64_t caps_v3;	/* revision 3 file capabilities (a host uid) */
	uint64_t filtered;	/* left out by pathWhitelist */
};

int ocilayer_write(struct source *src, struct paxwriter *pw, struct ocilayer_result *res,
		   struct act_err *err);
