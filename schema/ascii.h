/*
 * ascii.h — ASCII character classes that more than one parser needs (the
 * TOML reader, the advisory reader's URL and date forms, the fast
 * Cargo.lock reader, the JSON writer). Inline and locale-free:
 * <ctype.h> depends on the locale and takes int with EOF.
 */
#ifndef ADVDB_SCHEMA_ASCII_H
#define ADVDB_SCHEMA_ASCII_H

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define ASCII_SSE2 1
#else
#define ASCII_SSE2 0
#endif

/* Plain string text: printable ASCII but `"` and `\` (0x20..0x7E). What
 * a JSON or TOML string holds as it is, with nothing to escape or check. */
static inline int ascii_is_plain(int c)
{
	return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

#if ASCII_SSE2
/* A bit per byte of the 16 at p that is not plain (ascii_is_plain):
 * `"`, `\`, DEL, or below 0x20 as a signed char, which takes in every
 * byte >= 0x80. The caller makes sure the 16 bytes may be read. */
static inline unsigned ascii_nonplain16(const void *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)p);

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(
	    _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
	                 _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')),
	                 _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)))));
}
#endif

static inline int ascii_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Value of a hexadecimal digit, or -1. */
static inline int ascii_hexval(int c)
{
	if (ascii_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
