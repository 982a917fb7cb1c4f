// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/caps/capname.h"
#include "common/json/json.h"
#include "common/base/macro.h"
#include "common/manifest/manifest.h"

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

bool manifest_has_dependencies(const char *text, size_t len)
{
	struct json_value *m = json_parse(text, len, NULL);
	const struct json_value *d = json_get(m, "dependencies");
	bool r = d && d->type == JSON_ARRAY && d->n > 0;

	json_free(m);
	return r;
}
