// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "common/io/imageid.h"
#include "common/base/macro.h"

/* Large blocks keep the hand-over cost (a lock, a wake-up) negligible. */
#define BLOCK_SIZE (1024 * 1024)
#define NBLOCKS 4

struct imageid {
	EVP_MD_CTX *md;
	bool md_failed;
	unsigned char *blk[NBLOCKS];
	size_t len[NBLOCKS];
	size_t fill; /* block being filled by the caller */

	/* The hashing thread, started when the first block is full. */
	bool threaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t next;   /* oldest block handed over */
	size_t queued; /* blocks handed over, not yet hashed */
	bool stop;
};

static void hash_block(struct imageid *h, size_t i)
{
	if (EVP_DigestUpdate(h->md, h->blk[i], h->len[i]) != 1)
		h->md_failed = true;
	h->len[i] = 0;
}

static void *hasher(void *arg)
{
	struct imageid *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		size_t i;

		while (!h->queued && !h->stop)
			pthread_cond_wait(&h->cond, &h->lock);
		/* Blocks handed over are hashed even when stopping: finish
		 * hands over the last one and stops at once. */
		if (!h->queued)
			break;
		i = h->next;
		pthread_mutex_unlock(&h->lock);
		hash_block(h, i);
		pthread_mutex_lock(&h->lock);
		h->next = (h->next + 1) % NBLOCKS;
		h->queued--;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

struct imageid *imageid_new(struct act_err *err)
{
	struct imageid *h = xcalloc(1, sizeof(*h));

	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	h->md = EVP_MD_CTX_new();
	if (!h->md || EVP_DigestInit_ex(h->md, EVP_sha512(), NULL) != 1) {
		imageid_free(h);
		act_err_set(err, EIO, "cannot start SHA-512 (OpenSSL)");
		return NULL;
	}
	for (size_t i = 0; i < NBLOCKS; i++)
		h->blk[i] = xmalloc(BLOCK_SIZE);
	return h;
}

/* The block being filled is full: hash it, here or on the thread. */
static void hand_over(struct imageid *h)
{
	if (!h->threaded)
		h->threaded = pthread_create(&h->thread, NULL, hasher, h) == 0;
	if (!h->threaded) {
		/* No thread to be had: hash as we go. */
		hash_block(h, h->fill);
		return;
	}
	pthread_mutex_lock(&h->lock);
	h->queued++;
	pthread_cond_broadcast(&h->cond);
	h->fill = (h->fill + 1) % NBLOCKS;
	/* Every block handed over: wait for the oldest to be hashed. */
	while (h->queued == NBLOCKS)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

void imageid_update(struct imageid *h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		size_t i = h->fill, k = BLOCK_SIZE - h->len[i];

		if (k > len)
			k = len;
		memcpy(h->blk[i] + h->len[i], p, k);
		h->len[i] += k;
		p += k;
		len -= k;
		if (h->len[i] == BLOCK_SIZE)
			hand_over(h);
	}
}

static void stop_thread(struct imageid *h)
{
	if (!h->threaded)
		return;
	pthread_mutex_lock(&h->lock);
	h->stop = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	h->threaded = false;
}

int imageid_finish(struct imageid *h, char id[IMAGEID_LEN + 1], struct act_err *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	char *p = id;

	stop_thread(h);
	/* The thread has hashed every block handed over; this one is last. */
	if (h->len[h->fill])
		hash_block(h, h->fill);
	if (h->md_failed || EVP_DigestFinal_ex(h->md, d, &dlen) != 1 || dlen != 64)
		return act_err_set(err, EIO, "SHA-512 (OpenSSL) failed");
	memcpy(p, "sha512-", 7);
	p += 7;
	for (unsigned int i = 0; i < dlen; i++) {
		*p++ = hex[d[i] >> 4];
		*p++ = hex[d[i] & 15];
	}
	*p = '\0';
	return 0;
}

void imageid_free(struct imageid *h)
{
	if (!h)
		return;
	stop_thread(h);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->cond);
	for (size_t i = 0; i < NBLOCKS; i++)
		free(h->blk[i]);
	EVP_MD_CTX_free(h->md);
	free(h);
}
