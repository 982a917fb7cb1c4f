/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Shared by the fuzz targets. Each target defines LLVMFuzzerTestOneInput; it
 * is linked either with libFuzzer (ACT_FUZZ=ON, clang) or with regress.c,
 * which feeds it the committed corpus and regression inputs in the normal
 * build. A broken property aborts, so libFuzzer saves the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: called once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)
