/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Up to len bytes of fd at off: fewer only at the end of the file. -1 on an
 * error (errno); EINTR is retried. */
ssize_t fileio_pread(int fd, void *buf, size_t len, off_t off);
/* All of buf, at fd's position; 0, or -1 on an error (errno). */
int fileio_write(int fd, const void *buf, size_t len);
/* Whether the directory dirfd has nothing but "." and ".." (one it cannot
 * list counts as empty: opening it next says why). */
bool fileio_dir_empty(int dirfd);
/* All of buf at off; 0, or -1 on an error (errno). */
int fileio_pwrite_all(int fd, const void *buf, size_t len, off_t off);

#include <stdbool.h>
#include <stddef.h>

#include "common/base/err.h"

/*
 * All of the file at path ("-": standard input, which stays open) in *buf
 * (malloc'd, NUL-terminated after *len bytes), at most max bytes. what
 * names the limit in the message: "over the <what> limit of N bytes".
 */
int fileio_read_all(const char *path, size_t max, const char *what, char **buf,
		    size_t *len, struct act_err *err);
