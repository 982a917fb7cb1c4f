// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/base/interrupt.h"
#include "common/base/macro.h"
#include "common/io/outfile.h"
#include "tools/cmd.h"

static const struct act_cmd *const commands[] = {
	&act_cmd_add_filecaps,
	&act_cmd_build,
	&act_cmd_bundle,
	&act_cmd_cache,
	&act_cmd_capabilities,
	&act_cmd_cat_file,
	&act_cmd_cat_manifest,
	&act_cmd_diff,
	&act_cmd_discover,
	&act_cmd_export_oci,
	&act_cmd_extract,
	&act_cmd_id,
	&act_cmd_import,
	&act_cmd_lint,
	&act_cmd_list_filecaps,
	&act_cmd_ls,
	&act_cmd_patch_manifest,
	&act_cmd_remove_filecaps,
	&act_cmd_render,
	&act_cmd_run,
	&act_cmd_validate,
};

static int run_help(const struct act_cmd *cmd, int argc, char **argv);
static int run_version(const struct act_cmd *cmd, int argc, char **argv);

/* Verbs of acitool itself: listed after the image verbs, with their own --help. */
static const struct act_cmd help_cmd = {
	.name = "help",
	.run = run_help,
	.summary = "Show help for acitool or one verb",
	.synopsis = "[VERB]",
	.help = "Without VERB, list the verbs; with one, print its help, as\n"
		"'acitool VERB --help' does.\n"
		"\n"
		"Options:\n"
		"  -h, --help               show this help\n",
};

static const struct act_cmd version_cmd = {
	.name = "version",
	.run = run_version,
	.summary = "Print the version",
	.synopsis = "",
	.help = "Same as 'acitool --version'.\n"
		"\n"
		"Options:\n"
		"  -h, --help               show this help\n",
};

static const struct act_cmd *const builtins[] = { &help_cmd, &version_cmd };

static void print_main_help(FILE *f)
{
	fputs("Usage: acitool [--help] [--version] VERB [options] ARGS...\n\n"
	      "Edit App Container Images (ACI) in place, without unpacking them.\n\n"
	      "Verbs:\n",
	      f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-16s %s\n", commands[i]->name, commands[i]->summary);
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		fprintf(f, "  %-16s %s\n", builtins[i]->name, builtins[i]->summary);
	fputs("\nRun 'acitool help VERB' or 'acitool VERB --help' for a verb's options.\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n",
	      f);
}

static const struct act_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(commands[i]->name, name))
			return commands[i];
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (streq(builtins[i]->name, name))
			return builtins[i];
	return NULL;
}

/* Options of help and version: only --help. 1: go on; else the exit code. */
static int builtin_options(const struct act_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long_only(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c != 'h')
			return cmd_bad_option(cmd, c, argv);
		cmd_print_help(cmd, stdout);
		return EXIT_OK;
	}
	return 1;
}

static int run_help(const struct act_cmd *cmd, int argc, char **argv)
{
	const struct act_cmd *verb;
	int r = builtin_options(cmd, argc, argv);

	if (r != 1)
		return r;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		print_main_help(stdout);
		return EXIT_OK;
	}
	if (argc > 1)
		return cmd_usage(cmd, "too many arguments");
	verb = find_command(argv[0]);
	if (!verb)
		return cmd_usage(cmd, "unknown verb '%s'", argv[0]);
	cmd_print_help(verb, stdout);
	return EXIT_OK;
}

static int run_version(const struct act_cmd *cmd, int argc, char **argv)
{
	int r = builtin_options(cmd, argc, argv);

	if (r != 1)
		return r;
	if (argc - optind > 0)
		return cmd_usage(cmd, "too many arguments");
	printf("acitool %s\n", ACT_VERSION);
	return EXIT_OK;
}

/* A signal mid-write removes the temporary file, then dies of the signal;
 * while work defers it (interrupt.h), it is only recorded. */
static void on_fatal_signal(int sig)
{
	const char *tmp = outfile_pending_tmp;

	if (interrupt_deferring) {
		interrupt_signal = sig;
		return;
	}
	if (tmp)
		unlink(tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The verb cleaned up after a deferred signal: now die of it. */
static int die_of_deferred_signal(int r)
{
	int sig = interrupt_signal;

	if (!sig)
		return r;
	signal(sig, SIG_DFL);
	raise(sig);
	return r; /* not reached: each of these signals kills by default */
}

static void install_signal_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT };
	struct sigaction sa = { .sa_handler = on_fatal_signal }, old;

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		/* A signal the caller ignores stays ignored: nohup's SIGHUP, a
		 * background job's SIGINT, a SIGPIPE turned into EPIPE. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	/* Going over the file size limit is a write error (EFBIG), reported
	 * like a full disk, not a silent death with a core dump. */
	signal(SIGXFSZ, SIG_IGN);
}

/*
 * A standard descriptor closed at start would be the number the next open()
 * returns, the output's temporary file among them: messages for stderr would
 * then land in the image. Hold each closed one on /dev/null, opened the wrong
 * way round so that using it still fails (EBADF) as a closed one does.
 */
static int hold_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY) != fd)
			return -1;
	return 0;
}

/*
 * actool's global -debug flag, in Go's spellings (-debug, --debug=false...),
 * before the verb: accepted so that actool command lines run, and changes
 * nothing, as acitool's errors already say what failed and why. 0, or
 * EXIT_USAGE after printing why.
 */
static int skip_debug_flags(int *argc, char ***argv)
{
	while (*argc > 1) {
		const char *a = (*argv)[1], *name = a + (a[0] == '-') + (a[1] == '-');
		const char *eq = strchr(a, '=');
		bool on;

		if (a[0] != '-' || strncmp(name, "debug", 5) != 0 || (name[5] && name[5] != '='))
			return 0;
		if (cmd_bool_value(eq ? eq + 1 : NULL, &on) < 0) {
			fprintf(stderr, "acitool: --debug: '%s' is not a boolean (true or false)\n",
				eq + 1);
			return EXIT_USAGE;
		}
		(*argv)[1] = (*argv)[0];
		(*argv)++;
		(*argc)--;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct act_cmd *cmd;
	const char *verb, *codec;

	if (hold_std_fds() < 0)
		return EXIT_FAIL;
	/* Entry names must not depend on the caller's locale: libarchive
	 * converts pax UTF-8 names to the locale's charset. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	install_signal_handlers();

	if (skip_debug_flags(&argc, &argv))
		return EXIT_USAGE;
	if (argc < 2) {
		print_main_help(stderr);
		return EXIT_USAGE;
	}
	verb = argv[1];
	if (streq(verb, "--help") || streq(verb, "-h") || streq(verb, "-help")) {
		print_main_help(stdout);
		return EXIT_OK;
	}
	if (streq(verb, "--version") || streq(verb, "-version"))
		verb = "version";
	cmd = find_command(verb);
	if (!cmd) {
		/* One line, like every other error. */
		fprintf(stderr, "acitool: unknown %s '%s' (see 'acitool --help')\n",
			verb[0] == '-' ? "option" : "verb", verb);
		return EXIT_USAGE;
	}
	/* A misspelt value would be ignored, leaving the fast codecs on. */
	codec = getenv("ACITOOL_CODEC");
	if (codec && *codec && !streq(codec, "libarchive") && !streq(codec, "default") &&
	    !streq(cmd->name, "help") && !streq(cmd->name, "version"))
		return cmd_usage(cmd, "ACITOOL_CODEC: '%s' is neither 'libarchive' nor 'default'",
				 codec);
	return die_of_deferred_signal(cmd->run(cmd, argc - 1, argv + 1));
}
