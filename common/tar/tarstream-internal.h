/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/codec/memberstore.h"
#include "common/io/sink.h"
#include "common/io/source.h"
#include "common/tar/tarstream.h"

/*
 * What the tar stream's files share (tarstream.c, the reader and the raw
 * copy; tarreplace.c, entries serialised anew; taredit.c, headers edited in
 * place; tarrecords.c, records libarchive reads without a word). Only they
 * include it: everyone else sees tarstream.h.
 */

#define CHUNK_SIZE (256 * 1024)
#define CHUNK_ALLOC (sizeof(struct chunk) + CHUNK_SIZE)
#define SPARE_CHUNKS 16
/* Retained input beyond this is settled while an entry's data streams by. */
#define SETTLE_AT (4 * CHUNK_SIZE)
/* Larger input gzip members are recompressed: memory stays bounded. */
#define MEMBER_MAX (8 * 1024 * 1024)
/* xz -T's blocks at the default preset hold 24 MiB (three dictionaries);
 * larger ones (-7 and up, or one block for the whole stream) are decoded and
 * recompressed. */
#define XZ_BLOCK_MAX (24 * 1024 * 1024)
/* Input held back beyond this waits for the compressor to give back its
 * memory first: both at once would be over the memory budget. */
#define DRAIN_AT (4 * 1024 * 1024)

/* Input bytes not yet emitted or dropped, kept in order. A hole is a span
 * skipped in a plain input file: it is copied from the file, not memory. */
struct chunk {
	struct chunk *next;
	int64_t off;
	size_t len;
	bool hole;
	unsigned char data[];
};

/* MODE_COPIED: the bytes went out inside a gzip member copied whole; they
 * still count for the output's image ID. */
enum mode { MODE_COPY, MODE_DROP, MODE_COPIED };

struct tarstream {
	struct source *src;
	struct sink *out;
	struct archive *ar;
	struct archive *aw; /* pax writer for replaced entries, made on demand */
	bool aw_discard;    /* its end-of-archive is not ours to write */
	struct act_err aw_err;

	struct memberstore *members; /* input gzip members to copy whole, or NULL */
	struct chunk *head, *tail;
	struct chunk *spare[SPARE_CHUNKS];
	size_t nspare;
	int64_t read_pos; /* input offset after the last byte handed to libarchive */
	int64_t settled;  /* input before this offset has been emitted or dropped */
	int64_t trailer_at; /* where the end-of-archive marker starts, once met */
	unsigned char *plain_buf;
	bool ranges; /* plain file in and out: copied by file offset */
	struct act_err read_err;

	enum mode mode;
	bool have_entry, data_done;
	struct archive_entry *cur;
	int64_t cur_pos;
	char *clean;
	char *shown; /* the current entry's name fit for a message, once asked */
	bool escapes;
	int64_t index;
};

/* Settle the stream up to input offset upto (tarstream.c). */
int ts_settle(struct tarstream *ts, int64_t upto, struct act_err *err);
/* Read through the current entry's data so its bytes settle as they pass. */
int ts_drain(struct tarstream *ts, struct act_err *err);
/* Input bytes libarchive has consumed. */
int64_t ts_consumed(struct tarstream *ts);
/* The current entry's name for a message: one line, escaped (quote.h). */
const char *ts_shown_name(struct tarstream *ts);
/* err from libarchive's reader, naming the current entry. */
int ts_ar_error(struct tarstream *ts, struct act_err *err, const char *what);
/* Copy len retained input bytes at offset off; false if not all retained. */
bool ts_retained_bytes(struct tarstream *ts, int64_t off, unsigned char *buf, size_t len);
bool ts_retained_block(struct tarstream *ts, int64_t off, unsigned char *blk);
/* The current entry's records, checked as it is read (tarrecords.c). */
int ts_check_xattr_values(struct tarstream *ts, struct act_err *err);
int ts_check_libarchive_xattrs(struct tarstream *ts, struct act_err *err);
