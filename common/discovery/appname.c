// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/base/macro.h"
#include "common/discovery/appname.h"
#include "common/spec/types.h"

static void add_label(struct disc_app *app, const char *name, size_t nlen, const char *value,
		      size_t vlen)
{
	app->labels = xrealloc(app->labels, (app->n_labels + 1) * sizeof(*app->labels));
	app->labels[app->n_labels].name = xstrndup(name, nlen);
	app->labels[app->n_labels].value = xstrndup(value, vlen);
	app->n_labels++;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct disc_app *app, struct act_err *err, const char *fmt, ...)
{
	va_list ap;

	disc_app_free(app);
	va_start(ap, fmt);
	act_err_setv(err, EINVAL, fmt, ap);
	va_end(ap);
	return -1;
}

int disc_app_parse(const char *s, struct disc_app *app, struct act_err *err)
{
	const char *comma = strchr(s, ','), *colon = strchr(s, ':');
	const char *end = s + strlen(s);
	size_t nlen;

	memset(app, 0, sizeof(*app));
	/* appc's rules, on the whole string: a value cannot hold a ':'. */
	if (colon && comma && colon > comma)
		return fail(app, err, "'%s': a colon may only come right after the name", s);
	if (colon && strchr(colon + 1, ':'))
		return fail(app, err, "'%s': more than one colon", s);
	nlen = (size_t)((colon ? colon : comma ? comma : end) - s);
	if (!spec_is_acidentifier(s, nlen))
		return fail(app, err,
			    "'%s': '%.*s' is not an image name (an AC identifier: lower-case "
			    "letters and digits, single -._~/ between them)",
			    s, (int)nlen, s);
	app->name = xstrndup(s, nlen);
	if (colon)
		add_label(app, "version", 7, colon + 1,
			  (size_t)((comma ? comma : end) - (colon + 1)));
	while (comma) {
		const char *item = comma + 1, *stop, *eq;
		int klen;

		comma = strchr(item, ',');
		stop = comma ? comma : end;
		eq = memchr(item, '=', (size_t)(stop - item));
		if (!eq)
			return fail(app, err, "'%s': label '%.*s' has no value (LABEL=VALUE)", s,
				    (int)(stop - item), item);
		klen = (int)(eq - item);
		if (klen == 4 && strncmp(item, "name", 4) == 0)
			return fail(app, err, "'%s': 'name' is not a label: the image name comes first",
				    s);
		if (!spec_is_acidentifier(item, (size_t)klen))
			return fail(app, err, "'%s': label name '%.*s' is not an AC identifier", s,
				    klen, item);
		for (size_t i = 0; i < app->n_labels; i++)
			if (strlen(app->labels[i].name) == (size_t)klen &&
			    strncmp(app->labels[i].name, item, (size_t)klen) == 0)
				return fail(app, err, "'%s': label '%.*s' given twice", s, klen, item);
		add_label(app, item, (size_t)klen, eq + 1, (size_t)(stop - eq - 1));
	}
	return 0;
}

void disc_app_free(struct disc_app *app)
{
	for (size_t i = 0; i < app->n_labels; i++) {
		free(app->labels[i].name);
		free(app->labels[i].value);
	}
	free(app->labels);
	free(app->name);
	memset(app, 0, sizeof(*app));
}

const char *disc_app_label(const struct disc_app *app, const char *name)
{
	for (size_t i = 0; i < app->n_labels; i++)
		if (streq(app->labels[i].name, name))
			return app->labels[i].value;
	return NULL;
}

void disc_app_default(struct disc_app *app, const char *name, const char *def)
{
	for (size_t i = 0; i < app->n_labels; i++) {
		if (!streq(app->labels[i].name, name))
			continue;
		if (!app->labels[i].value[0]) {
			free(app->labels[i].value);
			app->labels[i].value = xstrdup(def);
		}
		return;
	}
	add_label(app, name, strlen(name), def, strlen(def));
}

const char *disc_host_os(void)
{
#if defined(__linux__)
	return "linux";
#elif defined(__FreeBSD__)
	return "freebsd";
#else
	return "unknown";
#endif
}

const char *disc_host_arch(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return "amd64";
#elif defined(__i386__)
	return "386";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__)
	return "arm";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "ppc64le";
#elif defined(__powerpc64__)
	return "ppc64";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#elif defined(__loongarch64)
	return "loong64";
#elif defined(__mips64) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "mips64le";
#elif defined(__mips64)
	return "mips64";
#elif defined(__mips__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "mipsle";
#elif defined(__mips__)
	return "mips";
#else
	/* Go has no name for it (no actool runs here): the kernel's. */
	static struct utsname u;

	if (!u.machine[0] && uname(&u) < 0)
		return "unknown";
	return u.machine;
#endif
}
