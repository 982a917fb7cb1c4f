// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/caps/capname.h"
#include "common/base/macro.h"
#include "common/spec/specfield.h"
#include "common/spec/specisolator.h"
#include "common/spec/types.h"

/*
 * The isolators of spec/ace.md and the two appc's code adds (oom-score-adj,
 * cpu-shares): their value shapes, how many an app may have, which exclude
 * each other. Other names are fine with any value: an executor may ignore
 * isolators it does not know.
 */
struct iso_ctx {
	struct spec_report *r;
	const char *field; /* the isolator's "value" */
	const struct json_value *v;
};

static void iso_bool(struct iso_ctx *c)
{
	spec_want(c->r, c->field, c->v, JSON_BOOL);
}

/* A resource quantity (types.h), or a JSON number; its value in base units
 * goes to *out. */
static bool quantity(struct spec_report *r, const char *field, const struct json_value *v,
		     double *out)
{
	char *end;
	double n;

	if (v->type == JSON_NUMBER) {
		n = strtod(v->str, &end);
		if (n < 0) {
			spec_report_add(r, field, "a quantity cannot be negative: %s", v->str);
			return false;
		}
		*out = n;
		return true;
	}
	if (v->type != JSON_STRING) {
		spec_report_add(r, field, "must be a quantity (a string such as '500m' or "
				"'1Gi', or a number), not %s", spec_type_name(v->type));
		return false;
	}
	if (!spec_has_nul(v) && spec_is_quantity(v->str, v->len, out))
		return true;
	if (v->len && v->str[0] == '-')
		spec_report_add(r, field, "a quantity cannot be negative: '%s'", Q(v));
	else
		spec_report_add(r, field, "not a quantity: '%s' (a decimal with an optional "
				"suffix: m, k, K, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei)", Q(v));
	return false;
}

static void iso_request_limit(struct iso_ctx *c)
{
	const struct json_value *req, *lim;
	double rq = 0, lm = 0;
	bool rok, lok;

	if (!spec_want(c->r, c->field, c->v, JSON_OBJECT))
		return;
	req = spec_optional(c->v, "request");
	lim = spec_optional(c->v, "limit");
	rok = req && quantity(c->r, KEY(c->field, "request"), req, &rq);
	lok = lim && quantity(c->r, KEY(c->field, "limit"), lim, &lm);
	if (!req && !lim)
		spec_report_add(c->r, c->field, "has neither a request nor a limit");
	if (rok && lok && rq > lm)
		spec_report_add(c->r, KEY(c->field, "request"),
				"the request is more than the limit");
}

/* block-bandwidth, block-iops, network-bandwidth. */
static void iso_default_limit(struct iso_ctx *c)
{
	const struct json_value *def, *lim;
	double lm;

	if (!spec_want(c->r, c->field, c->v, JSON_OBJECT))
		return;
	def = spec_required(c->r, c->field, c->v, "default");
	if (def && spec_want(c->r, KEY(c->field, "default"), def, JSON_BOOL) && !def->boolean)
		spec_report_add(c->r, KEY(c->field, "default"), "must be true");
	lim = spec_required(c->r, c->field, c->v, "limit");
	if (lim)
		quantity(c->r, KEY(c->field, "limit"), lim, &lm);
	if (spec_optional(c->v, "request"))
		spec_report_add(c->r, KEY(c->field, "request"),
				"this resource takes no request, only a limit");
}

static const struct json_value *set_member(struct iso_ctx *c)
{
	const struct json_value *set;

	if (!spec_want(c->r, c->field, c->v, JSON_OBJECT))
		return NULL;
	set = spec_required(c->r, c->field, c->v, "set");
	if (!set || !spec_want(c->r, KEY(c->field, "set"), set, JSON_ARRAY))
		return NULL;
	if (set->n == 0) {
		spec_report_add(c->r, KEY(c->field, "set"), "must not be empty");
		return NULL;
	}
	return set;
}

