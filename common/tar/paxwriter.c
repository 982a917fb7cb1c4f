// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>

#include "common/tar/entrypath.h"
#include "common/tar/paxwriter.h"
#include "common/tar/tarstream.h"

static la_ssize_t write_cb(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct paxwriter *pw = ctx;

	if (pw->discard)
		return (la_ssize_t)len;
	if (pw->tap)
		pw->tap(pw->tap_ctx, buf, len);
	if (sink_write(pw->out, buf, len, &pw->werr) < 0) {
		archive_set_error(a, pw->werr.code, "%s", pw->werr.msg);
		return -1;
	}
	return (la_ssize_t)len;
}

int paxwriter_open(struct paxwriter *pw, struct sink *out, struct act_err *err)
{
	*pw = (struct paxwriter){ .out = out, .aw = archive_write_new() };
	if (archive_write_set_format_pax(pw->aw) != ARCHIVE_OK ||
	    archive_write_set_format_option(pw->aw, "pax", "xattrheader", "SCHILY") != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(pw->aw, 0) != ARCHIVE_OK ||
	    archive_write_open(pw->aw, pw, NULL, write_cb, NULL) != ARCHIVE_OK) {
		act_err_set(err, EIO, "cannot start the tar writer: %s",
			    archive_error_string(pw->aw));
		pw->discard = true;
		archive_write_free(pw->aw);
		pw->aw = NULL;
		return -1;
	}
	return 0;
}

int paxwriter_error(struct paxwriter *pw, const char *what, struct act_err *err)
{
	if (act_err_isset(&pw->werr))
		return act_err_set(err, pw->werr.code, "%s", pw->werr.msg);
	return act_err_set(err, EIO, "%s: cannot write to the image: %s", what,
			   archive_error_string(pw->aw));
}

static int write_zeros(struct paxwriter *pw, int64_t n, const char *name, struct act_err *err)
{
	static const unsigned char zeros[64 * 1024];

	while (n > 0) {
		size_t k = n < (int64_t)sizeof(zeros) ? (size_t)n : sizeof(zeros);

		if (archive_write_data(pw->aw, zeros, k) != (la_ssize_t)k)
			return paxwriter_error(pw, name, err);
		n -= (int64_t)k;
	}
	return 0;
}

int paxwriter_copy_data(struct paxwriter *pw, struct tarstream *ts, int64_t size,
			const char *name, struct act_err *err)
{
	int64_t pos = 0, off;
	const void *buf;
	size_t len;
	int k;

	while ((k = tarstream_read_block(ts, &buf, &len, &off, err)) > 0) {
		if (write_zeros(pw, off - pos, name, err) < 0)
			return -1;
		if (len && archive_write_data(pw->aw, buf, len) != (la_ssize_t)len)
			return paxwriter_error(pw, name, err);
		pos = off + (int64_t)len;
	}
	if (k < 0)
		return -1;
	return write_zeros(pw, size - pos, name, err);
}

int paxwriter_put(struct paxwriter *pw, struct archive_entry *h, struct tarstream *ts,
		  const char *name, struct act_err *err)
{
	int k = archive_write_header(pw->aw, h);

	if (k != ARCHIVE_OK && !(k == ARCHIVE_WARN && entrypath_charset_warning(pw->aw)))
		return paxwriter_error(pw, name, err);
	if (ts && archive_entry_filetype(h) == AE_IFREG && !archive_entry_hardlink(h) &&
	    paxwriter_copy_data(pw, ts, archive_entry_size(h), name, err) < 0)
		return -1;
	if (archive_write_finish_entry(pw->aw) != ARCHIVE_OK)
		return paxwriter_error(pw, name, err);
	return 0;
}

int paxwriter_add_file(struct paxwriter *pw, const char *name, const void *data, size_t len,
		       struct act_err *err)
{
	struct archive_entry *h = archive_entry_new();
	int r = 0;

	archive_entry_copy_pathname(h, name);
	archive_entry_set_filetype(h, AE_IFREG);
	archive_entry_set_perm(h, 0644);
	archive_entry_set_size(h, (la_int64_t)len);
	if (archive_write_header(pw->aw, h) != ARCHIVE_OK ||
	    archive_write_data(pw->aw, data, len) != (la_ssize_t)len ||
	    archive_write_finish_entry(pw->aw) != ARCHIVE_OK)
		r = paxwriter_error(pw, name, err);
	archive_entry_free(h);
	return r;
}

int paxwriter_close(struct paxwriter *pw, bool ok, struct act_err *err)
{
	int r = 0;

	if (!pw->aw)
		return 0;
	if (ok && archive_write_close(pw->aw) != ARCHIVE_OK)
		r = paxwriter_error(pw, "the end of the archive", err);
	pw->discard = true;
	archive_write_free(pw->aw);
	pw->aw = NULL;
	return r;
}
