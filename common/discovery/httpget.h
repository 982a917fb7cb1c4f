/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/base/err.h"

/* Discovery pages over HTTPS, by libcurl. */
struct disc_http_options {
	unsigned port;	     /* 0: the scheme's own */
	bool insecure;	     /* no certificate checks; http:// when https:// fails */
	const char *ca_file; /* PEM CA certificates instead of the system's; NULL: the system's */
	long timeout;	     /* seconds for each request, redirects each count as one */
	size_t max_body;     /* a longer page is an error */
	const char *user_agent;
};

/* libcurl's global state: once in a program, before any other call and
 * after the last one. */
int disc_http_global_init(struct act_err *err);
void disc_http_global_cleanup(void);

struct disc_http;
struct disc_http *disc_http_new(const struct disc_http_options *o, struct act_err *err);
void disc_http_free(struct disc_http *h);

/* The discovery URL of prefix as appc builds it:
 * SCHEME://HOST[:PORT][/PATH]?ac-discovery=1 (malloc'd). */
char *disc_page_url(const char *scheme, const char *prefix, unsigned port);

/*
 * A disc_fetch_fn (walk.h), ctx a struct disc_http: GET prefix's discovery
 * URL over https, and with insecure, when that fails or does not answer 200,
 * over http (the error is then http's, as appc reports it). Redirects (301,
 * 302, 303, 307, 308) are followed, 10 at most, to https only, or with
 * insecure to http too (appc's Go client would follow one to http anyway).
 * Any status but 200 is an error; so is a body over max_body bytes.
 */
int disc_http_fetch(void *ctx, const char *prefix, char **body, size_t *len,
		    struct act_err *err);
