/*
 * api.c — the answers of advdb-serve (see api.h): the routes, the checks
 * a body passes before jansson reads it, and the writing of osv.dev's
 * response shapes with the project's JSON writer (json.h).
 *
 * A query body of the shape scanners send is read by qfast.h instead of
 * jansson (a tenth of the time); any other body, jansson's as before,
 * so every answer and message is the same either way.
 *
 * Shapes, as osv.dev's gateway writes its protobuf messages: an empty
 * list is left out, so "nothing found" is {} (per query of a batch too),
 * and a batch of no queries is {}.
 *
 * Before jansson sees a body it is measured (nesting, and the number of
 * values: jsonbound.h): a body within SERVE_BODY_MAX can still be a
 * million empty objects, which a tree parser would turn into a hundred
 * megabytes; a real batch of 1000 queries has about 6000 values.
 */
#include "api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "cache.h"
#include "jsonmem.h"
#include "qfast.h"
#include "rfc3339.h"
#include "jsonbound.h"
#include "json.h"
#include "query.h"
#include "target.h"

#define MATCHES_ON_STACK 64

/* gRPC's code for an HTTP status, as osv.dev's error bodies carry. */
static int grpc_code(unsigned status)
{
	switch (status) {
	case 400: return 3;         /* INVALID_ARGUMENT */
	case 404: return 5;         /* NOT_FOUND */
	case 405: return 12;        /* UNIMPLEMENTED */
	case 413: return 8;         /* RESOURCE_EXHAUSTED */
	case 503: return 14;        /* UNAVAILABLE */
	default: return 13;         /* INTERNAL */
	}
}

static void verror(serve_reply *out, unsigned status, const char *fmt,
                   va_list ap)
{
	char msg[1024];
	json j;

	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		snprintf(msg, sizeof(msg), "error");
	out->status = status;
	buf_reset(&out->body);
	json_init(&j, &out->body);
	json_obj_begin(&j);
	json_key(&j, "code");
	json_int(&j, grpc_code(status));
	json_key(&j, "message");
	json_str(&j, msg);
	json_obj_end(&j);
}

void serve_error(serve_reply *out, unsigned status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(out, status, fmt, ap);
	va_end(ap);
}

void serve_too_large(serve_reply *out)
{
	serve_error(out, 413, "the request body is larger than %zu bytes",
	            SERVE_BODY_MAX);
}

void serve_reply_free(serve_reply *r)
{
	buf_free(&r->body);
}

/* ---- the body, before and through jansson ---- */

/* Nesting and values of a body, before jansson reads it (jsonbound.h).
 * Returns 0, or -1 with the reply written. A malformed body passes here
 * and fails in jansson, which says where. */
static int measure(serve_reply *out, const char *s, size_t n)
{
	switch (jsonbound_check(s, n, SERVE_JSON_DEPTH_MAX,
	                        SERVE_JSON_VALUES_MAX)) {
	case JSONBOUND_DEEP:
		serve_error(out, 400, "Invalid JSON payload received. Nested "
		            "deeper than %d levels.", SERVE_JSON_DEPTH_MAX);
		return -1;
	case JSONBOUND_MANY:
		serve_error(out, 400, "Invalid JSON payload received. More than "
		            "%d values.", SERVE_JSON_VALUES_MAX);
		return -1;
	default:
		return 0;
	}
}

/* The body as a JSON object, or NULL with the reply written. */
static json_t *parse_body(serve_reply *out, const serve_request *rq)
{
	json_error_t e;
	json_t *v;

	if (measure(out, rq->body, rq->body_len) < 0)
		return NULL;
	v = json_loadb(rq->body ? rq->body : "", rq->body_len,
	               JSON_REJECT_DUPLICATES, &e);
	if (!v) {
		serve_error(out, 400, "Invalid JSON payload received. %s (line "
		            "%d, column %d).", e.text, e.line, e.column);
		return NULL;
	}
	if (!json_is_object(v)) {
		jsonmem_release(v);
		serve_error(out, 400, "Invalid JSON payload received. Expected "
		            "an object.");
		return NULL;
	}
	return v;
}

