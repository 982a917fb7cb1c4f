// SPDX-License-Identifier: Apache-2.0
/* medit_add: the text of each edit option, parsed into one struct medit. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/fileio.h"
#include "common/base/macro.h"
#include "common/base/strbuf.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/manifest/manifestedit-internal.h"
#include "common/manifest/patcharg-internal.h"

enum arg_kind {
	ARG_NONE,	/* --clear-env */
	ARG_KV,		/* NAME=VALUE, split at the first '=' */
	ARG_NAME,	/* NAME */
	ARG_STRING,	/* a JSON string value: --working-directory */
	ARG_EXEC_ARG,	/* one argument of exec; they add up */
	ARG_ARGV_JSON,	/* a JSON array of strings: exec, an event handler */
	ARG_MOUNT,
	ARG_PORT,
	ARG_ISOLATOR,	/* NAME=JSON */
	ARG_ISOLATOR_FILE, /* NAME=PATH of a JSON file */
	ARG_DEPENDENCY,	/* NAME[:VERSION][,LABEL=VALUE...][,imageID=H][,size=N] */
	ARG_DEP_SELECT,	/* NAME[:VERSION][,LABEL=VALUE...] */
};

static const struct opt {
	const char *name;
	enum medit_field field;
	enum medit_action action;
	enum arg_kind arg;
	const char *key; /* the entry, when the option names it: event handlers */
} opts[] = {
	{ "label", MEDIT_LABEL, MEDIT_SET, ARG_KV, NULL },
	{ "remove-label", MEDIT_LABEL, MEDIT_REMOVE, ARG_NAME, NULL },
	{ "annotation", MEDIT_ANNOTATION, MEDIT_SET, ARG_KV, NULL },
	{ "remove-annotation", MEDIT_ANNOTATION, MEDIT_REMOVE, ARG_NAME, NULL },
	{ "env", MEDIT_ENV, MEDIT_SET, ARG_KV, NULL },
	{ "remove-env", MEDIT_ENV, MEDIT_REMOVE, ARG_NAME, NULL },
	{ "clear-env", MEDIT_ENV, MEDIT_CLEAR, ARG_NONE, NULL },
	{ "exec-arg", MEDIT_EXEC, MEDIT_SET, ARG_EXEC_ARG, "exec" },
	{ "exec-json", MEDIT_EXEC, MEDIT_SET, ARG_ARGV_JSON, "exec" },
	{ "remove-exec", MEDIT_EXEC, MEDIT_REMOVE, ARG_NONE, "exec" },
	{ "working-directory", MEDIT_WORKDIR, MEDIT_SET, ARG_STRING, "workingDirectory" },
	{ "remove-working-directory", MEDIT_WORKDIR, MEDIT_REMOVE, ARG_NONE,
	  "workingDirectory" },
	{ "pre-start-json", MEDIT_HANDLER, MEDIT_SET, ARG_ARGV_JSON, "pre-start" },
	{ "post-stop-json", MEDIT_HANDLER, MEDIT_SET, ARG_ARGV_JSON, "post-stop" },
	{ "remove-event-handler", MEDIT_HANDLER, MEDIT_REMOVE, ARG_NAME, NULL },
	{ "clear-supplementary-groups", MEDIT_GIDS, MEDIT_CLEAR, ARG_NONE, "gids" },
	{ "mount", MEDIT_MOUNT, MEDIT_SET, ARG_MOUNT, NULL },
	{ "remove-mount", MEDIT_MOUNT, MEDIT_REMOVE, ARG_NAME, NULL },
	{ "port", MEDIT_PORT, MEDIT_SET, ARG_PORT, NULL },
	{ "remove-port", MEDIT_PORT, MEDIT_REMOVE, ARG_NAME, NULL },
	{ "isolator", MEDIT_ISOLATOR, MEDIT_SET, ARG_ISOLATOR, NULL },
	{ "isolator-file", MEDIT_ISOLATOR, MEDIT_SET, ARG_ISOLATOR_FILE, NULL },
	{ "remove-isolator", MEDIT_ISOLATOR, MEDIT_REMOVE, ARG_NAME, NULL },
	{ "user-label", MEDIT_USER_LABEL, MEDIT_SET, ARG_KV, NULL },
	{ "remove-user-label", MEDIT_USER_LABEL, MEDIT_REMOVE, ARG_NAME, NULL },
	{ "user-annotation", MEDIT_USER_ANNOTATION, MEDIT_SET, ARG_KV, NULL },
	{ "remove-user-annotation", MEDIT_USER_ANNOTATION, MEDIT_REMOVE, ARG_NAME, NULL },
	{ "dependency", MEDIT_DEPENDENCY, MEDIT_SET, ARG_DEPENDENCY, NULL },
	{ "remove-dependency", MEDIT_DEPENDENCY, MEDIT_REMOVE, ARG_DEP_SELECT, NULL },
	{ "clear-dependencies", MEDIT_DEPENDENCY, MEDIT_CLEAR, ARG_NONE, NULL },
	{ "path-whitelist", MEDIT_WHITELIST, MEDIT_SET, ARG_STRING, NULL },
	{ "remove-path-whitelist", MEDIT_WHITELIST, MEDIT_REMOVE, ARG_STRING, NULL },
	{ "clear-path-whitelist", MEDIT_WHITELIST, MEDIT_CLEAR, ARG_NONE, NULL },
};

