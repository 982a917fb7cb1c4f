/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/discovery/appname.h"

/*
 * Fill an ac-discovery URL template as appc's discovery does: {name} with
 * the image name, {LABEL} with the value of each label of app, and {ext},
 * unless a label is named ext, with ext ("aci" or "aci.asc"). Placeholders
 * are matched exactly (case, no blanks) and filled in one pass, so a value is
 * never filled in again. Returns the URL (malloc'd), or NULL when a '{' and
 * a '}' after it on the same line are left (appc's test, the regular
 * expression {.*?}): the template needs a label app does not give. Then
 * *left, when not NULL, gets what was left, from the '{' to the '}'
 * (malloc'd).
 */
char *disc_template_fill(const char *tpl, const struct disc_app *app, const char *ext,
			 char **left);
