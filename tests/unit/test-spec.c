// SPDX-License-Identifier: Apache-2.0
/*
 * spec_check_manifest against the spec's own examples (spec/aci.md,
 * spec/ace.md, examples/image.json, the ace validator's manifests) and
 * appc's Go test vectors (the schema/types tests at appc/spec 259c2ee), with
 * the cases where acitool deliberately follows the spec text over appc's code.
 */
#include <stdlib.h>

#include "common/spec/spec.h"
#include "tap.h"

#define HEAD "\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/test\""
#define M(extra) "{" HEAD extra "}"
#define APP(fields) M(",\"app\":{\"user\":\"0\",\"group\":\"0\",\"exec\":[\"/bin/sh\"]" fields "}")
#define ISO(...) APP(",\"isolators\":[" __VA_ARGS__ "]")
#define LABELS(...) M(",\"labels\":[" __VA_ARGS__ "]")
#define ID128 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" \
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

#define streq(a, b) (strcmp((a), (b)) == 0)

static void dump(const struct spec_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		printf("#   %s: %s\n", r->items[i].field, r->items[i].message);
}

static void valid_at(const char *text, int line)
{
	struct spec_report r = SPEC_REPORT_INIT;
	size_t n = spec_check_manifest(text, strlen(text), &r);

	tap_ok(n == 0 && r.n == 0, __FILE__, line, "valid");
	if (n) {
		printf("#   %s\n", text);
		dump(&r);
	}
	spec_report_free(&r);
}

/* Invalid, with a problem at exactly field (and, if given, a message
 * containing msg). */
static void invalid_at(const char *text, const char *field, const char *msg, int line)
{
	struct spec_report r = SPEC_REPORT_INIT;
	size_t n = spec_check_manifest(text, strlen(text), &r);
	bool found = false;

	for (size_t i = 0; i < r.n; i++)
		if (streq(r.items[i].field, field) && (!msg || strstr(r.items[i].message, msg)))
			found = true;
	tap_ok(n > 0 && found, __FILE__, line, field);
	if (!found) {
		printf("#   %s\n#   want a problem at '%s'%s%s, got %zu:\n", text, field,
		       msg ? " saying " : "", msg ? msg : "", n);
		dump(&r);
	}
	spec_report_free(&r);
}

#define VALID(t) valid_at((t), __LINE__)
#define INVALID(t, f) invalid_at((t), (f), NULL, __LINE__)
#define INVALID_MSG(t, f, m) invalid_at((t), (f), (m), __LINE__)

