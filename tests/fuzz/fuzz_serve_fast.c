/*
 * fuzz_serve_fast.c — advdb-serve's fast reader of query bodies
 * (query/serve/qfast.h) against jansson, the reader it stands in for.
 *
 * Input: the first byte picks the route (even: /v1/querybatch, odd:
 * /v1/query); the rest is the body (any bytes). Whenever the fast reader
 * takes a body:
 *   - jansson reads it too (JSON_REJECT_DUPLICATES, as api.c), as an
 *     object, within api.c's caps on nesting and values (jsonbound.h);
 *   - for a batch, the object holds only "queries", a list of as many
 *     queries as the fast reader found; for /v1/query, the object is the
 *     query;
 *   - each query's fields, read from jansson's tree by query_shape(),
 *     are the fast reader's exactly: the same texts (or none), lengths
 *     and given-flags;
 *   - the whole answer of serve_answer() (status and bytes) is the one
 *     it gives for the same body spelt so that only jansson reads it
 *     (one letter of the first key written as a \u escape), against the
 *     sample index of fuzz_index.h.
 * A body the fast reader refuses goes to jansson in api.c as before:
 * nothing to compare (fuzz_serve covers those answers).
 */
#include "fuzz.h"
#include "fuzz_serve_gen.h"
#include "api.h"
#include "gen.h"
#include "jsonbound.h"
#include "qfast.h"
#include "query.h"

#include <jansson.h>

/* Two texts of query_fields are the same: both absent, or equal bytes. */
static void ff_same_text(const char *a, size_t alen, const char *b,
                         size_t blen, size_t i, const char *what)
{
	FUZZ_CHECK((a == NULL) == (b == NULL), "query %zu: %s given by one "
	           "reader only", i, what);
	FUZZ_CHECK(alen == blen && (!a || memcmp(a, b, alen) == 0),
	           "query %zu: %s differs", i, what);
	FUZZ_CHECK(!a || a[alen] == '\0', "query %zu: %s not terminated", i,
	           what);
}

static void ff_same_fields(const query_fields *a, const query_fields *b,
                           size_t i)
{
	ff_same_text(a->commit, a->commit_len, b->commit, b->commit_len, i,
	             "commit");
	ff_same_text(a->version, a->version_len, b->version, b->version_len,
	             i, "version");
	ff_same_text(a->token, a->token_len, b->token, b->token_len, i,
	             "page_token");
	ff_same_text(a->name, a->name_len, b->name, b->name_len, i, "name");
	ff_same_text(a->eco, a->eco_len, b->eco, b->eco_len, i, "ecosystem");
	ff_same_text(a->purl, a->purl_len, b->purl, b->purl_len, i, "purl");
	FUZZ_CHECK(a->has_commit == b->has_commit &&
	           a->has_version == b->has_version &&
	           a->has_package == b->has_package,
	           "query %zu: given-flags differ", i);
}

/* jansson's fields of query i (v), against the fast reader's. */
static void ff_check_query(const json_t *v, const query_fields *fast,
                           size_t i)
{
	query_fields f;
	char msg[1024];
	int rc = query_shape(&f, v, (long)i, msg, sizeof msg);

	FUZZ_CHECK(rc == QUERY_OK, "query %zu: the fast reader took what "
	           "jansson's reading refuses: %s", i, msg);
	ff_same_fields(fast, &f, i);
}

/* The body with the first letter of its first key as \u00XX: the same
 * JSON to jansson, refused by the fast reader. NULL when the body has no
 * key (an empty object) or no memory. */
static char *ff_escaped(const char *body, size_t n, size_t *out_len)
{
	const char *q = memchr(body, '"', n);
	size_t at;
	char *s;

	if (!q || (size_t)(q - body) + 2 >= n || q[1] == '"')
		return NULL;
	at = (size_t)(q - body) + 1;
	s = malloc(n + 5);
	if (!s)
		return NULL;
	memcpy(s, body, at);
	snprintf(s + at, 7, "\\u%04x", (unsigned char)body[at]);
	memcpy(s + at + 6, body + at + 1, n - at - 1);
	*out_len = n + 5;
	return s;
}

int fuzz_serve_fast(const uint8_t *data, size_t size)
{
	const char *path, *body;
	size_t n, alt_len = 0;
	qfast fq;
	json_error_t e;
	json_t *root, *list;
	char *alt;
	int batch, rc;

	if (size < 1)
		return 0;
	batch = (data[0] & 1) == 0;
	path = batch ? "/v1/querybatch" : "/v1/query";
	body = (const char *)data + 1;
	n = size - 1;
	rc = batch ? qfast_batch(&fq, body, n) : qfast_query(&fq, body, n);
	FUZZ_CHECK(rc == QFAST_OK || rc == QFAST_NO, "result %d", rc);
	if (rc != QFAST_OK) {
		FUZZ_CHECK(fq.n == 0 && !fq.v && !fq.text, "a refusal holds "
		           "nothing");
		return 0;
	}
	FUZZ_CHECK(batch ? fq.n <= SERVE_BATCH_MAX : fq.n == 1, "%zu queries",
	           fq.n);

	/* the reader level: jansson's tree, field by field */
	FUZZ_CHECK(jsonbound_check(body, n, SERVE_JSON_DEPTH_MAX,
	                           SERVE_JSON_VALUES_MAX) == JSONBOUND_OK,
	           "a body the fast reader takes is within api.c's caps");
	root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &e);
	FUZZ_CHECK(root && json_is_object(root), "jansson reads a body the "
	           "fast reader took: %s", root ? "not an object" : e.text);
	if (batch) {
		list = json_object_get(root, "queries");
		FUZZ_CHECK(json_object_size(root) == 1 && json_is_array(list) &&
		           json_array_size(list) == fq.n,
		           "a batch is {\"queries\": [%zu queries]}", fq.n);
		for (size_t i = 0; i < fq.n; i++)
			ff_check_query(json_array_get(list, i), &fq.v[i], i);
	} else {
		ff_check_query(root, &fq.v[0], 0);
	}
	json_decref(root);
	qfast_free(&fq);

	/* the answer level: byte for byte, fast reader or jansson */
	serve_gen *g = fuzz_serve_gen();
	if (!g || !(alt = ff_escaped(body, n, &alt_len)))
		return 0;
	rc = batch ? qfast_batch(&fq, alt, alt_len)
	           : qfast_query(&fq, alt, alt_len);
	FUZZ_CHECK(rc == QFAST_NO, "an escaped key is jansson's to read");
	serve_request rq = { "POST", path, NULL, 0, body, n };
	serve_request rj = { "POST", path, NULL, 0, alt, alt_len };
	serve_reply a, b;
	serve_answer(&a, g, NULL, &rq);
	serve_answer(&b, g, NULL, &rj);
	fuzz_same_reply(&a, &b, "the fast reader's answer is jansson's");
	free(alt);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_serve_fast(data, size);
}
#endif
