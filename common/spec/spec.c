// SPDX-License-Identifier: Apache-2.0
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json/json.h"
#include "common/base/macro.h"
#include "common/spec/spec.h"
#include "common/spec/spec-internal.h"
#include "common/spec/specfield.h"
#include "common/spec/specisolator.h"

/*
 * Where the spec and appc's Go code disagree, the spec wins (see
 * shared/reference/appc-spec.md and acitool-validate(1)): the identifier
 * regexes as written, strict SemVer, required port protocols, known
 * capability and errno names, exclusive retain and remove sets. Where the
 * spec is silent, what appc's code accepts is accepted: unknown members and
 * unknown isolators are fine, null stands for an absent optional member.
 */

bool spec_check_absolute(struct spec_report *r, const char *field, const struct json_value *v)
{
	if (!spec_want(r, field, v, JSON_STRING))
		return false;
	if (v->len == 0 || v->str[0] != '/') {
		spec_report_add(r, field, "not an absolute path: '%s'", Q(v));
		return false;
	}
	return true;
}

void spec_check_acidentifier(struct spec_report *r, const char *field,
			     const struct json_value *v)
{
	if (spec_want(r, field, v, JSON_STRING) && !spec_is_acidentifier(v->str, v->len))
		spec_report_add(r, field, "not an ACIdentifier: '%s'", Q(v));
}

static void check_string_array(struct spec_report *r, const char *field,
			       const struct json_value *v)
{
	if (!spec_want(r, field, v, JSON_ARRAY))
		return;
	for (size_t i = 0; i < v->n; i++)
		spec_want(r, IDX(field, i), v->items[i], JSON_STRING);
}

/* ------------------------------------------------------------------------ */
/* Lists of {name, value} (labels, annotations, environment). */

typedef void (*name_check_fn)(struct spec_report *r, const char *field,
			      const struct json_value *name);

struct name_value_kind {
	name_check_fn check_name;
	const char *what;
};

static const struct json_value *name_value(struct spec_report *r, const char *field, size_t i,
					   const char *elem, const struct json_value *e,
					   const struct json_value **names, void *ctx)
{
	const struct name_value_kind *k = ctx;
	const struct json_value *name = spec_required(r, elem, e, "name");
	const struct json_value *value = spec_required(r, elem, e, "value");
	long j;

	if (value)
		spec_want(r, KEY(elem, "value"), value, JSON_STRING);
	if (!name || !spec_want(r, KEY(elem, "name"), name, JSON_STRING))
		return NULL;
	k->check_name(r, KEY(elem, "name"), name);
	if ((j = spec_earlier(names, i, name)) >= 0)
		spec_report_add(r, KEY(elem, "name"), "duplicate %s '%s' (also %s[%ld])", k->what,
				Q(name), field, j);
	return name;
}

/* Checks each entry's name and value; returns the names (valid strings or
 * NULL) for the caller's own checks, or NULL when list is no array. */
static const struct json_value **check_name_values(struct spec_report *r, const char *field,
						   const struct json_value *list,
						   name_check_fn check_name, const char *what)
{
	struct name_value_kind k = { check_name, what };

	return spec_each_object(r, field, list, name_value, &k);
}

/* os/arch pairs as appc's types.ValidOSArch lists them (a superset of the
 * spec's text, which invites implementations to extend it). */
static const struct {
	const char *os;
	const char *const arch[11];
} os_arch[] = {
	{ "darwin", { "x86_64", "i386" } },
	{ "freebsd", { "amd64", "i386", "arm" } },
	{ "linux", { "amd64", "i386", "aarch64", "aarch64_be", "armv6l", "armv7l", "armv7b",
		     "ppc64", "ppc64le", "s390x" } },
};

static void label_name(struct spec_report *r, const char *field, const struct json_value *n)
{
	if (!spec_is_acidentifier(n->str, n->len))
		spec_report_add(r, field, "not an ACIdentifier: '%s'", Q(n));
	else if (json_is_string(n, "name"))
		spec_report_add(r, field, "a label cannot be called 'name' (that is the image's name)");
}

