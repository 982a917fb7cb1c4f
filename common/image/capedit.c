// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/image/capedit.h"
#include "common/caps/capname.h"
#include "common/tar/entrypath.h"
#include "common/tar/entryxattr.h"
#include "common/base/macro.h"
#include "common/base/quote.h"
#include "common/manifest/manifest.h"

#define XATTR_CAPS "security.capability"

int capedit_add(struct capedit *ce, const char *path, const char *captext, int64_t rootid,
		struct act_err *err)
{
	struct capedit_target t = { .op = captext ? CAPEDIT_SET : CAPEDIT_REMOVE };
	_cleanup_free_ char *shown = quote_name(path);

	t.entry = entrypath_from_user(path);
	if (!t.entry)
		return act_err_set(err, EINVAL, "'%s': not a path to a file inside rootfs/", shown);
	for (size_t i = 0; i < ce->n; i++) {
		if (streq(ce->targets[i].entry, t.entry)) {
			act_err_set(err, EINVAL, "'%s' is named twice ('%s')", shown,
				    ce->targets[i].path);
			free(t.entry);
			return -1;
		}
	}
	if (captext) {
		if (filecap_from_text(captext, &t.caps, err) < 0) {
			free(t.entry);
			return act_err_wrap(err, "'%s'", shown);
		}
		if (rootid >= 0) {
			if (rootid > UINT32_MAX) {
				free(t.entry);
				return act_err_set(err, EINVAL, "rootid %lld is out of range",
						   (long long)rootid);
			}
			t.caps.version = 3;
			t.caps.rootid = (uint32_t)rootid;
		}
		t.len = filecap_encode(&t.caps, t.value);
	}
	t.path = steal_ptr(&shown);
	ce->targets = xrealloc(ce->targets, (ce->n + 1) * sizeof(*ce->targets));
	ce->targets[ce->n++] = t;
	return 0;
}

void capedit_done(struct capedit *ce)
{
	for (size_t i = 0; i < ce->n; i++) {
		free(ce->targets[i].path);
		free(ce->targets[i].entry);
	}
	free(ce->targets);
	for (size_t i = 0; i < ce->nwarnings; i++)
		free(ce->warnings[i]);
	free(ce->warnings);
	memset(ce, 0, sizeof(*ce));
}

__attribute__((format(printf, 2, 3))) static void warn(struct capedit *ce, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	ce->warnings = xrealloc(ce->warnings, (ce->nwarnings + 1) * sizeof(*ce->warnings));
	ce->warnings[ce->nwarnings++] = s;
}

static struct capedit_target *find(struct capedit *ce, const char *entry)
{
	for (size_t i = 0; i < ce->n; i++)
		if (streq(ce->targets[i].entry, entry))
			return &ce->targets[i];
	return NULL;
}

static const char *kind(struct archive_entry *e)
{
	switch (archive_entry_filetype(e)) {
	case AE_IFDIR:
		return "a directory";
	case AE_IFLNK:
		return "a symlink";
	case AE_IFCHR:
	case AE_IFBLK:
		return "a device";
	case AE_IFIFO:
		return "a fifo";
	case AE_IFSOCK:
		return "a socket";
	default:
		return "not a regular file";
	}
}

/*
 * A hardlink entry that carries its own security.capability (bsdtar writes
 * every xattr on hardlink entries too) must agree with the entry that holds
 * the data: some extractors (moby's go-archive) apply a hardlink entry's
 * xattrs to the shared inode after the target's, so a stale copy would undo
 * the edit. The target comes earlier in the stream, so its edit is known.
 * Hardlink entries without the xattr (GNU tar's) are left alone.
 * 1: header replaced, 0: nothing to do, -1: error.
 */
/*
 * Give the current entry this security.capability value (NULL: none). The
 * header is edited in place, so every other pax record and the data keep
 * their bytes; libarchive re-serialises headers of shapes not edited in place.
 */
static int write_caps(struct tarstream *ts, struct archive_entry *e, const void *value,
		      size_t len, struct act_err *err)
{
	const struct tarstream_pax_change ch[] = {
		/* bsdtar's copy of the value, which would otherwise disagree */
		{ "LIBARCHIVE.xattr." XATTR_CAPS, NULL, 0 },
		{ "SCHILY.xattr." XATTR_CAPS, value, len },
	};
	struct archive_entry *hdr;
	int r = tarstream_edit_header(ts, ch, ARRAY_SIZE(ch), NULL, 0, false, err);

	if (r != 0)
		return r < 0 ? -1 : 0;
	hdr = archive_entry_clone(e);
	entryxattr_set(hdr, XATTR_CAPS, value, len);
	r = tarstream_replace_header(ts, hdr, err);
	archive_entry_free(hdr);
	return r;
}

