/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An image's /etc/passwd and /etc/group, one parser for run (the app's user
 * and group), lint (does it run as root) and import (a user's group).
 * Blank lines, '#' comments and lines with too few fields are skipped
 * rather than fatal (rkt's parser gave up on them); of two lines with one
 * name the first wins, as for getpwnam.
 */
struct spec_account {
	char *name, *home;	/* home: passwd only */
	uint32_t id, gid;	/* gid: passwd only */
};

/* The passwd (group: false) or group line whose name (byname) or id
 * matches: 0 and *a filled (spec_account_free it); 1 when none does. */
int spec_account_find(const char *text, size_t len, bool group, const char *name, uint32_t id,
		      struct spec_account *a);
void spec_account_free(struct spec_account *a);

/* An id field: all digits, at most 4294967294 ((uid_t)-1 means "no
 * change" to the kernel). */
bool spec_account_id(const char *p, size_t n, uint32_t *v);
