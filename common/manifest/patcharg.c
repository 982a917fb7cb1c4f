// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json/json.h"
#include "common/json/jsongen.h"
#include "common/base/macro.h"
#include "common/manifest/patcharg-internal.h"
#include "common/spec/spec.h"

int patcharg_name(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	if (pa_once(p->name, err) < 0)
		return -1;
	if (!pa_is_acidentifier(arg))
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

	if (pa_once(p->nexec, err) < 0)
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
	/* As validate: not absolute, for the ACE searches PATH as exec(3) does. */
	if (!words.v[0][0]) {
		act_err_set(err, EINVAL, "the program name is empty");
		goto fail;
	}
	for (size_t i = 0; i < words.n; i++)
		if (pa_check_utf8(words.v[i], err) < 0)
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
	if (pa_once(*dst, err) < 0)
		return -1;
	if (!*arg)
		return act_err_set(err, EINVAL, "empty");
	if (pa_check_utf8(arg, err) < 0)
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

	if (pa_once(p->ngids, err) < 0)
		return -1;
	f = pa_split(arg, ',');
	gids = xmalloc(f.n * sizeof(*gids));
	for (size_t i = 0; i < f.n; i++) {
		unsigned long long v;

		/* (gid_t)-1 means "no group" to the kernel's calls. */
		if (pa_parse_uint(f.v[i], UINT32_MAX - 1, &v) < 0) {
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
	if (!pa_is_acname(it->name))
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

/* The mount points of items (taken over). */
static int mounts_of(struct manifest_patch *p, struct strv items, struct act_err *err)
{
	static const char *const keys[] = { "path", "readOnly", NULL };
	struct manifest_mount *m;

	if (pa_once(p->nmounts, err) < 0) {
		strv_free(&items);
		return -1;
	}
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
		else if (ro && pa_parse_bool(ro, &m[i].read_only) < 0)
			act_err_set(err, EINVAL, "'%s': readOnly '%s' is not true or false",
				    SHOW(items.v[i]), SHOW(ro));
		else if (pa_check_utf8(path, err) == 0)
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
	if (pa_check_utf8(proto, err) < 0)
		return -1;
	if (!port)
		return act_err_set(err, EINVAL, "'%s': no port=", SHOW(text));
	if (pa_parse_uint(port, 65535, &v) < 0 || v == 0)
		return act_err_set(err, EINVAL, "'%s': port '%s' is not 1 to 65535", SHOW(text),
				   SHOW(port));
	if (count && (pa_parse_uint(count, 65535, &c) < 0 || c == 0))
		return act_err_set(err, EINVAL, "'%s': count '%s' is not 1 to 65535",
				   SHOW(text), SHOW(count));
	if (v + c - 1 > 65535)
		return act_err_set(err, EINVAL, "'%s': the range ends past port 65535",
				   SHOW(text));
	if (sa && pa_parse_bool(sa, &pt->socket_activated) < 0)
		return act_err_set(err, EINVAL, "'%s': socketActivated '%s' is not true or false",
				   SHOW(text), SHOW(sa));
	pt->protocol = xstrdup(proto);
	pt->port = (unsigned)v;
	pt->count = (unsigned)c;
	return 0;
}

static int ports_of(struct manifest_patch *p, struct strv items, struct act_err *err)
{
	static const char *const keys[] = { "protocol", "port", "count", "socketActivated",
					    NULL };
	struct manifest_port *pt;

	if (pa_once(p->nports, err) < 0) {
		strv_free(&items);
		return -1;
	}
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

/* One item, whole: a path may hold ':' here. */
static struct strv one(const char *arg)
{
	struct strv sv = { 0 };

	strv_add(&sv, xstrdup(arg));
	return sv;
}

int patcharg_mounts(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	return mounts_of(p, pa_split(arg, ':'), err);
}

int patcharg_mount(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	return mounts_of(p, one(arg), err);
}

int patcharg_ports(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	return ports_of(p, pa_split(arg, ':'), err);
}

int patcharg_port(struct manifest_patch *p, const char *arg, struct act_err *err)
{
	return ports_of(p, one(arg), err);
}

int patcharg_finish(struct manifest_patch *p, struct act_err *err)
{
	if (p->seccomp_kind != MANIFEST_SECCOMP_NONE && !p->nseccomp)
		return act_err_set(err, EINVAL, "--seccomp-mode needs --seccomp-set");
	if (p->seccomp_kind == MANIFEST_SECCOMP_NONE && p->nseccomp)
		return act_err_set(err, EINVAL, "--seccomp-set needs --seccomp-mode");
	return 0;
}