static int sync_link(struct capedit *ce, struct tarstream *ts, struct archive_entry *e,
		     struct act_err *err)
{
	bool escapes;
	_cleanup_free_ char *target = entrypath_clean(archive_entry_hardlink(e), &escapes);
	const struct capedit_target *t = escapes ? NULL : find(ce, target);
	const void *cur;
	size_t size;
	int r;

	if (!t || !t->found)
		return 0;
	cur = entryxattr_get(e, XATTR_CAPS, &size);
	if (!cur)
		return 0;
	if (t->op == CAPEDIT_SET && size == t->len && memcmp(cur, t->value, size) == 0)
		return 0;
	r = write_caps(ts, e, t->op == CAPEDIT_SET ? t->value : NULL, t->len, err);
	return r < 0 ? -1 : 1;
}

/* A hardlink entry carries no data: extractors apply xattrs from the entry
 * that does, so the edit moves to the link's target. */
static int redirect(struct capedit *ce, struct capedit_target *t, struct tarstream *ts,
		    struct archive_entry *e, struct act_err *err)
{
	bool escapes;
	_cleanup_free_ char *target = entrypath_clean(archive_entry_hardlink(e), &escapes);
	_cleanup_free_ char *link = quote_name(archive_entry_hardlink(e));
	struct capedit_target *other = find(ce, target);

	if (escapes || strncmp(target, "rootfs/", 7) != 0)
		return act_err_set(err, EINVAL, "'%s' is a hardlink to '%s', outside rootfs/",
				   t->path, link);
	if (other && other != t &&
	    (other->op != t->op || other->len != t->len || memcmp(other->value, t->value, t->len)))
		return act_err_set(err, EINVAL,
				   "'%s' is a hardlink to '%s', which is given other capabilities",
				   t->path, other->path);
	if (other) {
		/* The target is named too, with the same edit. */
		t->found++;
		return sync_link(ce, ts, e, err) < 0 ? -1 : 0;
	}
	if (ce->one_pass) {
		_cleanup_free_ char *fix = quote_name(target + 7);

		return act_err_set(err, ESPIPE,
				   "'%s' is a hardlink to '%s', which comes earlier in the image, "
				   "and %s: name '/%s' instead", t->path, link, ce->one_pass, fix);
	}
	{
		/* The target came earlier in the stream: edit it on a second pass. */
		free(t->entry);
		t->entry = steal_ptr(&target);
		t->redirected = true;
		ce->again = true;
	}
	return 0;
}

static int edit(struct capedit *ce, struct capedit_target *t, struct tarstream *ts,
		struct archive_entry *e, struct act_err *err)
{
	int r;

	if (archive_entry_hardlink(e))
		return redirect(ce, t, ts, e, err);
	if (archive_entry_filetype(e) != AE_IFREG)
		return act_err_set(err, EINVAL, "'%s' is %s: file capabilities need a regular file",
				   t->path, kind(e));
	r = write_caps(ts, e, t->op == CAPEDIT_SET ? t->value : NULL, t->len, err);
	t->found++;
	return r;
}

int capedit_adjust(void *ctx, const char *name, struct archive_entry *e, struct act_err *err)
{
	struct capedit *ce = ctx;
	struct capedit_target *t = find(ce, name);
	const char *xname;
	const void *value;
	size_t len;
	struct {
		char *name;
		void *value;
		size_t len;
	} keep[64];
	size_t n = 0;

	if (!t)
		return 0;
	if (archive_entry_filetype(e) != AE_IFREG)
		return act_err_set(err, EINVAL, "'%s' is %s: file capabilities need a regular file",
				   t->path, kind(e));
	/* Every xattr but security.capability, then the new value. */
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &xname, &value, &len) == ARCHIVE_OK) {
		if (streq(xname, "security.capability"))
			continue;
		if (n == ARRAY_SIZE(keep))
			return act_err_set(err, E2BIG, "'%s': too many xattrs", t->path);
		keep[n].name = xstrdup(xname);
		keep[n].value = xmalloc(len + 1);
		memcpy(keep[n].value, value, len);
		keep[n++].len = len;
	}
	archive_entry_xattr_clear(e);
	for (size_t i = 0; i < n; i++) {
		archive_entry_xattr_add_entry(e, keep[i].name, keep[i].value, keep[i].len);
		free(keep[i].name);
		free(keep[i].value);
	}
	if (t->op == CAPEDIT_SET)
		archive_entry_xattr_add_entry(e, "security.capability", t->value, t->len);
	t->found++;
	return 0;
}

