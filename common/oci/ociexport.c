// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/fileio.h"
#include "common/base/macro.h"
#include "common/io/sink.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/oci/ociexport.h"
#include "common/tar/paxwriter.h"

#define MT_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MT_LAYER_GZ "application/vnd.oci.image.layer.v1.tar+gzip"
#define REF_NAME "org.opencontainers.image.ref.name"

void ociexport_result_free(struct ociexport_result *res)
{
	free(res->tag);
	free(res->layer.manifest);
	imageconfig_free(&res->config);
	*res = (struct ociexport_result){ 0 };
}

/* DIR made, or an image layout already, or empty: its descriptor. */
static int open_layout(const char *dir, struct act_err *err)
{
	struct stat st;
	int fd;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	if (fstatat(fd, "oci-layout", &st, 0) < 0 && !fileio_dir_empty(fd)) {
		close(fd);
		return act_err_set(err, EEXIST, "%s: neither an OCI image layout (no oci-layout) "
				   "nor empty", dir);
	}
	if ((mkdirat(fd, "blobs", 0755) < 0 && errno != EEXIST) ||
	    (mkdirat(fd, "blobs/sha256", 0755) < 0 && errno != EEXIST)) {
		act_err_set(err, errno, "%s/blobs/sha256: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A temporary file in dirfd, named back into *name (malloc'd). */
static int tmpfile_at(int dirfd, const char *dir, char **name, struct act_err *err)
{
	for (int i = 0; i < 100; i++) {
		char buf[32];
		int fd;

		snprintf(buf, sizeof(buf), ".tmp-%08x", (unsigned)random());
		fd = openat(dirfd, buf, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			*name = xstrdup(buf);
			return fd;
		}
		if (errno != EEXIST)
			return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	}
	return act_err_set(err, EEXIST, "%s: no temporary name free", dir);
}

/* The temporary file renamed to its final name, synced first if asked. */
static int commit(int dirfd, int fd, const char *tmp, const char *name, const char *dir,
		  bool sync, struct act_err *err)
{
	if ((sync && fsync(fd) < 0) || fchmod(fd, 0644) < 0 ||
	    renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;

		unlinkat(dirfd, tmp, 0);
		return act_err_set(err, e, "%s/%s: %s", dir, name, strerror(e));
	}
	return 0;
}

static int write_file(int dirfd, const char *dir, const char *name, const char *data,
		      size_t len, bool sync, struct act_err *err)
{
	_cleanup_free_ char *tmp = NULL;
	int fd = tmpfile_at(dirfd, dir, &tmp, err), r;

	if (fd < 0)
		return -1;
	if (fileio_write(fd, data, len) < 0) {
		r = act_err_set(err, errno, "%s/%s: %s", dir, name, strerror(errno));
		unlinkat(dirfd, tmp, 0);
	} else {
		r = commit(dirfd, fd, tmp, name, dir, sync, err);
	}
	close(fd);
	return r;
}

static int write_blob(int blobs, const char *text, size_t len, char digest[DIGEST_LEN + 1],
		      bool sync, struct act_err *err)
{
	digest_of(text, len, digest);
	return write_file(blobs, "blobs/sha256", digest + 7, text, len, sync, err);
}

static void tap(void *ctx, const void *buf, size_t len)
{
	digest_update(ctx, buf, len);
}

/* The layer blob: the tar through the sink (gzip or not) into a temporary
 * file, its diff_id as it goes, its digest after. */
static int write_layer(struct source *src, int blobs, const struct ociexport_options *o,
		       struct ociexport_result *res, char diff_id[DIGEST_LEN + 1],
		       size_t *size, struct act_err *err)
{
	struct sink_options so = { .comp = o->comp, .level = o->level, .no_sync = !o->sync };
	struct digest *d = digest_new();
	struct paxwriter pw;
	_cleanup_free_ char *tmp = NULL;
	struct sink *out = NULL;
	int fd = tmpfile_at(blobs, "blobs/sha256", &tmp, err), r = -1;

	if (fd < 0) {
		digest_free(d);
		return -1;
	}
	out = sink_open_fd(fd, "the layer", &so, err);
	if (out && paxwriter_open(&pw, out, err) == 0) {
		pw.tap = tap;
		pw.tap_ctx = d;
		r = ocilayer_write(src, &pw, &res->layer, err);
		if (paxwriter_close(&pw, r == 0, err) < 0)
			r = -1;
	}
	if (r == 0 && sink_finish(out, err) < 0)
		r = -1;
	sink_free(out);
	digest_finish(d, diff_id);
	digest_free(d);
	/* A plain tar's digest is its diff_id: no second read to hash it. */
	if (r == 0 && o->comp == ACT_COMP_NONE) {
		struct stat st;

		if (fstat(fd, &st) < 0) {
			r = act_err_set(err, errno, "the layer: %s", strerror(errno));
		} else {
			memcpy(res->layer_digest, diff_id, DIGEST_LEN + 1);
			*size = (size_t)st.st_size;
		}
	} else if (r == 0) {
		r = digest_fd(fd, "the layer", res->layer_digest, size, err);
	}
	if (r == 0)
		r = commit(blobs, fd, tmp, res->layer_digest + 7, "blobs/sha256", o->sync, err);
	if (r < 0)
		unlinkat(blobs, tmp, 0);
	close(fd);
	return r;
}

static void descriptor(struct json_gen *g, const char *mt, const char *digest, size_t size)
{
	json_gen_cstr(g, "mediaType");
	json_gen_cstr(g, mt);
	json_gen_cstr(g, "digest");
	json_gen_cstr(g, digest);
	json_gen_cstr(g, "size");
	json_gen_int(g, (long long)size);
}

static void annotation(struct json_gen *g, const char *key, const char *value)
{
	if (!value)
		return;
	json_gen_cstr(g, key);
	json_gen_cstr(g, value);
}

static char *manifest_json(const struct ociexport_result *res, const char *config_digest,
			   size_t config_size, size_t layer_size, const struct ociexport_options *o,
			   size_t *len, struct act_err *err)
{
	const struct imageconfig *c = &res->config;
	struct json_gen *g = json_gen_new();
	char *s;

	json_gen_object_open(g);
	json_gen_cstr(g, "schemaVersion");
	json_gen_int(g, 2);
	json_gen_cstr(g, "mediaType");
	json_gen_cstr(g, MT_MANIFEST);
	json_gen_cstr(g, "config");
	json_gen_object_open(g);
	descriptor(g, MT_CONFIG, config_digest, config_size);
	json_gen_object_close(g);
	json_gen_cstr(g, "layers");
	json_gen_array_open(g);
	json_gen_object_open(g);
	descriptor(g, o->comp == ACT_COMP_GZIP ? MT_LAYER_GZ : MT_LAYER, res->layer_digest,
		   layer_size);
	json_gen_object_close(g);
	json_gen_array_close(g);
	json_gen_cstr(g, "annotations");
	json_gen_object_open(g);
	annotation(g, "org.opencontainers.image.created", c->created);
	annotation(g, "org.opencontainers.image.authors", c->authors);
	annotation(g, "org.opencontainers.image.url", c->url);
	annotation(g, "org.opencontainers.image.documentation", c->documentation);
	annotation(g, "org.opencontainers.image.title", c->name);
	annotation(g, "org.opencontainers.image.version", res->tag);
	json_gen_object_close(g);
	json_gen_object_close(g);
	s = json_gen_finish(g, len, err);
	json_gen_free(g);
	return s;
}

/* index.json: the old one's entries but one of this tag, then ours. */
static char *index_json(int dirfd, const struct ociexport_result *res, size_t manifest_size,
			size_t *len, struct act_err *err)
{
	_cleanup_free_ char *old = NULL;
	struct json_value *v = NULL;
	const struct json_value *ms;
	struct json_gen *g = json_gen_new();
	_cleanup_free_ char *full = xasprintf("%s:%s", res->config.name, res->tag);
	size_t olen;
	int fd = openat(dirfd, "index.json", O_RDONLY | O_CLOEXEC);
	char *s;

	if (fd >= 0) {
		_cleanup_free_ char *path = xasprintf("/proc/self/fd/%d", fd);

		int r = fileio_read_all(path, 16u << 20, "index.json size", &old, &olen, err);

		close(fd);
		if (r < 0 || !(v = json_parse(old, olen, err))) {
			act_err_wrap(err, "index.json");
			json_gen_free(g);
			return NULL;
		}
	}
	json_gen_object_open(g);
	json_gen_cstr(g, "schemaVersion");
	json_gen_int(g, 2);
	json_gen_cstr(g, "mediaType");
	json_gen_cstr(g, MT_INDEX);
	json_gen_cstr(g, "manifests");
	json_gen_array_open(g);
	ms = json_get(v, "manifests");
	for (size_t i = 0; ms && ms->type == JSON_ARRAY && i < ms->n; i++)
		if (!json_is_string(json_get(json_get(ms->items[i], "annotations"), REF_NAME),
				    res->tag))
			json_gen_value(g, ms->items[i]);
	json_gen_object_open(g);
	descriptor(g, MT_MANIFEST, res->manifest_digest, manifest_size);
	json_gen_cstr(g, "annotations");
	json_gen_object_open(g);
	json_gen_cstr(g, "io.containerd.image.name");
	json_gen_cstr(g, full);
	json_gen_cstr(g, REF_NAME);
	json_gen_cstr(g, res->tag);
	json_gen_object_close(g);
	json_gen_cstr(g, "platform");
	json_gen_object_open(g);
	json_gen_cstr(g, "architecture");
	json_gen_cstr(g, res->config.arch);
	json_gen_cstr(g, "os");
	json_gen_cstr(g, res->config.os);
	if (res->config.variant) {
		json_gen_cstr(g, "variant");
		json_gen_cstr(g, res->config.variant);
	}
	json_gen_object_close(g);
	json_gen_object_close(g);
	json_gen_array_close(g);
	if (json_get(v, "annotations")) {
		json_gen_cstr(g, "annotations");
		json_gen_value(g, json_get(v, "annotations"));
	}
	json_gen_object_close(g);
	s = json_gen_finish(g, len, err);
	json_gen_free(g);
	json_free(v);
	return s;
}

/* The OCI reference grammar's tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
static bool valid_tag(const char *t)
{
	size_t n = strlen(t);

	if (!n || n > 128 || t[0] == '.' || t[0] == '-')
		return false;
	return strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

int ociexport(struct source *src, const char *dir, const struct ociexport_options *o,
	      struct ociexport_result *res, struct act_err *err)
{
	_cleanup_close_ int dirfd = -1, blobs = -1;
	_cleanup_free_ char *manifest = NULL, *index = NULL;
	char diff_id[DIGEST_LEN + 1], config_digest[DIGEST_LEN + 1];
	size_t layer_size, mlen, ilen;
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	struct stat st;

	*res = (struct ociexport_result){ 0 };
	if ((dirfd = open_layout(dir, err)) < 0)
		return -1;
	blobs = openat(dirfd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (blobs < 0)
		return act_err_set(err, errno, "%s/blobs/sha256: %s", dir, strerror(errno));
	if (write_layer(src, blobs, o, res, diff_id, &layer_size, err) < 0)
		return -1;
	if (imageconfig_make(res->layer.manifest, res->layer.mlen, diff_id, o->embed_manifest,
			     &res->config, err) < 0)
		return act_err_wrap(err, "%s", source_path(src));
	res->tag = xstrdup(o->tag ? o->tag : res->config.tag);
	/* Before anything refers to the layer: a bad tag leaves only it. */
	if (!valid_tag(res->tag))
		return act_err_set(err, EINVAL, "tag '%s' is not an OCI tag (letters, digits, "
				   "'_', '.', '-'; --tag gives one)", res->tag);
	if (write_blob(blobs, res->config.json, res->config.len, config_digest, o->sync, err) < 0)
		return -1;
	if (!(manifest = manifest_json(res, config_digest, res->config.len, layer_size, o, &mlen,
				       err)) ||
	    write_blob(blobs, manifest, mlen, res->manifest_digest, o->sync, err) < 0)
		return -1;
	if (fstatat(dirfd, "oci-layout", &st, 0) < 0 &&
	    write_file(dirfd, dir, "oci-layout", layout, sizeof(layout) - 1, o->sync, err) < 0)
		return -1;
	/* Last: until it is in place, the layout is what it was. */
	if (!(index = index_json(dirfd, res, mlen, &ilen, err)) ||
	    write_file(dirfd, dir, "index.json", index, ilen, o->sync, err) < 0)
		return -1;
	return 0;
}