static void check_os_arch(struct spec_report *r, const char *field,
			  const struct json_value *list, const struct json_value **names)
{
	const struct json_value *os = NULL, *arch = NULL;
	size_t os_i = 0, arch_i = 0;
	char known[256] = "";

	for (size_t i = 0; i < list->n; i++) {
		const struct json_value *v;

		if (!names[i] || !(v = json_get(list->items[i], "value")) ||
		    v->type != JSON_STRING)
			continue;
		if (json_is_string(names[i], "os"))
			os = v, os_i = i;
		else if (json_is_string(names[i], "arch"))
			arch = v, arch_i = i;
	}
	if (!os)
		return; /* "arch is meaningful only if os is provided" */
	for (size_t k = 0; k < ARRAY_SIZE(os_arch); k++) {
		if (!json_is_string(os, os_arch[k].os)) {
			snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
				 k ? ", " : "", os_arch[k].os);
			continue;
		}
		if (!arch)
			return;
		known[0] = '\0';
		for (size_t a = 0; a < ARRAY_SIZE(os_arch[k].arch) && os_arch[k].arch[a]; a++) {
			if (json_is_string(arch, os_arch[k].arch[a]))
				return;
			snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
				 a ? ", " : "", os_arch[k].arch[a]);
		}
		spec_report_add(r, KEY(IDX(field, arch_i), "value"),
				"unknown arch '%s' for os '%s' (known: %s)", Q(arch),
				os_arch[k].os, known);
		return;
	}
	spec_report_add(r, KEY(IDX(field, os_i), "value"), "unknown os '%s' (known: %s)",
			Q(os), known);
}

void spec_check_labels(struct spec_report *r, const char *field, const struct json_value *v)
{
	const struct json_value **names = check_name_values(r, field, v, label_name, "label");

	if (names)
		check_os_arch(r, field, v, names);
	free(names);
}

/* ------------------------------------------------------------------------ */
/* Annotations. */

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* RFC 3339 date-time with the 'T' types.md insists on. */
static bool is_rfc3339(const char *s, size_t len)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t i = 19;
	int y, mo, d;

	if (len < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
	    !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return false;
	y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) ||
	    num(s + 11, 2) > 23 || num(s + 14, 2) > 59 || num(s + 17, 2) > 60)
		return false;
	if (s[i] == '.') {
		size_t start = ++i;

		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return false;
	}
	if (i + 1 == len && s[i] == 'Z')
		return true;
	return i + 6 == len && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) &&
	       s[i + 3] == ':' && digits(s + i + 4, 2) && num(s + i + 1, 2) <= 23 &&
	       num(s + i + 4, 2) <= 59;
}

