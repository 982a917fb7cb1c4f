// SPDX-License-Identifier: Apache-2.0
/*
 * Run a fuzz target over files, without libFuzzer: regress DIR|FILE...
 * Every regular file in each directory (sorted, not recursive) is fed to
 * LLVMFuzzerTestOneInput once. A crash or a failed check aborts; a missing
 * path is skipped, but no input at all is a failure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* Not every target has one. */
#pragma weak LLVMFuzzerInitialize

static int run_file(const char *path)
{
	struct stat st;
	unsigned char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	/* One spare byte: malloc(0) may be NULL, and the target gets size 0. */
	buf = malloc((size_t)st.st_size + 1);
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		free(buf);
		return -1;
	}
	/* A copy of exactly the input's size, so ASan sees overreads. */
	{
		unsigned char *in = malloc(got ? got : 1);

		memcpy(in, buf, got);
		LLVMFuzzerTestOneInput(in, got);
		free(in);
	}
	free(buf);
	return 0;
}

static int only_files(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	int files = 0, bad = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct dirent **list;
		struct stat st;
		int n;

		/* A target may have no regression inputs (yet). */
		if (stat(argv[i], &st) < 0) {
			if (errno == ENOENT)
				continue;
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += run_file(argv[i]) < 0;
			files++;
			continue;
		}
		n = scandir(argv[i], &list, only_files, alphasort);
		if (n < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			bad++;
			continue;
		}
		for (int k = 0; k < n; k++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", argv[i], list[k]->d_name);
			bad += run_file(path) < 0;
			files++;
			free(list[k]);
		}
		free(list);
	}
	printf("%d inputs, %d unreadable\n", files, bad);
	return bad || !files ? 1 : 0;
}
