/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "common/base/err.h"

/*
 * Decompression on a thread of its own, a few buffers ahead of the reader:
 * ISA-L's inflate then overlaps the tar layer's work instead of preceding
 * it (a gzip patch spends half its time inflating). The thread calls fill
 * until it returns 0 (the end) or -1 (an error, handed to the reader after
 * the bytes before it). Events the decoder raises while filling (a gzip
 * member or xz block ended) are handed to deliver on the reader's thread,
 * before the reader gets any byte of the buffer they were raised in.
 */
struct readahead;

typedef ssize_t (*readahead_fill_fn)(void *ctx, void *buf, size_t len, struct act_err *err);

struct readahead_event {
	uint64_t v[4];
};
typedef void (*readahead_deliver_fn)(void *ctx, const struct readahead_event *ev);

struct readahead *readahead_new(readahead_fill_fn fill, readahead_deliver_fn deliver, void *ctx);
/* Start the thread (once the caller can take readahead_event calls). */
void readahead_start(struct readahead *ra);
/* Stops the thread, whatever it is doing, and waits for it. */
void readahead_free(struct readahead *ra);
/* As read(2): > 0 bytes, 0 at the end, -1 on the fill's error. */
ssize_t readahead_read(struct readahead *ra, void *buf, size_t len, struct act_err *err);
/* From fill, on the thread: an event for the buffer being filled. */
void readahead_event(struct readahead *ra, const struct readahead_event *ev);
