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
	return json_string(json_get(json_get(desc, "annotations"), key));
}

static bool is_index(const struct json_value *desc)
{
	const struct json_value *mt = json_get(desc, "mediaType");

	return json_is_string(mt, "application/vnd.oci.image.index.v1+json") ||
	       json_is_string(mt, "application/vnd.docker.distribution.manifest.list.v2+json");
}

/* An image of the layout, with the names its index (or an outer one) gave it. */
struct cand {
	const struct json_value *desc;
	const char *ref, *cname;
};

struct cands {
	struct cand *v;
	size_t n;
	struct json_value **keep; /* nested indexes, parsed */
	size_t nkeep;
};

/* The image descriptors of an index, nested indexes followed (at most 8
 * deep); an image takes the names of the index that holds it when it has
 * none of its own (docker buildx and docker save name the index only). */
static int collect(const char *dir, const struct json_value *index, int depth, const char *ref,
		   const char *cname, struct cands *c, struct act_err *err)
{
	const struct json_value *ms = json_get(index, "manifests");

	if (depth > 8)
		return act_err_set(err, ELOOP, "%s: index.json: indexes nested too deep", dir);
	for (size_t i = 0; ms && ms->type == JSON_ARRAY && i < ms->n; i++) {
		const struct json_value *d = ms->items[i];
		const char *r = annotation(d, REF_NAME) ?: ref;
		const char *cn = annotation(d, CONTAINERD_NAME) ?: cname;

		if (is_index(d)) {
			_cleanup_free_ char *text = NULL;
			struct json_value *sub;
			size_t len;

			if (read_blob(dir, d, &text, &len, err) < 0 ||
			    !(sub = json_parse(text, len, err)))
				return -1;
			c->keep = xrealloc(c->keep, (c->nkeep + 1) * sizeof(*c->keep));
			c->keep[c->nkeep++] = sub;
			if (collect(dir, sub, depth + 1, r, cn, c, err) < 0)
				return -1;
			continue;
		}
		c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
		c->v[c->n++] = (struct cand){ d, r, cn };
	}
	return 0;
}

/* "os/arch[/variant]" of a platform object (a descriptor's, a config). */
static char *platform_name(const struct json_value *p)
{
	const char *os = json_string(json_get(p, "os"));
	const char *arch = json_string(json_get(p, "architecture"));
	const char *v = json_string(json_get(p, "variant"));

	return xasprintf("%s/%s%s%s", os ? os : "?", arch ? arch : "?", v ? "/" : "",
			 v ? v : "");
}

/* Whether p is the platform "os/arch[/variant]" names: a variant left out
 * matches any. */
static bool platform_is(const struct json_value *p, const char *want)
{
	_cleanup_free_ char *have = platform_name(p);
	size_t l = strlen(want);

	return streq(have, want) || (strncmp(have, want, l) == 0 && have[l] == '/' &&
				     strchr(want, '/') == strrchr(want, '/'));
}

/* The platform this acitool runs on, as OCI names it. */
static const char *host_platform(void)
{
#if defined(__x86_64__)
	return "linux/amd64";
#elif defined(__aarch64__)
	return "linux/arm64";
#elif defined(__arm__) && defined(__ARM_ARCH_7A__)
	return "linux/arm/v7";
#elif defined(__arm__)
	return "linux/arm";
#elif defined(__i386__)
	return "linux/386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "linux/ppc64le";
#elif defined(__s390x__)
	return "linux/s390x";
#else
	return "linux/unknown";
#endif
}

/* Keep the candidates whose descriptor names platform want (or none). */
static size_t keep_platform(struct cand *v, size_t n, const char *want, bool need)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct json_value *p = json_get(v[i].desc, "platform");

		if (p ? platform_is(p, want) : !need)
			v[k++] = v[i];
	}
	return k;
}

/* The image tagged ref (or any), for platform (or the host's, among
 * several); attestations and other platforms named "unknown" left out. */
