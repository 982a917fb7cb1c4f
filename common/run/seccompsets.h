/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* rkt's and Docker's default seccomp lists (NULL-terminated). */
extern const char *const seccompsets_whitelist[];	/* 309 names */
extern const char *const seccompsets_blacklist[];	/* 50 names */
extern const char *const seccompsets_arm_whitelist[];	/* 6 more on arm */
