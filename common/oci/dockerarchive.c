// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/fileio.h"
#include "common/base/macro.h"
#include "common/io/source.h"
#include "common/json/json.h"
#include "common/oci/dockerarchive.h"
#include "common/tar/entrypath.h"
#include "common/tar/tarstream.h"

/* The JSON files (manifest.json, the configs) are kept in memory. */
#define JSON_MEMBER_MAX (4u << 20)

/* A member of the archive: a file, or a symlink. */
struct member {
	char *name;	/* cleaned */
	bool reg;
	char *json;	/* a JSON file's bytes */
	size_t jlen;
	/* The file's bytes: a plain archive's [off, off + len), or a copy in
	 * tmpdir (a compressed archive cannot be read by offset). */
	int64_t off, len;
	char *copy;
	char *link;	/* a symlink's target, cleaned against its directory */
};

struct members {
	struct member *v;
	size_t n;
	const char *file, *tmpbase;
	char **tmpdir;	/* made on the first copy */
	struct source *src;
	bool plain;	/* an uncompressed archive in a regular file */
};

static void members_free(struct members *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].json);
		free(m->v[i].copy);
		free(m->v[i].link);
	}
	free(m->v);
}

static const struct member *lookup(const struct members *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (streq(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

/* A component's file: the member itself, or the one its symlink names. */
static const struct member *resolve(const struct members *m, const char *name,
				    struct act_err *err)
{
	_cleanup_free_ char *clean = entrypath_clean(name, &(bool){ false });
	const struct member *mb = lookup(m, clean);

	if (mb && !mb->reg && mb->link)
		mb = lookup(m, mb->link);
	if (!mb || !mb->reg) {
		act_err_set(err, ENOENT, "'%s': no such file in the archive", name);
		return NULL;
	}
	return mb;
}

static bool is_json(const char *name)
{
	size_t l = strlen(name);

	return l >= 5 && streq(name + l - 5, ".json");
}

/* A compressed archive's file, copied into tmpdir. */
static int copy_out(struct tarstream *ts, struct member *mb, struct members *m,
		    struct act_err *err)
{
	int fd, k;
	const void *buf;
	size_t len;
	int64_t off;

	if (!*m->tmpdir) {
		*m->tmpdir = xasprintf("%s/acitool-import-XXXXXX", m->tmpbase);
		if (!mkdtemp(*m->tmpdir)) {
			act_err_set(err, errno, "%s: cannot make a directory for the layers in it: %s",
				    m->tmpbase, strerror(errno));
			free(*m->tmpdir);
			*m->tmpdir = NULL;
			return -1;
		}
	}
	mb->copy = xasprintf("%s/m%06zu", *m->tmpdir, m->n);
	fd = open(mb->copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return act_err_set(err, errno, "%s: %s", mb->copy, strerror(errno));
	while ((k = tarstream_read_block(ts, &buf, &len, &off, err)) > 0)
		if (fileio_pwrite_all(fd, buf, len, off) < 0) {
			k = act_err_set(err, errno, "%s: %s", mb->copy, strerror(errno));
			break;
		}
	close(fd);
	return k < 0 ? -1 : 0;
}

static int keep(struct tarstream *ts, struct archive_entry *e, const char *name,
		struct members *m, struct act_err *err)
{
	struct member *mb;

	m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	mb = &m->v[m->n++];
	*mb = (struct member){ .name = xstrdup(name), .off = -1 };
	if (archive_entry_filetype(e) == AE_IFLNK) {
		_cleanup_free_ char *dir = xstrdup(name), *joined = NULL;
		char *slash = strrchr(dir, '/');

		*(slash ? slash : dir) = '\0';
		joined = *dir ? xasprintf("%s/%s", dir, archive_entry_symlink(e))
			      : xstrdup(archive_entry_symlink(e));
		mb->link = entrypath_clean(joined, &(bool){ false });
		return 0;
	}
	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
		return 0;
	mb->reg = true;
	mb->len = archive_entry_size(e);
	if (is_json(name) && mb->len <= JSON_MEMBER_MAX)
		return tarstream_read_data(ts, JSON_MEMBER_MAX, &mb->json, &mb->jlen, err);
	/* A layer: read by offset later, where the archive allows it. */
	if (m->plain && archive_entry_sparse_count(e) == 0) {
		mb->off = source_file_offset(m->src, tarstream_data_offset(ts));
		return 0;
	}
	return copy_out(ts, mb, m, err);
}

/* The entry of manifest.json whose RepoTags hold ref, or the only one. */
static const struct json_value *pick(const struct json_value *list, const char *ref,
				     const char *file, struct act_err *err)
{
	const struct json_value *hit = NULL;

	for (size_t i = 0; list && list->type == JSON_ARRAY && i < list->n; i++) {
		const struct json_value *tags = json_get(list->items[i], "RepoTags");
		bool match = !ref;

		for (size_t j = 0; ref && tags && tags->type == JSON_ARRAY && j < tags->n; j++)
			match |= json_is_string(tags->items[j], ref);
		if (!match)
			continue;
		if (hit) {
			act_err_set(err, EINVAL, "%s: several images: DOCKER-ARCHIVE:FILE:NAME:TAG picks "
				    "one", file);
			return NULL;
		}
		hit = list->items[i];
	}
	if (!hit)
		act_err_set(err, ENOENT, ref ? "%s: no image tagged '%s'" : "%s: no image%s", file,
			    ref ? ref : "");
	return hit;
}

/* A JSON member's bytes (manifest.json, a config). */
static const struct member *json_member(const struct members *m, const char *name,
					struct act_err *err)
{
	const struct member *mb = resolve(m, name, err);

	if (mb && !mb->json) {
		act_err_set(err, EFBIG, "'%s': not a JSON file of at most 4 MiB", name);
		return NULL;
	}
	return mb;
}

static int image_of(const struct members *m, const char *ref, struct oci_image *img,
		    struct act_err *err)
{
	const struct member *mf = json_member(m, "manifest.json", err), *cf;
	struct json_value *list = NULL, *config = NULL;
	const struct json_value *entry, *layers, *diff_ids, *tags, *cname;
	const char *file = m->file;
	int r = -1;

	if (!mf) {
		act_err_wrap(err, "%s: not a docker-archive", file);
		return -1;
	}
	if (!(list = json_parse(mf->json, mf->jlen, err)) || !(entry = pick(list, ref, file, err)))
		goto out;
	cname = json_get(entry, "Config");
	if (!(cf = json_member(m, cname && cname->type == JSON_STRING ? cname->str : "", err)))
		goto out;
	img->config = xmalloc(cf->jlen + 1);
	memcpy(img->config, cf->json, cf->jlen);
	img->config[cf->jlen] = '\0';
	img->clen = cf->jlen;
	if (!(config = json_parse(img->config, img->clen, err)))
		goto out;
	{
		/* docker's config is named by its own sha256. */
		const char *base = strrchr(cname->str, '/');
		char got[DIGEST_LEN + 1];

		base = base ? base + 1 : cname->str;
		digest_of(img->config, img->clen, got);
		if (strlen(base) == 64 + 5 && streq(base + 64, ".json") &&
		    strncmp(base, got + 7, 64) != 0) {
			act_err_set(err, EINVAL, "%s: %s: its content does not match its name", file,
				    cname->str);
			goto out;
		}
	}
	layers = json_get(entry, "Layers");
	diff_ids = json_get(json_get(config, "rootfs"), "diff_ids");
	if (!layers || layers->type != JSON_ARRAY || !diff_ids || diff_ids->type != JSON_ARRAY ||
	    layers->n != diff_ids->n) {
		act_err_set(err, EINVAL, "%s: the config's diff_ids do not match the layers", file);
		goto out;
	}
	img->layers = xcalloc(layers->n + 1, sizeof(*img->layers));
	for (size_t i = 0; i < layers->n; i++) {
		struct oci_layer *l = &img->layers[img->nlayers];
		const struct member *lm;

		if (layers->items[i]->type != JSON_STRING ||
		    diff_ids->items[i]->type != JSON_STRING ||
		    strlen(diff_ids->items[i]->str) != DIGEST_LEN ||
		    !(lm = resolve(m, layers->items[i]->str, err))) {
			if (!act_err_isset(err))
				act_err_set(err, EINVAL, "%s: layer %zu: no name or diff_id", file, i);
			goto out;
		}
		/* No blob digest to check: the diff_id vouches for the layer. */
		l->path = xstrdup(lm->copy ? lm->copy : file);
		l->off = lm->copy ? -1 : lm->off;
		l->len = lm->len;
		memcpy(l->diff_id, diff_ids->items[i]->str, DIGEST_LEN + 1);
		img->nlayers++;
	}
	tags = json_get(entry, "RepoTags");
	if (ref)
		img->containerd_name = xstrdup(ref);
	else if (tags && tags->type == JSON_ARRAY && tags->n == 1 &&
		 tags->items[0]->type == JSON_STRING)
		img->containerd_name = xstrdup(tags->items[0]->str);
	r = 0;
out:
	json_free(list);
	json_free(config);
	return r;
}

int docker_archive_open(const char *file, const char *ref, const char *tmpbase, char **tmpdir,
			struct oci_image *img, struct act_err *err)
{
	struct source *src = source_open(file, err);
	struct tarstream *ts = NULL;
	struct members m = { .file = file, .tmpbase = tmpbase, .tmpdir = tmpdir, .src = src };
	struct archive_entry *e;
	int r = -1, k;

	*img = (struct oci_image){ 0 };
	if (!src || !(ts = tarstream_open(src, NULL, err)))
		goto out;
	m.plain = source_compression(src) == ACT_COMP_NONE && source_can_skip(src) &&
		  !streq(file, "-");
	while ((k = tarstream_next(ts, &e, err)) > 0) {
		if (tarstream_name_escapes(ts)) {
			act_err_set(err, EINVAL, "%s: '%s' climbs out of the archive", file,
				    archive_entry_pathname(e));
			goto out;
		}
		if (keep(ts, e, tarstream_name(ts), &m, err) < 0)
			goto out;
	}
	if (k < 0)
		goto out;
	r = image_of(&m, ref, img, err);
out:
	if (r < 0)
		oci_image_free(img);
	members_free(&m);
	tarstream_free(ts);
	source_free(src);
	return r;
}
