// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/base/strbuf.h"
#include "common/caps/capname.h"
#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/manifest/manifest.h"
#include "common/oci/imageconfig.h"
#include "common/spec/types.h"

void imageconfig_free(struct imageconfig *c)
{
	free(c->json);
	free(c->os);
	free(c->arch);
	free(c->variant);
	free(c->name);
	free(c->tag);
	free(c->created);
	free(c->authors);
	free(c->url);
	free(c->documentation);
	free(c->run_flags);
	msglist_free(&c->warnings);
	*c = (struct imageconfig){ 0 };
}

/* v as compact JSON text. */
static char *compact(const struct json_value *v)
{
	struct json_gen *g = json_gen_new();
	size_t len;
	char *s;

	json_gen_value(g, v);
	s = json_gen_finish(g, &len, NULL);
	json_gen_free(g);
	return s ? s : xstrdup("null");
}

/* The value of the name=value element named name of a list, or NULL. */
static const char *nv(const struct json_value *list, const char *name)
{
	return json_string(json_get(json_named(list, name), "value"));
}

/* A string array kept as JSON text in an annotation, or NULL. */
static struct json_value *json_annotation(const struct json_value *annos, const char *name)
{
	const char *t = nv(annos, name);
	struct json_value *v = t ? json_parse(t, strlen(t), NULL) : NULL;

	for (size_t i = 0; v && v->type == JSON_ARRAY && i < v->n; i++)
		if (v->items[i]->type != JSON_STRING)
			break;
	return v;
}

/* exec as Entrypoint; as Entrypoint and Cmd where the image came from an
 * OCI image (import keeps them apart in annotations, as docker2aci did) and
 * they still make up exec: `docker run IMAGE ARGS` replaces Cmd then, as it
 * did in the image it came from. */
static void gen_exec(struct json_gen *g, const struct json_value *exec,
		     const struct json_value *annos)
{
	struct json_value *ep = json_annotation(annos, "appc.io/docker/entrypoint");
	struct json_value *cmd = json_annotation(annos, "appc.io/docker/cmd");
	size_t ne = ep && ep->type == JSON_ARRAY ? ep->n : 0;
	size_t nc = cmd && cmd->type == JSON_ARRAY ? cmd->n : 0;
	bool split = ne + nc == exec->n && (ne || nc);

	for (size_t i = 0; split && i < exec->n; i++) {
		const struct json_value *a = i < ne ? ep->items[i] : cmd->items[i - ne];

		split = a->type == JSON_STRING && streq(a->str, json_string(exec->items[i]) ?: "");
	}
	if (!split) {
		json_gen_cstr(g, "Entrypoint");
		json_gen_value(g, exec);
	} else {
		if (ne) {
			json_gen_cstr(g, "Entrypoint");
			json_gen_value(g, ep);
		}
		if (nc) {
			json_gen_cstr(g, "Cmd");
			json_gen_value(g, cmd);
		}
	}
	json_free(ep);
	json_free(cmd);
}

/* appc's os and arch labels as OCI's (image-index.md's platform values). */
static void platform(struct imageconfig *c, const struct json_value *labels)
{
	static const struct {
		const char *appc, *arch, *variant;
	} arches[] = {
		{ "amd64", "amd64", NULL },   { "i386", "386", NULL },
		{ "aarch64", "arm64", NULL }, { "armv7l", "arm", "v7" },
		{ "armv6l", "arm", "v6" },    { "ppc64", "ppc64", NULL },
		{ "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL },
	};
	const char *os = nv(labels, "os"), *arch = nv(labels, "arch");

	if (!os)
		msglist_addf(&c->warnings, "no os label: os is linux");
	c->os = xstrdup(os ? os : "linux");
	if (!arch) {
		msglist_addf(&c->warnings, "no arch label: architecture is amd64");
		arch = "amd64";
	}
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++) {
		if (streq(arches[i].appc, arch)) {
			c->arch = xstrdup(arches[i].arch);
			c->variant = arches[i].variant ? xstrdup(arches[i].variant) : NULL;
			return;
		}
	}
	msglist_addf(&c->warnings, "arch '%s' has no OCI name: kept as it is", arch);
	c->arch = xstrdup(arch);
}

