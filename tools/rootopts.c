// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "tools/rootopts.h"

void root_opts_add(struct root_opts *ro, bool remove, const char *opt, const char *arg)
{
	ro->v = xrealloc(ro->v, (ro->n + 1) * sizeof(*ro->v));
	ro->v[ro->n++] = (struct root_arg){ remove, xasprintf("--%s=%s", opt, arg), arg };
}

void root_opts_free(struct root_opts *ro)
{
	for (size_t i = 0; i < ro->n; i++)
		free(ro->v[i].flag);
	free(ro->v);
	*ro = (struct root_opts){ 0 };
}

struct rootedit *root_opts_build(const struct act_cmd *cmd, struct root_opts *ro,
				 int *exit_code)
{
	struct act_err err = { 0 };
	struct rootedit *re;
	bool adds = false;

	*exit_code = 0;
	for (size_t i = 0; i < ro->n; i++)
		adds |= !ro->v[i].remove;
	if ((ro->o.owner_root || ro->mtime_given) && !adds) {
		*exit_code = cmd_usage(cmd, "--owner-root and --mtime go with --add");
		return NULL;
	}
	if (!ro->n)
		return NULL;
	re = rootedit_new(&ro->o);
	for (size_t i = 0; i < ro->n; i++) {
		const struct root_arg *a = &ro->v[i];
		int r;

		if (a->remove) {
			r = rootedit_remove(re, a->flag, a->arg, &err);
		} else {
			/* DEST ends at the first '=', as --filecap's PATH does. */
			const char *eq = strchr(a->arg, '=');
			_cleanup_free_ char *dest = eq ? xstrndup(a->arg, (size_t)(eq - a->arg)) : NULL;

			r = eq ? rootedit_add(re, a->flag, dest, eq + 1, &err)
			       : act_err_set(&err, EINVAL, "%s: not DEST=SRC", a->flag);
		}
		if (r < 0) {
			*exit_code = cmd_usage(cmd, "%s", err.msg);
			rootedit_free(re);
			return NULL;
		}
	}
	/* The host's files are looked at once, before any output. */
	if (rootedit_plan(re, &err) < 0) {
		*exit_code = cmd_fail(cmd, &err);
		rootedit_free(re);
		return NULL;
	}
	return re;
}

static int entry(void *ctx, struct tarstream *ts, struct archive_entry *e, struct act_err *err)
{
	struct edit_hooks *h = ctx;

	if (h->re) {
		int r = rootedit_entry(h->re, ts, e, err);

		if (r != 0)
			return r < 0 ? -1 : 0;
	}
	return capedit_entry(h->ce, ts, e, err);
}

static int tail(void *ctx, struct tarstream *ts, struct act_err *err)
{
	struct edit_hooks *h = ctx;

	return h->re ? rootedit_tail(h->re, ts, err) : 0;
}

static int done(void *ctx, const char *manifest, size_t len, struct act_err *err)
{
	struct edit_hooks *h = ctx;

	/* A second pass comes: its end decides. */
	if (h->ce->again)
		return 0;
	if (h->re && rootedit_finish(h->re, manifest, len, err) < 0)
		return -1;
	return capedit_finish(h->ce, manifest, len, err);
}

static bool again(void *ctx)
{
	return ((struct edit_hooks *)ctx)->ce->again;
}

static void rewind_edit(void *ctx)
{
	struct edit_hooks *h = ctx;

	capedit_rewind(h->ce);
	if (h->re)
		rootedit_rewind(h->re);
}

/* Files to add always land at the end; files to edit or remove, where
 * they are found. */
static bool pending(void *ctx)
{
	struct edit_hooks *h = ctx;

	return (h->re && !rootedit_empty(h->re)) || capedit_pending(h->ce);
}

static int prepare(void *ctx, struct source *src, struct act_err *err)
{
	return capedit_prepare(((struct edit_hooks *)ctx)->ce, src, err);
}

void edit_hooks_set(struct aci_edit *edit, struct edit_hooks *h)
{
	edit->entry = entry;
	edit->tail = tail;
	edit->done = done;
	edit->again = again;
	edit->rewind = rewind_edit;
	edit->prepare = prepare;
	edit->pending = pending;
	edit->ctx = h;
	if (h->re)
		rootedit_set_adjust(h->re, capedit_adjust, h->ce);
}

void edit_hooks_warnings(const struct act_cmd *cmd, const struct edit_hooks *h)
{
	const char *const *msgs;
	size_t n = h->re ? rootedit_warnings(h->re, &msgs) : 0;

	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "acitool: %s: warning: %s\n", cmd->name, msgs[i]);
	capedit_warnings(cmd, h->ce);
}
