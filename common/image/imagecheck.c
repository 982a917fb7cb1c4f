// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/image/aci.h"
#include "common/image/imagecheck.h"
#include "common/image/layout.h"
#include "common/base/macro.h"
#include "common/io/sink.h"
#include "common/tar/tarstream.h"

/* The manifest's problems, the document-wide ones under the name "manifest". */
static void check_manifest_text(const char *text, size_t len, struct spec_report *r)
{
	size_t n0 = r->n;

	spec_check_manifest(text, len, r);
	for (size_t i = n0; i < r->n; i++) {
		if (r->items[i].field[0] == '\0') {
			free(r->items[i].field);
			r->items[i].field = xstrdup("manifest");
		}
	}
}

/* An entry's name as a field: control bytes as \xNN, so that a problem
 * stays one line. */
static char *entry_field(const char *name)
{
	size_t n = strlen(name), o = 0;
	char *f = xmalloc(4 * n + 1);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f)
			o += (size_t)sprintf(f + o, "\\x%02x", c);
		else
			f[o++] = (char)c;
	}
	f[o] = '\0';
	return f;
}

static const char *too_big = "over the limit of 1 MiB for a manifest";

int imagecheck_archive(struct source *src, struct spec_report *r, struct act_err *err)
{
	/* A copy to nowhere, not a read-only walk: only a copy checks what
	 * follows the last entry (the end marker, then nothing but zeros). */
	_cleanup_close_ int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	struct sink *sink = devnull < 0 ? NULL
				       : sink_open_fd(devnull, "/dev/null",
						      &(struct sink_options){ .comp = ACT_COMP_NONE },
						      err);
	struct tarstream *ts = sink ? tarstream_open(src, sink, err) : NULL;
	struct layout *layout = layout_new();
	struct archive_entry *e;
	char *manifest = NULL;
	size_t mlen = 0;
	bool seen = false;
	int ret;

	if (devnull < 0)
		act_err_set(err, errno, "/dev/null: %s", strerror(errno));
	if (!ts) {
		sink_free(sink);
		layout_free(layout);
		return -1;
	}
	while ((ret = tarstream_next(ts, &e, err)) > 0) {
		_cleanup_free_ char *name = entry_field(archive_entry_pathname(e) ?: "");
		const char *clean = tarstream_name(ts), *fault;
		bool escapes = tarstream_name_escapes(ts);

		if (escapes || !streq(clean, "manifest")) {
			switch (layout_classify(layout, e, clean, escapes)) {
			case LAYOUT_OK:
				break;
			case LAYOUT_ESCAPES:
				spec_report_add(r, name, "absolute, or climbs out of the image");
				break;
			case LAYOUT_ROOTFS_NOT_DIR:
				spec_report_add(r, name, "rootfs is not a directory");
				break;
			case LAYOUT_OUTSIDE:
				spec_report_add(r, name, "outside rootfs/ (the top level holds only "
						"manifest and rootfs)");
				break;
			case LAYOUT_TWICE:
				spec_report_add(r, name, "in the image twice");
				break;
			case LAYOUT_LINK_OUTSIDE:
				spec_report_add(r, name, "a hardlink to a name outside rootfs/");
				break;
			case LAYOUT_LINK_MISSING:
				spec_report_add(r, name, "a hardlink to a name that is not an "
						"earlier entry of the image");
				break;
			case LAYOUT_LINK_DIR:
				spec_report_add(r, name, "a hardlink to a directory");
				break;
			}
			continue;
		}
		if (seen) {
			spec_report_add(r, name, "a second manifest entry");
			continue;
		}
		seen = true;
		if ((fault = aci_manifest_entry_fault(e))) {
			spec_report_add(r, name, "the manifest is %s, not a regular file", fault);
			continue;
		}
		if (archive_entry_size(e) > ACI_MANIFEST_MAX) {
			spec_report_add(r, name, "%lld bytes, %s",
					(long long)archive_entry_size(e), too_big);
			continue;
		}
		if (tarstream_read_data(ts, ACI_MANIFEST_MAX, &manifest, &mlen, err) < 0) {
			ret = -1;
			break;
		}
	}
	if (ret == 0)
		ret = tarstream_finish(ts, err);
	if (ret == 0) {
		if (!seen)
			spec_report_add(r, "manifest", "missing");
		if (!layout_has_rootfs(layout))
			spec_report_add(r, "rootfs", "missing");
		if (manifest)
			check_manifest_text(manifest, mlen, r);
	}
	free(manifest);
	layout_free(layout);
	tarstream_free(ts);
	sink_free(sink);
	return ret < 0 ? -1 : 0;
}

