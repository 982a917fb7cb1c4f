// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/io/imageid.h"
#include "common/base/macro.h"
#include "common/io/source.h"
#include "tools/cmd.h"
#include "tools/progress.h"

int write_opts_parse(const struct act_cmd *cmd, struct write_opts *w, int opt,
		     const char *arg)
{
	switch (opt) {
	case OPT_OVERWRITE:
		return cmd_parse_bool(cmd, "overwrite", arg, &w->overwrite) < 0 ? -1 : 1;
	case OPT_REPLACE:
		return cmd_parse_bool(cmd, "replace", arg, &w->replace) < 0 ? -1 : 1;
	case OPT_NO_COMPRESSION:
		return cmd_parse_bool(cmd, "no-compression", arg, &w->no_compression) < 0 ? -1 : 1;
	case OPT_COMPRESSION:
		w->compression = arg;
		return 1;
	case OPT_LEVEL: {
		char *end;
		long v = strtol(arg, &end, 10);

		if (*arg < '0' || *arg > '9' || *end || v < 1 || v > 9) {
			cmd_usage(cmd, "--compression-level: '%s' is not a level from 1 to 9", arg);
			return -1;
		}
		w->level = w->set_level = (int)v;
		return 1;
	}
	case OPT_FAST:
		w->level = 1;
		w->fast = true;
		return 1;
	case OPT_PROGRESS:
	case OPT_NO_PROGRESS:
		w->progress = opt == OPT_PROGRESS;
		return 1;
	case OPT_PRINT_ID:
		return cmd_parse_bool(cmd, "print-id", arg, &w->print_id) < 0 ? -1 : 1;
	case OPT_NO_SYNC:
		return cmd_parse_bool(cmd, "no-sync", arg, &w->no_sync) < 0 ? -1 : 1;
	case OPT_DRY_RUN:
		return cmd_parse_bool(cmd, "dry-run", arg, &w->dry_run) < 0 ? -1 : 1;
	default:
		return 0;
	}
}

/* The sink's options for OUTPUT outpath (so->comp holds the default): 0, or
 * EXIT_USAGE after printing why. */
static int sink_opts(const struct act_cmd *cmd, const struct write_opts *w, const char *outpath,
		     struct sink_options *so)
{
	struct act_err err = { 0 };

	if (w->no_compression && w->compression && !streq(w->compression, "none"))
		return cmd_usage(cmd, "--no-compression and --compression=%s exclude each other",
				 w->compression);
	if (w->compression && compression_parse(w->compression, &so->comp, &err) < 0)
		return cmd_usage(cmd, "%s", err.msg);
	if (w->no_compression)
		so->comp = ACT_COMP_NONE;
	/* Whichever came last would win in silence: say so instead. */
	if (w->fast && w->set_level > 1)
		return cmd_usage(cmd, "--fast and --compression-level=%d exclude each other",
				 w->set_level);
	if (w->level && (w->no_compression || w->compression) && so->comp == ACT_COMP_NONE)
		return cmd_usage(cmd, "%s has no meaning without compression",
				 w->fast ? "--fast" : "--compression-level");
	so->level = w->level;
	if (w->dry_run)
		outpath = "(dry run)"; /* nothing goes to standard output */
	if (streq(outpath, "-") && w->print_id)
		return cmd_usage(cmd, "--print-id prints on standard output: OUTPUT cannot be '-'");
	if (streq(outpath, "-") && isatty(STDOUT_FILENO))
		return cmd_usage(cmd, "refusing to write an image to a terminal");
	so->image_id = w->print_id;
	so->no_sync = w->no_sync;
	return 0;
}

/* Everything about the output that can be refused is refused before reading. */
static int check_args(const struct act_cmd *cmd, const struct write_opts *w, int argc,
		      char **argv, struct sink_options *so)
{
	if (w->replace && w->overwrite)
		return cmd_usage(cmd, "--replace and --overwrite exclude each other");
	if (w->replace && argc != 1)
		return cmd_usage(cmd, argc < 1 ? "missing IMAGE" : "--replace takes one IMAGE, no OUTPUT");
	if (w->dry_run && argc == 1)
		return sink_opts(cmd, w, "(dry run)", so);
	if (!w->replace && argc != 2)
		return cmd_usage(cmd, argc < 2 ? "missing IMAGE or OUTPUT (or use --replace)"
					       : "too many arguments");
	if (w->replace && streq(argv[0], "-"))
		return cmd_usage(cmd, "--replace needs a file, not standard input");
	return sink_opts(cmd, w, w->replace ? argv[0] : argv[1], so);
}

