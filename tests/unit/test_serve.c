/*
 * test_serve.c — advdb-serve's modules without sockets: Package URLs,
 * ecosystem names, reading OSV query objects, the answers of every route
 * (query/serve/api.h) against the sample index of tests/fuzz/fuzz_index.h,
 * and the generation swap of reload.h.
 *
 * Expected answers come from the sample advisories' own ranges:
 *   tokio RUSTSEC-2023-0001  affected [1.7.0, 1.18.4) and [1.19.0, 1.23.1)
 *   tokio RUSTSEC-2024-0002  windows + x86_64 only, affected < 1.2.3-rc.1
 *   ansi_term RUSTSEC-2021-0139  unmaintained, every version
 *   smallvec RUSTSEC-2019-0009   withdrawn: never an answer to a query
 *   std CVE-2018-1000657         the toolchain collection: not crates.io
 * Error texts are osv.dev's where osv.dev has one (go/internal/api).
 */
#define _GNU_SOURCE 1   /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "../fuzz/fuzz_index.h"
#include "api.h"
#include "ecosystem.h"
#include "gen.h"
#include "purl.h"
#include "query.h"
#include "reload.h"
#include "testlib.h"

/* ---- purl ---- */

static void purl_ok(const char *s, const char *type, const char *name,
                    const char *version)
{
	char scratch[256], msg[160];
	purl p;

	assert_int_equal(purl_parse(&p, s, strlen(s), scratch, msg,
	                            sizeof msg), 0);
	assert_string_equal(p.type, type);
	assert_string_equal(p.name, name);
	assert_int_equal(p.name_len, strlen(name));
	if (version) {
		assert_non_null(p.version);
		assert_string_equal(p.version, version);
	} else {
		assert_null(p.version);
	}
}

static void purl_bad(const char *s, const char *why)
{
	char scratch[256], msg[160];
	purl p;

	assert_int_equal(purl_parse(&p, s, strlen(s), scratch, msg,
	                            sizeof msg), -1);
	if (!strstr(msg, why))
		fail_msg("%s: \"%s\" lacks \"%s\"", s, msg, why);
}

static void test_serve__purl(void **state)
{
	(void)state;
	purl_ok("pkg:cargo/rand@0.8.5", "cargo", "rand", "0.8.5");
	purl_ok("pkg:cargo/rand", "cargo", "rand", NULL);
	purl_ok("pkg:cargo/rand@", "cargo", "rand", NULL);
	purl_ok("PKG:Cargo/rand@1.0.0", "cargo", "rand", "1.0.0");
	purl_ok("pkg://cargo/rand@1.0.0", "cargo", "rand", "1.0.0");
	purl_ok("pkg:cargo/a%2Db@1.0.0%2Brc", "cargo", "a-b", "1.0.0+rc");
	purl_ok("pkg:cargo/rand@1.0.0?repository_url=x#src/lib.rs", "cargo",
	        "rand", "1.0.0");
	purl_ok("pkg:npm/%40angular/core@1.0.0", "npm", "core", "1.0.0");
	purl_ok("pkg:cargo/rand/@2.0.0", "cargo", "rand", "2.0.0");
	purl_bad("cargo/rand@1", "scheme");
	purl_bad("pkg:cargo", "name is missing");
	purl_bad("pkg:cargo/", "name is missing");
	purl_bad("pkg:/rand", "name is missing");   /* slashes skipped: type rand */
	purl_bad("pkg:", "type is missing");
	purl_bad("pkg:1cargo/rand", "type may hold");
	purl_bad("pkg:cargo/a%zzb", "percent-escape");
	purl_bad("pkg:cargo/a%0", "percent-escape");
	purl_bad("pkg:cargo/a%00b", "percent-escape");
	purl_bad("pkg:cargo/rand@1%0", "percent-escape");
}

static void test_serve__ecosystems(void **state)
{
	(void)state;
	assert_true(ecosystem_known("crates.io", 9));
	assert_true(ecosystem_known("PyPI", 4));
	assert_true(ecosystem_known("Debian:12", 9));
	assert_true(ecosystem_known("GIT", 3));
	assert_false(ecosystem_known("GIT:x", 5));
	assert_false(ecosystem_known("pypi", 4));
	assert_false(ecosystem_known("crates", 6));
	assert_false(ecosystem_known("", 0));
	assert_true(ecosystem_is_crates("crates.io", 9));
	assert_false(ecosystem_is_crates("crates.io:x", 11));
}

