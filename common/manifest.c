// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/capname.h"
#include "common/json.h"
#include "common/macro.h"
#include "common/manifest.h"

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1);
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_add_span(struct buf *b, const char *text, size_t start, size_t end)
{
	buf_add(b, text + start, end - start);
}

/* Start of the run of whitespace that ends at at, looking no further back than lo. */
static size_t ws_before(const char *text, size_t at, size_t lo)
{
	while (at > lo && (text[at - 1] == ' ' || text[at - 1] == '\t' ||
			   text[at - 1] == '\n' || text[at - 1] == '\r'))
		at--;
	return at;
}

static int nonempty_string(const struct json_value *v)
{
	return v && v->type == JSON_STRING && v->len > 0;
}

static struct json_value *manifest_parse(const char *text, size_t len,
					 struct act_err *err)
{
	const struct json_value *app;
	struct json_value *root;
	const char *why;

	/* json_parse refuses it too, but this is the message users should see. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		act_err_set(err, EINVAL, "manifest starts with a byte order mark");
		return NULL;
	}
	root = json_parse(text, len, err);
	if (!root)
		return NULL;
	app = json_get(root, "app");
	if (root->type != JSON_OBJECT)
		why = "not a JSON object";
	else if (!json_is_string(json_get(root, "acKind"), "ImageManifest"))
		why = "acKind must be 'ImageManifest'";
	else if (!nonempty_string(json_get(root, "acVersion")))
		why = "acVersion must be a non-empty string";
	else if (!nonempty_string(json_get(root, "name")))
		why = "name must be a non-empty string";
	else if (app && app->type != JSON_OBJECT && app->type != JSON_NULL)
		why = "app must be an object or null";
	else
		return root;
	act_err_set(err, EINVAL, "%s", why);
	json_free(root);
	return NULL;
}

int manifest_check(const char *text, size_t len, struct act_err *err)
{
	struct json_value *root = manifest_parse(text, len, err);

	if (!root)
		return -1;
	json_free(root);
	return 0;
}

/* {"name":"os/linux/capabilities-...-set","value":{"set":["CAP_...",...]}} */
static char *caps_isolator(const struct manifest_patch *p, size_t *len,
			   struct act_err *err)
{
	struct json_gen *g;
	uint64_t seen = 0;
	char *out;

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
			act_err_set(err, EINVAL, "unknown capability number %d",
				    p->caps[i]);
			return NULL;
		}
	}

	g = json_gen_new();
	json_gen_object_open(g);
	json_gen_cstr(g, "name");
	if (p->caps_kind == MANIFEST_CAPS_RETAIN)
		json_gen_cstr(g, MANIFEST_CAPS_RETAIN_NAME);
	else
		json_gen_cstr(g, MANIFEST_CAPS_REMOVE_NAME);
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
	out = json_gen_finish(g, len, err);
	json_gen_free(g);
	return out;
}

static int is_caps_isolator(const struct json_value *v)
{
	const struct json_value *name = json_get(v, "name");

	return json_is_string(name, MANIFEST_CAPS_RETAIN_NAME) ||
	       json_is_string(name, MANIFEST_CAPS_REMOVE_NAME);
}

/*
 * app has no isolators: add the member after the last one, spelled like it
 * (the same indentation before the key, the same ':' spacing).
 */
static void add_isolators(struct json_edit *e, const char *text,
			  const struct json_value *app, const char *iso, size_t isolen)
{
	struct buf b = { 0 };
	size_t at = app->start + 1;

	if (app->n > 0) {
		size_t last = app->n - 1;
		size_t lo = last ? app->items[last - 1]->end : app->start + 1;
		size_t ks = app->key_starts[last];

		at = app->items[last]->end;
		buf_add(&b, ",", 1);
		buf_add_span(&b, text, ws_before(text, ks, lo), ks);
		buf_add(&b, "\"isolators\"", 11);
		buf_add_span(&b, text, app->key_ends[last], app->items[last]->start);
	} else {
		buf_add(&b, "\"isolators\":", 12);
	}
	buf_add(&b, "[", 1);
	buf_add(&b, iso, isolen);
	buf_add(&b, "]", 1);
	json_edit_insert(e, at, b.p, b.len);
	free(b.p);
}

/*
 * Rewrite the inside of the isolators array: the elements we keep, with the
 * separators that preceded them, then the new isolator, indented like the
 * last element was. Bytes before the first removed element stay as they were.
 */
static void rewrite_isolators(struct json_edit *e, const char *text,
			      const struct json_value *arr, const char *iso,
			      size_t isolen)
{
	const struct json_value *last;
	struct buf b = { 0 };
	size_t lo, kept = 0;

	if (arr->n == 0) {
		json_edit_replace(e, arr->start + 1, arr->end - 1, iso, isolen);
		return;
	}
	last = arr->items[arr->n - 1];
	lo = arr->n > 1 ? arr->items[arr->n - 2]->end : arr->start + 1;
	buf_add_span(&b, text, arr->start + 1, arr->items[0]->start);
	for (size_t i = 0; i < arr->n; i++) {
		const struct json_value *v = arr->items[i];

		if (is_caps_isolator(v))
			continue;
		if (kept++)
			buf_add_span(&b, text, arr->items[i - 1]->end, v->start);
		buf_add_span(&b, text, v->start, v->end);
	}
	if (kept) {
		buf_add(&b, ",", 1);
		buf_add_span(&b, text, ws_before(text, last->start, lo), last->start);
	}
	buf_add(&b, iso, isolen);
	buf_add_span(&b, text, last->end, arr->end - 1);
	json_edit_replace(e, arr->start + 1, arr->end - 1, b.p, b.len);
	free(b.p);
}

