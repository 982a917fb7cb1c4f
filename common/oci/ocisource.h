/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/oci/digest.h"

/*
 * One image of an OCI image layout, found and checked: index.json (and any
 * index it points to), the manifest tagged ref (org.opencontainers.image.ref.name,
 * or io.containerd.image.name, its own or its index's; the only image when
 * ref is NULL; attestations, whose platform is "unknown", left out), its config
 * and its layers' descriptors. Every blob read here has its size and digest
 * checked; the layers are checked as they are read (ocisquash.h).
 */
struct oci_layer {
	char *path;		/* DIR/blobs/sha256/HEX */
	/* The blob's digest and size, checked before it is read; "" when
	 * there is none to check (a docker-archive: the diff_id vouches). */
	char digest[DIGEST_LEN + 1];
	size_t size;
	char diff_id[DIGEST_LEN + 1];
	/* The layer is the bytes [off, off + len) of path; off -1: all of it. */
	int64_t off, len;
};

struct oci_image {
	char *config;		/* the config's bytes */
	size_t clen;
	char *ref;		/* the tag it was found by (ref.name), or NULL */
	char *containerd_name;	/* io.containerd.image.name, or NULL */
	char manifest_digest[DIGEST_LEN + 1];
	struct oci_layer *layers;
	size_t nlayers;
};

/* platform "os/arch[/variant]" (NULL: any; among several images of one tag,
 * the host's) picks among an index's images by their descriptors' platform,
 * and must be the config's. */
int oci_image_open(const char *dir, const char *ref, const char *platform, struct oci_image *img,
		   struct act_err *err);
/* The image's config is for platform (NULL: any). */
int oci_check_platform(const struct oci_image *img, const char *platform, struct act_err *err);
void oci_image_free(struct oci_image *img);
