// SPDX-License-Identifier: Apache-2.0
/* manifest_patch_apply: every field edit, as splices (see manifest.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/caps/capname.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/json/jsonsplice.h"
#include "common/base/macro.h"
#include "common/manifest/manifest.h"
#include "common/manifest/manifestedit-internal.h"
#include "common/spec/spec.h"

/* appc's order (schema/image.go, schema/types/app.go): new members go there. */
const char *const manifest_top_order[] = {
	"acKind", "acVersion",	 "name",	 "labels", "app",
	"annotations", "dependencies", "pathWhitelist", NULL,
};
const char *const manifest_app_order[] = {
	"exec",	       "eventHandlers", "user",	  "group",     "supplementaryGIDs",
	"workingDirectory", "environment", "mountPoints", "ports", "isolators",
	"userAnnotations",  "userLabels",  NULL,
};

/* A list of JSON texts, for elements to add. */
struct texts {
	struct jsplice_elem *v;
	size_t n;
};

static void texts_add(struct texts *t, char *s, size_t len)
{
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = (struct jsplice_elem){ JSPLICE_REPLACE, s, len };
}

static void texts_free(struct texts *t)
{
	for (size_t i = 0; i < t->n; i++)
		free((char *)t->v[i].text);
	free(t->v);
	*t = (struct texts){ 0 };
}

/* "[a,b,...]" */
static char *texts_array(const struct texts *t, size_t *len)
{
	size_t n = 2;
	char *s, *p;

	for (size_t i = 0; i < t->n; i++)
		n += t->v[i].len + 1;
	p = s = xmalloc(n + 1);
	*p++ = '[';
	for (size_t i = 0; i < t->n; i++) {
		if (i)
			*p++ = ',';
		memcpy(p, t->v[i].text, t->v[i].len);
		p += t->v[i].len;
	}
	*p++ = ']';
	*p = '\0';
	*len = (size_t)(p - s);
	return s;
}

static char *gen_done(struct json_gen *g, size_t *len, struct act_err *err)
{
	char *out = json_gen_finish(g, len, err);

	json_gen_free(g);
	return out;
}

void manifest_patch_free(struct manifest_patch *p)
{
	free(p->name);
	for (size_t i = 0; i < p->nexec; i++)
		free(p->exec[i]);
	free(p->exec);
	free(p->user);
	free(p->group);
	free(p->gids);
	for (size_t i = 0; i < p->nmounts; i++)
		free(p->mounts[i].name), free(p->mounts[i].path);
	free(p->mounts);
	for (size_t i = 0; i < p->nports; i++)
		free(p->ports[i].name), free(p->ports[i].protocol);
	free(p->ports);
	for (size_t i = 0; i < p->nseccomp; i++)
		free(p->seccomp_set[i]);
	free(p->seccomp_set);
	free(p->seccomp_errno);
	for (size_t i = 0; i < p->nisolators; i++)
		free(p->isolators[i].name), free(p->isolators[i].value);
	free(p->isolators);
	*p = (struct manifest_patch){ 0 };
}

/* What of p needs an app, for the message when there is none; NULL: nothing. */
static const char *app_field(const struct manifest_patch *p)
{
	if (p->nexec)
		return "exec";
	if (p->user || p->group)
		return p->user && p->group ? "user and group" : p->user ? "user" : "group";
	if (p->ngids)
		return "supplementary groups";
	if (p->caps_kind != MANIFEST_CAPS_NONE)
		return "capability isolators";
	if (p->nmounts)
		return "mount points";
	if (p->nports)
		return "ports";
	if (p->seccomp_kind != MANIFEST_SECCOMP_NONE)
		return "seccomp isolators";
	if (p->nisolators)
		return "isolators";
	return NULL;
}

bool manifest_patch_empty(const struct manifest_patch *p)
{
	return !p->name && !app_field(p);
}

