/*
 * advisory_forms.c — the forms of the values an advisory holds, read as
 * the types of the rustsec crate read them when an advisory is loaded
 * (`Advisory::from_str`): advisory ids (advisory/id.rs), dates
 * (advisory/date.rs over jiff's Temporal date parser), URLs (the `url`
 * crate, WHATWG), package sources (cargo-lock's SourceId) and function
 * paths (advisory/affected.rs). What these accept is what an advisory may
 * hold; what they reject makes rustsec refuse the whole advisory, so it is
 * an error here too. Rules only rustsec's linter applies are not here
 * (advisory.c reports them as warnings).
 *
 * Each check takes exactly n bytes (no NUL needed), writes nothing but its
 * out-parameters, and on failure gives a static reason for the caller to
 * quote after the value. No allocation, no state.
 *
 * Known differences, all on inputs no real advisory has: URL hosts are
 * not run through IDNA (a non-ASCII host that IDNA refuses is accepted),
 * and a date with an RFC 9557 annotation ("2024-01-02T00:00[UTC]"), which
 * jiff may accept, is refused.
 */
#include "advisory_int.h"
#include "ascii.h"
#include "frontmatter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers as Rust's u32::from_str reads them ---- */

/* An optional '+', then one or more ASCII digits, at most u32::MAX. */
int adv_rust_u32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n > 0 && s[0] == '+')
		i = 1;
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* ---- advisory ids ---- */

int adv_id_parse(adv_id *out, const char *s, size_t n, const char **why)
{
	memset(out, 0, sizeof(*out));
	if (n == strlen(ADVISORY_PLACEHOLDER_ID) &&
	    memcmp(s, ADVISORY_PLACEHOLDER_ID, n) == 0) {
		out->kind = ADV_ID_RUSTSEC;
		out->placeholder = 1;
		return 0;
	}
	if (n >= 8 && memcmp(s, "RUSTSEC-", 8) == 0)
		out->kind = ADV_ID_RUSTSEC;
	else if (n >= 4 && memcmp(s, "CVE-", 4) == 0)
		out->kind = ADV_ID_CVE;
	else if (n >= 6 && memcmp(s, "TALOS-", 6) == 0)
		out->kind = ADV_ID_TALOS;
	else if (n >= 5 && memcmp(s, "GHSA-", 5) == 0)
		return out->kind = ADV_ID_GHSA, 0;
	else
		return out->kind = ADV_ID_OTHER, 0;

	/* PREFIX-YEAR-NUMBER, split at '-' as rustsec's parse_year does. */
	const char *p = memchr(s, '-', n) + 1, *end = s + n;
	const char *d2 = memchr(p, '-', (size_t)(end - p));
	size_t ylen = (size_t)((d2 ? d2 : end) - p);
	uint32_t year, num;

	if (adv_rust_u32(p, ylen, &year) < 0)
		return *why = "malformed year in advisory ID", -1;
	if (year < ADV_YEAR_MIN || year > ADV_YEAR_MAX)
		return *why = "out-of-range year in advisory ID (2000 to 2100)", -1;
	if (!d2)
		return *why = "incomplete advisory ID", -1;
	const char *q = d2 + 1;
	const char *d3 = memchr(q, '-', (size_t)(end - q));
	if (adv_rust_u32(q, (size_t)((d3 ? d3 : end) - q), &num) < 0 || d3)
		return *why = "malformed advisory ID", -1;
	out->has_year = 1;
	out->year = year;
	return 0;
}

/* ---- dates: jiff's Temporal date, then rustsec's year range ---- */

