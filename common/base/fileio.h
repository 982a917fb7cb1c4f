/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

/* Up to len bytes of fd at off: fewer only at the end of the file. -1 on an
 * error (errno); EINTR is retried. */
ssize_t fileio_pread(int fd, void *buf, size_t len, off_t off);
/* All of buf, at fd's position; 0, or -1 on an error (errno). */
int fileio_write(int fd, const void *buf, size_t len);
