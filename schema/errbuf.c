/*
 * errbuf.c — see errbuf.h. Keeps no state.
 */
#include "errbuf.h"

#include <stdio.h>
#include <string.h>

void errbuf_vset(char *buf, size_t cap, const char *fallback,
                 const char *fmt, va_list ap)
{
	int n;

	if (!buf || cap == 0)
		return;
	n = vsnprintf(buf, cap, fmt, ap);
	if (n < 0) {
		snprintf(buf, cap, "%s", fallback ? fallback : ERRBUF_FALLBACK);
	} else if ((size_t)n >= cap && cap > 4) {
		size_t k = cap - 4;             /* room for "..." and the NUL */

		while (k > 0 && ((unsigned char)buf[k] & 0xC0) == 0x80)
			k--;                        /* not inside a character */
		memcpy(buf + k, "...", 4);
	}
}

void errbuf_set(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(buf, cap, NULL, fmt, ap);
	va_end(ap);
}

int errbuf_fail(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(buf, cap, NULL, fmt, ap);
	va_end(ap);
	return -1;
}