/* ---- query parameters: the target ---- */

/* os= and arch= (each at most once, names as target.h accepts them);
 * anything else is refused, as osv.dev's gateway refuses a parameter it
 * cannot bind. Returns 0, or -1 with the reply written. */
static int target_args(serve_reply *out, advdb_query *q,
                       const serve_request *rq, int allowed)
{
	char msg[1024];
	const advdb_query defaults = ADVDB_QUERY_INIT;

	*q = defaults;
	if (rq->nargs > SERVE_ARGS_MAX) {
		serve_error(out, 400, "more than %d query parameters",
		            SERVE_ARGS_MAX);
		return -1;
	}
	for (size_t i = 0; i < rq->nargs; i++) {
		const serve_arg *a = &rq->args[i];
		target_kind k;
		const char **slot;
		if (allowed && strcmp(a->key, "os") == 0) {
			k = TARGET_OS;
			slot = &q->os;
		} else if (allowed && strcmp(a->key, "arch") == 0) {
			k = TARGET_ARCH;
			slot = &q->arch;
		} else {
			serve_error(out, 400, "Cannot bind query parameter '%.100s'. "
			            "Field '%.100s' could not be found in request "
			            "message.", a->key, a->key);
			return -1;
		}
		if (*slot) {
			serve_error(out, 400, "query parameter '%s' given twice",
			            a->key);
			return -1;
		}
		if (!a->value || target_check(k, a->value, msg, sizeof(msg))) {
			/* target.h words it for the command line: --os NAME: ... */
			const char *m = a->value ? msg : "";
			if (strncmp(m, "--", 2) == 0)
				m += 2;
			serve_error(out, 400, "query parameter %s", a->value ? m
			            : k == TARGET_OS ? "os: no name" : "arch: no name");
			return -1;
		}
		*slot = a->value;
	}
	return 0;
}

/* ---- looking up ---- */

typedef struct matches {
	advdb_match stack[MATCHES_ON_STACK];
	advdb_match *heap;          /* malloc'd when the stack is too small */
	const advdb_match *v;       /* stack, heap, or the decision cache's */
	size_t n;
} matches;

/* The advisories answering q (every one of the package when it names no
 * version). Returns ADVDB_OK, or an error with the message in msg.
 *
 * A package@version without a target comes from the generation's
 * decision cache (cache.h: each pair decided once per generation, by the
 * same look-up, whole or not at all); the rest is looked up each time. */
static int find(matches *m, const serve_gen *g, const osv_query *q,
                const advdb_query *target, char *msg, size_t cap)
{
	advdb *db = g->s.db;
	/* the failure's message in a struct of this call's own: the
	 * handle's last error is shared by every worker. Set field by
	 * field: clearing its whole message was 7% of a batch. */
	advdb_error_info err;
	advdb_match *out = m->stack;
	size_t want = MATCHES_ON_STACK;
	int rc;

	err.version = ADVDB_ERROR_INFO_VERSION;
	err.code = 0;
	err.line = 0;
	err.message[0] = '\0';

	m->v = m->stack;
	m->heap = NULL;
	m->n = 0;
	if (!q->answerable)
		return ADVDB_OK;
	if (q->version && g->s.cache && !target->os && !target->arch &&
	    strlen(q->version) == q->version_len) {
		rc = dcache_lookup(&m->v, &m->n, g->s.cache, q->name, q->version,
		                   &err);
		if (rc != DCACHE_BYPASS)
			goto done;
		m->v = m->stack;
		m->n = 0;
	}
	for (int pass = 0; pass < 2; pass++) {
		rc = q->version
		     ? advdb_lookup_ex(out, want, &m->n, db, q->name,
		                       q->name_len, q->version, q->version_len,
		                       target, &err)
		     : advdb_package_advisories_ex(out, want, &m->n, db,
		                                   q->name, q->name_len, target,
		                                   &err);
		if (rc != ADVDB_EBUFS || pass)
			break;
		want = m->n;
		if (!(m->heap = malloc(want * sizeof(*m->heap)))) {
			rc = ADVDB_ENOMEM;
			break;
		}
		out = m->heap;
	}
	m->v = out;
done:
	if (rc != ADVDB_OK) {
		snprintf(msg, cap, "%s", err.message[0] ? err.message
		         : advdb_strerror(rc));
		m->n = 0;
	}
	return rc;
}

