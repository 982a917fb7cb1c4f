// SPDX-License-Identifier: Apache-2.0
/*
 * The manifest parser and editor: json_parse (every value's byte span must
 * hold that value), json_pretty (whatever parses pretty-prints, to the same
 * values, and pretty-printing is idempotent), manifest_check,
 * manifest_patch_apply with a capability patch (a valid manifest with an app
 * patches, the result is valid, has the asked bounding set, and patching it
 * again changes nothing), with every field patch (it fails only on a field of
 * the wrong type; the fields read back as set; patching again changes
 * nothing) and manifest_bounding_set.
 */
#include <string.h>

#include "common/caps/capname.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/base/macro.h"
#include "common/manifest/manifest.h"
#include "common/manifest/patcharg.h"
#include "fuzz.h"

static int span_is(const char *text, const struct json_value *v, const char *lit)
{
	return v->end - v->start == strlen(lit) && memcmp(text + v->start, lit, strlen(lit)) == 0;
}

/* The quoted string at [start, end) decodes to s/len. */
static void check_string(const char *text, size_t start, size_t end, const char *s, size_t len)
{
	struct act_err err = { 0 };
	struct json_value *v;

	FUZZ_CHECK(end - start >= 2 && text[start] == '"' && text[end - 1] == '"');
	v = json_parse(text + start, end - start, &err);
	FUZZ_CHECK(v && v->type == JSON_STRING && v->len == len && memcmp(v->str, s, len) == 0);
	json_free(v);
}

static void check_spans(const char *text, const struct json_value *v, size_t lo, size_t hi)
{
	size_t at = v->start + 1;

	FUZZ_CHECK(lo <= v->start && v->start < v->end && v->end <= hi);
	switch (v->type) {
	case JSON_NULL:
		FUZZ_CHECK(span_is(text, v, "null"));
		break;
	case JSON_BOOL:
		FUZZ_CHECK(span_is(text, v, v->boolean ? "true" : "false"));
		break;
	case JSON_NUMBER:
		FUZZ_CHECK(v->len == v->end - v->start);
		FUZZ_CHECK(memcmp(text + v->start, v->str, v->len) == 0);
		break;
	case JSON_STRING:
		check_string(text, v->start, v->end, v->str, v->len);
		break;
	case JSON_ARRAY:
		FUZZ_CHECK(text[v->start] == '[' && text[v->end - 1] == ']');
		for (size_t i = 0; i < v->n; i++) {
			check_spans(text, v->items[i], at, v->end - 1);
			at = v->items[i]->end;
		}
		break;
	case JSON_OBJECT:
		FUZZ_CHECK(text[v->start] == '{' && text[v->end - 1] == '}');
		for (size_t i = 0; i < v->n; i++) {
			FUZZ_CHECK(at <= v->key_starts[i] && v->key_ends[i] <= v->items[i]->start);
			FUZZ_CHECK(strlen(v->keys[i]) == v->keylens[i]);
			check_string(text, v->key_starts[i], v->key_ends[i], v->keys[i],
				     v->keylens[i]);
			check_spans(text, v->items[i], v->key_ends[i], v->end - 1);
			at = v->items[i]->end;
		}
		break;
	}
}

/* Same values; numbers as spelled, so a pretty-printed copy compares equal. */
static int same(const struct json_value *a, const struct json_value *b)
{
	if (a->type != b->type || a->n != b->n)
		return 0;
	switch (a->type) {
	case JSON_BOOL:
		return a->boolean == b->boolean;
	case JSON_NUMBER:
	case JSON_STRING:
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	case JSON_OBJECT:
		for (size_t i = 0; i < a->n; i++)
			if (a->keylens[i] != b->keylens[i] || strcmp(a->keys[i], b->keys[i]))
				return 0;
		/* fall through */
	case JSON_ARRAY:
		for (size_t i = 0; i < a->n; i++)
			if (!same(a->items[i], b->items[i]))
				return 0;
		return 1;
	default:
		return 1;
	}
}

