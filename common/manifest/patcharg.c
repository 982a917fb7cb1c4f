// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/base/macro.h"
#include "common/manifest/patcharg.h"
#include "common/spec/spec.h"

/* A user string for one line of a message: at most 64 bytes, no controls. */
struct shown {
	char str[80];
};

static struct shown show(const char *s, size_t len)
{
	struct shown r;
	size_t o = 0;

	for (size_t i = 0; i < len && o < 64; i++) {
		unsigned char c = (unsigned char)s[i];

		r.str[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (o < len)
		memcpy(r.str + o, "...", 3), o += 3;
	r.str[o] = '\0';
	return r;
}
#define SHOW(s) (show((s), strlen(s)).str)

/* ---- the spec's types (spec.h) ------------------------------------------ */

static bool is_acidentifier(const char *s)
{
	return spec_is_acidentifier(s, strlen(s));
}

static bool is_acname(const char *s)
{
	return spec_is_acname(s, strlen(s));
}

/* The text as a JSON string: fails on invalid UTF-8. */
static int check_utf8(const char *s, struct act_err *err)
{
	size_t len;
	char *q = json_gen_string(s, strlen(s), &len, err);

	if (!q)
		return -1;
	free(q);
	return 0;
}

/* Go's strconv.ParseBool, which actool uses for readOnly and socketActivated. */
static int parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (streq(s, yes[i]) || streq(s, no[i])) {
			*b = streq(s, yes[i]);
			return 0;
		}
	}
	return -1;
}

/* Digits only, at most max. */
static int parse_uint(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

/*
 * A resource quantity as appc's parser (a copy of Kubernetes') reads it, less
 * the signs: a decimal number, then a decimal (n u m k M G T P E) or binary
 * (Ki ... Ei) suffix, or an exponent. spec/ace.md lists "K", which that
 * parser refuses: it is refused here too, with a hint.
 */
static int check_quantity(const char *s, struct act_err *err)
{
	static const char *const suffixes[] = { "",   "n",  "u",  "m",  "k",  "M",  "G",
						"T",  "P",  "E",  "Ki", "Mi", "Gi", "Ti",
						"Pi", "Ei" };
	const char *p = s;
	size_t digits = 0;

	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return act_err_set(err, EINVAL, "'%s' is not a quantity (a number, then "
				   "an optional suffix: m, k, M, G, Ki, Mi, Gi, ...)", SHOW(s));
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++)
		if (streq(p, suffixes[i]))
			return 0;
	if ((*p == 'e' || *p == 'E') && p[1]) {
		const char *x = p + 1 + (p[1] == '+' || p[1] == '-');

		if (*x && strspn(x, "0123456789") == strlen(x))
			return 0;
	}
	if (streq(p, "K"))
		return act_err_set(err, EINVAL, "'%s': the suffix K is not understood by "
				   "appc's parser: use k (1000) or Ki (1024)", SHOW(s));
	return act_err_set(err, EINVAL, "'%s': unknown suffix '%s' (known: m, k, M, G, "
			   "T, P, E, Ki, Mi, Gi, Ti, Pi, Ei)", SHOW(s), SHOW(p));
}

/* ---- splitting ---------------------------------------------------------- */

struct strv {
	char **v;
	size_t n;
};

static void strv_add(struct strv *sv, char *s)
{
	sv->v = xrealloc(sv->v, (sv->n + 1) * sizeof(*sv->v));
	sv->v[sv->n++] = s;
}

static void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	*sv = (struct strv){ 0 };
}

/* Split s at every sep; empty pieces are kept. */
static struct strv split(const char *s, char sep)
{
	struct strv sv = { 0 };
	const char *p;

	while ((p = strchr(s, sep))) {
		strv_add(&sv, xstrndup(s, (size_t)(p - s)));
		s = p + 1;
	}
	strv_add(&sv, xstrdup(s));
	return sv;
}

static bool strv_has(const struct strv *sv, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (streq(sv->v[i], s))
			return true;
	return false;
}