static int digits(const char *s, size_t n, size_t k, int *v)
{
	*v = 0;
	if (n < k)
		return -1;
	for (size_t i = 0; i < k; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int mdays(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	                           31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

/* TimeSpec: HH[[:]MM[[:]SS[(.|,)fraction]]], one separator style. */
static size_t time_spec(const char *s, size_t n)
{
	size_t p = 0;
	int v, ext;

	if (digits(s, n, 2, &v) < 0 || v > 23)
		return 0;
	p = 2;
	ext = p < n && s[p] == ':';
	for (int part = 0; part < 2; part++) {
		int more = ext ? (p < n && s[p] == ':')
		               : (digits(s + p, n - p, 2, &v) == 0);
		if (!more)
			return p;
		p += (size_t)ext;
		if (digits(s + p, n - p, 2, &v) < 0 || v > (part ? 60 : 59))
			return 0;
		p += 2;
	}
	if (p < n && (s[p] == '.' || s[p] == ',')) {
		size_t q = p + 1;
		while (q < n && q - p <= 9 && s[q] >= '0' && s[q] <= '9')
			q++;
		if (q == p + 1 || (q < n && s[q] >= '0' && s[q] <= '9'))
			return 0;
		p = q;
	}
	return p;
}

/* A numeric UTC offset: (+|-)HH[[:]MM[[:]SS[fraction]]]; 'Z' is refused
 * for a civil date (jiff: "Z" means the local date is unknown). */
static size_t offset_spec(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '+' && s[0] != '-'))
		return 0;
	size_t t = time_spec(s + 1, n - 1);
	return t ? t + 1 : 0;
}

int adv_date_parse(char out[11], const char *s, size_t n, const char **why)
{
	size_t p = 0;
	int y, m, d, ext;

	*why = "not a valid date";
	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		if (digits(s + 1, n - 1, 6, &y) < 0)
			return -1;
		if (s[0] == '-')
			y = -y;
		if (y == 0 && s[0] == '-')
			return -1;
		p = 7;
	} else {
		if (digits(s, n, 4, &y) < 0)
			return -1;
		p = 4;
	}
	ext = p < n && s[p] == '-';
	p += (size_t)ext;
	if (digits(s + p, n - p, 2, &m) < 0 || m < 1 || m > 12)
		return -1;
	p += 2;
	if (ext) {
		if (p >= n || s[p] != '-')
			return -1;
		p++;
	} else if (p < n && s[p] == '-') {
		return -1;
	}
	if (digits(s + p, n - p, 2, &d) < 0 || d < 1 || y < -9999 || y > 9999 ||
	    d > mdays(y < 0 ? -y : y, m))
		return -1;
	p += 2;
	if (p < n && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
		size_t t = time_spec(s + p + 1, n - p - 1);
		if (!t)
			return -1;
		p += 1 + t;
		if (p < n && (s[p] == 'Z' || s[p] == 'z'))
			return *why = "a date with a \"Z\" offset is not a civil date",
			       -1;
		p += offset_spec(s + p, n - p);
	}
	if (p != n)
		return -1;
	if (y < (int)ADV_YEAR_MIN || y > (int)ADV_YEAR_MAX)
		return *why = "year must be between 2000 and 2100", -1;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return 0;
}

int adv_date_year(const char *s, size_t n, uint32_t *year)
{
	const char *dash = memchr(s, '-', n);
	return adv_rust_u32(s, dash ? (size_t)(dash - s) : n, year);
}

/* ---- URLs: what the url crate's Url::parse refuses ---- */

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* WHATWG IPv4 number: decimal, 0x hex or 0-led octal. -1 invalid. */
static int ipv4_number(const char *s, size_t n, uint64_t *v)
{
	unsigned base = 10;

	*v = 0;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	} else if (n >= 2 && s[0] == '0') {
		base = 8;
		s++;
		n--;
	}
	for (size_t i = 0; i < n; i++) {
		int h = ascii_hexval((unsigned char)s[i]);
		if (h < 0 || (unsigned)h >= base)
			return -1;
		*v = *v * base + (unsigned)h;
		if (*v > 0xFFFFFFFFull * 256)
			*v = 0xFFFFFFFFull * 256;       /* saturate: too big anyway */
	}
	return 0;
}

