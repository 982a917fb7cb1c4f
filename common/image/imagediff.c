// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/image/aci.h"
#include "common/image/imagediff.h"
#include "common/json/json.h"
#include "common/json/jsondiff.h"
#include "common/tar/entrydata.h"
#include "common/tar/entryfmt.h"
#include "common/tar/tarstream.h"

#define BLOCK (256 * 1024)

/* An entry met out of step, waiting for its twin. */
struct item {
	char *name;			/* cleaned */
	struct archive_entry *e;	/* a clone */
	unsigned char md[32];		/* SHA-256 of a file's data */
	char *text;			/* the manifest's bytes */
	size_t len;
};

struct side {
	struct tarstream *ts;
	struct archive_entry *e;	/* the current entry, or NULL at the end */
	void *pending;			/* tsearch tree of struct item */
};

struct differ {
	imagediff_fn fn;
	void *ctx;
	struct act_err *err;
	int count;
	struct side s[2];
	const char *path;		/* the pair being compared */
	bool failed;
};

static int item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->name, ((const struct item *)b)->name);
}

static void item_free(void *p)
{
	struct item *it = p;

	if (!it)
		return;
	free(it->name);
	archive_entry_free(it->e);
	free(it->text);
	free(it);
}

static int emit(struct differ *d, const struct imagediff_change *c)
{
	if (d->fn(d->ctx, c, d->err) < 0)
		return -1;
	d->count++;
	return 0;
}

static int emit_text(struct differ *d, const char *field, const char *old, const char *new)
{
	struct imagediff_change c = {
		.kind = !old && new ? IMAGEDIFF_ADDED : old && !new ? IMAGEDIFF_REMOVED
								    : IMAGEDIFF_CHANGED,
		.path = d->path,
		.field = field,
		.old = old,
		.new = new,
	};

	return emit(d, &c);
}

static bool is_file(struct archive_entry *e)
{
	return archive_entry_filetype(e) == AE_IFREG && !archive_entry_hardlink(e);
}

static bool is_manifest(const char *name, struct archive_entry *e)
{
	return streq(name, "manifest") && is_file(e) && archive_entry_size(e) >= 0 &&
	       archive_entry_size(e) <= ACI_MANIFEST_MAX;
}

/* ---- metadata ----------------------------------------------------------- */

static int cmp_str(struct differ *d, const char *field, const char *a, const char *b)
{
	if (streq(a ? a : "", b ? b : ""))
		return 0;
	return emit_text(d, field, a ? a : "", b ? b : "");
}

static int cmp_int(struct differ *d, const char *field, int64_t a, int64_t b, bool octal)
{
	char x[32], y[32];

	if (a == b)
		return 0;
	snprintf(x, sizeof(x), octal ? "%04" PRIo64 : "%" PRId64, a);
	snprintf(y, sizeof(y), octal ? "%04" PRIo64 : "%" PRId64, b);
	return emit_text(d, field, x, y);
}

static int cmp_time(struct differ *d, const char *field, bool sa, int64_t a, long an, bool sb,
		    int64_t b, long bn)
{
	char x[ENTRYFMT_TIME_MAX], y[ENTRYFMT_TIME_MAX];

	if (sa == sb && (!sa || (a == b && an == bn)))
		return 0;
	if (sa)
		entryfmt_time(a, an, x);
	if (sb)
		entryfmt_time(b, bn, y);
	return emit_text(d, field, sa ? x : NULL, sb ? y : NULL);
}

static const char *linkname(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return archive_entry_hardlink(e);
	if (archive_entry_filetype(e) == AE_IFLNK)
		return archive_entry_symlink(e);
	return NULL;
}

struct xattr {
	const char *name;
	const void *v;
	size_t size;
};

static int xattr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct xattr *)a)->name, ((const struct xattr *)b)->name);
}

/* The entry's xattrs by name, sorted, the first value of a name kept. */
static struct xattr *xattrs(struct archive_entry *e, size_t *n)
{
	size_t cap = archive_entry_xattr_reset(e), k = 0, o = 0;
	struct xattr *x = xcalloc(cap ? cap : 1, sizeof(*x));