static void gen_labels(struct json_gen *g, const struct json_value *m, const struct json_value *app,
		       const char *manifest, size_t len, bool embed)
{
	const struct json_value *labels = json_get(m, "labels");
	const struct json_value *annos = json_get(m, "annotations");
	static const char *const app_json[] = { "isolators", "eventHandlers", "supplementaryGIDs",
						"ports", "mountPoints" };

	json_gen_cstr(g, "Labels");
	json_gen_object_open(g);
	for (size_t i = 0; labels && labels->type == JSON_ARRAY && i < labels->n; i++) {
		const char *n = json_string(json_get(labels->items[i], "name"));
		const char *v = json_string(json_get(labels->items[i], "value"));

		if (n && v && !streq(n, "os") && !streq(n, "arch")) {
			_cleanup_free_ char *k = xasprintf("io.appc.label.%s", n);

			json_gen_cstr(g, k);
			json_gen_cstr(g, v);
		}
	}
	for (size_t i = 0; annos && annos->type == JSON_ARRAY && i < annos->n; i++) {
		const char *n = json_string(json_get(annos->items[i], "name"));
		const char *v = json_string(json_get(annos->items[i], "value"));

		if (n && v) {
			_cleanup_free_ char *k = xasprintf("io.appc.annotation.%s", n);

			json_gen_cstr(g, k);
			json_gen_cstr(g, v);
		}
	}
	for (size_t i = 0; app && i < ARRAY_SIZE(app_json); i++) {
		const struct json_value *v = json_get(app, app_json[i]);

		if (v && v->type == JSON_ARRAY && v->n) {
			_cleanup_free_ char *k = xasprintf("io.appc.app.%s", app_json[i]);
			_cleanup_free_ char *t = compact(v);

			json_gen_cstr(g, k);
			json_gen_cstr(g, t);
		}
	}
	const struct json_value *ua = app ? json_get(app, "userAnnotations") : NULL;
	const struct json_value *ul = app ? json_get(app, "userLabels") : NULL;

	for (size_t i = 0; ua && ua->type == JSON_OBJECT && i < ua->n; i++) {
		_cleanup_free_ char *k = xasprintf("io.appc.annotation.%s", ua->keys[i]);

		if (json_string(ua->items[i])) {
			json_gen_cstr(g, k);
			json_gen_cstr(g, ua->items[i]->str);
		}
	}
	/* User labels are the image's own, as docker2aci made them. */
	for (size_t i = 0; ul && ul->type == JSON_OBJECT && i < ul->n; i++) {
		if (json_string(ul->items[i])) {
			json_gen_cstr(g, ul->keys[i]);
			json_gen_cstr(g, ul->items[i]->str);
		}
	}
	if (embed) {
		struct json_value *whole = json_parse(manifest, len, NULL);
		_cleanup_free_ char *t = whole ? compact(whole) : NULL;

		json_free(whole);
		if (t) {
			json_gen_cstr(g, "io.appc.image.manifest");
			json_gen_cstr(g, t);
		}
	}
	json_gen_object_close(g);
}

static void gen_ports(struct imageconfig *c, struct json_gen *g, const struct json_value *ports)
{
	json_gen_cstr(g, "ExposedPorts");
	json_gen_object_open(g);
	for (size_t i = 0; i < ports->n; i++) {
		const struct json_value *p = ports->items[i];
		const char *proto = json_string(json_get(p, "protocol"));
		const struct json_value *port = json_get(p, "port"), *count = json_get(p, "count");
		unsigned long first = port && port->type == JSON_NUMBER ? strtoul(port->str, NULL, 10) : 0;
		unsigned long n = count && count->type == JSON_NUMBER ? strtoul(count->str, NULL, 10) : 1;

		if (!proto || (!streq(proto, "tcp") && !streq(proto, "udp") && !streq(proto, "sctp"))) {
			msglist_addf(&c->warnings, "port %s: protocol '%s' has no OCI form: left out",
			     json_string(json_get(p, "name")) ?: "?", proto ?: "");
			continue;
		}
		for (unsigned long k = 0; k < (n ? n : 1) && first + k <= 65535; k++) {
			char key[32];

			snprintf(key, sizeof(key), "%lu/%s", first + k, proto);
			json_gen_cstr(g, key);
			json_gen_object_open(g);
			json_gen_object_close(g);
		}
	}
	json_gen_object_close(g);
}

