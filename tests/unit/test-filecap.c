// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/base/err.h"
#include "common/caps/filecap.h"
#include "common/base/macro.h"
#include "tap.h"

#define EMPTY_ERR "empty capabilities (write '=' for the empty set)"
#define EFF_ERR(t)                                                                      \
	"capabilities '" t "': effective capabilities must be empty or match the "      \
	"permitted and inheritable ones (a file has one effective bit: put 'e' on "     \
	"every capability or on none)"
#define UNKNOWN_ERR(t, name) "capabilities '" t "': unknown capability '" name "'"
#define SYNTAX_ERR(t)                                                                   \
	"capabilities '" t "': not valid capability text (like 'cap_net_raw+ep', see " \
	"cap_text_formats(7))"

static void tap_skip(const char *why)
{
	printf("ok %d # SKIP %s\n", ++tap_n, why);
}

static void hexdump(const char *label, const unsigned char *p, size_t n)
{
	printf("#   %s:", label);
	for (size_t i = 0; i < n; i++)
		printf(" %02x", p[i]);
	printf("\n");
}

/* Parse text, encode it, and compare with the expected bytes. */
static void check_encode(const char *text, const unsigned char *want, size_t want_len)
{
	struct act_err err = { 0 };
	struct filecap fc;
	unsigned char out[FILECAP_MAX_SIZE];
	size_t len = 0;
	int ok;

	CHECK_INT(filecap_from_text(text, &fc, &err), 0);
	if (act_err_isset(&err))
		printf("#   '%s': %s\n", text, err.msg);
	CHECK_INT(fc.version, 2);
	len = filecap_encode(&fc, out);
	ok = len == want_len && memcmp(out, want, len) == 0;
	tap_ok(ok, __FILE__, __LINE__, text);
	if (!ok) {
		hexdump("got ", out, len);
		hexdump("want", want, want_len);
	}
}

/* Decode, compare the text, and re-encode: must give the input bytes back. */
static void check_decode(const unsigned char *buf, size_t len, const char *text)
{
	struct act_err err = { 0 };
	struct filecap fc;
	unsigned char out[FILECAP_MAX_SIZE];
	_cleanup_free_ char *got = NULL;

	CHECK_INT(filecap_decode(buf, len, &fc, &err), 0);
	CHECK(!act_err_isset(&err));
	got = filecap_to_text(&fc);
	CHECK_STR(got, text);
	if (fc.version != 1) {
		CHECK_INT(filecap_encode(&fc, out), len);
		CHECK_MEM(out, buf, len);
	}
}

static void check_bad_text(const char *text, const char *msg)
{
	struct act_err err = { 0 };
	struct filecap fc = { .version = 42 };

	CHECK_INT(filecap_from_text(text, &fc, &err), -1);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR(err.msg, msg);
	CHECK_INT(fc.version, 42);
}

static void check_bad_value(const unsigned char *buf, size_t len)
{
	struct act_err err = { 0 };
	struct filecap fc = { .version = 42 };
	char msg[128];

	snprintf(msg, sizeof(msg), "malformed security.capability value (%zu bytes)", len);
	CHECK_INT(filecap_decode(buf, len, &fc, &err), -1);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR(err.msg, msg);
	CHECK_INT(fc.version, 42);
}

static const unsigned char net_raw_ep[20] = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x20 };

static void test_golden(void)
{
	static const unsigned char net_admin_raw_ep[20] = { 0x01, 0x00, 0x00, 0x02,
							    0x00, 0x30, 0x00, 0x00 };
	struct act_err err = { 0 };
	struct filecap fc;
	_cleanup_free_ char *text = NULL;

	check_encode("cap_net_raw+ep", net_raw_ep, 20);
	check_encode("cap_net_raw=ep", net_raw_ep, 20);
	check_encode("CAP_NET_RAW=pe", net_raw_ep, 20);
	check_encode("  cap_net_raw+ep\t", net_raw_ep, 20);
	check_encode("13+ep", net_raw_ep, 20);
	check_encode("cap_net_admin,cap_net_raw+ep", net_admin_raw_ep, 20);
	check_encode("cap_net_raw+ep cap_net_admin+ep", net_admin_raw_ep, 20);

	CHECK_INT(filecap_from_text("cap_net_raw+ep", &fc, &err), 0);
	CHECK_INT(fc.permitted[0], 1 << 13);
	CHECK_INT(fc.permitted[1] | fc.inheritable[0] | fc.inheritable[1], 0);
	CHECK(fc.effective);
	CHECK_INT(fc.rootid, 0);
	text = filecap_to_text(&fc);
	CHECK_STR(text, "cap_net_raw=ep");
	CHECK(!act_err_isset(&err));

	check_decode(net_raw_ep, 20, "cap_net_raw=ep");
	check_decode(net_admin_raw_ep, 20, "cap_net_admin,cap_net_raw=ep");
}