	while (k < cap && archive_entry_xattr_next(e, &x[k].name, &x[k].v, &x[k].size) ==
				  ARCHIVE_OK)
		k++;
	qsort(x, k, sizeof(*x), xattr_cmp); /* stable enough: equal names compare equal */
	for (size_t i = 0; i < k; i++)
		if (!o || !streq(x[o - 1].name, x[i].name))
			x[o++] = x[i];
	*n = o;
	return x;
}

static int cmp_xattr(struct differ *d, const struct xattr *a, const struct xattr *b)
{
	const char *name = a ? a->name : b->name;
	_cleanup_free_ char *field = NULL, *old = NULL, *new = NULL;
	struct imagediff_change c = { .path = d->path };

	if (a && b && a->size == b->size && (!a->size || memcmp(a->v, b->v, a->size) == 0))
		return 0;
	field = xmalloc(strlen(name) + 7);
	strcpy(field, "xattr ");
	strcat(field, name);
	if (a)
		old = entryfmt_xattr(name, a->v, a->size);
	if (b)
		new = entryfmt_xattr(name, b->v, b->size);
	c.kind = a && b ? IMAGEDIFF_CHANGED : a ? IMAGEDIFF_REMOVED : IMAGEDIFF_ADDED;
	c.field = field;
	c.old = old;
	c.new = new;
	c.old_raw = a ? a->v : NULL;
	c.old_len = a ? a->size : 0;
	c.new_raw = b ? b->v : NULL;
	c.new_len = b ? b->size : 0;
	return emit(d, &c);
}

static int cmp_xattrs(struct differ *d, struct archive_entry *ea, struct archive_entry *eb)
{
	size_t na, nb, i = 0, j = 0;
	struct xattr *a = xattrs(ea, &na), *b = xattrs(eb, &nb);
	int r = 0;

	while (r == 0 && (i < na || j < nb)) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].name, b[j].name);

		if (c == 0)
			r = cmp_xattr(d, &a[i++], &b[j++]);
		else if (c < 0)
			r = cmp_xattr(d, &a[i++], NULL);
		else
			r = cmp_xattr(d, NULL, &b[j++]);
	}
	free(a);
	free(b);
	return r;
}

static int cmp_acl(struct differ *d, struct archive_entry *ea, struct archive_entry *eb)
{
	int flags = ARCHIVE_ENTRY_ACL_STYLE_EXTRA_ID | ARCHIVE_ENTRY_ACL_STYLE_SEPARATOR_COMMA;
	int types = ARCHIVE_ENTRY_ACL_TYPE_POSIX1E | ARCHIVE_ENTRY_ACL_TYPE_NFS4;
	_cleanup_free_ char *a = NULL, *b = NULL;

	/* Without an ACL, libarchive's text is the mode's: the mode says it. */
	if (!archive_entry_acl_count(ea, types) && !archive_entry_acl_count(eb, types))
		return 0;
	a = archive_entry_acl_to_text(ea, NULL, flags);
	b = archive_entry_acl_to_text(eb, NULL, flags);
	return cmp_str(d, "acl", a, b);
}

