// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/base/strset.h"
#include "common/io/source.h"
#include "common/oci/digest.h"
#include "common/oci/ocisquash.h"
#include "common/tar/entrypath.h"
#include "common/tar/tarstream.h"

/* One version of a path: the entry that put it there. */
struct node {
	char *path;		/* cleaned, "" for the root */
	unsigned layer;
	size_t idx;		/* the entry's index in its layer */
	unsigned ino;		/* a regular file's group, 0 for the rest */
	bool dir, alive;
	/* Directories, and entries that are not files: the header to write
	 * (for a hardlink to a symlink, a device or a fifo, its target's). */
	struct archive_entry *hdr;
};

struct key {
	char *path;
	size_t node;
};

/* A small file's content as the layers have it, read in the first pass. */
struct capture {
	char *path, *data;
	size_t len;
	unsigned ino;		/* the version read: 0 for none */
};

struct ocisquash {
	const struct oci_image *img;
	struct node *v;
	size_t n, cap;
	void *index;		/* tsearch of struct key: a path's latest node */
	unsigned inos;
	/* Per layer, per entry: the group of a regular file (its data). */
	unsigned **ino_of;
	size_t *ino_cap;
	struct archive_entry *root; /* the layers' last root entry */
	struct capture *cap_v;
	size_t ncap;
	struct msglist *warn;
	struct ocisquash_result res;
};

#define CAPTURE_MAX (4 << 20)

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->path, ((const struct key *)b)->path);
}

static struct node *find(const struct ocisquash *s, const char *path)
{
	struct key k = { .path = (char *)path };
	struct key **p = tfind(&k, &s->index, cmp_key);

	return p && s->v[(*p)->node].alive ? &s->v[(*p)->node] : NULL;
}

static struct node *add_node(struct ocisquash *s, const char *path)
{
	struct key *k = xmalloc(sizeof(*k)), **p;

	if (s->n == s->cap) {
		s->cap = 2 * s->cap + 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n] = (struct node){ .path = xstrdup(path), .alive = true };
	*k = (struct key){ s->v[s->n].path, s->n };
	p = tsearch(k, &s->index, cmp_key);
	if (!p)
		abort();
	if (*p != k) {
		(*p)->path = k->path;
		(*p)->node = s->n;
		free(k);
	}
	return &s->v[s->n++];
}

static bool under(const char *path, const char *dir)
{
	size_t l = strlen(dir);

	return !*dir ? *path != '\0' : strncmp(path, dir, l) == 0 && path[l] == '/';
}

/* dir's content (and dir itself with self), but what this layer touched. */
static void delete_under(struct ocisquash *s, const char *dir, bool self, const struct strset *keep)
{
	for (size_t i = 0; i < s->n; i++) {
		struct node *nd = &s->v[i];

		if (!nd->alive || (keep && strset_has(keep, nd->path)))
			continue;
		if ((self && streq(nd->path, dir)) || under(nd->path, dir)) {
			nd->alive = false;
			s->res.hidden++;
		}
	}
}

/* A path and what is under it, unless this layer touched them. Nothing
 * lives under a file (clear_parents): only a directory needs the walk. */
static void whiteout(struct ocisquash *s, const char *path, const struct strset *touched)
{
	struct node *nd = find(s, path);

	if (!nd || nd->dir) {
		delete_under(s, path, true, touched);
	} else if (!strset_has(touched, path)) {
		nd->alive = false;
		s->res.hidden++;
	}
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
}

/* A lower file or symlink above a new path: overlay makes it a directory. */
static void clear_parents(struct ocisquash *s, const char *path, unsigned layer)
{
	_cleanup_free_ char *p = xstrdup(path);

	for (char *slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
		struct node *nd;

		*slash = '\0';
		nd = find(s, p);
		if (nd && !nd->dir) {
			msglist_addf(s->warn, "layer %u: /%s is a file or symlink of a lower layer "
				     "with /%s under it: a directory, as overlay makes it", layer, p,
				     path);
			nd->alive = false;
			s->res.replaced++;
		}
		*slash = '/';
	}
}