/* ---- one query object ---- */

static int read_q(osv_query *q, const char *text, char *msg, size_t cap)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
	int rc;

	assert_non_null(v);
	rc = osv_query_read(q, v, -1, msg, cap);
	/* the query's texts live in v: copy what the tests look at */
	json_decref(v);
	return rc;
}

static void q_is(const char *text, int rc, const char *msg_part)
{
	osv_query q;
	char msg[512] = "";

	assert_int_equal(read_q(&q, text, msg, sizeof msg), rc);
	if (msg_part)
		assert_non_null(strstr(msg, msg_part));
	osv_query_free(&q);
}

static void test_serve__query_object(void **state)
{
	(void)state;
	q_is("{\"package\":{\"name\":\"a\",\"ecosystem\":\"crates.io\"},"
	     "\"version\":\"1.0.0\"}", QUERY_OK, NULL);
	q_is("{\"package\":{\"name\":\"a\",\"ecosystem\":\"crates.io\"}}",
	     QUERY_OK, NULL);
	q_is("{\"package\":{\"name\":\"a\"},\"version\":\"1.0.0\"}", QUERY_OK,
	     NULL);
	q_is("{\"package\":{\"purl\":\"pkg:cargo/a\"},\"version\":\"1\"}",
	     QUERY_OK, NULL);
	q_is("{\"commit\":\"ab12\"}", QUERY_OK, NULL);
	q_is("{\"package\":null,\"commit\":\"ab12\",\"page_token\":null}",
	     QUERY_OK, NULL);
	/* the shape: protobuf's reading */
	q_is("[]", QUERY_SHAPE, "not an object");
	q_is("{\"pkg\":{}}", QUERY_SHAPE, "Unknown name \"pkg\" at 'query'");
	q_is("{\"package\":{\"nam\":\"a\"}}", QUERY_SHAPE,
	     "Unknown name \"nam\" at 'query.package'");
	q_is("{\"package\":{\"name\":1}}", QUERY_SHAPE,
	     "'query.package.name' (TYPE_STRING)");
	q_is("{\"package\":[]}", QUERY_SHAPE, "'query.package'");
	q_is("{\"version\":true}", QUERY_SHAPE, "'query.version'");
	q_is("{\"commit\":\"ab\",\"version\":\"1.0.0\"}", QUERY_SHAPE,
	     "oneof");
	/* the meaning: osv.dev's parseQuery */
	q_is("{}", QUERY_INVALID, "invalid query");
	q_is("null", QUERY_INVALID, "no query provided");
	q_is("{\"package\":{\"name\":\"a\"}}", QUERY_INVALID, "invalid query");
	q_is("{\"package\":{\"ecosystem\":\"crates.io\"},\"version\":\"1\"}",
	     QUERY_INVALID, "invalid query");
	q_is("{\"package\":{\"name\":\"a\",\"ecosystem\":\"Crates.io\"}}",
	     QUERY_INVALID, "invalid ecosystem");
	q_is("{\"package\":{\"purl\":\"pkg:cargo/a\",\"name\":\"a\"}}",
	     QUERY_INVALID, "name specified in a PURL query");
	q_is("{\"package\":{\"purl\":\"pkg:cargo/a\",\"ecosystem\":\"npm\"}}",
	     QUERY_INVALID, "ecosystem specified in a PURL query");
	q_is("{\"package\":{\"purl\":\"pkg:cargo/a@1\"},\"version\":\"1\"}",
	     QUERY_INVALID, "version specified in params and PURL query");
	q_is("{\"package\":{\"purl\":\"cargo/a\"}}", QUERY_INVALID,
	     "invalid purl");
	q_is("{\"commit\":\"xyz\"}", QUERY_INVALID, "invalid hash");
	q_is("{\"commit\":\"abc\"}", QUERY_INVALID, "invalid hash");
	q_is("{\"package\":{\"name\":\"a\",\"ecosystem\":\"crates.io\"},"
	     "\"page_token\":\"abc\"}", QUERY_INVALID, "invalid cursor");
}

/* ---- the routes, on the sample index ---- */

static serve_gen *G;

static int load_sample(void **state)
{
	char err[512];
	const char *path = fuzz_index_path();
	gen_source src = { NULL, NULL, NULL, 0 };

	(void)state;
	if (!path)
		return -1;
	src.path = path;
	return gen_load(&G, &src, 1, err, sizeof err) == 0 ? 0 : -1;
}

