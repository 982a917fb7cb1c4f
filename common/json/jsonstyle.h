/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/json/json.h"

/*
 * The layout of a container in a source text, so that a value spliced into
 * it is laid out like its neighbours: in a pretty-printed document a new
 * object or array takes one line per member, indented by the document's own
 * unit, with its ':' spacing, down to the depth where a sibling it copies
 * goes on one line; in a compact document it stays on one line, spaced as
 * its neighbours are.
 */
struct json_style {
	bool pretty;	      /* the container's members are on lines of their own */
	char indent[512];     /* the whitespace before each member of the container */
	char unit[32];	      /* one more level: the indent less the container's line's */
	char colon[16];	      /* between a key and its value, ":" or ": " */
	char comma[16];	      /* on one line: between members, "," or ", " */
	unsigned inline_from; /* containers this deep in the value go on one line */
};

/* The style of container c (an object or an array) of text. A single-line
 * container gives a one-line style; an empty one, the document's. */
void json_style_of(struct json_style *s, const char *text, const struct json_value *c);
/* Make s, a container's style, the style of a value that replaces like or
 * joins it as a sibling there: the depth where like goes on one line, and
 * like's spacing. Nothing changes when like is no container or empty. */
void json_style_adopt(struct json_style *s, const char *text, const struct json_value *like);
/* Append value (JSON text) to t, laid out in style s. Strings are kept byte
 * for byte; only the whitespace between tokens changes. */
struct strbuf;
void json_style_append(struct strbuf *t, const struct json_style *s, const char *value,
		       size_t len);