/*
 * "NAME,key=value,..." as actool's --mounts, --ports and --isolators take
 * it: the name, then fields split at their first '='. keys lists the known
 * keys; each may be given once.
 */
struct item {
	char *name;
	struct strv keys, values;
};

static void item_free(struct item *it)
{
	free(it->name);
	strv_free(&it->keys);
	strv_free(&it->values);
}

static int parse_item(const char *text, const char *const *keys, struct item *it,
		      struct act_err *err)
{
	struct strv f = split(text, ',');
	int r = -1;

	*it = (struct item){ .name = steal_ptr(&f.v[0]) };
	for (size_t i = 1; i < f.n; i++) {
		char *eq = strchr(f.v[i], '=');
		size_t k;

		if (!eq) {
			act_err_set(err, EINVAL, "'%s': '%s' is not KEY=VALUE", SHOW(text),
				    SHOW(f.v[i]));
			goto out;
		}
		*eq = '\0';
		for (k = 0; keys[k] && !streq(keys[k], f.v[i]); k++)
			;
		if (!keys[k]) {
			act_err_set(err, EINVAL, "'%s': unknown key '%s'", SHOW(text),
				    SHOW(f.v[i]));
			goto out;
		}
		if (strv_has(&it->keys, it->keys.n, f.v[i])) {
			act_err_set(err, EINVAL, "'%s': '%s' given twice", SHOW(text),
				    SHOW(f.v[i]));
			goto out;
		}
		strv_add(&it->keys, xstrdup(f.v[i]));
		strv_add(&it->values, xstrdup(eq + 1));
	}
	r = 0;
out:
	strv_free(&f);
	if (r < 0)
		item_free(it);
	return r;
}

static const char *item_get(const struct item *it, const char *key)
{
	for (size_t i = 0; i < it->keys.n; i++)
		if (streq(it->keys.v[i], key))
			return it->values.v[i];
	return NULL;
}

/* ---- the options --------------------------------------------------------- */

static int once(bool given, struct act_err *err)
{
	return given ? act_err_set(err, EINVAL, "given twice") : 0;
}

int patcharg_name(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	if (once(p->name, err) < 0)
		return -1;
	if (!is_acidentifier(arg))
		return act_err_set(err, EINVAL, "'%s' is not an AC identifier (lower-case "
				   "letters and digits, in runs joined by one of -._~/)",
				   SHOW(arg));
	p->name = xstrdup(arg);
	return 0;
}

int patcharg_exec(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	struct strv words = { 0 };
	char *w = NULL;
	size_t wlen = 0;
	const char *s = arg;
	char quote = 0;
	bool in_word = false;

	if (once(p->nexec, err) < 0)
		return -1;
	w = xmalloc(strlen(arg) + 1);
	for (;; s++) {
		char c = *s;

		if (quote == '\'' && c && c != '\'') {
			w[wlen++] = c;
		} else if (quote == '"' && c == '\\' && (s[1] == '"' || s[1] == '\\')) {
			w[wlen++] = *++s;
		} else if (quote && c && c != quote) {
			w[wlen++] = c;
		} else if (quote && c == quote) {
			quote = 0;
		} else if (quote) {
			act_err_set(err, EINVAL, "'%s': unterminated %s quote", SHOW(arg),
				    quote == '"' ? "double" : "single");
			goto fail;
		} else if (c == '\\') {
			if (!s[1]) {
				act_err_set(err, EINVAL, "'%s' ends in a backslash", SHOW(arg));
				goto fail;
			}
			w[wlen++] = *++s;
			in_word = true;
		} else if (c == '\'' || c == '"') {
			quote = c;
			in_word = true;
		} else if (c == ' ' || c == '\t' || c == '\n' || !c) {
			if (in_word)
				strv_add(&words, xstrndup(w, wlen));
			in_word = false;
			wlen = 0;
			if (!c)
				break;
		} else {
			w[wlen++] = c;
			in_word = true;
		}
	}
	free(w);
	w = NULL;
	if (!words.n) {
		act_err_set(err, EINVAL, "no command");
		goto fail;
	}
	if (words.v[0][0] != '/') {
		act_err_set(err, EINVAL, "'%s' is not an absolute path (the spec requires one)",
			    SHOW(words.v[0]));
		goto fail;
	}
	for (size_t i = 0; i < words.n; i++)
		if (check_utf8(words.v[i], err) < 0)
			goto fail;
	p->exec = words.v;
	p->nexec = words.n;
	return 0;
fail:
	free(w);
	strv_free(&words);
	return -1;
}

