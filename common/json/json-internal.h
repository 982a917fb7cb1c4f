/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <yajl/yajl_common.h>

#include "common/json/json.h"

/* What the parser (json.c) and the generator (jsongen.c) share: yajl
 * allocates through these, so running out of memory aborts as elsewhere. */
extern yajl_alloc_funcs json_yajl_funcs;
