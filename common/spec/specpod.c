// SPDX-License-Identifier: Apache-2.0
#include <stdint.h>
#include <stdlib.h>

#include "common/base/macro.h"
#include "common/json/json.h"
#include "common/spec/spec-internal.h"
#include "common/spec/spec.h"
#include "common/spec/specfield.h"
#include "common/spec/specisolator.h"
#include "common/spec/types.h"

/*
 * The pod manifest (spec/pods.md), which an executor writes to run images:
 * acitool never writes one into an image, but validate checks it, as
 * actool's validate does. Where pods.md and types.md differ on annotation
 * names (AC Name there, AC Identifier in the annotation type), the type wins:
 * rkt's own pod manifests carry names such as "coreos.com/rkt/...".
 */

static bool is_octal_mode(const struct json_value *v)
{
	if (v->len == 0 || v->len > 4)
		return false;
	for (size_t i = 0; i < v->len; i++)
		if (v->str[i] < '0' || v->str[i] > '7')
			return false;
	return true;
}

/* A volume (pods.md), at elem; kind decides which members belong. */
static void check_volume(struct spec_report *r, const char *elem, const struct json_value *vol)
{
	const struct json_value *kind = spec_required(r, elem, vol, "kind");
	const struct json_value *src = spec_optional(vol, "source"), *x;
	bool host = false, empty = false;

	if (kind && spec_want(r, KEY(elem, "kind"), kind, JSON_STRING)) {
		host = json_is_string(kind, "host");
		empty = json_is_string(kind, "empty");
		if (!host && !empty)
			spec_report_add(r, KEY(elem, "kind"), "unknown kind '%s' (known: empty, host)",
					Q(kind));
	}
	if (host && !src)
		spec_report_add(r, KEY(elem, "source"), "missing: a host volume needs a source");
	else if (host)
		spec_check_absolute(r, KEY(elem, "source"), src);
	else if (empty && src)
		spec_report_add(r, KEY(elem, "source"), "an empty volume has no source");
	if ((x = spec_optional(vol, "readOnly")))
		spec_want(r, KEY(elem, "readOnly"), x, JSON_BOOL);
	if ((x = spec_optional(vol, "recursive")))
		spec_want(r, KEY(elem, "recursive"), x, JSON_BOOL);
	/* mode, uid and gid: what an empty volume's directory gets. */
	if ((x = spec_optional(vol, "mode")) && host)
		spec_report_add(r, KEY(elem, "mode"), "a host volume has no mode");
	else if (x && spec_want(r, KEY(elem, "mode"), x, JSON_STRING) && !is_octal_mode(x))
		spec_report_add(r, KEY(elem, "mode"), "not an octal file mode: '%s'", Q(x));
	if ((x = spec_optional(vol, "uid")) && host)
		spec_report_add(r, KEY(elem, "uid"), "a host volume has no uid");
	else if (x)
		spec_check_int(r, KEY(elem, "uid"), x, 0, UINT32_MAX - 1, NULL);
	if ((x = spec_optional(vol, "gid")) && host)
		spec_report_add(r, KEY(elem, "gid"), "a host volume has no gid");
	else if (x)
		spec_check_int(r, KEY(elem, "gid"), x, 0, UINT32_MAX - 1, NULL);
}

static const struct json_value *volume(struct spec_report *r, const char *field, size_t i,
				       const char *elem, const struct json_value *vol,
				       const struct json_value **names, void *ctx)
{
	check_volume(r, elem, vol);
	return spec_check_unique_acname(r, field, i, elem, vol, names, "volume");
}

static const struct json_value *mount(struct spec_report *r, const char *field, size_t i,
				      const char *elem, const struct json_value *m,
				      const struct json_value **names, void *ctx)
{
	const struct json_value *x;

	if ((x = spec_required(r, elem, m, "volume")) &&
	    spec_want(r, KEY(elem, "volume"), x, JSON_STRING) && !spec_is_acname(x->str, x->len))
		spec_report_add(r, KEY(elem, "volume"), "not an ACName: '%s'", Q(x));
	if ((x = spec_required(r, elem, m, "path")) &&
	    spec_want(r, KEY(elem, "path"), x, JSON_STRING) && x->len == 0)
		spec_report_add(r, KEY(elem, "path"), "must not be empty");
	if ((x = spec_optional(m, "appVolume")) && spec_want(r, KEY(elem, "appVolume"), x, JSON_OBJECT)) {
		const struct json_value *none[1] = { NULL };

		check_volume(r, KEY(elem, "appVolume"), x);
		spec_check_unique_acname(r, KEY(elem, "appVolume"), 0, KEY(elem, "appVolume"), x,
					 none, "volume");
	}
	return NULL;
}