static const struct opt *find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (streq(opts[i].name, name))
			return &opts[i];
	return NULL;
}

bool medit_known(const char *opt, bool *has_arg)
{
	const struct opt *o = find(opt);

	if (o && has_arg)
		*has_arg = o->arg != ARG_NONE;
	return o != NULL;
}

static void add_key(struct medit *m, const char *key, size_t len)
{
	m->keys = xrealloc(m->keys, (m->nkeys + 1) * sizeof(*m->keys));
	m->keys[m->nkeys++] = xstrndup(key, len);
}

static char *json_str(const char *s, struct act_err *err)
{
	size_t len;

	return json_gen_string(s, strlen(s), &len, err);
}

/* {"name":N,"value":V} for labels, annotations and the environment; for the
 * user maps, V alone. */
static int kv(struct medit *m, const char *arg, struct act_err *err)
{
	const char *eq = strchr(arg, '=');
	struct json_gen *g;
	size_t len;

	if (!eq || eq == arg)
		return act_err_set(err, EINVAL, "'%s' is not NAME=VALUE", SHOW(arg));
	add_key(m, arg, (size_t)(eq - arg));
	if (pa_check_utf8(arg, err) < 0)
		return -1;
	if (m->field == MEDIT_USER_LABEL || m->field == MEDIT_USER_ANNOTATION) {
		m->value = json_str(eq + 1, err);
		return m->value ? 0 : -1;
	}
	g = json_gen_new();
	json_gen_object_open(g);
	json_gen_cstr(g, "name");
	json_gen_cstr(g, m->keys[0]);
	json_gen_cstr(g, "value");
	json_gen_cstr(g, eq + 1);
	json_gen_object_close(g);
	m->value = json_gen_finish(g, &len, err);
	json_gen_free(g);
	return m->value ? 0 : -1;
}

/* A non-empty JSON array of strings, as exec and event handlers hold. */
static int argv_json(const char *text, struct act_err *err)
{
	struct json_value *v = json_parse(text, strlen(text), err);
	int r = 0;

	if (!v)
		return -1;
	if (v->type != JSON_ARRAY || v->n == 0)
		r = act_err_set(err, EINVAL, "'%s' is not a JSON array of strings, the "
				"program first", SHOW(text));
	for (size_t i = 0; r == 0 && i < v->n; i++)
		if (v->items[i]->type != JSON_STRING)
			r = act_err_set(err, EINVAL, "'%s': element %zu is not a string",
					SHOW(text), i);
	json_free(v);
	return r;
}