static int free_string(char **dst, const char *arg, struct act_err *err)
{
	if (once(*dst, err) < 0)
		return -1;
	if (!*arg)
		return act_err_set(err, EINVAL, "empty");
	if (check_utf8(arg, err) < 0)
		return -1;
	*dst = xstrdup(arg);
	return 0;
}

int patcharg_user(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	return free_string(&p->user, arg, err);
}

int patcharg_group(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	return free_string(&p->group, arg, err);
}

int patcharg_supplementary_groups(struct manifest_patch *p, const char *arg,
				  struct act_err *err)
{
	struct strv f;
	uint32_t *gids;

	if (once(p->ngids, err) < 0)
		return -1;
	f = split(arg, ',');
	gids = xmalloc(f.n * sizeof(*gids));
	for (size_t i = 0; i < f.n; i++) {
		unsigned long long v;

		/* (gid_t)-1 means "no group" to the kernel's calls. */
		if (parse_uint(f.v[i], UINT32_MAX - 1, &v) < 0) {
			act_err_set(err, EINVAL, "'%s' is not a group id (0 to 4294967294)",
				    SHOW(f.v[i]));
			free(gids);
			strv_free(&f);
			return -1;
		}
		gids[i] = (uint32_t)v;
	}
	p->gids = gids;
	p->ngids = f.n;
	strv_free(&f);
	return 0;
}

static int check_name(const struct item *it, const char *what, const struct strv *items,
		      size_t i, struct act_err *err)
{
	if (!is_acname(it->name))
		return act_err_set(err, EINVAL, "%s name '%s' is not an AC name (lower-case "
				   "letters and digits, in runs joined by '-')", what,
				   SHOW(it->name));
	for (size_t j = 0; j < i; j++) {
		size_t n = strcspn(items->v[j], ",");

		if (strlen(it->name) == n && memcmp(items->v[j], it->name, n) == 0)
			return act_err_set(err, EINVAL, "%s '%s' given twice", what,
					   SHOW(it->name));
	}
	return 0;
}

int patcharg_mounts(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	static const char *const keys[] = { "path", "readOnly", NULL };
	struct strv items;
	struct manifest_mount *m;

	if (once(p->nmounts, err) < 0)
		return -1;
	items = split(arg, ':');
	m = xcalloc(items.n, sizeof(*m));
	for (size_t i = 0; i < items.n; i++) {
		struct item it;
		const char *path, *ro;
		int r = -1;

		if (parse_item(items.v[i], keys, &it, err) < 0)
			goto fail;
		path = item_get(&it, "path");
		ro = item_get(&it, "readOnly");
		if (check_name(&it, "mount point", &items, i, err) < 0)
			;
		else if (!path)
			act_err_set(err, EINVAL, "'%s': no path=", SHOW(items.v[i]));
		else if (path[0] != '/')
			act_err_set(err, EINVAL, "'%s': path '%s' is not absolute",
				    SHOW(items.v[i]), SHOW(path));
		else if (ro && parse_bool(ro, &m[i].read_only) < 0)
			act_err_set(err, EINVAL, "'%s': readOnly '%s' is not true or false",
				    SHOW(items.v[i]), SHOW(ro));
		else if (check_utf8(path, err) == 0)
			r = 0;
		if (r == 0) {
			m[i].name = steal_ptr(&it.name);
			m[i].path = xstrdup(path);
		}
		item_free(&it);
		if (r < 0)
			goto fail;
	}
	p->mounts = m;
	p->nmounts = items.n;
	strv_free(&items);
	return 0;
fail:
	for (size_t i = 0; i < items.n; i++)
		free(m[i].name), free(m[i].path);
	free(m);
	strv_free(&items);
	return -1;
}

