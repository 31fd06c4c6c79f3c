/*
 * qfast.c — the fast reader of query bodies (see qfast.h).
 *
 * A recursive-descent reader of a fixed grammar, three objects deep at
 * most; every step checks the end of the input before reading a byte.
 * Keys are compared in place; string values are copied, each with a
 * NUL, into one block of the body's size (a string of k bytes takes k + 2
 * in the body, quotes included, and k + 1 in the copy).
 */
#include "qfast.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"

typedef struct rd {
	const char *p, *end;
	char *t;                    /* where the next text is copied */
} rd;

/* the bytes JSON calls whitespace (RFC 8259 section 2) */
static void ws(rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' ||
	                         *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

/* The byte c next (after whitespace): taken, 1; else 0. */
static int lit(rd *r, char c)
{
	if (r->p < r->end && *r->p == c) {     /* the usual: no whitespace */
		r->p++;
		return 1;
	}
	ws(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return 1;
	}
	return 0;
}

/* The bytes that end a plain string: the quote, and those it may not
 * hold (below 0x20, the backslash, 0x80 and up). */
static const unsigned char stops[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x10 */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x20 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* 0x50 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x70 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x90 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xa0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xb0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xc0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xd0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xe0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0xf0 */
};

/* A string of printable ASCII without escapes, after whitespace: *s and
 * *n its bytes in the body (not copied). 0 for anything else: escapes,
 * control bytes (invalid in JSON) and UTF-8 (which jansson validates)
 * are jansson's business. */
static int plain(rd *r, const char **s, size_t *n)
{
	ws(r);
	if (r->p >= r->end || *r->p != '"')
		return 0;
	const char *b = ++r->p;
	const unsigned char *u = (const unsigned char *)r->p;
	const unsigned char *e = (const unsigned char *)r->end;
	/* one table look-up per byte: the usual text is 0x20..0x7f but the
	 * quote and the backslash */
	while (u < e && !stops[*u])
		u++;
	r->p = (const char *)u;
	if (u >= e || *u != '"')
		return 0;
	*s = b;
	*n = (size_t)(r->p - b);
	r->p++;
	return 1;
}

/* A string value, copied with a NUL; "" is NULL, as query_shape()
 * leaves it. */
static int text(rd *r, const char **out, size_t *len)
{
	const char *s;
	size_t n;

	if (!plain(r, &s, &n))
		return 0;
	*out = NULL;
	*len = 0;
	if (n) {
		memcpy(r->t, s, n);
		r->t[n] = '\0';
		*out = r->t;
		*len = n;
		r->t += n + 1;
	}
	return 1;
}

typedef struct name {
	const char *s;
	size_t n;
} name;
#define NAME(s) { s, sizeof(s) - 1 }

/* A key and its colon: which of the names it is (index), -1 when none. */
static int key(rd *r, const name *names)
{
	const char *s;
	size_t n;

	if (!plain(r, &s, &n) || !lit(r, ':'))
		return -1;
	for (int i = 0; names[i].s; i++)
		if (names[i].n == n && names[i].s[0] == s[0] &&
		    memcmp(names[i].s, s, n) == 0)
			return i;
	return -1;
}

/* An object of the members names (each at most once), each read by
 * member(r, its index, f): the walk Query and Package share. */
static int object(rd *r, const name *names, query_fields *f,
                  int (*member)(rd *, int, query_fields *))
{
	unsigned seen = 0;

	if (!lit(r, '{'))
		return 0;
	if (lit(r, '}'))
		return 1;
	do {
		int k = key(r, names);
		if (k < 0 || (seen & (1u << k)) || !member(r, k, f))
			return 0;
		seen |= 1u << k;
	} while (lit(r, ','));
	return lit(r, '}');
}

static const name package_names[] = { NAME("name"), NAME("ecosystem"),
                                      NAME("purl"), { NULL, 0 } };

static int package_member(rd *r, int k, query_fields *f)
{
	switch (k) {
	case 0: return text(r, &f->name, &f->name_len);
	case 1: return text(r, &f->eco, &f->eco_len);
	default: return text(r, &f->purl, &f->purl_len);
	}
}

/* The n bytes of s next, exactly (no whitespace): taken, 1; else 0. */
static int bytes(rd *r, const char *s, size_t n)
{
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, s, n) != 0)
		return 0;
	r->p += n;
	return 1;
}

