// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "common/image/aci.h"
#include "common/image/layout.h"
#include "common/base/macro.h"

static bool is_manifest(struct tarstream *ts)
{
	return !tarstream_name_escapes(ts) && streq(tarstream_name(ts), "manifest");
}

const char *aci_manifest_entry_fault(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "a hardlink";
	if (archive_entry_filetype(e) == AE_IFDIR)
		return "a directory";
	if (archive_entry_filetype(e) == AE_IFLNK)
		return "a symlink";
	if (archive_entry_filetype(e) != AE_IFREG)
		return "not a regular file";
	return NULL;
}

/* max: the manifest will be read, so it must fit that limit (0: not read). */
static int check_manifest_entry(struct source *src, struct archive_entry *e, size_t max,
				struct act_err *err)
{
	const char *what = aci_manifest_entry_fault(e);

	if (what)
		return act_err_set(err, EINVAL, "%s: the manifest entry is %s",
				   source_path(src), what);
	if (max && archive_entry_size(e) >= 0 && (uint64_t)archive_entry_size(e) > max)
		return act_err_set(err, EFBIG, "%s: the manifest is %lld bytes, over the limit of %zu",
				   source_path(src), (long long)archive_entry_size(e), max);
	return 0;
}

int aci_read_manifest(struct source *src, size_t max, char **text, size_t *len,
		      struct act_err *err)
{
	struct tarstream *ts = tarstream_open(src, NULL, err);
	struct archive_entry *e;
	int r;

	if (!ts)
		return -1;
	while ((r = tarstream_next(ts, &e, err)) > 0) {
		if (!is_manifest(ts))
			continue;
		if (check_manifest_entry(src, e, max, err) < 0 ||
		    tarstream_read_data(ts, max, text, len, err) < 0)
			r = -1;
		break;
	}
	tarstream_free(ts);
	if (r == 0)
		return act_err_set(err, ENOENT, "%s: no manifest in the image", source_path(src));
	return r < 0 ? -1 : 0;
}

int aci_rewrite(struct source *src, struct sink *out, const struct aci_edit *edit,
		struct act_err *err)
{
	struct tarstream *ts = tarstream_open(src, out, err);
	struct layout *layout = layout_new();
	struct archive_entry *e;
	char *manifest = NULL, *repl = NULL;
	size_t mlen = 0, rlen = 0;
	int r, seen = 0;

	if (!ts) {
		layout_free(layout);
		return -1;
	}
	for (;;) {
		/* The manifest is edited where it is found, if it is. */
		sink_expect_edits(out, (edit->manifest && !seen) ||
				  (edit->pending && edit->pending(edit->ctx)));
		if ((r = tarstream_next(ts, &e, err)) <= 0)
			break;
		if (edit->progress)
			edit->progress(edit->progress_ctx, (uint64_t)tarstream_index(ts),
				       source_bytes_read(src));
		if (!is_manifest(ts)) {
			/* (Two manifests are caught below, with their own message.) */
			if (layout_check(layout, e, tarstream_name(ts), tarstream_name_escapes(ts),
					 err) < 0) {
				act_err_wrap(err, "%s", source_path(src));
				goto fail;
			}
			if (edit->entry && edit->entry(edit->ctx, ts, e, err) < 0)
				goto fail;
			continue;
		}
		if (++seen > 1) {
			act_err_set(err, EINVAL, "%s: two manifest entries (entry %lld is the second)",
				    source_path(src), (long long)tarstream_index(ts));
			goto fail;
		}
		/* A manifest replaced whole is not read: any size will do. */
		size_t max = edit->manifest_unread ? 0 : ACI_MANIFEST_MAX;

		if (check_manifest_entry(src, e, max, err) < 0 ||
		    (!edit->manifest_unread &&
		     tarstream_read_data(ts, ACI_MANIFEST_MAX, &manifest, &mlen, err) < 0))
			goto fail;
		if (edit->manifest &&
		    edit->manifest(edit->manifest_ctx, manifest, mlen, &repl, &rlen, err) < 0)
			goto fail;
		if (repl) {
			/* The header stays as it was but for the size (as actool
			 * does); libarchive re-serialises headers of other shapes. */
			r = tarstream_edit_header(ts, NULL, 0, repl, rlen, true, err);
			if (r == 0) {
				struct archive_entry *hdr = archive_entry_clone(e);

				r = tarstream_replace(ts, hdr, repl, rlen, err);
				archive_entry_free(hdr);
			}
			if (r < 0)
				goto fail;
			free(manifest);
			manifest = steal_ptr(&repl);
			mlen = rlen;
		}
	}
	if (r < 0)
		goto fail;
	if (!seen) {
		act_err_set(err, ENOENT, "%s: no manifest in the image", source_path(src));
		goto fail;
	}
	if (edit->tail && edit->tail(edit->ctx, ts, err) < 0)
		goto fail;
	if (edit->done && edit->done(edit->ctx, manifest, mlen, err) < 0) {
		struct act_err end = { 0 };

		/* A broken image is the first thing to say. */
		if (tarstream_check_end(ts, &end) < 0)
			*err = end;
		goto fail;
	}
	/* Only once every check has passed. */
	if (tarstream_finish(ts, err) < 0)
		goto fail;
	free(manifest);
	layout_free(layout);
	tarstream_free(ts);
	return 0;
fail:
	free(manifest);
	free(repl);
	layout_free(layout);
	tarstream_free(ts);
	return -1;
}
