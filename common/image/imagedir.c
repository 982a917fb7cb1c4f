// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/base/macro.h"
#include "common/image/aci.h"
#include "common/image/imagedir.h"
#include "common/io/sink.h"
#include "common/io/source.h"
#include "common/json/json.h"
#include "common/manifest/manifest.h"

void imagedir_image_free(struct imagedir_image *img)
{
	free(img->path);
	free(img->manifest);
	free(img->name);
	*img = (struct imagedir_image){ 0 };
}

int imagedir_image_load(const char *path, struct imagedir_image *img, struct act_err *err)
{
	struct source *src = source_open(path, err);
	struct json_value *v = NULL;
	const struct json_value *name;
	int r = -1;

	*img = (struct imagedir_image){ .path = xstrdup(path) };
	if (!src)
		goto out;
	img->file_size = (uint64_t)source_stat(src)->st_size;
	img->dev = source_stat(src)->st_dev;
	img->ino = source_stat(src)->st_ino;
	if (aci_read_manifest(src, ACI_MANIFEST_MAX, &img->manifest, &img->mlen, err) < 0)
		goto out;
	if (manifest_check(img->manifest, img->mlen, err) < 0) {
		act_err_wrap(err, "%s: invalid manifest", path);
		goto out;
	}
	v = json_parse(img->manifest, img->mlen, err);
	name = json_get(v, "name");
	img->name = xstrdup(name && name->type == JSON_STRING ? name->str : "");
	r = 0;
out:
	json_free(v);
	source_free(src);
	if (r < 0)
		imagedir_image_free(img);
	return r;
}

static int cmp_image(const void *a, const void *b)
{
	return strcmp(((const struct imagedir_image *)a)->path,
		      ((const struct imagedir_image *)b)->path);
}

int imagedir_open(const char *dir, struct imagedir *d, struct act_err *err)
{
	DIR *dd = opendir(dir);
	struct dirent *de;

	*d = (struct imagedir){ .dir = xstrdup(dir) };
	if (!dd)
		return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	while ((errno = 0, de = readdir(dd))) {
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, de->d_name);
		struct imagedir_image img;
		struct act_err e = { 0 };
		struct stat st;

		if (de->d_name[0] == '.' || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (imagedir_image_load(path, &img, &e) < 0) {
			d->skipped = xrealloc(d->skipped, (d->nskipped + 1) * sizeof(*d->skipped));
			d->skipped[d->nskipped++] = xstrdup(de->d_name);
			continue;
		}
		d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
		d->v[d->n++] = img;
	}
	if (errno) {
		act_err_set(err, errno, "%s: cannot read the directory: %s", dir, strerror(errno));
		closedir(dd);
		return -1;
	}
	closedir(dd);
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), cmp_image);
	return 0;
}

void imagedir_free(struct imagedir *d)
{
	for (size_t i = 0; i < d->n; i++)
		imagedir_image_free(&d->v[i]);
	free(d->v);
	for (size_t i = 0; i < d->nskipped; i++)
		free(d->skipped[i]);
	free(d->skipped);
	free(d->dir);
	*d = (struct imagedir){ 0 };
}

/* As 'acitool id' computes it: the image read through, checked, hashed. */
int imagedir_image_id(struct imagedir_image *img, struct act_err *err)
{
	const struct sink_options so = { .comp = ACT_COMP_NONE, .image_id = true };
	struct aci_edit edit = { 0 };
	struct source *src;
	struct sink *out = NULL;
	int r = -1;

	if (img->have_id)
		return 0;
	if (!(src = source_open(img->path, err)))
		return -1;
	out = sink_open_fd(-1, "(image id)", &so, err);
	if (out && aci_rewrite(src, out, &edit, err) == 0 && sink_finish(out, err) == 0) {
		memcpy(img->id, sink_image_id(out), IMAGEID_LEN + 1);
		img->tar_size = sink_bytes_in(out);
		img->have_id = true;
		r = 0;
	}
	sink_free(out);
	source_free(src);
	return r;
}
