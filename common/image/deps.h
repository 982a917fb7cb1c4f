/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/base/err.h"
#include "common/image/imagedir.h"

/*
 * An image's dependencies found in a folder of images, offline, and put in
 * the order they are rendered in (spec/ace.md "Filesystem Setup", as appc's
 * acirenderer builds it): upper first, the image itself, then for each
 * image its dependencies, the last of them first, each right after the image
 * that depends on it. So for A -> [B, C] and C -> [D]: A, C, D, B; a path
 * comes from the first image of the list that has it. A dependency shared by
 * two images appears twice, each time under its own parent's pathWhitelist.
 *
 * A dependency with an imageID is the image of that ID (a unique prefix will
 * do), which must also have its name and labels; one without is the image
 * of that name having every label it gives (no os or arch is assumed). A
 * size, when given, must be the image file's size or its tar's. No match,
 * two matches, a cycle: an error naming the chain ("a -> b -> c").
 */
struct dep_node {
	struct imagedir_image *img;
	size_t parent;		/* index in nodes; (size_t)-1 for the image itself */
	char *what;		/* the dependency as written: "example.com/b,version=1" */
};

struct dep_list {
	struct dep_node *nodes;	/* in the order they were found */
	size_t nnodes;
	size_t *order;		/* upper first: indices in nodes */
	size_t n;
};

int deps_resolve(struct imagedir *d, struct imagedir_image *top, struct dep_list *l,
		 struct act_err *err);
void dep_list_free(struct dep_list *l);
/* The image of the folder that one dependency (its JSON object) names, by
 * the rules above; chain names it in messages. */
struct json_value;
int deps_find(struct imagedir *d, const struct json_value *dep, const char *chain,
	      struct imagedir_image **out, struct act_err *err);
/* "example.com/a -> example.com/b,version=1" for node i (malloc'd). */
char *deps_chain(const struct dep_list *l, size_t node);
