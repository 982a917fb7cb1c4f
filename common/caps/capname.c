// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <strings.h>

#include "common/caps/capname.h"
#include "common/base/macro.h"

/* Bit numbers from linux/capability.h; the table index is the bit. */
static const char *const names[ACT_CAP_COUNT] = {
	"CAP_CHOWN",		"CAP_DAC_OVERRIDE",	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",		"CAP_FSETID",		"CAP_KILL",
	"CAP_SETGID",		"CAP_SETUID",		"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",	"CAP_NET_BIND_SERVICE",	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",	"CAP_NET_RAW",		"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",	"CAP_SYS_MODULE",	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",	"CAP_SYS_PTRACE",	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",	"CAP_SYS_BOOT",		"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",	"CAP_SYS_TIME",		"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",		"CAP_LEASE",		"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",	"CAP_SETFCAP",		"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",	"CAP_SYSLOG",		"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",	"CAP_AUDIT_READ",	"CAP_PERFMON",
	"CAP_BPF",		"CAP_CHECKPOINT_RESTORE",
};

_Static_assert(CAP_CHECKPOINT_RESTORE == ACT_CAP_COUNT - 1, "table out of step");

#define PREFIX "CAP_"
#define PREFIX_LEN (sizeof(PREFIX) - 1)

const char *capname_name(int cap)
{
	if (cap < 0 || cap >= ACT_CAP_COUNT)
		return NULL;
	return names[cap];
}

int capname_parse(const char *s, struct act_err *err)
{
	const char *bare = s;

	if (!s || !*s)
		return act_err_set(err, EINVAL, "empty capability name");
	if (strncasecmp(bare, PREFIX, PREFIX_LEN) == 0)
		bare += PREFIX_LEN;
	/* An empty rest ("CAP_") matches nothing: every table name is longer. */
	for (int i = 0; i < ACT_CAP_COUNT; i++)
		if (strcasecmp(bare, names[i] + PREFIX_LEN) == 0)
			return i;
	return act_err_set(err, EINVAL, "unknown capability '%s'", s);
}

int capname_parse_list(const char *csv, int *caps, size_t max, size_t *n,
		       struct act_err *err)
{
	/* At most ACT_CAP_COUNT distinct bits, so duplicates never overflow. */
	int tmp[ACT_CAP_COUNT];
	uint64_t seen = 0;
	size_t count = 0;
	const char *p = csv;

	if (!csv || !*csv)
		return act_err_set(err, EINVAL, "empty capability list");
	/* The list's shape first: "a,,b" is reported as such, not as 'a'. */
	if (csv[0] == ',' || csv[strlen(csv) - 1] == ',' || strstr(csv, ",,"))
		return act_err_set(err, EINVAL, "empty capability name in '%s'", csv);
	for (;;) {
		size_t len = strcspn(p, ",");
		_cleanup_free_ char *item = xstrndup(p, len);
		int cap = capname_parse(item, err);

		if (cap < 0)
			return -1;
		if (!(seen & (UINT64_C(1) << cap))) {
			seen |= UINT64_C(1) << cap;
			tmp[count++] = cap;
		}
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	if (count > max)
		return act_err_set(err, EINVAL, "too many capabilities in '%s'", csv);
	memcpy(caps, tmp, count * sizeof(*tmp));
	*n = count;
	return 0;
}

uint64_t capname_default_set(void)
{
	/* In the spec's order; the numbers are ABI, fixed at compile time. */
	static const int defaults[] = {
		CAP_AUDIT_WRITE, CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER,
		CAP_KILL, CAP_MKNOD, CAP_NET_RAW, CAP_NET_BIND_SERVICE, CAP_SETUID,
		CAP_SETGID, CAP_SETPCAP, CAP_SETFCAP, CAP_SYS_CHROOT,
	};
	uint64_t set = 0;

	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
		set |= UINT64_C(1) << defaults[i];
	return set;
}
