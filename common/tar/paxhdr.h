/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"

/*
 * Raw tar header blocks and pax extended header records, for editing one
 * entry's header in place: everything not edited keeps its exact bytes, pax
 * records libarchive does not model included. libarchive reads and writes
 * whole entries; it has no call to change one record of a header.
 */
#define TAR_BLOCK 512

/* Field offsets of a ustar header block (POSIX.1-1988). */
enum {
	TARHDR_NAME = 0,
	TARHDR_MODE = 100,
	TARHDR_UID = 108,
	TARHDR_GID = 116,
	TARHDR_SIZE = 124,
	TARHDR_MTIME = 136,
	TARHDR_CHKSUM = 148,
	TARHDR_TYPEFLAG = 156,
	TARHDR_MAGIC = 257,
	TARHDR_UNAME = 265,
	TARHDR_GNAME = 297,
};

/* The size field: octal or base-256; -1 if unreadable. */
int64_t tarhdr_size(const unsigned char *blk);
bool tarhdr_checksum_ok(const unsigned char *blk);
/* Store size in octal (callers keep sizes under 8 GiB) and fix the checksum. */
void tarhdr_set_size(unsigned char *blk, uint64_t size);
void tarhdr_set_checksum(unsigned char *blk);
/* Blocks taken by size bytes of data. */
static inline uint64_t tar_blocks(uint64_t size)
{
	return (size + TAR_BLOCK - 1) / TAR_BLOCK;
}

struct pax_record {
	char *key;
	unsigned char *value; /* binary-safe */
	size_t len;
};

struct paxhdr {
	struct pax_record *r;
	size_t n;
};

/* Parse the data of a pax extended header ("LEN KEY=VALUE\n" records). */
int paxhdr_parse(const unsigned char *data, size_t len, struct paxhdr *h, struct act_err *err);
/* Replace the first record of key (dropping any others), or append one. */
void paxhdr_set(struct paxhdr *h, const char *key, const void *value, size_t len);
void paxhdr_remove(struct paxhdr *h, const char *key);
const struct pax_record *paxhdr_get(const struct paxhdr *h, const char *key);
/* The records serialised, in order; malloc'd. */
unsigned char *paxhdr_serialize(const struct paxhdr *h, size_t *len);
void paxhdr_done(struct paxhdr *h);

/*
 * A new pax extended header block for the entry whose ustar header is main:
 * named "<dir>/PaxHeaders/<base>" as GNU tar names them, with main's owner and
 * mtime, for size bytes of records.
 */
void paxhdr_make_block(const unsigned char *main, uint64_t size, unsigned char *blk);
