/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "common/json/json.h"
#include "common/spec/report.h"

/* app.isolators (or with pod, a pod manifest's): the isolators spec/ace.md
 * and appc's code define, checked at field, each in its scope; unknown names
 * pass, as an executor may ignore them. */
void spec_check_isolators(struct spec_report *r, const char *field,
			  const struct json_value *v, bool pod);

/* Whether name is an isolator spec/ace.md or appc's code defines. */
bool spec_isolator_known(const char *name);