static int drop_sample(void **state)
{
	(void)state;
	gen_release(G);
	G = NULL;
	return 0;
}

typedef struct answer {
	unsigned status;
	json_t *json;
	char *text;
	const char *allow;
} answer;

static answer ask(const char *method, const char *path, const char *body,
                  const char *k1, const char *v1, const char *k2,
                  const char *v2)
{
	serve_arg args[2] = { { k1, v1 }, { k2, v2 } };
	serve_request rq = { method, path, args, k2 ? 2 : k1 ? 1 : 0, body,
	                     body ? strlen(body) : 0 };
	serve_reply rep;
	answer a;
	json_error_t e;

	serve_answer(&rep, G, NULL, &rq);
	a.status = rep.status;
	a.allow = rep.allow;
	assert_false(rep.body.failed);
	a.text = strndup(rep.body.p, rep.body.len);
	a.json = json_loadb(rep.body.p, rep.body.len, JSON_REJECT_DUPLICATES,
	                    &e);
	if (!a.json)
		fail_msg("not JSON: %s: %s", e.text, a.text);
	serve_reply_free(&rep);
	return a;
}

static void answer_free(answer *a)
{
	json_decref(a->json);
	free(a->text);
}

/* The ids of a {"vulns":[...]} object, space-separated. */
static void ids_of(char *out, size_t cap, const json_t *res)
{
	json_t *v, *vulns = json_object_get(res, "vulns");
	size_t i, len = 0;

	out[0] = '\0';
	json_array_foreach(vulns, i, v) {
		int w = snprintf(out + len, cap - len, "%s%s", len ? " " : "",
		                 json_string_value(json_object_get(v, "id")));
		assert_true(w > 0 && (size_t)w < cap - len);
		len += (size_t)w;
	}
}

static void query_ids(const char *body, const char *os, const char *want)
{
	answer a = ask("POST", "/v1/query", body, os ? "os" : NULL, os, NULL,
	               NULL);
	char ids[512];

	assert_int_equal(a.status, 200);
	ids_of(ids, sizeof ids, a.json);
	assert_string_equal(ids, want);
	if (!*want)     /* nothing found is {}, as osv.dev writes it */
		assert_string_equal(a.text, "{}");
	answer_free(&a);
}

static void error_is(answer a, unsigned status, int code, const char *part)
{
	assert_int_equal(a.status, status);
	assert_int_equal(json_integer_value(json_object_get(a.json, "code")),
	                 code);
	const char *m = json_string_value(json_object_get(a.json, "message"));
	assert_non_null(m);
	if (!strstr(m, part))
		fail_msg("message \"%s\" lacks \"%s\"", m, part);
	assert_int_equal(json_object_size(a.json), 2);
	answer_free(&a);
}

#define TOKIO(v) "{\"package\":{\"name\":\"tokio\",\"ecosystem\":" \
                 "\"crates.io\"},\"version\":\"" v "\"}"