static void iso_caps(struct iso_ctx *c)
{
	const struct json_value *set = set_member(c);

	for (size_t i = 0; set && i < set->n; i++) {
		const struct json_value *s = set->items[i];
		const char *f = IDX(KEY(c->field, "set"), i);
		int cap;

		if (!spec_want(c->r, f, s, JSON_STRING))
			continue;
		for (cap = 0; cap < ACT_CAP_COUNT; cap++)
			if (json_is_string(s, capname_name(cap)))
				break;
		if (cap < ACT_CAP_COUNT)
			continue;
		cap = spec_has_nul(s) ? -1 : capname_parse(s->str, NULL);
		if (cap >= 0)
			spec_report_add(c->r, f, "'%s' is spelt '%s'", Q(s), capname_name(cap));
		else
			spec_report_add(c->r, f, "unknown capability '%s'", Q(s));
	}
}

/* Linux's errno names (asm-generic/errno*.h) and POSIX's ENOTSUP. */
static const char *const errno_names[] = {
	"E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EADV", "EAFNOSUPPORT", "EAGAIN",
	"EALREADY", "EBADE", "EBADF", "EBADFD", "EBADMSG", "EBADR", "EBADRQC", "EBADSLT",
	"EBFONT", "EBUSY", "ECANCELED", "ECHILD", "ECHRNG", "ECOMM", "ECONNABORTED",
	"ECONNREFUSED", "ECONNRESET", "EDEADLK", "EDEADLOCK", "EDESTADDRREQ", "EDOM",
	"EDOTDOT", "EDQUOT", "EEXIST", "EFAULT", "EFBIG", "EHOSTDOWN", "EHOSTUNREACH",
	"EHWPOISON", "EIDRM", "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN",
	"EISDIR", "EISNAM", "EKEYEXPIRED", "EKEYREJECTED", "EKEYREVOKED", "EL2HLT",
	"EL2NSYNC", "EL3HLT", "EL3RST", "ELIBACC", "ELIBBAD", "ELIBEXEC", "ELIBMAX",
	"ELIBSCN", "ELNRNG", "ELOOP", "EMEDIUMTYPE", "EMFILE", "EMLINK", "EMSGSIZE",
	"EMULTIHOP", "ENAMETOOLONG", "ENAVAIL", "ENETDOWN", "ENETRESET", "ENETUNREACH",
	"ENFILE", "ENOANO", "ENOBUFS", "ENOCSI", "ENODATA", "ENODEV", "ENOENT", "ENOEXEC",
	"ENOKEY", "ENOLCK", "ENOLINK", "ENOMEDIUM", "ENOMEM", "ENOMSG", "ENONET", "ENOPKG",
	"ENOPROTOOPT", "ENOSPC", "ENOSR", "ENOSTR", "ENOSYS", "ENOTBLK", "ENOTCONN",
	"ENOTDIR", "ENOTEMPTY", "ENOTNAM", "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP", "ENOTTY",
	"ENOTUNIQ", "ENXIO", "EOPNOTSUPP", "EOVERFLOW", "EOWNERDEAD", "EPERM",
	"EPFNOSUPPORT", "EPIPE", "EPROTO", "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE",
	"EREMCHG", "EREMOTE", "EREMOTEIO", "ERESTART", "ERFKILL", "EROFS", "ESHUTDOWN",
	"ESOCKTNOSUPPORT", "ESPIPE", "ESRCH", "ESRMNT", "ESTALE", "ESTRPIPE", "ETIME",
	"ETIMEDOUT", "ETOOMANYREFS", "ETXTBSY", "EUCLEAN", "EUNATCH", "EUSERS",
	"EWOULDBLOCK", "EXDEV", "EXFULL",
};