int write_opts_output(const struct act_cmd *cmd, const struct write_opts *w,
		      const char *outpath, enum act_compression def, struct sink_options *so,
		      enum outfile_mode *mode)
{
	int r;

	if (w->replace)
		return cmd_usage(cmd, "--replace needs an image to rewrite; give OUTPUT");
	so->comp = def;
	r = sink_opts(cmd, w, outpath, so);
	if (r)
		return r;
	*mode = streq(outpath, "-") ? OUTFILE_STDOUT
		: w->overwrite	    ? OUTFILE_OVERWRITE
				    : OUTFILE_NEW;
	return 0;
}

/* Where IMAGE is read from: a file, stdin that is a file (*at: where the
 * image starts in it), or something read only once (a pipe, a FIFO). */
static bool read_once(const char *inpath, off_t *at)
{
	struct stat st;

	*at = -1;
	if (!streq(inpath, "-"))
		return stat(inpath, &st) == 0 && !S_ISREG(st.st_mode);
	if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode))
		*at = lseek(STDIN_FILENO, 0, SEEK_CUR);
	return *at < 0;
}

/* stdin that is a file, back to where the image starts, for another read. */
static int rewind_stdin(off_t at, struct act_err *err)
{
	if (at >= 0 && lseek(STDIN_FILENO, at, SEEK_SET) < 0)
		return act_err_set(err, errno, "(stdin): %s", strerror(errno));
	return 0;
}

/* Where the image cannot be rewritten (OUTPUT standard output) or read
 * twice (IMAGE a pipe), the edit prepares for its one pass: with a look
 * through the input first when it can be read twice. */
static int prepare(const char *inpath, const struct outfile *of, const struct aci_edit *edit,
		   bool once, off_t at, struct act_err *err)
{
	struct source *src;
	int r;

	if (once)
		return edit->prepare(edit->ctx, NULL, err);
	if (of->mode != OUTFILE_STDOUT)
		return 0;
	src = source_open(inpath, err);
	if (!src)
		return -1;
	r = edit->prepare(edit->ctx, src, err);
	source_free(src);
	return r < 0 ? -1 : rewind_stdin(at, err);
}

/* Rewrite the image into the open output, once more if the edit asks; with
 * so->image_id, id gets the output's image ID. */
static int rewrite(const char *inpath, struct outfile *of, struct sink_options *so,
		   bool follow_input, const struct aci_edit *edit, char *id,
		   struct act_err *err)
{
	off_t at;
	bool once = read_once(inpath, &at);

	if (edit->prepare && prepare(inpath, of, edit, once, at, err) < 0)
		return -1;
	for (int pass = 0;; pass++) {
		struct source *src = source_open(inpath, err);
		struct sink *out = NULL;
		int r = -1;

		if (!src)
			return -1;
		if (follow_input)
			so->comp = source_compression(src);
		out = sink_open_fd(of->fd, of->path ? of->path : "(stdout)", so, err);
		/* Last, after every copy from the input file by offset. */
		if (out && aci_rewrite(src, out, edit, err) == 0 && sink_finish(out, err) == 0 &&
		    source_check_unchanged(src, err) == 0) {
			r = 0;
			if (so->image_id)
				memcpy(id, sink_image_id(out), IMAGEID_LEN + 1);
		}
		if (out && sink_wrote(out))
			of->dirty = true;
		sink_free(out);
		source_free(src);
		if (r < 0 || !edit->again || !edit->again(edit->ctx))
			return r;
		/* prepare() made sure that no second pass is asked for there. */
		if (pass > 0 || once || of->mode == OUTFILE_STDOUT)
			return act_err_set(err, EIO, "internal error: a %s pass was asked for",
					   pass > 0 ? "third" : "second");
		if (ftruncate(of->fd, 0) < 0 || lseek(of->fd, 0, SEEK_SET) < 0)
			return act_err_set(err, errno, "%s: %s", of->tmp, strerror(errno));
		if (rewind_stdin(at, err) < 0)
			return -1;
		edit->rewind(edit->ctx);
	}
}

