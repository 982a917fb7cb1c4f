// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/base/msglist.h"
#include "common/base/strset.h"
#include "common/fs/hostentry.h"
#include "common/fs/treewalk.h"
#include "common/fs/rootedit.h"
#include "common/manifest/manifest.h"
#include "common/tar/entrypath.h"

struct add_arg {
	/* Hardlinks are kept within one source, as cp -a keeps them: the same
	 * host file given twice makes two files. */
	struct hostentry *he;
	char *flag;
	char *dest;	/* cleaned: "rootfs/etc/x", or "rootfs" for "/" */
	bool into;	/* DEST ends in '/' */
	char *src;
	bool contents;	/* SRC ends in '/' */
};

struct removal {
	char *flag;
	char *name;	/* cleaned */
	unsigned found;
};

/* A new entry: its name in the image and where it comes from on disk. */
struct newent {
	char *name;
	char *host;
	struct stat st;
	struct add_arg *from;
	bool written;
};

struct rootedit {
	struct rootedit_options o;
	struct add_arg *adds;
	size_t nadds;
	struct removal *rms;
	size_t nrms;
	struct newent *ents; /* sorted by name */
	size_t nents, cap;
	int (*adjust)(void *ctx, const char *name, struct archive_entry *e, struct act_err *err);
	void *adjust_ctx;
	/* the pass */
	struct strset dirs;	/* directories of the image, ancestors of new entries */
	struct strset gone;	/* entries dropped: no hardlink may point there */
	struct strset nonfile;	/* entries replaced by something not a file */
	struct msglist warnings;
	size_t nplan_warnings; /* the plan's, kept across passes */
};

static struct hostentry *writer(const struct rootedit *re)
{
	return hostentry_new(&(struct hostentry_options){
		.owner_root = re->o.owner_root,
		.set_mtime = re->o.set_mtime,
		.clamp_mtime = re->o.clamp_mtime,
		.mtime = re->o.mtime,
	});
}

struct rootedit *rootedit_new(const struct rootedit_options *o)
{
	struct rootedit *re = xcalloc(1, sizeof(*re));

	re->o = *o;
	return re;
}

static void pass_free(struct rootedit *re)
{
	strset_clear(&re->dirs);
	strset_clear(&re->gone);
	strset_clear(&re->nonfile);
}

void rootedit_free(struct rootedit *re)
{
	if (!re)
		return;
	for (size_t i = 0; i < re->nadds; i++) {
		hostentry_free(re->adds[i].he);
		free(re->adds[i].flag);
		free(re->adds[i].dest);
		free(re->adds[i].src);
	}
	free(re->adds);
	for (size_t i = 0; i < re->nrms; i++) {
		free(re->rms[i].flag);
		free(re->rms[i].name);
	}
	free(re->rms);
	for (size_t i = 0; i < re->nents; i++) {
		free(re->ents[i].name);
		free(re->ents[i].host);
	}
	free(re->ents);
	msglist_free(&re->warnings);
	pass_free(re);
	free(re);
}

bool rootedit_empty(const struct rootedit *re)
{
	return !re->nadds && !re->nrms;
}

void rootedit_set_adjust(struct rootedit *re,
			 int (*adjust)(void *ctx, const char *name, struct archive_entry *e,
				       struct act_err *err),
			 void *ctx)
{
	re->adjust = adjust;
	re->adjust_ctx = ctx;
}

size_t rootedit_warnings(const struct rootedit *re, const char *const **msgs)
{
	*msgs = (const char *const *)re->warnings.v;
	return re->warnings.n;
}

/* "/", "" and "rootfs" name the rootfs itself: entrypath_from_user refuses them. */
static char *dest_name(const char *dest)
{
	const char *p = dest;

	while (*p == '/')
		p++;
	if (!*p || streq(p, ".") || streq(p, "./"))
		return xstrdup("rootfs");
	return entrypath_from_user(dest);
}

int rootedit_add(struct rootedit *re, const char *flag, const char *dest, const char *src,
		 struct act_err *err)
{
	size_t dl = strlen(dest), sl = strlen(src);
	char *name;

	if (!dl || !sl)
		return act_err_set(err, EINVAL, "%s: not DEST=SRC", flag);
	name = dest_name(dest);
	if (!name)
		return act_err_set(err, EINVAL, "%s: '%s' is not a path in the rootfs", flag, dest);
	if (streq(name, "rootfs") && dest[dl - 1] != '/') {
		free(name);
		return act_err_set(err, EINVAL, "%s: the rootfs itself cannot be replaced: "
				   "end DEST with '/' to copy into it", flag);
	}
	re->adds = xrealloc(re->adds, (re->nadds + 1) * sizeof(*re->adds));
	re->adds[re->nadds++] = (struct add_arg){
		.he = writer(re),
		.flag = xstrdup(flag),
		.dest = name,
		.into = dest[dl - 1] == '/',
		.src = xstrdup(src),
		.contents = src[sl - 1] == '/',
	};
	return 0;
}