/* tar parsers choked on this value (composefs/tar-rs#428): 0x0a and 0x00 bytes. */
static void test_newline_bytes(void)
{
	static const unsigned char v[20] = { 0x01, 0x00, 0x00, 0x02,
					     0x02, 0x00, 0x0a, 0x00 };
	struct act_err err = { 0 };
	struct filecap fc;

	CHECK_INT(filecap_decode(v, sizeof(v), &fc, &err), 0);
	CHECK_INT(fc.version, 2);
	CHECK(fc.effective);
	/* cap_dac_override (1), cap_sys_rawio (17), cap_sys_ptrace (19) */
	CHECK_INT(fc.permitted[0], 1u << 1 | 1u << 17 | 1u << 19);
	CHECK_INT(filecap_mask(&fc), 1u << 1 | 1u << 17 | 1u << 19);
	check_decode(v, sizeof(v), "cap_dac_override,cap_sys_rawio,cap_sys_ptrace=ep");
	check_encode("cap_sys_ptrace,cap_dac_override,cap_sys_rawio+ep", v, sizeof(v));
}

static void test_high_cap(void)
{
	static const unsigned char want[20] = { 0x01, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0, 0,
						0,    0,    0x00, 0x01, 0, 0 };
	struct act_err err = { 0 };
	struct filecap fc, back;
	_cleanup_free_ char *text = NULL;

	check_encode("cap_checkpoint_restore+ep", want, sizeof(want));
	check_encode("40+ep", want, sizeof(want));
	CHECK_INT(filecap_from_text("cap_checkpoint_restore+ep", &fc, &err), 0);
	CHECK_INT(fc.permitted[0], 0);
	CHECK_INT(fc.permitted[1], 1 << 8);
	CHECK(filecap_mask(&fc) == (uint64_t)1 << 40);
	/* cap_to_text names only the caps the running kernel knows. */
	text = filecap_to_text(&fc);
	if (cap_max_bits() > 40)
		CHECK_STR(text, "cap_checkpoint_restore=ep");
	else
		tap_skip("kernel predates cap_checkpoint_restore");
	CHECK_INT(filecap_from_text(text, &back, &err), 0);
	CHECK_MEM(&back, &fc, sizeof(fc));

	/* Bits the kernel does not name yet still fit the format. */
	static const unsigned char b63[20] = { 0x01, 0x00, 0x00, 0x02, [15] = 0x80 };

	check_encode("63+ep", b63, sizeof(b63));
	check_decode(b63, sizeof(b63), "= 63+ep");
}

static void test_flags(void)
{
	static const unsigned char kill_i[20] = { 0x00, 0x00, 0x00, 0x02, [8] = 0x20 };
	static const unsigned char kill_ie[20] = { 0x01, 0x00, 0x00, 0x02, [8] = 0x20 };
	static const unsigned char raw_p[20] = { 0x00, 0x00, 0x00, 0x02, 0x00, 0x20 };
	static const unsigned char mixed[20] = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0, 0,
						 0x20 };
	struct act_err err = { 0 };
	struct filecap fc;

	check_encode("cap_kill+i", kill_i, 20);
	CHECK_INT(filecap_from_text("cap_kill+i", &fc, &err), 0);
	CHECK(!fc.effective);
	CHECK_INT(fc.inheritable[0], 1 << 5);
	CHECK_INT(fc.permitted[0], 0);
	check_decode(kill_i, 20, "cap_kill=i");

	check_encode("cap_kill+ie", kill_ie, 20);
	check_decode(kill_ie, 20, "cap_kill=ei");

	check_encode("cap_net_raw+p", raw_p, 20);
	CHECK_INT(filecap_from_text("cap_net_raw+p", &fc, &err), 0);
	CHECK(!fc.effective);
	check_decode(raw_p, 20, "cap_net_raw=p");

	check_encode("cap_net_raw+ep cap_kill+ei", mixed, 20);
	check_decode(mixed, 20, "cap_kill=ei cap_net_raw+ep");
	CHECK_INT(filecap_from_text("cap_net_raw+ep cap_kill+ei", &fc, &err), 0);
	CHECK(filecap_mask(&fc) == (1u << 13 | 1u << 5));

	/* "all" follows the running kernel; it still must be 0..max-1. */
	CHECK_INT(filecap_from_text("all=ep", &fc, &err), 0);
	CHECK(filecap_mask(&fc) == ((uint64_t)1 << cap_max_bits()) - 1);
	CHECK(!act_err_isset(&err));
}

