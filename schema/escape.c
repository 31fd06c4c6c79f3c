/*
 * escape.c — untrusted text made safe for a terminal (see escape.h). The
 * reading of UTF-8 is utf8.h's; this file only decides what passes.
 */
#include "escape.h"

#include <string.h>

#include "utf8.h"

static const char hex[] = "0123456789abcdef";

int escape_unsafe_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) ||      /* C1 controls */
	       cp == 0x061C ||                    /* ARABIC LETTER MARK */
	       cp == 0x200E || cp == 0x200F ||    /* LRM, RLM */
	       (cp >= 0x202A && cp <= 0x202E) ||  /* LRE RLE PDF LRO RLO */
	       (cp >= 0x2066 && cp <= 0x2069);    /* LRI RLI FSI PDI */
}

size_t escape_span(const char *str, size_t n, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			if ((c >= 0x20 && c != 0x7F) ||
			    ((flags & ESCAPE_MULTILINE) && (c == '\n' || c == '\t'))) {
				i++;
				continue;
			}
			break;
		}
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (len == 0 || escape_unsafe_cp(cp))
			break;
		i += len;
	}
	return i;
}

size_t escape_one(char out[ESCAPE_SEQ_MAX], size_t *outlen, const char *str,
                  size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;
	size_t len = s[0] >= 0x80 ? utf8_decode(s, n, &cp) : 0;

	if (len >= 2) {         /* a code point escape_span refused */
		out[0] = '\\';
		out[1] = 'u';
		out[2] = hex[(cp >> 12) & 15];
		out[3] = hex[(cp >> 8) & 15];
		out[4] = hex[(cp >> 4) & 15];
		out[5] = hex[cp & 15];
		*outlen = 6;
		return len;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[s[0] >> 4];
	out[3] = hex[s[0] & 15];
	*outlen = 4;
	return 1;
}

/* Escape s into out, at most limit bytes, never cutting an escape or a
 * UTF-8 sequence; *used is how much of s went in. */
static size_t fill(char *out, size_t limit, const char *s, size_t n,
                   unsigned flags, size_t *used)
{
	size_t o = 0, i = 0;

	while (i < n) {
		size_t run = escape_span(s + i, n - i, flags);
		if (run) {
			if (run > limit - o) {
				run = limit - o;
				/* back to the start of a sequence: every byte
				 * of the span is part of a well-formed one */
				while (run > 0 &&
				       ((unsigned char)s[i + run] & 0xC0) == 0x80)
					run--;
				memcpy(out + o, s + i, run);
				o += run;
				i += run;
				break;
			}
			memcpy(out + o, s + i, run);
			o += run;
			i += run;
			continue;
		}
		char e[ESCAPE_SEQ_MAX];
		size_t el, k = escape_one(e, &el, s + i, n - i);
		if (el > limit - o)
			break;
		memcpy(out + o, e, el);
		o += el;
		i += k;
	}
	*used = i;
	return o;
}

size_t escape_text(char *out, size_t cap, const char *s, size_t n,
                   unsigned flags)
{
	size_t used, o;

	if (cap == 0)
		return 0;
	o = fill(out, cap - 1, s, n, flags, &used);
	if (used < n) {
		if (cap < 4) {
			o = 0;
		} else {
			o = fill(out, cap - 4, s, n, flags, &used);
			memcpy(out + o, "...", 3);
			o += 3;
		}
	}
	out[o] = '\0';
	return o;
}

void escape_fputs(const char *s, unsigned flags, FILE *f)
{
	escape_fwrite(s, strlen(s), flags, f);
}

void escape_fwrite(const char *s, size_t n, unsigned flags, FILE *f)
{
	size_t i = 0;

	while (i < n) {
		size_t run = escape_span(s + i, n - i, flags);
		if (run) {
			fwrite(s + i, 1, run, f);
			i += run;
			continue;
		}
		char e[ESCAPE_SEQ_MAX];
		size_t el;
		i += escape_one(e, &el, s + i, n - i);
		fwrite(e, 1, el, f);
	}
}
