/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/image/aci.h"
#include "common/base/err.h"
#include "common/io/outfile.h"
#include "common/io/sink.h"

/* One verb: its file defines the struct; acitool.c lists it. */
struct act_cmd {
	const char *name;
	int (*run)(const struct act_cmd *cmd, int argc, char **argv);
	const char *summary;
	/* The whole help text after the "Usage: " line's verb: the same text
	 * serves --help, 'acitool help VERB' and usage errors. */
	const char *synopsis;
	const char *help;
};

extern const struct act_cmd act_cmd_add_filecaps;
extern const struct act_cmd act_cmd_build;
extern const struct act_cmd act_cmd_bundle;
extern const struct act_cmd act_cmd_cache;
extern const struct act_cmd act_cmd_capabilities;
extern const struct act_cmd act_cmd_cat_file;
extern const struct act_cmd act_cmd_cat_manifest;
extern const struct act_cmd act_cmd_diff;
extern const struct act_cmd act_cmd_discover;
extern const struct act_cmd act_cmd_export_oci;
extern const struct act_cmd act_cmd_extract;
extern const struct act_cmd act_cmd_id;
extern const struct act_cmd act_cmd_import;
extern const struct act_cmd act_cmd_lint;
extern const struct act_cmd act_cmd_list_filecaps;
extern const struct act_cmd act_cmd_ls;
extern const struct act_cmd act_cmd_patch_manifest;
extern const struct act_cmd act_cmd_remove_filecaps;
extern const struct act_cmd act_cmd_render;
extern const struct act_cmd act_cmd_run;
extern const struct act_cmd act_cmd_validate;

/* Exit codes: documented in acitool(1). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

void cmd_print_help(const struct act_cmd *cmd, FILE *f);
/* "acitool: <verb>: <message>" on stderr; return EXIT_FAIL. */
int cmd_fail(const struct act_cmd *cmd, const struct act_err *err);
/* The same for usage errors, with a hint; return EXIT_USAGE. */
int cmd_usage(const struct act_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A getopt '?' or ':' case (optstring starts with ':', opterr is 0). */
int cmd_bad_option(const struct act_cmd *cmd, int c, char **argv);
/*
 * getopt_long_only the acitool way (actool's single-dash long options too):
 * -h/--help prints the verb's help; an unknown option or a missing value is
 * a usage error. Returns the next option, -1 after the last one, or
 * CMD_OPT_EXIT with *exit_code set.
 */
#define CMD_OPT_EXIT (-2)
/* The longopts index of the long option cmd_getopt returned last; -1 after
 * a short one. For options that share one val. */
extern int cmd_longindex;
int cmd_getopt(const struct act_cmd *cmd, int argc, char **argv,
	       const struct option *longopts, int *exit_code);
/* Go's flag package (actool) takes "--flag=true|false" for booleans:
 * cmd_bool_value reads arg (NULL: true), -1 if it is none of Go's spellings;
 * cmd_parse_bool also prints the usage error. */
int cmd_bool_value(const char *arg, bool *val);
int cmd_parse_bool(const struct act_cmd *cmd, const char *opt, const char *arg, bool *val);
/*
 * The options of a verb that has only booleans (--json, --pretty-print...):
 * longopts[i] sets *vals[i], by cmd_parse_bool. Returns -1 after the last
 * option, or CMD_OPT_EXIT with *exit_code set, as cmd_getopt does; a bad
 * value is a usage error.
 */
int cmd_bool_options(const struct act_cmd *cmd, int argc, char **argv,
		     const struct option *longopts, bool *const vals[], int *exit_code);

/* Seconds since the epoch, as SOURCE_DATE_EPOCH spells them (up to the
 * largest ustar mtime): 0, or -1. */
int cmd_parse_epoch(const char *s, int64_t *ret);

/* Where temporary files go: $TMPDIR, or /tmp when it is unset or empty. */
const char *cmd_tmpdir(void);
/* Flush standard output: EXIT_OK, or EXIT_FAIL after printing why (a
 * full disk, a closed pipe must not pass for success). */
int cmd_flush_stdout(const struct act_cmd *cmd);
/* Close the JSON array g holds, print it on stdout with a newline and free
 * g. EXIT_OK, or EXIT_FAIL after printing why. */
struct json_gen;
int cmd_print_json_array(const struct act_cmd *cmd, struct json_gen *g);

/* Options shared by every verb that writes an image. */
enum {
	OPT_OVERWRITE = 0x100,
	OPT_REPLACE,
	OPT_NO_COMPRESSION,
	OPT_COMPRESSION,
	OPT_LEVEL,
	OPT_FAST,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_PRINT_ID,
	OPT_NO_SYNC,
	OPT_DRY_RUN,
	OPT_HELP,
	OPT_CMD_BASE = 0x200, /* verbs number their own options from here */
};

#define WRITE_LONG_OPTIONS                                                     \
	{ "overwrite", optional_argument, NULL, OPT_OVERWRITE },               \
	{ "replace", optional_argument, NULL, OPT_REPLACE },                   \
	{ "no-compression", optional_argument, NULL, OPT_NO_COMPRESSION },     \
	{ "compression", required_argument, NULL, OPT_COMPRESSION },           \
	{ "compression-level", required_argument, NULL, OPT_LEVEL },           \
	{ "fast", no_argument, NULL, OPT_FAST },                               \
	{ "progress", no_argument, NULL, OPT_PROGRESS },                       \
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },                 \
	{ "print-id", optional_argument, NULL, OPT_PRINT_ID },                 \
	{ "no-sync", optional_argument, NULL, OPT_NO_SYNC },                   \
	{ "dry-run", optional_argument, NULL, OPT_DRY_RUN }