/* An empty set is a real value: it blocks what inheritable/ambient caps would grant. */
static void test_empty_set(void)
{
	static const unsigned char empty[20] = { 0x00, 0x00, 0x00, 0x02 };

	check_encode("=", empty, 20);
	check_encode(" = ", empty, 20);
	check_decode(empty, 20, "=");
}

static void test_v1(void)
{
	static const unsigned char v1[12] = { 0x01, 0x00, 0x00, 0x01, 0x00, 0x20 };
	static const unsigned char v1_i[12] = { 0x00, 0x00, 0x00, 0x01, [8] = 0x20 };
	struct act_err err = { 0 };
	struct filecap fc = { .permitted = { 7, 7 }, .inheritable = { 7, 7 } };
	unsigned char out[FILECAP_MAX_SIZE];

	CHECK_INT(filecap_decode(v1, sizeof(v1), &fc, &err), 0);
	CHECK_INT(fc.version, 1);
	CHECK(fc.effective);
	CHECK_INT(fc.permitted[0], 1 << 13);
	CHECK_INT(fc.permitted[1] | fc.inheritable[0] | fc.inheritable[1] | fc.rootid, 0);
	check_decode(v1, sizeof(v1), "cap_net_raw=ep");
	/* v1 cannot be written any more: it re-encodes as v2. */
	CHECK_INT(filecap_encode(&fc, out), 20);
	CHECK_MEM(out, net_raw_ep, 20);

	CHECK_INT(filecap_decode(v1_i, sizeof(v1_i), &fc, &err), 0);
	CHECK(!fc.effective);
	CHECK_INT(fc.inheritable[0], 1 << 5);
	CHECK(!act_err_isset(&err));
}

static void test_v3(void)
{
	static const unsigned char want[24] = { 0x01, 0x00, 0x00, 0x03, 0x00, 0x20,
						[20] = 0xe8, 0x03 };
	struct act_err err = { 0 };
	struct filecap fc;
	unsigned char out[FILECAP_MAX_SIZE];
	_cleanup_free_ char *text = NULL;

	CHECK_INT(filecap_from_text("cap_net_raw+ep", &fc, &err), 0);
	fc.version = 3;
	fc.rootid = 1000;
	CHECK_INT(filecap_encode(&fc, out), 24);
	CHECK_MEM(out, want, 24);

	memset(&fc, 0, sizeof(fc));
	CHECK_INT(filecap_decode(want, sizeof(want), &fc, &err), 0);
	CHECK_INT(fc.version, 3);
	CHECK_INT(fc.rootid, 1000);
	CHECK(fc.effective);
	CHECK_INT(fc.permitted[0], 1 << 13);
	text = filecap_to_text(&fc);
	CHECK_STR(text, "cap_net_raw=ep");
	check_decode(want, sizeof(want), "cap_net_raw=ep");

	/* Dropping the rootid: the v2 golden value. */
	fc.version = 2;
	CHECK_INT(filecap_encode(&fc, out), 20);
	CHECK_MEM(out, net_raw_ep, 20);
	CHECK(!act_err_isset(&err));
}

