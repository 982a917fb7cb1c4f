/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/* Messages a library call collects for its caller to print (the library
 * never prints): warnings, one line each. */
struct msglist {
	char **v;
	size_t n;
};

void msglist_addf(struct msglist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keep the first n. */
void msglist_truncate(struct msglist *l, size_t n);
void msglist_free(struct msglist *l);