/* The exec the --exec-arg options so far make up. */
static int exec_args(struct medit *m, const char *arg, struct act_err *err)
{
	struct json_value *old = NULL;
	struct json_gen *g;
	size_t len;

	if (pa_check_utf8(arg, err) < 0)
		return -1;
	if (m->value && !(old = json_parse(m->value, strlen(m->value), err)))
		return -1;
	g = json_gen_new();
	json_gen_array_open(g);
	for (size_t i = 0; old && i < old->n; i++)
		json_gen_value(g, old->items[i]);
	json_gen_cstr(g, arg);
	json_gen_array_close(g);
	json_free(old);
	free(m->value);
	m->value = json_gen_finish(g, &len, err);
	json_gen_free(g);
	return m->value ? 0 : -1;
}

static int handler(struct medit *m, const char *key, const char *arg, struct act_err *err)
{
	struct strbuf b = { 0 };
	_cleanup_free_ char *name = json_str(key, err);

	if (!name || argv_json(arg, err) < 0)
		return -1;
	strbuf_adds(&b, "{\"name\":");
	strbuf_adds(&b, name);
	strbuf_adds(&b, ",\"exec\":");
	strbuf_adds(&b, arg);
	strbuf_adds(&b, "}");
	m->value = b.p;
	return 0;
}