static int add_entry(struct ocisquash *s, unsigned layer, size_t idx, const char *path,
		     struct archive_entry *e, struct strset *touched, struct act_err *err)
{
	const char *link = archive_entry_hardlink(e);
	bool dir = archive_entry_filetype(e) == AE_IFDIR && !link;
	struct node *old = find(s, path), *nd;
	struct archive_entry *hdr = NULL;
	unsigned ino = 0;

	/* Nothing lives under a file: only a directory needs the walk. */
	if (old && old->dir && !dir)
		delete_under(s, path, true, NULL);
	else if (old && !old->dir)
		old->alive = false;
	s->res.replaced += old && !(old->dir && dir);
	clear_parents(s, path, layer);
	if (link) {
		_cleanup_free_ char *target = entrypath_clean(link, &(bool){ false });
		const struct node *t = find(s, target);

		if (!t || t->dir)
			return act_err_set(err, EINVAL, "layer %u: /%s: a hardlink to /%s, which is %s",
					   layer, path, target, t ? "a directory" : "not there");
		/* To a symlink, device or fifo: a copy of it, as containerd
		 * makes one (not every reader links to those). */
		if (!(ino = t->ino))
			hdr = archive_entry_clone(t->hdr);
	} else if (archive_entry_filetype(e) == AE_IFREG) {
		ino = ++s->inos;
		s->ino_of[layer][idx] = ino;
	} else {
		hdr = archive_entry_clone(e);
	}
	nd = add_node(s, path);
	nd->layer = layer;
	nd->idx = idx;
	nd->ino = ino;
	nd->dir = dir;
	nd->hdr = hdr;
	strset_add(touched, path);
	return 0;
}

static void diff_tap(void *ctx, const void *buf, size_t len)
{
	digest_update(ctx, buf, len);
}