/* {"name":"os/linux/capabilities-...-set","value":{"set":["CAP_...",...]}} */
static char *caps_isolator(const struct manifest_patch *p, size_t *len,
			   struct act_err *err)
{
	struct json_gen *g;
	uint64_t seen = 0;

	if (p->caps_kind != MANIFEST_CAPS_RETAIN && p->caps_kind != MANIFEST_CAPS_REMOVE) {
		act_err_set(err, EINVAL, "unknown capability patch kind %d", (int)p->caps_kind);
		return NULL;
	}
	if (p->ncaps == 0) {
		act_err_set(err, EINVAL, "empty capability set");
		return NULL;
	}
	if (p->ncaps > ARRAY_SIZE(p->caps)) {
		act_err_set(err, EINVAL, "too many capabilities (%zu)", p->ncaps);
		return NULL;
	}
	for (size_t i = 0; i < p->ncaps; i++) {
		if (!capname_name(p->caps[i])) {
			act_err_set(err, EINVAL, "unknown capability number %d", p->caps[i]);
			return NULL;
		}
	}

	g = json_gen_new();
	json_gen_object_open(g);
	json_gen_cstr(g, "name");
	json_gen_cstr(g, p->caps_kind == MANIFEST_CAPS_RETAIN ? MANIFEST_CAPS_RETAIN_NAME :
								 MANIFEST_CAPS_REMOVE_NAME);
	json_gen_cstr(g, "value");
	json_gen_object_open(g);
	json_gen_cstr(g, "set");
	json_gen_array_open(g);
	for (size_t i = 0; i < p->ncaps; i++) {
		uint64_t bit = UINT64_C(1) << p->caps[i];

		if (!(seen & bit))
			json_gen_cstr(g, capname_name(p->caps[i]));
		seen |= bit;
	}
	json_gen_array_close(g);
	json_gen_object_close(g);
	json_gen_object_close(g);
	return gen_done(g, len, err);
}

/* {"name":"os/linux/seccomp-...-set","value":{"set":[...],"errno":"E..."}} */
static char *seccomp_isolator(const struct manifest_patch *p, size_t *len,
			      struct act_err *err)
{
	struct json_gen *g;

	if (!p->nseccomp) {
		act_err_set(err, EINVAL, "empty seccomp set");
		return NULL;
	}
	g = json_gen_new();
	json_gen_object_open(g);
	json_gen_cstr(g, "name");
	json_gen_cstr(g, p->seccomp_kind == MANIFEST_SECCOMP_RETAIN ?
				 MANIFEST_SECCOMP_RETAIN_NAME :
				 MANIFEST_SECCOMP_REMOVE_NAME);
	json_gen_cstr(g, "value");
	json_gen_object_open(g);
	json_gen_cstr(g, "set");
	json_gen_array_open(g);
	for (size_t i = 0; i < p->nseccomp; i++)
		json_gen_cstr(g, p->seccomp_set[i]);
	json_gen_array_close(g);
	if (p->seccomp_errno) {
		json_gen_cstr(g, "errno");
		json_gen_cstr(g, p->seccomp_errno);
	}
	json_gen_object_close(g);
	json_gen_object_close(g);
	return gen_done(g, len, err);
}

/* {"name":NAME,"value":VALUE}, VALUE being JSON text already. */
static char *named_isolator(const struct manifest_isolator *iso, size_t *len,
			    struct act_err *err)
{
	_cleanup_free_ char *name = NULL;
	struct json_value *v;
	size_t nlen, vlen = strlen(iso->value);
	char *out;

	v = json_parse(iso->value, vlen, err);
	if (!v)
		return NULL;
	json_free(v);
	name = json_gen_string(iso->name, strlen(iso->name), &nlen, err);
	if (!name)
		return NULL;
	out = xmalloc(nlen + vlen + 20);
	*len = (size_t)sprintf(out, "{\"name\":%s,\"value\":%s}", name, iso->value);
	return out;
}

