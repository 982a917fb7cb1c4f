// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/image/capedit.h"
#include "common/caps/capname.h"
#include "common/base/macro.h"
#include "common/manifest/manifest.h"
#include "common/manifest/patcharg.h"
#include "common/spec/spec.h"
#include "tools/cmd.h"

enum {
	OPT_CAPABILITY = OPT_CMD_BASE,
	OPT_REVOKE,
	OPT_FILECAP,
	OPT_REMOVE_FILECAP,
	OPT_ROOTID,
	OPT_DROP_ROOTID,
	OPT_FORCE,
	OPT_MANIFEST,
	OPT_NAME,
	OPT_EXEC,
	OPT_USER,
	OPT_GROUP,
	OPT_GIDS,
	OPT_MOUNTS,
	OPT_PORTS,
	OPT_ISOLATORS,
	OPT_SECCOMP_MODE,
	OPT_SECCOMP_SET,
};

struct patch_ctx {
	struct manifest_patch patch;
	/* --manifest: the new manifest's bytes, checked before any output */
	char *replacement;
	size_t replacement_len;
	const char *image; /* for messages: "acitool: patch-manifest: IMAGE: ..." */
};

static int patch_manifest(void *ctx, const char *text, size_t len, char **out,
			  size_t *out_len, struct act_err *err)
{
	const struct patch_ctx *pc = ctx;

	if (pc->replacement) {
		/* The old manifest is not looked at: replacing repairs a broken one. */
		*out = xmalloc(pc->replacement_len + 1);
		memcpy(*out, pc->replacement, pc->replacement_len + 1);
		*out_len = pc->replacement_len;
		return 0;
	}
	if (manifest_patch_apply(text, len, &pc->patch, out, out_len, err) < 0)
		return act_err_wrap(err, "%s: cannot patch the manifest", pc->image);
	return 0;
}

/* --capability or --revoke-capability, the last one given (as actool). */
static int parse_caps(const struct act_cmd *cmd, struct manifest_patch *p,
		      const char *retain, const char *revoke)
{
	struct act_err err = { 0 };
	const char *opt = retain ? "capability" : "revoke-capability";

	if (retain && revoke)
		return cmd_usage(cmd, "--capability and --revoke-capability exclude each other");
	if (!retain && !revoke)
		return 0;
	p->caps_kind = retain ? MANIFEST_CAPS_RETAIN : MANIFEST_CAPS_REMOVE;
	if (capname_parse_list(retain ? retain : revoke, p->caps, ARRAY_SIZE(p->caps),
			       &p->ncaps, &err) < 0)
		return cmd_usage(cmd, "--%s: %s", opt, err.msg);
	return 0;
}

/* The field options, parsed by patcharg.h. */
static const struct {
	int opt;
	const char *name;
	int (*parse)(struct manifest_patch *p, const char *arg, struct act_err *err);
} field_opts[] = {
	{ OPT_NAME, "name", patcharg_name },
	{ OPT_EXEC, "exec", patcharg_exec },
	{ OPT_USER, "user", patcharg_user },
	{ OPT_GROUP, "group", patcharg_group },
	{ OPT_GIDS, "supplementary-groups", patcharg_supplementary_groups },
	{ OPT_MOUNTS, "mounts", patcharg_mounts },
	{ OPT_PORTS, "ports", patcharg_ports },
	{ OPT_ISOLATORS, "isolators", patcharg_isolators },
	{ OPT_SECCOMP_MODE, "seccomp-mode", patcharg_seccomp_mode },
	{ OPT_SECCOMP_SET, "seccomp-set", patcharg_seccomp_set },
};

/* 1: c was a field option, its value kept; 0: not one. A field option given
 * again replaces the earlier value, as actool (Go's flag package) does, so
 * that a Makefile can append an override. */
static int keep_field(const char **last, int c, const char *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(field_opts); i++) {
		if (field_opts[i].opt == c) {
			last[i] = arg;
			return 1;
		}
	}
	return 0;
}