/* What a runtime can be told of the isolators: podman run's flags. */
static void run_flags(struct imageconfig *c, const char *manifest, size_t len,
		      const struct json_value *app)
{
	const struct json_value *isos = json_get(app, "isolators");
	struct strbuf b = { 0 };
	uint64_t bset;
	bool caps = false;

	for (size_t i = 0; isos && isos->type == JSON_ARRAY && i < isos->n; i++) {
		const struct json_value *iso = isos->items[i], *v = json_get(iso, "value");
		const char *name = json_string(json_get(iso, "name"));
		double q;

		if (!name)
			continue;
		if (strstr(name, "capabilities-")) {
			caps = true;
		} else if (streq(name, "os/linux/no-new-privileges") && v && v->type == JSON_BOOL) {
			/* false is every runtime's default. */
			if (v->boolean)
				strbuf_adds(&b, " --security-opt=no-new-privileges");
		} else if (streq(name, "resource/memory") && json_string(json_get(v, "limit")) &&
			   spec_is_quantity(json_get(v, "limit")->str, json_get(v, "limit")->len, &q)) {
			char f[64];

			snprintf(f, sizeof(f), " --memory=%.0f", q);
			strbuf_adds(&b, f);
		} else if (streq(name, "resource/cpu") && json_string(json_get(v, "limit")) &&
			   spec_is_quantity(json_get(v, "limit")->str, json_get(v, "limit")->len, &q)) {
			char f[64];

			snprintf(f, sizeof(f), " --cpus=%g", q);
			strbuf_adds(&b, f);
		} else if ((streq(name, "os/linux/oom-score-adj") || streq(name, "os/linux/cpu-shares")) &&
			   v && v->type == JSON_NUMBER) {
			strbuf_adds(&b, streq(name, "os/linux/oom-score-adj") ? " --oom-score-adj="
									       : " --cpu-shares=");
			strbuf_adds(&b, v->str);
		} else {
			msglist_addf(&c->warnings, "isolator %s: no runtime flag says it; it is kept in the "
				"io.appc.app.isolators label", name);
		}
	}
	/* appc's bounding set, whatever the runtime's own default is. */
	if (caps && manifest_bounding_set(manifest, len, &bset, NULL) == 0) {
		strbuf_adds(&b, " --cap-drop=all");
		for (int i = 0, n = 0; i < 64; i++) {
			if (!(bset & (UINT64_C(1) << i)) || !capname_name(i))
				continue;
			strbuf_adds(&b, n++ ? "," : " --cap-add=");
			strbuf_adds(&b, capname_name(i) + strlen("CAP_"));
		}
	}
	if (b.len)
		c->run_flags = xstrdup(b.p + 1);
	free(b.p);
}

int imageconfig_make(const char *manifest, size_t len, const char *diff_id, bool embed,
		     struct imageconfig *c, struct act_err *err)
{
	struct json_value *m = json_parse(manifest, len, err);
	const struct json_value *app, *annos, *v;
	const char *s;
	struct json_gen *g;
	int r = -1;

