/*
 * buf.c — the growable output buffer (see buf.h). Doubling growth, capped;
 * a failed buffer stays failed until buf_free.
 */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

static int grow(buf *b, size_t need)
{
	if (b->failed)
		return -1;
	if (need > BUF_MAX - b->len - 1) {
		b->failed = 1;
		return -1;
	}
	size_t want = b->len + need + 1;
	if (want <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap = cap > BUF_MAX / 2 ? BUF_MAX : cap * 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void buf_put_grow(buf *b, const char *s, size_t n)
{
	if (grow(b, n) < 0)
		return;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

char *buf_room_grow(buf *b, size_t n)
{
	if (grow(b, n) < 0)
		return NULL;
	return b->p + b->len;
}

void buf_puts(buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putu(buf *b, unsigned long long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_put(b, tmp + i, sizeof(tmp) - i);
}

void buf_printf(buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		buf_put(b, small, (size_t)n);
		return;
	}
	if (grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	int m = vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (m != n) {
		b->failed = 1;
		b->p[b->len] = '\0';
		return;
	}
	b->len += (size_t)n;
}

void buf_shrink(buf *b)
{
	if (!b->p || b->failed || b->cap - b->len < 4096)
		return;
	char *p = realloc(b->p, b->len + 1);    /* shrinks in place */
	if (p) {
		b->p = p;
		b->cap = b->len + 1;
	}
}

void buf_reset(buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void buf_free(buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

int buf_write(const buf *b, FILE *f)
{
	if (b->failed)
		return -1;
	if (b->len && fwrite(b->p, 1, b->len, f) != b->len)
		return -1;
	return 0;
}
