// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/base/strset.h"
#include "common/image/layout.h"
#include "common/image/render.h"
#include "common/image/whitelist.h"
#include "common/io/source.h"
#include "common/tar/paxwriter.h"
#include "common/json/json.h"
#include "common/manifest/manifestedit.h"
#include "common/tar/entrypath.h"
#include "common/tar/tarstream.h"

/* A file of this image kept aside (masked or filtered) for a hardlink to it:
 * its logical data at off in the image's one stash file. */
struct stashed {
	char *name;			/* the target's cleaned name: the key */
	struct archive_entry *hdr;
	off_t off;
	char *first;			/* the link that got the data, once one did */
};

struct renderer {
	struct paxwriter pw;
	struct strset taken;		/* every name written */
	struct strset nondir;		/* ...that is not a directory */
	struct render_stats *st;
	/* the image being read */
	struct source *src;
	struct tarstream *ts;
	struct strset mine;		/* names this image wrote */
	void *stash;			/* tsearch tree of struct stashed */
	FILE *stash_data;		/* their data, one after the other */
	struct whitelist *wl;		/* its own and its parents' */
	size_t nwl;
};

static int aw_error(struct renderer *r, const char *name, struct act_err *err)
{
	return paxwriter_error(&r->pw, name, err);
}

static bool whitelisted(const struct renderer *r, const char *name, bool dir)
{
	for (size_t i = 0; i < r->nwl; i++)
		if (!whitelist_allows(&r->wl[i], name, dir))
			return false;
	return true;
}

/* ---- the stash ----------------------------------------------------------- */

static int cmp_stashed(const void *a, const void *b)
{
	return strcmp(((const struct stashed *)a)->name, ((const struct stashed *)b)->name);
}

static struct stashed *stash_find(const struct renderer *r, const char *name)
{
	struct stashed key = { .name = (char *)name };
	struct stashed **p = tfind(&key, &r->stash, cmp_stashed);

	return p ? *p : NULL;
}

static void stashed_free(void *p)
{
	struct stashed *s = p;

	free(s->name);
	archive_entry_free(s->hdr);
	free(s->first);
	free(s);
}

/* A regular file that is not written: kept aside, in case a hardlink of
 * this image points to it later. One temporary file holds them all: a
 * file per entry would run out of descriptors on a big masked base. */
static int stash(struct renderer *r, struct archive_entry *e, const char *name,
		 struct act_err *err)
{
	struct stashed *s;
	const void *buf;
	size_t len;
	int64_t off, pos = 0;
	int k;

	if (!r->stash_data && !(r->stash_data = tmpfile()))
		return act_err_set(err, errno, "cannot make a temporary file: %s", strerror(errno));
	s = xcalloc(1, sizeof(*s));
	s->name = xstrdup(name);
	s->hdr = archive_entry_clone(e);
	if (fseeko(r->stash_data, 0, SEEK_END) < 0 || (s->off = ftello(r->stash_data)) < 0)
		goto io;
	/* The logical data at its offsets: a hole stays a hole of the
	 * temporary file, which reads back as zeros. */
	while ((k = tarstream_read_block(r->ts, &buf, &len, &off, err)) > 0) {
		if ((off != pos && fseeko(r->stash_data, s->off + off, SEEK_SET) < 0) ||
		    fwrite(buf, 1, len, r->stash_data) != len)
			goto io;
		pos = off + (int64_t)len;
	}
	if (k < 0) {
		stashed_free(s);
		return -1;
	}
	if (fflush(r->stash_data) == EOF ||
	    (pos < archive_entry_size(e) &&
	     ftruncate(fileno(r->stash_data), s->off + archive_entry_size(e)) < 0))
		goto io;
	if (!tsearch(s, &r->stash, cmp_stashed))
		abort();
	return 0;
io:
	stashed_free(s);
	return act_err_set(err, errno, "cannot write a temporary file: %s", strerror(errno));
}

static int copy_stashed(struct renderer *r, const struct stashed *s, const char *name,
			struct act_err *err)
{
	int64_t size = archive_entry_size(s->hdr), pos = 0;
	unsigned char buf[64 * 1024];

	if (fflush(r->stash_data) == EOF || fseeko(r->stash_data, s->off, SEEK_SET) < 0)
		return act_err_set(err, errno, "cannot read a temporary file: %s", strerror(errno));
	while (pos < size) {
		size_t want = size - pos < (int64_t)sizeof(buf) ? (size_t)(size - pos) : sizeof(buf);

		if (fread(buf, 1, want, r->stash_data) != want)
			return act_err_set(err, EIO, "cannot read a temporary file");
		if (archive_write_data(r->pw.aw, buf, want) != (la_ssize_t)want)
			return aw_error(r, name, err);
		pos += (int64_t)want;
	}
	return 0;
}

static int put(struct renderer *r, struct archive_entry *h, const char *name,
	       const struct stashed *from, struct act_err *err)
{
	int k;

	if (!from) {
		if (paxwriter_put(&r->pw, h, r->ts, name, err) < 0)
			return -1;
	} else {
		/* The data of a file kept aside: the entry's own is a link's. */
		k = archive_write_header(r->pw.aw, h);
		if (k != ARCHIVE_OK && !(k == ARCHIVE_WARN && entrypath_charset_warning(r->pw.aw)))
			return aw_error(r, name, err);
		if (copy_stashed(r, from, name, err) < 0)
			return -1;
		if (archive_write_finish_entry(r->pw.aw) != ARCHIVE_OK)
			return aw_error(r, name, err);
	}
	strset_add(&r->taken, name);
	strset_add(&r->mine, name);
	if (archive_entry_filetype(h) != AE_IFDIR || archive_entry_hardlink(h))
		strset_add(&r->nondir, name);
	r->st->entries++;
	return 0;
}

