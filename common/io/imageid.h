/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/base/err.h"

/*
 * The appc image ID of a stream: "sha512-" and the SHA-512 of the
 * uncompressed tar, in lower-case hex (all 128 digits; rkt shows a prefix).
 * SHA-512 is OpenSSL's, assembly-optimised; it still runs at about the speed
 * of gzip decompression, so past the first block it runs on a thread of its
 * own, overlapping the decompression and compression of the stream.
 */
#define IMAGEID_LEN (sizeof("sha512-") - 1 + 128)

struct imageid;

struct imageid *imageid_new(struct act_err *err);
/* The stream's next bytes, in order. */
void imageid_update(struct imageid *h, const void *buf, size_t len);
/* Hash what is left and write the ID, NUL-terminated, to id. Once only. */
int imageid_finish(struct imageid *h, char id[IMAGEID_LEN + 1], struct act_err *err);
/* Stops the thread; an unfinished hash is dropped. */
void imageid_free(struct imageid *h);