/* The new isolators, in actool's order: capabilities, seccomp, the others. */
static int new_isolators(const struct manifest_patch *p, struct texts *t,
			 struct act_err *err)
{
	char *s;
	size_t len;

	if (p->caps_kind != MANIFEST_CAPS_NONE) {
		if (!(s = caps_isolator(p, &len, err)))
			return -1;
		texts_add(t, s, len);
	}
	if (p->seccomp_kind != MANIFEST_SECCOMP_NONE) {
		if (!(s = seccomp_isolator(p, &len, err)))
			return -1;
		texts_add(t, s, len);
	}
	for (size_t i = 0; i < p->nisolators; i++) {
		if (!(s = named_isolator(&p->isolators[i], &len, err)))
			return -1;
		texts_add(t, s, len);
	}
	return 0;
}

/* An existing isolator that the new ones replace. */
static bool isolator_replaced(const struct manifest_patch *p, const struct json_value *iso)
{
	const struct json_value *name = json_get(iso, "name");

	if (!name || name->type != JSON_STRING)
		return false;
	if (p->caps_kind != MANIFEST_CAPS_NONE &&
	    (json_is_string(name, MANIFEST_CAPS_RETAIN_NAME) ||
	     json_is_string(name, MANIFEST_CAPS_REMOVE_NAME)))
		return true;
	if (p->seccomp_kind != MANIFEST_SECCOMP_NONE &&
	    (json_is_string(name, MANIFEST_SECCOMP_RETAIN_NAME) ||
	     json_is_string(name, MANIFEST_SECCOMP_REMOVE_NAME)))
		return true;
	for (size_t i = 0; i < p->nisolators; i++)
		if (json_is_string(name, p->isolators[i].name))
			return true;
	return false;
}

static char *mount_json(const struct manifest_mount *m, size_t *len, struct act_err *err)
{
	struct json_gen *g = json_gen_new();

	json_gen_object_open(g);
	json_gen_cstr(g, "name");
	json_gen_cstr(g, m->name);
	json_gen_cstr(g, "path");
	json_gen_cstr(g, m->path);
	/* Left out when false, as appc writes it. */
	if (m->read_only) {
		json_gen_cstr(g, "readOnly");
		json_gen_bool(g, 1);
	}
	json_gen_object_close(g);
	return gen_done(g, len, err);
}

/* All five members, as appc writes them; count 1 when not given. */
static char *port_json(const struct manifest_port *pt, size_t *len, struct act_err *err)
{
	struct json_gen *g = json_gen_new();

	json_gen_object_open(g);
	json_gen_cstr(g, "name");
	json_gen_cstr(g, pt->name);
	json_gen_cstr(g, "protocol");
	json_gen_cstr(g, pt->protocol);
	json_gen_cstr(g, "port");
	json_gen_int(g, pt->port);
	json_gen_cstr(g, "count");
	json_gen_int(g, pt->count ? pt->count : 1);
	json_gen_cstr(g, "socketActivated");
	json_gen_bool(g, pt->socket_activated);
	json_gen_object_close(g);
	return gen_done(g, len, err);
}

/*
 * app.KEY (an array of objects with a "name") merged with the new elements:
 * one of the same name is replaced in place (and any later namesake dropped),
 * the others are appended.
 */
static int merge_named(struct json_edit *e, struct jsplice_object *app, const char *key,
		       const struct texts *t, const char *const *names, struct act_err *err)
{
	const struct json_value *arr = json_get(app->obj, key);
	_cleanup_free_ struct jsplice_elem *ops = NULL;
	struct texts append = { 0 };

	if (!arr || arr->type == JSON_NULL) {
		size_t len;
		_cleanup_free_ char *s = texts_array(t, &len);

		jsplice_object_set(app, e, key, s, len);
		return 0;
	}
	if (arr->type != JSON_ARRAY)
		return act_err_set(err, EINVAL, "app.%s must be an array or null", key);
	ops = xcalloc(arr->n + 1, sizeof(*ops));
	for (size_t j = 0; j < t->n; j++) {
		bool found = false;

		for (size_t i = 0; i < arr->n; i++) {
			if (!json_is_string(json_get(arr->items[i], "name"), names[j]))
				continue;
			ops[i] = found ? (struct jsplice_elem){ JSPLICE_DROP, NULL, 0 } : t->v[j];
			found = true;
		}
		if (!found) {
			append.v = xrealloc(append.v, (append.n + 1) * sizeof(*append.v));
			append.v[append.n++] = t->v[j];
		}
	}
	jsplice_array_rewrite(e, app->text, arr, ops, append.v, append.n);
	free(append.v);
	return 0;
}