static void test_acidentifier(void)
{
	/* schema/types/acidentifier_test.go, and types.md's examples. */
	static const char *const good[] = {
		"asdf", "foo-bar-baz", "zab_rab_oof", "database", "my~database",
		"example.com/database", "example.com/ourapp-1.0.0",
		"sub-domain.example.com/org/product/release-1.0.0", "example.com/ourapp",
		"sub-domain.example.com/org/product/release", "a", "0",
	};
	static const char *const bad[] = {
		"", "BAR", "foo#", "EXAMPLE.com", "foo.com/BAR", "/app", "app/", "-app", "app-",
		".app", "app.", "_app", "app_", "~app", "app~",
		/* The regex allows no runs of separators; appc's code does. */
		"example..com//app", "a--b", "a/-b", "a b", "é",
		/* So the regex refutes types.md's own example "example.com/~user/
		 * app_v1" and two of appc's good identifiers: acitool goes by
		 * the regex, which types.md says every identifier will match. */
		"example.com/~user/app_v1", "example.com/~bob/database",
		"sub-domain.example.com/org/product/~alice/release-1.0.0",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		tap_ok(spec_is_acidentifier(good[i], strlen(good[i])), __FILE__, __LINE__, good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		tap_ok(!spec_is_acidentifier(bad[i], strlen(bad[i])), __FILE__, __LINE__, bad[i]);
	}
	CHECK(!spec_is_acidentifier("ab\0c", 4));
	CHECK(spec_is_acidentifier("abc", 2)); /* only len bytes count */
}

static void test_acname(void)
{
	/* schema/types/acname_test.go, and types.md's examples. */
	static const char *const good[] = {
		"asdf", "foo-bar-baz", "database", "product-database", "product-database-release",
		"a1", "1",
	};
	static const char *const bad[] = {
		"", "foo#", "example.com", "EXAMPLE.com", "example/database",
		"example/database-1.0.0", "foo.com/BAR", "example.com/app_1", "/app", "app/",
		"-app", "app-", ".app", "app.", "a--b", "X_y", "a_b",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		tap_ok(spec_is_acname(good[i], strlen(good[i])), __FILE__, __LINE__, good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		tap_ok(!spec_is_acname(bad[i], strlen(bad[i])), __FILE__, __LINE__, bad[i]);
}

static void test_semver(void)
{
	/* semver_test.go, then semver.org's own examples. */
	static const char *const good[] = {
		"1.0.0", "3.2.1", "3.2.1-foo", "1.2.3-alpha+git", "0.8.11", "0.0.1",
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92",
		"1.0.0-alpha+001", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85",
		"1.0.0-x-y-z.--", "0.8.11+git",
	};
	static const char *const bad[] = {
		"1", "1.2.3.4", "v1.2.3", "", "+1.2.3", "00.08.011", "1.02.3", "1.2.3-",
		"1.2.3+", "1.2.3-01", "1.2.3-!!+@@", "1.2.3-a..b", "1.2", "1..3", "-1.2.3",
		"1.2.3 ", "99999999999999999999.0.0",
	};
	unsigned long long major = 7;

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		tap_ok(spec_is_semver(good[i], strlen(good[i]), NULL), __FILE__, __LINE__, good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		tap_ok(!spec_is_semver(bad[i], strlen(bad[i]), NULL), __FILE__, __LINE__, bad[i]);
	CHECK(spec_is_semver("12.3.4-rc.1", 11, &major));
	CHECK_INT(major, 12);
}

static void test_env_name(void)
{
	/* environment_test.go */
	CHECK(spec_is_env_name("DEBUG", 5));
	CHECK(spec_is_env_name("_0_DEBUG_0_", 11));
	CHECK(spec_is_env_name("DEBUG.0", 7));
	CHECK(spec_is_env_name("DEBUG-0", 7));
	CHECK(spec_is_env_name("a.b-c", 5));
	CHECK(!spec_is_env_name("", 0));
	CHECK(!spec_is_env_name("0DEBUG", 6));
	CHECK(!spec_is_env_name("1X", 2));
	CHECK(!spec_is_env_name("VERBOSE|DEBUG", 13));
	CHECK(!spec_is_env_name("A=B", 3));
}

/* spec/aci.md's example, with its placeholder image ID. */
static const char aci_md_example[] =
	"{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/reduce-worker\","
	"\"labels\":[{\"name\":\"version\",\"value\":\"1.0.0\"},{\"name\":\"arch\",\"value\":\"amd64\"},"
	"{\"name\":\"os\",\"value\":\"linux\"}],"
	"\"app\":{\"exec\":[\"/usr/bin/reduce-worker\",\"--quiet\"],\"user\":\"100\",\"group\":\"300\","
	"\"supplementaryGids\":[400,500],"
	"\"eventHandlers\":[{\"exec\":[\"/usr/bin/data-downloader\"],\"name\":\"pre-start\"},"
	"{\"exec\":[\"/usr/bin/deregister-worker\",\"--verbose\"],\"name\":\"post-stop\"}],"
	"\"workingDirectory\":\"/opt/work\","
	"\"environment\":[{\"name\":\"REDUCE_WORKER_DEBUG\",\"value\":\"true\"}],"
	"\"isolators\":[{\"name\":\"resource/cpu\",\"value\":{\"request\":\"250m\",\"limit\":\"500m\"}},"
	"{\"name\":\"resource/memory\",\"value\":{\"request\":\"1G\",\"limit\":\"2G\"}},"
	"{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"CAP_NET_BIND_SERVICE\"]}}],"
	"\"mountPoints\":[{\"name\":\"work\",\"path\":\"/var/lib/work\",\"readOnly\":false}],"
	"\"ports\":[{\"name\":\"health\",\"port\":4000,\"protocol\":\"tcp\",\"socketActivated\":true},"
	"{\"name\":\"ftp-data\",\"port\":20000,\"count\":1000,\"protocol\":\"tcp\"}]},"
	"\"dependencies\":[{\"imageName\":\"example.com/reduce-worker-base\",\"imageID\":\"%s\","
	"\"labels\":[{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"env\",\"value\":\"canary\"}],"
	"\"size\":22017258}],"
	"\"pathWhitelist\":[\"/etc/ca/example.com/crt\",\"/usr/bin/map-reduce-worker\","
	"\"/opt/libs/reduce-toolkit.so\",\"/etc/reduce-worker.conf\",\"/etc/systemd/system/\"],"
	"\"annotations\":[{\"name\":\"authors\",\"value\":\"Carly Container <carly@example.com>, Nat "
	"Network <[nat@example.com](mailto:nat@example.com)>\"},"
	"{\"name\":\"created\",\"value\":\"2014-10-27T19:32:27.67021798Z\"},"
	"{\"name\":\"documentation\",\"value\":\"https://example.com/docs\"},"
	"{\"name\":\"homepage\",\"value\":\"https://example.com\"},"
	"{\"name\":\"appc.io/executor/supports-systemd-notify\",\"value\":\"false\"}]}";

static void test_spec_examples(void)
{
	char buf[sizeof(aci_md_example) + 200];
	struct spec_report r = SPEC_REPORT_INIT;

	snprintf(buf, sizeof(buf), aci_md_example, "sha512-" ID128);
	VALID(buf);
	/* "sha512-..." stands for a digest; as a value it is not one. */
	snprintf(buf, sizeof(buf), aci_md_example, "sha512-...");
	CHECK_INT(spec_check_manifest(buf, strlen(buf), &r), 1);
	CHECK_STR(r.n ? r.items[0].field : "", "dependencies[0].imageID");
	spec_report_free(&r);

	/* schema/image_test.go's minimal manifest; app null is no app. */
	VALID(M(""));
	VALID(M(",\"app\":null"));
	/* ace/image_manifest_sidekick.json.in, substituted. */
	VALID("{\"acVersion\":\"0.8.11\",\"acKind\":\"ImageManifest\",\"name\":"
	      "\"coreos.com/ace-validator-sidekick\",\"labels\":[{\"name\":\"version\","
	      "\"value\":\"0.8.11\"},{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\","
	      "\"value\":\"amd64\"}],\"app\":{\"exec\":[\"/ace-validator\",\"sidekick\"],"
	      "\"user\":\"0\",\"group\":\"0\",\"mountPoints\":[{\"name\":\"database\",\"path\":"
	      "\"/db\",\"readOnly\":false}]}}");
	/* ...and as shipped, with @ACI_OS@ unsubstituted. */
	INVALID(LABELS("{\"name\":\"os\",\"value\":\"@ACI_OS@\"},"
		       "{\"name\":\"arch\",\"value\":\"@ACI_ARCH@\"}"),
		"labels[0].value");
	/* spec/ace.md's isolator examples. */
	VALID(ISO("{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"errno\":\"ENOTSUP\","
		  "\"set\":[\"clock_adjtime\",\"clock_settime\",\"reboot\"]}}"));
	VALID(ISO("{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"errno\":\"\","
		  "\"set\":[\"accept\",\"bind\",\"listen\",\"read\",\"socket\",\"write\"]}}"));
	VALID(ISO("{\"name\":\"os/linux/selinux-context\",\"value\":{\"user\":\"system_u\","
		  "\"role\":\"system_r\",\"type\":\"dhcpc_t\",\"level\":\"s0\"}}"));
	VALID(ISO("{\"name\":\"os/linux/apparmor-profile\",\"value\":{\"profile\":\"rkt-default\"}}"));
	VALID(ISO("{\"name\":\"os/linux/capabilities-remove-set\",\"value\":{\"set\":"
		  "[\"CAP_SYS_CHROOT\",\"CAP_MKNOD\"]}}"));
	VALID(ISO("{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":"
		  "[\"CAP_NET_ADMIN\",\"CAP_NET_BIND_SERVICE\"]}}"));
	VALID(ISO("{\"name\":\"os/linux/no-new-privileges\",\"value\":true}"));
	VALID(ISO("{\"name\":\"resource/block-bandwidth\",\"value\":{\"default\":true,\"limit\":\"2M\"}}"));
	VALID(ISO("{\"name\":\"resource/block-iops\",\"value\":{\"default\":true,\"limit\":\"1000\"}}"));
	VALID(ISO("{\"name\":\"resource/network-bandwidth\",\"value\":{\"default\":true,\"limit\":\"1G\"}}"));
	/* examples/image.json's seccomp errno EACCESS is no errno (EACCES is). */
	INVALID_MSG(ISO("{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"errno\":\"EACCESS\","
			"\"set\":[\"clock_settime\",\"clock_adjtime\",\"reboot\"]}}"),
		    "app.isolators[0].value.errno", "unknown errno name 'EACCESS'");
}

static void test_top_level(void)
{
	INVALID_MSG("", "", "not JSON");
	INVALID_MSG("{", "", "not JSON");
	INVALID_MSG("[]", "", "must be an object");
	INVALID_MSG("\xef\xbb\xbf{}", "", "not JSON");
	INVALID_MSG(M("}x"), "", "not JSON");
	INVALID_MSG("{\"acVersion\":\"0.8.11\",\"name\":\"a\"}", "acKind", "missing");
	INVALID_MSG("{\"acKind\":\"PodManifest\",\"acVersion\":\"0.8.11\",\"name\":\"a\"}", "acKind",
		    "'PodManifest'");
	INVALID_MSG("{\"ACKIND\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"a\"}",
		    "acKind", "case-sensitive");
	INVALID("{\"acKind\":\"ImageManifest\",\"name\":\"a\"}", "acVersion");
	INVALID("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.0.0\",\"name\":\"a\"}", "acVersion");
	INVALID("{\"acKind\":\"ImageManifest\",\"acVersion\":1,\"name\":\"a\"}", "acVersion");
	INVALID("{\"acKind\":\"ImageManifest\",\"acVersion\":\"00.08.011\",\"name\":\"a\"}",
		"acVersion");
	INVALID("{\"acKind\":\"ImageManifest\",\"acVersion\":\"9.0.0\",\"name\":\"a\"}", "acVersion");
	VALID("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.5.1\",\"name\":\"a\"}");
	INVALID("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\"}", "name");
	INVALID("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":null}", "name");
	INVALID("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"\"}", "name");
	INVALID("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"Example.com/app\"}",
		"name");
	INVALID("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example..com//app\"}",
		"name");
	/* Duplicate keys: json_parse refuses them. */
	INVALID_MSG(M(",\"name\":\"b\""), "", "not JSON");
	/* Unknown members are fine, at any level. */
	VALID(M(",\"foo\":1"));
	VALID(APP(",\"foo\":1"));
	VALID(M(",\"pathWhitelist\":[\"/a\",\"/b/\"]"));
	INVALID(M(",\"pathWhitelist\":[\"relative/path\",\"\"]"), "pathWhitelist[0]");
	INVALID(M(",\"pathWhitelist\":[\"relative/path\",\"\"]"), "pathWhitelist[1]");
	INVALID(M(",\"pathWhitelist\":\"/a\""), "pathWhitelist");
	INVALID(M(",\"app\":[]"), "app");
}

static void test_labels(void)
{
	/* labels_test.go */
	VALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"amd64\"}"));
	VALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"aarch64\"}"));
	VALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"aarch64_be\"}"));
	VALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"armv6l\"}"));
	VALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"armv7l\"}"));
	VALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"armv7b\"}"));
	VALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"ppc64le\"}"));
	VALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"s390x\"}"));
	VALID(LABELS("{\"name\":\"os\",\"value\":\"freebsd\"},{\"name\":\"arch\",\"value\":\"arm\"}"));
	VALID(LABELS("{\"name\":\"os\",\"value\":\"darwin\"},{\"name\":\"arch\",\"value\":\"x86_64\"}"));
	VALID(LABELS("{\"name\":\"arch\",\"value\":\"sparc\"}")); /* arch means nothing without os */
	VALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"}"));
	INVALID_MSG(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"arm64\"}"),
		    "labels[1].value", "unknown arch 'arm64' for os 'linux'");
	INVALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"arm64_be\"}"),
		"labels[1].value");
	INVALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"arm\"}"),
		"labels[1].value");
	INVALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"ppc64l\"}"),
		"labels[1].value");
	INVALID(LABELS("{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"S390x\"}"),
		"labels[1].value");
	INVALID(LABELS("{\"name\":\"arch\",\"value\":\"amd64\"},{\"name\":\"os\",\"value\":\"Linux\"}"),
		"labels[1].value");
	INVALID(LABELS("{\"name\":\"name\",\"value\":\"x\"}"), "labels[0].name");
	INVALID_MSG(LABELS("{\"name\":\"a\",\"value\":\"x\"},{\"name\":\"a\",\"value\":\"y\"}"),
		    "labels[1].name", "duplicate label 'a'");
	INVALID(LABELS("{\"value\":\"x\"}"), "labels[0].name");
	INVALID(LABELS("{\"name\":\"a\"}"), "labels[0].value");
	INVALID(LABELS("{\"name\":\"a\",\"value\":1}"), "labels[0].value");
	INVALID(LABELS("{\"name\":\"A\",\"value\":\"x\"}"), "labels[0].name");
	INVALID(LABELS("\"a\""), "labels[0]");
	INVALID(M(",\"labels\":{}"), "labels");
}

