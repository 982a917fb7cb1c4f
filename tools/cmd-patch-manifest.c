// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/capedit.h"
#include "common/capname.h"
#include "common/macro.h"
#include "common/manifest.h"
#include "tools/cmd.h"

enum {
	OPT_CAPABILITY = OPT_CMD_BASE,
	OPT_REVOKE,
	OPT_FILECAP,
	OPT_REMOVE_FILECAP,
	OPT_ROOTID,
	OPT_DROP_ROOTID,
};

struct patch_ctx {
	struct manifest_patch patch;
	const char *image; /* for messages: "acitool: patch-manifest: IMAGE: ..." */
};

static int patch_manifest(void *ctx, const char *text, size_t len, char **out,
			  size_t *out_len, struct act_err *err)
{
	const struct patch_ctx *pc = ctx;

	if (manifest_patch_apply(text, len, &pc->patch, out, out_len, err) < 0)
		return act_err_wrap(err, "%s: cannot patch the manifest", pc->image);
	return 0;
}

static int parse_caps(const struct act_cmd *cmd, struct manifest_patch *p,
		      enum manifest_caps_kind kind, const char *opt, const char *arg)
{
	struct act_err err = { 0 };

	if (p->caps_kind != MANIFEST_CAPS_NONE && p->caps_kind != kind)
		return cmd_usage(cmd, "--capability and --revoke-capability exclude each other");
	if (p->caps_kind == kind)
		return cmd_usage(cmd, "--%s given twice", opt);
	p->caps_kind = kind;
	if (capname_parse_list(arg, p->caps, ARRAY_SIZE(p->caps), &p->ncaps, &err) < 0)
		return cmd_usage(cmd, "--%s: %s", opt, err.msg);
	return 0;
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
	int c, rc, r = 0;

	while (r == 0 && (c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		switch (c) {
		case OPT_CAPABILITY:
			r = parse_caps(cmd, &pc.patch, MANIFEST_CAPS_RETAIN, "capability", optarg);
			break;
		case OPT_REVOKE:
			r = parse_caps(cmd, &pc.patch, MANIFEST_CAPS_REMOVE, "revoke-capability",
				       optarg);
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
		default:
			if (write_opts_parse(cmd, &w, c, optarg) < 0)
				r = EXIT_USAGE;
		}
	}
	if (r == 0 && c == CMD_OPT_EXIT) {
		r = rc; /* --help (0) or a bad option (2) */
		goto out;
	}
	if (r)
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
	if (pc.patch.caps_kind == MANIFEST_CAPS_NONE && !ce.n && !ce.drop_rootid) {
		r = cmd_usage(cmd, "nothing to patch: give --capability, --revoke-capability "
				   "or --filecap");
		goto out;
	}
	capedit_hooks(&edit, &ce);
	if (pc.patch.caps_kind != MANIFEST_CAPS_NONE)
		edit.manifest = patch_manifest;
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
		"Patch options:\n"
		"      --capability=CAPS         set the app's capability retain set\n"
		"      --revoke-capability=CAPS  set the app's capability remove set\n"
		"  CAPS is a comma-separated list of Linux capabilities (CAP_NET_RAW,\n"
		"  net_raw, ...). Either option replaces every existing\n"
		"  os/linux/capabilities-retain-set and -remove-set isolator.\n"
		"\n"
		"File capabilities, in the same pass (see 'acitool help add-filecaps'):\n"
		"      --filecap=PATH=CAPS       set a rootfs file's capabilities\n"
		"                                (PATH ends at the first '=')\n"
		"      --remove-filecap=PATH     remove a rootfs file's capabilities\n"
		"      --rootid=UID              write --filecap values as revision 3\n"
		"      --drop-rootid             rewrite revision 3 values as revision 2\n"
		"\n" WRITE_OPTIONS_HELP "  -h, --help                    show this help\n",
};
