/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/manifest/manifestedit.h"

/* appc's member order (schema/image.go, schema/types/app.go), where a new
 * member goes: shared with manifestpatch.c. */
extern const char *const manifest_top_order[];
extern const char *const manifest_app_order[];

/* What one edit pass carries over to the next. */
struct medit_state {
	/* dependencies this call appended (the array's tail): a later
	 * --dependency never takes one of them for an entry to replace */
	size_t deps_added;
};

/*
 * One edit applied to text (a manifest that passes manifest_check): the
 * result in *out; *matched counts the entries a REMOVE or an in-place SET
 * found. Fails (EINVAL) on a field of the wrong JSON type, on an app field
 * when there is no app, on a dependency the labels do not pick out.
 */
int medit_apply_one(const struct medit *m, struct medit_state *st, const char *text,
		    size_t len, char **out, size_t *outlen, size_t *matched,
		    struct act_err *err);
