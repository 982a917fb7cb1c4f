// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "common/base/quote.h"
#include "common/discovery/appname.h"
#include "common/discovery/discjson.h"
#include "common/discovery/httpget.h"
#include "common/discovery/walk.h"
#include "tools/cmd.h"

enum { OPT_JSON = OPT_CMD_BASE, OPT_INSECURE, OPT_PORT, OPT_CA_FILE, OPT_TIMEOUT };

#define DEFAULT_TIMEOUT 30
#define MAX_TIMEOUT 86400
/* A discovery page is a few meta tags: more is not one. */
#define MAX_PAGE (1024 * 1024)

/* A decimal number from 0 to max, or -1. */
static long parse_number(const char *s, long max)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v;
}

/* FILE must be there to be read: a typo would otherwise fail every request
 * of the walk, each with the same TLS error. */
static int check_ca_file(const char *path, struct act_err *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return act_err_set(err, errno, "--ca-file: '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return act_err_set(err, e, "--ca-file: '%s': %s", path, strerror(e));
	}
	close(fd);
	if (!S_ISREG(st.st_mode))
		return act_err_set(err, EINVAL, "--ca-file: '%s': not a regular file", path);
	return 0;
}

/* Server-given text, one line whatever it holds. */
static void print_quoted(const char *s)
{
	_cleanup_free_ char *q = quote_name(s);

	fputs(q, stdout);
}

static void print_attempts(const char *walk, const struct disc_attempt *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf("discover %s walk: prefix: ", walk);
		print_quoted(a[i].prefix);
		fputs(" error: ", stdout);
		print_quoted(a[i].error);
		putchar('\n');
	}
}

/* As actool prints it; the walk's failed prefixes only in text, where they
 * do not break the JSON. */
static void print_found(const struct disc_found *f, bool as_json)
{
	if (as_json) {
		_cleanup_free_ char *text = disc_found_json(f);

		printf("%s\n", text);
		return;
	}
	print_attempts("endpoints", f->endpoint_attempts, f->n_endpoint_attempts);
	print_attempts("public keys", f->pubkey_attempts, f->n_pubkey_attempts);
	for (size_t i = 0; i < f->n_endpoints; i++) {
		fputs("ACI: ", stdout);
		print_quoted(f->endpoints[i].aci);
		fputs(", ASC: ", stdout);
		print_quoted(f->endpoints[i].asc);
		putchar('\n');
	}
	if (f->n_pubkeys) {
		fputs("PublicKeys: ", stdout);
		for (size_t i = 0; i < f->n_pubkeys; i++) {
			if (i)
				putchar(',');
			print_quoted(f->pubkeys[i]);
		}
		putchar('\n');
	}
}

