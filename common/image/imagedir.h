/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"
#include "common/io/imageid.h"

/*
 * A folder of images (any compression), for finding dependencies offline:
 * every regular file of the folder whose manifest can be read, its name and
 * labels from it. The image ID and the tar size, which take reading the
 * whole image, are computed when first asked for.
 */
struct imagedir_image {
	char *path;
	char *manifest;
	size_t mlen;
	char *name;		/* the manifest's name */
	uint64_t file_size;
	dev_t dev;		/* the file: the same one under two names */
	ino_t ino;
	bool have_id;		/* id and tar_size computed */
	char id[IMAGEID_LEN + 1];
	uint64_t tar_size;
};

struct imagedir {
	char *dir;
	struct imagedir_image *v;
	size_t n;
	/* Files that are not images, for the message when nothing matches. */
	char **skipped;
	size_t nskipped;
};

/* Read the manifests of every regular file in dir, in byte order of the
 * names. A file that is not an image is skipped (noted in skipped). */
int imagedir_open(const char *dir, struct imagedir *d, struct act_err *err);
void imagedir_free(struct imagedir *d);

/* The image as an entry of no folder (the image being rendered). */
int imagedir_image_load(const char *path, struct imagedir_image *img, struct act_err *err);
void imagedir_image_free(struct imagedir_image *img);

/* img's ID and tar size, read once. */
int imagedir_image_id(struct imagedir_image *img, struct act_err *err);
