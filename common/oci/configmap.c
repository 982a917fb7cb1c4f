// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/manifest/manifest.h"
#include "common/oci/configmap.h"
#include "common/spec/accounts.h"
#include "common/spec/spec.h"
#include "common/spec/types.h"

/* An AC identifier made of s: lower case, other characters '-'. */
static char *identifier(const char *s)
{
	char *out = xstrdup(s);

	for (char *p = out; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._~/-", *p))
			*p = '-';
	}
	return out;
}

/* "repo:tag": the repository and the tag (NULL when none). */
static char *split_name(const char *full, char **tag)
{
	const char *colon = strrchr(full, ':');

	*tag = NULL;
	if (colon && !strchr(colon, '/')) {
		*tag = xstrdup(colon + 1);
		return xstrndup(full, (size_t)(colon - full));
	}
	return xstrdup(full);
}

static int platform(const struct json_value *c, const struct configmap_options *o,
		    const char **os, const char **arch, struct act_err *err)
{
	static const struct {
		const char *arch, *variant, *appc;
	} arches[] = {
		{ "amd64", NULL, "amd64" },  { "386", NULL, "i386" },	{ "arm64", NULL, "aarch64" },
		{ "arm", "v7", "armv7l" },   { "arm", "v6", "armv6l" }, { "arm", NULL, "armv6l" },
		{ "ppc64", NULL, "ppc64" },  { "ppc64le", NULL, "ppc64le" },
		{ "s390x", NULL, "s390x" },
	};
	const char *a = json_string(json_get(c, "architecture")), *v = json_string(json_get(c, "variant"));

	*os = o->os ? o->os : json_string(json_get(c, "os"));
	if (!*os)
		return act_err_set(err, EINVAL, "the config has no os: --os gives one");
	if (o->arch) {
		*arch = o->arch;
		return 0;
	}
	for (size_t i = 0; a && i < ARRAY_SIZE(arches); i++) {
		if (streq(arches[i].arch, a) &&
		    (!arches[i].variant || (v && streq(arches[i].variant, v)))) {
			*arch = arches[i].appc;
			return 0;
		}
	}
	return act_err_set(err, EINVAL, "architecture '%s%s%s' has no appc name: --arch gives one",
			   a ? a : "", v ? "/" : "", v ? v : "");
}

static void label(struct json_gen *g, const char *name, const char *value)
{
	json_gen_object_open(g);
	json_gen_cstr(g, "name");
	json_gen_cstr(g, name);
	json_gen_cstr(g, "value");
	json_gen_cstr(g, value);
	json_gen_object_close(g);
}

/* User "u" alone: its primary group in the image's /etc/passwd, as docker
 * and runc take it; else "u", as docker2aci did, with a warning (docker
 * would run a uid that has no line with group 0). */
static char *group_of(const char *u, const struct configmap_options *o, struct msglist *warn)
{
	struct spec_account a;
	uint32_t id = 0;
	bool numeric = spec_account_id(u, strlen(u), &id);

	if (o->passwd &&
	    spec_account_find(o->passwd, o->passwd_len, false, numeric ? NULL : u, id, &a) == 0) {
		char *g = xasprintf("%u", a.gid);

		spec_account_free(&a);
		return g;
	}
	msglist_addf(warn, "User '%s' has no group and no line in the image's /etc/passwd: "
		     "group '%s'", u, u);
	return xstrdup(u);
}

