/*
 * utf8.h — the one reading of UTF-8 that every parser and printer shares
 * (TOML, advisory front matter, JSON output).
 *
 * Well-formed means RFC 3629: shortest form only, no surrogates
 * (U+D800..U+DFFF), nothing past U+10FFFF. The range of the second byte
 * is what rules those out, so no code point needs computing to validate.
 * Inline: the TOML scanner calls it for every non-ASCII byte of a
 * lockfile.
 */
#ifndef ADVDB_SCHEMA_UTF8_H
#define ADVDB_SCHEMA_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1..4) of the well-formed sequence at s, of which n bytes are
 * readable, or 0 when it is not one (never reads past s[n-1]). */
static inline size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned c = n ? s[0] : 0;
	unsigned lo = 0x80, hi = 0xBF;
	size_t len;

	if (n == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;              /* no overlongs */
	else if (c == 0xED)
		hi = 0x9F;              /* no surrogates */
	else if (c == 0xF0)
		lo = 0x90;              /* no overlongs */
	else if (c == 0xF4)
		hi = 0x8F;              /* nothing past U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xBF)
			return 0;
	return len;
}

/* As utf8_seq_len, and the code point into *cp when well-formed. */
static inline size_t utf8_decode(const unsigned char *s, size_t n,
                                 uint32_t *cp)
{
	static const unsigned char lead_mask[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
	size_t len = utf8_seq_len(s, n);

	if (len == 0)
		return 0;
	uint32_t v = s[0] & lead_mask[len];
	for (size_t k = 1; k < len; k++)
		v = (v << 6) | (s[k] & 0x3F);
	*cp = v;
	return len;
}

#endif
