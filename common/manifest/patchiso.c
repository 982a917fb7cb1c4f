// SPDX-License-Identifier: Apache-2.0
/* The isolator options: --isolators (actool's list of kinds, their values
 * checked as appc's parser reads them), --seccomp-mode and --seccomp-set. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/json/jsongen.h"
#include "common/manifest/patcharg-internal.h"
#include "common/spec/types.h"

/* A resource quantity (spec_is_quantity), with a message for each fault. */
static int check_quantity(const char *s, struct act_err *err)
{
	const char *p = s;
	size_t digits = 0;

	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return act_err_set(err, EINVAL, "'%s' is not a quantity (a number, then "
				   "an optional suffix: m, k, K, M, G, Ki, Mi, Gi, ...)", SHOW(s));
	if (spec_is_quantity(s, strlen(s), NULL))
		return 0;
	return act_err_set(err, EINVAL, "'%s': unknown suffix '%s' (known: m, k, K, M, G, "
			   "T, P, E, Ki, Mi, Gi, Ti, Pi, Ei)", SHOW(s), SHOW(p));
}

/* The isolators --isolators sets: actool's list. */
enum iso_kind { ISO_REQUEST_LIMIT, ISO_DEFAULT_LIMIT, ISO_BOOL, ISO_OOM };
static const struct {
	const char *name;
	enum iso_kind kind;
} isolator_kinds[] = {
	{ "resource/cpu", ISO_REQUEST_LIMIT },
	{ "resource/memory", ISO_REQUEST_LIMIT },
	{ "resource/block-bandwidth", ISO_DEFAULT_LIMIT },
	{ "resource/block-iops", ISO_DEFAULT_LIMIT },
	{ "resource/network-bandwidth", ISO_DEFAULT_LIMIT },
	{ "os/linux/no-new-privileges", ISO_BOOL },
	{ "os/linux/oom-score-adj", ISO_OOM },
};

/* The index in isolator_kinds of the name's first len bytes, or the count. */
static size_t kind_of(const char *name, size_t len)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(isolator_kinds); k++)
		if (strlen(isolator_kinds[k].name) == len &&
		    memcmp(name, isolator_kinds[k].name, len) == 0)
			break;
	return k;
}

/* NAME,VALUE (actool writes VALUE as raw JSON; here it is checked). */
static char *scalar_value(const char *text, enum iso_kind kind, struct act_err *err)
{
	const char *comma = strchr(text, ','), *v = comma ? comma + 1 : NULL;
	char buf[16];
	char *end;
	long n;

	if (!v || strchr(v, ','))
		goto bad;
	if (kind == ISO_BOOL) {
		if (streq(v, "true") || streq(v, "false"))
			return xstrdup(v);
		goto bad;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < -1000 || n > 1000 || *v == '+' || *v == ' ')
		goto bad;
	snprintf(buf, sizeof(buf), "%ld", n);
	return xstrdup(buf);
bad:
	act_err_set(err, EINVAL, "'%s' is not NAME,%s", SHOW(text),
		    kind == ISO_BOOL ? "true or NAME,false" : "N with N from -1000 to 1000");
	return NULL;
}

/* NAME,request=Q,limit=Q or NAME[,default=true],limit=Q: a JSON object. */
static char *resource_value(const char *text, enum iso_kind kind, struct act_err *err)
{
	static const char *const keys[] = { "request", "limit", "default", NULL };
	struct json_gen *g;
	struct item it;
	const char *def;
	char *out = NULL;
	size_t len;

	if (parse_item(text, keys, &it, err) < 0)
		return NULL;
	def = item_get(&it, "default");
	if (kind == ISO_REQUEST_LIMIT && (def || !it.keys.n)) {
		act_err_set(err, EINVAL, "'%s': give request= or limit= (or both)%s",
			    SHOW(text), def ? ", and no default=" : "");
		goto out;
	}
	if (kind == ISO_DEFAULT_LIMIT &&
	    (item_get(&it, "request") || !item_get(&it, "limit") || (def && !streq(def, "true")))) {
		act_err_set(err, EINVAL, "'%s': give limit= only (default=true is implied)",
			    SHOW(text));
		goto out;
	}
	for (size_t i = 0; i < it.keys.n; i++)
		if (!streq(it.keys.v[i], "default") && check_quantity(it.values.v[i], err) < 0) {
			act_err_wrap(err, "%s", it.keys.v[i]);
			goto out;
		}
	g = json_gen_new();
	json_gen_object_open(g);
	if (kind == ISO_DEFAULT_LIMIT) {
		json_gen_cstr(g, "default");
		json_gen_bool(g, 1);
	}
	for (size_t i = 0; i < it.keys.n; i++) {
		if (streq(it.keys.v[i], "default"))
			continue;
		json_gen_cstr(g, it.keys.v[i]);
		json_gen_cstr(g, it.values.v[i]);
	}
	json_gen_object_close(g);
	out = json_gen_finish(g, &len, err);
	json_gen_free(g);
out:
	item_free(&it);
	return out;
}

