/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/io/sink.h"
#include "common/io/source.h"
#include "common/tar/tarstream.h"

/* A manifest is a small JSON document; anything larger is not one. */
#define ACI_MANIFEST_MAX (1024 * 1024)

/* Why an entry named manifest cannot be the manifest ("a directory", "a
 * symlink", ...): the spec wants a regular file. NULL when it can. */
struct archive_entry;
const char *aci_manifest_entry_fault(struct archive_entry *e);

/*
 * Read the image's manifest, stopping as soon as it is found (the rest of the
 * image is not read, so a second manifest further on goes unseen). A manifest
 * over max bytes (ACI_MANIFEST_MAX for every verb but an explicit override)
 * is refused before its data is read: EFBIG.
 */
int aci_read_manifest(struct source *src, size_t max, char **text, size_t *len,
		      struct act_err *err);

/*
 * An edit applied in one pass over an image. Every hook is optional.
 */
struct aci_edit {
	/* The manifest's bytes; set *out (malloc'd) to replace them, or leave
	 * it NULL to keep the entry as it is. Called with manifest_ctx. */
	int (*manifest)(void *ctx, const char *text, size_t len, char **out,
			size_t *out_len, struct act_err *err);
	/* The manifest hook replaces the manifest whole: the old one is not
	 * read (text NULL), so that an oversize one can be replaced too. */
	bool manifest_unread;
	/* Every other entry; may replace it through tarstream_replace*(). */
	int (*entry)(void *ctx, struct tarstream *ts, struct archive_entry *e,
		     struct act_err *err);
	/* After the last entry, before the end of the archive: entries to
	 * append (tarstream_insert). */
	int (*tail)(void *ctx, struct tarstream *ts, struct act_err *err);
	/* After the last entry, with the (possibly edited) manifest. */
	int (*done)(void *ctx, const char *manifest, size_t len, struct act_err *err);
	/* After a pass: true if the image must be rewritten once more (an
	 * edit found it had to change an entry already written), and the
	 * hook to reset for that pass. */
	bool (*again)(void *ctx);
	void (*rewind)(void *ctx);
	/* Where there can be no second pass (a pipe in, or standard output
	 * out, which cannot be written twice), called before the pass: with
	 * src, the input opened once more, to read through (read only) for
	 * what the pass would find too late; with src NULL (a pipe in), to
	 * make what needs a second pass an error at once, before the image is
	 * written whole. */
	int (*prepare)(void *ctx, struct source *src, struct act_err *err);
	/* Whether the entry hook may still edit an entry further on (a file
	 * named not reached yet), or the tail hook append: the output's
	 * compressor then prepares for it (sink_expect_edits). */
	bool (*pending)(void *ctx);
	void *ctx;
	void *manifest_ctx;
	/* After each entry: entries done, input bytes read (compressed). */
	void (*progress)(void *ctx, uint64_t entries, uint64_t in_bytes);
	void *progress_ctx;
};

/*
 * Copy the image from src to out applying edit. Exactly one manifest, a
 * regular file, must be present. out is not finished here.
 */
int aci_rewrite(struct source *src, struct sink *out, const struct aci_edit *edit,
		struct act_err *err);
