// SPDX-License-Identifier: Apache-2.0
#include <string.h>

#include "common/base/macro.h"
#include "common/codec/memberstore.h"

struct memberstore {
	bool keep_bytes; /* else the input file holds them */
	size_t max_member;
	uint64_t max_span;
	uint64_t last_u_end;	/* where the member being decoded starts */
	bool cut;		/* it was settled into: it cannot be kept */
	uint64_t recent;	/* the bytes of the last two reads: the decoder may
				 * not have reached them, the next member may be there */
	uint64_t last_add;	/* where the last read started */
	/* The compressed bytes [keep_from, c_total), in one piece so that a
	 * member is handed out where it lies, with no copy. */
	unsigned char *data;
	size_t data_cap;
	uint64_t c_total;	/* compressed bytes seen */
	uint64_t last_end;	/* end of the last member: the next one starts here */
	uint64_t keep_from;	/* compressed offset: bytes before are gone */
	struct member *m;	/* kept members, oldest first */
	size_t n, cap;
};

struct memberstore *memberstore_new(size_t max_member, uint64_t max_span, bool keep_bytes)
{
	struct memberstore *ms = xcalloc(1, sizeof(*ms));

	ms->keep_bytes = keep_bytes;
	ms->max_member = max_member;
	ms->max_span = max_span;
	return ms;
}

bool memberstore_keeps_bytes(const struct memberstore *ms)
{
	return ms->keep_bytes;
}

void memberstore_free(struct memberstore *ms)
{
	if (!ms)
		return;
	free(ms->data);
	free(ms->m);
	free(ms);
}

/* Keep the bytes of every kept member, and of the member being read unless
 * it outgrew the limit or was cut; free the rest, but for the last reads,
 * where the next member may start. Never goes back: freed is freed. */
static void update_keep(struct memberstore *ms)
{
	uint64_t from = ms->last_end;

	if (ms->cut || ms->c_total - ms->last_end > ms->max_member)
		from = ms->recent > ms->last_end ? ms->recent : ms->last_end;
	if (ms->n && ms->m[0].c_start < from)
		from = ms->m[0].c_start;
	if (from > ms->c_total)
		from = ms->c_total;
	if (from > ms->keep_from) {
		size_t drop = (size_t)(from - ms->keep_from);

		if (ms->keep_bytes && ms->c_total > from)
			memmove(ms->data, ms->data + drop, (size_t)(ms->c_total - from));
		ms->keep_from = from;
	}
}

void memberstore_add_bytes(struct memberstore *ms, const void *buf, size_t len)
{
	size_t have = (size_t)(ms->c_total - ms->keep_from);

	if (!len)
		return;
	if (ms->keep_bytes && have + len > ms->data_cap) {
		ms->data_cap = 2 * ms->data_cap > have + len ? 2 * ms->data_cap : have + len;
		ms->data = xrealloc(ms->data, ms->data_cap);
	}
	if (ms->keep_bytes)
		memcpy(ms->data + have, buf, len);
	ms->recent = ms->last_add;
	ms->last_add = ms->c_total;
	ms->c_total += len;
	update_keep(ms);
}

void memberstore_member(struct memberstore *ms, uint64_t c_start, uint64_t c_end,
			uint64_t u_start, uint64_t u_end, uint64_t aux)
{
	ms->last_end = c_end;
	ms->last_u_end = u_end;
	ms->cut = false;
	/* Only whole members whose bytes are all still here. */
	if (c_end - c_start <= ms->max_member && u_end - u_start <= ms->max_span &&
	    c_start >= ms->keep_from) {
		if (ms->n == ms->cap) {
			ms->cap = ms->cap ? 2 * ms->cap : 16;
			ms->m = xrealloc(ms->m, ms->cap * sizeof(*ms->m));
		}
		ms->m[ms->n++] = (struct member){ c_start, c_end, u_start, u_end, aux };
	}
	update_keep(ms);
}

bool memberstore_find(struct memberstore *ms, uint64_t u_from, uint64_t u_to,
		      struct member *m)
{
	for (size_t i = 0; i < ms->n; i++) {
		if (ms->m[i].u_start < u_from)
			continue;
		if (ms->m[i].u_end > u_to)
			return false;
		*m = ms->m[i];
		return true;
	}
	return false;
}

const unsigned char *memberstore_bytes(struct memberstore *ms, const struct member *m)
{
	if (!ms->keep_bytes || m->c_start < ms->keep_from || m->c_end > ms->c_total)
		return NULL;
	return ms->data + (m->c_start - ms->keep_from);
}

uint64_t memberstore_hold(const struct memberstore *ms, uint64_t from, uint64_t upto,
			  uint64_t decoded)
{
	for (size_t i = 0; i < ms->n; i++) {
		if (ms->m[i].u_start < from)
			continue;
		if (ms->m[i].u_end > upto)
			return ms->m[i].u_start < upto ? ms->m[i].u_start : upto;
	}
	/* The member being decoded: kept if it stays within the limits. */
	if (!ms->cut && ms->last_u_end >= from && ms->last_u_end < upto &&
	    decoded - ms->last_u_end <= ms->max_span &&
	    ms->c_total - ms->last_end <= ms->max_member)
		return ms->last_u_end;
	return upto;
}

void memberstore_release(struct memberstore *ms, uint64_t u)
{
	size_t k = 0;

	while (k < ms->n && ms->m[k].u_end <= u)
		k++;
	if (k) {
		memmove(ms->m, ms->m + k, (ms->n - k) * sizeof(*ms->m));
		ms->n -= k;
	}
	if (u > ms->last_u_end)
		ms->cut = true;

	update_keep(ms);
}