static void test_app(void)
{
	/* app_test.go and friends */
	INVALID_MSG(M(",\"app\":{}"), "app.user", "missing");
	INVALID(M(",\"app\":{}"), "app.group");
	INVALID(M(",\"app\":{\"user\":\"\",\"group\":\"0\"}"), "app.user");
	INVALID(M(",\"app\":{\"user\":\"0\",\"group\":0}"), "app.group");
	VALID(M(",\"app\":{\"user\":\"0\",\"group\":\"0\"}"));
	/* exec is sought on PATH when it has no slash (spec/aci.md). */
	VALID(M(",\"app\":{\"user\":\"0\",\"group\":\"0\",\"exec\":[\"bin/x\"]}"));
	VALID(M(",\"app\":{\"user\":\"0\",\"group\":\"0\",\"exec\":[\"app\"]}"));
	VALID(M(",\"app\":{\"user\":\"0\",\"group\":\"0\",\"exec\":[]}"));
	INVALID(M(",\"app\":{\"user\":\"0\",\"group\":\"0\",\"exec\":[\"\"]}"), "app.exec[0]");
	INVALID(M(",\"app\":{\"user\":\"0\",\"group\":\"0\",\"exec\":\"/bin/sh\"}"), "app.exec");
	INVALID(M(",\"app\":{\"user\":\"0\",\"group\":\"0\",\"exec\":[\"/bin/sh\",1]}"), "app.exec[1]");
	INVALID(APP(",\"workingDirectory\":\"opt\""), "app.workingDirectory");
	INVALID(APP(",\"workingDirectory\":\"../home/fred\""), "app.workingDirectory");
	VALID(APP(",\"workingDirectory\":\"/opt\""));
	VALID(APP(",\"supplementaryGIDs\":[0,5,4294967294]"));
	/* (gid_t)-1, as patch-manifest refuses it too. */
	INVALID_MSG(APP(",\"supplementaryGIDs\":[4294967295]"), "app.supplementaryGIDs[0]",
		"4294967295 is out of range (0 to 4294967294)");
	INVALID(APP(",\"supplementaryGIDs\":[-1,5]"), "app.supplementaryGIDs[0]");
	INVALID(APP(",\"supplementaryGids\":[1.5]"), "app.supplementaryGids[0]");
	INVALID(APP(",\"supplementaryGIDs\":[\"5\"]"), "app.supplementaryGIDs[0]");
	INVALID(APP(",\"supplementaryGIDs\":[1],\"supplementaryGids\":[2]"), "app.supplementaryGids");
	/* environment_test.go */
	VALID(APP(",\"environment\":[{\"name\":\"_0_DEBUG_0_\",\"value\":\"true\"},"
		  "{\"name\":\"DEBUG.0\",\"value\":\"\"},{\"name\":\"a.b-c\",\"value\":\"x\"}]"));
	INVALID(APP(",\"environment\":[{\"name\":\"DEBUG\",\"value\":\"true\"},"
		    "{\"name\":\"DEBUG\",\"value\":\"true\"}]"),
		"app.environment[1].name");
	INVALID(APP(",\"environment\":[{\"name\":\"\",\"value\":\"v\"}]"), "app.environment[0].name");
	INVALID(APP(",\"environment\":[{\"name\":\"0DEBUG\",\"value\":\"v\"}]"),
		"app.environment[0].name");
	INVALID(APP(",\"environment\":[{\"name\":\"VERBOSE|DEBUG\",\"value\":\"v\"}]"),
		"app.environment[0].name");
	/* eventHandlers */
	INVALID(APP(",\"eventHandlers\":[{\"name\":\"pre-stop\",\"exec\":[\"/x\"]}]"),
		"app.eventHandlers[0].name");
	INVALID(APP(",\"eventHandlers\":[{\"name\":\"pre-start\",\"exec\":[\"/x\"]},"
		    "{\"name\":\"pre-start\",\"exec\":[\"/y\"]}]"),
		"app.eventHandlers[1].name");
	INVALID(APP(",\"eventHandlers\":[{\"name\":\"pre-start\"}]"), "app.eventHandlers[0].exec");
	/* mountPoints (mountpoint_test.go) */
	INVALID(APP(",\"mountPoints\":[{\"path\":\"/x\"}]"), "app.mountPoints[0].name");
	INVALID(APP(",\"mountPoints\":[{\"name\":\"x\"}]"), "app.mountPoints[0].path");
	INVALID(APP(",\"mountPoints\":[{\"name\":\"x\",\"path\":\"x\"}]"), "app.mountPoints[0].path");
	INVALID(APP(",\"mountPoints\":[{\"name\":\"X_y\",\"path\":\"/x\"}]"), "app.mountPoints[0].name");
	INVALID(APP(",\"mountPoints\":[{\"name\":\"x\",\"path\":\"/x\"},{\"name\":\"x\",\"path\":\"/y\"}]"),
		"app.mountPoints[1].name");
	INVALID(APP(",\"mountPoints\":[{\"name\":\"x\",\"path\":\"/x\",\"readOnly\":\"true\"}]"),
		"app.mountPoints[0].readOnly");
	/* ports (port_test.go) */
	VALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":65535}]"));
	VALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":65534,\"count\":2}]"));
	INVALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":0}]"), "app.ports[0].port");
	INVALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":88888}]"),
		"app.ports[0].port");
	INVALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":65535,\"count\":2}]"),
		"app.ports[0].count");
	INVALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":80,\"count\":0}]"),
		"app.ports[0].count");
	INVALID(APP(",\"ports\":[{\"name\":\"a\",\"port\":80}]"), "app.ports[0].protocol");
	INVALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":6,\"port\":80}]"), "app.ports[0].protocol");
	VALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"\",\"port\":80}]"));
	INVALID(APP(",\"ports\":[{\"protocol\":\"tcp\",\"port\":80}]"), "app.ports[0].name");
	INVALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\"}]"), "app.ports[0].port");
	INVALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":80.0}]"),
		"app.ports[0].port");
	INVALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":80,"
		    "\"socketActivated\":1}]"),
		"app.ports[0].socketActivated");
	INVALID(APP(",\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":80},"
		    "{\"name\":\"a\",\"protocol\":\"udp\",\"port\":80}]"),
		"app.ports[1].name");
	/* userAnnotations, userLabels */
	VALID(APP(",\"userAnnotations\":{\"z\":\"1\",\"a\":\"2\"},\"userLabels\":{\"Any Key\":\"v\"}"));
	INVALID(APP(",\"userLabels\":{\"k\":1}"), "app.userLabels");
}

