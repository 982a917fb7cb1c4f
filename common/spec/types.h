/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The spec's string types (types.md, aci.md), as the spec words them. */
bool spec_is_acidentifier(const char *s, size_t len);
bool spec_is_acname(const char *s, size_t len);
/* A POSIX-style environment variable name, as aci.md widens it:
 * ^[A-Za-z_][A-Za-z0-9_.-]*$ */
bool spec_is_env_name(const char *s, size_t len);
/* SemVer 2.0.0 (semver.org's grammar, no leading zeros); the major number
 * goes to *major when not NULL. */
bool spec_is_semver(const char *s, size_t len, unsigned long long *major);
/*
 * A resource quantity, as spec/ace.md lists its suffixes (E P T G M K,
 * Ei..Ki, m) and the Kubernetes grammar appc copied adds (k, u, n, e<N>): a
 * non-negative decimal and an optional suffix. Its value in base units goes
 * to *out when not NULL. appc's parser refuses K; the spec names it, and
 * the spec wins, in every verb.
 */
bool spec_is_quantity(const char *s, size_t len, double *out);