static void gen_app(struct json_gen *g, const struct json_value *cfg,
		    const struct configmap_options *o, struct msglist *warn)
{
	const struct json_value *ep = json_get(cfg, "Entrypoint"), *cmd = json_get(cfg, "Cmd");
	const struct json_value *env = json_get(cfg, "Env"), *ports = json_get(cfg, "ExposedPorts");
	const struct json_value *vols = json_get(cfg, "Volumes"), *labels = json_get(cfg, "Labels");
	const char *user = json_string(json_get(cfg, "User"));
	const char *wd = json_string(json_get(cfg, "WorkingDir"));
	_cleanup_free_ char *u = xstrdup(user && *user ? user : "0");
	char *colon = strchr(u, ':');

	json_gen_cstr(g, "app");
	json_gen_object_open(g);
	json_gen_cstr(g, "exec");
	json_gen_array_open(g);
	for (const struct json_value *a = ep; a; a = a == ep ? cmd : NULL)
		for (size_t i = 0; a->type == JSON_ARRAY && i < a->n; i++)
			if (json_string(a->items[i]))
				json_gen_cstr(g, a->items[i]->str);
	json_gen_array_close(g);
	if (colon)
		*colon = '\0';
	json_gen_cstr(g, "user");
	json_gen_cstr(g, u);
	json_gen_cstr(g, "group");
	if (colon) {
		json_gen_cstr(g, colon + 1);
	} else if (streq(u, "0") || streq(u, "root")) {
		json_gen_cstr(g, "0");
	} else {
		_cleanup_free_ char *grp = group_of(u, o, warn);

		json_gen_cstr(g, grp);
	}
	if (wd && *wd && wd[0] != '/')
		msglist_addf(warn, "WorkingDir '%s' is not absolute: left out", wd);
	if (wd && wd[0] == '/') {
		json_gen_cstr(g, "workingDirectory");
		json_gen_cstr(g, wd);
	}
	if (env && env->type == JSON_ARRAY && env->n) {
		json_gen_cstr(g, "environment");
		json_gen_array_open(g);
		for (size_t i = 0; i < env->n; i++) {
			const char *e = json_string(env->items[i]), *eq = e ? strchr(e, '=') : NULL;
			_cleanup_free_ char *name = eq ? xstrndup(e, (size_t)(eq - e)) : NULL;

			if (!name || !spec_is_env_name(name, strlen(name))) {
				msglist_addf(warn, "Env '%s': not a name appc takes: left out", e ? e : "");
				continue;
			}
			label(g, name, eq + 1);
		}
		json_gen_array_close(g);
	}
	if (vols && vols->type == JSON_OBJECT && vols->n) {
		json_gen_cstr(g, "mountPoints");
		json_gen_array_open(g);
		for (size_t i = 0; i < vols->n; i++) {
			_cleanup_free_ char *id = identifier(vols->keys[i]);
			_cleanup_free_ char *name = NULL;
			char *p = id;

			for (char *q = id; *q; q++)
				if (!isalnum((unsigned char)*q))
					*q = '-';
			while (*p == '-')
				p++;
			name = xasprintf("volume-%s", *p ? p : "root");
			for (size_t k = strlen(name); k > 0 && name[k - 1] == '-'; k--)
				name[k - 1] = '\0';
			json_gen_object_open(g);
			json_gen_cstr(g, "name");
			json_gen_cstr(g, name);
			json_gen_cstr(g, "path");
			json_gen_cstr(g, vols->keys[i]);
			json_gen_object_close(g);
		}
		json_gen_array_close(g);
	}
	if (ports && ports->type == JSON_OBJECT && ports->n) {
		json_gen_cstr(g, "ports");
		json_gen_array_open(g);
		for (size_t i = 0; i < ports->n; i++) {
			_cleanup_free_ char *k = xstrdup(ports->keys[i]);
			char *slash = strchr(k, '/');
			const char *proto = slash ? slash + 1 : "tcp";
			unsigned long port;
			_cleanup_free_ char *name = NULL;

			if (slash)
				*slash = '\0';
			port = strtoul(k, NULL, 10);
			if (!port || port > 65535) {
				msglist_addf(warn, "ExposedPorts '%s': not a port: left out", ports->keys[i]);
				continue;
			}
			name = xasprintf("%lu-%s", port, proto);
			json_gen_object_open(g);
			json_gen_cstr(g, "name");
			json_gen_cstr(g, name);
			json_gen_cstr(g, "protocol");
			json_gen_cstr(g, proto);
			json_gen_cstr(g, "port");
			json_gen_int(g, (long long)port);
			json_gen_cstr(g, "count");
			json_gen_int(g, 1);
			json_gen_cstr(g, "socketActivated");
			json_gen_bool(g, 0);
			json_gen_object_close(g);
		}
		json_gen_array_close(g);
	}
	if (labels && labels->type == JSON_OBJECT && labels->n) {
		json_gen_cstr(g, "userLabels");
		json_gen_object_open(g);
		for (size_t i = 0; i < labels->n; i++) {
			if (json_string(labels->items[i])) {
				json_gen_cstr(g, labels->keys[i]);
				json_gen_cstr(g, labels->items[i]->str);
			}
		}
		json_gen_object_close(g);
	}
	json_gen_object_close(g);
}

/* v (an array) as compact JSON, the annotation's value. */
static void json_label(struct json_gen *g, const char *name, const struct json_value *v)
{
	struct json_gen *t = json_gen_new();
	_cleanup_free_ char *text = NULL;
	size_t len;

	json_gen_value(t, v);
	text = json_gen_finish(t, &len, NULL);
	json_gen_free(t);
	if (text)
		label(g, name, text);
}

/* What the image was and what has no field of its own: created and author;
 * Entrypoint and Cmd apart, as docker2aci kept them (export-oci splits exec
 * by them again); the config's and the manifest's digests; StopSignal. */