static void test_malformed(void)
{
	static const size_t lens[] = { 0, 1, 4, 8, 11, 13, 16, 19, 21, 23, 25 };
	unsigned char buf[32] = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x20 };

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		check_bad_value(buf, lens[i]);
	check_bad_value(NULL, 0);

	/* The revision byte must match the length. */
	check_bad_value(buf, 24);	/* v2 magic, v3 length */
	check_bad_value(buf, 12);	/* v2 magic, v1 length */
	buf[3] = 0x03;
	check_bad_value(buf, 20);
	check_bad_value(buf, 12);
	buf[3] = 0x01;
	check_bad_value(buf, 20);
	check_bad_value(buf, 24);
	buf[3] = 0x00;
	check_bad_value(buf, 20);
	buf[3] = 0x04;
	check_bad_value(buf, 20);
	check_bad_value(buf, 24);
	buf[3] = 0xff;
	check_bad_value(buf, 20);

	/* Unknown flag bits in magic_etc. */
	buf[3] = 0x02;
	buf[0] = 0x03;
	check_bad_value(buf, 20);
	buf[0] = 0x01;
	buf[1] = 0x01;
	check_bad_value(buf, 20);
	buf[1] = 0x00;
	buf[2] = 0x80;
	check_bad_value(buf, 20);
	buf[2] = 0x00;
	buf[3] = 0x03;
	buf[0] = 0x02;
	check_bad_value(buf, 24);
}

static void test_bad_text(void)
{
	check_bad_text("", EMPTY_ERR);
	check_bad_text(" \t\n", EMPTY_ERR);
	check_bad_text(NULL, EMPTY_ERR);

	check_bad_text("cap_net_raw+p cap_kill+ep", EFF_ERR("cap_net_raw+p cap_kill+ep"));
	check_bad_text("cap_kill=i cap_net_raw=ep", EFF_ERR("cap_kill=i cap_net_raw=ep"));
	/* setcap writes a lone effective flag for these; we refuse them. */
	check_bad_text("cap_net_raw+e", EFF_ERR("cap_net_raw+e"));
	check_bad_text("cap_net_raw+ep cap_kill+e", EFF_ERR("cap_net_raw+ep cap_kill+e"));

	check_bad_text("cap_ponies+ep", UNKNOWN_ERR("cap_ponies+ep", "cap_ponies"));
	check_bad_text("cap_net_raw,cap_ponies+ep",
		       UNKNOWN_ERR("cap_net_raw,cap_ponies+ep", "cap_ponies"));
	check_bad_text("cap_kill+i CAP_PONIES=ep",
		       UNKNOWN_ERR("cap_kill+i CAP_PONIES=ep", "CAP_PONIES"));
	check_bad_text("cap_net_rawx+ep", UNKNOWN_ERR("cap_net_rawx+ep", "cap_net_rawx"));
	check_bad_text("64+ep", "capabilities '64+ep': capability 64 is over 63, the "
		       "security.capability limit");
	check_bad_text("cap_net_raw", SYNTAX_ERR("cap_net_raw"));
	check_bad_text("cap_net_raw+", SYNTAX_ERR("cap_net_raw+"));
	check_bad_text("cap_net_raw+xp", SYNTAX_ERR("cap_net_raw+xp"));
	check_bad_text("+ep", SYNTAX_ERR("+ep"));
}

/* Run argv quietly; return its exit status, or -1 if it could not run. */
static int run(char *const argv[])
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* What getcap -n prints after "<path> ", newline cut. */
static char *getcap_text(const char *path)
{
	char cmd[512], line[512];
	size_t skip = strlen(path) + 1;
	FILE *f;
	char *r = NULL;

	snprintf(cmd, sizeof(cmd), "getcap -n '%s'", path);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	if (fgets(line, sizeof(line), f) && strlen(line) > skip &&
	    strncmp(line, path, skip - 1) == 0) {
		line[strcspn(line, "\n")] = '\0';
		r = xstrdup(line + skip);
	}
	pclose(f);
	return r;
}

/*
 * The real tools: setcap writes the xattr through the kernel, which validates
 * it; our bytes must be identical, and our text must match getcap's.
 */
