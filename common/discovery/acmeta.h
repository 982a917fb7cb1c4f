/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/*
 * The <meta name="ac-..." content="PREFIX URI"> tags of a discovery page,
 * found as appc's discovery finds them: Go's HTML tokenizer
 * (golang.org/x/net/html) over the whole page, each start tag named meta
 * (any case, self-closing or not) taken with its attributes, the last
 * "name" and the last "content" that splits in two winning.
 *
 * Tokenizer rules kept: comments (<!-- -->, <!-->, --!>), <!...> and <?...>
 * up to '>', end tags with their quoted attributes, the contents of script
 * (with its <!-- --> escapes), style, title, textarea, xmp, iframe,
 * noembed, noframes and noscript up to their end tag, and plaintext to the
 * end, are not searched; attribute names are lower-cased; a tag cut short by
 * the end of the page is not one, and nothing after it is. Attribute values:
 * CR LF and CR become LF; numeric character references and the named ones
 * that stand for an ASCII character or a no-break space (&amp; &lt; &gt;
 * &quot; &apos; &sol; &nbsp;..., and the legacy &amp &lt &gt &quot &nbsp
 * without ';' unless '=' follows) are decoded, other named references are
 * kept as written (Go knows all of HTML's 2231); a NUL byte becomes U+FFFD.
 * content is trimmed of Unicode white space and split at its first space:
 * PREFIX before it, the rest, trimmed, is URI.
 */
struct disc_meta {
	char *name; /* starts with "ac-" */
	char *prefix;
	char *uri;
};

struct disc_metas {
	struct disc_meta *v;
	size_t n;
};

/* Append the tags of html (len bytes, any bytes) to out, in page order. Bad
 * HTML only means fewer tags: this never fails. */
void disc_meta_scan(const char *html, size_t len, struct disc_metas *out);
void disc_metas_free(struct disc_metas *m);