/* The layer's blob: its size and digest as the manifest says. */
static int check_blob(const struct oci_layer *l, struct act_err *err)
{
	char got[DIGEST_LEN + 1];
	size_t size;
	int fd = open(l->path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return act_err_set(err, errno, "%s: %s", l->path, strerror(errno));
	r = digest_fd(fd, l->path, got, &size, err);
	close(fd);
	if (r < 0)
		return -1;
	if (size != l->size)
		return act_err_set(err, EINVAL, "%s: %zu bytes, the manifest says %zu", l->path, size,
				   l->size);
	if (!streq(got, l->digest))
		return act_err_set(err, EINVAL, "%s: its content does not match its digest", l->path);
	return 0;
}

/* What a layer entry is to the squash: 0 an entry, 1 a whiteout of
 * *target, 2 an opaque directory *target, 3 nothing (AUFS metadata). */
static int kind_of(const char *path, char **target, struct act_err *err)
{
	const char *b = base_of(path);
	_cleanup_free_ char *parent = parent_of(path);

	*target = NULL;
	if (strncmp(b, ".wh.", 4) != 0)
		return 0;
	if (streq(b, ".wh..wh..opq")) {
		*target = steal_ptr(&parent);
		return 2;
	}
	if (strncmp(b, ".wh..wh.", 8) == 0)
		return 3;
	if (!b[4])
		return act_err_set(err, EINVAL, "/%s: a whiteout of nothing", path);
	*target = *parent ? xasprintf("%s/%s", parent, b + 4) : xstrdup(b + 4);
	return 1;
}

/* Read one layer through, checked; fn sees each entry. */
typedef int (*entry_fn)(struct ocisquash *s, unsigned layer, size_t idx, const char *path,
			int kind, const char *target, struct tarstream *ts, struct archive_entry *e,
			void *ctx, struct act_err *err);

static int read_layer(struct ocisquash *s, unsigned layer, bool check, entry_fn fn, void *ctx,
		      struct act_err *err)
{
	const struct oci_layer *l = &s->img->layers[layer];
	struct digest *d = check ? digest_new() : NULL;
	struct source *src = NULL;
	struct tarstream *ts = NULL;
	struct archive_entry *e;
	size_t idx = 0;
	int r = -1, k;

	if (check && *l->digest && check_blob(l, err) < 0)
		goto out;
	if (!(src = source_open_layer(l->path, l->off, l->off >= 0 ? l->len : 0, err)))
		goto out;
	if (d)
		source_tee(src, diff_tap, d);
	if (!(ts = tarstream_open(src, NULL, err)))
		goto out;
	while ((k = tarstream_next(ts, &e, err)) > 0) {
		_cleanup_free_ char *target = NULL;
		const char *path = tarstream_name(ts);
		int kind;

		if (tarstream_name_escapes(ts)) {
			act_err_set(err, EINVAL, "%s: '%s' climbs out of the root", l->path,
				    archive_entry_pathname(e));
			goto out;
		}
		if ((kind = kind_of(path, &target, err)) < 0 ||
		    fn(s, layer, idx++, path, kind, target, ts, e, ctx, err) < 0) {
			act_err_wrap(err, "%s", *l->digest ? l->digest : l->diff_id);
			goto out;
		}
	}
	if (k < 0)
		goto out;
	if (d) {
		char got[DIGEST_LEN + 1], buf[65536];
		ssize_t n;

		/* The diff_id is of the whole tar, what follows its end too. */
		while ((n = source_read(src, buf, sizeof(buf), err)) > 0)
			;
		if (n < 0)
			goto out;
		digest_finish(d, got);
		digest_free(d);
		d = NULL;
		if (!streq(got, l->diff_id)) {
			act_err_set(err, EINVAL, "layer %s: its uncompressed tar does not match its "
				    "diff_id %s", *l->digest ? l->digest : l->path, l->diff_id);
			goto out;
		}
	}
	r = 0;
out:
	digest_free(d);
	tarstream_free(ts);
	source_free(src);
	return r;
}

/* A file the caller asked to see: its content, when it is small. */
static int capture(struct ocisquash *s, unsigned layer, size_t idx, const char *path,
		   struct tarstream *ts, struct archive_entry *e, struct act_err *err)
{
	unsigned ino = s->ino_of[layer][idx];

	for (size_t i = 0; ino && i < s->ncap; i++) {
		struct capture *c = &s->cap_v[i];

		if (!streq(c->path, path))
			continue;
		free(c->data);
		c->data = NULL;
		c->ino = 0;
		if (archive_entry_size(e) > CAPTURE_MAX)
			return 0;
		if (tarstream_read_data(ts, CAPTURE_MAX, &c->data, &c->len, err) < 0)
			return -1;
		c->ino = ino;
	}
	return 0;
}

struct layer_state {
	struct strset touched;
	char **wh, **opq;
	size_t nwh, nopq;
};

static int first_pass(struct ocisquash *s, unsigned layer, size_t idx, const char *path, int kind,
		      const char *target, struct tarstream *ts, struct archive_entry *e, void *ctx,
		      struct act_err *err)
{
	struct layer_state *ls = ctx;

	if (idx == s->ino_cap[layer]) {
		s->ino_cap[layer] = 2 * s->ino_cap[layer] + 1024;
		s->ino_of[layer] = xrealloc(s->ino_of[layer],
					    s->ino_cap[layer] * sizeof(**s->ino_of));
	}
	s->ino_of[layer][idx] = 0;
	if (kind == 1) {
		ls->wh = xrealloc(ls->wh, (ls->nwh + 1) * sizeof(*ls->wh));
		ls->wh[ls->nwh++] = xstrdup(target);
		return 0;
	}
	if (kind == 2) {
		ls->opq = xrealloc(ls->opq, (ls->nopq + 1) * sizeof(*ls->opq));
		ls->opq[ls->nopq++] = xstrdup(target);
		return 0;
	}
	if (kind == 3)
		return 0;
	if (!*path) {
		archive_entry_free(s->root);
		s->root = archive_entry_clone(e);
		return 0;
	}
	if (add_entry(s, layer, idx, path, e, &ls->touched, err) < 0)
		return -1;
	return capture(s, layer, idx, path, ts, e, err);
}

struct emit {
	struct paxwriter *pw;
	char **carrier;		/* per group: the name its data goes under */
};

static int second_pass(struct ocisquash *s, unsigned layer, size_t idx, const char *path, int kind,
		       const char *target, struct tarstream *ts, struct archive_entry *e,
		       void *ctx, struct act_err *err)
{
	struct emit *em = ctx;
	const char *link = archive_entry_hardlink(e);
	const struct node *nd;
	struct archive_entry *h;
	_cleanup_free_ char *name = NULL;
	unsigned ino = s->ino_of[layer][idx];
	int r;

	(void)target;
	if (kind || !*path || (archive_entry_filetype(e) == AE_IFDIR && !link))
		return 0;
	if (ino) {
		/* A file's data, under the first of its names that survives. */
		if (!em->carrier[ino])
			return 0;
		name = xasprintf("rootfs/%s", em->carrier[ino]);
		h = archive_entry_clone(e);
		archive_entry_copy_pathname(h, name);
		r = paxwriter_put(em->pw, h, ts, name, err);
		archive_entry_free(h);
		s->res.entries += r == 0;
		return r;
	}
	nd = find(s, path);
	if (!nd || nd->layer != layer || nd->idx != idx)
		return 0;
	name = xasprintf("rootfs/%s", path);
	h = archive_entry_clone(link && !nd->ino ? nd->hdr : e);
	archive_entry_copy_pathname(h, name);
	if (link && nd->ino) {
		_cleanup_free_ char *to = NULL;

		if (streq(em->carrier[nd->ino], path)) {
			archive_entry_free(h);
			return 0; /* the data went out under this name */
		}
		to = xasprintf("rootfs/%s", em->carrier[nd->ino]);
		archive_entry_copy_hardlink(h, to);
	}
	r = paxwriter_put(em->pw, h, NULL, name, err);
	archive_entry_free(h);
	s->res.entries += r == 0;
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every directory, from the top: a path's last version, or 0755 root's for
 * a parent no layer has (or one overlay made of a lower file). */
static int write_dirs(struct ocisquash *s, struct paxwriter *pw, struct act_err *err)
{
	struct strset seen = { 0 };
	char **dirs = NULL;
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < s->n; i++) {
		_cleanup_free_ char *p = NULL;
		char *slash;

		if (!s->v[i].alive)
			continue;
		p = xstrdup(s->v[i].path);
		if (!s->v[i].dir && (slash = strrchr(p, '/')))
			*slash = '\0';
		else if (!s->v[i].dir)
			continue;
		for (;;) {
			if (strset_add(&seen, p)) {
				dirs = xrealloc(dirs, (n + 1) * sizeof(*dirs));
				dirs[n++] = xstrdup(p);
			}
			if (!(slash = strrchr(p, '/')))
				break;
			*slash = '\0';
		}
	}
	if (n > 1)
		qsort(dirs, n, sizeof(*dirs), cmp_str);
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct node *nd = find(s, dirs[i]);
		_cleanup_free_ char *name = xasprintf("rootfs/%s", dirs[i]);
		struct archive_entry *h = nd && nd->dir ? archive_entry_clone(nd->hdr) :
							  archive_entry_new();

		if (!nd || !nd->dir) {
			archive_entry_set_filetype(h, AE_IFDIR);
			archive_entry_set_perm(h, 0755);
		}
		archive_entry_copy_pathname(h, name);
		r = paxwriter_put(pw, h, NULL, name, err);
		archive_entry_free(h);
		s->res.entries += r == 0;
	}
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	strset_clear(&seen);
	return r;
}

