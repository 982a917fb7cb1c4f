// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/strbuf.h"
#include "common/image/deps.h"
#include "common/json/json.h"

/* A chain longer than this is taken for a runaway: 32 levels of base images
 * is far more than anyone builds. */
#define MAX_DEPTH 32
#define MAX_NODES 4096

void dep_list_free(struct dep_list *l)
{
	for (size_t i = 0; i < l->nnodes; i++)
		free(l->nodes[i].what);
	free(l->nodes);
	free(l->order);
	*l = (struct dep_list){ 0 };
}

char *deps_chain(const struct dep_list *l, size_t node)
{
	size_t path[MAX_DEPTH + 2], n = 0;
	struct strbuf b = { 0 };

	for (size_t i = node; i != (size_t)-1 && n < ARRAY_SIZE(path); i = l->nodes[i].parent)
		path[n++] = i;
	while (n--) {
		strbuf_adds(&b, l->nodes[path[n]].what);
		if (n)
			strbuf_adds(&b, " -> ");
	}
	return b.p;
}

/* Every label of the dependency, with its value, in the image's manifest. */
static bool labels_match(const struct json_value *dep_labels, const struct imagedir_image *img)
{
	struct json_value *m = json_parse(img->manifest, img->mlen, NULL);
	const struct json_value *labels = json_get(m, "labels");
	bool ok = true;

	for (size_t i = 0; ok && dep_labels && dep_labels->type == JSON_ARRAY &&
			   i < dep_labels->n; i++) {
		const struct json_value *n = json_get(dep_labels->items[i], "name");
		const struct json_value *v = json_get(dep_labels->items[i], "value");

		ok = n && v && n->type == JSON_STRING && v->type == JSON_STRING &&
		     json_is_string(json_get(json_named(labels, n->str), "value"), v->str);
	}
	json_free(m);
	return ok;
}

/* "name,k=v,..." as the dependency is written. */
static char *describe(const struct json_value *dep)
{
	const struct json_value *name = json_get(dep, "imageName");
	const struct json_value *labels = json_get(dep, "labels");
	const struct json_value *id = json_get(dep, "imageID");
	struct strbuf b = { 0 };

	strbuf_adds(&b, name && name->type == JSON_STRING ? name->str : "?");
	for (size_t i = 0; labels && labels->type == JSON_ARRAY && i < labels->n; i++) {
		const struct json_value *n = json_get(labels->items[i], "name");
		const struct json_value *v = json_get(labels->items[i], "value");

		if (n && v && n->type == JSON_STRING && v->type == JSON_STRING) {
			strbuf_adds(&b, ",");
			strbuf_adds(&b, n->str);
			strbuf_adds(&b, "=");
			strbuf_adds(&b, v->str);
		}
	}
	if (id && id->type == JSON_STRING) {
		strbuf_adds(&b, ",imageID=");
		strbuf_add(&b, id->str, id->len < 19 ? id->len : 19);
		if (id->len > 19)
			strbuf_adds(&b, "...");
	}
	return b.p;
}

int deps_find(struct imagedir *d, const struct json_value *dep, const char *chain,
		struct imagedir_image **out, struct act_err *err)
{
	const struct json_value *name = json_get(dep, "imageName");
	const struct json_value *id = json_get(dep, "imageID");
	const struct json_value *size = json_get(dep, "size");
	const struct json_value *labels = json_get(dep, "labels");
	struct imagedir_image *found = NULL;
	size_t nfound = 0;

