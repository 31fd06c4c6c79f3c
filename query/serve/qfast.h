/*
 * qfast.h — the query bodies real clients send, read without jansson.
 *
 * A batch of 1000 queries costs jansson a tree of thousands of values,
 * most of a querybatch's time (perf). Scanners send one shape only:
 *   {"queries":[{"package":{"name":"N","ecosystem":"E"},"version":"V"},
 *               ...]}
 * (and, for /v1/query, one such query object as the whole body). This
 * reader takes exactly that shape, in one bounded pass over the bytes,
 * into query.h's fields, which query_meaning() then judges as it judges
 * jansson's. Anything else it does not read at all, and says so: the
 * caller then reads the body with jansson as before, so every error,
 * every unusual body and every message stays exactly what it was.
 *
 * What it takes (anything else: QFAST_NO, "ask jansson"):
 *   JSON whitespace anywhere JSON allows it; objects whose members are
 *   the Query and Package fields (`package`, `version`, `commit`,
 *   `page_token`; `name`, `ecosystem`, `purl`), each at most once, each
 *   a string, `package` an object; not both `commit` and `version`;
 *   strings of printable ASCII without escapes; at most
 *   SERVE_BATCH_MAX queries; nothing after the body but whitespace.
 * Such a body is valid JSON of the Query shape, within api.c's caps on
 * nesting and values, so jansson would accept it with the same fields
 * (tests/fuzz/fuzz_serve_fast.c checks this, and that every answer is
 * byte for byte the same either way).
 *
 * Memory: the fields and one copy of their texts (NUL-terminated), at
 * most the body's size; nothing else is allocated.
 */
#ifndef ADVDB_SERVE_QFAST_H
#define ADVDB_SERVE_QFAST_H

#include <stddef.h>

#include "query.h"

enum {
	QFAST_OK = 1,   /* read: v[0..n) */
	QFAST_NO = 0    /* not this reader's shape (or out of memory) */
};

typedef struct qfast {
	query_fields *v;
	size_t n;
	char *text;                 /* the texts v points into */
} qfast;

/* {"queries":[query, ...]}: QFAST_OK with out set, or QFAST_NO with out
 * empty. s need not end in NUL; s may be NULL when n is 0. */
int qfast_batch(qfast *out, const char *s, size_t n);

/* One query object as the whole body (/v1/query): n is then 1. */
int qfast_query(qfast *out, const char *s, size_t n);

void qfast_free(qfast *f);

#endif