static int write_head(struct ocisquash *s, struct paxwriter *pw, const char *manifest, size_t mlen,
		      struct act_err *err)
{
	struct archive_entry *h;
	int r;

	if (paxwriter_add_file(pw, "manifest", manifest, mlen, err) < 0)
		return -1;
	/* The layers' root entry as rootfs, else a 0755 directory. */
	h = s->root ? archive_entry_clone(s->root) : archive_entry_new();
	if (!s->root) {
		archive_entry_set_filetype(h, AE_IFDIR);
		archive_entry_set_perm(h, 0755);
	}
	archive_entry_copy_pathname(h, "rootfs");
	r = paxwriter_put(pw, h, NULL, "rootfs", err);
	archive_entry_free(h);
	return r;
}

static void free_key(void *p)
{
	free(p);
}

struct ocisquash *ocisquash_scan(const struct oci_image *img, const char *const *capture,
				 struct msglist *warn, struct act_err *err)
{
	struct ocisquash *s = xcalloc(1, sizeof(*s));

	s->img = img;
	s->warn = warn;
	s->ino_of = xcalloc(img->nlayers + 1, sizeof(*s->ino_of));
	s->ino_cap = xcalloc(img->nlayers + 1, sizeof(*s->ino_cap));
	for (; capture && capture[s->ncap]; s->ncap++)
		;
	s->cap_v = xcalloc(s->ncap + 1, sizeof(*s->cap_v));
	for (size_t i = 0; i < s->ncap; i++)
		s->cap_v[i].path = xstrdup(capture[i]);
	for (unsigned i = 0; i < img->nlayers; i++) {
		struct layer_state ls = { 0 };
		int k = read_layer(s, i, true, first_pass, &ls, err);

		/* The layer's whiteouts hide the lower layers' entries only. */
		for (size_t j = 0; k == 0 && j < ls.nwh; j++)
			whiteout(s, ls.wh[j], &ls.touched);
		for (size_t j = 0; k == 0 && j < ls.nopq; j++)
			delete_under(s, ls.opq[j], false, &ls.touched);
		for (size_t j = 0; j < ls.nwh; j++)
			free(ls.wh[j]);
		for (size_t j = 0; j < ls.nopq; j++)
			free(ls.opq[j]);
		free(ls.wh);
		free(ls.opq);
		strset_clear(&ls.touched);
		if (k < 0) {
			ocisquash_free(s);
			return NULL;
		}
	}
	return s;
}

