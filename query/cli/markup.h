/*
 * markup.h — untrusted text into Markdown and HTML: the one place that
 * escapes for those two formats (diff --format markdown, report's
 * Markdown and HTML pages), as escape.h is for the terminal and json.c for
 * JSON.
 *
 * Every string these write comes from somebody else (advisory titles and
 * URLs, package names, lockfile paths, error messages), so:
 *   - text first goes through escape.h (controls, C1, bidi, bytes that
 *     are not UTF-8 become visible \xNN / \uNNNN), then each character
 *     that the format could read as markup is neutralised: in HTML
 *     & < > " ' become entities; in Markdown the same five become
 *     entities and every other ASCII punctuation that Markdown (and
 *     GitHub's tables) reads is backslash-escaped, so a title can neither
 *     open a link, a code span, an HTML tag nor a table cell;
 *   - a URL is used as a link only when it starts with https:// or
 *     http://; bytes outside RFC 3986's unreserved and reserved sets (and
 *     the quotes, brackets and parentheses a Markdown link or an HTML
 *     attribute would end at) are percent-encoded. Anything else is not
 *     a link (markup_url_ok says so) and is shown as text.
 */
#ifndef ADVDB_CLI_MARKUP_H
#define ADVDB_CLI_MARKUP_H

#include "buf.h"

/* s (may be NULL: nothing) as inline Markdown text, one line. */
void markup_md(buf *out, const char *s);

/* s (may be NULL) as HTML text or a quoted attribute value, one line. */
void markup_html(buf *out, const char *s);

/* Whether url may be a link (http or https, no controls). */
int markup_url_ok(const char *url);

/* url, percent-encoded where needed, for an href="..." (HTML, with & as
 * &amp;) or a Markdown (...) target. Only for markup_url_ok urls. */
void markup_url_html(buf *out, const char *url);
void markup_url_md(buf *out, const char *url);

/* RustSec's page for an advisory id (https://rustsec.org/advisories/ID.html)
 * when the id has RustSec's form (RUSTSEC-YYYY-NNNN), into out (cap
 * bytes); else the advisory's own url when it is a link; else "". */
void markup_advisory_url(char *out, size_t cap, const char *id,
                         const char *url);

#endif