static int cmp_meta(struct differ *d, struct archive_entry *a, struct archive_entry *b)
{
	char x[48], y[48];

	if (cmp_str(d, "name", archive_entry_pathname(a), archive_entry_pathname(b)) < 0 ||
	    cmp_str(d, "type", entryfmt_type(a), entryfmt_type(b)) < 0 ||
	    cmp_int(d, "mode", archive_entry_perm(a) & 07777, archive_entry_perm(b) & 07777,
		    true) < 0 ||
	    cmp_int(d, "uid", archive_entry_uid(a), archive_entry_uid(b), false) < 0 ||
	    cmp_int(d, "gid", archive_entry_gid(a), archive_entry_gid(b), false) < 0 ||
	    cmp_str(d, "uname", archive_entry_uname(a), archive_entry_uname(b)) < 0 ||
	    cmp_str(d, "gname", archive_entry_gname(a), archive_entry_gname(b)) < 0 ||
	    cmp_int(d, "size", archive_entry_size(a), archive_entry_size(b), false) < 0 ||
	    cmp_time(d, "mtime", archive_entry_mtime_is_set(a), archive_entry_mtime(a),
		     archive_entry_mtime_nsec(a), archive_entry_mtime_is_set(b),
		     archive_entry_mtime(b), archive_entry_mtime_nsec(b)) < 0 ||
	    cmp_time(d, "atime", archive_entry_atime_is_set(a), archive_entry_atime(a),
		     archive_entry_atime_nsec(a), archive_entry_atime_is_set(b),
		     archive_entry_atime(b), archive_entry_atime_nsec(b)) < 0 ||
	    cmp_time(d, "ctime", archive_entry_ctime_is_set(a), archive_entry_ctime(a),
		     archive_entry_ctime_nsec(a), archive_entry_ctime_is_set(b),
		     archive_entry_ctime(b), archive_entry_ctime_nsec(b)) < 0 ||
	    cmp_str(d, "linkname", linkname(a), linkname(b)) < 0)
		return -1;
	snprintf(x, sizeof(x), "%lu,%lu", (unsigned long)archive_entry_rdevmajor(a),
		 (unsigned long)archive_entry_rdevminor(a));
	snprintf(y, sizeof(y), "%lu,%lu", (unsigned long)archive_entry_rdevmajor(b),
		 (unsigned long)archive_entry_rdevminor(b));
	if ((archive_entry_filetype(a) == AE_IFCHR || archive_entry_filetype(a) == AE_IFBLK) &&
	    archive_entry_filetype(a) == archive_entry_filetype(b) && cmp_str(d, "device", x, y) < 0)
		return -1;
	if (cmp_acl(d, a, b) < 0)
		return -1;
	return cmp_xattrs(d, a, b);
}

/* ---- data --------------------------------------------------------------- */

static int digest(struct tarstream *ts, struct archive_entry *e, unsigned char md[32],
		  struct act_err *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	struct entrydata dd;
	const void *p;
	size_t n;
	int r;

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return act_err_set(err, ENOMEM, "cannot start SHA-256");
	}
	entrydata_init(&dd, ts, archive_entry_size(e));
	while ((r = entrydata_next(&dd, BLOCK, &p, &n, err)) > 0)
		if (EVP_DigestUpdate(ctx, p, n) != 1) {
			r = act_err_set(err, EIO, "SHA-256 failed");
			break;
		}
	if (r == 0 && EVP_DigestFinal_ex(ctx, md, NULL) != 1)
		r = act_err_set(err, EIO, "SHA-256 failed");
	EVP_MD_CTX_free(ctx);
	return r;
}

/* 1 if the two current entries' data differ, 0 if not, -1 on error. Reads
 * both side by side and stops at the first difference. */
static int stream_differs(struct differ *d)
{
	struct entrydata x, y;
	const void *p = NULL, *q = NULL;
	size_t pn = 0, qn = 0;

	entrydata_init(&x, d->s[0].ts, archive_entry_size(d->s[0].e));
	entrydata_init(&y, d->s[1].ts, archive_entry_size(d->s[1].e));
	for (;;) {
		size_t k;

		/* At an end, the count stays 0. */
		if (!pn && entrydata_next(&x, BLOCK, &p, &pn, d->err) < 0)
			return -1;
		if (!qn && entrydata_next(&y, BLOCK, &q, &qn, d->err) < 0)
			return -1;
		if (!pn || !qn)
			return pn != qn; /* one ends before the other */
		k = pn < qn ? pn : qn;
		if (memcmp(p, q, k) != 0)
			return 1;
		p = (const char *)p + k;
		q = (const char *)q + k;
		pn -= k;
		qn -= k;
	}
}

static int json_change(void *ctx, const struct jsondiff_change *jc)
{
	struct differ *d = ctx;
	struct imagediff_change c = {
		.kind = jc->kind == JSONDIFF_ADDED	  ? IMAGEDIFF_ADDED
			: jc->kind == JSONDIFF_REMOVED ? IMAGEDIFF_REMOVED
						       : IMAGEDIFF_CHANGED,
		.path = d->path,
		.field = jc->path,
		.old = jc->old_json,
		.new = jc->new_json,
		.json = true,
	};

	return emit(d, &c);
}

