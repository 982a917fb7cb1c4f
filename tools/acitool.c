// SPDX-License-Identifier: Apache-2.0
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/macro.h"
#include "common/outfile.h"
#include "tools/cmd.h"

static const struct act_cmd *const commands[] = {
	&act_cmd_add_filecaps,
	&act_cmd_cat_manifest,
	&act_cmd_list_filecaps,
	&act_cmd_patch_manifest,
};

static void print_main_help(FILE *f)
{
	fputs("Usage: acitool [--help] [--version] VERB [options] ARGS...\n\n"
	      "Edit App Container Images (ACI) in place, without unpacking them.\n\n"
	      "Verbs:\n",
	      f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-16s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "  %-16s %s\n", "help", "Show help for acitool or one verb");
	fprintf(f, "  %-16s %s\n", "version", "Print the version");
	fputs("\nRun 'acitool help VERB' or 'acitool VERB --help' for a verb's options.\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n",
	      f);
}

static const struct act_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* A signal mid-write removes the temporary file, then dies of the signal. */
static void on_fatal_signal(int sig)
{
	const char *tmp = outfile_pending_tmp;

	if (tmp)
		unlink(tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signal_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGXFSZ };
	struct sigaction sa = { .sa_handler = on_fatal_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int cmd_help(int argc, char **argv)
{
	const struct act_cmd *cmd;

	if (argc < 2) {
		print_main_help(stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		fprintf(stderr, "acitool: help: too many arguments\n");
		return EXIT_USAGE;
	}
	cmd = find_command(argv[1]);
	if (cmd) {
		cmd_print_help(cmd, stdout);
		return EXIT_OK;
	}
	if (streq(argv[1], "help") || streq(argv[1], "version")) {
		print_main_help(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "acitool: help: unknown verb '%s'\n", argv[1]);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const struct act_cmd *cmd;
	const char *verb;

	/* Entry names must not depend on the caller's locale: libarchive
	 * converts pax UTF-8 names to the locale's charset. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	install_signal_handlers();

	if (argc < 2) {
		print_main_help(stderr);
		return EXIT_USAGE;
	}
	verb = argv[1];
	if (streq(verb, "--help") || streq(verb, "-h") || streq(verb, "-help"))
		return cmd_help(1, argv);
	if (streq(verb, "--version") || streq(verb, "-version") || streq(verb, "version")) {
		if (argc > 2) {
			fprintf(stderr, "acitool: version: too many arguments\n");
			return EXIT_USAGE;
		}
		printf("acitool %s\n", ACT_VERSION);
		return EXIT_OK;
	}
	if (streq(verb, "help"))
		return cmd_help(argc - 1, argv + 1);
	cmd = find_command(verb);
	if (!cmd) {
		fprintf(stderr, "acitool: unknown verb '%s'\nTry 'acitool --help'.\n", verb);
		return EXIT_USAGE;
	}
	return cmd->run(cmd, argc - 1, argv + 1);
}