int patcharg_isolators(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	struct strv items;
	struct manifest_isolator *iso;

	if (pa_once(p->nisolators, err) < 0)
		return -1;
	items = pa_split(arg, ':');
	iso = xcalloc(items.n, sizeof(*iso));
	for (size_t i = 0; i < items.n; i++) {
		const char *text = items.v[i];
		size_t nlen = strcspn(text, ","), k;
		char *name = xstrndup(text, nlen);

		iso[i].name = name;
		k = kind_of(name, nlen);
		for (size_t j = 0; j < i; j++) {
			if (streq(iso[j].name, name)) {
				act_err_set(err, EINVAL, "isolator '%s' given twice", SHOW(name));
				goto fail;
			}
		}
		if (k < ARRAY_SIZE(isolator_kinds)) {
			enum iso_kind kind = isolator_kinds[k].kind;

			iso[i].value = kind == ISO_BOOL || kind == ISO_OOM ?
					       scalar_value(text, kind, err) :
					       resource_value(text, kind, err);
			if (!iso[i].value)
				goto fail;
		} else if (streq(name, MANIFEST_CAPS_RETAIN_NAME) ||
			   streq(name, MANIFEST_CAPS_REMOVE_NAME)) {
			act_err_set(err, EINVAL, "'%s': use --capability or --revoke-capability",
				    SHOW(name));
			goto fail;
		} else if (streq(name, MANIFEST_SECCOMP_RETAIN_NAME) ||
			   streq(name, MANIFEST_SECCOMP_REMOVE_NAME)) {
			act_err_set(err, EINVAL, "'%s': use --seccomp-mode and --seccomp-set",
				    SHOW(name));
			goto fail;
		} else if (strchr(name, '=') &&
			   (k = kind_of(name, (size_t)(strchr(name, '=') - name))) <
				   ARRAY_SIZE(isolator_kinds)) {
			/* NAME=VALUE for NAME,VALUE: say how it is written. */
			act_err_set(err, EINVAL, "'%s': write %s,%s", SHOW(name),
				    isolator_kinds[k].name, SHOW(strchr(name, '=') + 1));
			goto fail;
		} else {
			act_err_set(err, EINVAL, "'%s' cannot be set this way (only resource/cpu, "
				    "resource/memory, resource/block-bandwidth, resource/block-iops, "
				    "resource/network-bandwidth, os/linux/no-new-privileges and "
				    "os/linux/oom-score-adj)", SHOW(name));
			goto fail;
		}
	}
	p->isolators = iso;
	p->nisolators = items.n;
	strv_free(&items);
	return 0;
fail:
	for (size_t i = 0; i < items.n; i++)
		free(iso[i].name), free(iso[i].value);
	free(iso);
	strv_free(&items);
	return -1;
}

int patcharg_seccomp_mode(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	struct strv f;
	enum manifest_seccomp_kind kind = MANIFEST_SECCOMP_NONE;
	char *errno_name = NULL;
	int r = -1;

	if (pa_once(p->seccomp_kind != MANIFEST_SECCOMP_NONE, err) < 0)
		return -1;
	f = pa_split(arg, ',');
	for (size_t i = 0; i < f.n; i++) {
		const char *a = f.v[i];

		if (strncmp(a, "errno=", 6) == 0 && !errno_name) {
			const char *e = a + 6;

			if (e[0] != 'E' || !e[1] ||
			    strspn(e + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(e + 1)) {
				act_err_set(err, EINVAL, "'%s' is not an errno name (EPERM, ...)",
					    SHOW(e));
				goto out;
			}
			errno_name = xstrdup(e);
		} else if ((streq(a, "remove") || streq(a, "retain")) &&
			   kind == MANIFEST_SECCOMP_NONE) {
			kind = streq(a, "remove") ? MANIFEST_SECCOMP_REMOVE : MANIFEST_SECCOMP_RETAIN;
		} else {
			act_err_set(err, EINVAL, "'%s' is not remove or retain, then an "
				    "optional errno=ENAME", SHOW(arg));
			goto out;
		}
	}
	if (kind == MANIFEST_SECCOMP_NONE) {
		act_err_set(err, EINVAL, "'%s' gives no mode (remove or retain)", SHOW(arg));
		goto out;
	}
	p->seccomp_kind = kind;
	p->seccomp_errno = steal_ptr(&errno_name);
	r = 0;
out:
	free(errno_name);
	strv_free(&f);
	return r;
}

/* A syscall name, or a wildcard: "@" and a scope ("@appc.io/all"). */
static bool is_syscall(const char *s)
{
	if (s[0] == '@')
		return s[1] && strspn(s + 1, "abcdefghijklmnopqrstuvwxyz0123456789-._~/") ==
				       strlen(s + 1);
	return s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(s);
}

int patcharg_seccomp_set(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	struct strv f, set = { 0 };

	if (pa_once(p->nseccomp, err) < 0)
		return -1;
	f = pa_split(arg, ',');
	for (size_t i = 0; i < f.n; i++) {
		if (!is_syscall(f.v[i])) {
			act_err_set(err, EINVAL, "'%s' is not a system call name or an "
				    "@-wildcard", SHOW(f.v[i]));
			strv_free(&f);
			strv_free(&set);
			return -1;
		}
		if (!strv_has(&set, set.n, f.v[i]))
			strv_add(&set, steal_ptr(&f.v[i]));
	}
	strv_free(&f);
	p->seccomp_set = set.v;
	p->nseccomp = set.n;
	return 0;
}
