/*
 * buf.h — a growable byte buffer: where every report is written before it
 * reaches stdout, so that scan workers can render in parallel and the main
 * thread can print in argument order.
 *
 * Invariants:
 *   - p[0..len) is the content and, when p is not NULL, p[len] is a NUL.
 *   - Growth is capped at BUF_MAX; past it (or when malloc fails) the buffer
 *     sets `failed`, stops growing and ignores further writes, so callers
 *     check once at the end instead of after every append.
 */
#ifndef ADVDB_CLI_BUF_H
#define ADVDB_CLI_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define BUF_MAX ((size_t)1 << 30)

typedef struct buf {
	char *p;
	size_t len, cap;
	int failed;
} buf;

#define BUF_INIT { NULL, 0, 0, 0 }

/* The slow path of buf_put: grows the buffer first. */
void buf_put_grow(buf *b, const char *s, size_t n);

/* Append n bytes. Inline: the common case (room left) is a memcpy, which
 * matters for batch, where output formatting is most of the work. */
static inline void buf_put(buf *b, const char *s, size_t n)
{
	if (b->cap - b->len > n && !b->failed) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
		b->p[b->len] = '\0';
	} else {
		buf_put_grow(b, s, n);
	}
}

static inline void buf_putc(buf *b, char c)
{
	if (b->cap - b->len > 1 && !b->failed) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
	} else {
		buf_put_grow(b, &c, 1);
	}
}

/* Room for n more bytes, to be written at the pointer returned and
 * then counted with buf_added(b, n); NULL when the buffer failed (or
 * fails now). For a writer of several pieces: one check, not one per
 * piece. */
char *buf_room_grow(buf *b, size_t n);

static inline char *buf_room(buf *b, size_t n)
{
	if (b->cap - b->len > n && !b->failed)
		return b->p + b->len;
	return buf_room_grow(b, n);
}

/* Count n bytes written at buf_room's pointer. */
static inline void buf_added(buf *b, size_t n)
{
	b->len += n;
	b->p[b->len] = '\0';
}

/* Give back the room past len (a buffer kept a while after it is
 * written); nothing when that fails or there is little to give. */
void buf_shrink(buf *b);

void buf_puts(buf *b, const char *s);
/* An unsigned integer in decimal (no printf on the hot path). */
void buf_putu(buf *b, unsigned long long v);
void buf_printf(buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Empty the buffer, keeping its memory. */
void buf_reset(buf *b);
void buf_free(buf *b);
/* Write the content to f; returns 0, or -1 when the buffer failed or the
 * write did. */
int buf_write(const buf *b, FILE *f);

#endif