static int patch_mounts(struct json_edit *e, struct jsplice_object *app,
			const struct manifest_patch *p, struct act_err *err)
{
	struct texts t = { 0 };
	const char **names = xcalloc(p->nmounts, sizeof(*names));
	int r = -1;

	for (size_t i = 0; i < p->nmounts; i++) {
		size_t len;
		char *s = mount_json(&p->mounts[i], &len, err);

		if (!s)
			goto out;
		texts_add(&t, s, len);
		names[i] = p->mounts[i].name;
	}
	r = merge_named(e, app, "mountPoints", &t, names, err);
out:
	free(names);
	texts_free(&t);
	return r;
}

static int patch_ports(struct json_edit *e, struct jsplice_object *app,
		       const struct manifest_patch *p, struct act_err *err)
{
	struct texts t = { 0 };
	const char **names = xcalloc(p->nports, sizeof(*names));
	int r = -1;

	for (size_t i = 0; i < p->nports; i++) {
		size_t len;
		char *s = port_json(&p->ports[i], &len, err);

		if (!s)
			goto out;
		texts_add(&t, s, len);
		names[i] = p->ports[i].name;
	}
	r = merge_named(e, app, "ports", &t, names, err);
out:
	free(names);
	texts_free(&t);
	return r;
}

/* Drop the isolators the new ones replace; the new ones go last. */
static int patch_isolators(struct json_edit *e, struct jsplice_object *app,
			   const struct manifest_patch *p, struct act_err *err)
{
	const struct json_value *isos = json_get(app->obj, "isolators");
	_cleanup_free_ struct jsplice_elem *ops = NULL;
	struct texts t = { 0 };
	int r = -1;

	if (new_isolators(p, &t, err) < 0)
		goto out;
	if (!isos || isos->type == JSON_NULL) {
		size_t len;
		_cleanup_free_ char *s = texts_array(&t, &len);

		jsplice_object_set(app, e, "isolators", s, len);
	} else if (isos->type == JSON_ARRAY) {
		ops = xcalloc(isos->n + 1, sizeof(*ops));
		for (size_t i = 0; i < isos->n; i++)
			if (isolator_replaced(p, isos->items[i]))
				ops[i].op = JSPLICE_DROP;
		jsplice_array_rewrite(e, app->text, isos, ops, t.v, t.n);
	} else {
		act_err_set(err, EINVAL, "app.isolators must be an array or null");
		goto out;
	}
	r = 0;
out:
	texts_free(&t);
	return r;
}

static int set_string(struct json_edit *e, struct jsplice_object *o, const char *key,
		      const char *value, struct act_err *err)
{
	size_t len;
	_cleanup_free_ char *s = json_gen_string(value, strlen(value), &len, err);

	if (!s)
		return -1;
	jsplice_object_set(o, e, key, s, len);
	return 0;
}

static int patch_exec(struct json_edit *e, struct jsplice_object *app,
		      const struct manifest_patch *p, struct act_err *err)
{
	struct json_gen *g = json_gen_new();
	_cleanup_free_ char *s = NULL;
	size_t len;

	json_gen_array_open(g);
	for (size_t i = 0; i < p->nexec; i++)
		json_gen_cstr(g, p->exec[i]);
	json_gen_array_close(g);
	s = gen_done(g, &len, err);
	if (!s)
		return -1;
	jsplice_object_set(app, e, "exec", s, len);
	return 0;
}