static void test_serve__query(void **state)
{
	(void)state;
	query_ids(TOKIO("1.8.0"), NULL, "RUSTSEC-2023-0001");
	query_ids(TOKIO("1.18.4"), NULL, "");
	query_ids(TOKIO("1.19.0"), NULL, "RUSTSEC-2023-0001");
	query_ids(TOKIO("1.23.1"), NULL, "");
	query_ids(TOKIO("1.0.0"), NULL, "RUSTSEC-2024-0002");
	query_ids(TOKIO("1.0.0"), "linux", "");
	query_ids(TOKIO("1.0.0"), "windows", "RUSTSEC-2024-0002");
	/* every version: each advisory of the package */
	query_ids("{\"package\":{\"name\":\"tokio\",\"ecosystem\":"
	          "\"crates.io\"}}", NULL, "RUSTSEC-2023-0001 RUSTSEC-2024-0002");
	query_ids("{\"package\":{\"purl\":\"pkg:cargo/tokio@1.8.0\"}}", NULL,
	          "RUSTSEC-2023-0001");
	query_ids("{\"package\":{\"purl\":\"pkg:cargo/tokio\"},\"version\":"
	          "\"1.8.0\"}", NULL, "RUSTSEC-2023-0001");
	query_ids("{\"package\":{\"name\":\"tokio\"},\"version\":\"1.8.0\"}",
	          NULL, "RUSTSEC-2023-0001");
	/* informational advisories are OSV records too */
	query_ids("{\"package\":{\"name\":\"ansi_term\",\"ecosystem\":"
	          "\"crates.io\"},\"version\":\"0.12.1\"}", NULL,
	          "RUSTSEC-2021-0139");
	/* withdrawn: never; the toolchain: not crates.io */
	query_ids("{\"package\":{\"name\":\"smallvec\",\"ecosystem\":"
	          "\"crates.io\"},\"version\":\"0.6.0\"}", NULL, "");
	query_ids("{\"package\":{\"name\":\"std\",\"ecosystem\":"
	          "\"crates.io\"},\"version\":\"1.0.0\"}", NULL, "");
	/* other ecosystems and purl types: no data here, an empty answer */
	query_ids("{\"package\":{\"name\":\"tokio\",\"ecosystem\":\"npm\"},"
	          "\"version\":\"1.8.0\"}", NULL, "");
	query_ids("{\"package\":{\"purl\":\"pkg:npm/tokio@1.8.0\"}}", NULL, "");
	query_ids("{\"package\":{\"purl\":\"pkg:nosuchtype/tokio@1\"}}", NULL,
	          "");
	query_ids("{\"commit\":\"0123abcd\"}", NULL, "");
	query_ids("{\"package\":{\"name\":\"nosuchcrate\",\"ecosystem\":"
	          "\"crates.io\"},\"version\":\"1.0.0\"}", NULL, "");
}

static void test_serve__query_full_records(void **state)
{
	answer a = ask("POST", "/v1/query", TOKIO("1.8.0"), NULL, NULL, NULL,
	               NULL);
	const gen_record *r = gen_find(G, "RUSTSEC-2023-0001", 17);

	(void)state;
	assert_int_equal(a.status, 200);
	assert_non_null(r);
	assert_non_null(r->json);
	/* the record as export-osv renders it, byte for byte */
	assert_non_null(memmem(a.text, strlen(a.text), r->json, r->len));
	json_t *v = json_array_get(json_object_get(a.json, "vulns"), 0);
	assert_string_equal(json_string_value(json_object_get(v, "summary")),
	                    "A fuzzing sample");
	assert_non_null(json_object_get(v, "affected"));
	answer_free(&a);
}

static void test_serve__query_errors(void **state)
{
	(void)state;
	error_is(ask("POST", "/v1/query", TOKIO("1.x"), NULL, NULL, NULL, NULL),
	         400, 3, "bad version \"1.x\"");
	error_is(ask("POST", "/v1/query", "{\"package\":{\"name\":\"tokio\","
	             "\"ecosystem\":\"crates.io\"},\"version\":\"1.0.0\","
	             "\"version\":\"2.0.0\"}", NULL, NULL, NULL, NULL),
	         400, 3, "duplicate");
	error_is(ask("POST", "/v1/query", "{\"package\":", NULL, NULL, NULL,
	             NULL), 400, 3, "Invalid JSON payload received.");
	error_is(ask("POST", "/v1/query", "[1]", NULL, NULL, NULL, NULL), 400,
	         3, "Expected an object");
	error_is(ask("POST", "/v1/query", "", NULL, NULL, NULL, NULL), 400, 3,
	         "Invalid JSON payload received.");
	error_is(ask("POST", "/v1/query", "{\"package\":{\"name\":\"a\"}}",
	             NULL, NULL, NULL, NULL), 400, 3, "invalid query");
	error_is(ask("POST", "/v1/query", TOKIO("1.0.0"), "os", "Windows",
	             NULL, NULL), 400, 3, "did you mean windows");
	error_is(ask("POST", "/v1/query", TOKIO("1.0.0"), "os", "linux", "os",
	             "linux"), 400, 3, "given twice");
	error_is(ask("POST", "/v1/query", TOKIO("1.0.0"), "arch", NULL, NULL,
	             NULL), 400, 3, "arch: no name");
	error_is(ask("POST", "/v1/query", TOKIO("1.0.0"), "limit", "5", NULL,
	             NULL), 400, 3, "Cannot bind query parameter 'limit'");
	/* nesting and size, measured before jansson reads it */
	char deep[128];
	memset(deep, '[', 17);
	memset(deep + 17, ']', 17);
	deep[34] = '\0';
	error_is(ask("POST", "/v1/query", deep, NULL, NULL, NULL, NULL), 400, 3,
	         "Nested deeper than 16");
	memset(deep, '[', 16);
	memset(deep + 16, ']', 16);
	deep[32] = '\0';
	error_is(ask("POST", "/v1/query", deep, NULL, NULL, NULL, NULL), 400, 3,
	         "Expected an object");
	size_t n = SERVE_JSON_VALUES_MAX + 2;
	char *many = malloc(2 * n + 3);
	assert_non_null(many);
	many[0] = '[';
	for (size_t i = 0; i < n; i++) {
		many[1 + 2 * i] = '0';
		many[2 + 2 * i] = ',';
	}
	memcpy(many + 2 * n, "0]", 3);
	error_is(ask("POST", "/v1/query", many, NULL, NULL, NULL, NULL), 400, 3,
	         "More than 65536 values.");
	free(many);
}