/* v3 values hold a host uid that means nothing outside the user namespace
 * the image was built in: rewrite them as v2. */
static int drop_rootid(struct capedit *ce, struct tarstream *ts, struct archive_entry *e,
		       struct act_err *err)
{
	struct filecap fc;
	unsigned char v[FILECAP_MAX_SIZE];
	size_t size, len;
	const void *cur = entryxattr_get(e, XATTR_CAPS, &size);
	int r;

	/* Hardlink entries too (their file type is not set): see sync_link. */
	if (!cur || size != 24 ||
	    (archive_entry_filetype(e) != AE_IFREG && !archive_entry_hardlink(e)))
		return 0;
	if (filecap_decode(cur, size, &fc, err) < 0) {
		_cleanup_free_ char *name = quote_name(archive_entry_pathname(e));

		return act_err_wrap(err, "'%s'", name);
	}
	fc.version = 2;
	fc.rootid = 0;
	len = filecap_encode(&fc, v);
	r = write_caps(ts, e, v, len, err);
	ce->v3_converted++;
	return r;
}

/* A malformed value on an entry no edit names is copied as it is (the
 * rewrite is lossless), but not in silence: the kernel refuses to set it, so
 * extraction loses it. list-filecaps shows it and exits 1. */
static void check_value(struct capedit *ce, struct archive_entry *e)
{
	struct act_err err = { 0 };
	struct filecap fc;
	size_t size;
	const void *cur = entryxattr_get(e, XATTR_CAPS, &size);

	if (cur && filecap_decode(cur, size, &fc, &err) < 0) {
		_cleanup_free_ char *name = quote_name(archive_entry_pathname(e));

		warn(ce, "'%s': malformed security.capability value (%zu bytes), copied as it is",
		     name, size);
	}
}

int capedit_entry(void *ctx, struct tarstream *ts, struct archive_entry *e,
		  struct act_err *err)
{
	struct capedit *ce = ctx;
	struct capedit_target *t;

	if (tarstream_name_escapes(ts))
		return 0;
	t = find(ce, tarstream_name(ts));
	if (t)
		return edit(ce, t, ts, e, err);
	if (archive_entry_hardlink(e)) {
		int r = sync_link(ce, ts, e, err);

		if (r != 0)
			return r < 0 ? -1 : 0;
	}
	if (archive_entry_xattr_count(e) > 0)
		check_value(ce, e);
	if (ce->drop_rootid && archive_entry_xattr_count(e) > 0)
		return drop_rootid(ce, ts, e, err);
	return 0;
}

/* "CAP_A, CAP_B" into buf; how many there were. */
static int cap_list(uint64_t mask, char *buf, size_t size)
{
	size_t at = 0;
	int n = 0;

	buf[0] = '\0';
	for (int c = 0; c < 64; c++) {
		const char *name = capname_name(c);
		int w;

		if (!(mask & (UINT64_C(1) << c)))
			continue;
		w = name ? snprintf(buf + at, size - at, "%s%s", n ? ", " : "", name)
			 : snprintf(buf + at, size - at, "%scapability %d", n ? ", " : "", c);
		at += (size_t)w < size - at ? (size_t)w : size - at - 1;
		n++;
	}
	return n;
}

/*
 * A capability outside the bounding set never takes effect. Worse, with the
 * effective flag the kernel refuses the exec itself (EPERM) when it cannot
 * grant every permitted capability of the file (bprm_caps_from_vfs_caps):
 * that is an error unless forced. One line per file, whatever the count.
 */
static int check_bounding_set(struct capedit *ce, const char *manifest, size_t len,
			      struct act_err *err)
{
	struct act_err e = { 0 };
	uint64_t bset;