	*c = (struct imageconfig){ 0 };
	if (!m)
		return -1;
	app = json_get(m, "app");
	if (app && app->type != JSON_OBJECT)
		app = NULL;
	annos = json_get(m, "annotations");
	c->name = xstrdup(json_string(json_get(m, "name")) ?: "");
	c->tag = xstrdup(nv(json_get(m, "labels"), "version") ?: "latest");
	c->created = nv(annos, "created") ? xstrdup(nv(annos, "created")) : NULL;
	c->authors = nv(annos, "authors") ? xstrdup(nv(annos, "authors")) : NULL;
	c->url = nv(annos, "homepage") ? xstrdup(nv(annos, "homepage")) : NULL;
	c->documentation = nv(annos, "documentation") ? xstrdup(nv(annos, "documentation")) : NULL;
	platform(c, json_get(m, "labels"));

	g = json_gen_new();
	json_gen_object_open(g);
	if (c->created) {
		json_gen_cstr(g, "created");
		json_gen_cstr(g, c->created);
	}
	if (c->authors) {
		json_gen_cstr(g, "author");
		json_gen_cstr(g, c->authors);
	}
	json_gen_cstr(g, "architecture");
	json_gen_cstr(g, c->arch);
	json_gen_cstr(g, "os");
	json_gen_cstr(g, c->os);
	if (c->variant) {
		json_gen_cstr(g, "variant");
		json_gen_cstr(g, c->variant);
	}
	json_gen_cstr(g, "config");
	json_gen_object_open(g);
	if (app && json_string(json_get(app, "user")) && json_string(json_get(app, "group"))) {
		_cleanup_free_ char *u = xasprintf("%s:%s", json_get(app, "user")->str,
						   json_get(app, "group")->str);

		json_gen_cstr(g, "User");
		json_gen_cstr(g, u);
	}
	if (app && (v = json_get(app, "ports")) && v->type == JSON_ARRAY && v->n)
		gen_ports(c, g, v);
	if (app && (v = json_get(app, "environment")) && v->type == JSON_ARRAY && v->n) {
		json_gen_cstr(g, "Env");
		json_gen_array_open(g);
		for (size_t i = 0; i < v->n; i++) {
			const char *n = json_string(json_get(v->items[i], "name"));
			const char *val = json_string(json_get(v->items[i], "value"));
			_cleanup_free_ char *e = n && val ? xasprintf("%s=%s", n, val) : NULL;

			if (e)
				json_gen_cstr(g, e);
		}
		json_gen_array_close(g);
	}
	if (app && (v = json_get(app, "exec")) && v->type == JSON_ARRAY && v->n)
		gen_exec(g, v, annos);
	if ((s = nv(annos, "appc.io/oci/stopsignal"))) {
		json_gen_cstr(g, "StopSignal");
		json_gen_cstr(g, s);
	}
	if (app && (v = json_get(app, "mountPoints")) && v->type == JSON_ARRAY && v->n) {
		json_gen_cstr(g, "Volumes");
		json_gen_object_open(g);
		for (size_t i = 0; i < v->n; i++) {
			if (json_string(json_get(v->items[i], "path"))) {
				json_gen_cstr(g, json_get(v->items[i], "path")->str);
				json_gen_object_open(g);
				json_gen_object_close(g);
			}
		}
		json_gen_object_close(g);
	}
	if (app && json_string(json_get(app, "workingDirectory"))) {
		json_gen_cstr(g, "WorkingDir");
		json_gen_cstr(g, json_get(app, "workingDirectory")->str);
	}
	gen_labels(g, m, app, manifest, len, embed);
	json_gen_object_close(g);
	json_gen_cstr(g, "rootfs");
	json_gen_object_open(g);
	json_gen_cstr(g, "type");
	json_gen_cstr(g, "layers");
	json_gen_cstr(g, "diff_ids");
	json_gen_array_open(g);
	json_gen_cstr(g, diff_id);
	json_gen_array_close(g);
	json_gen_object_close(g);
	json_gen_object_close(g);
	c->json = json_gen_finish(g, &c->len, err);
	json_gen_free(g);
	if (app)
		run_flags(c, manifest, len, app);
	r = c->json ? 0 : -1;
	json_free(m);
	return r;
}
