// SPDX-License-Identifier: Apache-2.0
/* medit_apply_one: each kind of edit as splices into one parse of the text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/strbuf.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/json/jsonsplice.h"
#include "common/manifest/manifestedit-internal.h"

struct pass {
	const char *text;
	struct json_value *root;
	struct json_value *app;	/* NULL: no app object */
	struct json_edit e;
	const struct medit *m;
	struct medit_state *st;
	size_t matched;
};

/* Where a field lives: in the app or at the top, under which member. */
static const struct {
	enum medit_field field;
	bool in_app;
	const char *member;
	const char *what;	/* for messages */
} fields[] = {
	{ MEDIT_LABEL, false, "labels", "label" },
	{ MEDIT_ANNOTATION, false, "annotations", "annotation" },
	{ MEDIT_DEPENDENCY, false, "dependencies", "dependency" },
	{ MEDIT_WHITELIST, false, "pathWhitelist", "pathWhitelist entry" },
	{ MEDIT_ENV, true, "environment", "environment variable" },
	{ MEDIT_USER_LABEL, true, "userLabels", "user label" },
	{ MEDIT_USER_ANNOTATION, true, "userAnnotations", "user annotation" },
	{ MEDIT_WORKDIR, true, "workingDirectory", "working directory" },
	{ MEDIT_EXEC, true, "exec", "exec" },
	{ MEDIT_HANDLER, true, "eventHandlers", "event handler" },
	{ MEDIT_MOUNT, true, "mountPoints", "mount point" },
	{ MEDIT_PORT, true, "ports", "port" },
	{ MEDIT_ISOLATOR, true, "isolators", "isolator" },
	{ MEDIT_GIDS, true, "supplementaryGIDs", "supplementary groups" },
};

static size_t field_index(enum medit_field f)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (fields[i].field == f)
			return i;
	abort(); /* a field without a place is a bug */
}

static struct jsplice_object parent(struct pass *ps, bool in_app)
{
	struct jsplice_object o;

	jsplice_object_init(&o, ps->text, in_app ? ps->app : ps->root,
			    in_app ? manifest_app_order : manifest_top_order);
	return o;
}

/* ---- which elements an edit is about ------------------------------------ */

static bool has_label(const struct json_value *labels, const char *kv)
{
	const char *eq = strchr(kv, '=');
	_cleanup_free_ char *name = xstrndup(kv, (size_t)(eq - kv));

	return json_is_string(json_get(json_named(labels, name), "value"), eq + 1);
}

static bool dep_matches(const struct medit *m, const struct json_value *dep)
{
	const struct json_value *labels = json_get(dep, "labels");

	if (!json_is_string(json_get(dep, "imageName"), m->keys[0]))
		return false;
	for (size_t i = 0; i < m->nlabels; i++)
		if (!has_label(labels, m->labels[i]))
			return false;
	return true;
}

static bool elem_matches(const struct medit *m, const struct json_value *v)
{
	if (m->field == MEDIT_WHITELIST)
		return json_is_string(v, m->keys[0]);
	if (m->field == MEDIT_DEPENDENCY)
		return dep_matches(m, v);
	for (size_t k = 0; k < m->nkeys; k++)
		if (json_is_string(json_get(v, "name"), m->keys[k]))
			return true;
	return false;
}

/* ---- arrays: put one element in place, or remove the matches ------------ */

static int want_array(const struct json_value *v, const char *member, struct act_err *err)
{
	if (v->type != JSON_ARRAY)
		return act_err_set(err, EINVAL, "%s is not an array", member);
	return 0;
}

/*
 * The dependency a SET replaces, among those this call did not append: by
 * name alone when one has it, else by the labels given; -1 when none (the
 * new one is appended), -2 when several are left (err set).
 */
static long dep_target(struct pass *ps, const struct json_value *arr, struct act_err *err)
{
	size_t old = arr->n - ps->st->deps_added, named = 0, fit = 0;
	long by_name = -1, by_labels = -1;

	for (size_t i = 0; i < old; i++) {
		const struct json_value *d = arr->items[i];

		if (!json_is_string(json_get(d, "imageName"), ps->m->keys[0]))
			continue;
		named++;
		by_name = (long)i;
		if (dep_matches(ps->m, d)) {
			fit++;
			by_labels = (long)i;
		}
	}
	if (named <= 1)
		return by_name;
	if (fit > 1)
		return act_err_set(err, EINVAL, "%zu dependencies named '%s' have those labels: "
				   "give labels that pick one", fit, ps->m->keys[0]), -2;
	return by_labels;
}