	if (manifest_bounding_set(manifest, len, &bset, &e) < 0) {
		warn(ce, "cannot tell the app's capability bounding set: %s", e.msg);
		return 0;
	}
	for (size_t i = 0; i < ce->n; i++) {
		const struct capedit_target *t = &ce->targets[i];
		uint64_t missing, fatal;
		char names[1024];
		int n;

		if (t->op != CAPEDIT_SET)
			continue;
		missing = filecap_mask(&t->caps) & ~bset;
		fatal = t->caps.effective ? filecap_permitted(&t->caps) & ~bset : 0;
		if (fatal) {
			n = cap_list(fatal, names, sizeof(names));
			if (!ce->force)
				return act_err_set(err, EPERM,
						   "'%s': %s %s outside the app's capability bounding set, "
						   "with the effective flag: the kernel would refuse to "
						   "execute the file (EPERM); --force writes it all the same",
						   t->path, names, n > 1 ? "are" : "is");
			warn(ce, "'%s': %s %s outside the app's capability bounding set, with the "
				 "effective flag: executing the file will fail with EPERM",
			     t->path, names, n > 1 ? "are" : "is");
			missing &= ~fatal;
		}
		if (missing) {
			n = cap_list(missing, names, sizeof(names));
			warn(ce, "'%s': %s %s outside the app's capability bounding set: %s never "
				 "take effect", t->path, names, n > 1 ? "are" : "is",
			     n > 1 ? "they can" : "it can");
		}
	}
	return 0;
}

int capedit_finish(void *ctx, const char *manifest, size_t len, struct act_err *err)
{
	struct capedit *ce = ctx;

	if (ce->again)
		return 0;
	for (size_t i = 0; i < ce->n; i++) {
		const struct capedit_target *t = &ce->targets[i];
		struct filecap fc;
		struct act_err e = { 0 };

		if (t->found)
			continue;
		/* "--remove IMAGE OUTPUT PATH CAPS": say what was misread. */
		if (t->op == CAPEDIT_REMOVE && filecap_from_text(t->path, &fc, &e) == 0)
			return act_err_set(err, ENOENT,
					   "'%s': no such file in the image (it reads as "
					   "capabilities, but removing takes PATHs only)", t->path);
		return act_err_set(err, ENOENT, "'%s': no such file in the image", t->path);
	}
	/* A broken manifest is a broken image, edited or not. */
	if (manifest_check(manifest, len, err) < 0)
		return act_err_wrap(err, "invalid manifest");
	for (size_t i = 0; i < ce->n; i++) {
		if (ce->targets[i].op == CAPEDIT_SET)
			return check_bounding_set(ce, manifest, len, err);
	}
	return 0;
}

/* A new pass: no target found yet. */
static void forget_found(struct capedit *ce)
{
	for (size_t i = 0; i < ce->n; i++)
		ce->targets[i].found = 0;
	ce->unfound = 0;
}

int capedit_prepare(void *ctx, struct source *src, struct act_err *err)
{
	struct capedit *ce = ctx;
	struct tarstream *ts;
	struct archive_entry *e;
	size_t left = ce->n;
	int r = 0;

	ce->one_pass = src ? "OUTPUT is standard output, which cannot be written twice"
			   : "IMAGE is a pipe, which cannot be read twice";
	if (!src || !left)
		return 0;
	ts = tarstream_open(src, NULL, err);
	if (!ts)
		return -1;
	while (left && (r = tarstream_next(ts, &e, err)) > 0) {
		struct capedit_target *t;
		bool escapes;
		char *target;

		if (tarstream_name_escapes(ts) || !(t = find(ce, tarstream_name(ts))) || t->found)
			continue;
		t->found = 1;
		left--;
		if (!archive_entry_hardlink(e))
			continue;
		target = entrypath_clean(archive_entry_hardlink(e), &escapes);
		/* Faults, and a target named too, are the pass's to handle. */
		if (escapes || strncmp(target, "rootfs/", 7) != 0 || find(ce, target)) {
			free(target);
			continue;
		}
		free(t->entry);
		t->entry = target;
		t->redirected = true;
	}
	tarstream_free(ts);
	forget_found(ce);
	/* What the walk could not read, the pass reports. */
	if (r < 0)
		*err = (struct act_err){ 0 };
	return 0;
}

bool capedit_pending(struct capedit *ce)
{
	/* Found stays found until the next pass. */
	while (ce->unfound < ce->n && ce->targets[ce->unfound].found)
		ce->unfound++;
	return ce->unfound < ce->n;
}

void capedit_rewind(struct capedit *ce)
{
	forget_found(ce);
	for (size_t i = 0; i < ce->nwarnings; i++)
		free(ce->warnings[i]);
	free(ce->warnings);
	ce->warnings = NULL;
	ce->nwarnings = 0;
	ce->again = false;
	ce->v3_converted = 0;
	ce->pass++;
}
