// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/image/whitelist.h"
#include "common/json/json.h"
#include "common/tar/entrypath.h"

bool whitelist_of(const char *manifest, size_t len, struct whitelist *w)
{
	struct json_value *m = json_parse(manifest, len, NULL);
	const struct json_value *pw = json_get(m, "pathWhitelist");
	bool any = false;

	*w = (struct whitelist){ 0 };
	for (size_t i = 0; pw && pw->type == JSON_ARRAY && i < pw->n; i++) {
		_cleanup_free_ char *name = NULL;
		char *slash;

		if (pw->items[i]->type != JSON_STRING ||
		    !(name = entrypath_from_user(pw->items[i]->str)))
			continue;
		strset_add(&w->paths, name);
		while ((slash = strrchr(name, '/'))) {
			*slash = '\0';
			strset_add(&w->dirs, name);
		}
		any = true;
	}
	json_free(m);
	return any;
}

bool whitelist_allows(const struct whitelist *w, const char *name, bool dir)
{
	return streq(name, "rootfs") || strset_has(&w->paths, name) ||
	       (dir && strset_has(&w->dirs, name));
}

void whitelist_free(struct whitelist *w)
{
	strset_clear(&w->paths);
	strset_clear(&w->dirs);
}
