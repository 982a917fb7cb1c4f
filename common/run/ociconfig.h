/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/base/err.h"
#include "common/run/runplan.h"

/*
 * The OCI runtime config (config.json, runtime-spec 1.0.2) for a plan, as
 * runc 1.1 reads it: root the rootfs path (relative to the bundle, or
 * absolute); runc's default mounts; runc's and rkt's masked and read-only
 * kernel paths (none with insecure_paths); /dev/console bound to /dev/null (runc makes none
 * without a terminal); hosts, when given, bound on /etc/hosts read-only.
 * Every mount in the plan must have its source by now. Pretty-printed and
 * deterministic: the same plan gives the same bytes.
 */
char *ociconfig_text(const struct run_plan *p, const char *root, const char *hosts,
		     size_t *len, struct act_err *err);
