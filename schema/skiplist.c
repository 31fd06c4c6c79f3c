/*
 * skiplist.c — see skiplist.h: the bytes of meta `skipped`, both ways.
 * Every read is checked against the end of the value first.
 */
#include "skiplist.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "utf8.h"

/* Valid UTF-8 without NUL bytes? */
static int clean_text(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq_len(u + i, n - i);
		if (k == 0 || u[i] == 0)
			return 0;
		i += k;
	}
	return 1;
}

static int take(skip_iter *it, size_t n, const uint8_t **at)
{
	if ((size_t)(it->end - it->p) < n)
		return -1;
	*at = it->p;
	it->p += n;
	return 0;
}

static int take_uint(skip_iter *it, size_t width, uint32_t *v)
{
	const uint8_t *b;

	assert(width == 1 || width == 2 || width == 4);   /* the format's */
	if (take(it, width, &b) < 0)
		return -1;
	*v = width == 1 ? b[0] : width == 2 ? le16_get(b) : le32_get(b);
	return 0;
}

/* A length-prefixed string of lo..hi bytes. */
static int take_str(skip_iter *it, size_t width, size_t lo, size_t hi,
                    const char **s, size_t *n)
{
	uint32_t len;
	const uint8_t *b;

	if (take_uint(it, width, &len) < 0 || len < lo || len > hi ||
	    take(it, len, &b) < 0 || !clean_text((const char *)b, len))
		return -1;
	*s = (const char *)b;
	*n = len;
	return 0;
}

int skiplist_open(skip_iter *it, const void *buf, size_t len)
{
	uint32_t fmt;

	memset(it, 0, sizeof(*it));
	it->p = buf;
	it->end = it->p + len;
	if (!buf || take_uint(it, 1, &fmt) < 0 || fmt != SKIP_FORMAT ||
	    take_uint(it, 4, &it->total) < 0 || take_uint(it, 4, &it->n) < 0 ||
	    it->n > it->total || it->n > SKIP_KEEP_MAX)
		return -1;
	return 0;
}

/* memcmp order, the shorter first when one is a prefix of the other. */
static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

static int cmp_key(const skip_view *a, const skip_view *b)
{
	int c = cmp_bytes(a->source, a->source_len, b->source, b->source_len);
	return c ? c : cmp_bytes(a->path, a->path_len, b->path, b->path_len);
}

int skiplist_next(skip_iter *it, skip_view *out)
{
	if (it->i == it->n)
		return it->p == it->end ? 0 : -1;
	memset(out, 0, sizeof(*out));
	if (take_str(it, 1, 1, SKIP_SOURCE_MAX, &out->source,
	             &out->source_len) < 0 ||
	    take_str(it, 2, 1, SKIP_PATH_MAX, &out->path, &out->path_len) < 0 ||
	    take_str(it, 1, 0, SKIP_ID_MAX, &out->id, &out->id_len) < 0 ||
	    take_uint(it, 4, &out->line) < 0 ||
	    take_str(it, 2, 1, SKIP_MSG_MAX, &out->msg, &out->msg_len) < 0)
		return -1;
	if (it->i > 0 && cmp_key(&it->prev, out) >= 0)
		return -1;
	it->prev = *out;
	it->i++;
	return 1;
}

static void put_uint(uint8_t **p, uint32_t v, size_t width)
{
	assert(width == 1 || width == 2 || width == 4);
	if (width == 1)
		**p = (uint8_t)v;
	else if (width == 2)
		le16_put(*p, (uint16_t)v);
	else
		le32_put(*p, v);
	*p += width;
}

static void put_str(uint8_t **p, const char *s, size_t n, size_t width)
{
	put_uint(p, (uint32_t)n, width);
	memcpy(*p, s, n);
	*p += n;
}

int skiplist_encode(uint8_t **out, size_t *len, uint32_t total,
                    const skip_view *v, size_t n)
{
	size_t need = 9;

	*out = NULL;
	*len = 0;
	if (n > SKIP_KEEP_MAX || n > total)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const skip_view *e = &v[i];
		if (e->source_len < 1 || e->source_len > SKIP_SOURCE_MAX ||
		    e->path_len < 1 || e->path_len > SKIP_PATH_MAX ||
		    e->id_len > SKIP_ID_MAX || e->msg_len < 1 ||
		    e->msg_len > SKIP_MSG_MAX ||
		    !clean_text(e->source, e->source_len) ||
		    !clean_text(e->path, e->path_len) ||
		    !clean_text(e->id, e->id_len) ||
		    !clean_text(e->msg, e->msg_len) ||
		    (i > 0 && cmp_key(&v[i - 1], e) >= 0))
			return -1;
		need += 10 + e->source_len + e->path_len + e->id_len + e->msg_len;
	}
	uint8_t *b = malloc(need), *p = b;
	if (!b)
		return -1;
	put_uint(&p, SKIP_FORMAT, 1);
	put_uint(&p, total, 4);
	put_uint(&p, (uint32_t)n, 4);
	for (size_t i = 0; i < n; i++) {
		put_str(&p, v[i].source, v[i].source_len, 1);
		put_str(&p, v[i].path, v[i].path_len, 2);
		put_str(&p, v[i].id, v[i].id_len, 1);
		put_uint(&p, v[i].line, 4);
		put_str(&p, v[i].msg, v[i].msg_len, 2);
	}
	*out = b;
	*len = need;
	return 0;
}

size_t skiplist_cut(const char *s, size_t len, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;

	if (len <= cap)
		return len;
	size_t n = cap;
	while (n > 0 && (u[n] & 0xC0) == 0x80)
		n--;
	return n;
}
