/*
 * toml_scan.c — lexing of TOML leaves: the whole-text UTF-8 and control
 * character check, whitespace and comments, keys, the four string kinds
 * and booleans; numbers and datetimes are in toml_num.c.
 *
 * Invariants:
 *   - No read at or past sc->len; every helper takes the bound from sc.
 *   - Decoded strings are never longer than their source text (every escape
 *     is at least as long as the UTF-8 it yields), so one arena block of the
 *     source length plus a NUL always fits; that is why strings are scanned
 *     twice: once to find the end, once to decode.
 *   - Multi-line strings turn CR-LF into LF, so values do not depend on the
 *     line endings of the file.
 *   - The text check and single-line strings without escapes go eight
 *     bytes at a time (the text check sixteen, with SSE2); each fast path
 *     stops at anything it is unsure of and leaves it to the byte loop,
 *     so all accept exactly the same.
 */
#include "toml_scan.h"
#include "errbuf.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define TSCAN_SSE2 1
#else
#define TSCAN_SSE2 0
#endif

static void set_msg(toml_error *e, unsigned line, unsigned col,
                    const char *fmt, va_list ap)
{
	if (!e)
		return;
	e->line = line;
	e->col = col;
	errbuf_vset(e->msg, sizeof e->msg, "invalid input", fmt, ap);
}