int rootedit_remove(struct rootedit *re, const char *flag, const char *path,
		    struct act_err *err)
{
	char *name = entrypath_from_user(path);

	if (!name)
		return act_err_set(err, EINVAL, "%s: '%s' is not a path in the rootfs", flag, path);
	re->rms = xrealloc(re->rms, (re->nrms + 1) * sizeof(*re->rms));
	re->rms[re->nrms++] = (struct removal){ xstrdup(flag), name, 0 };
	return 0;
}

/* ---- the plan ------------------------------------------------------------ */

struct walk_ctx {
	struct rootedit *re;
	struct add_arg *a;
	const char *host_top; /* SRC without trailing '/' */
	size_t top_len;       /* of the walk's reported path */
};

static int collect(void *ctx, const struct treewalk_entry *te, struct act_err *err)
{
	struct walk_ctx *w = ctx;
	struct rootedit *re = w->re;
	struct newent *n;

	(void)err;
	if (S_ISSOCK(te->st.st_mode)) {
		msglist_addf(&re->warnings, "%s: %s/%s: a socket, skipped", w->a->flag, w->host_top,
		     te->path + w->top_len);
		return 0;
	}
	if (re->nents == re->cap) {
		re->cap = 2 * re->cap + 16;
		re->ents = xrealloc(re->ents, re->cap * sizeof(*re->ents));
	}
	n = &re->ents[re->nents++];
	/* te->path is "<dest>/<relative>": the host path is SRC plus the same. */
	*n = (struct newent){
		.name = xstrdup(te->path),
		.host = xasprintf("%s%s", w->host_top, te->path + w->top_len),
		.st = te->st,
		.from = w->a,
	};
	return 0;
}

static int cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct newent *)a)->name, ((const struct newent *)b)->name);
}

static struct newent *find(const struct rootedit *re, const char *name)
{
	struct newent key = { .name = (char *)name };

	return re->nents ? bsearch(&key, re->ents, re->nents, sizeof(*re->ents), cmp_ent) : NULL;
}

