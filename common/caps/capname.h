/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/base/err.h"

/*
 * Linux capability names, compiled in: the answer must not depend on the
 * kernel (or libcap build) of the machine that runs the tool.
 */
#define ACT_CAP_COUNT 41

/* Canonical name ("CAP_NET_RAW") of bit cap, or NULL if out of range. */
const char *capname_name(int cap);

/*
 * Bit number of a capability name. Case-insensitive, the "CAP_" prefix is
 * optional; numbers and surrounding whitespace are not accepted.
 */
int capname_parse(const char *s, struct act_err *err);

/*
 * Parse a comma-separated list into caps[] (at most max entries), dropping
 * duplicates but keeping first-occurrence order. Empty items and an empty
 * list are errors. caps and *n are written only on success.
 */
int capname_parse_list(const char *csv, int *caps, size_t max, size_t *n,
		       struct act_err *err);

/* The appc default bounding set (spec/ace.md), one bit per capability. */
uint64_t capname_default_set(void);