static int array_edit(struct pass *ps, struct act_err *err)
{
	const struct medit *m = ps->m;
	size_t fi = field_index(m->field);
	struct jsplice_object par = parent(ps, fields[fi].in_app);
	const struct json_value *arr = json_get(par.obj, fields[fi].member);
	_cleanup_free_ struct jsplice_elem *ops = NULL;
	struct jsplice_elem add = { JSPLICE_REPLACE, m->value, m->value ? strlen(m->value) : 0 };
	size_t kept = 0;
	long target = -1;

	if (!arr || arr->type == JSON_NULL) {
		if (m->action == MEDIT_SET) {
			_cleanup_free_ char *s = xmalloc(add.len + 3);

			s[0] = '[';
			memcpy(s + 1, m->value, add.len);
			memcpy(s + 1 + add.len, "]", 2);
			jsplice_object_set(&par, &ps->e, fields[fi].member, s, add.len + 2);
			jsplice_object_finish(&par, &ps->e);
			if (m->field == MEDIT_DEPENDENCY)
				ps->st->deps_added++;
		}
		return 0;
	}
	if (want_array(arr, fields[fi].member, err) < 0)
		return -1;
	if (m->action == MEDIT_CLEAR) {
		ps->matched = arr->n;
		jsplice_object_remove(&par, &ps->e, fields[fi].member);
		if (m->field == MEDIT_DEPENDENCY)
			ps->st->deps_added = 0;
		return 0;
	}
	if (m->field == MEDIT_DEPENDENCY && m->action == MEDIT_SET &&
	    (target = dep_target(ps, arr, err)) == -2)
		return -1;
	ops = xcalloc(arr->n + 1, sizeof(*ops));
	for (size_t i = 0; i < arr->n; i++) {
		bool hit = m->field == MEDIT_DEPENDENCY && m->action == MEDIT_SET ?
				   (long)i == target :
				   elem_matches(m, arr->items[i]);

		if (hit && m->action == MEDIT_SET && ps->matched == 0)
			ops[i] = add; /* in place; a later namesake goes */
		else if (hit)
			ops[i].op = JSPLICE_DROP;
		ps->matched += hit;
		kept += !hit;
	}
	if (m->action == MEDIT_REMOVE && kept == 0) {
		/* Emptied: the member goes, as appc leaves out an empty list. */
		jsplice_object_remove(&par, &ps->e, fields[fi].member);
		return 0;
	}
	if (m->action == MEDIT_SET && ps->matched == 0 && m->field == MEDIT_DEPENDENCY)
		ps->st->deps_added++;
	if (m->action == MEDIT_SET && ps->matched == 0)
		jsplice_array_rewrite(&ps->e, ps->text, arr, ops, &add, 1);
	else
		jsplice_array_rewrite(&ps->e, ps->text, arr, ops, NULL, 0);
	return 0;
}

/* ---- objects: userLabels, userAnnotations ------------------------------- */

static int map_edit(struct pass *ps, struct act_err *err)
{
	const struct medit *m = ps->m;
	size_t fi = field_index(m->field);
	struct jsplice_object par = parent(ps, true), map;
	const struct json_value *obj = json_get(ps->app, fields[fi].member);

	if (!obj || obj->type == JSON_NULL) {
		if (m->action == MEDIT_SET) {
			struct strbuf b = { 0 };
			size_t klen;
			_cleanup_free_ char *key = json_gen_string(m->keys[0], strlen(m->keys[0]),
								   &klen, err);

			if (!key)
				return -1;
			strbuf_adds(&b, "{");
			strbuf_add(&b, key, klen);
			strbuf_adds(&b, ":");
			strbuf_adds(&b, m->value);
			strbuf_adds(&b, "}");
			jsplice_object_set(&par, &ps->e, fields[fi].member, b.p, b.len);
			jsplice_object_finish(&par, &ps->e);
			free(b.p);
		}
		return 0;
	}
	if (obj->type != JSON_OBJECT)
		return act_err_set(err, EINVAL, "app.%s is not an object", fields[fi].member);
	ps->matched = json_get(obj, m->keys[0]) != NULL;
	jsplice_object_init(&map, ps->text, obj, NULL);
	if (m->action == MEDIT_SET) {
		jsplice_object_set(&map, &ps->e, m->keys[0], m->value, strlen(m->value));
		jsplice_object_finish(&map, &ps->e);
	} else if (ps->matched && obj->n == 1) {
		jsplice_object_remove(&par, &ps->e, fields[fi].member);
	} else if (ps->matched) {
		jsplice_object_remove(&map, &ps->e, m->keys[0]);
	}
	return 0;
}