/* Whether some new entry lies under dir (a strict descendant). */
static bool has_under(const struct rootedit *re, const char *dir)
{
	size_t lo = 0, hi = re->nents, dl = strlen(dir);

	/* The first name not less than "dir/". */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(re->ents[mid].name, dir, dl);

		if (c < 0 || (c == 0 && re->ents[mid].name[dl] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < re->nents && strncmp(re->ents[lo].name, dir, dl) == 0 &&
	       re->ents[lo].name[dl] == '/';
}

static int walk_children(struct walk_ctx *w, struct act_err *err);

static int walk_one(struct rootedit *re, struct add_arg *a, struct act_err *err)
{
	_cleanup_free_ char *top = xstrdup(a->src), *base = NULL, *path = NULL;
	struct walk_ctx w = { .re = re, .a = a };
	struct stat st;
	size_t tl = strlen(top);

	while (tl > 1 && top[tl - 1] == '/')
		top[--tl] = '\0';
	if (lstat(top, &st) < 0)
		return act_err_set(err, errno, "%s: %s: %s", a->flag, top, strerror(errno));
	if (a->contents && !S_ISDIR(st.st_mode))
		return act_err_set(err, ENOTDIR, "%s: %s/: not a directory", a->flag, top);
	base = xstrdup(top);
	if (a->into && !a->contents)
		path = xasprintf("%s/%s", a->dest, basename(base));
	else
		path = xstrdup(a->dest);
	if (streq(basename(base), "..") || streq(basename(base), "."))
		return act_err_set(err, EINVAL, "%s: name the directory, not '%s'", a->flag, top);
	w.host_top = top;
	w.top_len = strlen(path);
	if (!streq(path, "rootfs"))
		return treewalk(AT_FDCWD, top, path, collect, &w, err);
	return walk_children(&w, err);
}

static int cmp_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_dots(const struct dirent *d)
{
	return !streq(d->d_name, ".") && !streq(d->d_name, "..");
}

/* SRC's content into the rootfs itself: its children, each a tree of its
 * own, in byte order (the rootfs entry stays as it is). */
static int walk_children(struct walk_ctx *w, struct act_err *err)
{
	struct dirent **list = NULL;
	int n = scandir(w->host_top, &list, not_dots, cmp_name), r = 0;

	if (n < 0)
		return act_err_set(err, errno, "%s: %s: %s", w->a->flag, w->host_top,
				   strerror(errno));
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *host = xasprintf("%s/%s", w->host_top, list[i]->d_name);
		_cleanup_free_ char *path = xasprintf("rootfs/%s", list[i]->d_name);
		struct walk_ctx child = { .re = w->re, .a = w->a, .host_top = host,
					  .top_len = strlen(path) };

		if (r == 0)
			r = treewalk(AT_FDCWD, host, path, collect, &child, err);
		free(list[i]);
	}
	free(list);
	return r;
}

int rootedit_plan(struct rootedit *re, struct act_err *err)
{
	for (size_t i = 0; i < re->nadds; i++)
		if (walk_one(re, &re->adds[i], err) < 0)
			return -1;
	if (re->nents > 1)
		qsort(re->ents, re->nents, sizeof(*re->ents), cmp_ent);
	re->nplan_warnings = re->warnings.n;
	for (size_t i = 1; i < re->nents; i++)
		if (streq(re->ents[i - 1].name, re->ents[i].name))
			return act_err_set(err, EINVAL, "%s and %s both give %s",
					   re->ents[i - 1].from->flag, re->ents[i].from->flag,
					   re->ents[i].name + strlen("rootfs"));
	return 0;
}

/* ---- the pass ------------------------------------------------------------ */

static const char *kind_of(mode_t m)
{
	return S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symlink" : S_ISREG(m) ? "file" :
						      "special file";
}

static const char *user(const char *name)
{
	return name + strlen("rootfs");
}

static struct removal *removed(struct rootedit *re, const char *name)
{
	for (size_t i = 0; i < re->nrms; i++) {
		size_t l = strlen(re->rms[i].name);

		if (strncmp(name, re->rms[i].name, l) == 0 && (!name[l] || name[l] == '/'))
			return &re->rms[i];
	}
	return NULL;
}

static int write_new(struct rootedit *re, struct tarstream *ts, struct newent *n,
		     struct act_err *err)
{
	_cleanup_free_ char *dir = xstrdup(n->host), *file = xstrdup(n->host);
	_cleanup_close_ int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct archive *aw;
	struct treewalk_entry te = { .path = n->host, .st = n->st };

	if (dfd < 0)
		return act_err_set(err, errno, "%s: %s: %s", n->from->flag, n->host, strerror(errno));
	te.dirfd = dfd;
	te.name = basename(file);
	if (!(aw = tarstream_insert(ts, err)))
		return -1;
	if (hostentry_write(n->from->he, aw, &te, n->host, n->name, re->adjust, re->adjust_ctx,
			    err) < 0) {
		if (!act_err_isset(err))
			tarstream_insert_error(ts, n->name, err);
		return -1;
	}
	n->written = true;
	return 0;
}

/* A directory for a new entry's missing parent, as acbuild made them. */
static int write_parent(struct rootedit *re, struct tarstream *ts, const char *name,
			const struct newent *child, struct act_err *err)
{
	struct archive_entry *e = archive_entry_new();
	struct archive *aw = tarstream_insert(ts, err);
	int r = 0;

	archive_entry_copy_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0755);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, re->o.set_mtime ? re->o.mtime : child->st.st_mtim.tv_sec, 0);
	if (!aw || archive_write_header(aw, e) != ARCHIVE_OK ||
	    archive_write_finish_entry(aw) != ARCHIVE_OK)
		r = aw ? tarstream_insert_error(ts, name, err) : -1;
	archive_entry_free(e);
	if (r == 0)
		strset_add(&re->dirs, name);
	return r;
}

/* Under a new entry that is not a directory, nothing of the image stays. */
static const struct newent *nondir_ancestor(const struct rootedit *re, const char *name)
{
	_cleanup_free_ char *p = xstrdup(name);
	char *slash;

	while ((slash = strrchr(p, '/'))) {
		const struct newent *n;

		*slash = '\0';
		n = find(re, p);
		if (n)
			return S_ISDIR(n->st.st_mode) ? NULL : n;
	}
	return NULL;
}

int rootedit_entry(struct rootedit *re, struct tarstream *ts, struct archive_entry *e,
		   struct act_err *err)
{
	const char *name = tarstream_name(ts), *link = archive_entry_hardlink(e);
	mode_t mode = archive_entry_filetype(e);
	struct removal *rm;
	const struct newent *anc;
	struct newent *n;

