// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/fileio.h"
#include "common/base/macro.h"
#include "common/json/json.h"
#include "common/oci/ocisource.h"

#define REF_NAME "org.opencontainers.image.ref.name"
#define CONTAINERD_NAME "io.containerd.image.name"
/* A manifest, an index or a config is JSON of a few KiB. */
#define JSON_MAX (4u << 20)

void oci_image_free(struct oci_image *img)
{
	free(img->config);
	free(img->ref);
	free(img->containerd_name);
	for (size_t i = 0; i < img->nlayers; i++)
		free(img->layers[i].path);
	free(img->layers);
	*img = (struct oci_image){ 0 };
}

/* "sha256:HEX" with 64 lower-case hex digits: the only kind written here. */
static bool valid_digest(const char *d)
{
	if (strncmp(d, "sha256:", 7) != 0 || strlen(d) != DIGEST_LEN)
		return false;
	return strspn(d + 7, "0123456789abcdef") == 64;
}

/* A descriptor's blob, read whole and checked: size, then digest. */
static int read_blob(const char *dir, const struct json_value *desc, char **out, size_t *len,
		     struct act_err *err)
{
	const struct json_value *d = json_get(desc, "digest"), *s = json_get(desc, "size");
	_cleanup_free_ char *path = NULL;
	char got[DIGEST_LEN + 1];

	if (!d || d->type != JSON_STRING || !valid_digest(d->str) || !s || s->type != JSON_NUMBER)
		return act_err_set(err, EINVAL, "%s: a descriptor without a sha256 digest and a "
				   "size", dir);
	path = xasprintf("%s/blobs/sha256/%s", dir, d->str + 7);
	if (fileio_read_all(path, JSON_MAX, "blob size", out, len, err) < 0)
		return -1;
	if ((unsigned long long)*len != strtoull(s->str, NULL, 10)) {
		free(*out);
		return act_err_set(err, EINVAL, "%s: %zu bytes, the descriptor says %s", path, *len,
				   s->str);
	}
	digest_of(*out, *len, got);
	if (!streq(got, d->str)) {
		free(*out);
		return act_err_set(err, EINVAL, "%s: its content does not match its digest", path);
	}
	return 0;
}

static const char *annotation(const struct json_value *desc, const char *key)
{
	const struct json_value *v = json_get(json_get(desc, "annotations"), key);

	return v && v->type == JSON_STRING ? v->str : NULL;
}

static bool is_index(const struct json_value *desc)
{
	const struct json_value *mt = json_get(desc, "mediaType");

	return json_is_string(mt, "application/vnd.oci.image.index.v1+json") ||
	       json_is_string(mt, "application/vnd.docker.distribution.manifest.list.v2+json");
}

/* The image descriptors of an index, nested indexes followed (one level at
 * a time, at most 8 deep), into *found. */
static int collect(const char *dir, const struct json_value *index, int depth,
		   struct json_value ***found, size_t *n, struct json_value ***keep, size_t *nkeep,
		   struct act_err *err)
{
	const struct json_value *ms = json_get(index, "manifests");

	if (depth > 8)
		return act_err_set(err, ELOOP, "%s: index.json: indexes nested too deep", dir);
	for (size_t i = 0; ms && ms->type == JSON_ARRAY && i < ms->n; i++) {
		const struct json_value *d = ms->items[i];

		if (is_index(d)) {
			_cleanup_free_ char *text = NULL;
			struct json_value *sub;
			size_t len;

			if (read_blob(dir, d, &text, &len, err) < 0 ||
			    !(sub = json_parse(text, len, err)))
				return -1;
			*keep = xrealloc(*keep, (*nkeep + 1) * sizeof(**keep));
			(*keep)[(*nkeep)++] = sub;
			if (collect(dir, sub, depth + 1, found, n, keep, nkeep, err) < 0)
				return -1;
			continue;
		}
		*found = xrealloc(*found, (*n + 1) * sizeof(**found));
		(*found)[(*n)++] = (struct json_value *)d;
	}
	return 0;
}

/* The descriptor tagged ref, or the only one. */
static const struct json_value *pick(const char *dir, struct json_value **found, size_t n,
				     const char *ref, struct act_err *err)
{
	const struct json_value *hit = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *r = annotation(found[i], REF_NAME), *c = annotation(found[i], CONTAINERD_NAME);

		if (ref && !(r && streq(r, ref)) && !(c && streq(c, ref)))
			continue;
		if (hit) {
			act_err_set(err, EINVAL, "%s: %s images%s: --ref (or DIR:TAG) picks one", dir,
				    ref ? "two" : "several", ref ? " of that tag" : "");
			return NULL;
		}
		hit = found[i];
	}
	if (!hit)
		act_err_set(err, ENOENT, ref ? "%s: no image tagged '%s'" : "%s: no image%s", dir,
			    ref ? ref : "");
	return hit;
}