static int patch_caps(struct json_edit *e, const char *text,
		      const struct json_value *root, const struct manifest_patch *p,
		      struct act_err *err)
{
	const struct json_value *app = json_get(root, "app"), *isos;
	_cleanup_free_ char *iso = NULL;
	size_t isolen;

	if (p->caps_kind != MANIFEST_CAPS_RETAIN && p->caps_kind != MANIFEST_CAPS_REMOVE)
		return act_err_set(err, EINVAL, "unknown capability patch kind %d",
				   (int)p->caps_kind);
	iso = caps_isolator(p, &isolen, err);
	if (!iso)
		return -1;
	if (!app || app->type != JSON_OBJECT)
		return act_err_set(err, EINVAL,
				   "manifest has no app: capability isolators apply to an app");
	isos = json_get(app, "isolators");
	if (!isos) {
		add_isolators(e, text, app, iso, isolen);
	} else if (isos->type == JSON_NULL) {
		struct buf b = { 0 };

		buf_add(&b, "[", 1);
		buf_add(&b, iso, isolen);
		buf_add(&b, "]", 1);
		json_edit_replace(e, isos->start, isos->end, b.p, b.len);
		free(b.p);
	} else if (isos->type == JSON_ARRAY) {
		rewrite_isolators(e, text, isos, iso, isolen);
	} else {
		return act_err_set(err, EINVAL, "app.isolators must be an array or null");
	}
	return 0;
}

int manifest_patch_apply(const char *text, size_t len, const struct manifest_patch *p,
			 char **out, size_t *outlen, struct act_err *err)
{
	struct json_edit e = JSON_EDIT_INIT;
	struct json_value *root;
	char *res = NULL;
	size_t reslen = 0;
	int r = -1;

	root = manifest_parse(text, len, err);
	if (!root)
		return -1;
	if (p->caps_kind != MANIFEST_CAPS_NONE && patch_caps(&e, text, root, p, err) < 0)
		goto out;
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

/* The capabilities an isolator's {"set": [...]} names, as a mask. */
static int caps_set_mask(const struct json_value *iso, uint64_t *mask,
			 struct act_err *err)
{
	const char *name = json_get(iso, "name")->str;
	const struct json_value *set = json_get(json_get(iso, "value"), "set");
	uint64_t m = 0;

	if (!set || set->type != JSON_ARRAY || set->n == 0)
		return act_err_set(err, EINVAL, "%s: value must hold a non-empty set",
				   name);
	for (size_t i = 0; i < set->n; i++) {
		const struct json_value *v = set->items[i];
		int cap;

		/* A NUL would cut "CAP_KILL\u0000x" down to a valid name. */
		if (v->type != JSON_STRING || strlen(v->str) != v->len)
			return act_err_set(err, EINVAL,
					   "%s: set entries must be capability names",
					   name);
		cap = capname_parse(v->str, err);
		if (cap < 0)
			return act_err_wrap(err, "%s", name);
		m |= UINT64_C(1) << cap;
	}
	*mask = m;
	return 0;
}

int manifest_bounding_set(const char *text, size_t len, uint64_t *bset,
			  struct act_err *err)
{
	const struct json_value *app, *isos, *retain = NULL, *remove = NULL;
	struct json_value *root = manifest_parse(text, len, err);
	uint64_t set = capname_default_set(), m = 0;
	int r = -1;

	if (!root)
		return -1;
	app = json_get(root, "app");
	isos = json_get(app, "isolators");
	if (!app || app->type != JSON_OBJECT) {
		act_err_set(err, EINVAL, "manifest has no app");
		goto out;
	}
	if (isos && isos->type != JSON_ARRAY && isos->type != JSON_NULL) {
		act_err_set(err, EINVAL, "app.isolators must be an array or null");
		goto out;
	}
	for (size_t i = 0; isos && i < isos->n; i++) {
		const struct json_value *name = json_get(isos->items[i], "name");

		if (json_is_string(name, MANIFEST_CAPS_RETAIN_NAME))
			retain = isos->items[i];
		else if (json_is_string(name, MANIFEST_CAPS_REMOVE_NAME))
			remove = isos->items[i];
	}
	if (retain && remove) {
		act_err_set(err, EINVAL,
			    "app has both a capabilities retain set and a remove set");
		goto out;
	}
	if (retain || remove) {
		if (caps_set_mask(retain ? retain : remove, &m, err) < 0)
			goto out;
		set = retain ? m : set & ~m;
	}
	*bset = set;
	r = 0;
out:
	json_free(root);
	return r;
}