/* The output options every verb that writes an image has alike. */
#define OUTPUT_OPTIONS_HELP                                                    \
	"      --no-compression     same as --compression=none\n"             \
	"      --compression-level=N  1 (fastest) to 9 (smallest); default 6 for\n" \
	"                           gzip and xz, 9 for bzip2\n"               \
	"      --fast               same as --compression-level=1\n"          \
	"      --progress, --no-progress  show progress on stderr (default: when\n" \
	"                           stderr is a terminal)\n"                 \
	"      --print-id           print the output's image ID on stdout\n"   \
	"      --no-sync            do not wait for OUTPUT to reach the disk\n"

#define WRITE_OPTIONS_HELP                                                     \
	"Output options:\n"                                                    \
	"      --overwrite          replace an existing OUTPUT\n"              \
	"      --replace            rewrite IMAGE in place (atomically); no OUTPUT\n" \
	"      --compression=C      none, gzip, bzip2 or xz (default: as IMAGE)\n" \
	OUTPUT_OPTIONS_HELP                                                    \
	"      --dry-run            check and write as for a real run, but into a\n" \
	"                           temporary file that is thrown away, and print\n" \
	"                           what would change as 'acitool diff' does;\n" \
	"                           patch-manifest may leave OUTPUT out\n"

/* What --dry-run prints: the changes to IMAGE as 'acitool diff' does, or
 * the new image as 'acitool ls' does (build). */
enum dry_report { DRY_DIFF, DRY_LIST };

struct write_opts {
	bool overwrite, replace, no_compression, print_id, no_sync, dry_run;
	enum dry_report report; /* set by the verb */
	const char *compression;
	int level;    /* 0: the codec's default */
	bool fast;    /* --fast, beside --compression-level */
	int set_level; /* --compression-level's value, 0 if not given */
	int progress; /* -1: when stderr is a terminal */
};
#define WRITE_OPTS_INIT { .progress = -1 }

/* 1: opt was a write option, handled; 0: not one; -1: bad value (printed). */
int write_opts_parse(const struct act_cmd *cmd, struct write_opts *w, int opt,
		     const char *arg);

