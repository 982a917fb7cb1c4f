// SPDX-License-Identifier: Apache-2.0
/* A list of manifest edits: conflicts, the usage checks, and the passes. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/strbuf.h"
#include "common/json/json.h"
#include "common/json/jsonsplice.h"
#include "common/manifest/manifestedit-internal.h"
#include "common/spec/spec.h"
#include "common/spec/specisolator.h"

static const char *const what[] = {
	[MEDIT_NAME] = "the name",
	[MEDIT_EXEC] = "app.exec",
	[MEDIT_USER] = "app.user",
	[MEDIT_GROUP] = "app.group",
	[MEDIT_GIDS] = "the supplementary groups",
	[MEDIT_LABEL] = "label",
	[MEDIT_ANNOTATION] = "annotation",
	[MEDIT_ENV] = "environment variable",
	[MEDIT_WORKDIR] = "app.workingDirectory",
	[MEDIT_HANDLER] = "event handler",
	[MEDIT_MOUNT] = "mount point",
	[MEDIT_PORT] = "port",
	[MEDIT_ISOLATOR] = "isolator",
	[MEDIT_USER_LABEL] = "user label",
	[MEDIT_USER_ANNOTATION] = "user annotation",
	[MEDIT_DEPENDENCY] = "dependency",
	[MEDIT_WHITELIST] = "pathWhitelist entry",
};

/* Fields that are one value, named by what[] alone. */
static bool single(enum medit_field f)
{
	return f == MEDIT_NAME || f == MEDIT_EXEC || f == MEDIT_USER || f == MEDIT_GROUP ||
	       f == MEDIT_GIDS || f == MEDIT_WORKDIR;
}

static bool same_labels(const struct medit *a, const struct medit *b)
{
	if (a->nlabels != b->nlabels)
		return false;
	for (size_t i = 0; i < a->nlabels; i++)
		if (!streq(a->labels[i], b->labels[i]))
			return false;
	return true;
}

/* The key both a and b edit, or NULL. */
static const char *shared_key(const struct medit *a, const struct medit *b)
{
	for (size_t i = 0; i < a->nkeys; i++)
		for (size_t j = 0; j < b->nkeys; j++)
			if (streq(a->keys[i], b->keys[j]))
				return a->keys[i];
	return NULL;
}

/*
 * Two edits of one entry contradict each other, whatever their order; a
 * CLEAR undoes what an earlier edit of its field did (a later one is
 * fine: that is how a list is built from scratch). Two dependencies of one
 * name with other labels are two entries (appc allows both).
 */
static int conflict(const struct medit *a, const struct medit *b, struct act_err *err)
{
	const char *key;

	if (a->field != b->field || a->action == MEDIT_CLEAR)
		return 0;
	if (b->action == MEDIT_CLEAR)
		return act_err_set(err, EINVAL, "%s undoes %s: give it first", b->flag, a->flag);
	if (!(key = shared_key(a, b)))
		return 0;
	if (a->field == MEDIT_DEPENDENCY && a->action == MEDIT_SET &&
	    b->action == MEDIT_SET && !same_labels(a, b))
		return 0;
	if (single(a->field))
		return act_err_set(err, EINVAL, "%s and %s both edit %s", a->flag, b->flag,
				   what[a->field]);
	return act_err_set(err, EINVAL, "%s and %s both edit %s '%s'", a->flag, b->flag,
			   what[a->field], key);
}

/* The least manifest the spec takes: a problem after an edit is the edit's. */
static const char skeleton[] = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\","
			       "\"name\":\"example.com/patch\",\"app\":{\"exec\":[\"/x\"],"
			       "\"user\":\"0\",\"group\":\"0\"}}";