static char *batch_of(size_t n, const char *one)
{
	size_t len = strlen(one);
	char *b = malloc(16 + n * (len + 1));
	size_t at = 0;

	assert_non_null(b);
	at += (size_t)sprintf(b, "{\"queries\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			b[at++] = ',';
		memcpy(b + at, one, len);
		at += len;
	}
	memcpy(b + at, "]}", 3);
	return b;
}

static void test_serve__querybatch(void **state)
{
	(void)state;
	answer a = ask("POST", "/v1/querybatch",
	               "{\"queries\":[" TOKIO("1.8.0") ",{\"package\":{\"name\":"
	               "\"serde\",\"ecosystem\":\"crates.io\"},\"version\":"
	               "\"1.0.0\"}," TOKIO("1.0.0") ",{\"commit\":\"ab\"}]}",
	               "os", "windows", NULL, NULL);
	assert_int_equal(a.status, 200);
	/* in order, ids and modified only, {} for nothing */
	assert_string_equal(a.text,
	    "{\"results\":[{\"vulns\":[{\"id\":\"RUSTSEC-2023-0001\","
	    "\"modified\":\"2023-11-14T22:13:20Z\"}]},{},{\"vulns\":[{\"id\":"
	    "\"RUSTSEC-2024-0002\",\"modified\":\"2023-11-14T22:13:20Z\"}]},"
	    "{}]}");
	answer_free(&a);
	a = ask("POST", "/v1/querybatch", "{\"queries\":[]}", NULL, NULL, NULL,
	        NULL);
	assert_int_equal(a.status, 200);
	assert_string_equal(a.text, "{}");
	answer_free(&a);
	/* osv.dev's cap: 1000 queries pass, 1001 do not */
	char *b = batch_of(SERVE_BATCH_MAX, TOKIO("1.8.0"));
	a = ask("POST", "/v1/querybatch", b, NULL, NULL, NULL, NULL);
	assert_int_equal(a.status, 200);
	assert_int_equal(json_array_size(json_object_get(a.json, "results")),
	                 SERVE_BATCH_MAX);
	answer_free(&a);
	free(b);
	b = batch_of(SERVE_BATCH_MAX + 1, TOKIO("1.8.0"));
	error_is(ask("POST", "/v1/querybatch", b, NULL, NULL, NULL, NULL), 400,
	         3, "too many queries");
	free(b);
	/* a shape error anywhere wins over the cap; the cap over the
	 * first invalid query */
	b = batch_of(SERVE_BATCH_MAX + 1, "{\"package\":{\"name\":\"a\"}}");
	error_is(ask("POST", "/v1/querybatch", b, NULL, NULL, NULL, NULL), 400,
	         3, "too many queries");
	free(b);
	error_is(ask("POST", "/v1/querybatch", "{\"queries\":[" TOKIO("1.8.0")
	             ",{\"package\":{\"name\":\"a\"}},{\"x\":1}]}", NULL, NULL,
	             NULL, NULL), 400, 3, "Unknown name \"x\" at "
	         "'query.queries[2]'");
	error_is(ask("POST", "/v1/querybatch", "{\"queries\":[" TOKIO("1.8.0")
	             ",{\"package\":{\"name\":\"a\"}}]}", NULL, NULL, NULL,
	             NULL), 400, 3, "error in query at index 1: invalid query");
	error_is(ask("POST", "/v1/querybatch", "{\"queries\":[" TOKIO("1.8.0")
	             "," TOKIO("x") "]}", NULL, NULL, NULL, NULL), 400, 3,
	         "error in query at index 1: bad version");
	error_is(ask("POST", "/v1/querybatch", "{\"queries\":{}}", NULL, NULL,
	             NULL, NULL), 400, 3, "not a list");
	error_is(ask("POST", "/v1/querybatch", "{\"query\":[]}", NULL, NULL,
	             NULL, NULL), 400, 3, "Unknown name \"query\"");
}

