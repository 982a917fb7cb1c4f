// SPDX-License-Identifier: Apache-2.0
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>

#include "common/discovery/curlfns.h"

static struct curl_fns fns;
static bool loaded;

const struct curl_fns *curl_fns_load(struct act_err *err)
{
	static const char *const names[] = {
		"curl_global_init",  "curl_global_cleanup", "curl_easy_init",
		"curl_easy_cleanup", "curl_easy_setopt",    "curl_easy_getinfo",
		"curl_easy_perform", "curl_easy_strerror",
	};
	void **slots[] = {
		(void **)&fns.global_init,  (void **)&fns.global_cleanup, (void **)&fns.easy_init,
		(void **)&fns.easy_cleanup, (void **)&fns.easy_setopt,	  (void **)&fns.easy_getinfo,
		(void **)&fns.easy_perform, (void **)&fns.easy_strerror,
	};
	void *lib;

	if (loaded)
		return &fns;
	lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		act_err_set(err, ENOENT, "libcurl.so.4: cannot load it (install Debian's libcurl4 "
					 "package): %s",
			    dlerror());
		return NULL;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		*slots[i] = dlsym(lib, names[i]);
		if (!*slots[i]) {
			act_err_set(err, ENOENT, "libcurl.so.4: no %s", names[i]);
			dlclose(lib);
			return NULL;
		}
	}
	loaded = true; /* never closed: the process ends first */
	return &fns;
}