static void matches_free(matches *m)
{
	free(m->heap);
	m->heap = NULL;
}

/* A failed look-up: a bad version is the client's (400), anything else
 * the index's (500: never an answer that could read as clean). */
static void lookup_error(serve_reply *out, int rc, const char *prefix,
                         const char *msg)
{
	serve_error(out, rc == ADVDB_EVERSION || rc == ADVDB_EINVAL ? 400 : 500,
	            "%s%s", prefix, msg);
}

/* ---- POST /v1/query ---- */

static void post_query(serve_reply *out, const serve_gen *g,
                       const serve_request *rq)
{
	advdb_query target;
	osv_query q;
	matches m;
	char msg[1024];
	json j;
	json_t *body = NULL;
	qfast fq;
	int rc;

	/* the target from the query string first, then the body: the
	 * common shape without jansson (qfast.h), any other with it */
	if (target_args(out, &target, rq, 1) < 0)
		return;
	if (qfast_query(&fq, rq->body, rq->body_len) == QFAST_OK) {
		rc = query_meaning(&q, &fq.v[0], msg, sizeof(msg));
	} else {
		if (!(body = parse_body(out, rq)))
			return;
		rc = osv_query_read(&q, body, -1, msg, sizeof(msg));
	}
	if (rc != QUERY_OK) {
		serve_error(out, 400, "%s", msg);
		goto done;
	}
	rc = find(&m, g, &q, &target, msg, sizeof(msg));
	if (rc != ADVDB_OK) {
		lookup_error(out, rc, "", msg);
		goto done;
	}
	out->status = 200;
	json_init(&j, &out->body);
	json_obj_begin(&j);
	if (m.n) {
		json_key(&j, "vulns");
		json_arr_begin(&j);
		for (size_t i = 0; i < m.n; i++) {
			const gen_record *r = gen_find(g, m.v[i].id,
			                               strlen(m.v[i].id));
			if (r && r->json) {
				json_raw_value(&j, r->json, r->len);
				continue;
			}
			buf one = BUF_INIT;
			rc = gen_render(&one, NULL, g, m.v[i].id);
			if (rc == ADVDB_OK && !one.failed)
				json_raw_value(&j, one.p, one.len);
			buf_free(&one);
			if (rc != ADVDB_OK) {
				snprintf(msg, sizeof(msg), "%s: %s", m.v[i].id,
				         advdb_last_error(g->s.db));
				serve_error(out, 500, "%s", msg);
				matches_free(&m);
				goto done;
			}
		}
		json_arr_end(&j);
	}
	json_obj_end(&j);
	matches_free(&m);
done:
	osv_query_free(&q);
	qfast_free(&fq);
	if (body)
		jsonmem_release(body);
}

/* ---- POST /v1/querybatch ---- */