/* Parse the last value of each field option; 0, or EXIT_USAGE (printed). */
static int parse_fields(const struct act_cmd *cmd, struct manifest_patch *p, const char **last)
{
	struct act_err err = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(field_opts); i++) {
		if (last[i] && field_opts[i].parse(p, last[i], &err) < 0)
			return cmd_usage(cmd, "--%s: %s", field_opts[i].name, err.msg);
	}
	return 0;
}

/* --manifest FILE (or '-', standard input): read it whole and check it,
 * before any output exists. */
static int read_replacement(const struct act_cmd *cmd, struct patch_ctx *pc,
			    const char *arg)
{
	struct act_err err = { 0 };
	struct spec_report rep = SPEC_REPORT_INIT;
	bool in = streq(arg, "-");
	const char *path = in ? "(stdin)" : arg;
	_cleanup_close_ int fd = in ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
				    : open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, len = 0;
	char *buf;

	if (fd < 0) {
		act_err_set(&err, errno, "%s: cannot open: %s", path, strerror(errno));
		return cmd_fail(cmd, &err);
	}
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			if (cap > ACI_MANIFEST_MAX) {
				act_err_set(&err, EFBIG, "%s: over the manifest size limit of %d bytes",
					    path, ACI_MANIFEST_MAX);
				goto fail;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			act_err_set(&err, errno, "%s: cannot read: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (len > ACI_MANIFEST_MAX) {
		act_err_set(&err, EFBIG, "%s: over the manifest size limit of %d bytes", path,
			    ACI_MANIFEST_MAX);
		goto fail;
	}
	if (manifest_check(buf, len, &err) < 0) {
		act_err_wrap(&err, "%s: not a valid image manifest", path);
		goto fail;
	}
	if (spec_check_manifest(buf, len, &rep) > 0) {
		_cleanup_free_ char *what = NULL;

		if (asprintf(&what, "%s: not a valid image manifest", path) < 0)
			abort();
		spec_report_err(&rep, what, NULL, &err);
		spec_report_free(&rep);
		goto fail;
	}
	pc->replacement = buf;
	pc->replacement_len = len;
	return 0;
fail:
	free(buf);
	return cmd_fail(cmd, &err);
}

/* --filecap PATH=CAPS: the path ends at the first '=' (CAPS may hold more). */
struct filecap_arg {
	char *path;
	const char *caps; /* NULL: remove */
};

static int add_filecap_arg(const struct act_cmd *cmd, struct filecap_arg **fa, size_t *n,
			   const char *arg, bool remove)
{
	const char *eq = remove ? NULL : strchr(arg, '=');

	if (!remove && (!eq || eq == arg))
		return cmd_usage(cmd, "--filecap: '%s' is not PATH=CAPS", arg);
	*fa = xrealloc(*fa, (*n + 1) * sizeof(**fa));
	(*fa)[*n].path = remove ? xstrdup(arg) : xstrndup(arg, (size_t)(eq - arg));
	(*fa)[*n].caps = remove ? NULL : eq + 1;
	(*n)++;
	return 0;
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "capability", required_argument, NULL, OPT_CAPABILITY },
		{ "revoke-capability", required_argument, NULL, OPT_REVOKE },
		{ "filecap", required_argument, NULL, OPT_FILECAP },
		{ "remove-filecap", required_argument, NULL, OPT_REMOVE_FILECAP },
		{ "rootid", required_argument, NULL, OPT_ROOTID },
		{ "drop-rootid", optional_argument, NULL, OPT_DROP_ROOTID },
		{ "force", optional_argument, NULL, OPT_FORCE },
		{ "manifest", required_argument, NULL, OPT_MANIFEST },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "exec", required_argument, NULL, OPT_EXEC },
		{ "user", required_argument, NULL, OPT_USER },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "supplementary-groups", required_argument, NULL, OPT_GIDS },
		{ "mounts", required_argument, NULL, OPT_MOUNTS },
		{ "ports", required_argument, NULL, OPT_PORTS },
		{ "isolators", required_argument, NULL, OPT_ISOLATORS },
		{ "seccomp-mode", required_argument, NULL, OPT_SECCOMP_MODE },
		{ "seccomp-set", required_argument, NULL, OPT_SECCOMP_SET },
		WRITE_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct patch_ctx pc = { .patch = { .caps_kind = MANIFEST_CAPS_NONE } };
	struct write_opts w = WRITE_OPTS_INIT;
	struct capedit ce = { 0 };
	struct aci_edit edit = { 0 };
	struct act_err err = { 0 };
	struct filecap_arg *fa = NULL;
	size_t nfa = 0;
	int64_t rootid = -1;
	const char *replacement = NULL, *retain = NULL, *revoke = NULL;
	const char *last[ARRAY_SIZE(field_opts)] = { 0 };
	struct act_err perr = { 0 };
	int c, rc, r = 0;

	while (r == 0 && (c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		switch (c) {
		case OPT_CAPABILITY:
			retain = optarg;
			break;
		case OPT_REVOKE:
			revoke = optarg;
			break;
		case OPT_FILECAP:
		case OPT_REMOVE_FILECAP:
			r = add_filecap_arg(cmd, &fa, &nfa, optarg, c == OPT_REMOVE_FILECAP);
			break;
		case OPT_ROOTID:
			r = parse_rootid(cmd, optarg, &rootid);
			break;
		case OPT_DROP_ROOTID:
			if (cmd_parse_bool(cmd, "drop-rootid", optarg, &ce.drop_rootid) < 0)
				r = EXIT_USAGE;
			break;
		case OPT_FORCE:
			if (cmd_parse_bool(cmd, "force", optarg, &ce.force) < 0)
				r = EXIT_USAGE;
			break;
		case OPT_MANIFEST:
			replacement = optarg;
			break;
		default:
			if (!keep_field(last, c, optarg) && write_opts_parse(cmd, &w, c, optarg) < 0)
				r = EXIT_USAGE;
		}
	}
	if (r == 0 && c == CMD_OPT_EXIT) {
		r = rc; /* --help (0) or a bad option (2) */
		goto out;
	}
	if (r || (r = parse_caps(cmd, &pc.patch, retain, revoke)) ||
	    (r = parse_fields(cmd, &pc.patch, last)))
		goto out;
	for (size_t i = 0; i < nfa; i++) {
		if (capedit_add(&ce, fa[i].path, fa[i].caps, rootid, &err) < 0) {
			r = cmd_usage(cmd, "%s", err.msg);
			goto out;
		}
	}
	if (rootid >= 0 && !nfa) {
		r = cmd_usage(cmd, "--rootid goes with --filecap");
		goto out;
	}
	if (ce.force && !nfa) {
		r = cmd_usage(cmd, "--force goes with --filecap");
		goto out;
	}
	if (patcharg_finish(&pc.patch, &perr) < 0 ||
	    (!manifest_patch_empty(&pc.patch) && manifest_patch_check(&pc.patch, &perr) < 0)) {
		r = cmd_usage(cmd, "%s", perr.msg);
		goto out;
	}
	if (replacement && !manifest_patch_empty(&pc.patch)) {
		r = cmd_usage(cmd, "--manifest replaces the whole manifest: it excludes "
				   "the options that patch it");
		goto out;
	}
	if (!replacement && manifest_patch_empty(&pc.patch) && !ce.n && !ce.drop_rootid) {
		r = cmd_usage(cmd, "nothing to patch: give a patch option, --manifest or "
				   "--filecap");
		goto out;
	}
	if (replacement && streq(replacement, "-") && optind < argc && streq(argv[optind], "-")) {
		r = cmd_usage(cmd, "--manifest - and IMAGE - cannot both read standard input");
		goto out;
	}
	if (replacement && (r = read_replacement(cmd, &pc, replacement)) != 0)
		goto out;
	capedit_hooks(&edit, &ce);
	if (replacement || !manifest_patch_empty(&pc.patch))
		edit.manifest = patch_manifest;
	edit.manifest_unread = replacement != NULL;
	/* write_image checks the operands; the first one, if any, is IMAGE. */
	pc.image = optind < argc ? (streq(argv[optind], "-") ? "(stdin)" : argv[optind]) : "";
	edit.manifest_ctx = &pc;
	r = write_image(cmd, &w, argc - optind, argv + optind, &edit);
	if (r == EXIT_OK)
		capedit_warnings(cmd, &ce);
out:
	for (size_t i = 0; i < nfa; i++)
		free(fa[i].path);
	free(fa);
	capedit_done(&ce);
	manifest_patch_free(&pc.patch);
	free(pc.replacement);
	return r;
}

