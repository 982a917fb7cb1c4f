/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/base/err.h"
#include "common/io/writeback.h"

/*
 * A span of an input file copied to the output as it grows, on a thread of
 * its own: the kernel's copy (copy_file_range; read and write where the
 * files do not allow it) overlaps the reading of the rest of the image,
 * instead of following it. One span at a time; the caller writes nothing
 * else to the output between spancopy_start and spancopy_finish.
 */
struct spancopy;

/* Copies into out->fd, advancing out as it goes. */
struct spancopy *spancopy_new(struct writeback *out);
/* A new span: len bytes of the file fd (called name, kept) from off. */
void spancopy_start(struct spancopy *sc, int fd, const char *name, uint64_t off,
		    uint64_t len);
/* Whether the span in progress ends where off of fd begins. */
bool spancopy_continues(const struct spancopy *sc, int fd, uint64_t off);
void spancopy_extend(struct spancopy *sc, uint64_t len);
/* Wait until the span is copied; then there is none. On a write error
 * (out_name's), a read error or an input that shrank: -1, and every call
 * after fails the same way. */
int spancopy_finish(struct spancopy *sc, const char *out_name, struct act_err *err);
void spancopy_free(struct spancopy *sc);
