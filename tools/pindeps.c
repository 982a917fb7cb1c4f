// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/macro.h"
#include "common/image/deps.h"
#include "common/json/json.h"
#include "common/manifest/manifestedit.h"
#include "tools/pindeps.h"

void pin_free(struct pin_ctx *pc)
{
	if (pc->opened)
		imagedir_free(&pc->images);
	pc->opened = false;
}

int pin_dependencies(struct pin_ctx *pc, char **text, size_t *len, struct act_err *err)
{
	struct json_value *root = json_parse(*text, *len, err);
	const struct json_value *deps = json_get(root, "dependencies");
	struct imagedir_image **found = NULL;
	size_t n = deps && deps->type == JSON_ARRAY ? deps->n : 0;
	int r = -1;

	if (!root)
		return -1;
	if (!n) {
		json_free(root);
		if (pc->ignore_missing)
			return 0;
		return act_err_set(err, ENOENT, "--pin-dependencies: the manifest has no "
				   "dependencies");
	}
	if (!pc->opened) {
		if (imagedir_open(pc->dir, &pc->images, err) < 0)
			goto out;
		pc->opened = true;
	}
	found = xcalloc(n, sizeof(*found));
	/* All found first, against the manifest as it is; then written. */
	for (size_t i = 0; i < n; i++) {
		const struct json_value *name = json_get(deps->items[i], "imageName");
		_cleanup_free_ char *chain = xasprintf("--pin-dependencies: dependencies[%zu] (%s)", i,
						       name && name->type == JSON_STRING ? name->str : "?");

		if (deps_find(&pc->images, deps->items[i], chain, &found[i], err) < 0 ||
		    imagedir_image_id(found[i], err) < 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char *out;
		size_t outlen;

		if (medit_pin(*text, *len, i, found[i]->id, found[i]->tar_size, &out, &outlen, err) < 0)
			goto out;
		free(*text);
		*text = out;
		*len = outlen;
	}
	r = 0;
out:
	free(found);
	json_free(root);
	return r;
}