static void gen_annotations(struct json_gen *g, const struct json_value *c,
			    const struct json_value *cfg, const struct oci_image *img)
{
	const struct json_value *ep = json_get(cfg, "Entrypoint"), *cmd = json_get(cfg, "Cmd");
	char id[DIGEST_LEN + 1];

	json_gen_cstr(g, "annotations");
	json_gen_array_open(g);
	if (json_string(json_get(c, "created")))
		label(g, "created", json_get(c, "created")->str);
	if (json_string(json_get(c, "author")))
		label(g, "authors", json_get(c, "author")->str);
	if (ep && ep->type == JSON_ARRAY && ep->n)
		json_label(g, "appc.io/docker/entrypoint", ep);
	if (cmd && cmd->type == JSON_ARRAY && cmd->n)
		json_label(g, "appc.io/docker/cmd", cmd);
	digest_of(img->config, img->clen, id);
	label(g, "appc.io/docker/imageid", id);
	if (*img->manifest_digest)
		label(g, "appc.io/oci/manifest-digest", img->manifest_digest);
	if (json_string(json_get(cfg, "StopSignal")))
		label(g, "appc.io/oci/stopsignal", json_get(cfg, "StopSignal")->str);
	json_gen_array_close(g);
}

/* The config's fields no manifest field or annotation holds, named. */
static void unmapped(const struct json_value *cfg, struct msglist *warn)
{
	static const char *const fields[] = { "Healthcheck", "OnBuild", "Shell" };

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct json_value *v = json_get(cfg, fields[i]);

		if (v && v->type != JSON_NULL && !(v->type == JSON_ARRAY && !v->n))
			msglist_addf(warn, "the config's %s has no ACI counterpart: left out",
				     fields[i]);
	}
}

/* A manifest export-oci embedded, taken back when it still checks. */
static int embedded(const struct json_value *cfg, char **out, size_t *len, struct act_err *err)
{
	const char *m = json_string(json_get(json_get(cfg, "Labels"), "io.appc.image.manifest"));

	if (!m)
		return 0;
	if (manifest_check(m, strlen(m), err) < 0)
		return act_err_wrap(err, "the io.appc.image.manifest label");
	*out = xstrdup(m);
	*len = strlen(m);
	return 1;
}

int configmap_manifest(const struct oci_image *img, const struct configmap_options *o,
		       char **out, size_t *len, struct msglist *warn, struct act_err *err)
{
	struct json_value *c = json_parse(img->config, img->clen, err);
	const struct json_value *cfg = json_get(c, "config");
	struct spec_report rep = SPEC_REPORT_INIT;
	_cleanup_free_ char *repo = NULL, *tag = NULL, *name = NULL;
	const char *os = NULL, *arch = NULL, *version;
	struct json_gen *g;
	int r = -1, k;

	if (!c)
		return -1;
	if ((k = embedded(cfg, out, len, err)) != 0) {
		json_free(c);
		return k < 0 ? -1 : 0;
	}
	if (platform(c, o, &os, &arch, err) < 0)
		goto out;
	if (img->containerd_name)
		repo = split_name(img->containerd_name, &tag);
	else if (img->ref && strchr(img->ref, '/'))
		repo = split_name(img->ref, &tag);
	name = o->name ? xstrdup(o->name) : repo ? identifier(repo) : NULL;
	if (!name) {
		act_err_set(err, EINVAL, "the image has no name (io.containerd.image.name): --name "
			    "gives one");
		goto out;
	}
	version = o->version ? o->version : tag ? tag : img->ref;
	g = json_gen_new();
	json_gen_object_open(g);
	json_gen_cstr(g, "acKind");
	json_gen_cstr(g, "ImageManifest");
	json_gen_cstr(g, "acVersion");
	json_gen_cstr(g, "0.8.11");
	json_gen_cstr(g, "name");
	json_gen_cstr(g, name);
	json_gen_cstr(g, "labels");
	json_gen_array_open(g);
	if (version)
		label(g, "version", version);
	label(g, "os", os);
	label(g, "arch", arch);
	json_gen_array_close(g);
	if (cfg && json_get(cfg, "Entrypoint") && json_get(cfg, "Entrypoint")->type == JSON_ARRAY)
		gen_app(g, cfg, o, warn);
	else if (cfg && json_get(cfg, "Cmd") && json_get(cfg, "Cmd")->type == JSON_ARRAY)
		gen_app(g, cfg, o, warn);
	gen_annotations(g, c, cfg, img);
	unmapped(cfg, warn);
	json_gen_object_close(g);
	*out = json_gen_finish(g, len, err);
	json_gen_free(g);
	if (!*out)
		goto out;
	if (spec_check_manifest(*out, *len, &rep) > 0) {
		spec_report_err(&rep, "the config maps to a manifest the spec refuses", NULL, err);
		spec_report_free(&rep);
		free(*out);
		*out = NULL;
		goto out;
	}
	r = 0;
out:
	json_free(c);
	return r;
}