/* The spec's example spells it "supplementaryGids", appc's code either way. */
static int patch_gids(struct json_edit *e, struct jsplice_object *app,
		      const struct manifest_patch *p, struct act_err *err)
{
	struct json_gen *g = json_gen_new();
	_cleanup_free_ char *s = NULL;
	bool set = false;
	size_t len;

	json_gen_array_open(g);
	for (size_t i = 0; i < p->ngids; i++)
		json_gen_int(g, p->gids[i]);
	json_gen_array_close(g);
	s = gen_done(g, &len, err);
	if (!s)
		return -1;
	for (size_t i = 0; i < app->obj->n; i++) {
		if (streq(app->obj->keys[i], "supplementaryGIDs") ||
		    streq(app->obj->keys[i], "supplementaryGids")) {
			jsplice_object_set(app, e, app->obj->keys[i], s, len);
			set = true;
		}
	}
	if (!set)
		jsplice_object_set(app, e, "supplementaryGIDs", s, len);
	return 0;
}

static int patch_app(struct json_edit *e, struct jsplice_object *app,
		     const struct manifest_patch *p, struct act_err *err)
{
	if (p->nexec && patch_exec(e, app, p, err) < 0)
		return -1;
	if (p->user && set_string(e, app, "user", p->user, err) < 0)
		return -1;
	if (p->group && set_string(e, app, "group", p->group, err) < 0)
		return -1;
	if (p->ngids && patch_gids(e, app, p, err) < 0)
		return -1;
	if (p->nmounts && patch_mounts(e, app, p, err) < 0)
		return -1;
	if (p->nports && patch_ports(e, app, p, err) < 0)
		return -1;
	if ((p->caps_kind != MANIFEST_CAPS_NONE || p->seccomp_kind != MANIFEST_SECCOMP_NONE ||
	     p->nisolators) &&
	    patch_isolators(e, app, p, err) < 0)
		return -1;
	return 0;
}

/* Parse text (already checked) and apply one json_edit built by fn. */
static struct json_value *parse(const char *text, size_t len, struct act_err *err)
{
	if (manifest_check(text, len, err) < 0)
		return NULL;
	return json_parse(text, len, err);
}

/*
 * "app": {} in place of a null or missing app, where appc puts it; the
 * second pass fills it in.
 */
static int create_app(const char *text, size_t len, const struct json_value *root,
		      char **out, size_t *outlen, struct act_err *err)
{
	struct json_edit e = JSON_EDIT_INIT;
	struct jsplice_object top;
	int r;

	jsplice_object_init(&top, text, root, manifest_top_order);
	jsplice_object_set(&top, &e, "app", "{}", 2);
	jsplice_object_finish(&top, &e);
	r = json_edit_apply(&e, text, len, out, outlen, err);
	json_edit_done(&e);
	return r;
}

