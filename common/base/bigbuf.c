// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <sys/mman.h>

#include "common/base/bigbuf.h"

void *bigbuf_alloc(size_t len)
{
	void *p = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		abort();
	return p;
}

void bigbuf_free(void *p, size_t len)
{
	if (p)
		munmap(p, len ? len : 1);
}
