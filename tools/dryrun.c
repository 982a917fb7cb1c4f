// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/macro.h"
#include "tools/cmd.h"
#include "tools/progress.h"

int dryrun_open(struct outfile *of, struct act_err *err)
{
	const char *dir = cmd_tmpdir();
	char *tmpl;
	int fd;

	*of = (struct outfile){ .fd = -1, .orig_fd = -1, .mode = OUTFILE_OVERWRITE };
	/* Unnamed: nothing is left behind, whatever ends the run. */
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		tmpl = xmalloc(strlen(dir) + 24);
		sprintf(tmpl, "%s/acitool-dry-XXXXXX", dir);
		fd = mkostemp(tmpl, O_CLOEXEC);
		if (fd >= 0)
			unlink(tmpl);
		free(tmpl);
	}
	if (fd < 0)
		return act_err_set(err, errno, "%s: cannot make a temporary file: %s", dir,
				   strerror(errno));
	of->fd = fd;
	of->path = xstrdup("(dry run)");
	return 0;
}

int dryrun_finish(const struct act_cmd *cmd, const struct write_opts *w, const char *input,
		  struct outfile *of, struct progress *prog, int r, struct act_err *err,
		  const char *id)
{
	char path[64];

	progress_done(prog, r == 0);
	/* The image as written, read from the start through a fresh open. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", of->fd);
	if (r == 0) {
		if (w->report == DRY_DIFF)
			r = diff_print(input, path, err) < 0 ? -1 : 0;
		else
			r = ls_print(path, err);
	}
	if (r == 0 && w->print_id)
		printf("%s\n", id);
	if (r == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		r = act_err_set(err, errno, "(stdout): %s", strerror(errno));
	close(of->fd);
	free(of->path);
	of->fd = -1;
	of->path = NULL;
	return r < 0 ? cmd_fail(cmd, err) : EXIT_OK;
}