static void test_isolators(void)
{
	/* isolator_test.go, isolator_*_test.go; unknown isolators are fine
	 * (an executor may ignore them), unlike in appc's code. */
	VALID(ISO("{\"name\":\"example.com/ponies\",\"value\":{\"any\":1}}"));
	VALID(ISO("{\"name\":\"example.com/ponies\",\"value\":null}"));
	INVALID(ISO("{\"value\":{}}"), "app.isolators[0].name");
	INVALID(ISO("{\"name\":\"os/linux/no-new-privileges\"}"), "app.isolators[0].value");
	INVALID(ISO("{\"name\":\"os/linux/no-new-privileges\",\"value\":null}"), "app.isolators[0].value");
	INVALID(ISO("{\"name\":\"Bad Name\",\"value\":1}"), "app.isolators[0].name");
	/* capabilities */
	INVALID_MSG(ISO("{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"CAP_PONIES\"]}}"),
		    "app.isolators[0].value.set[0]", "unknown capability");
	INVALID_MSG(ISO("{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"cap_chown\"]}}"),
		    "app.isolators[0].value.set[0]", "spelt 'CAP_CHOWN'");
	INVALID(ISO("{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"\"]}}"),
		"app.isolators[0].value.set[0]");
	INVALID(ISO("{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{}}"),
		"app.isolators[0].value.set");
	INVALID(ISO("{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[]}}"),
		"app.isolators[0].value.set");
	INVALID(ISO("{\"name\":\"os/linux/capabilities-remove-set\",\"value\":{\"set\":\"CAP_KILL\"}}"),
		"app.isolators[0].value.set");
	INVALID(ISO("{\"name\":\"os/linux/capabilities-remove-set\",\"value\":[\"CAP_KILL\"]}"),
		"app.isolators[0].value");
	VALID(ISO("{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"CAP_KILL\"],\"x\":1}}"));
	INVALID_MSG(ISO("{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"CAP_KILL\"]}},"
			"{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1G\"}},"
			"{\"name\":\"os/linux/capabilities-remove-set\",\"value\":{\"set\":[\"CAP_KILL\"]}}"),
		    "app.isolators[2].name", "cannot be used together");
	/* seccomp */
	INVALID_MSG(ISO("{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[\"read\"]}},"
			"{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[\"reboot\"]}}"),
		    "app.isolators[1].name", "cannot be used together");
	INVALID_MSG(ISO("{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[\"read\"]}},"
			"{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[\"write\"]}}"),
		    "app.isolators[1].name", "a second");
	INVALID(ISO("{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[\"read\"],\"errno\":\"Eperm\"}}"),
		"app.isolators[0].value.errno");
	INVALID(ISO("{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[\"read\"],\"errno\":\"PERM\"}}"),
		"app.isolators[0].value.errno");
	VALID(ISO("{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[\"read\"],\"errno\":\"E2BIG\"}}"));
	VALID(ISO("{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[\"@appc.io/all\"]}}"));
	VALID(ISO("{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[\"@appc.io/empty\",\"@rkt/default-blacklist\"]}}"));
	INVALID(ISO("{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[\"@appc.io/all\"]}}"),
		"app.isolators[0].value.set[0]");
	INVALID(ISO("{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[\"@everything\"]}}"),
		"app.isolators[0].value.set[0]");
	INVALID(ISO("{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[]}}"),
		"app.isolators[0].value.set");
	/* oom-score-adj, cpu-shares, no-new-privileges */
	INVALID(ISO("{\"name\":\"os/linux/oom-score-adj\",\"value\":1001}"), "app.isolators[0].value");
	INVALID(ISO("{\"name\":\"os/linux/oom-score-adj\",\"value\":-2500}"), "app.isolators[0].value");
	VALID(ISO("{\"name\":\"os/linux/oom-score-adj\",\"value\":-250}"));
	INVALID(ISO("{\"name\":\"os/linux/oom-score-adj\",\"value\":1},{\"name\":\"os/linux/oom-score-adj\",\"value\":2}"),
		"app.isolators[1].name");
	INVALID(ISO("{\"name\":\"os/linux/cpu-shares\",\"value\":1}"), "app.isolators[0].value");
	INVALID(ISO("{\"name\":\"os/linux/cpu-shares\",\"value\":\"262145\"}"), "app.isolators[0].value");
	INVALID(ISO("{\"name\":\"os/linux/cpu-shares\",\"value\":\"pants\"}"), "app.isolators[0].value");
	VALID(ISO("{\"name\":\"os/linux/cpu-shares\",\"value\":2}"));
	VALID(ISO("{\"name\":\"os/linux/cpu-shares\",\"value\":2048}"));
	INVALID(ISO("{\"name\":\"os/linux/no-new-privileges\",\"value\":123}"), "app.isolators[0].value");
	INVALID(ISO("{\"name\":\"os/linux/no-new-privileges\",\"value\":\"foo\"}"), "app.isolators[0].value");
	INVALID(ISO("{\"name\":\"os/linux/no-new-privileges\",\"value\":{}}"), "app.isolators[0].value");
	VALID(ISO("{\"name\":\"os/linux/no-new-privileges\",\"value\":true},"
		  "{\"name\":\"os/linux/no-new-privileges\",\"value\":false}"));
	/* resources (isolator_resources_test.go); 'K' is in the spec's list */
	VALID(ISO("{\"name\":\"resource/memory\",\"value\":{\"request\":\"1000M\",\"limit\":\"2048Mi\"}}"));
	VALID(ISO("{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1K\"}}"));
	VALID(ISO("{\"name\":\"resource/cpu\",\"value\":{\"limit\":0.5}}"));
	VALID(ISO("{\"name\":\"resource/cpu\",\"value\":{\"request\":\".3\",\"limit\":\"1e3\"}}"));
	INVALID(ISO("{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1GB\"}}"),
		"app.isolators[0].value.limit");
	INVALID(ISO("{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1 G\"}}"),
		"app.isolators[0].value.limit");
	INVALID(ISO("{\"name\":\"resource/memory\",\"value\":{\"limit\":\"-1G\"}}"),
		"app.isolators[0].value.limit");
	INVALID(ISO("{\"name\":\"resource/memory\",\"value\":{\"limit\":true}}"),
		"app.isolators[0].value.limit");
	INVALID(ISO("{\"name\":\"resource/memory\",\"value\":{}}"), "app.isolators[0].value");
	INVALID_MSG(ISO("{\"name\":\"resource/cpu\",\"value\":{\"request\":\"30m\",\"limit\":\"1m\"}}"),
		    "app.isolators[0].value.request", "more than the limit");
	VALID(ISO("{\"name\":\"resource/memory\",\"value\":{\"request\":\"1Gi\",\"limit\":\"1073741824\"}}"));
	INVALID(ISO("{\"name\":\"resource/cpu\",\"value\":{\"limit\":\"1\"}},"
		    "{\"name\":\"resource/cpu\",\"value\":{\"limit\":\"2\"}}"),
		"app.isolators[1].name");
	INVALID(ISO("{\"name\":\"resource/block-bandwidth\",\"value\":{\"default\":false,\"limit\":\"2M\"}}"),
		"app.isolators[0].value.default");
	INVALID(ISO("{\"name\":\"resource/network-bandwidth\",\"value\":{\"limit\":\"2M\"}}"),
		"app.isolators[0].value.default");
	INVALID(ISO("{\"name\":\"resource/block-iops\",\"value\":{\"default\":true,\"request\":\"1\",\"limit\":\"2\"}}"),
		"app.isolators[0].value.request");
	INVALID(ISO("{\"name\":\"resource/block-iops\",\"value\":{\"default\":true}}"),
		"app.isolators[0].value.limit");
	/* selinux, apparmor, sysctl */
	INVALID(ISO("{\"name\":\"os/linux/selinux-context\",\"value\":{\"user\":\"u\",\"role\":\"role_r:type_t\","
		    "\"type\":\"t\",\"level\":\"s0\"}}"),
		"app.isolators[0].value.role");
	INVALID(ISO("{\"name\":\"os/linux/selinux-context\",\"value\":{\"user\":\"u\",\"role\":\"\","
		    "\"type\":\"t\",\"level\":\"s0\"}}"),
		"app.isolators[0].value.role");
	VALID(ISO("{\"name\":\"os/linux/selinux-context\",\"value\":{\"user\":\"u\",\"role\":\"r\","
		  "\"type\":\"t\",\"level\":\"s0-s0:c0\"}}"));
	INVALID(ISO("{\"name\":\"os/linux/selinux-context\",\"value\":{\"user\":\"u\",\"role\":\"r\",\"type\":\"t\"}}"),
		"app.isolators[0].value.level");
	INVALID(ISO("{\"name\":\"os/linux/apparmor-profile\",\"value\":{\"profile\":\"\"}}"),
		"app.isolators[0].value.profile");
	INVALID(ISO("{\"name\":\"os/unix/sysctl\",\"value\":{\"k\":1}}"), "app.isolators[0].value");
	INVALID_MSG(ISO("{\"name\":\"os/unix/sysctl\",\"value\":{\"net.ipv4.tcp_mtu_probing\":\"1\"}}"),
		    "app.isolators[0].name", "pod");
}

