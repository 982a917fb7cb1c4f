// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <isa-l/igzip_lib.h>
#include <string.h>

#include "common/codec/gzdec.h"
#include "common/base/macro.h"

enum phase { BETWEEN, IN_MEMBER, PADDING };

struct gzdec {
	struct inflate_state st;
	enum phase phase;
	uint64_t members;
	uint64_t in_total, out_total; /* compressed bytes consumed, bytes produced */
	uint64_t m_in, m_out;	      /* where the current member started */
	gzdec_member_fn on_member;
	void *ctx;
};

void gzdec_observe(struct gzdec *d, gzdec_member_fn fn, void *ctx)
{
	d->on_member = fn;
	d->ctx = ctx;
}

struct gzdec *gzdec_new(void)
{
	struct gzdec *d = xcalloc(1, sizeof(*d));

	d->phase = BETWEEN;
	return d;
}

void gzdec_free(struct gzdec *d)
{
	free(d);
}

static const char *isal_error(int r)
{
	switch (r) {
	case ISAL_INVALID_BLOCK:
		return "invalid deflate block";
	case ISAL_INVALID_SYMBOL:
		return "invalid deflate symbol";
	case ISAL_INVALID_LOOKBACK:
		return "invalid deflate distance";
	case ISAL_INVALID_WRAPPER:
		return "invalid gzip header";
	case ISAL_UNSUPPORTED_METHOD:
		return "unsupported compression method";
	case ISAL_INCORRECT_CHECKSUM:
		return "CRC or length mismatch in the gzip trailer";
	default:
		return "corrupt data";
	}
}

ssize_t gzdec_run(struct gzdec *d, const unsigned char **in, size_t *in_len,
		  unsigned char *out, size_t out_len, struct act_err *err)
{
	size_t produced = 0;

	while (produced < out_len) {
		if (d->phase == PADDING) {
			for (; *in_len > 0; (*in)++, (*in_len)--, d->in_total++)
				if (**in != 0)
					return act_err_set(err, EINVAL,
							   "data after the last gzip member");
			return (ssize_t)produced;
		}
		if (d->phase == BETWEEN) {
			if (*in_len == 0)
				break;
			if (**in == 0 && d->members > 0) {
				d->phase = PADDING;
				continue;
			}
			/* ISA-L checks the rest of the header, byte by byte if need be. */
			if (**in != 0x1f)
				return act_err_set(err, EINVAL, d->members
						   ? "data after the last gzip member"
						   : "not a gzip stream");
			isal_inflate_init(&d->st);
			d->st.crc_flag = ISAL_GZIP;
			d->phase = IN_MEMBER;
			d->m_in = d->in_total;
			d->m_out = d->out_total;
		}
		d->st.next_in = (uint8_t *)*in;
		d->st.avail_in = *in_len > UINT32_MAX ? UINT32_MAX : (uint32_t)*in_len;
		d->st.next_out = out + produced;
		d->st.avail_out = out_len - produced > UINT32_MAX ? UINT32_MAX
								  : (uint32_t)(out_len - produced);
		uint32_t before_in = d->st.avail_in, before_out = d->st.avail_out;
		int r = isal_inflate(&d->st);

		*in += before_in - d->st.avail_in;
		*in_len -= before_in - d->st.avail_in;
		produced += before_out - d->st.avail_out;
		d->in_total += before_in - d->st.avail_in;
		d->out_total += before_out - d->st.avail_out;
		if (r != ISAL_DECOMP_OK)
			return act_err_set(err, EINVAL, "gzip member %llu: %s",
					   (unsigned long long)d->members + 1, isal_error(r));
		if (d->st.block_state == ISAL_BLOCK_FINISH) {
			d->members++;
			d->phase = BETWEEN;
			if (d->on_member)
				d->on_member(d->ctx, d->m_in, d->in_total, d->m_out, d->out_total);
			continue;
		}
		/* Out of input, or no progress: the caller brings more input. */
		if (d->st.avail_in == 0 ||
		    (before_in == d->st.avail_in && before_out == d->st.avail_out))
			break;
	}
	return (ssize_t)produced;
}

int gzdec_end(struct gzdec *d, struct act_err *err)
{
	if (d->phase == IN_MEMBER)
		return act_err_set(err, EINVAL, "truncated gzip stream (member %llu is incomplete)",
				   (unsigned long long)d->members + 1);
	if (d->members == 0)
		return act_err_set(err, EINVAL, "empty gzip stream");
	return 0;
}

uint64_t gzdec_members(const struct gzdec *d)
{
	return d->members;
}
