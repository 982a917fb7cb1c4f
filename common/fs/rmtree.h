/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Remove what is in the directory name (in dirfd), and with self the
 * directory too: what a failed extraction left. Symlinks are removed, never
 * followed; directories without write or search permission are opened up
 * first. Best effort: -1 with errno when something could not be removed.
 */
int rmtree(int dirfd, const char *name, int self);