static void iso_seccomp(struct iso_ctx *c, const char *wildcard)
{
	const struct json_value *set = set_member(c), *err;

	for (size_t i = 0; set && i < set->n; i++) {
		const struct json_value *s = set->items[i];
		const char *f = IDX(KEY(c->field, "set"), i);

		if (!spec_want(c->r, f, s, JSON_STRING))
			continue;
		if (s->len == 0)
			spec_report_add(c->r, f, "an empty syscall name");
		else if (s->str[0] == '@' && !memchr(s->str, '/', s->len))
			spec_report_add(c->r, f, "a wildcard needs a scope ('@scope/name'): '%s'",
					Q(s));
		else if (s->len > 9 && memcmp(s->str, "@appc.io/", 9) == 0 &&
			 !json_is_string(s, wildcard))
			spec_report_add(c->r, f, "'%s' is not an appc wildcard here (this set "
					"knows '%s')", Q(s), wildcard);
	}
	err = spec_optional(c->v, "errno");
	if (err && spec_want(c->r, KEY(c->field, "errno"), err, JSON_STRING) && err->len) {
		for (size_t k = 0; k < ARRAY_SIZE(errno_names); k++)
			if (json_is_string(err, errno_names[k]))
				return;
		spec_report_add(c->r, KEY(c->field, "errno"), "unknown errno name '%s'", Q(err));
	}
}

static void iso_seccomp_remove(struct iso_ctx *c)
{
	iso_seccomp(c, "@appc.io/empty");
}

static void iso_seccomp_retain(struct iso_ctx *c)
{
	iso_seccomp(c, "@appc.io/all");
}

static void iso_selinux(struct iso_ctx *c)
{
	static const char *const parts[] = { "user", "role", "type", "level" };

	if (!spec_want(c->r, c->field, c->v, JSON_OBJECT))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		const struct json_value *p = spec_required(c->r, c->field, c->v, parts[i]);
		const char *f = KEY(c->field, parts[i]);

		if (!p || !spec_want(c->r, f, p, JSON_STRING))
			continue;
		if (p->len == 0)
			spec_report_add(c->r, f, "must not be empty");
		else if (i < 3 && memchr(p->str, ':', p->len))
			spec_report_add(c->r, f, "must not contain ':': '%s'", Q(p));
	}
}

static void iso_apparmor(struct iso_ctx *c)
{
	const struct json_value *p;

	if (!spec_want(c->r, c->field, c->v, JSON_OBJECT))
		return;
	p = spec_required(c->r, c->field, c->v, "profile");
	if (p && spec_want(c->r, KEY(c->field, "profile"), p, JSON_STRING) && p->len == 0)
		spec_report_add(c->r, KEY(c->field, "profile"), "must not be empty");
}

static void iso_oom_score_adj(struct iso_ctx *c)
{
	spec_check_int(c->r, c->field, c->v, -1000, 1000, NULL);
}

static void iso_cpu_shares(struct iso_ctx *c)
{
	spec_check_int(c->r, c->field, c->v, 2, 262144, NULL);
}

static void iso_sysctl(struct iso_ctx *c)
{
	spec_check_string_map(c->r, c->field, c->v);
}

enum iso_flags {
	ISO_SINGLE = 1,	  /* at most one per app */
	ISO_POD_ONLY = 2, /* scope: pod */
	ISO_APP_ONLY = 4, /* scope: app (spec/ace.md) */
};