int manifest_patch_apply(const char *text, size_t len, const struct manifest_patch *p,
			 char **out, size_t *outlen, struct act_err *err)
{
	struct json_edit e = JSON_EDIT_INIT;
	struct jsplice_object top, app;
	const struct json_value *appv;
	struct json_value *root;
	const char *need = app_field(p);
	_cleanup_free_ char *created = NULL;
	char *res = NULL;
	size_t reslen = 0;
	int r = -1;

	root = parse(text, len, err);
	if (!root)
		return -1;
	appv = json_get(root, "app");
	if (need && (!appv || appv->type != JSON_OBJECT)) {
		if (!p->nexec) {
			act_err_set(err, EINVAL, "manifest has no app: %s %s to an app", need,
				    streq(need, "user") || streq(need, "group") ? "belongs" : "apply");
			goto out;
		}
		if (!p->user || !p->group) {
			act_err_set(err, EINVAL, "manifest has no app: a new one needs user and "
				    "group as well as exec");
			goto out;
		}
		if (create_app(text, len, root, &created, &len, err) < 0)
			goto out;
		text = created;
		json_free(root);
		root = parse(text, len, err);
		if (!root) {
			act_err_wrap(err, "internal error: manifest with a new app is broken");
			goto out;
		}
		appv = json_get(root, "app");
	}
	jsplice_object_init(&top, text, root, manifest_top_order);
	if (p->name && set_string(&e, &top, "name", p->name, err) < 0)
		goto out;
	jsplice_object_finish(&top, &e);
	if (need) {
		jsplice_object_init(&app, text, appv, manifest_app_order);
		r = patch_app(&e, &app, p, err);
		jsplice_object_finish(&app, &e);
		if (r < 0)
			goto out;
		r = -1;
	}
	if (json_edit_apply(&e, text, len, &res, &reslen, err) < 0)
		goto out;
	/* A wrong splice must fail here rather than end up in an image. */
	if (manifest_check(res, reslen, err) < 0) {
		act_err_wrap(err, "internal error: patched manifest is broken");
		free(res);
		goto out;
	}
	*out = res;
	*outlen = reslen;
	r = 0;
out:
	json_edit_done(&e);
	json_free(root);
	return r;
}

/*
 * "app.isolators[2].value.errno" names the third new isolator of the
 * skeleton below: say which one it is instead.
 */
static void name_element(char *out, size_t size, const char *field,
			 const struct manifest_patch *p, const struct texts *isos)
{
	static const struct {
		const char *prefix, *what;
	} arrays[] = {
		{ "app.mountPoints[", "mount point" },
		{ "app.ports[", "port" },
		{ "app.isolators[", "isolator" },
	};

	snprintf(out, size, "%s", field);
	for (size_t a = 0; a < ARRAY_SIZE(arrays); a++) {
		size_t plen = strlen(arrays[a].prefix), i;
		const char *name = NULL;
		char *end;

		if (strncmp(field, arrays[a].prefix, plen) != 0)
			continue;
		i = strtoul(field + plen, &end, 10);
		if (*end != ']')
			return;
		if (a == 0 && i < p->nmounts)
			name = p->mounts[i].name;
		else if (a == 1 && i < p->nports)
			name = p->ports[i].name;
		else if (a == 2 && i < isos->n) {
			struct json_value *v = json_parse(isos->v[i].text, isos->v[i].len, NULL);
			const struct json_value *n = json_get(v, "name");

			if (n && n->type == JSON_STRING)
				snprintf(out, size, "isolator '%s'%s%s", n->str, end[1] ? ": " : "",
					 end + 1 + (end[1] == '.'));
			json_free(v);
			return;
		}
		if (name)
			snprintf(out, size, "%s '%s'%s%s", arrays[a].what, name,
				 end[1] ? ": " : "", end + 1 + (end[1] == '.'));
		return;
	}
}

int manifest_patch_check(const struct manifest_patch *p, struct act_err *err)
{
	/* The patch applied to the least manifest the spec takes: whatever
	 * the spec finds wrong in the result comes from the patch. */
	static const char skeleton[] = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\","
				       "\"name\":\"example.com/patch\",\"app\":{\"exec\":[\"/x\"],"
				       "\"user\":\"0\",\"group\":\"0\"}}";
	struct spec_report rep = SPEC_REPORT_INIT;
	struct texts isos = { 0 };
	char *out = NULL, field[256];
	size_t len;
	int r = -1;

	if (manifest_patch_apply(skeleton, sizeof(skeleton) - 1, p, &out, &len, err) < 0 ||
	    new_isolators(p, &isos, err) < 0)
		goto out;
	if (spec_check_manifest(out, len, &rep) == 0) {
		r = 0;
		goto out;
	}
	name_element(field, sizeof(field), rep.items[0].field, p, &isos);
	spec_report_err(&rep, NULL, field, err);
out:
	spec_report_free(&rep);
	texts_free(&isos);
	free(out);
	return r;
}