	if (!name || name->type != JSON_STRING)
		return act_err_set(err, EINVAL, "%s: a dependency without an imageName", chain);
	for (size_t i = 0; i < d->n; i++) {
		struct imagedir_image *img = &d->v[i];

		if (!streq(img->name, name->str) || !labels_match(labels, img))
			continue;
		if (id && id->type == JSON_STRING) {
			if (imagedir_image_id(img, err) < 0)
				return act_err_wrap(err, "%s", chain);
			if (strncmp(img->id, id->str, id->len) != 0 || id->len < sizeof("sha512-"))
				continue;
		}
		if (nfound++)
			return act_err_set(err, EINVAL, "%s: ambiguous: %s and %s both match%s", chain,
					   found->path, img->path,
					   id ? " (a longer imageID prefix tells them apart)" : "");
		found = img;
	}
	if (!found) {
		if (d->nskipped)
			return act_err_set(err, ENOENT, "%s: no image in %s has that name%s (%zu "
					   "files there are not images, %s first)", chain, d->dir,
					   id ? ", labels and ID" : " and labels", d->nskipped,
					   d->skipped[0]);
		return act_err_set(err, ENOENT, "%s: no image in %s has that name%s", chain, d->dir,
				   id ? ", labels and ID" : " and labels");
	}
	if (size && size->type == JSON_NUMBER) {
		uint64_t want = strtoull(size->str, NULL, 10);

		if (want != found->file_size) {
			if (imagedir_image_id(found, err) < 0)
				return act_err_wrap(err, "%s", chain);
			if (want != found->tar_size)
				return act_err_set(err, EINVAL, "%s: size %" PRIu64 ", but %s is %" PRIu64
						   " bytes (its tar %" PRIu64 ")", chain, want,
						   found->path, found->file_size, found->tar_size);
		}
	}
	*out = found;
	return 0;
}

static size_t add_node(struct dep_list *l, struct imagedir_image *img, size_t parent, char *what)
{
	l->nodes = xrealloc(l->nodes, (l->nnodes + 1) * sizeof(*l->nodes));
	l->nodes[l->nnodes] = (struct dep_node){ img, parent, what };
	return l->nnodes++;
}

static unsigned depth(const struct dep_list *l, size_t node)
{
	unsigned n = 0;

	for (size_t i = node; l->nodes[i].parent != (size_t)-1; i = l->nodes[i].parent)
		n++;
	return n;
}

/* The dependencies of the node at order[at], inserted right after it. */
static int expand(struct imagedir *d, struct dep_list *l, size_t at, struct act_err *err)
{
	size_t node = l->order[at];
	struct imagedir_image *img = l->nodes[node].img;
	struct json_value *m = json_parse(img->manifest, img->mlen, err);
	const struct json_value *deps = json_get(m, "dependencies");
	int r = 0;

	if (!m)
		return -1;
	for (size_t j = 0; r == 0 && deps && deps->type == JSON_ARRAY && j < deps->n; j++) {
		char *what = describe(deps->items[j]);
		size_t child = add_node(l, NULL, node, what);
		_cleanup_free_ char *chain = deps_chain(l, child);
		struct imagedir_image *found;

		if ((r = deps_find(d, deps->items[j], chain, &found, err)) < 0)
			break;
		l->nodes[child].img = found;
		for (size_t a = node; a != (size_t)-1; a = l->nodes[a].parent) {
			const struct imagedir_image *up = l->nodes[a].img;

			if (up == found || (up->dev == found->dev && up->ino == found->ino)) {
				r = act_err_set(err, ELOOP, "%s: a cycle (%s is %s)", chain,
						l->nodes[child].what, found->path);
				break;
			}
		}
		if (r == 0 && depth(l, child) > MAX_DEPTH)
			r = act_err_set(err, ELOOP, "%s: more than %d levels", chain, MAX_DEPTH);
		if (r == 0 && l->n >= MAX_NODES)
			r = act_err_set(err, E2BIG, "%s: more than %d images", chain, MAX_NODES);
		if (r < 0)
			break;
		/* Right after its parent: the last dependency ends up first. */
		l->order = xrealloc(l->order, (l->n + 1) * sizeof(*l->order));
		memmove(&l->order[at + 2], &l->order[at + 1], (l->n - at - 1) * sizeof(*l->order));
		l->order[at + 1] = child;
		l->n++;
	}
	json_free(m);
	return r;
}

int deps_resolve(struct imagedir *d, struct imagedir_image *top, struct dep_list *l,
		 struct act_err *err)
{
	*l = (struct dep_list){ 0 };
	add_node(l, top, (size_t)-1, xstrdup(top->name));
	l->order = xmalloc(sizeof(*l->order));
	l->order[0] = 0;
	l->n = 1;
	for (size_t at = 0; at < l->n; at++)
		if (expand(d, l, at, err) < 0)
			return -1;
	return 0;
}