static const struct iso_kind {
	const char *name;
	void (*check)(struct iso_ctx *c);
	unsigned flags;
	const char *excludes; /* may not be used together with */
} iso_kinds[] = {
	{ "os/linux/capabilities-remove-set", iso_caps, ISO_APP_ONLY,
	  "os/linux/capabilities-retain-set" },
	{ "os/linux/capabilities-retain-set", iso_caps, ISO_APP_ONLY,
	  "os/linux/capabilities-remove-set" },
	{ "os/linux/seccomp-remove-set", iso_seccomp_remove, ISO_SINGLE | ISO_APP_ONLY,
	  "os/linux/seccomp-retain-set" },
	{ "os/linux/seccomp-retain-set", iso_seccomp_retain, ISO_SINGLE | ISO_APP_ONLY,
	  "os/linux/seccomp-remove-set" },
	{ "os/linux/no-new-privileges", iso_bool, ISO_APP_ONLY, NULL },
	{ "os/linux/selinux-context", iso_selinux, ISO_SINGLE, NULL },
	{ "os/linux/apparmor-profile", iso_apparmor, ISO_SINGLE, NULL },
	{ "os/linux/oom-score-adj", iso_oom_score_adj, ISO_SINGLE, NULL },
	{ "os/linux/cpu-shares", iso_cpu_shares, ISO_SINGLE, NULL },
	{ "os/unix/sysctl", iso_sysctl, ISO_SINGLE | ISO_POD_ONLY, NULL },
	{ "resource/cpu", iso_request_limit, ISO_SINGLE, NULL },
	{ "resource/memory", iso_request_limit, ISO_SINGLE, NULL },
	{ "resource/block-bandwidth", iso_default_limit, ISO_SINGLE, NULL },
	{ "resource/block-iops", iso_default_limit, ISO_SINGLE, NULL },
	{ "resource/network-bandwidth", iso_default_limit, ISO_SINGLE, NULL },
};

static const struct json_value *isolator(struct spec_report *r, const char *field,
					 size_t i, const char *elem, const struct json_value *iso,
					 const struct json_value **names, void *ctx)
{
	const bool *pod = ctx;
	const struct json_value *name = spec_required(r, elem, iso, "name");
	/* "value may be an arbitrary JSON value", null included. */
	const struct json_value *value = json_get(iso, "value");
	const struct iso_kind *kind = NULL;

	if (!value)
		spec_required(r, elem, iso, "value");
	if (!name || !spec_want(r, KEY(elem, "name"), name, JSON_STRING))
		return NULL;
	if (!spec_is_acidentifier(name->str, name->len)) {
		spec_report_add(r, KEY(elem, "name"), "not an ACIdentifier: '%s'", Q(name));
		return NULL;
	}
	for (size_t k = 0; k < ARRAY_SIZE(iso_kinds); k++)
		if (json_is_string(name, iso_kinds[k].name))
			kind = &iso_kinds[k];
	if (!kind)
		return name; /* executors may ignore isolators they do not know */
	if ((kind->flags & ISO_POD_ONLY) && !*pod)
		spec_report_add(r, KEY(elem, "name"), "%s applies to a pod, not to an app",
				kind->name);
	if ((kind->flags & ISO_APP_ONLY) && *pod)
		spec_report_add(r, KEY(elem, "name"), "%s applies to an app, not to a pod",
				kind->name);
	/* One of a kind, and no kind it excludes: the first earlier one found. */
	for (size_t j = 0; j < i; j++) {
		if (!names[j])
			continue;
		if ((kind->flags & ISO_SINGLE) && spec_streq_n(names[j], name)) {
			spec_report_add(r, KEY(elem, "name"),
					"a second %s isolator (the first is %s[%zu])", kind->name,
					field, j);
			break;
		}
		if (kind->excludes && json_is_string(names[j], kind->excludes)) {
			spec_report_add(r, KEY(elem, "name"),
					"%s cannot be used together with %s (%s[%zu])", kind->name,
					kind->excludes, field, j);
			break;
		}
	}
	if (value)
		kind->check(&(struct iso_ctx){ r, KEY(elem, "value"), value });
	return name;
}

bool spec_isolator_known(const char *name)
{
	for (size_t k = 0; k < ARRAY_SIZE(iso_kinds); k++)
		if (streq(iso_kinds[k].name, name))
			return true;
	return false;
}

void spec_check_isolators(struct spec_report *r, const char *field,
			  const struct json_value *v, bool pod)
{
	free(spec_each_object(r, field, v, isolator, &pod));
}