static const struct json_value *runtime_app(struct spec_report *r, const char *field, size_t i,
					    const char *elem, const struct json_value *a,
					    const struct json_value **names, void *ctx)
{
	const struct json_value *img = spec_required(r, elem, a, "image"), *x;

	if (img && spec_want(r, KEY(elem, "image"), img, JSON_OBJECT)) {
		const char *f = KEY(elem, "image");

		if ((x = spec_required(r, f, img, "id")) &&
		    spec_want(r, KEY(f, "id"), x, JSON_STRING) && !spec_is_image_id(x->str, x->len))
			spec_report_add(r, KEY(f, "id"), "not an image ID: '%s' (want 'sha512-' and "
					"128 lower-case hex digits)", Q(x));
		if ((x = spec_optional(img, "name")))
			spec_check_acidentifier(r, KEY(f, "name"), x);
		if ((x = spec_optional(img, "labels")))
			spec_check_labels(r, KEY(f, "labels"), x);
	}
	if ((x = spec_optional(a, "app")))
		spec_check_app(r, KEY(elem, "app"), x);
	if ((x = spec_optional(a, "readOnlyRootFS")))
		spec_want(r, KEY(elem, "readOnlyRootFS"), x, JSON_BOOL);
	if ((x = spec_optional(a, "mounts")))
		free(spec_each_object(r, KEY(elem, "mounts"), x, mount, NULL));
	if ((x = spec_optional(a, "annotations")))
		spec_check_annotations(r, KEY(elem, "annotations"), x);
	return spec_check_unique_acname(r, field, i, elem, a, names, "app");
}

static const struct json_value *exposed_port(struct spec_report *r, const char *field, size_t i,
					     const char *elem, const struct json_value *p,
					     const struct json_value **names, void *ctx)
{
	const struct json_value *x;

	if ((x = spec_required(r, elem, p, "hostPort")))
		spec_check_int(r, KEY(elem, "hostPort"), x, 1, 65535, NULL);
	if ((x = spec_optional(p, "hostIP")))
		spec_want(r, KEY(elem, "hostIP"), x, JSON_STRING);
	if ((x = spec_optional(p, "podPort")))
		spec_check_port(r, KEY(elem, "podPort"), x);
	return spec_check_unique_acname(r, field, i, elem, p, names, "port");
}

bool spec_is_pod_manifest(const char *text, size_t len)
{
	struct json_value *m = json_parse(text, len, NULL);
	bool pod = m && m->type == JSON_OBJECT && json_is_string(json_get(m, "acKind"), "PodManifest");

	json_free(m);
	return pod;
}

size_t spec_check_pod_manifest(const char *text, size_t len, struct spec_report *r)
{
	size_t n0 = r->n;
	struct json_value *m = spec_parse_manifest(text, len, "PodManifest", r);
	const struct json_value *v;

	if (!m)
		return r->n - n0;
	if ((v = spec_required(r, "", m, "apps")))
		free(spec_each_object(r, "apps", v, runtime_app, NULL));
	if ((v = spec_optional(m, "volumes")))
		free(spec_each_object(r, "volumes", v, volume, NULL));
	if ((v = spec_optional(m, "isolators")))
		spec_check_isolators(r, "isolators", v, true);
	if ((v = spec_optional(m, "annotations")))
		spec_check_annotations(r, "annotations", v);
	if ((v = spec_optional(m, "ports")))
		free(spec_each_object(r, "ports", v, exposed_port, NULL));
	if ((v = spec_optional(m, "userAnnotations")))
		spec_check_string_map(r, "userAnnotations", v);
	if ((v = spec_optional(m, "userLabels")))
		spec_check_string_map(r, "userLabels", v);
	json_free(m);
	return r->n - n0;
}