static int run(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", optional_argument, NULL, OPT_JSON },
		{ "insecure", optional_argument, NULL, OPT_INSECURE },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "ca-file", required_argument, NULL, OPT_CA_FILE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct disc_http_options ho = {
		.timeout = DEFAULT_TIMEOUT,
		.max_body = MAX_PAGE,
		.user_agent = "acitool/" ACT_VERSION,
	};
	struct act_err err = { 0 };
	struct disc_app *apps = NULL;
	struct disc_http *h = NULL;
	bool as_json = false, curl_up = false;
	size_t n = 0;
	int c, rc, r = EXIT_OK;
	long v;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, &rc)) != -1) {
		switch (c) {
		case CMD_OPT_EXIT:
			return rc;
		case OPT_JSON:
			if (cmd_parse_bool(cmd, "json", optarg, &as_json) < 0)
				return EXIT_USAGE;
			break;
		case OPT_INSECURE:
			if (cmd_parse_bool(cmd, "insecure", optarg, &ho.insecure) < 0)
				return EXIT_USAGE;
			break;
		case OPT_PORT:
			if ((v = parse_number(optarg, 65535)) < 0)
				return cmd_usage(cmd, "--port: '%s' is not a port number (0 to 65535)",
						 optarg);
			ho.port = (unsigned)v;
			break;
		case OPT_CA_FILE:
			if (!*optarg)
				return cmd_usage(cmd, "--ca-file: no FILE");
			ho.ca_file = optarg;
			break;
		case OPT_TIMEOUT:
			if ((v = parse_number(optarg, MAX_TIMEOUT)) < 1)
				return cmd_usage(cmd, "--timeout: '%s' is not a number of seconds (1 to %d)",
						 optarg, MAX_TIMEOUT);
			ho.timeout = v;
			break;
		}
	}
	/* actool prints an error here and exits 0. */
	if (argc - optind < 1)
		return cmd_usage(cmd, "missing NAME");
	/* Every NAME is checked before anything goes on the network. */
	apps = xcalloc((size_t)(argc - optind), sizeof(*apps));
	for (int i = optind; i < argc; i++, n++) {
		if (disc_app_parse(argv[i], &apps[n], &err) < 0) {
			_cleanup_free_ char *msg = quote_name(err.msg);

			r = cmd_usage(cmd, "%s", msg);
			goto out;
		}
		disc_app_default(&apps[n], "version", "latest");
		disc_app_default(&apps[n], "os", disc_host_os());
		disc_app_default(&apps[n], "arch", disc_host_arch());
	}
	if ((ho.ca_file && check_ca_file(ho.ca_file, &err) < 0) ||
	    disc_http_global_init(&err) < 0) {
		r = cmd_fail(cmd, &err);
		goto out;
	}
	curl_up = true;
	h = disc_http_new(&ho, &err);
	if (!h) {
		r = cmd_fail(cmd, &err);
		goto out;
	}
	/* As actool: each NAME's output in turn; one that fails is reported
	 * and the others still go on. */
	for (size_t i = 0; i < n; i++) {
		struct disc_found found;

		memset(&err, 0, sizeof(err));
		if (disc_walk(&apps[i], disc_http_fetch, h, &found, &err) < 0) {
			/* The reasons hold the server's text: one line whatever it is. */
			_cleanup_free_ char *msg = quote_name(err.msg);
			_cleanup_free_ char *name = quote_name(argv[optind + (int)i]);
			struct act_err shown = { 0 };

			fflush(stdout);
			act_err_set(&shown, err.code, "'%s': %s", name, msg);
			r = cmd_fail(cmd, &shown);
			continue;
		}
		print_found(&found, as_json);
		disc_found_free(&found);
		if (fflush(stdout) != 0)
			break;
	}
	if (cmd_flush_stdout(cmd) != EXIT_OK)
		r = EXIT_FAIL;
out:
	disc_http_free(h);
	if (curl_up)
		disc_http_global_cleanup();
	for (size_t i = 0; i < n; i++)
		disc_app_free(&apps[i]);
	free(apps);
	return r;
}

const struct act_cmd act_cmd_discover = {
	.name = "discover",
	.run = run,
	.summary = "Find the download URLs of images by appc discovery",
	.synopsis = "[options] NAME...",
	.help = "Find where each image NAME can be downloaded from, as appc's discovery\n"
		"does, and print it as 'actool discover' does. NAME is\n"
		"name[:version][,label=value]...; version is 'latest' unless given, os\n"
		"and arch are this machine's as Go names them (linux, amd64).\n"
		"\n"
		"The page https://PREFIX?ac-discovery=1 is read for the name, then for\n"
		"each parent prefix (example.com/app, then example.com), until one has\n"
		"<meta name=\"ac-discovery\" content=\"PREFIX TEMPLATE\"> tags whose PREFIX\n"
		"starts the name. Each TEMPLATE is filled ({name}, {version}, {os},\n"
		"{arch}, any {label}, and {ext} as aci and aci.asc) and printed as\n"
		"'ACI: URL, ASC: URL'; one that needs a label NAME does not give is\n"
		"skipped. The same walk finds the ac-discovery-pubkeys tags, printed as\n"
		"'PublicKeys: URL,...'. A prefix whose page could not be read is listed\n"
		"before ('discover endpoints walk: prefix: P error: WHY').\n"
		"\n"
		"Options:\n"
		"      --json               one JSON object per NAME instead, as actool\n"
		"                           prints it: ACIEndpoints (ACI, ASC), PublicKeys\n"
		"      --insecure           do not check TLS certificates, and try http://\n"
		"                           when https:// fails\n"
		"      --port=N             connect to port N instead of 443 (and 80)\n"
		"      --ca-file=FILE       trust the CA certificates in FILE (PEM) instead\n"
		"                           of the system's\n"
		"      --timeout=SECONDS    give up on a request after SECONDS (default: 30)\n"
		"  -h, --help               show this help\n",
};