/*
 * Check the positional arguments (IMAGE OUTPUT, or IMAGE with --replace),
 * then rewrite the image with edit and commit the output. Returns the exit code;
 * on failure nothing is left behind and the input is untouched.
 */
int write_image(const struct act_cmd *cmd, const struct write_opts *w, int argc,
		char **argv, const struct aci_edit *edit);

/*
 * For a verb that makes an image from something that is not one (build):
 * check the write options for OUTPUT (--replace is refused), fill so (def
 * unless a compression is asked for) and *mode. 0, or EXIT_USAGE after
 * printing why.
 */
int write_opts_output(const struct act_cmd *cmd, const struct write_opts *w,
		      const char *outpath, enum act_compression def, struct sink_options *so,
		      enum outfile_mode *mode);

/* Open OUTPUT as mode says (outpath NULL: there is none); under --dry-run,
 * check it so, leave it be, and open the temporary file that stands in for
 * it. 0, or -1 with err set. */
int write_output_open(const struct write_opts *w, struct outfile *of, const char *outpath,
		      enum outfile_mode mode, const struct stat *input, struct act_err *err);

/* The end of a write, r 0 if the image was written: OUTPUT committed (or,
 * on failure, aborted, and err printed), the progress line ended, the image
 * ID printed with --print-id; under --dry-run, what would change from input
 * (IMAGE, or build's DIR) printed instead. Returns the exit code. */
struct progress;
int write_finish(const struct act_cmd *cmd, const struct write_opts *w, const char *input,
		 struct outfile *of, struct progress *prog, int r, struct act_err *err,
		 const char *id);

/*
 * A verb that makes an image (build, render --flatten): OUTPUT opened as
 * the write options say (gzip by default), fill writes the tar stream to
 * out, then write_finish; input names what it was made from (--dry-run's
 * report). Returns the exit code.
 */
int write_new_image(const struct act_cmd *cmd, const struct write_opts *w, const char *outpath,
		    const char *input,
		    int (*fill)(void *ctx, struct sink *out, const struct outfile *of,
				struct progress *prog, struct act_err *err),
		    void *ctx);

/* The output options of a verb that makes an image from something that is
 * not one (no --replace); VERB says what --dry-run does ("build"). */
#define NEW_IMAGE_OPTIONS_HELP(VERB)                                           \
	"      --overwrite          replace an existing OUTPUT\n"              \
	"      --compression=C      none, gzip, bzip2 or xz (default: gzip)\n" \
	OUTPUT_OPTIONS_HELP                                                    \
	"      --dry-run            " VERB " into a temporary file that is\n"   \
	"                           thrown away and list its entries as\n"   \
	"                           'acitool ls' does; OUTPUT may be left out\n"

/*
 * --dry-run (dryrun.c), for write_output_open and write_finish: an unnamed
 * temporary file stands in for OUTPUT (dryrun_open); dryrun_finish ends the
 * run, printing w->report of the image written there instead of
 * committing it.
 */
int dryrun_open(struct outfile *of, struct act_err *err);
int dryrun_finish(const struct act_cmd *cmd, const struct write_opts *w, const char *input,
		  struct outfile *of, struct progress *prog, int r, struct act_err *err,
		  const char *id);

/* Print what differs from image a to b, as 'acitool diff' does (cmd-diff.c):
 * the number of differences, or -1 with err set. */
int diff_print(const char *a, const char *b, struct act_err *err);
/* Print the image's entries as 'acitool ls' does (cmd-ls.c): 0 or -1. */
int ls_print(const char *image, struct act_err *err);

/* add-filecaps, or with remove_verb remove-filecaps (cmd-add-filecaps.c). */
int filecaps_run(const struct act_cmd *cmd, int argc, char **argv, bool remove_verb);

/* File capability edits (filecapopts.c). */
struct capedit;
void capedit_warnings(const struct act_cmd *cmd, const struct capedit *ce);
/* 0, or EXIT_USAGE after printing why. */
int parse_rootid(const struct act_cmd *cmd, const char *arg, int64_t *rootid);
