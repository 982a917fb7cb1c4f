// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/image/aci.h"
#include "common/image/layout.h"
#include "common/image/whitelist.h"
#include "common/json/json.h"
#include "common/manifest/manifest.h"
#include "common/oci/ocilayer.h"
#include "common/tar/entrypath.h"
#include "common/tar/tarstream.h"

/* Whether a component of name starts ".wh.": a whiteout in a layer. */
static bool whiteout(const char *name)
{
	for (const char *p = name; p; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (strncmp(p, ".wh.", 4) == 0)
			return true;
	}
	return false;
}

/* A revision 3 security.capability: 24 bytes, magic 0x03000000. */
static bool caps_v3(struct archive_entry *e)
{
	const char *name;
	const void *value;
	size_t len;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &len) == ARCHIVE_OK)
		if (streq(name, "security.capability") && len == 24 &&
		    ((const unsigned char *)value)[3] == 3)
			return true;
	return false;
}

static int entry(struct paxwriter *pw, struct source *src, struct tarstream *ts,
		 struct archive_entry *e, const char *name, struct ocilayer_result *res,
		 struct act_err *err)
{
	const char *link = archive_entry_hardlink(e);
	struct archive_entry *h;
	int k;

	if (whiteout(name))
		return act_err_set(err, EINVAL, "%s: '%s': a name starting with '.wh.' is a "
				   "whiteout in an OCI layer", source_path(src), name);
	h = archive_entry_clone(e);
	archive_entry_copy_pathname(h, streq(name, "rootfs") ? "./" : name + strlen("rootfs/"));
	if (link) {
		_cleanup_free_ char *target = entrypath_clean(link, &(bool){ false });

		archive_entry_copy_hardlink(h, target + strlen("rootfs/"));
	}
	if (archive_entry_sparse_count(h) > 0) {
		archive_entry_sparse_clear(h);
		res->sparse++;
	}
	if (caps_v3(h))
		res->caps_v3++;
	k = paxwriter_put(pw, h, ts, name, err);
	archive_entry_free(h);
	if (k == 0)
		res->entries++;
	return k < 0 ? -1 : 0;
}

int ocilayer_write(struct source *src, struct paxwriter *pw, struct ocilayer_result *res,
		   struct act_err *err)
{
	struct tarstream *ts = tarstream_open(src, NULL, err);
	struct layout *layout = layout_new();
	struct whitelist wl = { 0 };
	bool have_wl = false, written = false;
	struct archive_entry *e;
	int k = -1;

	*res = (struct ocilayer_result){ 0 };
	if (!ts)
		goto out;
	while ((k = tarstream_next(ts, &e, err)) > 0) {
		const char *name = tarstream_name(ts);
		bool dir = archive_entry_filetype(e) == AE_IFDIR && !archive_entry_hardlink(e);

		if (layout_check(layout, e, name, tarstream_name_escapes(ts), err) < 0) {
			act_err_wrap(err, "%s", source_path(src));
			k = -1;
			break;
		}
		if (streq(name, "manifest")) {
			if (tarstream_read_data(ts, ACI_MANIFEST_MAX, &res->manifest, &res->mlen,
						err) < 0 ||
			    manifest_check(res->manifest, res->mlen, err) < 0) {
				act_err_wrap(err, "%s: invalid manifest", source_path(src));
				k = -1;
				break;
			}
			if (manifest_has_dependencies(res->manifest, res->mlen)) {
				k = act_err_set(err, EINVAL, "%s: the image has dependencies: 'acitool "
						"render --flatten' makes one without, to export",
						source_path(src));
				break;
			}
			have_wl = whitelist_of(res->manifest, res->mlen, &wl);
			if (have_wl && written) {
				k = act_err_set(err, EINVAL, "%s: the manifest, which has a "
						"pathWhitelist, comes after the rootfs: 'acitool render "
						"--flatten' applies it first", source_path(src));
				break;
			}
			continue;
		}
		if (have_wl && !whitelist_allows(&wl, name, dir)) {
			res->filtered++;
			continue;
		}
		written = true;
		if ((k = entry(pw, src, ts, e, name, res, err)) < 0)
			break;
	}
	if (k == 0 && !res->manifest)
		k = act_err_set(err, ENOENT, "%s: no manifest in the image", source_path(src));
out:
	whitelist_free(&wl);
	layout_free(layout);
	tarstream_free(ts);
	return k < 0 ? -1 : 0;
}