static const struct cand *pick(const char *dir, struct cands *c, const char *ref,
			       const char *platform, struct act_err *err)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct json_value *p = json_get(c->v[i].desc, "platform");

		if (ref && !(c->v[i].ref && streq(c->v[i].ref, ref)) &&
		    !(c->v[i].cname && streq(c->v[i].cname, ref)))
			continue;
		if (json_is_string(json_get(p, "os"), "unknown"))
			continue;
		c->v[n++] = c->v[i];
	}
	if (platform)
		n = keep_platform(c->v, n, platform, false);
	else if (n > 1 && keep_platform(c->v, n, host_platform(), true) == 1)
		n = keep_platform(c->v, n, host_platform(), true);
	if (n == 1)
		return &c->v[0];
	if (n == 0) {
		act_err_set(err, ENOENT, "%s: no image%s%s%s%s", dir, ref ? " tagged '" : "",
			    ref ? ref : "", ref ? "'" : "", platform ? " for that platform" : "");
		return NULL;
	}
	{
		_cleanup_free_ char *list = xstrdup("");

		for (size_t i = 0; i < n; i++) {
			const struct json_value *p = json_get(c->v[i].desc, "platform");
			_cleanup_free_ char *name = p ? platform_name(p) : xstrdup("?");
			char *l = xasprintf("%s%s%s", list, i ? ", " : "", name);

			free(list);
			list = l;
		}
		act_err_set(err, EINVAL, "%s: several images%s (%s): %s picks one", dir,
			    ref ? " of that tag" : "", list,
			    platform ? "--ref (or DIR:TAG)" : "--platform or --ref (or DIR:TAG)");
	}
	return NULL;
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

int oci_check_platform(const struct oci_image *img, const char *platform, struct act_err *err)
{
	struct json_value *c;
	_cleanup_free_ char *have = NULL;
	bool ok;

	if (!platform)
		return 0;
	if (!(c = json_parse(img->config, img->clen, err)))
		return -1;
	ok = platform_is(c, platform);
	have = platform_name(c);
	json_free(c);
	if (!ok)
		return act_err_set(err, EINVAL, "the image is for %s, not %s", have, platform);
	return 0;
}

int oci_image_open(const char *dir, const char *ref, const char *platform, struct oci_image *img,
		   struct act_err *err)
{
	_cleanup_free_ char *path = xasprintf("%s/index.json", dir), *itext = NULL, *mtext = NULL;
	_cleanup_free_ char *layout = xasprintf("%s/oci-layout", dir);
	struct json_value *index = NULL, *manifest = NULL, *config = NULL;
	struct cands c = { 0 };
	const struct cand *hit;
	const struct json_value *desc;
	size_t ilen, mlen;
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
	    collect(dir, index, 0, NULL, NULL, &c, err) < 0 ||
	    !(hit = pick(dir, &c, ref, platform, err)))
		goto out;
	desc = hit->desc;
	if (read_blob(dir, desc, &mtext, &mlen, err) < 0 ||
	    !(manifest = json_parse(mtext, mlen, err)))
		goto out;
	memcpy(img->manifest_digest, json_get(desc, "digest")->str, DIGEST_LEN + 1);
	img->ref = hit->ref ? xstrdup(hit->ref) : NULL;
	img->containerd_name = hit->cname ? xstrdup(hit->cname) : NULL;
	if (read_blob(dir, json_get(manifest, "config"), &img->config, &img->clen, err) < 0 ||
	    !(config = json_parse(img->config, img->clen, err)))
		goto out;
	r = layers_of(dir, manifest, config, img, err);
	if (r == 0)
		r = oci_check_platform(img, platform, err);
out:
	if (r < 0)
		oci_image_free(img);
	for (size_t i = 0; i < c.nkeep; i++)
		json_free(c.keep[i]);
	free(c.keep);
	free(c.v);
	json_free(index);
	json_free(manifest);
	json_free(config);
	return r;
}
