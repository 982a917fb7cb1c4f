/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/base/err.h"

/* The codecs an ACI may use (spec/aci.md): none, gzip, bzip2, xz. */
enum act_compression {
	ACT_COMP_NONE,
	ACT_COMP_GZIP,
	ACT_COMP_BZIP2,
	ACT_COMP_XZ,
	/* Read in OCI layers only (source_open_layer); never an ACI's codec. */
	ACT_COMP_ZSTD,
};

const char *compression_name(enum act_compression c);
/* "none", "gzip", "bzip2", "xz" (and "gz", "bz2" spellings) to the enum. */
int compression_parse(const char *s, enum act_compression *c, struct act_err *err);
