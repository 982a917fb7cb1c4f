// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <lzma.h>
#include <string.h>

#include "common/base/bigbuf.h"
#include "common/codec/blockenc.h"
#include "common/base/macro.h"
#include "common/codec/xzenc.h"

/*
 * Memory is what sets these. liblzma's match finder at presets 4-9 takes
 * about 11 times the dictionary: xz -6's 8 MiB dictionary costs 93 MiB per
 * thread. Measured on /usr at preset 6, against 24 MiB blocks with 8 MiB
 * (xz -T -6): 2 MiB blocks with a 1 MiB dictionary make 4.5% more output for
 * about 12 MiB of state and 4 MiB of buffers per thread; a 2 MiB dictionary
 * gains 2.5% for 10 MiB more a thread; 1 MiB blocks lose 2.5% more.
 */
#define BLOCK_SIZE (2 * 1024 * 1024)
#define DICT_MAX (1024 * 1024)
#define CHECK LZMA_CHECK_CRC64

struct xzenc {
	struct blockenc *enc;
	lzma_index *index;
	xzenc_write_fn write;
	void *ctx;
};

/* The encoder's match finder (megabytes) is allocated for each block and
 * freed after it: see bigbuf.h. The size is kept in front. */
#define HDR 16

static void *xz_alloc(void *opaque, size_t nmemb, size_t size)
{
	size_t len;
	unsigned char *p;

	(void)opaque;
	if (size && nmemb > (SIZE_MAX - HDR) / size)
		return NULL;
	len = nmemb * size + HDR;
	p = len >= 256 * 1024 ? bigbuf_alloc(len) : malloc(len);
	if (!p)
		return NULL;
	memcpy(p, &len, sizeof(len));
	return p + HDR;
}

static void xz_free(void *opaque, void *ptr)
{
	unsigned char *p = ptr;
	size_t len;

	(void)opaque;
	if (!p)
		return;
	p -= HDR;
	memcpy(&len, p, sizeof(len));
	if (len >= 256 * 1024)
		bigbuf_free(p, len);
	else
		free(p);
}

static const lzma_allocator allocator = { xz_alloc, xz_free, NULL };

static size_t xz_bound(const void *arg, size_t len)
{
	(void)arg;
	return lzma_block_buffer_bound(len);
}

static size_t xz_compress(const void *arg, const void *in, size_t len, void *out, size_t cap,
			  uint64_t *aux)
{
	lzma_options_lzma opt = *(const lzma_options_lzma *)arg;
	lzma_filter filters[2] = { { LZMA_FILTER_LZMA2, &opt }, { LZMA_VLI_UNKNOWN, NULL } };
	lzma_block b = { .version = 0, .check = CHECK, .filters = filters };
	size_t pos = 0;

	if (lzma_block_buffer_encode(&b, &allocator, in, len, out, &pos, cap) != LZMA_OK)
		return 0;
	*aux = lzma_block_unpadded_size(&b);
	return *aux ? pos : 0;
}

static const struct blockenc_codec xz_codec = {
	.block_size = BLOCK_SIZE,
	.bound = xz_bound,
	.compress = xz_compress,
};

/* Each block as it goes out: list it in the index. */
static int write_block(void *ctx, const void *buf, size_t len, uint64_t ulen, uint64_t unpadded,
		       struct act_err *err)
{
	struct xzenc *x = ctx;

	if (((unpadded + 3) & ~(uint64_t)3) != len ||
	    lzma_index_append(x->index, NULL, unpadded, ulen) != LZMA_OK)
		return act_err_set(err, EINVAL, "internal error: an xz block of %zu bytes does not "
				   "fit the index", len);
	return x->write(x->ctx, buf, len, err);
}

struct xzenc *xzenc_new(int level, int threads, xzenc_write_fn write, void *ctx,
			struct act_err *err)
{
	lzma_stream_flags flags = { .version = 0, .check = CHECK };
	lzma_options_lzma opt;
	uint8_t hdr[LZMA_STREAM_HEADER_SIZE];
	struct xzenc *x;

	if (level < 0 || level > 9 || lzma_lzma_preset(&opt, (uint32_t)level)) {
		act_err_set(err, EINVAL, "xz level %d is out of range (0-9)", level);
		return NULL;
	}
	if (opt.dict_size > DICT_MAX)
		opt.dict_size = DICT_MAX;
	x = xcalloc(1, sizeof(*x));
	x->write = write;
	x->ctx = ctx;
	x->index = lzma_index_init(NULL);
	if (!x->index)
		abort();
	x->enc = blockenc_new(&xz_codec, &opt, sizeof(opt), threads, write_block, x, err);
	if (!x->enc || lzma_stream_header_encode(&flags, hdr) != LZMA_OK ||
	    write(ctx, hdr, sizeof(hdr), err) < 0) {
		if (x->enc && !act_err_isset(err))
			act_err_set(err, EIO, "cannot encode an xz stream header");
		xzenc_free(x);
		return NULL;
	}
	return x;
}

int xzenc_write(struct xzenc *x, const void *buf, size_t len, struct act_err *err)
{
	return blockenc_write(x->enc, buf, len, err);
}

int xzenc_copy_block(struct xzenc *x, const void *block, size_t len, uint64_t ulen,
		     uint64_t unpadded, struct act_err *err)
{
	return blockenc_copy(x->enc, block, len, ulen, unpadded, err);
}

int xzenc_drain(struct xzenc *x, struct act_err *err)
{
	return blockenc_drain(x->enc, err);
}

int xzenc_finish(struct xzenc *x, struct act_err *err)
{
	lzma_stream_flags flags = { .version = 0, .check = CHECK };
	uint8_t foot[LZMA_STREAM_HEADER_SIZE];
	unsigned char *buf;
	size_t pos = 0, size;
	int r;

	if (blockenc_finish(x->enc, err) < 0)
		return -1;
	size = (size_t)lzma_index_size(x->index);
	buf = xmalloc(size);
	flags.backward_size = size;
	if (lzma_index_buffer_encode(x->index, buf, &pos, size) != LZMA_OK ||
	    lzma_stream_footer_encode(&flags, foot) != LZMA_OK) {
		free(buf);
		return act_err_set(err, EIO, "cannot encode the xz index");
	}
	r = x->write(x->ctx, buf, pos, err);
	free(buf);
	if (r < 0)
		return -1;
	return x->write(x->ctx, foot, sizeof(foot), err);
}

void xzenc_free(struct xzenc *x)
{
	if (!x)
		return;
	blockenc_free(x->enc);
	lzma_index_end(x->index, NULL);
	free(x);
}
