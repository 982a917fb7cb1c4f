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
#include "common/base/fileio.h"
#include "common/manifest/manifestedit.h"
#include "common/spec/spec.h"
#include "tools/cmd.h"
#include "tools/patchedit.h"
#include "tools/pindeps.h"
#include "tools/rootopts.h"

enum {
	OPT_EDIT = OPT_CMD_BASE,
	OPT_FILECAP,
	OPT_REMOVE_FILECAP,
	OPT_ROOTID,
	OPT_DROP_ROOTID,
	OPT_FORCE,
	OPT_MANIFEST,
	OPT_IGNORE_MISSING,
	OPT_ALLOW_UNKNOWN_ISOLATOR,
	OPT_ADD,
	OPT_REMOVE_PATH,
	OPT_PIN,
	OPT_OWNER_ROOT,
	OPT_MTIME,
};

struct patch_ctx {
	struct medit_list edits;
	/* --manifest: the new manifest's bytes, checked before any output */
	char *replacement;
	size_t replacement_len;
	const char *image; /* for messages: "acitool: patch-manifest: IMAGE: ..." */
	struct pin_ctx pin;
};

static int patch_manifest(void *ctx, const char *text, size_t len, char **out,
			  size_t *out_len, struct act_err *err)
{
	struct patch_ctx *pc = ctx;

	if (pc->replacement) {
		/* The old manifest is not looked at: replacing repairs a broken one. */
		*out = xmalloc(pc->replacement_len + 1);
		memcpy(*out, pc->replacement, pc->replacement_len + 1);
		*out_len = pc->replacement_len;
		return 0;
	}
	/* Problems the manifest had already are not ours to refuse: validate
	 * and lint report them. */
	if (medit_apply(&pc->edits, text, len, out, out_len, NULL, err) < 0)
		return act_err_wrap(err, "%s: cannot patch the manifest", pc->image);
	/* After the edits: what they leave is what is pinned. */
	if (pc->pin.dir && pin_dependencies(&pc->pin, out, out_len, err) < 0) {
		free(*out);
		*out = NULL;
		return act_err_wrap(err, "%s: cannot patch the manifest", pc->image);
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
	const char *path = streq(arg, "-") ? "(stdin)" : arg;
	char *buf;
	size_t len;

	if (fileio_read_all(arg, ACI_MANIFEST_MAX, "manifest size", &buf, &len, &err) < 0)
		return cmd_fail(cmd, &err);
	if (manifest_check(buf, len, &err) < 0) {
		act_err_wrap(&err, "%s: not a valid image manifest", path);
		goto fail;
	}
	if (spec_check_manifest(buf, len, &rep) > 0) {
		_cleanup_free_ char *what = xasprintf("%s: not a valid image manifest", path);

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
		PATCH_EDIT_LONG_OPTIONS(OPT_EDIT),
		{ "ignore-missing", optional_argument, NULL, OPT_IGNORE_MISSING },
		{ "allow-unknown-isolator", optional_argument, NULL, OPT_ALLOW_UNKNOWN_ISOLATOR },
		{ "pin-dependencies", required_argument, NULL, OPT_PIN },
		{ "add", required_argument, NULL, OPT_ADD },
		{ "remove-path", required_argument, NULL, OPT_REMOVE_PATH },
		{ "owner-root", optional_argument, NULL, OPT_OWNER_ROOT },
		{ "mtime", required_argument, NULL, OPT_MTIME },
		{ "filecap", required_argument, NULL, OPT_FILECAP },
		{ "remove-filecap", required_argument, NULL, OPT_REMOVE_FILECAP },
		{ "rootid", required_argument, NULL, OPT_ROOTID },
		{ "drop-rootid", optional_argument, NULL, OPT_DROP_ROOTID },
		{ "force", optional_argument, NULL, OPT_FORCE },
		{ "manifest", required_argument, NULL, OPT_MANIFEST },
		WRITE_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct patch_ctx pc = { 0 };
	struct patch_args pa = { 0 };
	struct write_opts w = WRITE_OPTS_INIT;
	struct capedit ce = { 0 };
	struct root_opts ro = { 0 };
	struct edit_hooks hooks = { .ce = &ce };
	struct aci_edit edit = { 0 };
	struct act_err err = { 0 };
	struct filecap_arg *fa = NULL;
	size_t nfa = 0;
	int64_t rootid = -1;
	const char *replacement = NULL;
	int c, rc, r = 0;

	while (r == 0 && (c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		switch (c) {
		case OPT_EDIT:
			patch_args_add(&pa, longopts[cmd_longindex].name, optarg);
			break;
		case OPT_IGNORE_MISSING:
			if (cmd_parse_bool(cmd, "ignore-missing", optarg,
					   &pc.edits.ignore_missing) < 0)
				r = EXIT_USAGE;
			ro.o.ignore_missing = pc.pin.ignore_missing = pc.edits.ignore_missing;
			break;
		case OPT_PIN:
			pc.pin.dir = optarg;
			break;
		case OPT_ADD:
		case OPT_REMOVE_PATH:
			root_opts_add(&ro, c == OPT_REMOVE_PATH, longopts[cmd_longindex].name, optarg);
			break;
		case OPT_OWNER_ROOT:
			if (cmd_parse_bool(cmd, "owner-root", optarg, &ro.o.owner_root) < 0)
				r = EXIT_USAGE;
			break;
		case OPT_MTIME:
			/* GNU tar's --mtime=@EPOCH, as build takes it. */
			if (cmd_parse_epoch(optarg + (optarg[0] == '@'), &ro.o.mtime) < 0)
				r = cmd_usage(cmd, "--mtime: '%s' is not a number of seconds since "
						   "the epoch", optarg);
			ro.o.set_mtime = ro.mtime_given = true;
			break;
		case OPT_ALLOW_UNKNOWN_ISOLATOR:
			if (cmd_parse_bool(cmd, "allow-unknown-isolator", optarg,
					   &pc.edits.allow_unknown_isolator) < 0)
				r = EXIT_USAGE;
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
			if (write_opts_parse(cmd, &w, c, optarg) < 0)
				r = EXIT_USAGE;
		}
	}
	if (r == 0 && c == CMD_OPT_EXIT) {
		r = rc; /* --help (0) or a bad option (2) */
		goto out;
	}
	if (r || (r = patch_args_edits(cmd, &pa, &pc.edits)))
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
	if ((hooks.re = root_opts_build(cmd, &ro, &r)) == NULL && r)
		goto out;
	if (replacement && (pc.edits.n || pc.pin.dir)) {
		r = cmd_usage(cmd, "--manifest replaces the whole manifest: it excludes "
				   "the options that patch it");
		goto out;
	}
	if (!replacement && !pc.edits.n && !pc.pin.dir && !ce.n && !ce.drop_rootid && !hooks.re) {
		r = cmd_usage(cmd, "nothing to patch: give a patch option, --manifest, "
				   "--filecap or --add");
		goto out;
	}
	if (replacement && streq(replacement, "-") && optind < argc && streq(argv[optind], "-")) {
		r = cmd_usage(cmd, "--manifest - and IMAGE - cannot both read standard input");
		goto out;
	}
	if (replacement && (r = read_replacement(cmd, &pc, replacement)) != 0)
		goto out;
	edit_hooks_set(&edit, &hooks);
	if (replacement || pc.edits.n || pc.pin.dir)
		edit.manifest = patch_manifest;
	edit.manifest_unread = replacement != NULL;
	/* write_image checks the operands; the first one, if any, is IMAGE. */
	pc.image = optind < argc ? (streq(argv[optind], "-") ? "(stdin)" : argv[optind]) : "";
	edit.manifest_ctx = &pc;
	r = write_image(cmd, &w, argc - optind, argv + optind, &edit);
	if (r == EXIT_OK) {
		edit_hooks_warnings(cmd, &hooks);
	}
out:
	for (size_t i = 0; i < nfa; i++)
		free(fa[i].path);
	free(fa);
	capedit_done(&ce);
	rootedit_free(hooks.re);
	root_opts_free(&ro);
	patch_args_free(&pa);
	medit_list_free(&pc.edits);
	pin_free(&pc.pin);
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
		"Edit options (each one an edit, in command-line order; an entry that\n"
		"exists is changed where it stands, a new one appended):\n"
		"      --label=NAME=VALUE, --remove-label=NAME\n"
		"                                set or remove a label\n"
		"      --annotation=NAME=VALUE, --remove-annotation=NAME\n"
		"                                set or remove an annotation\n"
		"      --env=NAME=VALUE, --remove-env=NAME, --clear-env\n"
		"                                set or remove environment variables\n"
		"      --exec-arg=ARG            one argument of app.exec, exactly; the\n"
		"                                options add up, the first in its place\n"
		"      --exec-json=JSON          app.exec as a JSON array of strings\n"
		"      --remove-exec             remove app.exec\n"
		"      --working-directory=DIR, --remove-working-directory\n"
		"                                set or remove app.workingDirectory\n"
		"      --pre-start-json=JSON, --post-stop-json=JSON\n"
		"                                set an event handler's exec\n"
		"      --remove-event-handler=pre-start|post-stop\n"
		"      --clear-supplementary-groups  remove app.supplementaryGIDs\n"
		"      --mount=NAME,path=/P[,readOnly=B], --remove-mount=NAME\n"
		"                                set or remove one mount point\n"
		"      --port=NAME,protocol=P,port=N[,count=N][,socketActivated=B]\n"
		"                                set one port\n"
		"      --remove-port=NAME        remove one port\n"
		"      --isolator=NAME=JSON, --isolator-file=NAME=FILE\n"
		"                                set an isolator's value (FILE '-':\n"
		"                                standard input)\n"
		"      --remove-isolator=NAME    remove every isolator of that name\n"
		"      --allow-unknown-isolator  let --isolator set one appc does not define\n"
		"      --user-label=NAME=VALUE, --remove-user-label=NAME\n"
		"      --user-annotation=NAME=VALUE, --remove-user-annotation=NAME\n"
		"                                set or remove an app user label or\n"
		"                                annotation\n"
		"      --dependency=NAME[:VERSION][,LABEL=V]...[,imageID=ID][,size=N]\n"
		"                                set a dependency (the whole entry): the\n"
		"                                one of that name, or of those labels\n"
		"                                among several, else a new one\n"
		"      --remove-dependency=NAME[:VERSION][,LABEL=V]...\n"
		"                                remove those with that name and labels\n"
		"      --clear-dependencies      remove every dependency\n"
		"      --path-whitelist=PATH     add a path to pathWhitelist\n"
		"      --remove-path-whitelist=PATH, --clear-path-whitelist\n"
		"                                remove one path, or them all\n"
		"      --pin-dependencies=DIR    write each dependency's imageID and size,\n"
		"                                as found in the folder of images DIR\n"
		"                                (as render finds them), after the edits\n"
		"      --ignore-missing          a removal that matches nothing is no error\n"
		"  Two options that edit one entry are a usage error, and so is a --clear-*\n"
		"  after an edit of its field. The result is checked once: a problem an\n"
		"  option brings is an error naming it; one the image had is left alone.\n"
		"\n"
		"Rootfs edits, in the same pass:\n"
		"      --add=DEST=SRC            copy the host file or tree SRC to DEST in\n"
		"                                the rootfs (DEST ends at the first '='):\n"
		"                                exactly there, or, for a DEST ending in\n"
		"                                '/', into that directory (SRC ending in\n"
		"                                '/': its content); an entry of that path\n"
		"                                is replaced where it stands\n"
		"      --remove-path=PATH        remove PATH from the rootfs, with all\n"
		"                                under it\n"
		"      --owner-root              --add's entries owned by uid 0, gid 0\n"
		"      --mtime=EPOCH             --add's entries modified at EPOCH (seconds)\n"
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