static int cmp_manifests(struct differ *d, const char *a, size_t alen, const char *b,
			 size_t blen)
{
	struct act_err ignore = { 0 };
	struct json_value *ja, *jb;
	int r = 0;

	if (alen == blen && memcmp(a, b, alen) == 0)
		return 0;
	ja = json_parse(a, alen, &ignore);
	jb = ja ? json_parse(b, blen, &ignore) : NULL;
	if (ja && jb)
		r = jsondiff(ja, jb, json_change, d);
	if (r == 0)
		/* Not JSON on a side, or the same JSON written otherwise. */
		r = emit_text(d, ja && jb ? "layout" : "data", NULL, NULL);
	json_free(ja);
	json_free(jb);
	return r < 0 ? -1 : 0;
}

/* ---- pairing ------------------------------------------------------------ */

static int read_manifest(struct tarstream *ts, char **text, size_t *len, struct act_err *err)
{
	return tarstream_read_data(ts, ACI_MANIFEST_MAX, text, len, err);
}

/* Both current entries, of the same name. */
static int cmp_live(struct differ *d)
{
	struct archive_entry *a = d->s[0].e, *b = d->s[1].e;
	const char *name = tarstream_name(d->s[0].ts);
	int r;

	d->path = archive_entry_pathname(a);
	if (cmp_meta(d, a, b) < 0)
		return -1;
	if (!is_file(a) || !is_file(b))
		return 0;
	if (is_manifest(name, a) && is_manifest(name, b)) {
		_cleanup_free_ char *x = NULL, *y = NULL;
		size_t xn, yn;

		if (read_manifest(d->s[0].ts, &x, &xn, d->err) < 0 ||
		    read_manifest(d->s[1].ts, &y, &yn, d->err) < 0)
			return -1;
		return cmp_manifests(d, x, xn, y, yn);
	}
	if (archive_entry_size(a) != archive_entry_size(b))
		return emit_text(d, "data", NULL, NULL);
	r = stream_differs(d);
	if (r <= 0)
		return r;
	return emit_text(d, "data", NULL, NULL);
}

/* Side i's current entry, set aside until its twin comes. */
static struct item *item_of(struct differ *d, int i)
{
	struct side *s = &d->s[i];
	struct item *it = xcalloc(1, sizeof(*it));

	it->name = xstrdup(tarstream_name(s->ts));
	it->e = archive_entry_clone(s->e);
	if (!it->e)
		abort();
	if (is_manifest(it->name, s->e)) {
		if (read_manifest(s->ts, &it->text, &it->len, d->err) < 0)
			goto fail;
	} else if (is_file(s->e) && digest(s->ts, s->e, it->md, d->err) < 0) {
		goto fail;
	}
	return it;
fail:
	item_free(it);
	return NULL;
}

/* a from the first image, b from the second, set aside or live. */
static int cmp_items(struct differ *d, struct item *a, struct item *b)
{
	d->path = archive_entry_pathname(a->e);
	if (cmp_meta(d, a->e, b->e) < 0)
		return -1;
	if (!is_file(a->e) || !is_file(b->e))
		return 0;
	if (a->text && b->text)
		return cmp_manifests(d, a->text, a->len, b->text, b->len);
	/* One side a manifest, the other not: their sizes differ. */
	if (archive_entry_size(a->e) != archive_entry_size(b->e) || memcmp(a->md, b->md, 32) != 0)
		return emit_text(d, "data", NULL, NULL);
	return 0;
}

static int gone(struct differ *d, int i, struct item *it)
{
	struct archive_entry *e = it->e;

	d->path = archive_entry_pathname(e);
	return emit_text(d, NULL, i == 0 ? entryfmt_type(e) : NULL,
			 i == 0 ? NULL : entryfmt_type(e));
}

/* Whether side i has set aside an entry of that name. */
static bool waiting(struct differ *d, int i, const char *name)
{
	struct item key = { .name = (char *)name };

	return tfind(&key, &d->s[i].pending, item_cmp) != NULL;
}

