/*
 * json.c — the JSON writer (see json.h). Escaping validates UTF-8 by hand
 * (RFC 3629 table) so invalid input never leaks into the output; DEL and
 * the code points escape.h keeps from terminals (C1, bidi controls) are
 * written as \u escapes, the same string to a parser and inert on a
 * terminal that shows the JSON.
 */
#include "json.h"
#include "ascii.h"
#include "escape.h"
#include "utf8.h"

#include <string.h>

void json_init(json *j, buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

/* Separator before a value or a key at the current level. */
static void sep(json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->has_item[j->depth])
		buf_putc(j->out, ',');
	j->has_item[j->depth] = 1;
}

static void jopen(json *j, char c)
{
	sep(j);
	if (j->depth >= JSON_DEPTH_MAX) {
		j->out->failed = 1;
		return;
	}
	buf_putc(j->out, c);
	j->depth++;
	j->has_item[j->depth] = 0;
}

static void jclose(json *j, char c)
{
	if (j->depth == 0 || j->after_key) {
		j->out->failed = 1;
		return;
	}
	j->depth--;
	buf_putc(j->out, c);
}

void json_obj_begin(json *j) { jopen(j, '{'); }
void json_obj_end(json *j) { jclose(j, '}'); }
void json_arr_begin(json *j) { jopen(j, '['); }
void json_arr_end(json *j) { jclose(j, ']'); }

/* \uNNNN for a code point below U+10000, at p. */
static char *put_u(char *p, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";

	p[0] = '\\';
	p[1] = 'u';
	p[2] = hex[(cp >> 12) & 15];
	p[3] = hex[(cp >> 8) & 15];
	p[4] = hex[(cp >> 4) & 15];
	p[5] = hex[cp & 15];
	return p + 6;
}

/* The length of the run at s[0..n) that is copied as it is: printable
 * ASCII but `"` and `\`. A report's strings are names, versions, sources
 * and checksums, plain and short, and were checked a byte at a time:
 * now sixteen bytes at a time (SSE2: a byte below 0x20, or non-ASCII, is
 * below 0x20 as a signed char), or eight, the last block overlapping the
 * one before it (whose bytes are known plain), so that a string of 4 or
 * more bytes needs no byte loop unless it has a byte to escape. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
#define HAS_ZERO(w) (((w) - ONES) & ~(w) & HIGHS)

/* Non-zero when a byte of w is not plain: its high bit; below 0x20
 * (hasless, exact as a test of the whole word); 0x7F, `"` or `\`. */
static inline uint64_t word_bad(uint64_t w)
{
	return (w | ((w - ONES * 0x20) & ~w) | HAS_ZERO(w ^ ONES * 0x7F) |
	        HAS_ZERO(w ^ ONES * '"') | HAS_ZERO(w ^ ONES * '\\')) & HIGHS;
}

static inline size_t plain_run(const unsigned char *s, size_t n)
{
	size_t i = 0;
	uint64_t w;

#if ASCII_SSE2
	if (n >= 16) {
		unsigned m;
		for (; n - i >= 16; i += 16)
			if ((m = ascii_nonplain16(s + i)) != 0)
				return i + (unsigned)__builtin_ctz(m);
		if (i == n)
			return n;
		m = ascii_nonplain16(s + n - 16);
		return m ? n - 16 + (unsigned)__builtin_ctz(m) : n;
	}
#endif
	if (n >= 8) {
		for (; n - i >= 8; i += 8) {
			memcpy(&w, s + i, 8);
			if (word_bad(w))
				goto bytes;
		}
		if (i == n)
			return n;
		memcpy(&w, s + n - 8, 8);
		if (!word_bad(w))
			return n;
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		if (!word_bad((uint64_t)a << 32 | b))
			return n;
	}
bytes:
	for (; i < n; i++) {
		if (!ascii_is_plain(s[i]))
			break;
	}
	return i;
}

/* Copy a run to its place in the reserved room: short runs without a
 * call (two overlapping moves), long ones by memcpy. */
static inline char *copy_run(char *p, const unsigned char *s, size_t r)
{
	uint64_t a, b;
	uint32_t x, y;

	if (r >= 8 && r <= 16) {
		memcpy(&a, s, 8);
		memcpy(&b, s + r - 8, 8);
		memcpy(p, &a, 8);
		memcpy(p + r - 8, &b, 8);
	} else if (r >= 4 && r < 8) {
		memcpy(&x, s, 4);
		memcpy(&y, s + r - 4, 4);
		memcpy(p, &x, 4);
		memcpy(p + r - 4, &y, 4);
	} else {
		memcpy(p, s, r);
	}
	return p + r;
}

/*
 * Escape s[*ip..) to p until *ip reaches stop (or, to finish a UTF-8
 * sequence that starts before stop, up to 3 bytes past it; n bounds
 * every read). Returns the end of what was written: at most
 * ESC_ROOM(stop - *ip) bytes, since no input byte becomes more than 6.
 */
#define ESC_ROOM(n) (6 * (n) + 8)
#define ESC_CHUNK ((size_t)4096)    /* input bytes per reservation */

static char *esc_to(char *p, const unsigned char *s, size_t *ip,
                    size_t stop, size_t n)
{
	size_t i = *ip;

	while (i < stop) {
		size_t r = plain_run(s + i, stop - i);
		p = copy_run(p, s + i, r);
		i += r;
		if (i >= stop)
			break;
		unsigned c = s[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t l = utf8_decode(s + i, n - i, &cp);
			if (l && !escape_unsafe_cp(cp)) {
				memcpy(p, s + i, l);
				p += l;
			} else if (l) {
				p = put_u(p, cp);   /* C1 or bidi: inert on a TTY */
			} else {
				memcpy(p, "\xEF\xBF\xBD", 3);   /* U+FFFD, one bad byte */
				p += 3;
				l = 1;
			}
			i += l;
			continue;
		}
		char e = c == '"' ? '"' : c == '\\' ? '\\' : c == '\n' ? 'n' :
		         c == '\t' ? 't' : c == '\r' ? 'r' : c == '\b' ? 'b' :
		         c == '\f' ? 'f' : 0;
		if (e) {
			p[0] = '\\';
			p[1] = e;
			p += 2;
		} else {
			p = put_u(p, c);        /* other controls, DEL */
		}
		i++;
	}
	*ip = i;
	return p;
}

