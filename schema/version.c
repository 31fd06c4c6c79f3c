/*
 * version.c — semver 2.0 versions (Cargo's `semver` crate strictness),
 * their precedence, their text, and their order-preserving keys.
 *
 * Owns: parsing, comparison, formatting, the "next version" rustsec uses
 * for exclusive bounds, and the key encoding described in version.h.
 *
 * Invariants kept here:
 *   - Nothing allocates and nothing reads past the length it was given;
 *     texts longer than the caps are rejected, never truncated.
 *   - A parsed prerelease is canonical (no leading zeros in numeric
 *     identifiers, no empty identifiers), so comparing numeric identifiers
 *     by (length, bytes) equals comparing their values, and a key decodes
 *     back to the very text it came from.
 *   - Numeric prerelease identifiers must fit in 64 bits (the key stores
 *     them as num()); the semver crate would accept bigger ones, nothing
 *     in the advisory data uses them.
 */
#include "version.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_ident_char(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '-';
}

/* A run of digits at s[*pos..len) as a u64: no leading zero, no overflow. */
static int parse_num(uint64_t *out, const char *s, size_t len, size_t *pos,
                     const char **err)
{
	size_t i = *pos;
	uint64_t v = 0;

	if (i >= len || !is_digit(s[i])) {
		*err = "expected a number";
		return -1;
	}
	if (s[i] == '0' && i + 1 < len && is_digit(s[i + 1])) {
		*err = "number with a leading zero";
		return -1;
	}
	for (; i < len && is_digit(s[i]); i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10) {
			*err = "number larger than 2^64-1";
			return -1;
		}
		v = v * 10 + d;
	}
	*out = v;
	*pos = i;
	return 0;
}

/* Value of a numeric identifier already known to be digits only. */
static int ident_value(uint64_t *out, const char *s, size_t len)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/*
 * Dot-separated identifiers at s[*pos..len), up to a byte that cannot be
 * part of one. Copied into buf (cap bytes + NUL). `pre` adds the prerelease
 * rules: numeric identifiers without leading zeros, within 64 bits.
 */
static int parse_idents(char *buf, size_t cap, uint16_t *outlen,
                        const char *s, size_t len, size_t *pos, int pre,
                        const char **err)
{
	size_t start = *pos, i = *pos;

	for (;;) {
		size_t seg = i;
		int digits_only = 1;
		while (i < len && is_ident_char(s[i])) {
			if (!is_digit(s[i]))
				digits_only = 0;
			i++;
		}
		if (i == seg) {
			*err = pre ? "empty prerelease identifier"
			           : "empty build identifier";
			return -1;
		}
		if (pre && digits_only) {
			uint64_t v;
			if (i - seg > 1 && s[seg] == '0') {
				*err = "numeric prerelease identifier with a leading zero";
				return -1;
			}
			if (ident_value(&v, s + seg, i - seg) < 0) {
				*err = "numeric prerelease identifier larger than 2^64-1";
				return -1;
			}
		}
		if (i < len && s[i] == '.') {
			i++;
			continue;
		}
		break;
	}
	if (i - start > cap) {
		*err = pre ? "prerelease too long" : "build metadata too long";
		return -1;
	}
	memcpy(buf, s + start, i - start);
	buf[i - start] = '\0';
	*outlen = (uint16_t)(i - start);
	*pos = i;
	return 0;
}