const char *ocisquash_file(const struct ocisquash *s, const char *path, size_t *len)
{
	const struct node *nd = find(s, path);

	for (size_t i = 0; nd && nd->ino && i < s->ncap; i++) {
		if (streq(s->cap_v[i].path, path) && s->cap_v[i].ino == nd->ino) {
			*len = s->cap_v[i].len;
			return s->cap_v[i].data;
		}
	}
	return NULL;
}

int ocisquash_emit(struct ocisquash *s, const char *manifest, size_t mlen, struct paxwriter *pw,
		   struct ocisquash_result *res, struct act_err *err)
{
	struct emit em = { .pw = pw };
	int r = -1;

	/* Each group's data goes under its first name that survives. */
	em.carrier = xcalloc(s->inos + 1, sizeof(*em.carrier));
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].alive && s->v[i].ino && !em.carrier[s->v[i].ino])
			em.carrier[s->v[i].ino] = s->v[i].path;
	if (write_head(s, pw, manifest, mlen, err) < 0 || write_dirs(s, pw, err) < 0)
		goto out;
	for (unsigned i = 0; i < s->img->nlayers; i++)
		if (read_layer(s, i, false, second_pass, &em, err) < 0)
			goto out;
	r = 0;
out:
	*res = s->res;
	free(em.carrier);
	return r;
}

void ocisquash_free(struct ocisquash *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		archive_entry_free(s->v[i].hdr);
	}
	free(s->v);
	tdestroy(s->index, free_key);
	for (unsigned i = 0; i < s->img->nlayers; i++)
		free(s->ino_of[i]);
	free(s->ino_of);
	free(s->ino_cap);
	for (size_t i = 0; i < s->ncap; i++) {
		free(s->cap_v[i].path);
		free(s->cap_v[i].data);
	}
	free(s->cap_v);
	archive_entry_free(s->root);
	free(s);
}
