// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/discovery/acmeta.h"
#include "common/discovery/template.h"
#include "common/discovery/walk.h"

/* A prefix's page, fetched at most once for both walks. */
struct page {
	char *prefix;
	bool fetched;
	char *error; /* why it could not be fetched */
	struct disc_metas metas;
};

static void fetch_page(struct page *pg, disc_fetch_fn *fetch, void *ctx)
{
	struct act_err e = { 0 };
	char *body = NULL;
	size_t len = 0;

	if (pg->fetched)
		return;
	pg->fetched = true;
	if (fetch(ctx, pg->prefix, &body, &len, &e) < 0) {
		pg->error = xstrdup(e.msg);
		return;
	}
	disc_meta_scan(body, len, &pg->metas);
	free(body);
}

static bool matches(const struct disc_app *app, const struct disc_meta *m)
{
	return strncmp(app->name, m->prefix, strlen(m->prefix)) == 0;
}

static void add_attempt(struct disc_attempt **v, size_t *n, const struct page *pg)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].prefix = xstrdup(pg->prefix);
	(*v)[*n].error = xstrdup(pg->error);
	(*n)++;
}

/* The page's endpoints into f; when there are none, why (malloc'd). */
static char *page_endpoints(const struct page *pg, const struct disc_app *app,
			    struct disc_found *f)
{
	bool tag = false, match = false;
	_cleanup_free_ char *left = NULL;
	char *why;

	for (size_t i = 0; i < pg->metas.n; i++) {
		const struct disc_meta *m = &pg->metas.v[i];
		char *aci;

		if (!streq(m->name, "ac-discovery"))
			continue;
		tag = true;
		if (!matches(app, m))
			continue;
		match = true;
		aci = disc_template_fill(m->uri, app, "aci", left ? NULL : &left);
		if (!aci)
			continue;
		f->endpoints = xrealloc(f->endpoints, (f->n_endpoints + 1) * sizeof(*f->endpoints));
		f->endpoints[f->n_endpoints].aci = aci;
		/* "aci.asc" holds no brace: filled if "aci" was. */
		f->endpoints[f->n_endpoints].asc = disc_template_fill(m->uri, app, "aci.asc", NULL);
		f->n_endpoints++;
	}
	if (f->n_endpoints)
		return NULL;
	if (!tag)
		return xstrdup("no ac-discovery meta tag");
	if (!match)
		return xstrdup("no ac-discovery meta tag whose prefix matches");
	if (asprintf(&why, "its ac-discovery templates need a label not given: %s", left) < 0)
		abort();
	return why;
}

static void page_pubkeys(const struct page *pg, const struct disc_app *app, struct disc_found *f)
{
	for (size_t i = 0; i < pg->metas.n; i++) {
		const struct disc_meta *m = &pg->metas.v[i];

		if (!streq(m->name, "ac-discovery-pubkeys") || !matches(app, m))
			continue;
		f->pubkeys = xrealloc(f->pubkeys, (f->n_pubkeys + 1) * sizeof(*f->pubkeys));
		f->pubkeys[f->n_pubkeys++] = xstrdup(m->uri);
	}
}

/* "P1: why; P2: why" for err, cut where it no longer fits. */
static void add_reason(char *buf, size_t size, const char *prefix, const char *why)
{
	size_t len = strlen(buf);

	if (len < size)
		snprintf(buf + len, size - len, "%s%s: %s", len ? "; " : "", prefix, why);
}

int disc_walk(const struct disc_app *app, disc_fetch_fn *fetch, void *ctx,
	      struct disc_found *found, struct act_err *err)
{
	struct page *pages;
	size_t n = 1, i;
	char reasons[sizeof(err->msg)] = "";
	int r = 0;

	memset(found, 0, sizeof(*found));
	for (const char *p = app->name; *p; p++)
		n += *p == '/';
	/* Longest first: the name, then each parent (a name has no empty part). */
	pages = xcalloc(n, sizeof(*pages));
	pages[0].prefix = xstrdup(app->name);
	for (i = 1; i < n; i++)
		pages[i].prefix = xstrndup(app->name, (size_t)(strrchr(pages[i - 1].prefix, '/') -
							   pages[i - 1].prefix));

	for (i = 0; i < n && !found->n_endpoints; i++) {
		_cleanup_free_ char *why = NULL;

		fetch_page(&pages[i], fetch, ctx);
		if (pages[i].error) {
			add_attempt(&found->endpoint_attempts, &found->n_endpoint_attempts, &pages[i]);
			add_reason(reasons, sizeof(reasons), pages[i].prefix, pages[i].error);
			continue;
		}
		why = page_endpoints(&pages[i], app, found);
		if (why)
			add_reason(reasons, sizeof(reasons), pages[i].prefix, why);
	}
	if (!found->n_endpoints) {
		r = act_err_set(err, ENOENT, "discovery failed: %s", reasons);
		disc_found_free(found);
		goto out;
	}
	for (i = 0; i < n && !found->n_pubkeys; i++) {
		fetch_page(&pages[i], fetch, ctx);
		if (pages[i].error)
			add_attempt(&found->pubkey_attempts, &found->n_pubkey_attempts, &pages[i]);
		else
			page_pubkeys(&pages[i], app, found);
	}
out:
	for (i = 0; i < n; i++) {
		free(pages[i].prefix);
		free(pages[i].error);
		disc_metas_free(&pages[i].metas);
	}
	free(pages);
	return r;
}

static void free_attempts(struct disc_attempt *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].prefix);
		free(v[i].error);
	}
	free(v);
}

void disc_found_free(struct disc_found *found)
{
	for (size_t i = 0; i < found->n_endpoints; i++) {
		free(found->endpoints[i].aci);
		free(found->endpoints[i].asc);
	}
	free(found->endpoints);
	for (size_t i = 0; i < found->n_pubkeys; i++)
		free(found->pubkeys[i]);
	free(found->pubkeys);
	free_attempts(found->endpoint_attempts, found->n_endpoint_attempts);
	free_attempts(found->pubkey_attempts, found->n_pubkey_attempts);
	memset(found, 0, sizeof(*found));
}