static int isolator(struct medit *m, const char *arg, bool file, struct act_err *err)
{
	const char *eq = strchr(arg, '=');
	_cleanup_free_ char *name = NULL, *text = NULL;
	struct json_value *v;
	struct strbuf b = { 0 };
	size_t len;

	if (!eq || eq == arg)
		return act_err_set(err, EINVAL, "'%s' is not NAME=%s", SHOW(arg),
				   file ? "FILE" : "JSON");
	add_key(m, arg, (size_t)(eq - arg));
	if (file) {
		if (fileio_read_all(eq + 1, 1u << 20, "isolator", &text, &len, err) < 0)
			return -1;
	} else {
		text = xstrdup(eq + 1);
		len = strlen(text);
	}
	v = json_parse(text, len, err);
	if (!v)
		return act_err_wrap(err, "%s", file ? eq + 1 : "the value");
	json_free(v);
	if (!(name = json_str(m->keys[0], err)))
		return -1;
	strbuf_adds(&b, "{\"name\":");
	strbuf_adds(&b, name);
	strbuf_adds(&b, ",\"value\":");
	strbuf_add(&b, text, len);
	strbuf_adds(&b, "}");
	m->value = b.p;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* NAME[:VERSION][,k=v...]; for a SET also imageID= and size=. */
static int dependency(struct medit *m, const char *arg, bool set, struct act_err *err)
{
	struct strv f = pa_split(arg, ',');
	const char *colon = strchr(f.v[0], ':');
	const char *id = NULL, *size = NULL;
	struct strv lk = { 0 }, lv = { 0 };
	struct json_gen *g = NULL;
	unsigned long long n = 0;
	size_t len;
	int r = -1;

	add_key(m, f.v[0], colon ? (size_t)(colon - f.v[0]) : strlen(f.v[0]));
	if (!*m->keys[0]) {
		act_err_set(err, EINVAL, "'%s' has no image name", SHOW(arg));
		goto out;
	}
	if (colon) {
		strv_add(&lk, xstrdup("version"));
		strv_add(&lv, xstrdup(colon + 1));
	}
	for (size_t i = 1; i < f.n; i++) {
		char *eq = strchr(f.v[i], '=');

		if (!eq || eq == f.v[i]) {
			act_err_set(err, EINVAL, "'%s' is not LABEL=VALUE", SHOW(f.v[i]));
			goto out;
		}
		*eq = '\0';
		if (set && streq(f.v[i], "imageID") && !id) {
			id = eq + 1;
			continue;
		}
		if (set && streq(f.v[i], "size") && !size) {
			size = eq + 1;
			if (pa_parse_uint(size, UINT64_MAX, &n) < 0) {
				act_err_set(err, EINVAL, "size '%s' is not a number of bytes",
					    SHOW(size));
				goto out;
			}
			continue;
		}
		if (strv_has(&lk, lk.n, f.v[i]) || streq(f.v[i], "imageID") ||
		    streq(f.v[i], "size")) {
			act_err_set(err, EINVAL, "'%s' given twice", SHOW(f.v[i]));
			goto out;
		}
		strv_add(&lk, xstrdup(f.v[i]));
		strv_add(&lv, xstrdup(eq + 1));
	}
	for (size_t i = 0; i < lk.n; i++) {
		if (pa_check_utf8(lv.v[i], err) < 0)
			goto out;
		m->labels = xrealloc(m->labels, (m->nlabels + 1) * sizeof(*m->labels));
		m->labels[m->nlabels++] = xasprintf("%s=%s", lk.v[i], lv.v[i]);
	}
	if (m->nlabels > 1)
		qsort(m->labels, m->nlabels, sizeof(*m->labels), cmp_str);
	if (!set) {
		r = 0;
		goto out;
	}
	/* appc's member order: imageName, imageID, labels, size. */
	g = json_gen_new();
	json_gen_object_open(g);
	json_gen_cstr(g, "imageName");
	json_gen_cstr(g, m->keys[0]);
	if (id) {
		json_gen_cstr(g, "imageID");
		json_gen_cstr(g, id);
	}
	if (lk.n) {
		json_gen_cstr(g, "labels");
		json_gen_array_open(g);
		for (size_t i = 0; i < lk.n; i++) {
			json_gen_object_open(g);
			json_gen_cstr(g, "name");
			json_gen_cstr(g, lk.v[i]);
			json_gen_cstr(g, "value");
			json_gen_cstr(g, lv.v[i]);
			json_gen_object_close(g);
		}
		json_gen_array_close(g);
	}
	if (size) {
		json_gen_cstr(g, "size");
		json_gen_int(g, (long long)n);
	}
	json_gen_object_close(g);
	m->value = json_gen_finish(g, &len, err);
	r = m->value ? 0 : -1;
out:
	json_gen_free(g);
	strv_free(&f);
	strv_free(&lk);
	strv_free(&lv);
	return r;
}

static int mount_or_port(struct medit *m, const char *arg, struct act_err *err)
{
	m->patch = xcalloc(1, sizeof(*m->patch));
	if (m->field == MEDIT_MOUNT) {
		if (patcharg_mount(m->patch, arg, err) < 0)
			return -1;
		add_key(m, m->patch->mounts[0].name, strlen(m->patch->mounts[0].name));
	} else {
		if (patcharg_port(m->patch, arg, err) < 0)
			return -1;
		add_key(m, m->patch->ports[0].name, strlen(m->patch->ports[0].name));
	}
	return 0;
}

static int parse(struct medit *m, const struct opt *o, const char *arg, struct act_err *err)
{
	if (o->key)
		add_key(m, o->key, strlen(o->key));
	switch (o->arg) {
	case ARG_NONE:
		return 0;
	case ARG_KV:
		return kv(m, arg, err);
	case ARG_NAME:
		if (!*arg)
			return act_err_set(err, EINVAL, "empty name");
		add_key(m, arg, strlen(arg));
		return pa_check_utf8(arg, err);
	case ARG_STRING:
		if (m->field == MEDIT_WHITELIST)
			add_key(m, arg, strlen(arg));
		m->value = json_str(arg, err);
		return m->value ? 0 : -1;
	case ARG_EXEC_ARG:
		return exec_args(m, arg, err);
	case ARG_ARGV_JSON:
		if (m->field == MEDIT_HANDLER)
			return handler(m, o->key, arg, err);
		if (argv_json(arg, err) < 0)
			return -1;
		m->value = xstrdup(arg);
		return 0;
	case ARG_MOUNT:
	case ARG_PORT:
		return mount_or_port(m, arg, err);
	case ARG_ISOLATOR:
	case ARG_ISOLATOR_FILE:
		return isolator(m, arg, o->arg == ARG_ISOLATOR_FILE, err);
	case ARG_DEPENDENCY:
	case ARG_DEP_SELECT:
		return dependency(m, arg, o->arg == ARG_DEPENDENCY, err);
	}
	return act_err_set(err, EINVAL, "unknown argument kind");
}

static void medit_free(struct medit *m)
{
	free(m->flag);
	free(m->opt);
	for (size_t i = 0; i < m->nkeys; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->value);
	for (size_t i = 0; i < m->nlabels; i++)
		free(m->labels[i]);
	free(m->labels);
	if (m->patch) {
		manifest_patch_free(m->patch);
		free(m->patch);
	}
	*m = (struct medit){ 0 };
}

void medit_list_free(struct medit_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		medit_free(&l->v[i]);
	free(l->v);
	*l = (struct medit_list){ 0 };
}

static char *flag_text(const char *opt, const char *arg)
{
	return xasprintf("--%s%s%s", opt, arg ? "=" : "", arg ? arg : "");
}

static struct medit *push(struct medit_list *l)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n] = (struct medit){ 0 };
	return &l->v[l->n++];
}