/* Does the host end in a number (WHATWG "ends in a number checker")? */
static int ends_in_number(const char *h, size_t n)
{
	if (n && h[n - 1] == '.')
		n--;
	size_t b = n;
	while (b > 0 && h[b - 1] != '.')
		b--;
	const char *l = h + b;
	size_t ln = n - b;
	if (ln == 0)
		return 0;
	int all = 1;
	for (size_t i = 0; i < ln; i++)
		all &= ascii_is_digit((unsigned char)l[i]);
	if (all)
		return 1;
	if (ln >= 2 && l[0] == '0' && (l[1] == 'x' || l[1] == 'X')) {
		for (size_t i = 2; i < ln; i++)
			if (ascii_hexval((unsigned char)l[i]) < 0)
				return 0;
		return 1;
	}
	return 0;
}

static int ipv4_valid(const char *h, size_t n)
{
	uint64_t part[5];
	size_t np = 0, i = 0;

	if (n && h[n - 1] == '.')
		n--;
	while (i <= n) {
		const char *dot = memchr(h + i, '.', n - i);
		size_t e = dot ? (size_t)(dot - h) : n;
		if (np == 4 || e == i || ipv4_number(h + i, e - i, &part[np]) < 0)
			return 0;
		np++;
		i = e + 1;
		if (!dot)
			break;
	}
	for (size_t k = 0; k + 1 < np; k++)
		if (part[k] > 255)
			return 0;
	return part[np - 1] < (1ull << (8 * (5 - np)));
}

/* The WHATWG IPv6 parser, validating only. */
static int ipv6_valid(const char *s, size_t n)
{
	size_t p = 0;
	int piece = 0, compress = -1;

	if (p < n && s[p] == ':') {
		if (p + 1 >= n || s[p + 1] != ':')
			return 0;
		p += 2;
		compress = ++piece;
	}
	while (p < n) {
		if (piece == 8)
			return 0;
		if (s[p] == ':') {
			if (compress >= 0)
				return 0;
			p++;
			compress = ++piece;
			continue;
		}
		size_t len = 0;
		while (len < 4 && p < n && ascii_hexval((unsigned char)s[p]) >= 0) {
			p++;
			len++;
		}
		if (p < n && s[p] == '.') {
			if (len == 0 || piece > 6)
				return 0;
			p -= len;
			int seen = 0;
			while (p < n) {
				int v = -1;
				if (seen > 0) {
					if (s[p] == '.' && seen < 4)
						p++;
					else
						return 0;
				}
				if (p >= n || !ascii_is_digit((unsigned char)s[p]))
					return 0;
				while (p < n && ascii_is_digit((unsigned char)s[p])) {
					int d = s[p] - '0';
					if (v < 0)
						v = d;
					else if (v == 0)
						return 0;
					else
						v = v * 10 + d;
					if (v > 255)
						return 0;
					p++;
				}
				seen++;
				if (seen == 2 || seen == 4)
					piece++;
			}
			if (seen != 4)
				return 0;
			break;
		} else if (p < n && s[p] == ':') {
			p++;
			if (p >= n)
				return 0;
		} else if (p < n) {
			return 0;
		}
		piece++;
	}
	return compress >= 0 || piece == 8;
}

/* Code points WHATWG forbids in a host (opaque hosts allow '%'). */
static int forbidden_host(unsigned char c, int opaque)
{
	if (c <= 0x20 || c == 0x7F)
		return 1;
	if (!opaque && c == '%')
		return 1;
	return strchr("#/:<>?@[\\]^|", c) != NULL && c != 0;
}

/* Percent-decode h (n bytes) into out (room for n); returns the length. */
static size_t pct_decode(char *out, const char *h, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (h[i] == '%' && i + 2 < n &&
		    ascii_hexval((unsigned char)h[i + 1]) >= 0 &&
		    ascii_hexval((unsigned char)h[i + 2]) >= 0) {
			out[o++] = (char)(ascii_hexval((unsigned char)h[i + 1]) * 16 +
			                  ascii_hexval((unsigned char)h[i + 2]));
			i += 2;
		} else {
			out[o++] = h[i];
		}
	}
	return o;
}

