/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "common/base/err.h"
#include "common/codec/compression.h"
#include "common/io/source.h"
#include "common/oci/digest.h"
#include "common/oci/imageconfig.h"
#include "common/oci/ocilayer.h"

/*
 * An ACI as an image of an OCI image layout (image-layout.md): one layer
 * (ocilayer.h), its config (imageconfig.h), its manifest, and a descriptor
 * in index.json tagged with org.opencontainers.image.ref.name (and
 * io.containerd.image.name, which podman load reads). DIR is made, or
 * added to: an index entry with the same tag is replaced, every other one
 * kept. Blobs go in first, each under a temporary name renamed into place;
 * index.json is replaced last, atomically, so a failure leaves the layout as
 * it was (plus unreferenced blobs, which the spec allows). The layer's
 * digest and its diff_id are computed as it streams; the same image and
 * options give the same bytes.
 */
struct ociexport_options {
	enum act_compression comp;	/* ACT_COMP_GZIP or ACT_COMP_NONE */
	int level;			/* gzip: 0 for the default */
	const char *tag;		/* NULL: the version label, or "latest" */
	bool embed_manifest;		/* io.appc.image.manifest */
	bool sync;			/* fsync what is written */
};

struct ociexport_result {
	char manifest_digest[DIGEST_LEN + 1];
	char layer_digest[DIGEST_LEN + 1];
	char *tag;
	struct ocilayer_result layer;
	struct imageconfig config;
};

int ociexport(struct source *src, const char *dir, const struct ociexport_options *o,
	      struct ociexport_result *res, struct act_err *err);
void ociexport_result_free(struct ociexport_result *res);