static void check_pretty(const char *text, size_t size, const struct json_value *root)
{
	struct act_err err = { 0 };
	size_t plen, plen2;
	char *pretty = json_pretty(text, size, &plen, &err), *again;
	struct json_value *v;

	FUZZ_CHECK(pretty);
	FUZZ_CHECK(plen > 0 && pretty[plen - 1] == '\n' && pretty[plen] == '\0');
	v = json_parse(pretty, plen, &err);
	FUZZ_CHECK(v && same(root, v));
	again = json_pretty(pretty, plen, &plen2, &err);
	FUZZ_CHECK(again && plen2 == plen && memcmp(again, pretty, plen) == 0);
	json_free(v);
	free(again);
	free(pretty);
}

static void check_patch(const char *text, size_t size, const struct json_value *root,
			enum manifest_caps_kind kind)
{
	static const int caps[] = { 13 /* NET_RAW */, 21 /* SYS_ADMIN */, 13 };
	struct manifest_patch p = { .caps_kind = kind, .ncaps = 3 };
	const struct json_value *app = json_get(root, "app");
	const struct json_value *isos = json_get(app, "isolators");
	struct act_err err = { 0 };
	uint64_t want = kind == MANIFEST_CAPS_RETAIN
				? (UINT64_C(1) << 13 | UINT64_C(1) << 21)
				: capname_default_set() & ~(UINT64_C(1) << 13 | UINT64_C(1) << 21);
	uint64_t bset = 0;
	char *out = NULL, *out2 = NULL;
	size_t outlen, outlen2;
	int r;

	memcpy(p.caps, caps, sizeof(caps));
	r = manifest_patch_apply(text, size, &p, &out, &outlen, &err);
	if (r < 0) {
		/* Only a manifest without an app, or with isolators that are
		 * not an array, is refused. */
		FUZZ_CHECK(!strstr(err.msg, "internal error"));
		FUZZ_CHECK(!app || app->type != JSON_OBJECT ||
			   (isos && isos->type != JSON_ARRAY && isos->type != JSON_NULL));
		return;
	}
	FUZZ_CHECK(app && app->type == JSON_OBJECT);
	FUZZ_CHECK(out[outlen] == '\0');
	FUZZ_CHECK(manifest_check(out, outlen, &err) == 0);
	FUZZ_CHECK(manifest_bounding_set(out, outlen, &bset, &err) == 0 && bset == want);
	FUZZ_CHECK(manifest_patch_apply(out, outlen, &p, &out2, &outlen2, &err) == 0);
	FUZZ_CHECK(outlen2 == outlen && memcmp(out, out2, outlen) == 0);
	free(out);
	free(out2);
}

/* Every field option at once, as patch-manifest would parse them. */
static struct manifest_patch fields_patch(void)
{
	struct manifest_patch p = { .caps_kind = MANIFEST_CAPS_REMOVE, .caps = { 27 }, .ncaps = 1 };
	struct act_err err = { 0 };

	FUZZ_CHECK(patcharg_name(&p, "example.com/fuzz", &err) == 0);
	FUZZ_CHECK(patcharg_exec(&p, "/bin/x 'a b'", &err) == 0);
	FUZZ_CHECK(patcharg_user(&p, "u", &err) == 0);
	FUZZ_CHECK(patcharg_group(&p, "g", &err) == 0);
	FUZZ_CHECK(patcharg_supplementary_groups(&p, "1,2", &err) == 0);
	FUZZ_CHECK(patcharg_mounts(&p, "m,path=/m", &err) == 0);
	FUZZ_CHECK(patcharg_ports(&p, "p,protocol=tcp,port=1", &err) == 0);
	FUZZ_CHECK(patcharg_isolators(&p, "resource/memory,limit=1G", &err) == 0);
	FUZZ_CHECK(patcharg_seccomp_mode(&p, "retain", &err) == 0);
	FUZZ_CHECK(patcharg_seccomp_set(&p, "read", &err) == 0);
	FUZZ_CHECK(patcharg_finish(&p, &err) == 0);
	FUZZ_CHECK(manifest_patch_check(&p, &err) == 0);
	return p;
}

