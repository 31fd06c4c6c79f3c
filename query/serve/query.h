/*
 * query.h — one OSV query object (osv_service_v1.proto's `Query`, with
 * vulnerability.proto's `Package`) read from a parsed request body, as
 * osv.dev reads it: first its shape, as protobuf's JSON reading does (the
 * known fields only, each of its type, `null` meaning unset, `commit` and
 * `version` one or the other), then its meaning, as osv.dev's parseQuery
 * does (a package named by `name` + `ecosystem` or by `purl`, never
 * both; the version in the body or in the purl, never both; a known
 * ecosystem; a commit in hex).
 *
 * The result says which crate and version to look up, or that the
 * question is about something this index holds nothing for (another
 * ecosystem, a purl of another type, a commit), which osv.dev answers
 * with an empty result, not an error.
 */
#ifndef ADVDB_SERVE_QUERY_H
#define ADVDB_SERVE_QUERY_H

#include <stddef.h>
#include <jansson.h>

typedef struct osv_query {
	int answerable;             /* a crates.io question (else: empty) */
	const char *name;           /* NUL-terminated; valid while the
	                               parsed body and the query live */
	size_t name_len;
	const char *version;        /* NULL: every version (all the
	                               package's advisories) */
	size_t version_len;
	char *owned;                /* decoded purl texts (osv_query_free) */
} osv_query;

enum {
	QUERY_OK = 0,
	QUERY_SHAPE = -1,   /* not a Query message: the body is refused whole */
	QUERY_INVALID = -2  /* a Query osv.dev refuses ("invalid query", ...) */
};

/*
 * A Query's fields as its shape gives them, before their meaning is
 * judged: each text NUL-terminated, NULL (length 0) when absent, null or
 * "". The has_ flags say which of commit, version and package were given
 * and not null (an empty string is given). The texts live as long as
 * what they were read from (the parsed body, or qfast.h's copy).
 */
typedef struct query_fields {
	const char *commit, *version, *token, *name, *eco, *purl;
	size_t commit_len, version_len, token_len, name_len, eco_len,
	       purl_len;
	int has_commit, has_version, has_package;
} query_fields;

/*
 * Read v (any JSON value) as a Query: the body of /v1/query (index -1)
 * or the index-th of a batch's queries (messages say which). Returns
 * QUERY_OK, or QUERY_SHAPE / QUERY_INVALID with a message in msg (cap
 * bytes). The same as query_shape() then query_meaning().
 */
int osv_query_read(osv_query *q, const json_t *v, long index, char *msg,
                   size_t cap);

/* The first step alone: v's fields, or QUERY_SHAPE (a member that is no
 * field, a field of the wrong type, commit and version both given) or
 * QUERY_INVALID (v is null) with a message. */
int query_shape(query_fields *f, const json_t *v, long index, char *msg,
                size_t cap);

/* The second step alone: what the fields ask, as osv.dev judges it.
 * Returns QUERY_OK or QUERY_INVALID with a message; q is set either
 * way (osv_query_free() it). */
int query_meaning(osv_query *q, const query_fields *f, char *msg,
                  size_t cap);

void osv_query_free(osv_query *q);

/* The message for a member that is no field of the message at where
 * (protobuf's words, as osv.dev's gateway answers). */
void query_unknown_field(char *msg, size_t cap, const char *key,
                         const char *where);

#endif
