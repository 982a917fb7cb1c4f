/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/io/sink.h"
#include "common/io/source.h"

/*
 * The rewrite engine. libarchive parses the tar stream and reports where each
 * entry's header starts; every entry the caller does not replace is copied to
 * the sink as the raw bytes it had in the input (pax and GNU headers, sparse
 * maps, unknown records and all). Only replaced entries are serialised anew,
 * as pax with SCHILY.xattr records. So the output differs from the input only
 * where an edit was asked for.
 *
 * With a NULL sink the stream is read-only: nothing is retained, entry data is
 * skipped (seeked over where the input allows), and the caller may stop early.
 */
struct tarstream;

struct tarstream *tarstream_open(struct source *src, struct sink *out, struct act_err *err);
void tarstream_free(struct tarstream *ts);

/*
 * Move to the next entry: 1 and *entry set, 0 at the end of the archive, -1 on
 * error. Any libarchive warning is an error: libarchive drops what it cannot
 * parse (xattrs among them) with only a warning.
 */
int tarstream_next(struct tarstream *ts, struct archive_entry **entry, struct act_err *err);

/*
 * In a rewrite, after tarstream_next() gave 0: check the end-of-archive
 * marker (present, nothing but zeros after it) and copy it. Apart, so that
 * a rewrite that fails after the last entry (a check of the whole image)
 * never writes the marker: a reader of what went out sees a cut archive,
 * not a whole image. Nothing to do in a read-only pass.
 */
int tarstream_finish(struct tarstream *ts, struct act_err *err);
/* The same check, the marker dropped, not copied: for a rewrite that fails
 * anyway, so that a broken end is reported as the image's fault first. */
int tarstream_check_end(struct tarstream *ts, struct act_err *err);

/* The current entry's name, cleaned for matching (see entrypath.h). */
const char *tarstream_name(const struct tarstream *ts);
bool tarstream_name_escapes(const struct tarstream *ts);
/* 1-based index of the current entry. */
int64_t tarstream_index(const struct tarstream *ts);
/* Where the current entry's data starts in the uncompressed stream: valid
 * after tarstream_next, before the data is read (a plain entry's data is
 * then its size in bytes from there). */
int64_t tarstream_data_offset(struct tarstream *ts);

/* Read the current entry's data into memory; more than max bytes is an error. */
int tarstream_read_data(struct tarstream *ts, size_t max, char **buf, size_t *len,
			struct act_err *err);

/* The current entry's data block by block: 1 with *buf and *len holding the
 * bytes at *offset (a sparse entry's holes are skipped), 0 after the last
 * block, -1 on error. */
int tarstream_read_block(struct tarstream *ts, const void **buf, size_t *len,
			 int64_t *offset, struct act_err *err);

/* Replace the current entry by hdr with the given data (hdr's size is set to
 * len). Its xattrs are written once per name, sorted. */
int tarstream_replace(struct tarstream *ts, struct archive_entry *hdr, const void *data,
		      size_t len, struct act_err *err);

/* Replace the current entry's header by hdr, streaming its data from the
 * input (holes in sparse entries included). */
int tarstream_replace_header(struct tarstream *ts, struct archive_entry *hdr,
			     struct act_err *err);

/* Drop the current entry: nothing of it goes out. */
int tarstream_drop(struct tarstream *ts, struct act_err *err);
/*
 * A writer for new entries, which go out before the current entry (or, once
 * tarstream_next() gave 0, before the end-of-archive marker), each written
 * whole with archive_write_header/data/finish_entry: pax, xattrs as
 * SCHILY records. NULL with err set on failure. tarstream_insert_error
 * fills err for a failed write (the output's own error, a full disk).
 */
struct archive *tarstream_insert(struct tarstream *ts, struct act_err *err);
int tarstream_insert_error(struct tarstream *ts, const char *what, struct act_err *err);
/*
 * Edit the current entry's headers in place: set (value non-NULL) or remove
 * pax records, and with new_data replace its data by data/len. Every other
 * byte of the entry (other pax records, GNU long names, the ustar header but
 * for its size, the data when kept) is copied as it was. Returns 1 when done,
 * 0 when the entry's headers are of a shape not edited in place (the caller
 * then uses tarstream_replace*), -1 on error.
 */
struct tarstream_pax_change {
	const char *key;
	const void *value; /* NULL: remove the record */
	size_t len;
};
int tarstream_edit_header(struct tarstream *ts, const struct tarstream_pax_change *ch,
			  size_t n, const void *data, size_t len, bool new_data,
			  struct act_err *err);