const struct act_cmd act_cmd_patch_manifest = {
	.name = "patch-manifest",
	.run = run,
	.summary = "Rewrite an image's manifest",
	.synopsis = "[options] IMAGE OUTPUT\n   or: acitool patch-manifest [options] --replace IMAGE",
	.help = "Copy IMAGE to OUTPUT with its manifest patched; every other entry is\n"
		"copied byte for byte. IMAGE or OUTPUT may be '-' for standard input or\n"
		"output. Unless --compression says otherwise, OUTPUT is compressed as\n"
		"IMAGE is.\n"
		"\n"
		"Patch options (actool's; every value is checked before anything is written):\n"
		"      --name=NAME               set the image name (an AC identifier)\n"
		"      --exec=COMMAND            set app.exec: words split at blanks, with\n"
		"                                sh quoting; the first an absolute path\n"
		"      --user=USER               set app.user\n"
		"      --group=GROUP             set app.group\n"
		"      --supplementary-groups=GIDS  set app.supplementaryGIDs: GID,...\n"
		"      --capability=CAPS         set the app's capability retain set\n"
		"      --revoke-capability=CAPS  set the app's capability remove set\n"
		"  CAPS is a comma-separated list of Linux capabilities (CAP_NET_RAW,\n"
		"  net_raw, ...). Either option replaces every existing\n"
		"  os/linux/capabilities-retain-set and -remove-set isolator.\n"
		"      --mounts=MOUNTS           add mount points, ':'-separated, each\n"
		"                                NAME,path=/P[,readOnly=true]\n"
		"      --ports=PORTS             add ports, ':'-separated, each\n"
		"                                NAME,protocol=P,port=N[,count=N]\n"
		"                                [,socketActivated=true]\n"
		"  A mount or port of an existing NAME replaces it.\n"
		"      --isolators=ISOLATORS     set isolators, ':'-separated, each one of\n"
		"                                resource/cpu,request=Q,limit=Q\n"
		"                                resource/memory,request=Q,limit=Q\n"
		"                                resource/block-bandwidth,limit=Q\n"
		"                                resource/block-iops,limit=Q\n"
		"                                resource/network-bandwidth,limit=Q\n"
		"                                os/linux/no-new-privileges,true|false\n"
		"                                os/linux/oom-score-adj,N\n"
		"                                (each replaces those of its name)\n"
		"      --seccomp-mode=MODE       remove or retain, then [,errno=ENAME]\n"
		"      --seccomp-set=SYSCALLS    with --seccomp-mode, set the app's seccomp\n"
		"                                isolator to these system calls: NAME,...\n"
		"      --manifest=FILE           replace the whole manifest with FILE ('-':\n"
		"                                standard input), checked first; excludes\n"
		"                                the options above\n"
		"  Only --exec creates a missing app, which then needs --user and --group.\n"
		"\n"
		"File capabilities, in the same pass (see 'acitool help add-filecaps'):\n"
		"      --filecap=PATH=CAPS       set a rootfs file's capabilities\n"
		"                                (PATH ends at the first '=')\n"
		"      --remove-filecap=PATH     remove a rootfs file's capabilities\n"
		"      --rootid=UID              write --filecap values as revision 3\n"
		"      --drop-rootid             rewrite revision 3 values as revision 2\n"
		"      --force                   write --filecap values the kernel would\n"
		"                                refuse to execute, with a warning\n"
		"\n" WRITE_OPTIONS_HELP "  -h, --help                    show this help\n",
};
