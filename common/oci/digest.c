// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/base/fileio.h"
#include "common/base/macro.h"
#include "common/oci/digest.h"

struct digest {
	EVP_MD_CTX *md;
};

struct digest *digest_new(void)
{
	struct digest *d = xcalloc(1, sizeof(*d));

	d->md = EVP_MD_CTX_new();
	/* Only memory runs out here, and that aborts everywhere else too. */
	if (!d->md || EVP_DigestInit_ex(d->md, EVP_sha256(), NULL) != 1)
		abort();
	return d;
}

void digest_update(struct digest *d, const void *buf, size_t len)
{
	if (len && EVP_DigestUpdate(d->md, buf, len) != 1)
		abort();
}

void digest_finish(struct digest *d, char out[DIGEST_LEN + 1])
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	if (EVP_DigestFinal_ex(d->md, h, &n) != 1 || n != 32)
		abort();
	memcpy(out, "sha256:", 7);
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", h[i]);
}

void digest_free(struct digest *d)
{
	if (!d)
		return;
	EVP_MD_CTX_free(d->md);
	free(d);
}

void digest_of(const void *buf, size_t len, char out[DIGEST_LEN + 1])
{
	struct digest *d = digest_new();

	digest_update(d, buf, len);
	digest_finish(d, out);
	digest_free(d);
}

int digest_fd(int fd, const char *name, char out[DIGEST_LEN + 1], size_t *size,
	      struct act_err *err)
{
	struct digest *d = digest_new();
	static __thread unsigned char buf[1 << 16];
	size_t total = 0;
	off_t off = 0;

	for (;;) {
		ssize_t n = fileio_pread(fd, buf, sizeof(buf), off);

		if (n < 0) {
			digest_free(d);
			return act_err_set(err, errno, "%s: cannot read: %s", name, strerror(errno));
		}
		if (n == 0)
			break;
		digest_update(d, buf, (size_t)n);
		off += n;
		total += (size_t)n;
	}
	digest_finish(d, out);
	digest_free(d);
	*size = total;
	return 0;
}