/* The host of an authority, [userinfo@]host[:port], in *host and *hn,
 * after checking the port (digits, at most 65535) and the brackets of an
 * IPv6 host. 0, or -1 with *why. */
static int authority(char **host, size_t *hn, char *a, size_t n,
                     const char **why)
{
	char *at = NULL;

	for (size_t i = 0; i < n; i++)
		if (a[i] == '@')
			at = a + i;
	if (at) {
		n -= (size_t)(at + 1 - a);
		a = at + 1;
		if (n == 0)
			return *why = "empty host", -1;
	}
	size_t h = n;
	if (n && a[0] == '[') {
		const char *rb = memchr(a, ']', n);
		if (!rb || !ipv6_valid(a + 1, (size_t)(rb - a - 1)))
			return *why = "invalid IPv6 address", -1;
		h = (size_t)(rb - a) + 1;
		if (h < n && a[h] != ':')
			return *why = "invalid IPv6 address", -1;
	} else {
		const char *colon = memchr(a, ':', n);
		if (colon)
			h = (size_t)(colon - a);
	}
	if (h < n) {
		uint32_t port = 0;
		for (size_t i = h + 1; i < n; i++) {
			if (!ascii_is_digit((unsigned char)a[i]))
				return *why = "invalid port number", -1;
			port = port * 10 + (uint32_t)(a[i] - '0');
			if (port > 65535)
				return *why = "invalid port number", -1;
		}
		if (h == 0)
			return *why = "empty host", -1;
	}
	*host = a;
	*hn = h;
	return 0;
}

/* The authority of a special URL (not file); a is scratch (the host is
 * percent-decoded in place). */
static int special_host(char *a, size_t n, const char **why)
{
	char *host;
	size_t hn;

	if (authority(&host, &hn, a, n, why) < 0)
		return -1;
	if (hn == 0)
		return *why = "empty host", -1;
	if (host[0] == '[')
		return 0;
	size_t dn = pct_decode(host, host, hn);
	if (frontmatter_utf8_valid(host, dn) != dn)
		return *why = "invalid international domain name", -1;
	for (size_t i = 0; i < dn; i++) {
		unsigned char c = (unsigned char)host[i];
		if (c < 0x80 && forbidden_host(c, 0))
			return *why = "invalid domain character", -1;
	}
	if (ends_in_number(host, dn) && !ipv4_valid(host, dn))
		return *why = "invalid IPv4 address", -1;
	return 0;
}

static int url_parse(char *buf, size_t m, const char **why)
{
	size_t i = 0;
	if (m == 0 || !is_alpha((unsigned char)buf[0]))
		return *why = "relative URL without a base", -1;
	while (i < m && (is_alpha((unsigned char)buf[i]) ||
	                 ascii_is_digit((unsigned char)buf[i]) || buf[i] == '+' ||
	                 buf[i] == '-' || buf[i] == '.'))
		i++;
	if (i == m || buf[i] != ':')
		return *why = "relative URL without a base", -1;
	char scheme[8];
	size_t sl = i;
	int special = 0, file = 0;
	if (sl < sizeof(scheme)) {
		for (size_t k = 0; k < sl; k++)
			scheme[k] = (char)(buf[k] | 0x20);
		scheme[sl] = '\0';
		special = !strcmp(scheme, "http") || !strcmp(scheme, "https") ||
		          !strcmp(scheme, "ws") || !strcmp(scheme, "wss") ||
		          !strcmp(scheme, "ftp");
		file = !strcmp(scheme, "file");
	}
	i++;
	if (file)
		return 0;           /* any host (or none) is a file URL */
	if (special) {
		while (i < m && (buf[i] == '/' || buf[i] == '\\'))
			i++;
		size_t a = i;
		while (i < m && buf[i] != '/' && buf[i] != '\\' && buf[i] != '?' &&
		       buf[i] != '#')
			i++;
		return special_host(buf + a, i - a, why);
	}
	/* Another scheme: an authority only after "//", an opaque host. */
	if (m - i >= 2 && buf[i] == '/' && buf[i + 1] == '/') {
		size_t a = i + 2;
		char *host;
		size_t hn;
		i = a;
		while (i < m && buf[i] != '/' && buf[i] != '?' && buf[i] != '#')
			i++;
		if (authority(&host, &hn, buf + a, i - a, why) < 0)
			return -1;
		for (size_t k = 0; hn && host[0] != '[' && k < hn; k++)
			if ((unsigned char)host[k] < 0x80 &&
			    forbidden_host((unsigned char)host[k], 1))
				return *why = "invalid domain character", -1;
	}
	return 0;
}

