// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/fs/rmtree.h"
#include "common/oci/configmap.h"
#include "common/oci/dockerarchive.h"
#include "common/oci/ocisource.h"
#include "common/oci/ocisquash.h"
#include "common/tar/paxwriter.h"
#include "tools/cmd.h"

enum {
	OPT_REF = OPT_CMD_BASE,
	OPT_NAME,
	OPT_VERSION,
	OPT_OS,
	OPT_ARCH,
	OPT_PLATFORM,
};

struct import_job {
	const struct oci_image *img;
	const struct configmap_options *o;
	struct msglist warn;
	struct ocisquash_result res;
};

static int fill(void *ctx, struct sink *out, const struct outfile *of, struct progress *prog,
		struct act_err *err)
{
	static const char *const capture[] = { "etc/passwd", NULL };
	struct import_job *j = ctx;
	struct configmap_options o = *j->o;
	_cleanup_free_ char *manifest = NULL;
	struct ocisquash *sq;
	struct paxwriter pw;
	size_t len;
	int r = -1;

	(void)of;
	(void)prog;
	if (!(sq = ocisquash_scan(j->img, capture, &j->warn, err)))
		return -1;
	o.passwd = ocisquash_file(sq, "etc/passwd", &o.passwd_len);
	/* The manifest is known before anything is written: checked first. */
	if (configmap_manifest(j->img, &o, &manifest, &len, &j->warn, err) == 0 &&
	    paxwriter_open(&pw, out, err) == 0) {
		r = ocisquash_emit(sq, manifest, len, &pw, &j->res, err);
		if (paxwriter_close(&pw, r == 0, err) < 0)
			r = -1;
	}
	ocisquash_free(sq);
	return r;
}

/* oci:DIR[:TAG], oci-layout:DIR[:TAG], or DIR: the layout and the tag;
 * docker-archive:FILE[:NAME:TAG]: the archive and the reference. */
