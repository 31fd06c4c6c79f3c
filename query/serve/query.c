/*
 * query.c — reading one OSV query object (see query.h).
 *
 * The two steps are kept apart because osv.dev keeps them apart: its
 * gateway refuses a body that is not the proto's shape before the server
 * sees it, and the server then refuses queries one by one; in a batch,
 * the first kind of error wins over the cap on queries, which wins over
 * the second kind (go/internal/api/query_affected.go).
 */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "ecosystem.h"
#include "purl.h"

/* osv.dev's cursor for "from the start" (base64 of FIRST_PAGE_TOKEN);
 * no other cursor is ever handed out here (nothing is paginated). */
#define FIRST_PAGE "RklSU1RfUEFHRV9UT0tFTg=="

void query_unknown_field(char *msg, size_t cap, const char *key,
                         const char *where)
{
	snprintf(msg, cap, "Invalid JSON payload received. Unknown name "
	         "\"%.100s\" at '%s': Cannot find field.", key, where);
}

/* Where a query is, for messages only (written when one is needed:
 * a batch of 1000 good queries formats nothing). */
static const char *where_of(char out[64], long index, int package)
{
	if (index < 0)
		snprintf(out, 64, "query%s", package ? ".package" : "");
	else
		snprintf(out, 64, "query.queries[%ld]%s", index,
		         package ? ".package" : "");
	return out;
}

/* A string field: *out set (NULL for null or ""), or a shape error. */
static int string_field(const char **out, size_t *len, const json_t *v,
                        long index, int package, const char *key,
                        char *msg, size_t cap)
{
	char w[64];

	*out = NULL;
	*len = 0;
	if (json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		snprintf(msg, cap, "Invalid JSON payload received. Invalid value "
		         "at '%s.%s' (TYPE_STRING): not a string",
		         where_of(w, index, package), key);
		return QUERY_SHAPE;
	}
	if (json_string_length(v) > 0) {
		*out = json_string_value(v);
		*len = json_string_length(v);
	}
	return 0;
}