static void test_annotations_dependencies(void)
{
	/* annotations_test.go, date_test.go, url_test.go */
	VALID(M(",\"annotations\":[{\"name\":\"created\",\"value\":\"2014-10-27T19:32:27+02:00\"},"
		"{\"name\":\"homepage\",\"value\":\"http://example.com/x?y#z\"},"
		"{\"name\":\"documentation\",\"value\":\"HTTPS://example.com\"},"
		"{\"name\":\"lorem\",\"value\":\"ipsum\"}]"));
	INVALID(M(",\"annotations\":[{\"name\":\"created\",\"value\":\"2014-10-27 19:32:27Z\"}]"),
		"annotations[0].value");
	INVALID(M(",\"annotations\":[{\"name\":\"created\",\"value\":\"garbage\"}]"),
		"annotations[0].value");
	INVALID(M(",\"annotations\":[{\"name\":\"created\",\"value\":\"2014-10-27\"}]"),
		"annotations[0].value");
	INVALID(M(",\"annotations\":[{\"name\":\"created\",\"value\":\"2014-10-27T19:32:27\"}]"),
		"annotations[0].value");
	INVALID(M(",\"annotations\":[{\"name\":\"created\",\"value\":\"2015-02-29T00:00:00Z\"}]"),
		"annotations[0].value");
	VALID(M(",\"annotations\":[{\"name\":\"created\",\"value\":\"2016-02-29T00:00:00Z\"}]"));
	INVALID(M(",\"annotations\":[{\"name\":\"homepage\",\"value\":\"ftp://x\"}]"),
		"annotations[0].value");
	INVALID(M(",\"annotations\":[{\"name\":\"homepage\",\"value\":\"not-A$@#URL\"}]"),
		"annotations[0].value");
	INVALID(M(",\"annotations\":[{\"name\":\"documentation\",\"value\":\"http://\"}]"),
		"annotations[0].value");
	INVALID(M(",\"annotations\":[{\"name\":\"foo\",\"value\":\"a\"},{\"name\":\"foo\",\"value\":\"b\"}]"),
		"annotations[1].name");
	INVALID(M(",\"annotations\":[{\"name\":\"appc.io/executor/supports-systemd-notify\","
		  "\"value\":\"yes\"}]"),
		"annotations[0].value");
	INVALID(M(",\"annotations\":[{\"name\":\"Foo\",\"value\":\"a\"}]"), "annotations[0].name");
	/* dependencies_test.go, hash_test.go */
	VALID(M(",\"dependencies\":[{\"imageName\":\"example.com/base\"}]"));
	VALID(M(",\"dependencies\":[{\"imageName\":\"example.com/base\",\"size\":0}]"));
	INVALID(M(",\"dependencies\":[{\"imageID\":\"sha512-" ID128 "\"}]"), "dependencies[0].imageName");
	INVALID(M(",\"dependencies\":[{\"imageName\":\"a\",\"imageID\":\"sha256-abc\"}]"),
		"dependencies[0].imageID");
	INVALID(M(",\"dependencies\":[{\"imageName\":\"a\",\"imageID\":\"sha512-ab-c\"}]"),
		"dependencies[0].imageID");
	INVALID(M(",\"dependencies\":[{\"imageName\":\"a\",\"size\":-1}]"), "dependencies[0].size");
	INVALID(M(",\"dependencies\":[{\"imageName\":\"a\",\"labels\":[{\"name\":\"os\",\"value\":\"plan9\"}]}]"),
		"dependencies[0].labels[0].value");
}

