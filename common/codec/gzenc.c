// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <libdeflate.h>

#include "common/codec/gzenc.h"

/* 1 MiB blocks cost about 0.1% of ratio against one long stream. */
#define BLOCK_SIZE (1024 * 1024)

static size_t gz_bound(const void *arg, size_t len)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(*(const int *)arg);
	size_t n = c ? libdeflate_gzip_compress_bound(c, len) : len + 1;

	libdeflate_free_compressor(c);
	return n;
}

static size_t gz_compress(const void *arg, const void *in, size_t len, void *out, size_t cap,
			  uint64_t *aux)
{
	/* A compressor per block: a few hundred KiB, nothing against
	 * compressing 1 MiB, and given back at once. */
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(*(const int *)arg);
	size_t n = c ? libdeflate_gzip_compress(c, in, len, out, cap) : 0;

	libdeflate_free_compressor(c);
	*aux = 0;
	return n;
}

static const struct blockenc_codec gz_codec = {
	.block_size = BLOCK_SIZE,
	.bound = gz_bound,
	.compress = gz_compress,
};

struct blockenc *gzenc_new(int level, int threads, blockenc_write_fn write, void *ctx,
			   struct act_err *err)
{
	struct libdeflate_compressor *probe = libdeflate_alloc_compressor(level);

	if (!probe) {
		act_err_set(err, EINVAL, "gzip level %d is out of range (1-12)", level);
		return NULL;
	}
	libdeflate_free_compressor(probe);
	return blockenc_new(&gz_codec, &level, sizeof(level), threads, write, ctx, err);
}