static int source_arg(const struct act_cmd *cmd, const char *arg, char **dir, char **tag,
		      bool *docker)
{
	const char *p = arg, *colon;

	*docker = false;
	if (strncmp(p, "oci:", 4) == 0) {
		p += 4;
	} else if (strncmp(p, "oci-layout:", 11) == 0) {
		p += 11;
	} else if (strncmp(p, "docker-archive:", 15) == 0) {
		/* As skopeo reads it: the path ends at the first ':'. */
		p += 15;
		colon = strchr(p, ':');
		*docker = true;
		*dir = colon ? xstrndup(p, (size_t)(colon - p)) : xstrdup(p);
		*tag = colon ? xstrdup(colon + 1) : NULL;
		return **dir ? 0 : cmd_usage(cmd, "'%s': no FILE", arg);
	}
	colon = strrchr(p, ':');
	if (colon && strchr(colon, '/'))
		colon = NULL;
	*dir = colon ? xstrndup(p, (size_t)(colon - p)) : xstrdup(p);
	*tag = colon ? xstrdup(colon + 1) : NULL;
	if (!**dir)
		return cmd_usage(cmd, "'%s': no DIR", arg);
	return 0;
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ref", required_argument, NULL, OPT_REF },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "version", required_argument, NULL, OPT_VERSION },
		{ "os", required_argument, NULL, OPT_OS },
		{ "arch", required_argument, NULL, OPT_ARCH },
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		WRITE_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct write_opts w = WRITE_OPTS_INIT;
	struct configmap_options co = { 0 };
	struct oci_image img = { 0 };
	struct import_job j = { .img = &img, .o = &co };
	struct act_err err = { 0 };
	_cleanup_free_ char *dir = NULL, *tag = NULL, *tmp = NULL;
	const char *ref = NULL, *platform = NULL;
	bool docker;
	int c, rc, r = 0;

	while (r == 0 && (c = cmd_getopt(cmd, argc, argv, longopts, &rc)) >= 0) {
		switch (c) {
		case OPT_REF:
			ref = optarg;
			break;
		case OPT_NAME:
			co.name = optarg;
			break;
		case OPT_VERSION:
			co.version = optarg;
			break;
		case OPT_OS:
			co.os = optarg;
			break;
		case OPT_ARCH:
			co.arch = optarg;
			break;
		case OPT_PLATFORM:
			platform = optarg;
			if (!*platform || !strchr(platform, '/'))
				r = cmd_usage(cmd, "--platform=%s: not OS/ARCH[/VARIANT]", optarg);
			break;
		default:
			if (write_opts_parse(cmd, &w, c, optarg) < 0)
				r = EXIT_USAGE;
		}
	}
	if (r)
		return r;
	if (c == CMD_OPT_EXIT)
		return rc; /* --help (0) or a bad option (2) */
	w.report = DRY_LIST;
	if (argc - optind < 1 || (argc - optind < 2 && !w.dry_run))
		return cmd_usage(cmd, argc - optind ? "missing OUTPUT" : "missing SOURCE");
	if (argc - optind > 2)
		return cmd_usage(cmd, "too many arguments");
	if ((r = source_arg(cmd, argv[optind], &dir, &tag, &docker)) != 0)
		return r;
	if (tag && ref)
		return cmd_usage(cmd, "a tag twice: --ref and SOURCE's :TAG");
	if ((docker ? docker_archive_open(dir, ref ? ref : tag, cmd_tmpdir(), &tmp, &img, &err) < 0 ||
		      oci_check_platform(&img, platform, &err) < 0
		    : oci_image_open(dir, ref ? ref : tag, platform, &img, &err) < 0))
		r = cmd_fail(cmd, &err);
	else
		r = write_new_image(cmd, &w, optind + 1 < argc ? argv[optind + 1] : NULL, dir,
				    fill, &j);
	if (tmp)
		rmtree(AT_FDCWD, tmp, 1);
	if (r == EXIT_OK)
		for (size_t i = 0; i < j.warn.n; i++)
			fprintf(stderr, "acitool: %s: warning: %s\n", cmd->name, j.warn.v[i]);
	msglist_free(&j.warn);
	oci_image_free(&img);
	return r;
}

const struct act_cmd act_cmd_import = {
	.name = "import",
	.run = run,
	.summary = "Make an image of an OCI image",
	.synopsis = "[options] SOURCE OUTPUT",
	.help = "Make OUTPUT, an ACI, of the image SOURCE names: oci:DIR[:TAG] (or\n"
		"oci-layout:DIR[:TAG], or DIR), an OCI image layout, the image of that\n"
		"tag or the only one; or docker-archive:FILE[:NAME:TAG], what 'docker\n"
		"save' and 'skopeo copy ... docker-archive:' write (a compressed one\n"
		"has its layers copied into $TMPDIR). Its layers (plain, gzip or\n"
		"zstd) are squashed in two passes, as the OCI layer rules say\n"
		"(whiteouts and opaque directories hide lower layers, a path's last\n"
		"version wins, a directory merges), every entry's headers and xattrs\n"
		"kept, under rootfs/; every blob's digest and size and every layer's\n"
		"diff_id are checked. The config becomes the manifest (name and\n"
		"version from the image's name and tag, os and arch, exec from\n"
		"Entrypoint and Cmd, user and group, environment, working directory,\n"
		"ports, volumes, labels); an image export-oci wrote gets its manifest\n"
		"back.\n"
		"\n"
		"Options:\n"
		"      --ref=TAG            the image of that tag (or SOURCE's :TAG)\n"
		"      --platform=OS/ARCH[/VARIANT]  the image for that platform, of an\n"
		"                           index of several (default: the host's)\n"
		"      --name=NAME          the image name (default: from the image)\n"
		"      --version=VERSION    the version label (default: the tag)\n"
		"      --os=OS, --arch=ARCH  the os and arch labels (default: from the\n"
		"                           config's platform)\n"
		"\n"
		"Output options:\n" NEW_IMAGE_OPTIONS_HELP("import")
		"  -h, --help               show this help\n",
};
