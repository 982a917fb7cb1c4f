/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/base/err.h"

/*
 * OCI digests: "sha256:" and 64 lower-case hex digits (OpenSSL's SHA-256),
 * of bytes in memory, a stream fed in pieces, or a file.
 */
#define DIGEST_LEN (sizeof("sha256:") - 1 + 64)

struct digest;

struct digest *digest_new(void);
void digest_update(struct digest *d, const void *buf, size_t len);
/* The digest so far, NUL-terminated, into out; d is done with. */
void digest_finish(struct digest *d, char out[DIGEST_LEN + 1]);
void digest_free(struct digest *d);

void digest_of(const void *buf, size_t len, char out[DIGEST_LEN + 1]);
/* The digest and size of the file at fd, read from its start. */
int digest_fd(int fd, const char *name, char out[DIGEST_LEN + 1], size_t *size,
	      struct act_err *err);