int write_image(const struct act_cmd *cmd, const struct write_opts *w, int argc,
		char **argv, const struct aci_edit *edit)
{
	struct act_err err = { 0 };
	struct sink_options so = { .comp = ACT_COMP_NONE };
	struct aci_edit ed = *edit;
	struct progress prog;
	struct stat in_st;
	struct outfile of;
	char id[IMAGEID_LEN + 1];
	const char *outpath;
	enum outfile_mode mode;
	bool stdin_in;
	off_t at = -1;
	int r;

	r = check_args(cmd, w, argc, argv, &so);
	if (r)
		return r;
	outpath = w->replace ? argv[0] : argc > 1 ? argv[1] : NULL;
	mode = w->replace		? OUTFILE_REPLACE
	       : !outpath		? OUTFILE_NEW
	       : streq(outpath, "-")	? OUTFILE_STDOUT
	       : w->overwrite		? OUTFILE_OVERWRITE
					: OUTFILE_NEW;
	stdin_in = streq(argv[0], "-");
	if (!stdin_in && stat(argv[0], &in_st) < 0) {
		act_err_set(&err, errno, "%s: %s", argv[0], strerror(errno));
		return cmd_fail(cmd, &err);
	}
	if (w->dry_run && w->report == DRY_DIFF && read_once(argv[0], &at))
		return cmd_usage(cmd, "--dry-run compares IMAGE with what would be written: "
				      "IMAGE must be a file, not a pipe");
	if (write_output_open(w, &of, outpath, mode, stdin_in ? NULL : &in_st, &err) < 0)
		return cmd_fail(cmd, &err);
	of.no_sync = w->no_sync;
	progress_init(&prog, w->progress,
		      !stdin_in && S_ISREG(in_st.st_mode) ? (uint64_t)in_st.st_size : 0);
	ed.progress = progress_update;
	ed.progress_ctx = &prog;
	r = rewrite(argv[0], &of, &so, !w->compression && !w->no_compression, &ed, id, &err);
	/* A dry run reads IMAGE again: stdin that is a file from its start. */
	if (r == 0 && w->dry_run)
		r = rewind_stdin(at, &err);
	return write_finish(cmd, w, argv[0], &of, &prog, r, &err, id);
}

int write_output_open(const struct write_opts *w, struct outfile *of, const char *outpath,
		      enum outfile_mode mode, const struct stat *input, struct act_err *err)
{
	if (outpath && outfile_open(of, outpath, mode, input, err) < 0)
		return -1;
	if (!w->dry_run)
		return 0;
	/* A dry run checks OUTPUT as a real one would, and leaves it be. */
	if (outpath)
		outfile_abort(of);
	return dryrun_open(of, err);
}

int write_finish(const struct act_cmd *cmd, const struct write_opts *w, const char *input,
		 struct outfile *of, struct progress *prog, int r, struct act_err *err,
		 const char *id)
{
	if (w->dry_run)
		return dryrun_finish(cmd, w, input, of, prog, r, err, id);
	if (r == 0)
		r = outfile_commit(of, err);
	progress_done(prog, r == 0);
	if (r < 0) {
		outfile_abort(of);
		return cmd_fail(cmd, err);
	}
	if (!w->print_id)
		return EXIT_OK;
	if (printf("%s\n", id) < 0 || fflush(stdout) != 0) {
		act_err_set(err, errno, "(stdout): write error: %s", strerror(errno));
		return cmd_fail(cmd, err);
	}
	return EXIT_OK;
}

int write_new_image(const struct act_cmd *cmd, const struct write_opts *w, const char *outpath,
		    const char *input,
		    int (*fill)(void *ctx, struct sink *out, const struct outfile *of,
				struct progress *prog, struct act_err *err),
		    void *ctx)
{
	struct sink_options so = { 0 };
	struct act_err err = { 0 };
	enum outfile_mode mode = OUTFILE_NEW;
	struct progress prog;
	struct outfile of;
	char id[IMAGEID_LEN + 1];
	struct sink *out;
	int r;

	r = write_opts_output(cmd, w, outpath ? outpath : "(dry run)", ACT_COMP_GZIP, &so, &mode);
	if (r)
		return r;
	if (write_output_open(w, &of, outpath, mode, NULL, &err) < 0)
		return cmd_fail(cmd, &err);
	of.no_sync = w->no_sync;
	progress_init(&prog, w->progress, 0);
	r = -1;
	out = sink_open_fd(of.fd, of.path ? of.path : "(stdout)", &so, &err);
	if (out && fill(ctx, out, &of, &prog, &err) == 0 && sink_finish(out, &err) == 0) {
		r = 0;
		if (so.image_id)
			memcpy(id, sink_image_id(out), sizeof(id));
	}
	if (out && sink_wrote(out))
		of.dirty = true;
	sink_free(out);
	return write_finish(cmd, w, input, &of, &prog, r, &err, id);
}
