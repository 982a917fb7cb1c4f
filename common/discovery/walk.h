/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "common/base/err.h"
#include "common/discovery/appname.h"

struct disc_endpoint {
	char *aci, *asc;
};

/* A prefix whose page could not be fetched, and why. */
struct disc_attempt {
	char *prefix, *error;
};

struct disc_found {
	struct disc_endpoint *endpoints;
	size_t n_endpoints;
	char **pubkeys;
	size_t n_pubkeys;
	/* The prefixes that failed before the one that gave the endpoints (the
	 * public keys), as actool lists them. */
	struct disc_attempt *endpoint_attempts, *pubkey_attempts;
	size_t n_endpoint_attempts, n_pubkey_attempts;
};

/* Fetch the discovery page of prefix ("example.com/app"): 0 and the body
 * (malloc'd, *len bytes), or -1 with err set. */
typedef int disc_fetch_fn(void *ctx, const char *prefix, char **body, size_t *len,
			  struct act_err *err);

/*
 * appc's discovery walk (DiscoverACIEndpoints, then DiscoverPublicKeys) for
 * app, whose labels (version, os, arch) are already filled in: the pages of
 * app's name and of each parent prefix, from the longest ("example.com/a/b",
 * "example.com/a", "example.com"), until one gives endpoints: its
 * ac-discovery tags whose prefix starts the name, each template filled for
 * "aci" and "aci.asc" (a template that cannot be is skipped), in page
 * order. Then the same walk for the first page with ac-discovery-pubkeys
 * tags whose prefix starts the name: all of their URLs. Each page is
 * fetched once, where actool fetches it again for the keys.
 *
 * -1 with err set when no page gives an endpoint, saying why for each
 * prefix. No public key is not an error (actool fails there; the spec says
 * a page SHOULD have them).
 */
int disc_walk(const struct disc_app *app, disc_fetch_fn *fetch, void *ctx,
	      struct disc_found *found, struct act_err *err);
void disc_found_free(struct disc_found *found);
