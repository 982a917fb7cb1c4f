// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>

#include "common/io/writeback.h"

/* Ask the kernel to start writing the output out every so many bytes. */
#define WRITEBACK_AT (8 * 1024 * 1024)

void writeback_init(struct writeback *wb, int fd, bool off)
{
	*wb = (struct writeback){ .fd = fd, .off = off || fd < 0 };
}

void writeback_advance(struct writeback *wb, uint64_t n)
{
	wb->pos += n;
	if (wb->off || wb->pos - wb->done < WRITEBACK_AT)
		return;
	if (sync_file_range(wb->fd, (off_t)wb->done, (off_t)(wb->pos - wb->done),
			    SYNC_FILE_RANGE_WRITE) < 0)
		wb->off = true; /* a pipe (ESPIPE), or a file system without it */
	wb->done = wb->pos;
}

void writeback_rewind(struct writeback *wb, uint64_t len)
{
	wb->pos = len;
	if (wb->done > len)
		wb->done = len;
}
