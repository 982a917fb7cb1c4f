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

/* A member of the archive: a file kept in tmpdir, or a symlink. */
struct member {
	char *name;	/* cleaned */
	char *file;	/* in tmpdir, or NULL */
	char *link;	/* a symlink's target, cleaned against its directory */
};

struct members {
	struct member *v;
	size_t n;
};

static void members_free(struct members *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].file);
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
static const char *resolve(const struct members *m, const char *name, struct act_err *err)
{
	_cleanup_free_ char *clean = entrypath_clean(name, &(bool){ false });
	const struct member *mb = lookup(m, clean);

	if (mb && !mb->file && mb->link)
		mb = lookup(m, mb->link);
	if (!mb || !mb->file) {
		act_err_set(err, ENOENT, "'%s': no such file in the archive", name);
		return NULL;
	}
	return mb->file;
}

static int keep(struct tarstream *ts, struct archive_entry *e, const char *name,
		const char *tmpdir, struct members *m, struct act_err *err)
{
	struct member *mb;

	m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	mb = &m->v[m->n++];
	*mb = (struct member){ .name = xstrdup(name) };
	if (archive_entry_filetype(e) == AE_IFLNK) {
		_cleanup_free_ char *dir = xstrdup(name), *joined = NULL;
		char *slash = strrchr(dir, '/');

		*(slash ? slash : dir) = '\0';
		joined = *dir ? xasprintf("%s/%s", dir, archive_entry_symlink(e))
			      : xstrdup(archive_entry_symlink(e));
		mb->link = entrypath_clean(joined, &(bool){ false });
		return 0;
	}
	if (archive_entry_filetype(e) != AE_IFREG)
		return 0;
	mb->file = xasprintf("%s/m%06zu", tmpdir, m->n);
	{
		int fd = open(mb->file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		const void *buf;
		size_t len;
		int64_t off;
		int k;

		if (fd < 0)
			return act_err_set(err, errno, "%s: %s", mb->file, strerror(errno));
		while ((k = tarstream_read_block(ts, &buf, &len, &off, err)) > 0)
			if (fileio_pwrite_all(fd, buf, len, off) < 0) {
				k = act_err_set(err, errno, "%s: %s", mb->file, strerror(errno));
				break;
			}
		close(fd);
		return k < 0 ? -1 : 0;
	}
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

static int image_of(const struct members *m, const char *file, const char *ref,
		    struct oci_image *img, struct act_err *err)
{
	const char *mf = resolve(m, "manifest.json", err), *cf;
	_cleanup_free_ char *text = NULL;
	struct json_value *list = NULL, *config = NULL;
	const struct json_value *entry, *layers, *diff_ids, *tags;
	size_t len;
	int r = -1;

	if (!mf) {
		act_err_wrap(err, "%s: not a docker-archive", file);
		return -1;
	}
	if (fileio_read_all(mf, 4u << 20, "manifest.json size", &text, &len, err) < 0 ||
	    !(list = json_parse(text, len, err)) || !(entry = pick(list, ref, file, err)))
		goto out;
	if (!(cf = resolve(m, json_get(entry, "Config") && json_get(entry, "Config")->type ==
					      JSON_STRING ? json_get(entry, "Config")->str : "",
			   err)) ||
	    fileio_read_all(cf, 4u << 20, "config size", &img->config, &img->clen, err) < 0 ||
	    !(config = json_parse(img->config, img->clen, err)))
		goto out;
	{
		/* docker's config is named by its own sha256. */
		const char *name = json_get(entry, "Config")->str, *base = strrchr(name, '/');
		char got[DIGEST_LEN + 1];

		base = base ? base + 1 : name;
		digest_of(img->config, img->clen, got);
		if (strlen(base) == 64 + 5 && streq(base + 64, ".json") &&
		    strncmp(base, got + 7, 64) != 0) {
			act_err_set(err, EINVAL, "%s: %s: its content does not match its name", file,
				    name);
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
		const char *lf;
		int fd;

		if (layers->items[i]->type != JSON_STRING ||
		    diff_ids->items[i]->type != JSON_STRING ||
		    strlen(diff_ids->items[i]->str) != DIGEST_LEN ||
		    !(lf = resolve(m, layers->items[i]->str, err))) {
			if (!act_err_isset(err))
				act_err_set(err, EINVAL, "%s: layer %zu: no name or diff_id", file, i);
			goto out;
		}
		l->path = xstrdup(lf);
		memcpy(l->diff_id, diff_ids->items[i]->str, DIGEST_LEN + 1);
		img->nlayers++;
		/* No compressed digest here: the file's own, which the squash
		 * checks again; the diff_id is what vouches for the layer. */
		fd = open(lf, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || digest_fd(fd, lf, l->digest, &l->size, err) < 0) {
			if (fd >= 0)
				close(fd);
			else
				act_err_set(err, errno, "%s: %s", lf, strerror(errno));
			goto out;
		}
		close(fd);
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

int docker_archive_open(const char *file, const char *ref, const char *tmpdir,
			struct oci_image *img, struct act_err *err)
{
	struct source *src = source_open(file, err);
	struct tarstream *ts = NULL;
	struct members m = { 0 };
	struct archive_entry *e;
	int r = -1, k;

	*img = (struct oci_image){ 0 };
	if (!src || !(ts = tarstream_open(src, NULL, err)))
		goto out;
	while ((k = tarstream_next(ts, &e, err)) > 0) {
		if (tarstream_name_escapes(ts)) {
			act_err_set(err, EINVAL, "%s: '%s' climbs out of the archive", file,
				    archive_entry_pathname(e));
			goto out;
		}
		if (keep(ts, e, tarstream_name(ts), tmpdir, &m, err) < 0)
			goto out;
	}
	if (k < 0)
		goto out;
	r = image_of(&m, file, ref, img, err);
out:
	if (r < 0)
		oci_image_free(img);
	members_free(&m);
	tarstream_free(ts);
	source_free(src);
	return r;
}
