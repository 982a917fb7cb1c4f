// SPDX-License-Identifier: Apache-2.0
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/base/macro.h"
#include "common/base/quote.h"
#include "common/base/utf8.h"
#include "common/caps/filecap.h"
#include "common/tar/entryfmt.h"

const char *entryfmt_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "hardlink";
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return "file";
	case AE_IFDIR:
		return "directory";
	case AE_IFLNK:
		return "symlink";
	case AE_IFCHR:
		return "character device";
	case AE_IFBLK:
		return "block device";
	case AE_IFIFO:
		return "fifo";
	case AE_IFSOCK:
		return "socket";
	default:
		return "unknown";
	}
}

void entryfmt_mode(struct archive_entry *e, char buf[11])
{
	/* libarchive's strmode ends with a space (or '+' for ACLs): not ours. */
	snprintf(buf, 11, "%s", archive_entry_strmode(e));
}

void entryfmt_time(int64_t sec, long nsec, char buf[ENTRYFMT_TIME_MAX])
{
	time_t t = (time_t)sec;
	struct tm tm;
	size_t n;

	if ((int64_t)t != sec || !gmtime_r(&t, &tm) ||
	    !(n = strftime(buf, ENTRYFMT_TIME_MAX, "%Y-%m-%d %H:%M:%S", &tm))) {
		/* Beyond what a calendar date can say: the number itself. */
		snprintf(buf, ENTRYFMT_TIME_MAX, "@%" PRId64, sec);
		n = strlen(buf);
	}
	if (nsec)
		snprintf(buf + n, ENTRYFMT_TIME_MAX - n, ".%09ld", nsec);
}

char *entryfmt_hex(const void *v, size_t size)
{
	const unsigned char *p = v;
	char *s = xmalloc(2 * size + 1);

	for (size_t i = 0; i < size; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * size] = '\0';
	return s;
}

int entryfmt_is_text(const void *v, size_t size)
{
	const unsigned char *p = v;

	if (size && p[size - 1] == '\0')
		size--;
	if (utf8_invalid_at(v, size) != size)
		return 0;
	for (size_t i = 0; i < size; i++)
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') || p[i] == 0x7f)
			return 0;
	return 1;
}

char *entryfmt_xattr(const char *name, const void *v, size_t size)
{
	char *s;

	if (streq(name, "security.capability")) {
		struct filecap fc;
		struct act_err err = { 0 };

		if (filecap_decode(v, size, &fc, &err) < 0) {
			s = xmalloc(48);
			snprintf(s, 48, "[malformed: %zu bytes]", size);
		} else {
			_cleanup_free_ char *text = filecap_to_text(&fc);
			size_t n = strlen(text) + 32;

			s = xmalloc(n);
			if (fc.version == 3)
				snprintf(s, n, "%s [rootid=%" PRIu32 "]", text, fc.rootid);
			else
				snprintf(s, n, "%s", text);
		}
		return s;
	}
	if (entryfmt_is_text(v, size)) {
		_cleanup_free_ char *raw = xmalloc(size + 1);
		_cleanup_free_ char *q = NULL;
		size_t n;

		memcpy(raw, v, size);
		raw[size] = '\0';
		q = quote_name(raw);
		n = strlen(q) + 3;
		s = xmalloc(n);
		snprintf(s, n, "\"%s\"", q);
		return s;
	}
	if (size > ENTRYFMT_HEX_SHOWN) {
		/* A line, not a hexdump: the start, and how much there is. */
		_cleanup_free_ char *hex = entryfmt_hex(v, ENTRYFMT_HEX_SHOWN);
		size_t n = strlen(hex) + 48;

		s = xmalloc(n);
		snprintf(s, n, "0x%s... (%zu bytes)", hex, size);
		return s;
	}
	{
		_cleanup_free_ char *hex = entryfmt_hex(v, size);
		size_t n = strlen(hex) + 3;

		s = xmalloc(n);
		snprintf(s, n, "0x%s", hex);
		return s;
	}
}
