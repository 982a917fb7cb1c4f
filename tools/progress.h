/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* A one-line progress display on stderr: bytes, entries, rate, ETA. On a
 * terminal the line is redrawn in place; elsewhere (a CI log) it is a plain
 * line every few seconds, with no escape sequence. */
struct progress {
	bool on;
	bool forced; /* --progress: the final state stays on screen */
	bool tty;    /* stderr is a terminal */
	uint64_t total; /* input size in bytes, 0 if unknown (a pipe) */
	double start, last;
	uint64_t entries, bytes;
	bool shown;
};

/* mode: 1 on, 0 off, -1 when stderr is a terminal. */
void progress_init(struct progress *p, int mode, uint64_t total);
/* An aci_edit progress hook (ctx is the struct progress). */
void progress_update(void *ctx, uint64_t entries, uint64_t in_bytes);
/* At the end: erase the line, or with --progress print the final state. */
void progress_done(struct progress *p, bool ok);
