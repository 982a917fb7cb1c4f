// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/tar/paxhdr.h"

int64_t tarhdr_size(const unsigned char *blk)
{
	const unsigned char *f = blk + TARHDR_SIZE;
	int64_t v = 0;
	int i = 0;

	if (f[0] & 0x80) {
		/* base-256, big-endian, the top bit only marks the encoding */
		if (f[0] != 0x80)
			return -1;
		for (i = 1; i < 12; i++) {
			if (v > (INT64_MAX >> 8))
				return -1;
			v = (v << 8) | f[i];
		}
		return v;
	}
	while (i < 12 && (f[i] == ' ' || f[i] == '\0'))
		i++;
	for (; i < 12 && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (f[i] - '0');
	for (; i < 12; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return v;
}

/* The checksum field counts as 8 spaces. A plain sum of the block first:
 * the compiler vectorises it (every header of a rewrite is checked). */
static unsigned long checksum(const unsigned char *blk)
{
	unsigned long sum = 0;

	for (int i = 0; i < TAR_BLOCK; i++)
		sum += blk[i];
	for (int i = TARHDR_CHKSUM; i < TARHDR_CHKSUM + 8; i++)
		sum -= blk[i];
	return sum + 8 * ' ';
}

bool tarhdr_checksum_ok(const unsigned char *blk)
{
	const unsigned char *f = blk + TARHDR_CHKSUM;
	unsigned long want = 0;
	int i = 0, digits = 0;

	while (i < 8 && (f[i] == ' ' || f[i] == '\0'))
		i++;
	for (; i < 8 && f[i] >= '0' && f[i] <= '7'; i++, digits++)
		want = want * 8 + (unsigned long)(f[i] - '0');
	return digits > 0 && want == checksum(blk);
}

void tarhdr_set_checksum(unsigned char *blk)
{
	char buf[9];

	/* "%06o\0 ", as GNU tar and libarchive write it. */
	snprintf(buf, sizeof(buf), "%06lo", checksum(blk) & 0777777);
	memcpy(blk + TARHDR_CHKSUM, buf, 6);
	blk[TARHDR_CHKSUM + 6] = '\0';
	blk[TARHDR_CHKSUM + 7] = ' ';
}

void tarhdr_set_size(unsigned char *blk, uint64_t size)
{
	char buf[13];

	snprintf(buf, sizeof(buf), "%011llo", (unsigned long long)size);
	memcpy(blk + TARHDR_SIZE, buf, 12);
	tarhdr_set_checksum(blk);
}

int paxhdr_parse(const unsigned char *data, size_t len, struct paxhdr *h, struct act_err *err)
{
	size_t p = 0;

	memset(h, 0, sizeof(*h));
	while (p < len) {
		size_t reclen = 0, q = p, k;
		const unsigned char *eq;

		/* Trailing NUL padding ends the records, as for GNU tar. */
		if (data[p] == '\0')
			break;
		while (q < len && data[q] >= '0' && data[q] <= '9' && q - p < 20) {
			/* Longer than what is left: stop before reclen wraps. */
			if (reclen > (len - p) / 10)
				goto bad;
			reclen = reclen * 10 + (size_t)(data[q++] - '0');
		}
		if (q == p || q >= len || data[q] != ' ' || reclen <= q - p + 1 ||
		    reclen > len - p || data[p + reclen - 1] != '\n')
			goto bad;
		k = q + 1;
		eq = memchr(data + k, '=', p + reclen - 1 - k);
		if (!eq || eq == data + k || memchr(data + k, '\0', (size_t)(eq - (data + k))))
			goto bad;
		h->r = xrealloc(h->r, (h->n + 1) * sizeof(*h->r));
		h->r[h->n].key = xstrndup((const char *)data + k, (size_t)(eq - (data + k)));
		h->r[h->n].len = p + reclen - 1 - (size_t)(eq + 1 - data);
		h->r[h->n].value = xmalloc(h->r[h->n].len + 1);
		memcpy(h->r[h->n].value, eq + 1, h->r[h->n].len);
		h->r[h->n].value[h->r[h->n].len] = '\0';
		h->n++;
		p += reclen;
	}
	return 0;
bad:
	paxhdr_done(h);
	return act_err_set(err, EINVAL, "malformed pax extended header record at byte %zu", p);
}

const struct pax_record *paxhdr_get(const struct paxhdr *h, const char *key)
{
	for (size_t i = 0; i < h->n; i++)
		if (streq(h->r[i].key, key))
			return &h->r[i];
	return NULL;
}

static void drop(struct paxhdr *h, size_t i)
{
	free(h->r[i].key);
	free(h->r[i].value);
	memmove(h->r + i, h->r + i + 1, (h->n - i - 1) * sizeof(*h->r));
	h->n--;
}

void paxhdr_remove(struct paxhdr *h, const char *key)
{
	for (size_t i = h->n; i-- > 0;)
		if (streq(h->r[i].key, key))
			drop(h, i);
}

void paxhdr_set(struct paxhdr *h, const char *key, const void *value, size_t len)
{
	size_t first = h->n;

	for (size_t i = h->n; i-- > 0;) {
		if (!streq(h->r[i].key, key))
			continue;
		if (first != h->n)
			drop(h, first);
		first = i;
	}
	if (first == h->n) {
		h->r = xrealloc(h->r, (h->n + 1) * sizeof(*h->r));
		h->r[h->n].key = xstrdup(key);
		h->n++;
	} else {
		free(h->r[first].value);
	}
	h->r[first].value = xmalloc(len + 1);
	if (len)
		memcpy(h->r[first].value, value, len);
	h->r[first].value[len] = '\0';
	h->r[first].len = len;
}

unsigned char *paxhdr_serialize(const struct paxhdr *h, size_t *len)
{
	size_t total = 0, p = 0;
	unsigned char *out;

	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < h->n; i++) {
			/* The length counts its own digits: grow until it fits. */
			size_t body = 1 + strlen(h->r[i].key) + 1 + h->r[i].len + 1;
			size_t rec = body + 1;
			char num[24];

			while ((size_t)snprintf(num, sizeof(num), "%zu", rec) + body != rec)
				rec = (size_t)snprintf(num, sizeof(num), "%zu", rec) + body;
			if (pass == 0) {
				total += rec;
				continue;
			}
			p += (size_t)sprintf((char *)out + p, "%zu %s=", rec, h->r[i].key);
			memcpy(out + p, h->r[i].value, h->r[i].len);
			p += h->r[i].len;
			out[p++] = '\n';
		}
		if (pass == 0)
			out = xmalloc(total + 1);
	}
	*len = total;
	return out;
}