	if (tarstream_name_escapes(ts) || strncmp(name, "rootfs", 6) != 0)
		return 0;
	if ((rm = removed(re, name))) {
		rm->found++;
		strset_add(&re->gone, name);
		return tarstream_drop(ts, err) < 0 ? -1 : 1;
	}
	if (link) {
		_cleanup_free_ char *target = entrypath_clean(link, &(bool){ false });

		if (strset_has(&re->gone, target))
			return act_err_set(err, EINVAL, "%s is a hardlink to %s, which is removed: "
					   "remove both, or neither", user(name), user(target));
		if (strset_has(&re->nonfile, target))
			return act_err_set(err, EINVAL, "%s is a hardlink to %s, which becomes a %s",
					   user(name), user(target),
					   kind_of(find(re, target)->st.st_mode));
	}
	if ((anc = nondir_ancestor(re, name)))
		return act_err_set(err, EINVAL, "%s: %s becomes a %s, but the image has %s under "
				   "it: --remove-path=%s first", anc->from->flag, user(anc->name),
				   kind_of(anc->st.st_mode), user(name), user(anc->name));
	n = find(re, name);
	if (n) {
		bool was_dir = mode == AE_IFDIR && !link, is_dir = S_ISDIR(n->st.st_mode);

		if (was_dir != is_dir)
			return act_err_set(err, EINVAL, "%s: %s is a %s in the image, the new one a "
					   "%s: --remove-path=%s first", n->from->flag, user(name),
					   link ? "hardlink" : kind_of(mode), kind_of(n->st.st_mode),
					   user(name));
		if (n->written)
			return act_err_set(err, EINVAL, "%s: the image has two entries %s",
					   n->from->flag, user(name));
		if (is_dir)
			strset_add(&re->dirs, name);
		if (!S_ISREG(n->st.st_mode))
			strset_add(&re->nonfile, name);
		if (write_new(re, ts, n, err) < 0 || tarstream_drop(ts, err) < 0)
			return -1;
		return 1;
	}
	if (has_under(re, name)) {
		if (mode != AE_IFDIR || link)
			return act_err_set(err, EINVAL, "%s is a %s in the image: nothing can be "
					   "added under it (add to the path it leads to)",
					   user(name), link ? "hardlink" : kind_of(mode));
		strset_add(&re->dirs, name);
	}
	return 0;
}

int rootedit_tail(struct rootedit *re, struct tarstream *ts, struct act_err *err)
{
	for (size_t i = 0; i < re->nents; i++) {
		struct newent *n = &re->ents[i];
		_cleanup_free_ char *p = NULL;

		if (n->written)
			continue;
		/* Parents first, from the top: "rootfs/a", "rootfs/a/b", ... */
		p = xstrdup(n->name);
		for (char *s = strchr(p + strlen("rootfs/"), '/'); s; s = strchr(s + 1, '/')) {
			const struct newent *pn;

			*s = '\0';
			pn = find(re, p);
			if (!strset_has(&re->dirs, p) && (!pn || !pn->written) &&
			    write_parent(re, ts, p, n, err) < 0)
				return -1;
			*s = '/';
		}
		if (S_ISDIR(n->st.st_mode))
			strset_add(&re->dirs, n->name);
		if (write_new(re, ts, n, err) < 0)
			return -1;
	}
	return 0;
}

int rootedit_finish(struct rootedit *re, const char *manifest, size_t len,
		    struct act_err *err)
{
	bool deps = manifest && manifest_has_dependencies(manifest, len);

	for (size_t i = 0; i < re->nrms; i++) {
		const struct removal *rm = &re->rms[i];

		if (!rm->found && !re->o.ignore_missing)
			return act_err_set(err, ENOENT, "%s: no %s in the image%s", rm->flag,
					   user(rm->name),
					   deps ? " (a dependency's files cannot be removed: only "
						  "pathWhitelist hides them)" :
						  "");
		if (deps)
			msglist_addf(&re->warnings, "%s: the image has dependencies: if one provides %s too, it stays "
				 "(only pathWhitelist hides it)",
			     rm->flag, user(rm->name));
	}
	return 0;
}

void rootedit_rewind(struct rootedit *re)
{
	for (size_t i = 0; i < re->nents; i++)
		re->ents[i].written = false;
	for (size_t i = 0; i < re->nrms; i++)
		re->rms[i].found = 0;
	msglist_truncate(&re->warnings, re->nplan_warnings);
	pass_free(re);
	for (size_t i = 0; i < re->nadds; i++) {
		hostentry_free(re->adds[i].he);
		re->adds[i].he = writer(re);
	}
}