/* The query nearly every scanner sends, byte for byte as they write it:
 *   {"package":{"name":"N","ecosystem":"crates.io"},"version":"V"}
 * read without a look at its keys; 0 (nothing taken) for any other. */
static int usual(rd *r, query_fields *f)
{
	static const char head[] = "{\"package\":{\"name\":";
	static const char mid[] = ",\"ecosystem\":\"crates.io\"},\"version\":";
	const char *p = r->p;
	char *t = r->t;

	if (bytes(r, head, sizeof(head) - 1) &&
	    text(r, &f->name, &f->name_len) &&
	    bytes(r, mid, sizeof(mid) - 1) &&
	    text(r, &f->version, &f->version_len) && bytes(r, "}", 1)) {
		f->eco = "crates.io";
		f->eco_len = 9;
		f->has_package = 1;
		f->has_version = 1;
		return 1;
	}
	memset(f, 0, sizeof(*f));
	r->p = p;
	r->t = t;
	return 0;
}

static const name query_names[] = { NAME("package"), NAME("version"),
                                    NAME("commit"), NAME("page_token"),
                                    { NULL, 0 } };

static int query_member(rd *r, int k, query_fields *f)
{
	switch (k) {
	case 0:
		f->has_package = 1;
		return object(r, package_names, f, package_member);
	case 1:
		f->has_version = 1;
		return text(r, &f->version, &f->version_len);
	case 2:
		f->has_commit = 1;
		return text(r, &f->commit, &f->commit_len);
	default:
		return text(r, &f->token, &f->token_len);
	}
}

/* One Query object: its fields, each once at most, not both commit and
 * version (that is a shape error, with jansson's message). */
static int query(rd *r, query_fields *f)
{
	memset(f, 0, sizeof(*f));
	ws(r);
	if (usual(r, f))
		return 1;
	return object(r, query_names, f, query_member) &&
	       !(f->has_commit && f->has_version);
}

/* The body's end: only whitespace left. */
static int at_end(rd *r)
{
	ws(r);
	return r->p == r->end;
}

static int start(qfast *out, rd *r, const char *s, size_t n, size_t cap)
{
	memset(out, 0, sizeof(*out));
	if (!s || n == 0)
		return 0;
	r->p = s;
	r->end = s + n;
	out->text = malloc(n);
	out->v = malloc(cap * sizeof(*out->v));
	if (!out->text || !out->v) {
		qfast_free(out);
		return 0;
	}
	r->t = out->text;
	return 1;
}

static int no(qfast *out)
{
	qfast_free(out);
	return QFAST_NO;
}

int qfast_batch(qfast *out, const char *s, size_t n)
{
	static const name top[] = { NAME("queries"), { NULL, 0 } };
	size_t cap = 64;
	rd r;

	if (!start(out, &r, s, n, cap))
		return QFAST_NO;
	if (!lit(&r, '{') || key(&r, top) != 0 || !lit(&r, '['))
		return no(out);
	if (!lit(&r, ']')) {
		do {
			if (out->n == SERVE_BATCH_MAX)
				return no(out);     /* the cap's message is api.c's */
			if (out->n == cap) {
				query_fields *v = realloc(out->v, 2 * cap * sizeof(*v));
				if (!v)
					return no(out);
				out->v = v;
				cap *= 2;
			}
			if (!query(&r, &out->v[out->n]))
				return no(out);
			out->n++;
		} while (lit(&r, ','));
		if (!lit(&r, ']'))
			return no(out);
	}
	if (!lit(&r, '}') || !at_end(&r))
		return no(out);
	return QFAST_OK;
}

int qfast_query(qfast *out, const char *s, size_t n)
{
	rd r;

	if (!start(out, &r, s, n, 1))
		return QFAST_NO;
	if (!query(&r, &out->v[0]) || !at_end(&r))
		return no(out);
	out->n = 1;
	return QFAST_OK;
}

void qfast_free(qfast *f)
{
	free(f->v);
	free(f->text);
	memset(f, 0, sizeof(*f));
}
