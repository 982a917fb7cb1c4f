/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/json/json.h"
#include "common/spec/report.h"

/* app.isolators: the isolators spec/ace.md and appc's code define, checked
 * at field; unknown names pass, as an executor may ignore them. */
void spec_check_isolators(struct spec_report *r, const char *field,
			  const struct json_value *v);