static void test_serve__vulns(void **state)
{
	(void)state;
	answer a = ask("GET", "/v1/vulns/RUSTSEC-2023-0001", NULL, NULL, NULL,
	               NULL, NULL);
	const gen_record *r = gen_find(G, "RUSTSEC-2023-0001", 17);
	assert_int_equal(a.status, 200);
	/* export-osv's file: the record and a newline */
	assert_int_equal(strlen(a.text), r->len + 1);
	assert_memory_equal(a.text, r->json, r->len);
	assert_int_equal(a.text[r->len], '\n');
	answer_free(&a);
	/* by alias, the same record */
	a = ask("HEAD", "/v1/vulns/CVE-2023-22466", NULL, NULL, NULL, NULL,
	        NULL);
	assert_int_equal(a.status, 200);
	assert_string_equal(json_string_value(json_object_get(a.json, "id")),
	                    "RUSTSEC-2023-0001");
	answer_free(&a);
	/* withdrawn records are served by id (osv.dev serves them too) */
	a = ask("GET", "/v1/vulns/RUSTSEC-2019-0009", NULL, NULL, NULL, NULL,
	        NULL);
	assert_int_equal(a.status, 200);
	assert_non_null(json_object_get(a.json, "withdrawn"));
	answer_free(&a);
	error_is(ask("GET", "/v1/vulns/RUSTSEC-2099-0001", NULL, NULL, NULL,
	             NULL, NULL), 404, 5, "Vulnerability not found");
	/* not crates.io: not an OSV record of this server */
	error_is(ask("GET", "/v1/vulns/CVE-2018-1000657", NULL, NULL, NULL,
	             NULL, NULL), 404, 5, "Vulnerability not found");
	error_is(ask("GET", "/v1/vulns/", NULL, NULL, NULL, NULL, NULL), 400, 3,
	         "ID is required");
	char longid[160] = "/v1/vulns/";
	memset(longid + 10, 'A', 101);
	longid[111] = '\0';
	error_is(ask("GET", longid, NULL, NULL, NULL, NULL, NULL), 400, 3,
	         "ID is too long");
	error_is(ask("GET", "/v1/vulns/RUSTSEC-2023-0001", NULL, "os", "linux",
	             NULL, NULL), 400, 3, "Cannot bind query parameter 'os'");
}

