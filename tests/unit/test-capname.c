// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/capability.h>

#include "common/caps/capname.h"
#include "common/base/err.h"
#include "tap.h"

static void test_round_trip(void)
{
	int ok = 1;

	for (int i = 0; i < ACT_CAP_COUNT; i++) {
		struct act_err err = { 0 };
		const char *name = capname_name(i);
		char lower[64];
		size_t j;

		if (!name || strncmp(name, "CAP_", 4) != 0 ||
		    capname_parse(name, &err) != i) {
			printf("#   bit %d: '%s'\n", i, name ? name : "(null)");
			ok = 0;
			continue;
		}
		/* Lower case without the prefix must land on the same bit. */
		for (j = 0; name[j + 4] && j < sizeof(lower) - 1; j++)
			lower[j] = (char)tolower((unsigned char)name[j + 4]);
		lower[j] = '\0';
		if (capname_parse(lower, &err) != i) {
			printf("#   bit %d: '%s'\n", i, lower);
			ok = 0;
		}
	}
	CHECK(ok);
	CHECK(capname_name(-1) == NULL);
	CHECK(capname_name(ACT_CAP_COUNT) == NULL);
	CHECK_STR(capname_name(0), "CAP_CHOWN");
	CHECK_STR(capname_name(13), "CAP_NET_RAW");
	CHECK_STR(capname_name(40), "CAP_CHECKPOINT_RESTORE");
}

static void test_variants(void)
{
	struct act_err err = { 0 };

	CHECK_INT(capname_parse("net_raw", &err), 13);
	CHECK_INT(capname_parse("CAP_net_raw", &err), 13);
	CHECK_INT(capname_parse("cap_net_raw", &err), 13);
	CHECK_INT(capname_parse("Cap_Net_Raw", &err), 13);
	CHECK_INT(capname_parse("NET_RAW", &err), 13);
	CHECK_INT(capname_parse("bpf", &err), 39);
	CHECK(!act_err_isset(&err));
}

static void check_bad(const char *s, const char *msg)
{
	struct act_err err = { 0 };

	CHECK_INT(capname_parse(s, &err), -1);
	CHECK_STR(err.msg, msg);
	CHECK_INT(err.code, EINVAL);
}

static void test_bad_names(void)
{
	check_bad("CAP_PONIES", "unknown capability 'CAP_PONIES'");
	check_bad("", "empty capability name");
	check_bad(" CAP_KILL", "unknown capability ' CAP_KILL'");
	check_bad("CAP_KILL ", "unknown capability 'CAP_KILL '");
	check_bad("CAP_", "unknown capability 'CAP_'");
	check_bad("CAP_CAP_KILL", "unknown capability 'CAP_CAP_KILL'");
	check_bad("13", "unknown capability '13'");
	check_bad("cap_13", "unknown capability 'cap_13'");
	CHECK_INT(capname_parse(NULL, NULL), -1);
}

static void test_list(void)
{
	struct act_err err = { 0 };
	int caps[64];
	size_t n = 99;

	CHECK_INT(capname_parse_list("CAP_NET_RAW", caps, 64, &n, &err), 0);
	CHECK_INT(n, 1);
	CHECK_INT(caps[0], 13);

	CHECK_INT(capname_parse_list("kill,CAP_CHOWN,cap_kill,net_raw,CHOWN", caps, 64,
				     &n, &err), 0);
	CHECK_INT(n, 3);
	CHECK_INT(caps[0], 5);
	CHECK_INT(caps[1], 0);
	CHECK_INT(caps[2], 13);
	CHECK(!act_err_isset(&err));

	/* Exactly max distinct entries fit, even with duplicates around them. */
	CHECK_INT(capname_parse_list("kill,kill,chown", caps, 2, &n, &err), 0);
	CHECK_INT(n, 2);
}

static void check_bad_list(const char *csv, const char *msg)
{
	struct act_err err = { 0 };
	int caps[64] = { 0 };
	size_t n = 99;

	CHECK_INT(capname_parse_list(csv, caps, 64, &n, &err), -1);
	CHECK_STR(err.msg, msg);
	CHECK_INT(n, 99);
}

static void test_bad_lists(void)
{
	struct act_err err = { 0 };
	int caps[2];
	size_t n = 99;

	check_bad_list("", "empty capability list");
	check_bad_list("a,,b", "empty capability name in 'a,,b'");
	check_bad_list("CAP_KILL,,CAP_CHOWN", "empty capability name in 'CAP_KILL,,CAP_CHOWN'");
	check_bad_list(",", "empty capability name in ','");
	check_bad_list("CAP_KILL,", "empty capability name in 'CAP_KILL,'");
	check_bad_list(",CAP_KILL", "empty capability name in ',CAP_KILL'");
	check_bad_list("CAP_KILL,CAP_PONIES", "unknown capability 'CAP_PONIES'");
	check_bad_list("CAP_KILL, CAP_CHOWN", "unknown capability ' CAP_CHOWN'");

	CHECK_INT(capname_parse_list("kill,chown,net_raw", caps, 2, &n, &err), -1);
	CHECK_STR(err.msg, "too many capabilities in 'kill,chown,net_raw'");
	CHECK_INT(n, 99);
}

static void test_default_set(void)
{
	static const char *const want[] = {
		"CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
		"CAP_FOWNER", "CAP_KILL", "CAP_MKNOD", "CAP_NET_RAW", "CAP_NET_BIND_SERVICE",
		"CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETFCAP", "CAP_SYS_CHROOT",
	};
	uint64_t set = capname_default_set(), expect = 0;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		expect |= UINT64_C(1) << capname_parse(want[i], NULL);
	CHECK_INT(__builtin_popcountll(set), 14);
	CHECK(set == expect);
}

/* libcap's compiled-in table (not the kernel probe) must agree with ours. */
static void test_libcap(void)
{
	int ok = 1;

	for (int i = 0; i < ACT_CAP_COUNT; i++) {
		char *name = cap_to_name(i);

		if (!name || strcasecmp(name, capname_name(i)) != 0) {
			printf("#   bit %d: libcap '%s', ours '%s'\n", i,
			       name ? name : "(null)", capname_name(i));
			ok = 0;
		}
		cap_free(name);
	}
	CHECK(ok);
}

int main(void)
{
	RUN(test_round_trip);
	RUN(test_variants);
	RUN(test_bad_names);
	RUN(test_list);
	RUN(test_bad_lists);
	RUN(test_default_set);
	RUN(test_libcap);
	return tap_done();
}