/* An http or https URL with a host. */
static bool is_http_url(const char *s, size_t len)
{
	size_t i;

	if (len >= 7 && strncasecmp(s, "http://", 7) == 0)
		i = 7;
	else if (len >= 8 && strncasecmp(s, "https://", 8) == 0)
		i = 8;
	else
		return false;
	if (i == len || s[i] == '/' || s[i] == '?' || s[i] == '#')
		return false;
	for (; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

static void annotation_name(struct spec_report *r, const char *field,
			    const struct json_value *n)
{
	if (!spec_is_acidentifier(n->str, n->len))
		spec_report_add(r, field, "not an ACIdentifier: '%s'", Q(n));
}

void spec_check_annotations(struct spec_report *r, const char *field,
			    const struct json_value *v)
{
	const struct json_value **names = check_name_values(r, field, v, annotation_name,
							       "annotation");

	if (!names)
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct json_value *val;
		const char *f;

		if (!names[i] || !(val = json_get(v->items[i], "value")) ||
		    val->type != JSON_STRING)
			continue;
		f = KEY(IDX(field, i), "value");
		if (json_is_string(names[i], "created") && !is_rfc3339(val->str, val->len))
			spec_report_add(r, f, "not an RFC 3339 date-time: '%s'", Q(val));
		else if ((json_is_string(names[i], "homepage") ||
			  json_is_string(names[i], "documentation")) &&
			 !is_http_url(val->str, val->len))
			spec_report_add(r, f, "not an http or https URL: '%s'", Q(val));
		else if (json_is_string(names[i], "appc.io/executor/supports-systemd-notify") &&
			 !json_is_string(val, "true") && !json_is_string(val, "false"))
			spec_report_add(r, f, "must be 'true' or 'false', not '%s'", Q(val));
	}
	free(names);
}

/* ------------------------------------------------------------------------ */
/* The app. */

static void check_exec(struct spec_report *r, const char *field, const struct json_value *v)
{
	if (!spec_want(r, field, v, JSON_ARRAY))
		return;
	check_string_array(r, field, v);
	/* Not required absolute: the ACE searches PATH as exec(3) does. */
	if (v->n && v->items[0]->type == JSON_STRING && v->items[0]->len == 0)
		spec_report_add(r, IDX(field, 0), "the program name is empty");
}

static const struct json_value *event_handler(struct spec_report *r, const char *field,
					      size_t i, const char *elem,
					      const struct json_value *h,
					      const struct json_value **names, void *ctx)
{
	const struct json_value *exec = spec_required(r, elem, h, "exec"), *name;
	long j;

	if (exec)
		check_exec(r, KEY(elem, "exec"), exec);
	name = spec_required(r, elem, h, "name");
	if (!name || !spec_want(r, KEY(elem, "name"), name, JSON_STRING))
		return NULL;
	if (!json_is_string(name, "pre-start") && !json_is_string(name, "post-stop")) {
		spec_report_add(r, KEY(elem, "name"),
				"unknown event '%s' (known: pre-start, post-stop)", Q(name));
		return NULL;
	}
	if ((j = spec_earlier(names, i, name)) >= 0)
		spec_report_add(r, KEY(elem, "name"), "a second %s handler (the first is %s[%ld])",
				name->str, field, j);
	return name;
}

static void check_event_handlers(struct spec_report *r, const char *field,
				 const struct json_value *v)
{
	free(spec_each_object(r, field, v, event_handler, NULL));
}

static void env_name(struct spec_report *r, const char *field, const struct json_value *n)
{
	if (!spec_is_env_name(n->str, n->len))
		spec_report_add(r, field, "not an environment variable name: '%s' (letters, "
				"digits, '_', '.' and '-', not starting with a digit)", Q(n));
}

/*
 * The "name" of element i (path elem) of the array at field: an ACName
 * unlike the names of elements 0..i-1 in names[]. Returns it for names[i],
 * or NULL when it is missing or no ACName.
 */
const struct json_value *spec_check_unique_acname(struct spec_report *r, const char *field,
						  size_t i, const char *elem,
						  const struct json_value *obj,
						  const struct json_value **names, const char *what)
{
	const struct json_value *name = spec_required(r, elem, obj, "name");

	if (!name || !spec_want(r, KEY(elem, "name"), name, JSON_STRING))
		return NULL;
	long j;

	if (!spec_is_acname(name->str, name->len)) {
		spec_report_add(r, KEY(elem, "name"), "not an ACName: '%s'", Q(name));
		return NULL;
	}
	if ((j = spec_earlier(names, i, name)) >= 0)
		spec_report_add(r, KEY(elem, "name"), "duplicate %s '%s' (also %s[%ld])", what,
				Q(name), field, j);
	return name;
}

static const struct json_value *mount_point(struct spec_report *r, const char *field,
					    size_t i, const char *elem,
					    const struct json_value *m,
					    const struct json_value **names, void *ctx)
{
	const struct json_value *path = spec_required(r, elem, m, "path");
	const struct json_value *ro = spec_optional(m, "readOnly");

	if (path)
		spec_check_absolute(r, KEY(elem, "path"), path);
	if (ro)
		spec_want(r, KEY(elem, "readOnly"), ro, JSON_BOOL);
	return spec_check_unique_acname(r, field, i, elem, m, names, "mount point");
}

static void check_mount_points(struct spec_report *r, const char *field,
			       const struct json_value *v)
{
	free(spec_each_object(r, field, v, mount_point, NULL));
}

static const struct json_value *port(struct spec_report *r, const char *field, size_t i,
				     const char *elem, const struct json_value *pt,
				     const struct json_value **names, void *ctx)
{
	const struct json_value *proto, *port, *count, *sa;
	long long pn = 0, cn = 1;
	bool port_ok = false, count_ok = true;

	/* Required, but it "MAY be any value" (aci.md). */
	proto = spec_required(r, elem, pt, "protocol");
	if (proto)
		spec_want(r, KEY(elem, "protocol"), proto, JSON_STRING);
	port = spec_required(r, elem, pt, "port");
	if (port)
		port_ok = spec_check_int(r, KEY(elem, "port"), port, 1, 65535, &pn);
	count = spec_optional(pt, "count");
	if (count)
		count_ok = spec_check_int(r, KEY(elem, "count"), count, 1, 65535, &cn);
	if (port_ok && count_ok && pn + cn - 1 > 65535)
		spec_report_add(r, KEY(elem, "count"), "the range %lld-%lld ends beyond port 65535",
				pn, pn + cn - 1);
	sa = spec_optional(pt, "socketActivated");
	if (sa)
		spec_want(r, KEY(elem, "socketActivated"), sa, JSON_BOOL);
	return spec_check_unique_acname(r, field, i, elem, pt, names, "port");
}

void spec_check_port(struct spec_report *r, const char *field, const struct json_value *v)
{
	if (spec_want(r, field, v, JSON_OBJECT))
		port(r, field, 0, field, v, NULL, NULL);
}

static void check_ports(struct spec_report *r, const char *field, const struct json_value *v)
{
	free(spec_each_object(r, field, v, port, NULL));
}

void spec_check_app(struct spec_report *r, const char *field, const struct json_value *app)
{
	const struct json_value *v, *gids, *gids2;

	if (!spec_want(r, field, app, JSON_OBJECT))
		return;
	if ((v = spec_optional(app, "exec")))
		check_exec(r, KEY(field, "exec"), v);
	if ((v = spec_required(r, field, app, "user")) &&
	    spec_want(r, KEY(field, "user"), v, JSON_STRING) && v->len == 0)
		spec_report_add(r, KEY(field, "user"), "must not be empty");
	if ((v = spec_required(r, field, app, "group")) &&
	    spec_want(r, KEY(field, "group"), v, JSON_STRING) && v->len == 0)
		spec_report_add(r, KEY(field, "group"), "must not be empty");
	/* The schema's spelling and the one of the spec's own example. */
	gids = spec_optional(app, "supplementaryGIDs");
	gids2 = spec_optional(app, "supplementaryGids");
	if (gids && gids2)
		spec_report_add(r, KEY(field, "supplementaryGids"),
				"given twice, as supplementaryGIDs and supplementaryGids");
	v = gids ? gids : gids2;
	if (v) {
		struct path fp;
		const char *f = spec_at_key(&fp, field,
					    gids ? "supplementaryGIDs" : "supplementaryGids");

		if (spec_want(r, f, v, JSON_ARRAY))
			for (size_t i = 0; i < v->n; i++)
				/* (gid_t)-1 is no group: setgroups(2) refuses it. */
				spec_check_int(r, IDX(f, i), v->items[i], 0, UINT32_MAX - 1, NULL);
	}
	if ((v = spec_optional(app, "eventHandlers")))
		check_event_handlers(r, KEY(field, "eventHandlers"), v);
	if ((v = spec_optional(app, "workingDirectory")))
		spec_check_absolute(r, KEY(field, "workingDirectory"), v);
	if ((v = spec_optional(app, "environment")))
		free(check_name_values(r, KEY(field, "environment"), v, env_name,
				       "environment variable"));
	if ((v = spec_optional(app, "isolators")))
		spec_check_isolators(r, KEY(field, "isolators"), v, false);
	if ((v = spec_optional(app, "mountPoints")))
		check_mount_points(r, KEY(field, "mountPoints"), v);
	if ((v = spec_optional(app, "ports")))
		check_ports(r, KEY(field, "ports"), v);
	if ((v = spec_optional(app, "userAnnotations")))
		spec_check_string_map(r, KEY(field, "userAnnotations"), v);
	if ((v = spec_optional(app, "userLabels")))
		spec_check_string_map(r, KEY(field, "userLabels"), v);
}

/* ------------------------------------------------------------------------ */

/* "sha512-" and the 128 hex digits of a SHA-512 digest (types.md). */
bool spec_is_image_id(const char *s, size_t len)
{
	if (len != 7 + 128 || memcmp(s, "sha512-", 7) != 0)
		return false;
	for (size_t i = 7; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static const struct json_value *dependency(struct spec_report *r, const char *field,
					   size_t i, const char *elem,
					   const struct json_value *d,
					   const struct json_value **names, void *ctx)
{
	const struct json_value *x;

	if ((x = spec_required(r, elem, d, "imageName")))
		spec_check_acidentifier(r, KEY(elem, "imageName"), x);
	if ((x = spec_optional(d, "imageID")) && spec_want(r, KEY(elem, "imageID"), x, JSON_STRING) &&
	    !spec_is_image_id(x->str, x->len))
		spec_report_add(r, KEY(elem, "imageID"),
				"not an image ID: '%s' (want 'sha512-' and 128 "
				"lower-case hex digits)", Q(x));
	if ((x = spec_optional(d, "labels")))
		spec_check_labels(r, KEY(elem, "labels"), x);
	if ((x = spec_optional(d, "size")))
		spec_check_int(r, KEY(elem, "size"), x, 0, INT64_MAX, NULL);
	return NULL;
}

static void check_dependencies(struct spec_report *r, const char *field,
			       const struct json_value *v)
{
	free(spec_each_object(r, field, v, dependency, NULL));
}

void spec_check_acversion(struct spec_report *r, const struct json_value *m)
{
	const struct json_value *v;

	if ((v = spec_required(r, "", m, "acVersion")) && spec_want(r, "acVersion", v, JSON_STRING)) {
		unsigned long long major = 0;

		if (spec_has_nul(v) || !spec_is_semver(v->str, v->len, &major))
			spec_report_add(r, "acVersion", "not a SemVer 2.0.0 version: '%s'", Q(v));
		else if (json_is_string(v, "0.0.0"))
			spec_report_add(r, "acVersion", "0.0.0 is no version of the spec");
		else if (major != 0)
			spec_report_add(r, "acVersion", "major version %llu: the spec knows only "
					"0.x (up to 0.8.11), and majors are incompatible", major);
	}
}

struct json_value *spec_parse_manifest(const char *text, size_t len, const char *kind,
					struct spec_report *r)
{
	struct act_err err = { 0 };
	struct json_value *m = json_parse(text, len, &err);
	const struct json_value *v;

	if (!m) {
		spec_report_add(r, "", "not JSON: %s", err.msg);
		return NULL;
	}
	if (!spec_want(r, "", m, JSON_OBJECT)) {
		json_free(m);
		return NULL;
	}
	if ((v = spec_required(r, "", m, "acKind")) && spec_want(r, "acKind", v, JSON_STRING) &&
	    !json_is_string(v, kind))
		spec_report_add(r, "acKind", "must be '%s', not '%s'", kind, Q(v));
	spec_check_acversion(r, m);
	return m;
}

size_t spec_check_manifest(const char *text, size_t len, struct spec_report *r)
{
	size_t n0 = r->n;
	struct json_value *m = spec_parse_manifest(text, len, "ImageManifest", r);
	const struct json_value *v;

	if (!m)
		return r->n - n0;
	if ((v = spec_required(r, "", m, "name")))
		spec_check_acidentifier(r, "name", v);
	if ((v = spec_optional(m, "labels")))
		spec_check_labels(r, "labels", v);
	if ((v = spec_optional(m, "app")))
		spec_check_app(r, "app", v);
	if ((v = spec_optional(m, "annotations")))
		spec_check_annotations(r, "annotations", v);
	if ((v = spec_optional(m, "dependencies")))
		check_dependencies(r, "dependencies", v);
	if ((v = spec_optional(m, "pathWhitelist")) && spec_want(r, "pathWhitelist", v, JSON_ARRAY))
		for (size_t i = 0; i < v->n; i++)
			spec_check_absolute(r, IDX("pathWhitelist", i), v->items[i]);
	json_free(m);
	return r->n - n0;
}