static int port_item(const char *text, const struct item *it, struct manifest_port *pt,
		     struct act_err *err)
{
	const char *proto = item_get(it, "protocol"), *port = item_get(it, "port");
	const char *count = item_get(it, "count"), *sa = item_get(it, "socketActivated");
	unsigned long long v, c = 1;

	if (!proto || !*proto)
		return act_err_set(err, EINVAL, "'%s': no protocol= (tcp, udp, ...)",
				   SHOW(text));
	if (check_utf8(proto, err) < 0)
		return -1;
	if (!port)
		return act_err_set(err, EINVAL, "'%s': no port=", SHOW(text));
	if (parse_uint(port, 65535, &v) < 0 || v == 0)
		return act_err_set(err, EINVAL, "'%s': port '%s' is not 1 to 65535", SHOW(text),
				   SHOW(port));
	if (count && (parse_uint(count, 65535, &c) < 0 || c == 0))
		return act_err_set(err, EINVAL, "'%s': count '%s' is not 1 to 65535",
				   SHOW(text), SHOW(count));
	if (v + c - 1 > 65535)
		return act_err_set(err, EINVAL, "'%s': the range ends past port 65535",
				   SHOW(text));
	if (sa && parse_bool(sa, &pt->socket_activated) < 0)
		return act_err_set(err, EINVAL, "'%s': socketActivated '%s' is not true or false",
				   SHOW(text), SHOW(sa));
	pt->protocol = xstrdup(proto);
	pt->port = (unsigned)v;
	pt->count = (unsigned)c;
	return 0;
}

int patcharg_ports(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	static const char *const keys[] = { "protocol", "port", "count", "socketActivated",
					    NULL };
	struct strv items;
	struct manifest_port *pt;

	if (once(p->nports, err) < 0)
		return -1;
	items = split(arg, ':');
	pt = xcalloc(items.n, sizeof(*pt));
	for (size_t i = 0; i < items.n; i++) {
		struct item it;
		int r;

		if (parse_item(items.v[i], keys, &it, err) < 0)
			goto fail;
		r = check_name(&it, "port", &items, i, err);
		if (r == 0)
			r = port_item(items.v[i], &it, &pt[i], err);
		if (r == 0)
			pt[i].name = steal_ptr(&it.name);
		item_free(&it);
		if (r < 0)
			goto fail;
	}
	p->ports = pt;
	p->nports = items.n;
	strv_free(&items);
	return 0;
fail:
	for (size_t i = 0; i < items.n; i++)
		free(pt[i].name), free(pt[i].protocol);
	free(pt);
	strv_free(&items);
	return -1;
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

	if (once(p->nisolators, err) < 0)
		return -1;
	items = split(arg, ':');
	iso = xcalloc(items.n, sizeof(*iso));
	for (size_t i = 0; i < items.n; i++) {
		const char *text = items.v[i];
		size_t nlen = strcspn(text, ","), k;
		char *name = xstrndup(text, nlen);

		iso[i].name = name;
		for (k = 0; k < ARRAY_SIZE(isolator_kinds); k++)
			if (streq(name, isolator_kinds[k].name))
				break;
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

	if (once(p->seccomp_kind != MANIFEST_SECCOMP_NONE, err) < 0)
		return -1;
	f = split(arg, ',');
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

	if (once(p->nseccomp, err) < 0)
		return -1;
	f = split(arg, ',');
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

int patcharg_finish(struct manifest_patch *p, struct act_err *err)
{
	if (p->seccomp_kind != MANIFEST_SECCOMP_NONE && !p->nseccomp)
		return act_err_set(err, EINVAL, "--seccomp-mode needs --seccomp-set");
	if (p->seccomp_kind == MANIFEST_SECCOMP_NONE && p->nseccomp)
		return act_err_set(err, EINVAL, "--seccomp-set needs --seccomp-mode");
	return 0;
}
