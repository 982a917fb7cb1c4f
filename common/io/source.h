/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "common/codec/compression.h"
#include "common/base/err.h"

/*
 * An image's bytes as an uncompressed tar stream. The codec is chosen from the
 * magic bytes; anything that is not a tar, gzip, bzip2 or xz stream is refused
 * here, before the tar layer sees it. Decompression is a layer of its own so
 * that faster codecs can replace it without touching the tar layer.
 */
struct source;

/*
 * What a file's first bytes (up to 512) look like: an image source_open
 * reads (tar, or tar in one of the codecs), text, or other data (another
 * archive or codec, binary). For guessing what a user named.
 */
enum source_kind { SOURCE_KIND_IMAGE, SOURCE_KIND_TEXT, SOURCE_KIND_OTHER };
enum source_kind source_guess(const unsigned char *b, size_t n);

/* path "-" reads standard input. */
struct source *source_open(const char *path, struct act_err *err);
/* The same, for an OCI image layer: zstd is read too (libarchive's codec);
 * off >= 0 reads the len bytes of the file from off on (a layer inside a
 * docker-archive), as if they were all of it. */
struct source *source_open_layer(const char *path, int64_t off, int64_t len,
				 struct act_err *err);
void source_free(struct source *src);

/* Read up to len decompressed bytes: > 0 bytes read, 0 at the end, -1 on error. */
ssize_t source_read(struct source *src, void *buf, size_t len, struct act_err *err);
/* Have fn see every byte source_read returns (the image ID of what is
 * read, say); skipping is then off. Call before the first read. */
void source_tee(struct source *src, void (*fn)(void *ctx, const void *buf, size_t len),
		void *ctx);
/* Skip n bytes where the input allows it cheaply (plain tar in a regular file);
 * returns the bytes skipped (possibly 0: the caller then reads them). */
int64_t source_skip(struct source *src, int64_t n);
/* Whether source_skip may skip at all (plain tar in a regular file). */
bool source_can_skip(const struct source *src);
/* The input's file descriptor: after source_skip(n) skipped n bytes from
 * stream offset o, they are in it at source_file_offset(o) (plain tar only:
 * stdin may be a file read from the middle). */
int source_fd(const struct source *src);
/* A regular file that changed since it was opened (size, mtime or ctime):
 * what was copied from it by offset may not be what was read. */
int source_check_unchanged(const struct source *src, struct act_err *err);
int64_t source_file_offset(const struct source *src, int64_t off);

/*
 * Keep the input's gzip members or xz blocks (up to max_member compressed
 * bytes each) for copying to the output as they are; call before the first
 * read. NULL when the input is not gzip or xz decoded by acitool's own
 * decoders.
 */
struct memberstore;
struct memberstore *source_keep_members(struct source *src, size_t max_member,
					 uint64_t max_span);

/*
 * Have fn told of each gzip member's spans as the decoder finishes it (see
 * gzdec_member_fn); call before the first read. False when the input is not
 * gzip decoded by acitool's own decoder, or not a regular file that can be
 * read again by offset.
 */
bool source_observe_gzip(struct source *src, void (*fn)(void *ctx, uint64_t c_start,
		uint64_t c_end, uint64_t u_start, uint64_t u_end), void *ctx);

/*
 * Have fn told of each bzip2 block as its bytes start to be handed out (see
 * bzdec_block_fn); call before the first read. False when the input is not
 * bzip2 decoded by acitool's own decoder, or not a regular file.
 */
struct bzblock;
bool source_observe_bzip2(struct source *src, void (*fn)(void *ctx, const struct bzblock *b),
			  void *ctx);

enum act_compression source_compression(const struct source *src);
const char *source_path(const struct source *src);
/* The wall-clock time just before source_stat's status was read. */
struct timespec source_opened(const struct source *src);
/* The input file's status; st_mode is 0 for a pipe or terminal on stdin. */
const struct stat *source_stat(const struct source *src);
/* True when ACITOOL_CODEC=libarchive asks for libarchive's codecs only. */
bool codec_fallback(void);
/* Compressed bytes consumed so far (for progress and measurement). */
uint64_t source_bytes_read(const struct source *src);
