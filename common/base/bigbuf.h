/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/*
 * Buffers of megabytes that come and go (compression blocks, encoder
 * state), mapped and unmapped directly so that they go back to the system
 * when freed: through malloc, freeing them raises glibc's mmap threshold and
 * later ones stay in the heap or a thread's arena, and peak memory creeps.
 * Aborts when out of memory, as xmalloc.
 */
void *bigbuf_alloc(size_t len);
void bigbuf_free(void *p, size_t len);