int adv_url_check(const char *s, size_t n, const char **why)
{
	size_t b = 0, e = n, m = 0;

	/* Leading and trailing C0 controls and spaces go; tabs and newlines
	 * anywhere are removed (WHATWG's first steps). */
	while (b < e && (unsigned char)s[b] <= 0x20)
		b++;
	while (e > b && (unsigned char)s[e - 1] <= 0x20)
		e--;
	char *buf = malloc(e - b + 1);
	if (!buf)
		return *why = "out of memory", -1;
	for (size_t i = b; i < e; i++)
		if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			buf[m++] = s[i];
	int rc = url_parse(buf, m, why);
	free(buf);
	return rc;
}

/* ---- package sources: cargo-lock's SourceId::from_url ---- */

int adv_source_check(const char *s, size_t n, int *crates_io,
                     const char **why)
{
	static const char cio[] =
	    "registry+https://github.com/rust-lang/crates.io-index";
	const char *plus = memchr(s, '+', n);

	*crates_io = 0;
	if (!plus)
		return *why = "invalid source (expected KIND+URL)", -1;
	size_t kl = (size_t)(plus - s);
	if (!((kl == 3 && !memcmp(s, "git", 3)) ||
	      (kl == 8 && !memcmp(s, "registry", 8)) ||
	      (kl == 6 && !memcmp(s, "sparse", 6)) ||
	      (kl == 4 && !memcmp(s, "path", 4))))
		return *why = "unsupported source protocol (git, registry, "
		              "sparse or path)", -1;
	if (adv_url_check(plus + 1, n - kl - 1, why) < 0)
		return -1;
	*crates_io = n == sizeof(cio) - 1 && !memcmp(s, cio, n);
	return 0;
}

/* ---- function paths: rustsec's FunctionPath ---- */

int adv_fnpath_check(const char *s, size_t n, size_t *crate_len,
                     const char **why)
{
	size_t segs = 0, i = 0;

	*crate_len = 0;
	for (;;) {
		const char *sep = NULL;
		for (size_t k = i; k + 1 < n; k++)
			if (s[k] == ':' && s[k + 1] == ':') {
				sep = s + k;
				break;
			}
		size_t e = sep ? (size_t)(sep - s) : n;
		if (e == i)
			return *why = "empty identifier in affected path", -1;
		unsigned char c = (unsigned char)s[i];
		if (!is_alpha(c) && c != '_' && c != '<')
			return *why = "invalid character at start of identifier",
			       -1;
		for (size_t k = i + 1; k < e; k++) {
			c = (unsigned char)s[k];
			if (c == '(' || c == ')')
				return *why = "omit parameters when specifying "
				              "affected paths", -1;
			if (!is_alpha(c) && !ascii_is_digit(c) && c != '_' && c != '<' &&
			    c != '>' && c != ',')
				return *why = "invalid character in identifier", -1;
		}
		if (segs++ == 0)
			*crate_len = e;
		if (!sep)
			break;
		i = e + 2;
	}
	if (segs < 2)
		return *why = "paths must start with the crate name (at least "
		              "two segments)", -1;
	return 0;
}