/* Whole bytes of hex, as osv.dev decodes a commit hash. */
static int is_hex(const char *s, size_t n)
{
	if (n == 0 || n % 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (ascii_hexval((unsigned char)s[i]) < 0)
			return 0;
	return 1;
}

static int invalid(char *msg, size_t cap, const char *what)
{
	snprintf(msg, cap, "%s", what);
	return QUERY_INVALID;
}

int query_shape(query_fields *f, const json_t *v, long index, char *msg,
                size_t cap)
{
	const char *key;
	json_t *val;
	char w[64];
	int rc;

	memset(f, 0, sizeof(*f));
	if (json_is_null(v))
		return invalid(msg, cap, "no query provided");
	if (!json_is_object(v)) {
		snprintf(msg, cap, "Invalid JSON payload received. Invalid value "
		         "at '%s' (type.googleapis.com/osv.v1.Query): not an "
		         "object", where_of(w, index, 0));
		return QUERY_SHAPE;
	}
	json_object_foreach((json_t *)v, key, val) {
		if (strcmp(key, "commit") == 0) {
			rc = string_field(&f->commit, &f->commit_len, val, index, 0,
			                  key, msg, cap);
			f->has_commit = !json_is_null(val);
		} else if (strcmp(key, "version") == 0) {
			rc = string_field(&f->version, &f->version_len, val, index,
			                  0, key, msg, cap);
			f->has_version = !json_is_null(val);
		} else if (strcmp(key, "page_token") == 0) {
			rc = string_field(&f->token, &f->token_len, val, index, 0,
			                  key, msg, cap);
		} else if (strcmp(key, "package") == 0) {
			rc = 0;
			if (json_is_null(val))
				continue;
			if (!json_is_object(val)) {
				snprintf(msg, cap, "Invalid JSON payload received. "
				         "Invalid value at '%s' "
				         "(type.googleapis.com/osv.Package): not an "
				         "object", where_of(w, index, 1));
				return QUERY_SHAPE;
			}
			f->has_package = 1;
			const char *pk;
			json_t *pv;
			json_object_foreach(val, pk, pv) {
				if (strcmp(pk, "name") == 0)
					rc = string_field(&f->name, &f->name_len, pv, index,
					                  1, pk, msg, cap);
				else if (strcmp(pk, "ecosystem") == 0)
					rc = string_field(&f->eco, &f->eco_len, pv, index, 1,
					                  pk, msg, cap);
				else if (strcmp(pk, "purl") == 0)
					rc = string_field(&f->purl, &f->purl_len, pv, index,
					                  1, pk, msg, cap);
				else {
					query_unknown_field(msg, cap, pk,
					                    where_of(w, index, 1));
					return QUERY_SHAPE;
				}
				if (rc)
					return rc;
			}
		} else {
			query_unknown_field(msg, cap, key, where_of(w, index, 0));
			return QUERY_SHAPE;
		}
		if (rc)
			return rc;
	}
	/* commit and version are one oneof: both given is no Query at all */
	if (f->has_commit && f->has_version) {
		snprintf(msg, cap, "Invalid JSON payload received. Multiple "
		         "values for oneof \"param\" at '%s': commit and version",
		         where_of(w, index, 0));
		return QUERY_SHAPE;
	}
	return QUERY_OK;
}

/* ---- what osv.dev's parseQuery asks of it ---- */
int query_meaning(osv_query *q, const query_fields *f, char *msg,
                  size_t cap)
{
	const char *name = f->name, *version = f->version;
	size_t name_len = f->name_len, version_len = f->version_len;

	memset(q, 0, sizeof(*q));
	if (f->has_commit) {
		if (!is_hex(f->commit, f->commit_len))
			return invalid(msg, cap, "invalid hash");
		goto cursor;    /* no commit is indexed here: an empty answer */
	}
	if (!f->has_package)
		return invalid(msg, cap, "invalid query");
	if (f->purl) {
		purl p;
		char why[160];
		if (name)
			return invalid(msg, cap, "name specified in a PURL query");
		if (f->eco)
			return invalid(msg, cap,
			               "ecosystem specified in a PURL query");
		q->owned = malloc(f->purl_len + 2);
		if (!q->owned)
			return invalid(msg, cap, "out of memory");
		if (purl_parse(&p, f->purl, f->purl_len, q->owned, why,
		               sizeof(why)) < 0) {
			snprintf(msg, cap, "%s", why);
			return QUERY_INVALID;
		}
		if (p.version) {
			if (version)
				return invalid(msg, cap, "version specified in params "
				               "and PURL query");
			version = p.version;
			version_len = p.version_len;
		}
		name = p.name;
		name_len = p.name_len;
		/* other types: a package of an ecosystem without data here */
		q->answerable = purl_is_cargo(&p);
	} else {
		if (f->eco && !ecosystem_known(f->eco, f->eco_len))
			return invalid(msg, cap, "invalid ecosystem");
		if (!name)
			return invalid(msg, cap, "invalid query");
		if (!f->eco && !version)
			return invalid(msg, cap, "invalid query");
		/* no ecosystem: osv.dev matches the name in every ecosystem;
		 * crates.io is the one here */
		q->answerable = !f->eco || ecosystem_is_crates(f->eco, f->eco_len);
	}
	if (!name_len || strlen(name) != name_len)
		return invalid(msg, cap, "invalid query");
	q->name = name;
	q->name_len = name_len;
	q->version = version;
	q->version_len = version_len;
cursor:
	if (f->token && strcmp(f->token, FIRST_PAGE) != 0)
		return invalid(msg, cap, "invalid cursor");
	return QUERY_OK;
}

int osv_query_read(osv_query *q, const json_t *v, long index, char *msg,
                   size_t cap)
{
	query_fields f;
	int rc = query_shape(&f, v, index, msg, cap);

	if (rc != QUERY_OK) {
		memset(q, 0, sizeof(*q));
		return rc;
	}
	return query_meaning(q, &f, msg, cap);
}

void osv_query_free(osv_query *q)
{
	free(q->owned);
	q->owned = NULL;
}