static int parse_common(version *out, int *nparts, int partial,
                        const char *s, size_t len, const char **err)
{
	size_t pos = 0;
	int parts = 1;
	version v;

	/* Only what is read: the texts end at their NUL (clearing and copying
	 * the whole struct, 272 bytes twice, was a tenth of a lookup). */
	v.major = v.minor = v.patch = 0;
	v.pre_len = v.build_len = 0;
	v.pre[0] = v.build[0] = '\0';
	if (s == NULL || len == 0) {
		*err = "empty version";
		return -1;
	}
	if (len > VERSION_TEXT_MAX) {
		*err = "version text too long";
		return -1;
	}
	if (parse_num(&v.major, s, len, &pos, err) < 0)
		return -1;
	if (pos < len && s[pos] == '.') {
		pos++;
		if (parse_num(&v.minor, s, len, &pos, err) < 0)
			return -1;
		parts = 2;
		if (pos < len && s[pos] == '.') {
			pos++;
			if (parse_num(&v.patch, s, len, &pos, err) < 0)
				return -1;
			parts = 3;
		}
	}
	if (parts < 3 && !partial) {
		*err = "expected MAJOR.MINOR.PATCH";
		return -1;
	}
	/* As the semver crate: prerelease and build only after a full version. */
	if (parts == 3 && pos < len && s[pos] == '-') {
		pos++;
		if (parse_idents(v.pre, VERSION_PRE_MAX, &v.pre_len, s, len, &pos,
		                 1, err) < 0)
			return -1;
	}
	if (parts == 3 && pos < len && s[pos] == '+') {
		pos++;
		if (parse_idents(v.build, VERSION_BUILD_MAX, &v.build_len, s, len,
		                 &pos, 0, err) < 0)
			return -1;
	}
	if (pos != len) {
		*err = "unexpected character in version";
		return -1;
	}
	out->major = v.major;
	out->minor = v.minor;
	out->patch = v.patch;
	out->pre_len = v.pre_len;
	out->build_len = v.build_len;
	memcpy(out->pre, v.pre, (size_t)v.pre_len + 1);
	memcpy(out->build, v.build, (size_t)v.build_len + 1);
	if (nparts)
		*nparts = parts;
	return 0;
}

int version_parse(version *out, const char *s, size_t len, const char **err)
{
	const char *dummy;
	return parse_common(out, NULL, 0, s, len, err ? err : &dummy);
}

int version_parse_partial(version *out, int *nparts, const char *s,
                          size_t len, const char **err)
{
	const char *dummy;
	return parse_common(out, nparts, 1, s, len, err ? err : &dummy);
}

static int cmp_u64(uint64_t a, uint64_t b) { return (a > b) - (a < b); }

/* One prerelease identifier: numeric below alphanumeric; numbers by value
 * (canonical text: length first), words by ASCII. */
static int cmp_ident(const char *a, size_t al, const char *b, size_t bl)
{
	int an = 1, bn = 1;
	for (size_t i = 0; i < al; i++)
		if (!is_digit(a[i]))
			an = 0;
	for (size_t i = 0; i < bl; i++)
		if (!is_digit(b[i]))
			bn = 0;
	if (an && bn) {
		if (al != bl)
			return al < bl ? -1 : 1;
		int c = memcmp(a, b, al);
		return (c > 0) - (c < 0);
	}
	if (an != bn)
		return an ? -1 : 1;
	int c = memcmp(a, b, al < bl ? al : bl);
	if (c != 0)
		return (c > 0) - (c < 0);
	return (al > bl) - (al < bl);
}

int version_cmp(const version *a, const version *b)
{
	int c;
	if ((c = cmp_u64(a->major, b->major)) != 0)
		return c;
	if ((c = cmp_u64(a->minor, b->minor)) != 0)
		return c;
	if ((c = cmp_u64(a->patch, b->patch)) != 0)
		return c;
	if (a->pre_len == 0 || b->pre_len == 0)
		return (a->pre_len == 0) - (b->pre_len == 0);

	size_t i = 0, j = 0;
	for (;;) {
		int aend = i >= a->pre_len, bend = j >= b->pre_len;
		if (aend || bend)
			return bend - aend;  /* fewer identifiers first */
		size_t ie = i, je = j;
		while (ie < a->pre_len && a->pre[ie] != '.')
			ie++;
		while (je < b->pre_len && b->pre[je] != '.')
			je++;
		c = cmp_ident(a->pre + i, ie - i, b->pre + j, je - j);
		if (c != 0)
			return c;
		i = ie + 1;
		j = je + 1;
	}
}

