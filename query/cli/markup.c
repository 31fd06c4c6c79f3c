/*
 * markup.c — Markdown and HTML escaping of untrusted text (see markup.h).
 *
 * Both walk the text the way report_text does (escape_span for the runs a
 * terminal may show, escape_one for the rest), then escape per character:
 * the terminal escape comes first so that what the page shows for a
 * control byte is what a terminal report shows for it.
 */
#include "markup.h"

#include <stdio.h>
#include <string.h>

#include "escape.h"

static int entity(buf *out, char c)
{
	switch (c) {
	case '&': buf_puts(out, "&amp;"); return 1;
	case '<': buf_puts(out, "&lt;"); return 1;
	case '>': buf_puts(out, "&gt;"); return 1;
	case '"': buf_puts(out, "&quot;"); return 1;
	case '\'': buf_puts(out, "&#39;"); return 1;
	default: return 0;
	}
}

/* Inline Markdown reads these (emphasis, code, links, images, tables,
 * strike-through, math, mentions): each is written with a backslash.
 * Line-start markup (#, -, 1.) cannot occur: the text is one line inside
 * a table cell or after other text. */
static int md_special(char c)
{
	return c && strchr("\\`*_{}[]()!|~$@", c) != NULL;
}

static void put_char(buf *out, char c, int md)
{
	if (entity(out, c))
		return;
	if (md && md_special(c))
		buf_putc(out, '\\');
	buf_putc(out, c);
}

static void put_run(buf *out, const char *s, size_t n, int md)
{
	size_t from = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' ||
		    (md && md_special(c))) {
			buf_put(out, s + from, i - from);
			put_char(out, c, md);
			from = i + 1;
		}
	}
	buf_put(out, s + from, n - from);
}

static void markup_text(buf *out, const char *s, int md)
{
	size_t n, i = 0;

	if (!s)
		return;
	n = strlen(s);
	while (i < n) {
		size_t run = escape_span(s + i, n - i, 0);
		put_run(out, s + i, run, md);
		i += run;
		if (i < n) {
			char e[ESCAPE_SEQ_MAX];
			size_t el;
			i += escape_one(e, &el, s + i, n - i);
			put_run(out, e, el, md);
		}
	}
}

void markup_md(buf *out, const char *s)
{
	markup_text(out, s, 1);
}

void markup_html(buf *out, const char *s)
{
	markup_text(out, s, 0);
}

int markup_url_ok(const char *url)
{
	if (!url)
		return 0;
	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return strlen(url) < 4096;
}

/* RFC 3986 unreserved and reserved characters, less those that end a
 * Markdown link target or an HTML attribute, or open a tag. */
static int url_plain(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("-._~:/?#@!$&*+,;=%", c) != NULL;
}

static void url_put(buf *out, const char *url, int html)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (!url_plain(*p))
			buf_printf(out, "%%%02X", *p);
		else if (html && *p == '&')
			buf_puts(out, "&amp;");
		else
			buf_putc(out, (char)*p);
	}
}

void markup_url_html(buf *out, const char *url)
{
	url_put(out, url, 1);
}

void markup_url_md(buf *out, const char *url)
{
	url_put(out, url, 0);
}

static int rustsec_id(const char *id)
{
	/* RUSTSEC-YYYY-NNNN (four or more digits) */
	if (!id || strncmp(id, "RUSTSEC-", 8) != 0)
		return 0;
	const char *p = id + 8;
	for (int i = 0; i < 4; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	if (p[4] != '-')
		return 0;
	p += 5;
	size_t n = 0;
	while (p[n] >= '0' && p[n] <= '9')
		n++;
	return n >= 4 && n <= 8 && p[n] == '\0';
}

void markup_advisory_url(char *out, size_t cap, const char *id,
                         const char *url)
{
	int w;

	if (!cap)
		return;
	out[0] = '\0';
	if (rustsec_id(id))
		w = snprintf(out, cap, "https://rustsec.org/advisories/%s.html",
		             id);
	else if (markup_url_ok(url))
		w = snprintf(out, cap, "%s", url);
	else
		return;
	if (w < 0 || (size_t)w >= cap)
		out[0] = '\0';
}
