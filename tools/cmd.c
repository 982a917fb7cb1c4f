// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/interrupt.h"
#include "common/base/macro.h"
#include "common/json/jsongen.h"
#include "tools/cmd.h"

void cmd_print_help(const struct act_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: acitool %s%s%s\n\n%s.\n", cmd->name, cmd->synopsis[0] ? " " : "",
		cmd->synopsis, cmd->summary);
	if (cmd->help && cmd->help[0])
		fprintf(f, "\n%s", cmd->help);
}

int cmd_fail(const struct act_cmd *cmd, const struct act_err *err)
{
	/* The program dies of the signal next: no message, as with any other. */
	if (interrupt_signal)
		return EXIT_FAIL;
	fprintf(stderr, "acitool: %s: %s\n", cmd->name, err->msg);
	return EXIT_FAIL;
}

int cmd_usage(const struct act_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "acitool: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'acitool %s --help')\n", cmd->name);
	return EXIT_USAGE;
}

int cmd_bad_option(const struct act_cmd *cmd, int c, char **argv)
{
	/* getopt is silenced (opterr = 0) so the message has our format. */
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (c == ':')
		return cmd_usage(cmd, "option '%s' needs a value", arg);
	if (optopt && optopt < 0x100 && strncmp(arg, "--", 2) != 0)
		return cmd_usage(cmd, "unknown option '-%c'", optopt);
	return cmd_usage(cmd, "unknown option '%s'", arg);
}

int cmd_longindex = -1;

int cmd_getopt(const struct act_cmd *cmd, int argc, char **argv,
	       const struct option *longopts, int *exit_code)
{
	static bool started;
	int c;

	if (!started) {
		/* Our messages, not getopt's; and a fresh scan of this argv. */
		opterr = 0;
		optind = 0;
		started = true;
	}
	cmd_longindex = -1;
	c = getopt_long_only(argc, argv, ":h", longopts, &cmd_longindex);
	if (c == 'h') {
		cmd_print_help(cmd, stdout);
		*exit_code = EXIT_OK;
		return CMD_OPT_EXIT;
	}
	if (c == '?' || c == ':') {
		*exit_code = cmd_bad_option(cmd, c, argv);
		return CMD_OPT_EXIT;
	}
	return c;
}

int cmd_bool_value(const char *arg, bool *val)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };

	if (!arg) {
		*val = true;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (streq(arg, yes[i])) {
			*val = true;
			return 0;
		}
		if (streq(arg, no[i])) {
			*val = false;
			return 0;
		}
	}
	return -1;
}

int cmd_parse_bool(const struct act_cmd *cmd, const char *opt, const char *arg, bool *val)
{
	if (cmd_bool_value(arg, val) == 0)
		return 0;
	cmd_usage(cmd, "--%s: '%s' is not a boolean (true or false)", opt, arg);
	return -1;
}

int cmd_bool_options(const struct act_cmd *cmd, int argc, char **argv,
		     const struct option *longopts, bool *const vals[], int *exit_code)
{
	int c;

	while ((c = cmd_getopt(cmd, argc, argv, longopts, exit_code)) >= 0) {
		size_t i = 0;

		/* getopt returns only the vals of longopts ('h' is handled). */
		while (longopts[i].val != c)
			i++;
		if (cmd_parse_bool(cmd, longopts[i].name, optarg, vals[i]) < 0) {
			*exit_code = EXIT_USAGE;
			return CMD_OPT_EXIT;
		}
	}
	return c;
}

const char *cmd_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

int cmd_flush_stdout(const struct act_cmd *cmd)
{
	struct act_err err = { 0 };

	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_OK;
	act_err_set(&err, errno, "(stdout): %s", strerror(errno));
	return cmd_fail(cmd, &err);
}

int cmd_print_json_array(const struct act_cmd *cmd, struct json_gen *g)
{
	struct act_err err = { 0 };
	_cleanup_free_ char *text;
	size_t len;

	json_gen_array_close(g);
	text = json_gen_finish(g, &len, &err);
	json_gen_free(g);
	if (!text)
		return cmd_fail(cmd, &err);
	printf("%.*s\n", (int)len, text);
	return EXIT_OK;
}

int cmd_parse_epoch(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v > 077777777777LL) /* the largest ustar mtime */
		return -1;
	*ret = v;
	return 0;
}