/* Decimal digits of x into d (no NUL), right-aligned in 20 bytes:
 * returns where they start. */
static const char *u64_digits(char d[20], uint64_t x)
{
	char *p = d + 20;
	do
		*--p = (char)('0' + x % 10);
	while ((x /= 10) != 0);
	return p;
}

/* By hand rather than snprintf: a decode checks every range bound's text
 * with it (snprintf was two thirds of that check). */
size_t version_format(const version *v, char *buf, size_t cap)
{
	char tmp[VERSION_TEXT_MAX + 64];
	char d[20];
	size_t n = 0;
	const uint64_t num[3] = { v->major, v->minor, v->patch };

	for (int i = 0; i < 3; i++) {
		const char *p = u64_digits(d, num[i]);
		size_t k = (size_t)(d + 20 - p);
		if (i)
			tmp[n++] = '.';
		memcpy(tmp + n, p, k);
		n += k;
	}
	/* the texts as strings, as snprintf's %s read them */
	if (v->pre_len) {
		size_t k = strnlen(v->pre, sizeof(v->pre));
		tmp[n++] = '-';
		memcpy(tmp + n, v->pre, k);
		n += k;
	}
	if (v->build_len) {
		size_t k = strnlen(v->build, sizeof(v->build));
		tmp[n++] = '+';
		memcpy(tmp + n, v->build, k);
		n += k;
	}
	if (cap > 0) {
		size_t w = n < cap - 1 ? n : cap - 1;
		memcpy(buf, tmp, w);
		buf[w] = '\0';
	}
	return n;
}

void version_set(version *out, uint64_t major, uint64_t minor,
                 uint64_t patch, int pre0)
{
	memset(out, 0, sizeof(*out));
	out->major = major;
	out->minor = minor;
	out->patch = patch;
	if (pre0) {
		out->pre[0] = '0';
		out->pre_len = 1;
	}
}

int version_next(version *out, const version *v)
{
	version n = *v;

	n.build_len = 0;
	n.build[0] = '\0';
	if (v->pre_len == 0) {
		if (v->patch == UINT64_MAX)
			return -1;
		n.patch = v->patch + 1;
		n.pre[0] = '0';
		n.pre[1] = '\0';
		n.pre_len = 1;
	} else {
		if (v->pre_len + 2u > VERSION_PRE_MAX)
			return -1;
		memcpy(n.pre + v->pre_len, ".0", 3);
		n.pre_len = (uint16_t)(v->pre_len + 2);
	}
	*out = n;
	return 0;
}

/* ---- keys ------------------------------------------------------------ */

/* Every version within the caps has a key: three numbers of at most 9
 * bytes, then a prerelease of L <= VERSION_PRE_MAX bytes in m <= (L+1)/2
 * identifiers, each costing at most its length + 2 (a tag, the bytes or
 * a number no longer than its digits, a terminator), and the end byte:
 * 27 + L + m + 2 bytes. version_parse keeps numeric identifiers within
 * 2^64-1 for the same reason. */
_Static_assert(27 + VERSION_PRE_MAX + (VERSION_PRE_MAX + 1) / 2 + 2 <=
               VKEY_MAX, "a version within the caps fits a key");

static size_t put_num(uint8_t *out, size_t at, uint64_t x)
{
	uint8_t n = 0;
	for (uint64_t t = x; t != 0; t >>= 8)
		n++;
	if (at + 1 + n > VKEY_MAX)
		return 0;
	out[at++] = n;
	for (int i = n - 1; i >= 0; i--)
		out[at++] = (uint8_t)(x >> (8 * i));
	return at;
}

