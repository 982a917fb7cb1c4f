// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <stdio.h>
#include <string.h>

#include "common/tar/entrypath.h"
#include "common/base/macro.h"

char *entrypath_clean(const char *name, bool *escapes)
{
	size_t n = strlen(name);
	char *out = xmalloc(n + 1);
	size_t o = 0;
	int depth = 0;
	const char *p = name;

	*escapes = (name[0] == '/');
	while (*p) {
		const char *seg;
		size_t len;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - seg);
		if (len == 0 || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			if (depth == 0) {
				*escapes = true;
				continue;
			}
			/* Drop the last segment written. */
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			depth--;
			continue;
		}
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, seg, len);
		o += len;
		depth++;
	}
	out[o] = '\0';
	return out;
}

char *entrypath_from_user(const char *path)
{
	bool escapes;
	char *clean = entrypath_clean(path, &escapes);
	char *out;

	if (escapes && path[0] != '/') {
		free(clean);
		return NULL;
	}
	/* "/bin/ping" names rootfs/bin/ping; so do "rootfs/bin/ping" and
	 * "./rootfs/bin/ping". An absolute "/rootfs/x" is rootfs/rootfs/x. */
	if (path[0] != '/' && strncmp(clean, "rootfs/", 7) == 0)
		return clean;
	if (path[0] != '/' && streq(clean, "rootfs")) {
		free(clean);
		return NULL;
	}
	if (clean[0] == '\0') {
		free(clean);
		return NULL;
	}
	out = xmalloc(strlen(clean) + 8);
	strcpy(out, "rootfs/");
	strcat(out, clean);
	free(clean);
	return out;
}

bool entrypath_charset_warning(struct archive *a)
{
	const char *msg = archive_error_string(a);

	/* libarchive's words: "Pathname can't be converted from UTF-8 to
	 * current locale." (read), "Can't translate pathname '...' to UTF-8"
	 * (pax write), and the same for Linkname, Uname and Gname. */
	return msg && (strstr(msg, " can't be converted from UTF-8 to current locale") ||
		       strncmp(msg, "Can't translate ", 16) == 0);
}

char *entrypath_to_user(const char *clean)
{
	size_t n = strlen(clean) + 2;
	char *out = xmalloc(n);

	if (strncmp(clean, "rootfs/", 7) == 0)
		snprintf(out, n, "%s", clean + 6);
	else
		snprintf(out, n, "/%s", clean);
	return out;
}
