/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdlib.h>

/* The rootfs cache of run and cache: $ACITOOL_CACHE_DIR, else
 * /var/cache/acitool. */
static inline const char *run_cache_dir(void)
{
	const char *d = getenv("ACITOOL_CACHE_DIR");

	return d && *d ? d : "/var/cache/acitool";
}
