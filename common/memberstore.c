// SPDX-License-Identifier: Apache-2.0
#include <string.h>

#include "common/macro.h"
#include "common/memberstore.h"

struct bchunk {
	struct bchunk *next;
	uint64_t off;
	size_t len;
	unsigned char data[];
};

struct memberstore {
	size_t max_member;
	uint64_t max_span;
	uint64_t last_u_end;	/* where the member being decoded starts */
	struct bchunk *head, *tail;
	uint64_t c_total;	/* compressed bytes seen */
	uint64_t last_end;	/* end of the last member: the next one starts here */
	uint64_t keep_from;	/* compressed offset: bytes before are gone */
	struct member *m;	/* kept members, oldest first */
	size_t n, cap;
	unsigned char *buf;	/* memberstore_bytes' buffer */
	size_t buf_cap;
};

struct memberstore *memberstore_new(size_t max_member, uint64_t max_span)
{
	struct memberstore *ms = xcalloc(1, sizeof(*ms));

	ms->max_member = max_member;
	ms->max_span = max_span;
	return ms;
}

void memberstore_free(struct memberstore *ms)
{
	if (!ms)
		return;
	while (ms->head) {
		struct bchunk *c = ms->head;

		ms->head = c->next;
		free(c);
	}
	free(ms->m);
	free(ms->buf);
	free(ms);
}

/* Keep the bytes of every kept member, and of the member being read unless
 * it outgrew the limit; free the rest. Never goes back: freed is freed. */
static void update_keep(struct memberstore *ms)
{
	uint64_t from = ms->c_total;

	if (ms->c_total - ms->last_end <= ms->max_member)
		from = ms->last_end;
	if (ms->n && ms->m[0].c_start < from)
		from = ms->m[0].c_start;
	if (from > ms->keep_from)
		ms->keep_from = from;
	while (ms->head && ms->head->off + ms->head->len <= ms->keep_from) {
		struct bchunk *c = ms->head;

		ms->head = c->next;
		if (!ms->head)
			ms->tail = NULL;
		free(c);
	}
}

void memberstore_add_bytes(struct memberstore *ms, const void *buf, size_t len)
{
	struct bchunk *c;

	if (!len)
		return;
	c = xmalloc(sizeof(*c) + len);
	c->next = NULL;
	c->off = ms->c_total;
	c->len = len;
	memcpy(c->data, buf, len);
	if (ms->tail)
		ms->tail->next = c;
	else
		ms->head = c;
	ms->tail = c;
	ms->c_total += len;
	update_keep(ms);
}

void memberstore_member(struct memberstore *ms, uint64_t c_start, uint64_t c_end,
			uint64_t u_start, uint64_t u_end)
{
	ms->last_end = c_end;
	ms->last_u_end = u_end;
	/* Only whole members whose bytes are all still here. */
	if (c_end - c_start <= ms->max_member && u_end - u_start <= ms->max_span &&
	    c_start >= ms->keep_from) {
		if (ms->n == ms->cap) {
			ms->cap = ms->cap ? 2 * ms->cap : 16;
			ms->m = xrealloc(ms->m, ms->cap * sizeof(*ms->m));
		}
		ms->m[ms->n++] = (struct member){ c_start, c_end, u_start, u_end };
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
	size_t len = (size_t)(m->c_end - m->c_start), got = 0;

	if (len > ms->buf_cap) {
		ms->buf = xrealloc(ms->buf, len);
		ms->buf_cap = len;
	}
	for (struct bchunk *c = ms->head; c && got < len; c = c->next) {
		uint64_t want = m->c_start + got;

		if (c->off + c->len <= want)
			continue;
		if (c->off > want)
			return NULL;
		size_t from = (size_t)(want - c->off);
		size_t k = c->len - from < len - got ? c->len - from : len - got;

		memcpy(ms->buf + got, c->data + from, k);
		got += k;
	}
	return got == len ? ms->buf : NULL;
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
	if (ms->last_u_end >= from && ms->last_u_end < upto &&
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
	update_keep(ms);
}
