// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>	/* and, through it, VFS_CAP_* of <linux/capability.h> */

#include "common/caps/filecap.h"
#include "common/base/macro.h"

#define WHITESPACE " \t\n\v\f\r"

static void cap_freep(cap_t *caps)
{
	if (*caps)
		cap_free(*caps);
}

/* libcap's calls fail here only when out of memory: like xmalloc, give up. */
static void *cap_nonnull(void *p)
{
	if (!p)
		abort();
	return p;
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

/* Does libcap know this one name (or number)? Tried in a clause of its own. */
static bool name_known(const char *name, size_t n)
{
	_cleanup_free_ char *clause = xmalloc(n + 3);
	cap_t caps;

	memcpy(clause, name, n);
	memcpy(clause + n, "+p", 3);
	caps = cap_from_text(clause);
	if (!caps)
		return false;
	cap_free(caps);
	return true;
}

/* Check each name of one clause's comma-separated list (before its operator). */
static int check_names(const char *text, const char *name, const char *end,
		       struct act_err *err)
{
	for (size_t n; name < end; name += n + (name + n < end)) {
		n = strcspn(name, ",");
		if (n > (size_t)(end - name))
			n = end - name;
		if (!n || (n == 3 && !strncasecmp(name, "all", 3)) || name_known(name, n))
			continue;
		if (strspn(name, "0123456789") >= n)
			return act_err_set(err, EINVAL, "capabilities '%s': capability %.*s "
					   "is over 63, the security.capability limit", text,
					   (int)n, name);
		return act_err_set(err, EINVAL, "capabilities '%s': unknown capability "
				   "'%.*s'", text, (int)n, name);
	}
	return 0;
}

/* cap_from_text only says EINVAL: find the name it choked on, if any. */
static int explain_bad_text(const char *text, struct act_err *err)
{
	const char *p = text + strspn(text, WHITESPACE);

	while (*p) {
		if (check_names(text, p, p + strcspn(p, "=+-" WHITESPACE), err) < 0)
			return -1;
		p += strcspn(p, WHITESPACE);
		p += strspn(p, WHITESPACE);
	}
	return act_err_set(err, EINVAL, "capabilities '%s': not valid capability text "
			   "(like 'cap_net_raw+ep', see cap_text_formats(7))", text);
}

int filecap_from_text(const char *text, struct filecap *fc, struct act_err *err)
{
	_cleanup_(cap_freep) cap_t caps = NULL;
	static const cap_flag_t flags[] = {
		CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE
	};
	uint64_t set[ARRAY_SIZE(flags)] = { 0 };
	uint64_t eff, pi;
	cap_flag_value_t v;

	/* cap_from_text("") is the empty set; an empty argument is more likely a slip. */
	if (!text || text[strspn(text, WHITESPACE)] == '\0')
		return act_err_set(err, EINVAL,
				   "empty capabilities (write '=' for the empty set)");
	errno = 0;
	caps = cap_from_text(text);
	if (!caps && errno == ENOMEM)
		abort();
	if (!caps)
		return explain_bad_text(text, err);

	for (size_t f = 0; f < ARRAY_SIZE(flags); f++) {
		for (cap_value_t b = 0; b < 64; b++)
			if (cap_get_flag(caps, b, flags[f], &v) == 0 && v == CAP_SET)
				set[f] |= (uint64_t)1 << b;
		/* libcap 2.66 holds 64 bits; should a later one hold more, refuse. */
		for (cap_value_t b = 64; cap_get_flag(caps, b, flags[f], &v) == 0; b++)
			if (v == CAP_SET)
				return act_err_set(err, EINVAL, "capabilities '%s': "
						   "capability %d is over 63, the "
						   "security.capability limit", text, b);
	}

	/*
	 * The xattr has one effective bit, which makes every permitted and
	 * inheritable capability effective at exec. setcap refuses a p or i
	 * bit without e; it silently drops e bits outside p and i, which we
	 * refuse too rather than write something other than what was asked.
	 */
	eff = set[0];
	pi = set[1] | set[2];
	if (eff && eff != pi)
		return act_err_set(err, EINVAL, "capabilities '%s': effective "
				   "capabilities must be empty or match the permitted "
				   "and inheritable ones (a file has one effective bit: "
				   "put 'e' on every capability or on none)", text);

	*fc = (struct filecap){
		.permitted = { (uint32_t)set[1], (uint32_t)(set[1] >> 32) },
		.inheritable = { (uint32_t)set[2], (uint32_t)(set[2] >> 32) },
		.effective = eff != 0,
		.version = 2,
	};
	return 0;
}

size_t filecap_encode(const struct filecap *fc, unsigned char out[FILECAP_MAX_SIZE])
{
	bool v3 = fc->version == 3;

	put_le32(out, (v3 ? VFS_CAP_REVISION_3 : VFS_CAP_REVISION_2) |
			      (fc->effective ? VFS_CAP_FLAGS_EFFECTIVE : 0));
	put_le32(out + 4, fc->permitted[0]);
	put_le32(out + 8, fc->inheritable[0]);
	put_le32(out + 12, fc->permitted[1]);
	put_le32(out + 16, fc->inheritable[1]);
	if (!v3)
		return 20;
	put_le32(out + 20, fc->rootid);
	return 24;
}

int filecap_decode(const void *buf, size_t len, struct filecap *fc, struct act_err *err)
{
	const unsigned char *p = buf;
	struct filecap r = { 0 };
	uint32_t magic;

	/* Like the kernel and libcap: the length fixes the revision, no guessing. */
	switch (len) {
	case 12:
		r.version = 1;
		break;
	case 20:
		r.version = 2;
		break;
	case 24:
		r.version = 3;
		break;
	default:
		goto bad;
	}
	magic = get_le32(p);
	if (magic >> VFS_CAP_REVISION_SHIFT != (uint32_t)r.version ||
	    (magic & ~(VFS_CAP_REVISION_MASK | VFS_CAP_FLAGS_EFFECTIVE)))
		goto bad;
	r.effective = magic & VFS_CAP_FLAGS_EFFECTIVE;
	r.permitted[0] = get_le32(p + 4);
	r.inheritable[0] = get_le32(p + 8);
	if (r.version >= 2) {
		r.permitted[1] = get_le32(p + 12);
		r.inheritable[1] = get_le32(p + 16);
	}
	if (r.version == 3)
		r.rootid = get_le32(p + 20);
	*fc = r;
	return 0;
bad:
	return act_err_set(err, EINVAL, "malformed security.capability value (%zu bytes)",
			   len);
}

char *filecap_to_text(const struct filecap *fc)
{
	_cleanup_(cap_freep) cap_t caps = cap_nonnull(cap_init());
	uint64_t perm = (uint64_t)fc->permitted[1] << 32 | fc->permitted[0];
	uint64_t inh = (uint64_t)fc->inheritable[1] << 32 | fc->inheritable[0];
	/* As libcap loads a file: the effective flag raises every p and i bit. */
	uint64_t eff = fc->effective ? perm | inh : 0;
	const struct {
		cap_flag_t flag;
		uint64_t mask;
	} sets[] = {
		{ CAP_PERMITTED, perm },
		{ CAP_INHERITABLE, inh },
		{ CAP_EFFECTIVE, eff },
	};
	char *libcap_text, *text;

	/*
	 * One bit per call: bits 0-63 are always valid, but cap_set_flag
	 * refuses a list of 64 values (it wants fewer than __CAP_MAXBITS), and
	 * a decoded value may well have every bit set.
	 */
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++)
		for (cap_value_t b = 0; b < 64; b++)
			if ((sets[s].mask & (uint64_t)1 << b) &&
			    cap_set_flag(caps, sets[s].flag, 1, &b, CAP_SET) < 0)
				abort();
	libcap_text = cap_nonnull(cap_to_text(caps, NULL));
	/* Hand out plain malloc memory: libcap's must go back through cap_free. */
	text = xstrdup(libcap_text);
	cap_free(libcap_text);
	return text;
}

uint64_t filecap_permitted(const struct filecap *fc)
{
	return (uint64_t)fc->permitted[1] << 32 | fc->permitted[0];
}

uint64_t filecap_mask(const struct filecap *fc)
{
	return (uint64_t)(fc->permitted[1] | fc->inheritable[1]) << 32 |
	       (fc->permitted[0] | fc->inheritable[0]);
}