size_t version_key_encode(const version *v, uint8_t *out)
{
	size_t at = 0;

	if ((at = put_num(out, at, v->major)) == 0 ||
	    (at = put_num(out, at, v->minor)) == 0 ||
	    (at = put_num(out, at, v->patch)) == 0)
		return 0;
	if (v->pre_len == 0) {
		if (at + 1 > VKEY_MAX)
			return 0;
		out[at++] = 0xFF;
		return at;
	}
	size_t i = 0;
	while (i < v->pre_len) {
		size_t e = i;
		int digits_only = 1;
		while (e < v->pre_len && v->pre[e] != '.') {
			if (!is_digit(v->pre[e]))
				digits_only = 0;
			e++;
		}
		uint64_t val;
		if (digits_only && ident_value(&val, v->pre + i, e - i) == 0) {
			if (at + 1 > VKEY_MAX)
				return 0;
			out[at++] = 0x01;
			if ((at = put_num(out, at, val)) == 0)
				return 0;
		} else {
			if (digits_only || at + 2 + (e - i) > VKEY_MAX)
				return 0;  /* numeric past 64 bits: not keyable */
			out[at++] = 0x02;
			memcpy(out + at, v->pre + i, e - i);
			at += e - i;
			out[at++] = 0x00;
		}
		i = e + 1;
	}
	if (at + 1 > VKEY_MAX)
		return 0;
	out[at++] = 0x00;
	return at;
}

/* Canonical num(): at most 8 bytes, no leading zero byte. */
static int get_num(uint64_t *x, const uint8_t *k, size_t len, size_t *at)
{
	if (*at >= len)
		return -1;
	uint8_t n = k[(*at)++];
	if (n > 8 || len - *at < n || (n > 0 && k[*at] == 0))
		return -1;
	uint64_t v = 0;
	for (uint8_t i = 0; i < n; i++)
		v = (v << 8) | k[(*at)++];
	*x = v;
	return 0;
}

int version_key_decode(version *out, const uint8_t *key, size_t len)
{
	version v;
	size_t at = 0;

	memset(&v, 0, sizeof v);
	if (key == NULL || len > VKEY_MAX)
		return -1;
	if (get_num(&v.major, key, len, &at) < 0 ||
	    get_num(&v.minor, key, len, &at) < 0 ||
	    get_num(&v.patch, key, len, &at) < 0 || at >= len)
		return -1;
	if (key[at] == 0xFF) {
		if (at + 1 != len)
			return -1;
		*out = v;
		return 0;
	}
	size_t p = 0;  /* bytes written to v.pre */
	for (;;) {
		if (at >= len)
			return -1;
		uint8_t tag = key[at++];
		if (tag == 0x00) {
			if (at != len || p == 0)
				return -1;
			break;
		}
		if (p > 0) {
			if (p + 1 > VERSION_PRE_MAX)
				return -1;
			v.pre[p++] = '.';
		}
		if (tag == 0x01) {
			uint64_t x;
			char tmp[24];
			if (get_num(&x, key, len, &at) < 0)
				return -1;
			int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)x);
			if (n < 0 || (size_t)n >= sizeof tmp ||
			    p + (size_t)n > VERSION_PRE_MAX)
				return -1;
			memcpy(v.pre + p, tmp, (size_t)n);
			p += (size_t)n;
		} else if (tag == 0x02) {
			size_t s = at;
			int digits_only = 1;
			while (at < len && key[at] != 0x00) {
				if (!is_ident_char((char)key[at]))
					return -1;
				if (!is_digit((char)key[at]))
					digits_only = 0;
				at++;
			}
			/* empty or all-digit words would not round-trip */
			if (at >= len || at == s || digits_only ||
			    p + (at - s) > VERSION_PRE_MAX)
				return -1;
			memcpy(v.pre + p, key + s, at - s);
			p += at - s;
			at++;  /* the word's 0x00 */
		} else {
			return -1;
		}
	}
	v.pre[p] = '\0';
	v.pre_len = (uint16_t)p;
	*out = v;
	return 0;
}

int version_key_cmp(const uint8_t *a, size_t alen,
                    const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;
	if (c != 0)
		return (c > 0) - (c < 0);
	return (alen > blen) - (alen < blen);
}

int version_key_is_pre(const uint8_t *key, size_t len)
{
	return len > 0 && key[len - 1] != 0xFF;
}