/* The one element of arr named name. */
static const struct json_value *named(const struct json_value *arr, const char *name)
{
	const struct json_value *found = NULL;

	FUZZ_CHECK(arr && arr->type == JSON_ARRAY);
	for (size_t i = 0; i < arr->n; i++) {
		if (json_is_string(json_get(arr->items[i], "name"), name)) {
			FUZZ_CHECK(!found);
			found = arr->items[i];
		}
	}
	FUZZ_CHECK(found);
	return found;
}

static void check_fields(const char *text, size_t size, const struct json_value *root)
{
	static const char *const last[] = { MANIFEST_CAPS_REMOVE_NAME, MANIFEST_SECCOMP_RETAIN_NAME,
					    "resource/memory" };
	struct manifest_patch p = fields_patch();
	const struct json_value *app = json_get(root, "app"), *a, *x, *gids = NULL;
	struct act_err err = { 0 };
	struct json_value *v;
	char *out = NULL, *out2 = NULL;
	size_t outlen, outlen2;

	if (manifest_patch_apply(text, size, &p, &out, &outlen, &err) < 0) {
		/* Only a field to edit of the wrong type is refused. */
		FUZZ_CHECK(!strstr(err.msg, "internal error"));
		FUZZ_CHECK(strstr(err.msg, "must be an array or null"));
		FUZZ_CHECK(app && app->type == JSON_OBJECT);
		manifest_patch_free(&p);
		return;
	}
	v = json_parse(out, outlen, &err);
	FUZZ_CHECK(v);
	a = json_get(v, "app");
	FUZZ_CHECK(json_is_string(json_get(v, "name"), "example.com/fuzz"));
	x = json_get(a, "exec");
	FUZZ_CHECK(x && x->type == JSON_ARRAY && x->n == 2 && json_is_string(x->items[1], "a b"));
	FUZZ_CHECK(json_is_string(json_get(a, "user"), "u") && json_is_string(json_get(a, "group"), "g"));
	for (size_t i = 0; i < a->n; i++)
		if (streq(a->keys[i], "supplementaryGIDs") || streq(a->keys[i], "supplementaryGids"))
			FUZZ_CHECK((gids = a->items[i])->n == 2);
	FUZZ_CHECK(gids);
	FUZZ_CHECK(json_is_string(json_get(named(json_get(a, "mountPoints"), "m"), "path"), "/m"));
	FUZZ_CHECK(json_is_string(json_get(named(json_get(a, "ports"), "p"), "protocol"), "tcp"));
	x = json_get(a, "isolators");
	FUZZ_CHECK(x && x->type == JSON_ARRAY && x->n >= 3);
	for (size_t i = 0; i < 3; i++)
		FUZZ_CHECK(named(x, last[i]) == x->items[x->n - 3 + i]);
	for (size_t i = 0; i < x->n; i++)
		FUZZ_CHECK(!json_is_string(json_get(x->items[i], "name"), MANIFEST_CAPS_RETAIN_NAME) &&
			   !json_is_string(json_get(x->items[i], "name"),
					   MANIFEST_SECCOMP_REMOVE_NAME));
	FUZZ_CHECK(manifest_patch_apply(out, outlen, &p, &out2, &outlen2, &err) == 0);
	FUZZ_CHECK(outlen2 == outlen && memcmp(out, out2, outlen) == 0);
	json_free(v);
	free(out);
	free(out2);
	manifest_patch_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct act_err err = { 0 };
	struct json_value *root = json_parse(text, size, &err);
	uint64_t bset;
	size_t plen;
	char *pretty;

	if (!root) {
		FUZZ_CHECK(err.msg[0]);
		pretty = json_pretty(text, size, &plen, &err);
		FUZZ_CHECK(!pretty);
		FUZZ_CHECK(manifest_check(text, size, &err) < 0);
		return 0;
	}
	check_spans(text, root, 0, size);
	check_pretty(text, size, root);
	if (manifest_check(text, size, &err) == 0) {
		check_patch(text, size, root, MANIFEST_CAPS_RETAIN);
		check_patch(text, size, root, MANIFEST_CAPS_REMOVE);
		check_fields(text, size, root);
		(void)manifest_bounding_set(text, size, &bset, &err);
	}
	json_free(root);
	return 0;
}