static int check_alone(const struct medit *m, bool allow_unknown, struct act_err *err)
{
	struct spec_report rep = SPEC_REPORT_INIT;
	struct medit_state st = { 0 };
	char *out = NULL;
	size_t len, matched;
	int r = 0;

	if (m->patch) {
		if (manifest_patch_check(m->patch, err) < 0)
			return act_err_wrap(err, "%s", m->flag);
		return 0;
	}
	if (m->action != MEDIT_SET)
		return 0;
	if (m->field == MEDIT_ISOLATOR && !allow_unknown && !spec_isolator_known(m->keys[0]))
		return act_err_set(err, EINVAL, "%s: '%s' is not an isolator appc defines "
				   "(--allow-unknown-isolator takes it)", m->flag, m->keys[0]);
	if (medit_apply_one(m, &st, skeleton, sizeof(skeleton) - 1, &out, &len, &matched,
			    err) < 0)
		return act_err_wrap(err, "%s", m->flag);
	if (spec_check_manifest(out, len, &rep) > 0)
		r = spec_report_err(&rep, m->flag, NULL, err);
	spec_report_free(&rep);
	free(out);
	return r;
}

int medit_check(const struct medit_list *l, struct act_err *err)
{
	for (size_t j = 0; j < l->n; j++)
		for (size_t i = 0; i < j; i++)
			if (conflict(&l->v[i], &l->v[j], err) < 0)
				return -1;
	for (size_t i = 0; i < l->n; i++)
		if (check_alone(&l->v[i], l->allow_unknown_isolator, err) < 0)
			return -1;
	return 0;
}

/* ---- applying ----------------------------------------------------------- */

/* "labels[3].name: msg" without the indices, which earlier edits shift. */
static char *problem_key(const struct spec_problem *p)
{
	struct strbuf b = { 0 };

	for (const char *s = p->field; *s; s++) {
		if (*s == '[') {
			strbuf_adds(&b, "[]");
			s += strcspn(s, "]");
			if (!*s)
				break;
			continue;
		}
		strbuf_add(&b, s, 1);
	}
	strbuf_adds(&b, ": ");
	strbuf_adds(&b, p->message);
	return b.p;
}

static bool has_problem(const char *text, size_t len, const char *key)
{
	struct spec_report rep = SPEC_REPORT_INIT;
	bool found = false;

	spec_check_manifest(text, len, &rep);
	for (size_t i = 0; i < rep.n && !found; i++) {
		char *k = problem_key(&rep.items[i]);

		found = streq(k, key);
		free(k);
	}
	spec_report_free(&rep);
	return found;
}

/* Whether an edit sets a field of the app (and so needs one). */
static bool sets_app_field(const struct medit *m)
{
	return m->action == MEDIT_SET && m->field != MEDIT_NAME && m->field != MEDIT_LABEL &&
	       m->field != MEDIT_ANNOTATION && m->field != MEDIT_DEPENDENCY &&
	       m->field != MEDIT_WHITELIST;
}

static const struct medit *setting(const struct medit_list *l, enum medit_field f)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].field == f && l->v[i].action == MEDIT_SET)
			return &l->v[i];
	return NULL;
}

/* An image without an app gets one ("app": {}) when exec, user and group
 * are all set; any other app edit is an error there. */
static int ensure_app(const struct medit_list *l, char **text, size_t *len,
		      struct act_err *err)
{
	const struct medit *need = NULL;
	struct json_value *root, *app;
	struct json_edit e = JSON_EDIT_INIT;
	struct jsplice_object top;
	char *out;
	int r;

	for (size_t i = 0; i < l->n && !need; i++)
		if (sets_app_field(&l->v[i]))
			need = &l->v[i];
	if (!need)
		return 0;
	if (!(root = json_parse(*text, *len, err)))
		return -1;
	app = (struct json_value *)json_get(root, "app");
	if (app && app->type == JSON_OBJECT) {
		json_free(root);
		return 0;
	}
	if (!setting(l, MEDIT_EXEC)) {
		json_free(root);
		return act_err_set(err, EINVAL, "manifest has no app: %s edits one, and only "
				   "an exec option makes one", need->flag);
	}
	if (!setting(l, MEDIT_USER) || !setting(l, MEDIT_GROUP)) {
		json_free(root);
		return act_err_set(err, EINVAL, "manifest has no app: a new one needs --user "
				   "and --group as well as %s", setting(l, MEDIT_EXEC)->flag);
	}
	jsplice_object_init(&top, *text, root, manifest_top_order);
	jsplice_object_set(&top, &e, "app", "{}", 2);
	jsplice_object_finish(&top, &e);
	r = json_edit_apply(&e, *text, *len, &out, len, err);
	json_edit_done(&e);
	json_free(root);
	if (r == 0) {
		free(*text);
		*text = out;
	}
	return r;
}