int medit_add(struct medit_list *l, const char *opt, const char *arg, struct act_err *err)
{
	const struct opt *o = find(opt);
	struct medit m = { 0 };

	if (!o)
		return act_err_set(err, ENOENT, "--%s is not an edit option", opt);
	/* The --exec-arg options make one exec, where the first one stands. */
	if (o->arg == ARG_EXEC_ARG) {
		for (size_t i = 0; i < l->n; i++)
			if (streq(l->v[i].opt, opt))
				return exec_args(&l->v[i], arg, err);
	}
	m.field = o->field;
	m.action = o->action;
	m.opt = xstrdup(opt);
	m.flag = flag_text(opt, o->arg == ARG_EXEC_ARG ? NULL : arg);
	if (parse(&m, o, arg, err) < 0) {
		medit_free(&m);
		return -1;
	}
	*push(l) = m;
	return 0;
}

void medit_add_patch(struct medit_list *l, const char *opt, const char *arg,
		     struct manifest_patch *p)
{
	struct medit *m;

	for (size_t i = 0; i < l->n; i++) {
		if (streq(l->v[i].opt, opt)) {
			medit_free(&l->v[i]);
			memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
			l->n--;
			break;
		}
	}
	m = push(l);
	m->action = MEDIT_SET;
	m->opt = xstrdup(opt);
	m->flag = flag_text(opt, arg);
	m->patch = xmalloc(sizeof(*m->patch));
	*m->patch = *p;
	*p = (struct manifest_patch){ .caps_kind = MANIFEST_CAPS_NONE };
	/* What it is about, for conflicts with the other options. */
	if (m->patch->name)
		m->field = MEDIT_NAME, add_key(m, "name", 4);
	else if (m->patch->nexec)
		m->field = MEDIT_EXEC, add_key(m, "exec", 4);
	else if (m->patch->user)
		m->field = MEDIT_USER, add_key(m, "user", 4);
	else if (m->patch->group)
		m->field = MEDIT_GROUP, add_key(m, "group", 5);
	else if (m->patch->ngids)
		m->field = MEDIT_GIDS, add_key(m, "gids", 4);
	else if (m->patch->nmounts) {
		m->field = MEDIT_MOUNT;
		for (size_t i = 0; i < m->patch->nmounts; i++)
			add_key(m, m->patch->mounts[i].name, strlen(m->patch->mounts[i].name));
	} else if (m->patch->nports) {
		m->field = MEDIT_PORT;
		for (size_t i = 0; i < m->patch->nports; i++)
			add_key(m, m->patch->ports[i].name, strlen(m->patch->ports[i].name));
	} else {
		m->field = MEDIT_ISOLATOR;
		if (m->patch->caps_kind != MANIFEST_CAPS_NONE) {
			add_key(m, MANIFEST_CAPS_RETAIN_NAME, strlen(MANIFEST_CAPS_RETAIN_NAME));
			add_key(m, MANIFEST_CAPS_REMOVE_NAME, strlen(MANIFEST_CAPS_REMOVE_NAME));
		}
		if (m->patch->seccomp_kind != MANIFEST_SECCOMP_NONE) {
			add_key(m, MANIFEST_SECCOMP_RETAIN_NAME,
				strlen(MANIFEST_SECCOMP_RETAIN_NAME));
			add_key(m, MANIFEST_SECCOMP_REMOVE_NAME,
				strlen(MANIFEST_SECCOMP_REMOVE_NAME));
		}
		for (size_t i = 0; i < m->patch->nisolators; i++)
			add_key(m, m->patch->isolators[i].name,
				strlen(m->patch->isolators[i].name));
	}
}