static void post_querybatch(serve_reply *out, const serve_gen *g,
                            const serve_request *rq)
{
	advdb_query target;
	osv_query *qs = NULL;
	size_t nq = 0, first_bad = 0;
	char msg[1024], bad_msg[1024], where[48], tmp[RFC3339_MAX];
	int have_bad = 0;
	const char *key;
	json_t *val, *list = NULL;
	json j;
	json_t *body = NULL;
	qfast fq;

	/* as post_query: the common shape without jansson, any other with */
	if (target_args(out, &target, rq, 1) < 0)
		return;
	if (qfast_batch(&fq, rq->body, rq->body_len) == QFAST_OK) {
		nq = fq.n;
		goto read;
	}
	if (!(body = parse_body(out, rq)))
		return;
	json_object_foreach(body, key, val) {
		if (strcmp(key, "queries") != 0) {
			query_unknown_field(msg, sizeof(msg), key, "query");
			serve_error(out, 400, "%s", msg);
			goto done;
		}
		if (!json_is_array(val) && !json_is_null(val)) {
			serve_error(out, 400, "Invalid JSON payload received. "
			            "Invalid value at 'query.queries': not a list");
			goto done;
		}
		list = json_is_array(val) ? val : NULL;
	}
	nq = list ? json_array_size(list) : 0;
read:
	/* read every query first: a shape error anywhere refuses the body
	 * before the count is looked at, the count before the first invalid
	 * query (osv.dev's order) */
	if (nq && !(qs = calloc(nq, sizeof(*qs)))) {
		serve_error(out, 500, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < nq; i++) {
		query_fields f;
		int rc = body ? query_shape(&f, json_array_get(list, i), (long)i,
		                            msg, sizeof(msg))
		              : QUERY_OK;
		if (rc == QUERY_OK)
			rc = query_meaning(&qs[i], body ? &f : &fq.v[i], msg,
			                   sizeof(msg));
		if (rc == QUERY_SHAPE) {
			serve_error(out, 400, "%s", msg);
			goto done;
		}
		if (rc != QUERY_OK && !have_bad) {
			have_bad = 1;
			first_bad = i;
			memcpy(bad_msg, msg, sizeof(msg));
		}
		if (rc != QUERY_OK)
			qs[i].answerable = 0;
	}
	if (nq > SERVE_BATCH_MAX) {
		serve_error(out, 400, "too many queries");
		goto done;
	}
	if (have_bad) {
		serve_error(out, 400, "error in query at index %zu: %s", first_bad,
		            bad_msg);
		goto done;
	}
	out->status = 200;
	json_init(&j, &out->body);
	json_obj_begin(&j);
	if (nq) {
		json_key(&j, "results");
		json_arr_begin(&j);
	}
	for (size_t i = 0; i < nq; i++) {
		matches m;
		int rc = find(&m, g, &qs[i], &target, msg, sizeof(msg));
		if (rc != ADVDB_OK) {
			snprintf(where, sizeof(where), "error in query at index %zu: ",
			         i);
			lookup_error(out, rc, where, msg);
			goto done;
		}
		json_obj_begin(&j);
		if (m.n) {
			json_key(&j, "vulns");
			json_arr_begin(&j);
		}
		for (size_t k = 0; k < m.n; k++) {
			const char *mod = gen_modified(g, m.v[k].id, tmp);
			if (!mod) {
				serve_error(out, 500, "%s: %s", m.v[k].id,
				            advdb_last_error(g->s.db));
				matches_free(&m);
				goto done;
			}
			json_obj_begin(&j);
			json_key(&j, "id");
			json_str(&j, m.v[k].id);
			json_key(&j, "modified");
			json_str(&j, mod);
			json_obj_end(&j);
		}
		if (m.n)
			json_arr_end(&j);
		json_obj_end(&j);
		matches_free(&m);
	}
	if (nq)
		json_arr_end(&j);
	json_obj_end(&j);
done:
	for (size_t i = 0; qs && i < nq; i++)
		osv_query_free(&qs[i]);
	free(qs);
	qfast_free(&fq);
	if (body)
		jsonmem_release(body);
}

/* ---- GET /v1/vulns/{id} ---- */

static void get_vuln(serve_reply *out, const serve_gen *g, const char *id)
{
	size_t n = strlen(id);
	int rc;

	if (n == 0) {
		serve_error(out, 400, "ID is required");
		return;
	}
	if (n > SERVE_ID_MAX) {
		serve_error(out, 400, "ID is too long");
		return;
	}
	out->status = 200;
	rc = gen_render(&out->body, NULL, g, id);
	if (rc == ADVDB_ENOTFOUND) {
		serve_error(out, 404, "Vulnerability not found");
	} else if (rc != ADVDB_OK) {
		serve_error(out, 500, "%s", advdb_last_error(g->s.db));
	} else {
		/* the bytes of export-osv's file, newline included */
		buf_putc(&out->body, '\n');
	}
}

/* ---- GET /v1/info, /healthz ---- */

static void server_members(json *j, const serve_gen *g,
                           const serve_status *st)
{
	char t[RFC3339_MAX];

	json_key(j, "generation");
	json_uint(j, g->serial);
	json_key(j, "loaded");
	json_str(j, rfc3339_format(t, g->loaded_at) ? t : NULL);
	if (!st)
		return;
	json_key(j, "generations_loaded");
	json_uint(j, st->generations);
	json_key(j, "replacements_refused");
	json_uint(j, st->failures);
	json_key(j, "started");
	json_str(j, rfc3339_format(t, st->started) ? t : NULL);
}

static void get_info(serve_reply *out, const serve_gen *g,
                     const serve_status *st)
{
	buf info = BUF_INIT;
	json j;
	int rc = info_json(&info, &g->s);

	if (rc != ADVDB_OK || info.failed || info.len == 0) {
		serve_error(out, 500, "%s", rc != ADVDB_OK
		            ? advdb_last_error(g->s.db) : "out of memory");
		buf_free(&info);
		return;
	}
	out->status = 200;
	json_init(&j, &out->body);
	json_obj_begin(&j);
	json_key(&j, "index");
	json_raw_value(&j, info.p, info.len - 1);       /* less its newline */
	json_key(&j, "server");
	json_obj_begin(&j);
	json_key(&j, "version");
	json_str(&j, ADVDB_VERSION);
	server_members(&j, g, st);
	json_obj_end(&j);
	json_obj_end(&j);
	buf_free(&info);
}

static void get_health(serve_reply *out, const serve_gen *g,
                       const serve_status *st)
{
	json j;

	out->status = 200;
	json_init(&j, &out->body);
	json_obj_begin(&j);
	json_key(&j, "status");
	json_str(&j, "ok");
	server_members(&j, g, st);
	json_obj_end(&j);
}

/* ---- routes ---- */

#define VULNS "/v1/vulns/"

void serve_answer(serve_reply *out, const serve_gen *g,
                  const serve_status *st, const serve_request *rq)
{
	const char *m = rq->method ? rq->method : "";
	const char *p = rq->path ? rq->path : "";
	int get = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
	int post = strcmp(m, "POST") == 0;
	advdb_query none;

	memset(out, 0, sizeof(*out));
	if (strcmp(p, "/v1/query") == 0 || strcmp(p, "/v1/querybatch") == 0) {
		if (!post) {
			out->allow = "POST";
			serve_error(out, 405, "%s takes POST", p);
			return;
		}
		if (p[9] == '\0')
			post_query(out, g, rq);
		else
			post_querybatch(out, g, rq);
		goto check;
	}
	int vulns = strncmp(p, VULNS, sizeof(VULNS) - 1) == 0;
	if (vulns || strcmp(p, "/v1/info") == 0 || strcmp(p, "/healthz") == 0) {
		if (!get) {
			out->allow = "GET, HEAD";
			serve_error(out, 405, "%s takes GET", vulns ? VULNS "{id}" : p);
			return;
		}
		/* /healthz answers whatever its query string (probes add
		 * some); the API refuses parameters it does not know */
		if (strcmp(p, "/healthz") == 0) {
			get_health(out, g, st);
			goto check;
		}
		if (target_args(out, &none, rq, 0) < 0)
			return;
		if (vulns)
			get_vuln(out, g, p + sizeof(VULNS) - 1);
		else
			get_info(out, g, st);
		goto check;
	}
	serve_error(out, 404, "no such path (the API is POST /v1/query, POST "
	            "/v1/querybatch, GET /v1/vulns/{id}, GET /v1/info, GET "
	            "/healthz)");
	return;
check:
	/* a reply that could not be written whole is no answer */
	if (out->body.failed) {
		buf_free(&out->body);
		serve_error(out, 500, "out of memory");
	}
}