static void test_serve__routes(void **state)
{
	(void)state;
	answer a = ask("POST", "/v1/query", NULL, NULL, NULL, NULL, NULL);
	answer_free(&a);
	a = ask("GET", "/v1/query", NULL, NULL, NULL, NULL, NULL);
	assert_string_equal(a.allow, "POST");
	error_is(a, 405, 12, "takes POST");
	a = ask("POST", "/v1/vulns/X", NULL, NULL, NULL, NULL, NULL);
	assert_string_equal(a.allow, "GET, HEAD");
	error_is(a, 405, 12, "takes GET");
	a = ask("DELETE", "/healthz", NULL, NULL, NULL, NULL, NULL);
	assert_non_null(a.allow);
	error_is(a, 405, 12, "takes GET");
	error_is(ask("GET", "/v1/query/", NULL, NULL, NULL, NULL, NULL), 404, 5,
	         "no such path");
	error_is(ask("GET", "/", NULL, NULL, NULL, NULL, NULL), 404, 5,
	         "no such path");
	error_is(ask("GET", "/v2/vulns/X", NULL, NULL, NULL, NULL, NULL), 404,
	         5, "no such path");
	a = ask("GET", "/healthz", NULL, "probe", NULL, NULL, NULL);
	assert_int_equal(a.status, 200);
	assert_string_equal(json_string_value(json_object_get(a.json,
	                                                      "status")), "ok");
	answer_free(&a);
	a = ask("GET", "/v1/info", NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(a.status, 200);
	json_t *ix = json_object_get(a.json, "index");
	assert_int_equal(json_integer_value(json_object_get(ix,
	                 "advisory_count")), FUZZ_NSAMPLES);
	assert_string_equal(json_string_value(json_object_get(ix,
	                    "source_commit")),
	                    "0123456789abcdef0123456789abcdef01234567");
	assert_true(json_is_null(json_object_get(ix, "signature")));
	assert_int_equal(json_integer_value(json_object_get(
	                 json_object_get(a.json, "server"), "generation")), 1);
	answer_free(&a);
}

/* ---- generations: replaced by rename, refused when bad ---- */

static int copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
	char blk[8192];
	size_t n;
	int ok = a && b;

	while (ok && (n = fread(blk, 1, sizeof blk, a)) > 0)
		ok = fwrite(blk, 1, n, b) == n;
	if (a)
		fclose(a);
	if (b && fclose(b) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

static void test_serve__reload(void **state)
{
	char dir[256], db[300], next[300], err[512];
	reload r;

	(void)state;
	tl_mkdtemp(dir, sizeof dir, "advdb-serve-test");
	snprintf(db, sizeof db, "%s/db.lmdb", dir);
	snprintf(next, sizeof next, "%s/next.lmdb", dir);
	assert_int_equal(copy_file(fuzz_index_path(), db), 0);
	gen_source src = { db, NULL, NULL, 0 };
	assert_int_equal(reload_init(&r, &src, err, sizeof err), 0);
	serve_gen *g1 = reload_acquire(&r);
	assert_int_equal(g1->serial, 1);
	assert_int_equal(reload_check(&r, 0), 0);       /* nothing changed */

	/* a new file renamed into place: the next generation */
	assert_int_equal(copy_file(fuzz_index_path(), next), 0);
	assert_int_equal(rename(next, db), 0);
	assert_int_equal(reload_check(&r, 0), 1);
	serve_gen *g2 = reload_acquire(&r);
	assert_int_equal(g2->serial, 2);
	/* the old one still answers for whoever holds it */
	advdb_match m[4];
	size_t n;
	assert_int_equal(advdb_lookup(m, 4, &n, g1->s.db, "tokio", "1.8.0",
	                              NULL), ADVDB_OK);
	assert_int_equal(n, 1);
	gen_release(g1);

	/* a damaged file: refused, logged, the current one stays; the same
	 * file is not tried again until it changes, unless forced */
	FILE *f = fopen(next, "wb");
	assert_non_null(f);
	fputs("not an index", f);
	fclose(f);
	assert_int_equal(rename(next, db), 0);
	assert_int_equal(reload_check(&r, 0), -1);
	assert_int_equal(reload_check(&r, 0), 0);
	assert_int_equal(reload_check(&r, 1), -1);
	unsigned long gens, fails;
	reload_counts(&r, &gens, &fails);
	assert_int_equal(gens, 2);
	assert_int_equal(fails, 2);
	serve_gen *g = reload_acquire(&r);
	assert_ptr_equal(g, g2);
	gen_release(g);
	/* gone: still the same generation */
	assert_int_equal(unlink(db), 0);
	assert_int_equal(reload_check(&r, 0), -1);
	g = reload_acquire(&r);
	assert_ptr_equal(g, g2);
	gen_release(g);
	/* back: served again */
	assert_int_equal(copy_file(fuzz_index_path(), db), 0);
	assert_int_equal(reload_check(&r, 0), 1);
	gen_release(g2);
	reload_fini(&r);
	tl_rm_rf(dir);
}

static void test_serve__first_load_fails(void **state)
{
	char err[512];
	reload r;
	gen_source src = { "/nonexistent/advdb.lmdb", NULL, NULL, 0 };

	(void)state;
	/* the message was logged by session_open, naming the file */
	assert_int_equal(reload_init(&r, &src, err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serve__purl),
		cmocka_unit_test(test_serve__ecosystems),
		cmocka_unit_test(test_serve__query_object),
		cmocka_unit_test(test_serve__query),
		cmocka_unit_test(test_serve__query_full_records),
		cmocka_unit_test(test_serve__query_errors),
		cmocka_unit_test(test_serve__querybatch),
		cmocka_unit_test(test_serve__vulns),
		cmocka_unit_test(test_serve__routes),
		cmocka_unit_test(test_serve__reload),
		cmocka_unit_test(test_serve__first_load_fails),
	};
	return cmocka_run_group_tests(tests, load_sample, drop_sample);
}
