/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "common/discovery/walk.h"

/*
 * The endpoints and public keys of found as actool's --json prints them:
 * Go's json.MarshalIndent with 4 spaces of
 * {"ACIEndpoints": [{"ACI", "ASC"}...], "PublicKeys": [...]}, null for none,
 * and Go's escapes: "<", ">" and "&" as \u003c \u003e \u0026, U+2028 and
 * U+2029 as \u2028 \u2029, a byte that is not UTF-8 as \ufffd. No newline
 * at the end. Returns a malloc'd string.
 */
char *disc_found_json(const struct disc_found *found);