static const char *type_word(mode_t m)
{
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISLNK(m))
		return "a symlink";
	if (S_ISFIFO(m))
		return "a fifo";
	if (S_ISSOCK(m))
		return "a socket";
	return "a device";
}

/* Up to ACI_MANIFEST_MAX bytes of fd; *len is ACI_MANIFEST_MAX + 1 when
 * there are more. */
static int read_manifest_fd(int fd, const char *path, char **text, size_t *len,
			    struct act_err *err)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);

	for (;;) {
		ssize_t k;

		if (n == cap) {
			if (cap > ACI_MANIFEST_MAX)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			act_err_set(err, errno, "%s: %s", path, strerror(errno));
			free(buf);
			return -1;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	*text = buf;
	*len = n > ACI_MANIFEST_MAX ? ACI_MANIFEST_MAX + 1 : n;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int imagecheck_layout(const char *dir, struct spec_report *r, struct act_err *err)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0, len = 0;
	bool manifest = false, manifest_reg = false, rootfs = false;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (dfd < 0)
		return act_err_set(err, errno, "%s: %s", dir,
				   errno == ENOTDIR ? "not a directory" : strerror(errno));
	d = fdopendir(dup(dfd));
	if (!d)
		return act_err_set(err, errno, "%s: %s", dir, strerror(errno));
	while ((errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (errno) {
		act_err_set(err, errno, "%s: %s", dir, strerror(errno));
		ret = -1;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct stat st;

		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			act_err_set(err, errno, "%s/%s: %s", dir, names[i], strerror(errno));
			ret = -1;
		} else if (streq(names[i], "manifest")) {
			manifest = true;
			if (S_ISREG(st.st_mode))
				manifest_reg = true;
			else
				spec_report_add(r, "manifest", "the manifest is %s, not a regular file",
						type_word(st.st_mode));
		} else if (streq(names[i], "rootfs")) {
			rootfs = true;
			if (!S_ISDIR(st.st_mode))
				spec_report_add(r, "rootfs", "rootfs is %s, not a directory",
						type_word(st.st_mode));
		} else {
			spec_report_add(r, names[i], "outside rootfs/ (the top level holds only "
					"manifest and rootfs)");
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (ret < 0)
		return -1;
	if (!rootfs)
		spec_report_add(r, "rootfs", "missing");
	if (!manifest)
		spec_report_add(r, "manifest", "missing");
	if (!manifest_reg)
		return 0;
	{
		_cleanup_close_ int fd = openat(dfd, "manifest", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0 || read_manifest_fd(fd, "manifest", &text, &len, err) < 0) {
			if (fd < 0)
				act_err_set(err, errno, "%s/manifest: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (len > ACI_MANIFEST_MAX)
		spec_report_add(r, "manifest", "%s", too_big);
	else
		check_manifest_text(text, len, r);
	return 0;
}

int imagecheck_manifest_file(const char *path, struct spec_report *r, struct act_err *err)
{
	bool in = streq(path, "-");
	_cleanup_close_ int fd = in ? -1 : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *text = NULL;
	struct stat st;
	size_t len;

	if (!in && fd < 0)
		return act_err_set(err, errno, "%s: %s", path, strerror(errno));
	if (fstat(in ? STDIN_FILENO : fd, &st) == 0 && S_ISDIR(st.st_mode))
		return act_err_set(err, EISDIR, "%s: is a directory, not a manifest", path);
	if (read_manifest_fd(in ? STDIN_FILENO : fd, in ? "(stdin)" : path, &text, &len, err) < 0)
		return -1;
	if (len > ACI_MANIFEST_MAX)
		spec_report_add(r, "", "%s", too_big);
	else if (spec_is_pod_manifest(text, len))
		spec_check_pod_manifest(text, len, r);
	else
		spec_check_manifest(text, len, r);
	return 0;
}
