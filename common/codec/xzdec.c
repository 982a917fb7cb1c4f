// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/codec/xzdec.h"

/* As libarchive's xz reader: a dictionary over 1 GiB is refused. */
#define MEMLIMIT ((uint64_t)1 << 30)

enum phase { STREAM_HEADER, BLOCK_HEADER, BLOCK, INDEX, STREAM_FOOTER, PADDING };

struct xzdec {
	enum phase phase;
	lzma_stream strm;
	lzma_stream_flags flags;
	lzma_index_hash *index;
	lzma_block block;
	lzma_filter filters[LZMA_FILTERS_MAX + 1];
	uint8_t hdr[LZMA_BLOCK_HEADER_SIZE_MAX]; /* a header being gathered */
	size_t hdr_len, hdr_need;
	uint64_t streams, blocks, padding;
	uint64_t in_total, out_total;
	uint64_t b_in, b_out; /* where the current block started */
	xzdec_block_fn on_block;
	void *ctx;
};

void xzdec_observe(struct xzdec *d, xzdec_block_fn fn, void *ctx)
{
	d->on_block = fn;
	d->ctx = ctx;
}

struct xzdec *xzdec_new(void)
{
	struct xzdec *d = xcalloc(1, sizeof(*d));

	d->strm = (lzma_stream)LZMA_STREAM_INIT;
	d->phase = STREAM_HEADER;
	d->hdr_need = LZMA_STREAM_HEADER_SIZE;
	return d;
}

void xzdec_free(struct xzdec *d)
{
	if (!d)
		return;
	lzma_end(&d->strm);
	lzma_index_hash_end(d->index, NULL);
	free(d);
}

/* Gather d->hdr_need bytes into d->hdr; true when they are all there. */
static bool gather(struct xzdec *d, const unsigned char **in, size_t *in_len)
{
	size_t k = d->hdr_need - d->hdr_len;

	if (k > *in_len)
		k = *in_len;
	memcpy(d->hdr + d->hdr_len, *in, k);
	d->hdr_len += k;
	*in += k;
	*in_len -= k;
	d->in_total += k;
	return d->hdr_len == d->hdr_need;
}

static const char *lzma_error(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR:
		return "out of memory";
	case LZMA_MEMLIMIT_ERROR:
		return "the dictionary is over 1 GiB";
	case LZMA_FORMAT_ERROR:
		return "not an xz stream";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_DATA_ERROR:
		return "corrupt data";
	case LZMA_BUF_ERROR:
		return "truncated data";
	default:
		return "internal error";
	}
}

static int fail(struct xzdec *d, lzma_ret r, const char *where, struct act_err *err)
{
	int code = r == LZMA_MEM_ERROR ? ENOMEM : EINVAL;

	if (streq(where, "block"))
		return act_err_set(err, code, "xz stream %llu, block %llu: %s",
				   (unsigned long long)d->streams + 1,
				   (unsigned long long)d->blocks + 1, lzma_error(r));
	return act_err_set(err, code, "xz stream %llu, %s: %s", (unsigned long long)d->streams + 1,
			   where, lzma_error(r));
}

static void free_filters(struct xzdec *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(d->filters); i++) {
		free(d->filters[i].options);
		d->filters[i].options = NULL;
	}
}

static int start_block(struct xzdec *d, struct act_err *err)
{
	lzma_ret r;
	uint64_t mem;

	d->block = (lzma_block){ .version = 1, .check = d->flags.check,
				 .header_size = (uint32_t)d->hdr_need, .filters = d->filters };
	r = lzma_block_header_decode(&d->block, NULL, d->hdr);
	if (r != LZMA_OK)
		return fail(d, r, "block", err);
	mem = lzma_raw_decoder_memusage(d->filters);
	r = mem == UINT64_MAX ? LZMA_OPTIONS_ERROR : mem > MEMLIMIT ? LZMA_MEMLIMIT_ERROR : LZMA_OK;
	if (r == LZMA_OK)
		r = lzma_block_decoder(&d->strm, &d->block);
	free_filters(d);
	if (r != LZMA_OK)
		return fail(d, r, "block", err);
	d->phase = BLOCK;
	return 0;
}

static int end_block(struct xzdec *d, struct act_err *err)
{
	lzma_vli unpadded = lzma_block_unpadded_size(&d->block);
	lzma_ret r;

	if (unpadded == 0 || lzma_block_total_size(&d->block) != d->in_total - d->b_in)
		return fail(d, LZMA_PROG_ERROR, "block", err);
	r = lzma_index_hash_append(d->index, unpadded, d->block.uncompressed_size);
	if (r != LZMA_OK)
		return fail(d, r, "block", err);
	d->blocks++;
	if (d->on_block && d->flags.check == LZMA_CHECK_CRC64)
		d->on_block(d->ctx, d->b_in, d->in_total, d->b_out, d->out_total, unpadded);
	d->phase = BLOCK_HEADER;
	d->hdr_len = 0;
	d->hdr_need = 1;
	return 0;
}