static int layers_of(const char *dir, const struct json_value *manifest,
		     const struct json_value *config, struct oci_image *img, struct act_err *err)
{
	const struct json_value *layers = json_get(manifest, "layers");
	const struct json_value *rootfs = json_get(config, "rootfs");
	const struct json_value *diff_ids = json_get(rootfs, "diff_ids");

	if (!json_is_string(json_get(rootfs, "type"), "layers"))
		return act_err_set(err, EINVAL, "%s: the config's rootfs.type is not 'layers'", dir);
	if (!layers || layers->type != JSON_ARRAY || !diff_ids || diff_ids->type != JSON_ARRAY ||
	    layers->n != diff_ids->n)
		return act_err_set(err, EINVAL, "%s: the config's diff_ids do not match the "
				   "manifest's layers", dir);
	img->layers = xcalloc(layers->n + 1, sizeof(*img->layers));
	for (size_t i = 0; i < layers->n; i++) {
		const struct json_value *d = json_get(layers->items[i], "digest");
		const struct json_value *s = json_get(layers->items[i], "size");
		struct oci_layer *l = &img->layers[img->nlayers++];

		if (!d || d->type != JSON_STRING || !valid_digest(d->str) || !s ||
		    s->type != JSON_NUMBER || diff_ids->items[i]->type != JSON_STRING ||
		    !valid_digest(diff_ids->items[i]->str))
			return act_err_set(err, EINVAL, "%s: layer %zu: a digest or size that is not "
					   "sha256 and a number", dir, i);
		l->path = xasprintf("%s/blobs/sha256/%s", dir, d->str + 7);
		l->off = -1;
		memcpy(l->digest, d->str, DIGEST_LEN + 1);
		l->size = (size_t)strtoull(s->str, NULL, 10);
		memcpy(l->diff_id, diff_ids->items[i]->str, DIGEST_LEN + 1);
	}
	return 0;
}

int oci_image_open(const char *dir, const char *ref, struct oci_image *img, struct act_err *err)
{
	_cleanup_free_ char *path = xasprintf("%s/index.json", dir), *itext = NULL, *mtext = NULL;
	_cleanup_free_ char *layout = xasprintf("%s/oci-layout", dir);
	struct json_value *index = NULL, *manifest = NULL, *config = NULL;
	struct json_value **found = NULL, **keep = NULL;
	const struct json_value *desc;
	size_t ilen, mlen, n = 0, nkeep = 0;
	struct stat st;
	int r = -1;

	*img = (struct oci_image){ 0 };
	if (stat(layout, &st) < 0) {
		act_err_set(err, errno, "%s: not an OCI image layout (no oci-layout): %s", dir,
			    strerror(errno));
		goto out;
	}
	if (fileio_read_all(path, JSON_MAX, "index.json size", &itext, &ilen, err) < 0 ||
	    !(index = json_parse(itext, ilen, err)) ||
	    collect(dir, index, 0, &found, &n, &keep, &nkeep, err) < 0 ||
	    !(desc = pick(dir, found, n, ref, err)))
		goto out;
	if (read_blob(dir, desc, &mtext, &mlen, err) < 0 ||
	    !(manifest = json_parse(mtext, mlen, err)))
		goto out;
	memcpy(img->manifest_digest, json_get(desc, "digest")->str, DIGEST_LEN + 1);
	img->ref = annotation(desc, REF_NAME) ? xstrdup(annotation(desc, REF_NAME)) : NULL;
	img->containerd_name = annotation(desc, CONTAINERD_NAME) ?
				       xstrdup(annotation(desc, CONTAINERD_NAME)) : NULL;
	if (read_blob(dir, json_get(manifest, "config"), &img->config, &img->clen, err) < 0 ||
	    !(config = json_parse(img->config, img->clen, err)))
		goto out;
	r = layers_of(dir, manifest, config, img, err);
out:
	if (r < 0)
		oci_image_free(img);
	for (size_t i = 0; i < nkeep; i++)
		json_free(keep[i]);
	free(keep);
	free(found);
	json_free(index);
	json_free(manifest);
	json_free(config);
	return r;
}