/* A path under one an upper image made a file or a symlink. */
static bool masked(const struct renderer *r, const char *name)
{
	_cleanup_free_ char *p = xstrdup(name);
	char *slash;

	while ((slash = strrchr(p, '/'))) {
		*slash = '\0';
		if (strset_has(&r->nondir, p))
			return true;
	}
	return false;
}

static int entry(struct renderer *r, struct archive_entry *e, const char *name,
		 struct act_err *err)
{
	const char *link = archive_entry_hardlink(e);
	bool dir = archive_entry_filetype(e) == AE_IFDIR && !link;
	struct archive_entry *h;
	_cleanup_free_ char *target = NULL;
	struct stashed *s = NULL;
	int k;

	if (strset_has(&r->taken, name) || masked(r, name) || !whitelisted(r, name, dir)) {
		if (strset_has(&r->taken, name) || masked(r, name))
			r->st->masked++;
		else
			r->st->filtered++;
		if (archive_entry_filetype(e) == AE_IFREG && !link)
			return stash(r, e, name, err);
		return 0;
	}
	h = archive_entry_clone(e);
	archive_entry_copy_pathname(h, name);
	if (link) {
		target = entrypath_clean(link, &(bool){ false });
		if (strset_has(&r->mine, target)) {
			archive_entry_copy_hardlink(h, target);
		} else if ((s = stash_find(r, target)) && s->first) {
			archive_entry_copy_hardlink(h, s->first);
		} else if (s) {
			/* The first link to a target this image did not write
			 * becomes the file: its header, this name. */
			archive_entry_free(h);
			h = archive_entry_clone(s->hdr);
			archive_entry_copy_pathname(h, name);
			s->first = xstrdup(name);
			r->st->linked_copies++;
		} else {
			archive_entry_free(h);
			return act_err_set(err, EINVAL, "%s: %s: a hardlink to %s, which comes "
					   "nowhere before it", source_path(r->src), name, target);
		}
	}
	k = put(r, h, name, s && streq(s->first, name) ? s : NULL, err);
	archive_entry_free(h);
	return k;
}

static int render_image(struct renderer *r, const struct dep_list *l, size_t at,
			struct act_err *err)
{
	size_t node = l->order[at];
	struct layout *layout = layout_new();
	struct archive_entry *e;
	int k;

	/* Its own whitelist and those of the images above it. */
	r->nwl = 0;
	for (size_t n = node; n != (size_t)-1; n = l->nodes[n].parent) {
		r->wl = xrealloc(r->wl, (r->nwl + 1) * sizeof(*r->wl));
		if (whitelist_of(l->nodes[n].img->manifest, l->nodes[n].img->mlen, &r->wl[r->nwl]))
			r->nwl++;
	}
	if (!(r->src = source_open(l->nodes[node].img->path, err)) ||
	    !(r->ts = tarstream_open(r->src, NULL, err))) {
		k = -1;
		goto out;
	}
	while ((k = tarstream_next(r->ts, &e, err)) > 0) {
		const char *name = tarstream_name(r->ts);

		if (layout_check(layout, e, name, tarstream_name_escapes(r->ts), err) < 0) {
			act_err_wrap(err, "%s", source_path(r->src));
			k = -1;
			break;
		}
		/* The manifest went first, from the image itself. */
		if (streq(name, "manifest"))
			continue;
		if ((k = entry(r, e, name, err)) < 0)
			break;
	}
	/* Rendered from what was indexed: the file must not have changed. */
	if (k == 0)
		k = source_check_unchanged(r->src, err);
out:
	layout_free(layout);
	tarstream_free(r->ts);
	r->ts = NULL;
	source_free(r->src);
	r->src = NULL;
	strset_clear(&r->mine);
	tdestroy(r->stash, stashed_free);
	r->stash = NULL;
	if (r->stash_data)
		fclose(r->stash_data);
	r->stash_data = NULL;
	for (size_t i = 0; i < r->nwl; i++)
		whitelist_free(&r->wl[i]);
	return k < 0 ? -1 : 0;
}

/* The image's manifest, its dependencies and pathWhitelist taken out. */
static int flat_manifest(const struct imagedir_image *top, char **out, size_t *len,
			 struct act_err *err)
{
	struct medit_list ml = { .ignore_missing = true };
	int r;

	if (medit_add(&ml, "clear-dependencies", NULL, err) < 0 ||
	    medit_add(&ml, "clear-path-whitelist", NULL, err) < 0) {
		medit_list_free(&ml);
		return -1;
	}
	r = medit_apply(&ml, top->manifest, top->mlen, out, len, NULL, err);
	medit_list_free(&ml);
	return r;
}

static int write_manifest(struct renderer *r, const struct imagedir_image *top,
			  struct act_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (flat_manifest(top, &text, &len, err) < 0)
		return -1;
	return paxwriter_add_file(&r->pw, "manifest", text, len, err);
}

int render_stream(const struct dep_list *l, struct sink *out, struct render_stats *st,
		  struct act_err *err)
{
	struct renderer r = { .st = st };
	int k = -1;

	*st = (struct render_stats){ 0 };
	if (paxwriter_open(&r.pw, out, err) < 0)
		return -1;
	if (write_manifest(&r, l->nodes[l->order[0]].img, err) < 0)
		goto out;
	for (size_t i = 0; i < l->n; i++)
		if (render_image(&r, l, i, err) < 0)
			goto out;
	k = 0;
out:
	if (paxwriter_close(&r.pw, k == 0, err) < 0)
		k = -1;
	strset_clear(&r.taken);
	strset_clear(&r.nondir);
	free(r.wl);
	return k;
}
