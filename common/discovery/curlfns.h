/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <curl/curl.h>

#include "common/base/err.h"

/*
 * libcurl, loaded when discovery first needs it rather than linked: its
 * dependencies (TLS, Kerberos, LDAP, IDN...) cost every acitool process
 * some 25 ms of dynamic linking, and only discover uses it.
 */
struct curl_fns {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *c);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	CURLcode (*easy_perform)(CURL *c);
	const char *(*easy_strerror)(CURLcode rc);
};

/* The functions, loaded once (libcurl.so.4, the soname of the libcurl
 * acitool is built against); NULL with err naming Debian's package. */
const struct curl_fns *curl_fns_load(struct act_err *err);
