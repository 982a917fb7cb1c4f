/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Write-back of an output file that is synced before it is renamed into
 * place. Left to itself, the kernel writes nothing of it back before that
 * fsync (its dirty limits are a share of RAM), so the disk waits idle while
 * the image is made and the whole file is written at the end. Starting
 * write-back as the output grows overlaps the two; the final fsync then
 * waits for the last few MiB.
 */
struct writeback {
	int fd;
	uint64_t pos;  /* bytes written to fd so far */
	uint64_t done; /* write-back started up to here */
	bool off;      /* no sync to come, or fd is not a file that takes it */
};

void writeback_init(struct writeback *wb, int fd, bool off);
/* n more bytes were written to fd. */
void writeback_advance(struct writeback *wb, uint64_t n);
/* fd was cut back to its first len bytes. */
void writeback_rewind(struct writeback *wb, uint64_t len);
