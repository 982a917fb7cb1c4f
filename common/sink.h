/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/compression.h"
#include "common/err.h"

/*
 * Where an uncompressed tar stream goes: a file descriptor, through one
 * compressor. Output is deterministic: no timestamps, no host names.
 */
struct sink;

struct sink_options {
	enum act_compression comp;
	int level;     /* 0: the codec's default */
	bool image_id; /* hash the stream for sink_image_id */
};

/* fd -1: the stream goes nowhere; its size and ID are still kept. */
struct sink *sink_open_fd(int fd, const char *name, const struct sink_options *opt,
			  struct act_err *err);
int sink_write(struct sink *s, const void *buf, size_t len, struct act_err *err);
/* True for gzip output, where whole gzip members can be copied in. */
bool sink_takes_members(const struct sink *s);
/*
 * Write a complete gzip member holding ulen bytes of the stream. The caller
 * then hands those ulen bytes to sink_account_uncompressed: the image ID is
 * of the uncompressed stream, which the member does not show.
 */
int sink_copy_member(struct sink *s, const void *member, size_t len, uint64_t ulen,
		     struct act_err *err);
void sink_account_uncompressed(struct sink *s, const void *buf, size_t len);
/* Flush everything, including the compressor's trailer. */
int sink_finish(struct sink *s, struct act_err *err);
/* With image_id, after a successful sink_finish: "sha512-" and 128 hex
 * digits (see imageid.h); NULL otherwise. */
const char *sink_image_id(const struct sink *s);
void sink_free(struct sink *s);
/* Uncompressed bytes written so far. */
uint64_t sink_bytes_in(const struct sink *s);
