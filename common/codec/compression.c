// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "common/codec/compression.h"
#include "common/base/macro.h"

static const struct {
	const char *name;
	enum act_compression c;
} names[] = {
	{ "none", ACT_COMP_NONE },   { "gzip", ACT_COMP_GZIP }, { "bzip2", ACT_COMP_BZIP2 },
	{ "xz", ACT_COMP_XZ },	     { "gz", ACT_COMP_GZIP },	{ "bz2", ACT_COMP_BZIP2 },
};

const char *compression_name(enum act_compression c)
{
	if (c == ACT_COMP_ZSTD)
		return "zstd";
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].c == c)
			return names[i].name;
	return "unknown";
}

int compression_parse(const char *s, enum act_compression *c, struct act_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (streq(s, names[i].name)) {
			*c = names[i].c;
			return 0;
		}
	}
	return act_err_set(err, EINVAL,
			   "unknown compression '%s' (use none, gzip, bzip2 or xz)", s);
}