void paxhdr_done(struct paxhdr *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->r[i].key);
		free(h->r[i].value);
	}
	free(h->r);
	memset(h, 0, sizeof(*h));
}

void paxhdr_make_block(const unsigned char *main, uint64_t size, unsigned char *blk)
{
	char name[101], full[256 + 100 + 16];
	const char *base, *slash;
	size_t n;

	memset(blk, 0, TAR_BLOCK);
	/* The entry's own name (without a ustar prefix: good enough for a
	 * name nobody extracts) cut to fit, under PaxHeaders/. */
	memcpy(name, main + TARHDR_NAME, 100);
	name[100] = '\0';
	n = strlen(name);
	while (n > 0 && name[n - 1] == '/')
		name[--n] = '\0';
	slash = strrchr(name, '/');
	base = slash ? slash + 1 : name;
	if (slash)
		snprintf(full, sizeof(full), "%.*s/PaxHeaders/%s", (int)(slash - name), name, base);
	else
		snprintf(full, sizeof(full), "PaxHeaders/%s", base);
	memcpy(blk + TARHDR_NAME, full, strnlen(full, 99));
	memcpy(blk + TARHDR_MODE, "0000644", 8);
	memcpy(blk + TARHDR_UID, main + TARHDR_UID, 8);
	memcpy(blk + TARHDR_GID, main + TARHDR_GID, 8);
	memcpy(blk + TARHDR_MTIME, main + TARHDR_MTIME, 12);
	blk[TARHDR_TYPEFLAG] = 'x';
	memcpy(blk + TARHDR_MAGIC, "ustar\0" "00", 8);
	memcpy(blk + TARHDR_UNAME, main + TARHDR_UNAME, 32);
	memcpy(blk + TARHDR_GNAME, main + TARHDR_GNAME, 32);
	tarhdr_set_size(blk, size);
}
