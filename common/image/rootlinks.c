// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/image/rootlinks.h"
#include "common/tar/entrypath.h"

#define MAX_LINKS 40 /* Linux's MAXSYMLINKS */

struct link {
	char *name;
	char *target; /* a symlink's target as written; a hardlink's, cleaned */
	bool hard;
};

struct rootlinks {
	void *tree; /* tsearch tree of struct link, by name */
};

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct link *)a)->name, ((const struct link *)b)->name);
}

static void link_free(void *p)
{
	struct link *l = p;

	free(l->name);
	free(l->target);
	free(l);
}

struct rootlinks *rootlinks_new(void)
{
	return xcalloc(1, sizeof(struct rootlinks));
}

void rootlinks_free(struct rootlinks *rl)
{
	if (!rl)
		return;
	tdestroy(rl->tree, link_free);
	free(rl);
}

void rootlinks_add(struct rootlinks *rl, const char *name, struct archive_entry *e)
{
	const char *hard = archive_entry_hardlink(e);
	const char *sym = archive_entry_filetype(e) == AE_IFLNK ? archive_entry_symlink(e) : NULL;
	struct link *l, **found;

	if (!hard && !sym)
		return;
	l = xcalloc(1, sizeof(*l));
	l->name = xstrdup(name);
	if (hard) {
		bool escapes;

		l->target = entrypath_clean(hard, &escapes);
		l->hard = true;
	} else {
		l->target = xstrdup(sym);
	}
	found = tsearch(l, &rl->tree, cmp);
	if (!found)
		abort();
	if (*found != l) {
		/* A later entry of the same name replaces the earlier one, as
		 * extraction does. */
		struct link *old = *found;

		*found = l;
		link_free(old);
	}
}

static const struct link *lookup(const struct rootlinks *rl, const char *name)
{
	struct link key = { .name = (char *)name };
	struct link **found = tfind(&key, &rl->tree, cmp);

	return found ? *found : NULL;
}

/* The components still to walk, as one string "a/b/c", pushed at the front. */
static char *push_front(const char *front, const char *rest)
{
	size_t a = strlen(front), b = strlen(rest);
	char *s = xmalloc(a + b + 2);

	memcpy(s, front, a);
	s[a] = '/';
	memcpy(s + a + 1, rest, b + 1);
	return s;
}

char *rootlinks_resolve(const struct rootlinks *rl, const char *path, struct act_err *err)
{
	/* cur: the resolved prefix ("rootfs", "rootfs/usr"); todo: what is left. */
	char *cur = xstrdup("rootfs");
	char *todo = xstrdup(strncmp(path, "rootfs/", 7) == 0 ? path + 7 : "");
	int hops = 0;

	for (;;) {
		char *seg = todo, *slash, *next;
		const char *rest;
		const struct link *l;

		while (*seg == '/')
			seg++;
		if (!*seg)
			break;
		slash = strchr(seg, '/');
		if (slash)
			*slash = '\0';
		rest = slash ? slash + 1 : "";
		next = NULL;
		if (streq(seg, "..")) {
			char *up = strrchr(cur, '/');

			if (up)
				*up = '\0'; /* "rootfs" has no slash: it stays */
		} else if (!streq(seg, ".")) {
			next = xmalloc(strlen(cur) + strlen(seg) + 2);
			strcpy(next, cur);
			strcat(next, "/");
			strcat(next, seg);
		}
		memmove(todo, rest, strlen(rest) + 1);
		if (!next)
			continue;
		/* A hardlink's target is a name already resolved; a symlink's
		 * is walked from its directory, or from rootfs/ when absolute. */
		while ((l = lookup(rl, next)) != NULL) {
			if (++hops > MAX_LINKS) {
				act_err_set(err, ELOOP, "%s: %s", path, strerror(ELOOP));
				free(next);
				free(cur);
				free(todo);
				return NULL;
			}
			if (l->hard) {
				free(next);
				next = xstrdup(l->target);
				continue;
			}
			{
				char *t = push_front(l->target, todo);

				free(todo);
				todo = t;
			}
			free(next);
			next = NULL;
			if (l->target[0] == '/')
				strcpy(cur, "rootfs");
			break;
		}
		if (next) {
			free(cur);
			cur = next;
		}
	}
	free(todo);
	return cur;
}