/* s[0..n) escaped at p (room: ESC_ROOM(n)); a plain string, the usual
 * case, without esc_to's loop. */
static inline char *esc_all(char *p, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = plain_run(s, n);

	p = copy_run(p, s, i);
	return i < n ? esc_to(p, s, &i, n, n) : p;
}

/* One reservation per ESC_CHUNK bytes of input, not one per run. */
void json_escape(buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		size_t stop = n - i > ESC_CHUNK ? i + ESC_CHUNK : n;
		char *p = buf_room(out, ESC_ROOM(stop - i));
		if (!p)
			return;
		buf_added(out, (size_t)(esc_to(p, s, &i, stop, n) - p));
	}
}

/* A quoted, escaped string at the current place: one reservation when
 * it is short (every string of a report but the longest texts). */
static void quoted(buf *out, const char *str, size_t n)
{
	char *p;

	if (n <= ESC_CHUNK && (p = buf_room(out, ESC_ROOM(n) + 2)) != NULL) {
		*p = '"';
		char *e = esc_all(p + 1, str, n);
		*e++ = '"';
		buf_added(out, (size_t)(e - p));
		return;
	}
	buf_putc(out, '"');
	json_escape(out, str, n);
	buf_putc(out, '"');
}

void json_key(json *j, const char *key)
{
	sep(j);
	quoted(j->out, key, strlen(key));
	buf_putc(j->out, ':');
	j->after_key = 1;
}

void json_key_quoted(json *j, const char *quoted_colon, size_t n)
{
	sep(j);
	buf_put(j->out, quoted_colon, n);
	j->after_key = 1;
}

/* f[0..n) as members at the current place of an object (obj: and the
 * braces around them, as a value). */
static void str_members(json *j, const json_field *f, size_t n, int obj)
{
	size_t len[JSON_FIELDS_MAX], room = n + 2, k;
	char *p, *e;

	for (k = 0; k < n && k < JSON_FIELDS_MAX; k++) {
		len[k] = f[k].val ? strlen(f[k].val) : 0;
		if (len[k] > ESC_CHUNK)
			break;
		room += f[k].klen + ESC_ROOM(len[k]) + 2;
	}
	if (k < n) {            /* many fields, or a long text: one by one */
		if (obj)
			json_obj_begin(j);
		for (k = 0; k < n; k++) {
			json_key_quoted(j, f[k].key, f[k].klen);
			json_str(j, f[k].val);
		}
		if (obj)
			json_obj_end(j);
		return;
	}
	if (!n && !obj)
		return;
	sep(j);
	if (obj && j->depth >= JSON_DEPTH_MAX) {
		j->out->failed = 1;     /* as json_obj_begin would */
		return;
	}
	if (!(p = buf_room(j->out, room)))
		return;
	e = p;
	if (obj)
		*e++ = '{';
	for (k = 0; k < n; k++) {
		if (k)
			*e++ = ',';
		e = copy_run(e, (const unsigned char *)f[k].key, f[k].klen);
		if (f[k].val) {
			*e++ = '"';
			e = esc_all(e, f[k].val, len[k]);
			*e++ = '"';
		} else {
			memcpy(e, "null", 4);
			e += 4;
		}
	}
	if (obj)
		*e++ = '}';
	buf_added(j->out, (size_t)(e - p));
}

void json_str_members(json *j, const json_field *f, size_t n)
{
	str_members(j, f, n, 0);
}

void json_str_object(json *j, const json_field *f, size_t n)
{
	str_members(j, f, n, 1);
}

void json_error_line(buf *out, const char *key, const char *value,
                     const char *msg)
{
	json j;

	json_init(&j, out);
	json_obj_begin(&j);
	if (key) {
		json_key(&j, key);
		json_str(&j, value);
	}
	json_key(&j, "error");
	json_str(&j, msg);
	json_obj_end(&j);
	buf_putc(out, '\n');
}

void json_raw_members(json *j, const char *s, size_t n)
{
	if (!n)
		return;
	sep(j);
	buf_put(j->out, s, n);
}

void json_raw_value(json *j, const char *s, size_t n)
{
	sep(j);
	buf_put(j->out, s, n);
}

void json_strn(json *j, const char *s, size_t n)
{
	sep(j);
	quoted(j->out, s, n);
}

void json_str(json *j, const char *s)
{
	if (!s) {
		sep(j);
		buf_puts(j->out, "null");
	} else {
		json_strn(j, s, strlen(s));
	}
}

void json_int(json *j, int64_t v)
{
	sep(j);
	if (v < 0) {
		buf_putc(j->out, '-');
		buf_putu(j->out, 0 - (unsigned long long)v);
	} else {
		buf_putu(j->out, (unsigned long long)v);
	}
}

void json_uint(json *j, uint64_t v)
{
	sep(j);
	buf_putu(j->out, v);
}

void json_bool(json *j, int v)
{
	sep(j);
	buf_puts(j->out, v ? "true" : "false");
}

void json_tenths(json *j, unsigned v10)
{
	sep(j);
	buf_putu(j->out, v10 / 10);
	buf_putc(j->out, '.');
	buf_putc(j->out, (char)('0' + v10 % 10));
}