int tscan_err(tscan *sc, size_t at, const char *fmt, ...)
{
	va_list ap;
	unsigned col = at >= sc->bol ? (unsigned)(at - sc->bol + 1) : 1;

	va_start(ap, fmt);
	set_msg(sc->err, sc->line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int tscan_err_at(tscan *sc, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_msg(sc->err, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* Bytes of w below n have their high bit set in the result, provided no
 * byte of w has its own high bit set (checked alongside). */
#define ONES UINT64_C(0x0101010101010101)
#define HASLESS(w, n) (((w) - ONES * (n)) & ~(w))

/* Report a check_text error at byte i: the line and column are counted
 * only now (the scan does not track them, errors are rare). */
static int text_err(tscan *sc, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int text_err(tscan *sc, size_t i, const char *fmt, ...)
{
	const char *s = sc->s, *nl;
	size_t bol = 0;
	unsigned line = 1;
	va_list ap;

	while ((nl = memchr(s + bol, '\n', i - bol)) != NULL) {
		bol = (size_t)(nl - s) + 1;
		line++;
	}
	va_start(ap, fmt);
	set_msg(sc->err, line, (unsigned)(i - bol + 1), fmt, ap);
	va_end(ap);
	return -1;
}

int tscan_check_text(tscan *sc)
{
	const unsigned char *s = (const unsigned char *)sc->s;
	size_t i = 0, n;

	while (i < sc->len) {
		unsigned c;
		uint64_t w;
#if TSCAN_SSE2
		/* Sixteen bytes at a time, newlines and tabs included: anything
		 * else below 0x20, 0x7F or a non-ASCII byte (negative as a
		 * signed char, so "below 0x20" too) ends the run there. */
		while (sc->len - i >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
			                            (s + i));
			__m128i ok = _mm_or_si128(
			    _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
			    _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')));
			__m128i lo = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
			__m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F));
			unsigned bad = (unsigned)_mm_movemask_epi8(
			    _mm_or_si128(_mm_andnot_si128(ok, lo), del));
			if (bad) {
				i += (unsigned)__builtin_ctz(bad);
				break;
			}
			i += 16;
		}
		if (i >= sc->len)
			break;
#endif
		/* Eight plain ASCII bytes at a time: no high bit, none below
		 * 0x20, none equal to 0x7F. */
		if (sc->len - i >= 8) {
			memcpy(&w, s + i, 8);
			if (!((w | HASLESS(w, 0x20) | HASLESS(w ^ ONES * 0x7F, 1)) &
			      ONES * 0x80)) {
				i += 8;
				continue;
			}
		}
		c = s[i];
		if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t') {
			i++;
			continue;
		}
		if (c == '\r') {
			if (i + 1 < sc->len && s[i + 1] == '\n') {
				i++;
				continue;
			}
			return text_err(sc, i, "carriage return not followed by "
			                "line feed");
		}
		if (c < 0x80)
			return text_err(sc, i, "control character U+%04X is not "
			                "allowed", c);
		n = utf8_seq_len(s + i, sc->len - i);
		if (n == 0)
			return text_err(sc, i, "invalid UTF-8");
		i += n;
	}
	return 0;
}

const unsigned char tscan_bare[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1,
	['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
	['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1, ['_'] = 1, ['-'] = 1
};

void tscan_comment_skip(tscan *sc)
{
	const char *nl;

	nl = memchr(sc->s + sc->pos, '\n', sc->len - sc->pos);
	sc->pos = nl ? (size_t)(nl - sc->s) : sc->len;
	/* Leave a CR of a CR-LF for tscan_newline(). */
	if (sc->pos > 0 && sc->pos < sc->len && sc->s[sc->pos - 1] == '\r')
		sc->pos--;
}


static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decode the escape whose backslash is at sc->pos, inside a string ending
 * at `end`; append to o. Leaves sc->pos after the escape. A line-ending
 * backslash (multi-line only) swallows the whitespace and newlines after
 * it. */
static int escape(tscan *sc, size_t end, int multi, char *o, size_t *on)
{
	size_t at = sc->pos, p = at + 1, k, ndig;
	uint32_t cp = 0;
	char c;

	if (p >= end)
		return tscan_err(sc, at, "unfinished escape sequence");
	c = sc->s[p];
	switch (c) {
	case 'b': o[(*on)++] = '\b'; sc->pos = p + 1; return 0;
	case 't': o[(*on)++] = '\t'; sc->pos = p + 1; return 0;
	case 'n': o[(*on)++] = '\n'; sc->pos = p + 1; return 0;
	case 'f': o[(*on)++] = '\f'; sc->pos = p + 1; return 0;
	case 'r': o[(*on)++] = '\r'; sc->pos = p + 1; return 0;
	case '"': o[(*on)++] = '"'; sc->pos = p + 1; return 0;
	case '\\': o[(*on)++] = '\\'; sc->pos = p + 1; return 0;
	case 'e':                   /* TOML 1.1: escape, U+001B */
		if (!sc->v11)
			break;
		o[(*on)++] = 0x1B;
		sc->pos = p + 1;
		return 0;
	case 'x':                   /* TOML 1.1: \xHH, U+0000..U+00FF */
	case 'u':
	case 'U':
		if (c == 'x' && !sc->v11)
			break;
		ndig = c == 'x' ? 2 : c == 'u' ? 4 : 8;
		if (end - p - 1 < ndig)
			return tscan_err(sc, at, "short \\%c escape", c);
		for (k = 0; k < ndig; k++) {
			int h = tscan_hexval(sc->s[p + 1 + k]);
			if (h < 0)
				return tscan_err(sc, at, "bad hex digit in \\%c escape", c);
			cp = (cp << 4) | (uint32_t)h;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return tscan_err(sc, at, "escape \\%c is not a Unicode scalar value", c);
		*on += put_utf8(o + *on, cp);
		sc->pos = p + 1 + ndig;
		return 0;
	default:
		break;
	}
	if (multi) {
		/* Only whitespace may sit between the backslash and the newline. */
		while (p < end && (sc->s[p] == ' ' || sc->s[p] == '\t'))
			p++;
		sc->pos = p;
		if (tscan_newline(sc)) {
			for (;;) {
				tscan_ws(sc);
				if (sc->pos >= end || !tscan_newline(sc))
					break;
			}
			if (sc->pos > end)
				sc->pos = end;
			return 0;
		}
	}
	return tscan_err(sc, at, "invalid escape sequence");
}

/* The first byte at or after i that is q, b, CR or LF; len when none. */
static size_t str_run(const char *s, size_t i, size_t len, char q, char b)
{
#if TSCAN_SSE2
	__m128i vq = _mm_set1_epi8(q), vb = _mm_set1_epi8(b);
	__m128i vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r');

	while (len - i >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
		                            (s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmpeq_epi8(v, vb)),
		    _mm_or_si128(_mm_cmpeq_epi8(v, vn), _mm_cmpeq_epi8(v, vr))));
		if (m)
			return i + (unsigned)__builtin_ctz(m);
		i += 16;
	}
#else
	uint64_t wq = ONES * (unsigned char)q, wb = ONES * (unsigned char)b, w;

	/* Eight bytes at a time while none is q, b or below 0x20 (a tab,
	 * legal in a string, stops it too: the byte loop takes over). */
	while (len - i >= 8) {
		memcpy(&w, s + i, 8);
		if ((HASLESS(w ^ wq, 1) | HASLESS(w ^ wb, 1) |
		     HASLESS(w, 0x20)) & ONES * 0x80)
			break;
		i += 8;
	}
#endif
	while (i < len && s[i] != q && s[i] != b && s[i] != '\n' &&
	       s[i] != '\r')
		i++;
	return i;
}

/* Strings: find the closing delimiter, then decode into the arena. */
static int string(tscan *sc, tscalar *out)
{
	const char *s = sc->s;
	char q = s[sc->pos];
	int basic = q == '"';
	int multi = sc->len - sc->pos >= 3 && s[sc->pos + 1] == q &&
	            s[sc->pos + 2] == q;
	size_t start = sc->pos, i, end, close, on = 0;
	unsigned line0 = sc->line, col0 = (unsigned)(start - sc->bol + 1);
	char *o;

	sc->pos = start + (multi ? 3 : 1);
	/* A newline right after the opening delimiter is trimmed. */
	if (multi)
		tscan_newline(sc);
	i = sc->pos;
	if (!multi) {
		/* Fast path, most strings of a Cargo.lock: no escape, so the
		 * bytes are the value. Runs to the first quote q, backslash
		 * (basic strings only), CR or LF: the text check let no other
		 * control character through. */
		i = str_run(s, i, sc->len, q, basic ? '\\' : q);
		if (i < sc->len && s[i] == q) {
			o = toml_arena_bytes(sc->arena, i - sc->pos + 1);
			if (!o)
				return tscan_err_at(sc, line0, col0, "out of memory");
			memcpy(o, s + sc->pos, i - sc->pos);
			o[i - sc->pos] = '\0';
			out->type = TOML_STRING;
			out->s = o;
			out->len = i - sc->pos;
			sc->pos = i + 1;
			return 0;
		}
	}
	for (;;) {
		if (i >= sc->len)
			return tscan_err_at(sc, line0, col0, "unterminated string");
		if (s[i] == q) {
			size_t n = 1;
			if (!multi)
				break;
			while (i + n < sc->len && s[i + n] == q)
				n++;
			if (n >= 3) {
				if (n > 5)
					return tscan_err(sc, i, "too many quotes at end of string");
				i += n - 3;
				break;
			}
			i += n;
			continue;
		}
		if (!multi && (s[i] == '\n' || s[i] == '\r'))
			return tscan_err(sc, i, "newline in single-line string");
		if (basic && s[i] == '\\' && i + 1 < sc->len &&
		    s[i + 1] != '\n' && s[i + 1] != '\r')
			i++;
		i++;
	}
	end = i;
	close = end + (multi ? 3 : 1);

	o = toml_arena_bytes(sc->arena, end - sc->pos + 1);
	if (!o)
		return tscan_err_at(sc, line0, col0, "out of memory");
	while (sc->pos < end) {
		char c = s[sc->pos];
		if (basic && c == '\\') {
			if (escape(sc, end, multi, o, &on) < 0)
				return -1;
			continue;
		}
		if (c == '\r' || c == '\n') {
			/* Only multi-line strings get here (checked above). */
			tscan_newline(sc);
			o[on++] = '\n';
			continue;
		}
		o[on++] = c;
		sc->pos++;
	}
	o[on] = '\0';
	sc->pos = close;
	out->type = TOML_STRING;
	out->s = o;
	out->len = on;
	return 0;
}

int tscan_key(tscan *sc, tkey *out)
{
	size_t p = sc->pos;

	out->line = sc->line;
	out->col = (unsigned)(p - sc->bol + 1);
	if (p < sc->len && (sc->s[p] == '"' || sc->s[p] == '\'')) {
		tscalar v;
		if (sc->len - p >= 3 && sc->s[p + 1] == sc->s[p] &&
		    sc->s[p + 2] == sc->s[p])
			return tscan_err(sc, p, "a key cannot be a multi-line string");
		if (string(sc, &v) < 0)
			return -1;
		out->s = v.s;
		out->len = v.len;
		out->owned = 1;
		return 0;
	}
	while (p < sc->len && tscan_is_bare(sc->s[p]))
		p++;
	if (p == sc->pos)
		return tscan_err(sc, p, "expected a key");
	out->s = sc->s + sc->pos;
	out->len = p - sc->pos;
	out->owned = 0;
	sc->pos = p;
	return 0;
}

static int word(tscan *sc, const char *w, size_t n)
{
	return sc->len - sc->pos >= n && !memcmp(sc->s + sc->pos, w, n);
}

int tscan_scalar(tscan *sc, tscalar *out)
{
	size_t p = sc->pos;
	char c;

	memset(out, 0, sizeof *out);
	if (p >= sc->len)
		return tscan_err(sc, p, "expected a value");
	c = sc->s[p];
	if (c == '"' || c == '\'')
		return string(sc, out);
	if (word(sc, "true", 4) || word(sc, "false", 5)) {
		out->type = TOML_BOOL;
		out->b = c == 't';
		sc->pos += out->b ? 4 : 5;
		return 0;
	}
	if (tscan_is_digit(c) || c == '+' || c == '-' || c == 'i' || c == 'n')
		return tscan_numeric(sc, out);
	return tscan_err(sc, p, "expected a value");
}