/* ---- one member: exec, workingDirectory, the supplementary groups -------- */

static int member_edit(struct pass *ps)
{
	const struct medit *m = ps->m;
	size_t fi = field_index(m->field);
	struct jsplice_object par = parent(ps, fields[fi].in_app);
	const char *member = fields[fi].member;

	/* appc's code reads either spelling of the supplementary groups. */
	if (m->field == MEDIT_GIDS && !json_get(par.obj, member))
		member = "supplementaryGids";
	ps->matched = json_get(par.obj, member) != NULL;
	if (m->action == MEDIT_SET) {
		jsplice_object_set(&par, &ps->e, member, m->value, strlen(m->value));
		jsplice_object_finish(&par, &ps->e);
	} else if (ps->matched) {
		jsplice_object_remove(&par, &ps->e, member);
	}
	return 0;
}

static bool needs_app(const struct medit *m)
{
	return fields[field_index(m->field)].in_app;
}

int medit_apply_one(const struct medit *m, struct medit_state *st, const char *text,
		    size_t len, char **out, size_t *outlen, size_t *matched,
		    struct act_err *err)
{
	struct pass ps = { .text = text, .e = JSON_EDIT_INIT, .m = m, .st = st };
	int r = -1;

	*matched = 0;
	if (m->patch) {
		*matched = 1;
		return manifest_patch_apply(text, len, m->patch, out, outlen, err);
	}
	ps.root = json_parse(text, len, err);
	if (!ps.root)
		return -1;
	ps.app = (struct json_value *)json_get(ps.root, "app");
	if (ps.app && ps.app->type != JSON_OBJECT)
		ps.app = NULL;
	if (needs_app(m) && !ps.app) {
		if (m->action == MEDIT_SET) {
			act_err_set(err, EINVAL, "manifest has no app: the %s belongs to an app",
				    fields[field_index(m->field)].what);
			goto out;
		}
		r = 0; /* nothing to remove */
		*out = xstrndup(text, len);
		*outlen = len;
		goto out;
	}
	switch (m->field) {
	case MEDIT_USER_LABEL:
	case MEDIT_USER_ANNOTATION:
		r = map_edit(&ps, err);
		break;
	case MEDIT_EXEC:
	case MEDIT_WORKDIR:
	case MEDIT_GIDS:
		r = member_edit(&ps);
		break;
	default:
		r = array_edit(&ps, err);
	}
	if (r == 0)
		r = json_edit_apply(&ps.e, text, len, out, outlen, err);
	*matched = ps.matched;
out:
	json_edit_done(&ps.e);
	json_free(ps.root);
	return r;
}

int medit_pin(const char *text, size_t len, size_t i, const char *id, uint64_t size,
	      char **out, size_t *outlen, struct act_err *err)
{
	static const char *const order[] = { "imageName", "imageID", "labels", "size", NULL };
	struct json_value *root = json_parse(text, len, err);
	const struct json_value *deps = json_get(root, "dependencies");
	struct json_edit e = JSON_EDIT_INIT;
	struct jsplice_object o;
	_cleanup_free_ char *idjson = NULL;
	char num[32];
	size_t idlen;
	int r = -1;

	if (!root)
		return -1;
	if (!deps || deps->type != JSON_ARRAY || i >= deps->n ||
	    deps->items[i]->type != JSON_OBJECT) {
		act_err_set(err, EINVAL, "dependencies[%zu] is not an object", i);
		goto out;
	}
	if (!(idjson = json_gen_string(id, strlen(id), &idlen, err)))
		goto out;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)size);
	jsplice_object_init(&o, text, deps->items[i], order);
	jsplice_object_set(&o, &e, "imageID", idjson, idlen);
	jsplice_object_set(&o, &e, "size", num, strlen(num));
	jsplice_object_finish(&o, &e);
	r = json_edit_apply(&e, text, len, out, outlen, err);
out:
	json_edit_done(&e);
	json_free(root);
	return r;
}