static void test_setcap(void)
{
	static const struct {
		const char *text;
		const char *rootid;
	} cases[] = {
		{ "cap_net_raw+ep", NULL },
		{ "cap_net_admin,cap_net_raw+ep", NULL },
		{ "cap_dac_override,cap_sys_rawio,cap_sys_ptrace+ep", NULL },
		{ "cap_kill+i", NULL },
		{ "cap_net_raw+p", NULL },
		{ "cap_net_raw+ep cap_kill+ei", NULL },
		{ "cap_chown=pi cap_setfcap=i", NULL },
		{ "cap_checkpoint_restore+ep", NULL },
		{ "=", NULL },
		{ "cap_net_raw+ep", "1000" },
		{ "cap_kill,cap_bpf+ie", "65534" },
	};
	static const char *const refused[] = {
		"cap_net_raw+p cap_kill+ep", "cap_kill=i cap_net_raw=ep",
		"cap_net_raw+ep cap_kill+p", "cap_ponies+ep",
	};
	const char *tmpdir = getenv("TMPDIR");
	_cleanup_free_ char *path = NULL;
	int fd;

	if (geteuid() != 0) {
		tap_skip("setcap cross-check needs root");
		return;
	}
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	if (asprintf(&path, "%s/test-filecap-XXXXXX", tmpdir) < 0)
		abort();
	fd = mkstemp(path);
	if (fd < 0) {
		tap_skip("cannot create a temporary file");
		return;
	}
	close(fd);
	if (run((char *[]){ "setcap", "cap_net_raw+ep", path, NULL }) != 0) {
		tap_skip("setcap is missing or the filesystem refuses security.capability");
		unlink(path);
		return;
	}

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct act_err err = { 0 };
		struct filecap fc, disk;
		unsigned char want[FILECAP_MAX_SIZE], got[64];
		_cleanup_free_ char *text = NULL, *getcap = NULL;
		char *argv[6] = { "setcap" };
		int argc = 1;
		size_t want_len;
		ssize_t got_len;
		int ok;

		printf("# setcap %s%s%s'%s'\n", cases[i].rootid ? "-n " : "",
		       cases[i].rootid ? cases[i].rootid : "", cases[i].rootid ? " " : "",
		       cases[i].text);
		if (cases[i].rootid) {
			argv[argc++] = "-n";
			argv[argc++] = (char *)cases[i].rootid;
		}
		argv[argc++] = (char *)cases[i].text;
		argv[argc++] = path;
		CHECK_INT(run(argv), 0);
		CHECK_INT(filecap_from_text(cases[i].text, &fc, &err), 0);
		if (cases[i].rootid) {
			fc.version = 3;
			fc.rootid = (uint32_t)strtoul(cases[i].rootid, NULL, 10);
		}
		want_len = filecap_encode(&fc, want);
		got_len = getxattr(path, "security.capability", got, sizeof(got));
		ok = got_len == (ssize_t)want_len && memcmp(got, want, want_len) == 0;
		tap_ok(ok, __FILE__, __LINE__, cases[i].text);
		if (!ok) {
			hexdump("disk", got, got_len > 0 ? (size_t)got_len : 0);
			hexdump("ours", want, want_len);
		}

		/* getcap -n prints the caps, then " [rootid=N]" for v3. */
		if (got_len < 0)
			got_len = 0;
		if (filecap_decode(got, (size_t)got_len, &disk, &err) < 0) {
			printf("#   %s\n", err.msg);
			CHECK(!act_err_isset(&err));
			continue;
		}
		text = filecap_to_text(&disk);
		if (disk.version == 3) {
			char *t = NULL;

			CHECK(asprintf(&t, "%s [rootid=%u]", text, disk.rootid) > 0);
			free(text);
			text = t;
		}
		getcap = getcap_text(path);
		CHECK_STR(getcap, text);
		CHECK(!act_err_isset(&err));
	}

	/* What setcap refuses, we refuse (we refuse a little more, see filecap.h). */
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		struct act_err err = { 0 };
		struct filecap fc;
		char *argv[] = { "setcap", (char *)refused[i], path, NULL };

		printf("# setcap '%s' (refused)\n", refused[i]);
		CHECK(run(argv) != 0);
		CHECK_INT(filecap_from_text(refused[i], &fc, &err), -1);
	}
	unlink(path);
}

int main(void)
{
	RUN(test_golden);
	RUN(test_newline_bytes);
	RUN(test_high_cap);
	RUN(test_flags);
	RUN(test_empty_set);
	RUN(test_v1);
	RUN(test_v3);
	RUN(test_malformed);
	RUN(test_bad_text);
	RUN(test_setcap);
	return tap_done();
}
