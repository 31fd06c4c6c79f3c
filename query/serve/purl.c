/*
 * purl.c — the Package URL reader (see purl.h). Pieces are found from the
 * outside in, as the specification orders it: `#` first (a subpath may
 * hold `@` and `?`), then `?`, then the type, then the last `@`, then the
 * last `/`. Only the name and the version are decoded; the namespace,
 * qualifiers and subpath are checked for well-formed escapes (a client's
 * mistake is better told than ignored) and otherwise dropped.
 */
#include "purl.h"

#include "ascii.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Percent-decode s[0..n) into out (NUL-terminated; n + 1 bytes). Returns
 * the decoded length, or -1 for a malformed escape or a NUL. out may be
 * NULL to check only. */
static long decode(char *out, const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= n)
				return -1;
			hi = ascii_hexval((unsigned char)s[i + 1]);
			lo = ascii_hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0')
			return -1;
		if (out)
			out[k] = (char)c;
		k++;
	}
	if (out)
		out[k] = '\0';
	return (long)k;
}

static int type_char(unsigned char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	if (first)
		return 0;
	return (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-';
}

int purl_parse(purl *out, const char *s, size_t n, char *scratch,
               char *msg, size_t cap)
{
	const char *p, *end = s + n, *cut;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (n < 4 || strncasecmp(s, "pkg:", 4) != 0) {
		snprintf(msg, cap, "invalid purl: the scheme is not \"pkg:\"");
		return -1;
	}
	if (memchr(s, '\0', n)) {
		snprintf(msg, cap, "invalid purl: a NUL byte");
		return -1;
	}
	p = s + 4;
	while (p < end && *p == '/')
		p++;
	/* #subpath, then ?qualifiers: checked, then dropped */
	if ((cut = memchr(p, '#', (size_t)(end - p)))) {
		if (decode(NULL, cut + 1, (size_t)(end - cut - 1)) < 0)
			goto bad_escape;
		end = cut;
	}
	if ((cut = memchr(p, '?', (size_t)(end - p)))) {
		if (decode(NULL, cut + 1, (size_t)(end - cut - 1)) < 0)
			goto bad_escape;
		end = cut;
	}
	/* the type */
	for (i = 0; p + i < end && p[i] != '/'; i++) {
		if (!type_char((unsigned char)p[i], i == 0)) {
			snprintf(msg, cap, "invalid purl: the type may hold only "
			         "letters, digits, '.', '+' and '-', starting "
			         "with a letter");
			return -1;
		}
	}
	if (i == 0 || p + i == end) {
		snprintf(msg, cap, "invalid purl: %s", i == 0
		         ? "the type is missing" : "the name is missing");
		return -1;
	}
	if (i >= sizeof(out->type)) {
		snprintf(msg, cap, "invalid purl: the type is longer than %zu "
		         "bytes", sizeof(out->type) - 1);
		return -1;
	}
	for (size_t k = 0; k < i; k++) {
		char c = p[k];
		out->type[k] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out->type[i] = '\0';
	p += i + 1;
	/* @version: after the last '@' */
	const char *at = NULL;
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			at = q;
	const char *name_end = at ? at : end;
	/* trailing slashes are no part of the name */
	while (name_end > p && name_end[-1] == '/')
		name_end--;
	const char *slash = NULL;
	for (const char *q = p; q < name_end; q++)
		if (*q == '/')
			slash = q;
	const char *name = slash ? slash + 1 : p;
	if (slash && decode(NULL, p, (size_t)(slash - p)) < 0)
		goto bad_escape;
	if (name == name_end) {
		snprintf(msg, cap, "invalid purl: the name is missing");
		return -1;
	}
	long nl = decode(scratch, name, (size_t)(name_end - name));
	if (nl < 0)
		goto bad_escape;
	out->name = scratch;
	out->name_len = (size_t)nl;
	if (at && at + 1 < end) {
		char *v = scratch + nl + 1;
		long vl = decode(v, at + 1, (size_t)(end - at - 1));
		if (vl < 0)
			goto bad_escape;
		if (vl > 0) {
			out->version = v;
			out->version_len = (size_t)vl;
		}
	}
	return 0;
bad_escape:
	snprintf(msg, cap, "invalid purl: a malformed percent-escape or an "
	         "escaped NUL");
	return -1;
}

int purl_is_cargo(const purl *p)
{
	return strcmp(p->type, "cargo") == 0;
}