/* The edit after which key (a problem of the final text) came to stay. */
static const struct medit *culprit(const struct medit_list *l, char **texts, size_t *lens,
				   const char *key)
{
	size_t k = l->n;

	while (k > 0 && has_problem(texts[k - 1], lens[k - 1], key))
		k--;
	return k > 0 ? &l->v[k - 1] : setting(l, MEDIT_EXEC);
}

/* Fail on the first problem the input did not have; collect the others. */
static int final_check(const struct medit_list *l, const char *in, size_t inlen,
		       char **texts, size_t *lens, struct spec_report *old,
		       struct act_err *err)
{
	struct spec_report before = SPEC_REPORT_INIT, after = SPEC_REPORT_INIT;
	int r = 0;

	spec_check_manifest(texts[l->n], lens[l->n], &after);
	if (after.n)
		spec_check_manifest(in, inlen, &before);
	for (size_t i = 0; i < after.n && r == 0; i++) {
		_cleanup_free_ char *key = problem_key(&after.items[i]);
		bool known = false;

		for (size_t j = 0; j < before.n && !known; j++) {
			_cleanup_free_ char *k = problem_key(&before.items[j]);

			known = streq(k, key);
		}
		if (known) {
			if (old)
				spec_report_add(old, after.items[i].field, "%s",
						after.items[i].message);
			continue;
		}
		const struct medit *m = culprit(l, texts, lens, key);

		r = act_err_set(err, EINVAL, "%s: %s: %s", m ? m->flag : "the edits",
				after.items[i].field, after.items[i].message);
	}
	spec_report_free(&before);
	spec_report_free(&after);
	return r;
}

static int missing(const struct medit *m, struct act_err *err)
{
	if (single(m->field))
		return act_err_set(err, ENOENT, "%s: the manifest has no %s", m->flag,
				   what[m->field]);
	return act_err_set(err, ENOENT, "%s: the manifest has no %s '%s'", m->flag,
			   what[m->field], m->keys[0]);
}

int medit_apply(const struct medit_list *l, const char *text, size_t len, char **out,
		size_t *outlen, struct spec_report *old, struct act_err *err)
{
	/* Every state is kept, to find which edit brought a problem. */
	char **texts = xcalloc(l->n + 1, sizeof(*texts));
	size_t *lens = xcalloc(l->n + 1, sizeof(*lens));
	struct medit_state st = { 0 };
	int r = -1;

	if (manifest_check(text, len, err) < 0)
		goto out;
	texts[0] = xstrndup(text, len);
	lens[0] = len;
	if (ensure_app(l, &texts[0], &lens[0], err) < 0)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		const struct medit *m = &l->v[i];
		size_t matched;

		if (medit_apply_one(m, &st, texts[i], lens[i], &texts[i + 1], &lens[i + 1],
				    &matched, err) < 0) {
			act_err_wrap(err, "%s", m->flag);
			goto out;
		}
		if (m->action == MEDIT_REMOVE && !matched && !l->ignore_missing) {
			missing(m, err);
			goto out;
		}
	}
	if (manifest_check(texts[l->n], lens[l->n], err) < 0) {
		act_err_wrap(err, "internal error: the edited manifest is broken");
		goto out;
	}
	if (final_check(l, text, len, texts, lens, old, err) < 0)
		goto out;
	*out = steal_ptr(&texts[l->n]);
	*outlen = lens[l->n];
	r = 0;
out:
	for (size_t i = 0; i <= l->n; i++)
		free(texts[i]);
	free(texts);
	free(lens);
	return r;
}