/* Side i's current entry is out of step: pair it with its twin, if the
 * other side has set it aside already, or set it aside. */
static int out_of_step(struct differ *d, int i)
{
	struct side *other = &d->s[!i];
	struct item key = { .name = (char *)tarstream_name(d->s[i].ts) };
	struct item **found = tfind(&key, &other->pending, item_cmp), **slot;
	struct item *it = item_of(d, i);
	int r = 0;

	if (!it)
		return -1;
	if (found) {
		struct item *twin = *found;

		tdelete(twin, &other->pending, item_cmp);
		r = i == 0 ? cmp_items(d, it, twin) : cmp_items(d, twin, it);
		item_free(twin);
		item_free(it);
		return r;
	}
	slot = tsearch(it, &d->s[i].pending, item_cmp);
	if (!slot)
		abort();
	if (*slot != it) {
		/* The name twice in one image: the earlier copy has no twin. */
		struct item *old = *slot;

		*slot = it;
		r = gone(d, i, old);
		item_free(old);
	}
	return r;
}

static int advance(struct differ *d, int i)
{
	int r = tarstream_next(d->s[i].ts, &d->s[i].e, d->err);

	if (r <= 0)
		d->s[i].e = NULL;
	return r < 0 ? -1 : 0;
}

struct leftovers {
	struct item **v;
	size_t n;
};

static void collect(const void *node, VISIT which, void *ctx)
{
	struct leftovers *l = ctx;

	if (which == postorder || which == leaf)
		l->v[l->n++] = *(struct item *const *)node;
}

static void count_node(const void *node, VISIT which, void *ctx)
{
	(void)node;
	if (which == postorder || which == leaf)
		(*(size_t *)ctx)++;
}

/* What is still set aside has no twin: removed (side 0) or added (1). */
static int report_leftovers(struct differ *d, int i)
{
	struct leftovers l = { 0 };
	size_t n = 0;
	int r = 0;

	twalk_r(d->s[i].pending, count_node, &n);
	if (!n)
		return 0;
	l.v = xcalloc(n, sizeof(*l.v));
	twalk_r(d->s[i].pending, collect, &l);
	for (size_t k = 0; k < l.n && r == 0; k++)
		r = gone(d, i, l.v[k]);
	free(l.v);
	return r;
}

int imagediff(struct source *a, struct source *b, imagediff_fn fn, void *ctx,
	      struct act_err *err)
{
	struct differ d = { .fn = fn, .ctx = ctx, .err = err };
	int r = -1;

	d.s[0].ts = tarstream_open(a, NULL, err);
	if (!d.s[0].ts)
		goto out;
	d.s[1].ts = tarstream_open(b, NULL, err);
	if (!d.s[1].ts)
		goto out;
	if (advance(&d, 0) < 0 || advance(&d, 1) < 0)
		goto out;
	while (d.s[0].e || d.s[1].e) {
		if (d.s[0].e && d.s[1].e &&
		    streq(tarstream_name(d.s[0].ts), tarstream_name(d.s[1].ts))) {
			if (cmp_live(&d) < 0 || advance(&d, 0) < 0 || advance(&d, 1) < 0)
				goto out;
			continue;
		}
		/* A side whose entry the other set aside moves on alone: after
		 * an entry added or removed, the two fall back in step. */
		for (int i = 0; i < 2; i++) {
			if (d.s[i].e && d.s[!i].e && waiting(&d, !i, tarstream_name(d.s[i].ts))) {
				if (out_of_step(&d, i) < 0 || advance(&d, i) < 0)
					goto out;
				goto next;
			}
		}
		for (int i = 0; i < 2; i++)
			if (d.s[i].e && (out_of_step(&d, i) < 0 || advance(&d, i) < 0))
				goto out;
next:;
	}
	if (report_leftovers(&d, 0) < 0 || report_leftovers(&d, 1) < 0)
		goto out;
	r = d.count;
out:
	for (int i = 0; i < 2; i++) {
		tdestroy(d.s[i].pending, item_free);
		tarstream_free(d.s[i].ts);
	}
	return r;
}
