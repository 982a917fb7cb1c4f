/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * A minimal TAP producer for unit tests. Each test file defines test functions
 * returning void and calls them from main via RUN(); checks never abort, so
 * one run reports every failure. main returns tap_done().
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void tap_ok(int ok, const char *file, int line, const char *what)
{
	tap_n++;
	if (!ok)
		tap_failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tap_n, what);
	if (!ok)
		printf("#   failed at %s:%d\n", file, line);
}

#define CHECK(cond) tap_ok(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_INT(a, b)                                                        \
	do {                                                                   \
		long long _a = (a), _b = (b);                                  \
		tap_ok(_a == _b, __FILE__, __LINE__, #a " == " #b);            \
		if (_a != _b)                                                  \
			printf("#   got %lld, want %lld\n", _a, _b);           \
	} while (0)
#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *_a = (a), *_b = (b);                               \
		int _ok = _a && _b && strcmp(_a, _b) == 0;                     \
		tap_ok(_ok, __FILE__, __LINE__, #a " == " #b);                 \
		if (!_ok)                                                      \
			printf("#   got '%s'\n#  want '%s'\n", _a ? _a : "(null)", \
			       _b ? _b : "(null)");                            \
	} while (0)
#define CHECK_MEM(a, b, n)                                                     \
	tap_ok(memcmp((a), (b), (n)) == 0, __FILE__, __LINE__, #a " == " #b)

#define RUN(fn)                                                                \
	do {                                                                   \
		printf("# %s\n", #fn);                                         \
		fn();                                                          \
	} while (0)

/* Under valgrind's memcheck (tests/valgrind/memcheck exports this), tests
 * that compress and decode megabytes take smaller inputs. */
static inline int tap_memcheck(void)
{
	return getenv("ACT_MEMCHECK_TEST") != NULL;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