static void test_report(void)
{
	struct spec_report r = SPEC_REPORT_INIT;
	const char text[] = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"a\\nB\"}";

	/* Problems accumulate across calls; the count is of this call's. */
	CHECK_INT(spec_check_manifest(text, strlen(text), &r), 1);
	CHECK_INT(spec_check_manifest(text, strlen(text), &r), 1);
	CHECK_INT(r.n, 2);
	/* A control byte in a user's string is escaped: one line per problem. */
	CHECK_STR(r.items[0].message, "not an ACIdentifier: 'a\\x0aB'");
	spec_report_free(&r);
	CHECK_INT(r.n, 0);
	/* A long string is cut, between characters: '€' is 3 bytes. */
	{
		char buf[700];
		const char *msg;
		size_t k;

		k = (size_t)snprintf(buf, sizeof(buf), "{" HEAD ",\"labels\":[{\"name\":\"");
		for (int i = 0; i < 100; i++)
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "\xe2\x82\xac");
		snprintf(buf + k, sizeof(buf) - k, "\",\"value\":\"\"}]}");
		CHECK_INT(spec_check_manifest(buf, strlen(buf), &r), 1);
		msg = r.n ? r.items[0].message : "";
		CHECK(strstr(msg, "...'") != NULL);
		k = strlen(msg) - strlen("...'");
		/* Before the "...": the quote's opening, then whole characters. */
		CHECK(strstr(msg, "'") && (k - (size_t)(strstr(msg, "'") + 1 - msg)) % 3 == 0);
		spec_report_free(&r);
	}
	spec_report_add(&r, "x", "%d problems", 3);
	CHECK_STR(r.items[0].field, "x");
	CHECK_STR(r.items[0].message, "3 problems");
	spec_report_free(&r);
}

int main(void)
{
	RUN(test_acidentifier);
	RUN(test_acname);
	RUN(test_semver);
	RUN(test_env_name);
	RUN(test_spec_examples);
	RUN(test_top_level);
	RUN(test_labels);
	RUN(test_app);
	RUN(test_isolators);
	RUN(test_annotations_dependencies);
	RUN(test_report);
	return tap_done();
}
