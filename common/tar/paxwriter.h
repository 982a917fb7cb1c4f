/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "common/base/err.h"
#include "common/io/sink.h"

/*
 * New tar entries onto a sink, as acitool writes them (build, render): full
 * pax, not pax_restricted (which drops sub-second mtimes unless another
 * field forces an extended header), xattrs as SCHILY records, no padding
 * after the end marker. A stream that failed gets no end marker: what went
 * out reads as a cut archive, not a whole one.
 */
struct archive;

struct paxwriter {
	struct archive *aw;
	struct sink *out;
	struct act_err werr;	/* the sink's error, from the write callback */
	bool discard;		/* failed: nothing more goes out */
	/* Set after paxwriter_open, to see every byte that goes out (a
	 * digest of the uncompressed stream). */
	void (*tap)(void *ctx, const void *buf, size_t len);
	void *tap_ctx;
};

int paxwriter_open(struct paxwriter *pw, struct sink *out, struct act_err *err);
/* err for a failed write about what (a name): the sink's own error where
 * there is one (a full disk), else libarchive's. -1. */
int paxwriter_error(struct paxwriter *pw, const char *what, struct act_err *err);
/* The current entry of ts's logical data (holes as zeros: the writer skips
 * them again by a sparse map the header keeps, or writes them when it has
 * none), size bytes, into the entry the writer has open. */
struct tarstream;
int paxwriter_copy_data(struct paxwriter *pw, struct tarstream *ts, int64_t size,
			const char *name, struct act_err *err);
/* One entry: h, then, for a regular file that is no hardlink, the data of
 * ts's current entry (as paxwriter_copy_data). A name that is not UTF-8
 * goes out as its bytes. */
struct archive_entry;
int paxwriter_put(struct paxwriter *pw, struct archive_entry *h, struct tarstream *ts,
		  const char *name, struct act_err *err);
/* A regular file of len bytes at data, mode 0644, owned by 0:0, dated 0:
 * a manifest written anew. */
int paxwriter_add_file(struct paxwriter *pw, const char *name, const void *data, size_t len,
		       struct act_err *err);
/* The end of the archive when ok, nothing more when not; then freed. */
int paxwriter_close(struct paxwriter *pw, bool ok, struct act_err *err);
