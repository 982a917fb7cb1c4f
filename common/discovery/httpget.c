// SPDX-License-Identifier: Apache-2.0
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/base/macro.h"
#include "common/discovery/curlfns.h"
#include "common/discovery/httpget.h"

/* As Go's http.Client, which appc's discovery uses: the tenth redirect
 * is not followed. */
#define MAX_REDIRECTS 10

struct disc_http {
	CURL *curl;
	struct disc_http_options o;
	char errbuf[CURL_ERROR_SIZE];
	/* The body of the response being read. */
	char *buf;
	size_t len, cap;
	bool too_big;
};

/* Set by disc_http_global_init, before any other call here. */
static const struct curl_fns *C;

int disc_http_global_init(struct act_err *err)
{
	CURLcode rc;

	C = curl_fns_load(err);
	if (!C)
		return -1;
	rc = C->global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		return act_err_set(err, EIO, "libcurl: %s", C->easy_strerror(rc));
	return 0;
}

void disc_http_global_cleanup(void)
{
	if (C)
		C->global_cleanup();
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	struct disc_http *h = ud;
	size_t n = size * nmemb;

	/* A body without Content-Length gets past CURLOPT_MAXFILESIZE. */
	if (n > h->o.max_body - h->len) {
		h->too_big = true;
		return 0;
	}
	if (h->len + n + 1 > h->cap) {
		h->cap = 2 * (h->len + n + 1);
		h->buf = xrealloc(h->buf, h->cap);
	}
	memcpy(h->buf + h->len, p, n);
	h->len += n;
	return n;
}

struct disc_http *disc_http_new(const struct disc_http_options *o, struct act_err *err)
{
	struct disc_http *h = xcalloc(1, sizeof(*h));
	CURL *c = C->easy_init();
	CURLcode rc = CURLE_OK;

	if (!c) {
		free(h);
		act_err_set(err, EIO, "libcurl: cannot make a transfer handle");
		return NULL;
	}
	h->curl = c;
	h->o = *o;
	/* Each setopt is checked: a libcurl without one (no HTTPS) must say so. */
#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = C->easy_setopt(c, opt, val);                    \
	} while (0)
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	SET(CURLOPT_WRITEFUNCTION, on_data);
	SET(CURLOPT_WRITEDATA, h);
	/* Redirects are followed by hand, to check where each one leads. */
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_PROTOCOLS_STR, o->insecure ? "https,http" : "https");
	SET(CURLOPT_TIMEOUT, o->timeout);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	/* Compressed pages, as Go's client asks for gzip. */
	SET(CURLOPT_ACCEPT_ENCODING, "");
	if (o->user_agent)
		SET(CURLOPT_USERAGENT, o->user_agent);
	if (o->ca_file) {
		SET(CURLOPT_CAINFO, o->ca_file);
		/* Debian's libcurl also reads /etc/ssl/certs: only FILE's CAs. */
		SET(CURLOPT_CAPATH, (char *)NULL);
	}
	if (o->insecure) {
		SET(CURLOPT_SSL_VERIFYPEER, 0L);
		SET(CURLOPT_SSL_VERIFYHOST, 0L);
	}
#undef SET
	if (rc != CURLE_OK) {
		act_err_set(err, EIO, "libcurl: %s", C->easy_strerror(rc));
		disc_http_free(h);
		return NULL;
	}
	return h;
}

void disc_http_free(struct disc_http *h)
{
	if (!h)
		return;
	C->easy_cleanup(h->curl);
	free(h->buf);
	free(h);
}

char *disc_page_url(const char *scheme, const char *prefix, unsigned port)
{
	size_t hostlen = strcspn(prefix, "/");
	char portstr[16] = "";
	char *url;

	if (port)
		snprintf(portstr, sizeof(portstr), ":%u", port);
	if (asprintf(&url, "%s://%.*s%s%s?ac-discovery=1", scheme, (int)hostlen, prefix, portstr,
		     prefix + hostlen) < 0)
		abort();
	return url;
}

/* "URL: why", or "FIRST: redirected to URL: why". */
__attribute__((format(printf, 4, 5)))
static int fail(struct act_err *err, const char *first, const char *url, const char *fmt, ...)
{
	char why[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (streq(first, url))
		return act_err_set(err, EIO, "%s: %s", url, why);
	return act_err_set(err, EIO, "%s: redirected to %s: %s", first, url, why);
}

static bool allowed(const struct disc_http *h, const char *url)
{
	return strncasecmp(url, "https://", 8) == 0 ||
	       (h->o.insecure && strncasecmp(url, "http://", 7) == 0);
}

static int get(struct disc_http *h, const char *first, char **body, size_t *len,
	       struct act_err *err)
{
	_cleanup_free_ char *url = xstrdup(first);

	for (int hops = 0;; hops++) {
		CURLcode rc;
		long status = 0;
		char *loc = NULL;

		h->len = 0;
		h->too_big = false;
		h->errbuf[0] = '\0';
		rc = C->easy_setopt(h->curl, CURLOPT_URL, url);
		if (rc == CURLE_OK)
			rc = C->easy_perform(h->curl);
		if (rc == CURLE_OPERATION_TIMEDOUT)
			return fail(err, first, url, "no answer within %ld s", h->o.timeout);
		if (h->too_big || rc == CURLE_FILESIZE_EXCEEDED)
			return fail(err, first, url, "the page is over %zu bytes", h->o.max_body);
		if (rc != CURLE_OK)
			return fail(err, first, url, "%s",
				    h->errbuf[0] ? h->errbuf : C->easy_strerror(rc));
		C->easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
		if (status == 301 || status == 302 || status == 303 || status == 307 ||
		    status == 308) {
			C->easy_getinfo(h->curl, CURLINFO_REDIRECT_URL, &loc);
			if (!loc)
				return fail(err, first, url, "HTTP status %ld without a Location",
					    status);
			if (hops + 1 == MAX_REDIRECTS)
				return fail(err, first, url, "stopped after %d redirects",
					    MAX_REDIRECTS);
			if (!allowed(h, loc))
				return fail(err, first, url, "redirected to %s, which is not %s", loc,
					    h->o.insecure ? "http or https" : "https");
			free(url);
			url = xstrdup(loc);
			continue;
		}
		if (status != 200)
			return fail(err, first, url, "HTTP status %ld, expected 200", status);
		*body = h->buf ? steal_ptr(&h->buf) : xstrdup("");
		*len = h->len;
		h->cap = 0;
		return 0;
	}
}

int disc_http_fetch(void *ctx, const char *prefix, char **body, size_t *len, struct act_err *err)
{
	struct disc_http *h = ctx;
	_cleanup_free_ char *https = disc_page_url("https", prefix, h->o.port);
	_cleanup_free_ char *http = NULL;
	struct act_err ignored = { 0 };

	if (!h->o.insecure)
		return get(h, https, body, len, err);
	if (get(h, https, body, len, &ignored) == 0)
		return 0;
	http = disc_page_url("http", prefix, h->o.port);
	return get(h, http, body, len, err);
}
