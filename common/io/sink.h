/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/codec/compression.h"
#include "common/base/err.h"

/*
 * Where an uncompressed tar stream goes: a file descriptor, through one
 * compressor. Output is deterministic: no timestamps, no host names.
 */
struct sink;

struct sink_options {
	enum act_compression comp;
	int level;     /* 0: the codec's default */
	bool image_id; /* hash the stream for sink_image_id */
	bool no_sync;  /* start no write-back: the output will not be synced */
};

/* fd -1: the stream goes nowhere; its size and ID are still kept. */
struct sink *sink_open_fd(int fd, const char *name, const struct sink_options *opt,
			  struct act_err *err);
int sink_write(struct sink *s, const void *buf, size_t len, struct act_err *err);
/* True when whole members of an input compressed with comp (gzip members,
 * xz blocks) can be copied in: gzip or xz output of the same codec. */
bool sink_takes_members(const struct sink *s, enum act_compression comp);
/*
 * Write a complete member holding ulen bytes of the stream; aux is the
 * member's note (xz: the block's unpadded size). The caller also hands those
 * ulen bytes to sink_account_uncompressed, before or after: the image ID is
 * of the uncompressed stream, which the member does not show.
 */
int sink_copy_member(struct sink *s, const void *member, size_t len, uint64_t ulen,
		     uint64_t aux, struct act_err *err);
/* The same, the member read from the file fd at offset off (called name,
 * for errors). */
int sink_copy_member_file(struct sink *s, int fd, const char *name, int64_t off, size_t len,
			  uint64_t ulen, uint64_t aux, struct act_err *err);
void sink_account_uncompressed(struct sink *s, const void *buf, size_t len);
/*
 * gzip in and out, the input a regular file: the output is the input's
 * compressed stream spliced (gzsplice.h), each span the input repeats copied
 * as it is. Call before the first read; false when it does not apply.
 */
struct source;
bool sink_splice_from(struct sink *s, struct source *src);
/* Write len bytes that are the input's decompressed bytes at offset u_off
 * (which a splicing sink copies); else the same as sink_write. */
int sink_write_input(struct sink *s, const void *buf, size_t len, uint64_t u_off,
		     struct act_err *err);
/* The caller is about to hold much input back: write what is being
 * compressed, so that the compressor's memory is given back first (xz). */
int sink_drain(struct sink *s, struct act_err *err);
/* Whether an edit may still come: a splice then prepares for it
 * (gzsplice_expect_edits). The output is the same either way. */
void sink_expect_edits(struct sink *s, bool expect);
/* True for plain output, which takes spans of an input file (sink_copy_range),
 * unless it hashes the stream for an image ID. */
bool sink_takes_ranges(const struct sink *s);
/* Write len bytes of the file fd (called name, for errors; fd and name must
 * outlive the sink) from offset off: copy_file_range where the files allow
 * it, no copy through memory, shared extents on file systems that have them.
 * Adjacent spans are copied as one, on a thread as they grow: an error may
 * come from a later call. */
int sink_copy_range(struct sink *s, int fd, const char *name, int64_t off, uint64_t len,
		    struct act_err *err);
/* Flush everything, including the compressor's trailer. */
int sink_finish(struct sink *s, struct act_err *err);
/* With image_id, after a successful sink_finish: "sha512-" and 128 hex
 * digits (see imageid.h); NULL otherwise. */
const char *sink_image_id(const struct sink *s);
void sink_free(struct sink *s);
/* Uncompressed bytes written so far. */
uint64_t sink_bytes_in(const struct sink *s);
/* Whether any byte went to the fd (or is being copied there). A splice
 * not finished stops first: nothing more goes out. */
bool sink_wrote(struct sink *s);
