/*
 * json.c — the JSON writer (see json.h). Escaping validates UTF-8 by hand
 * (RFC 3629 table) so invalid input never leaks into the output; DEL and
 * the code points escape.h keeps from terminals (C1, bidi controls) are
 * written as \u escapes, the same string to a parser and inert on a
 * terminal that shows the JSON.
 */
#include "json.h"
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

void json_key(json *j, const char *key)
{
	sep(j);
	buf_putc(j->out, '"');
	json_escape(j->out, key, strlen(key));
	buf_put(j->out, "\":", 2);
	j->after_key = 1;
}

/* \uNNNN for a code point below U+10000. */
static void put_u(buf *out, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15],
	              hex[(cp >> 4) & 15], hex[cp & 15] };

	buf_put(out, u, sizeof(u));
}

void json_escape(buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;          /* s[i-run..i) is pending plain text */

	while (i < n) {
		unsigned char c = s[i];
		const char *esc = NULL;
		uint32_t cp = c;
		size_t l = 1;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7F) {
			i++, run++;
			continue;
		}
		if (c >= 0x80) {
			l = utf8_decode(s + i, n - i, &cp);
			if (l && !escape_unsafe_cp(cp)) {
				i += l, run += l;
				continue;
			}
			if (!l) {
				esc = "\xEF\xBF\xBD";   /* U+FFFD, one bad byte */
				l = 1;
			}               /* else C1 or bidi: \u, inert on a TTY */
		} else if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\t')
			esc = "\\t";
		else if (c == '\r')
			esc = "\\r";
		else if (c == '\b')
			esc = "\\b";
		else if (c == '\f')
			esc = "\\f";
		buf_put(out, (const char *)s + i - run, run);
		run = 0;
		if (esc)
			buf_puts(out, esc);
		else
			put_u(out, cp);
		i += l;
	}
	buf_put(out, (const char *)s + i - run, run);
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
	buf_putc(j->out, '"');
	json_escape(j->out, s, n);
	buf_putc(j->out, '"');
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
