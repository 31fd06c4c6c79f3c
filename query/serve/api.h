/*
 * api.h — advdb-serve's answers: one HTTP request (method, path, query
 * parameters, body) in, one status and JSON body out. This is the whole
 * protocol, apart from sockets: http.c feeds it from libmicrohttpd, and
 * the fuzz target and the unit tests call it directly.
 *
 * The OSV API v1 as osv.dev answers it (docs/api/ and
 * proto/v1/osv_service_v1.proto of google/osv.dev; go/internal/api for
 * what the documentation leaves out):
 *   POST /v1/query        {"package":{"name","ecosystem"}|{"purl"},
 *                          "version"?, "commit"?, "page_token"?}
 *                         -> {"vulns":[OSV objects]} or {} when none
 *   POST /v1/querybatch   {"queries":[query...]} (at most 1000)
 *                         -> {"results":[{"vulns":[{"id","modified"}]}
 *                            or {} per query, in order]}
 *   GET  /v1/vulns/{id}   -> the OSV object (by id, or an alias)
 * plus advdb's own:
 *   GET  /v1/info         -> the index (`advdb-query info --json`) and the
 *                            server's generation and reload counters
 *   GET  /healthz         -> {"status":"ok", ...}
 * and the query parameters `os` and `arch` on the two query endpoints,
 * which restrict advisories to a target as advdb-query's --os/--arch.
 *
 * Errors are osv.dev's body, {"code": N, "message": "..."}, N the gRPC
 * code osv.dev puts there (3 invalid argument for 400, 5 not found for
 * 404; 12, 8, 13 and 14 for 405, 413, 500 and 503).
 *
 * Thread safety: serve_answer() keeps nothing between calls; any number
 * of threads may call it at once with the same generation.
 */
#ifndef ADVDB_SERVE_API_H
#define ADVDB_SERVE_API_H

#include <stddef.h>

#include "buf.h"
#include "gen.h"

/* Caps on what a client may send. */
#define SERVE_BODY_MAX ((size_t)4 << 20)    /* request body: 413 beyond */
#define SERVE_BATCH_MAX 1000                /* queries in one batch (osv.dev) */
#define SERVE_JSON_DEPTH_MAX 16             /* nesting of a request body */
#define SERVE_JSON_VALUES_MAX 65536         /* values in one (1000 queries:
                                               about 6000) */
#define SERVE_ID_MAX 100                    /* /v1/vulns/{id} (osv.dev) */
#define SERVE_ARGS_MAX 16                   /* query parameters */

typedef struct serve_arg {
	const char *key, *value;    /* value NULL for `?key` without '=' */
} serve_arg;

typedef struct serve_request {
	const char *method;         /* "GET", "POST", ... */
	const char *path;           /* decoded, without the query string */
	const serve_arg *args;
	size_t nargs;
	const char *body;           /* may hold anything; need not end in NUL */
	size_t body_len;
} serve_request;

typedef struct serve_reply {
	unsigned status;
	buf body;                   /* application/json; owned by the reply */
	const char *allow;          /* 405: the Allow header's value */
} serve_reply;

/* What the server adds to /v1/info and /healthz about itself. */
typedef struct serve_status {
	unsigned long generations;  /* indexes loaded since the start */
	unsigned long failures;     /* replacement files refused */
	int64_t started;            /* unix seconds */
} serve_status;

/*
 * Answer rq from generation g (held by the caller for the call). The
 * reply is always complete: a status and a JSON body (empty for 200s of
 * HEAD is the transport's business). st may be NULL (no server facts).
 */
void serve_answer(serve_reply *out, const serve_gen *g,
                  const serve_status *st, const serve_request *rq);

void serve_reply_free(serve_reply *r);

/* The reply for a body that was too large (the transport finds out). */
void serve_too_large(serve_reply *out);

/* osv.dev's error body: {"code": grpc, "message": msg}. */
void serve_error(serve_reply *out, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
