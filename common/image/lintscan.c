// SPDX-License-Identifier: Apache-2.0
/* The facts lint reads from an image, gathered in one pass. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "common/image/aci.h"
#include "common/tar/entrypath.h"
#include "common/tar/entryxattr.h"
#include "common/image/lint.h"
#include "common/base/macro.h"
#include "common/base/quote.h"

#define PASSWD_ENTRY "rootfs/etc/passwd"
/* An /etc/passwd larger than this is not read (users are then unknown). */
#define PASSWD_MAX (1024 * 1024)

void lint_image_add(struct lint_image *img, const struct lint_file *f)
{
	struct lint_file *n;

	if (img->nfiles == img->cap) {
		img->cap = img->cap ? 2 * img->cap : 16;
		img->files = xrealloc(img->files, img->cap * sizeof(*img->files));
	}
	n = &img->files[img->nfiles++];
	*n = *f;
	n->path = xstrdup(f->path);
	n->link = f->link ? xstrdup(f->link) : NULL;
}

void lint_image_done(struct lint_image *img)
{
	for (size_t i = 0; i < img->nfiles; i++) {
		free(img->files[i].path);
		free(img->files[i].link);
	}
	free(img->files);
	free(img->manifest);
	free(img->passwd);
	*img = (struct lint_image){ 0 };
}

/* "rootfs/bin/ping" is "/bin/ping" in the container. */
static char *container_path(const char *clean)
{
	return xstrdup(strncmp(clean, "rootfs/", 7) == 0 ? clean + 6 : clean);
}

struct scan {
	struct lint_image *img;
	struct source *src;
};

static int scan_entry(void *ctx, struct tarstream *ts, struct archive_entry *e,
		      struct act_err *err)
{
	struct scan *sc = ctx;
	struct lint_image *img = sc->img;
	const char *clean = tarstream_name(ts);
	const char *target = archive_entry_hardlink(e);
	unsigned mode = archive_entry_mode(e) & 07777;
	struct lint_file f = {
		.mode = mode, .uid = archive_entry_uid(e), .gid = archive_entry_gid(e)
	};
	_cleanup_free_ char *path = NULL, *link = NULL;
	const void *v;
	size_t size = 0;

	if (!target && archive_entry_filetype(e) != AE_IFREG)
		return 0;
	if (!target && streq(clean, PASSWD_ENTRY) && !img->passwd &&
	    archive_entry_size(e) <= PASSWD_MAX &&
	    tarstream_read_data(ts, PASSWD_MAX, &img->passwd, &img->passwd_len, err) < 0)
		return -1;
	/* The rewrite has refused two different values under one name, so the
	 * first is the value. */
	v = entryxattr_get(e, "security.capability", &size);
	if (v && filecap_decode(v, size, &f.caps, err) < 0) {
		_cleanup_free_ char *name = quote_name(archive_entry_pathname(e));

		return act_err_wrap(err, "%s: entry %lld '%s'", source_path(sc->src),
				    (long long)tarstream_index(ts), name);
	}
	f.has_caps = v != NULL;
	/* A hardlink shares its target's inode, mode included: only a value
	 * on the link itself is of interest (extractors ignore it). */
	if (!f.has_caps && (target || !(mode & (S_ISUID | S_ISGID))))
		return 0;
	path = container_path(clean);
	if (target) {
		bool escapes;
		_cleanup_free_ char *tclean = entrypath_clean(target, &escapes);

		link = container_path(tclean);
	}
	f.path = path;
	f.link = link;
	lint_image_add(img, &f);
	return 0;
}

static int scan_done(void *ctx, const char *manifest, size_t len, struct act_err *err)
{
	struct lint_image *img = ((struct scan *)ctx)->img;

	(void)err;
	img->manifest = xmalloc(len + 1);
	memcpy(img->manifest, manifest, len);
	img->manifest[len] = '\0';
	img->manifest_len = len;
	return 0;
}

/*
 * The image goes through a rewrite into /dev/null rather than a read-only
 * pass: only a rewrite checks what a rewrite would refuse (the end-of-archive
 * marker, xattr records libarchive decodes without a word), and an image the
 * other verbs call broken must not pass lint.
 */
int lint_scan(struct source *src, struct lint_image *img, struct act_err *err)
{
	static const struct sink_options none = { .comp = ACT_COMP_NONE };
	struct scan sc = { .img = img, .src = src };
	struct aci_edit edit = {
		.entry = scan_entry,
		.done = scan_done,
		.ctx = &sc,
	};
	_cleanup_close_ int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	struct sink *null;
	int r;

	if (fd < 0)
		return act_err_set(err, errno, "/dev/null: %s", strerror(errno));
	null = sink_open_fd(fd, "/dev/null", &none, err);
	if (!null)
		return -1;
	r = aci_rewrite(src, null, &edit, err);
	sink_free(null);
	return r;
}