/* One step on the headers, index and footer: consumes input, makes no output. */
static int step_frame(struct xzdec *d, const unsigned char **in, size_t *in_len,
		      struct act_err *err)
{
	lzma_stream_flags foot;
	lzma_ret r;

	switch (d->phase) {
	case STREAM_HEADER:
		if (!gather(d, in, in_len))
			return 0;
		r = lzma_stream_header_decode(&d->flags, d->hdr);
		if (r != LZMA_OK)
			return fail(d, r, "header", err);
		d->index = lzma_index_hash_init(d->index, NULL);
		if (!d->index)
			return fail(d, LZMA_MEM_ERROR, "header", err);
		d->phase = BLOCK_HEADER;
		d->hdr_len = 0;
		d->hdr_need = 1;
		return 0;
	case BLOCK_HEADER:
		if (d->hdr_len == 0) {
			if (**in == 0) { /* the index indicator */
				d->phase = INDEX;
				return 0;
			}
			d->b_in = d->in_total;
			d->b_out = d->out_total;
		}
		if (!gather(d, in, in_len))
			return 0;
		if (d->hdr_len == 1) {
			d->hdr_need = lzma_block_header_size_decode(d->hdr[0]);
			if (!gather(d, in, in_len))
				return 0;
		}
		return start_block(d, err);
	case INDEX: {
		size_t pos = 0;

		r = lzma_index_hash_decode(d->index, *in, &pos, *in_len);
		*in += pos;
		*in_len -= pos;
		d->in_total += pos;
		if (r == LZMA_OK)
			return 0;
		if (r != LZMA_STREAM_END)
			return fail(d, r, "index", err);
		d->phase = STREAM_FOOTER;
		d->hdr_len = 0;
		d->hdr_need = LZMA_STREAM_HEADER_SIZE;
		return 0;
	}
	case STREAM_FOOTER:
		if (!gather(d, in, in_len))
			return 0;
		r = lzma_stream_footer_decode(&foot, d->hdr);
		if (r == LZMA_OK && (lzma_stream_flags_compare(&d->flags, &foot) != LZMA_OK ||
				     foot.backward_size != lzma_index_hash_size(d->index)))
			r = LZMA_DATA_ERROR;
		if (r != LZMA_OK)
			return fail(d, r, "footer", err);
		d->streams++;
		d->blocks = 0;
		d->padding = 0;
		d->phase = PADDING;
		return 0;
	case PADDING:
		for (; *in_len > 0 && **in == 0; (*in)++, (*in_len)--, d->in_total++)
			d->padding++;
		if (*in_len == 0)
			return 0;
		if (d->padding % 4 != 0)
			return act_err_set(err, EINVAL, "data after the xz stream");
		/* Another stream, back to back. */
		d->phase = STREAM_HEADER;
		d->hdr_len = 0;
		d->hdr_need = LZMA_STREAM_HEADER_SIZE;
		return 0;
	default:
		return fail(d, LZMA_PROG_ERROR, "block", err);
	}
}

ssize_t xzdec_run(struct xzdec *d, const unsigned char **in, size_t *in_len,
		  unsigned char *out, size_t out_len, struct act_err *err)
{
	size_t produced = 0;

	while (produced < out_len) {
		size_t before_in, before_out;
		lzma_ret r;

		if (d->phase != BLOCK) {
			if (*in_len == 0)
				break;
			if (d->phase == STREAM_HEADER && d->streams > 0 && d->hdr_len == 0 &&
			    **in != 0xfd)
				return act_err_set(err, EINVAL, "data after the xz stream");
			if (step_frame(d, in, in_len, err) < 0)
				return -1;
			continue;
		}
		d->strm.next_in = *in;
		d->strm.avail_in = *in_len;
		d->strm.next_out = out + produced;
		d->strm.avail_out = out_len - produced;
		before_in = *in_len;
		before_out = out_len - produced;
		r = lzma_code(&d->strm, LZMA_RUN);
		*in += before_in - d->strm.avail_in;
		*in_len = d->strm.avail_in;
		d->in_total += before_in - d->strm.avail_in;
		produced += before_out - d->strm.avail_out;
		d->out_total += before_out - d->strm.avail_out;
		if (r == LZMA_STREAM_END) {
			if (end_block(d, err) < 0)
				return -1;
			continue;
		}
		if (r != LZMA_OK && r != LZMA_BUF_ERROR)
			return fail(d, r, "block", err);
		/* Out of input, or no progress: the caller brings more input. */
		if (*in_len == 0 || (before_in == *in_len && before_out == out_len - produced))
			break;
	}
	return (ssize_t)produced;
}

int xzdec_end(struct xzdec *d, struct act_err *err)
{
	if (d->phase == PADDING && d->padding % 4 == 0)
		return 0;
	if (d->phase == PADDING)
		return act_err_set(err, EINVAL, "xz stream padding is not a multiple of 4 bytes");
	if (d->phase == STREAM_HEADER && d->streams == 0 && d->hdr_len == 0)
		return act_err_set(err, EINVAL, "empty xz stream");
	return act_err_set(err, EINVAL, "truncated xz stream");
}
