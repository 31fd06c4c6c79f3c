/*
 * scope.c — the run's filter over matches (see scope.h).
 */
#include "scope.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "limit.h"

#define SCRATCH 64

unsigned scope_info_kinds(const cli_opts *o)
{
	return o->info_set ? o->info_kinds : SCOPE_INFO_DEFAULT;
}

/* One look-up of name (at version, or any version) with q, into a heap
 * array when the scratch one is too small. *out is scratch or a new
 * array (the caller frees it when it is not scratch). */
static int lookup(advdb_match **out, size_t *n, advdb_match *scratch,
                  const session *s, const char *name, const char *version,
                  const advdb_query *q, advdb_error_info *e)
{
	size_t nl = strlen(name), vl = version ? strlen(version) : 0;
	int rc;

	*out = scratch;
	rc = version ? advdb_lookup_ex(scratch, SCRATCH, n, s->db, name, nl,
	                               version, vl, q, e)
	             : advdb_package_advisories_ex(scratch, SCRATCH, n, s->db,
	                                           name, nl, q, e);
	if (rc != ADVDB_EBUFS || *n > HOT_ENTRIES_MAX)
		return rc;
	size_t want = *n;
	advdb_match *heap = malloc(want * sizeof(*heap));
	if (!heap)
		return ADVDB_ENOMEM;
	rc = version ? advdb_lookup_ex(heap, want, n, s->db, name, nl, version,
	                               vl, q, e)
	             : advdb_package_advisories_ex(heap, want, n, s->db, name,
	                                           nl, q, e);
	if (rc != ADVDB_OK) {
		free(heap);
		return rc;
	}
	*out = heap;
	return ADVDB_OK;
}

/* keep[i] = 1 for each match some (os, arch) pair of the lists also
 * matches. Lists of one or none are already in the session's query. */
static int by_targets(unsigned char *keep, const advdb_match *m, size_t n,
                      const session *s, const char *name,
                      const char *version, advdb_error_info *e)
{
	const cli_opts *o = s->opts;
	size_t nos = o->nos > 1 ? o->nos : 1, narch = o->narch > 1 ? o->narch : 1;
	size_t left = n;
	advdb_match scratch[SCRATCH];

	for (size_t i = 0; i < nos && left; i++)
		for (size_t k = 0; k < narch && left; k++) {
			advdb_query q = s->q;
			advdb_match *got;
			size_t ng = 0;
			if (o->nos > 1)
				q.os = o->os[i];
			if (o->narch > 1)
				q.arch = o->arch[k];
			int rc = lookup(&got, &ng, scratch, s, name, version, &q,
			                e);
			if (rc != ADVDB_OK)
				return rc;
			/* both lists are in id order */
			for (size_t a = 0, b = 0; a < n && b < ng;) {
				int c = strcmp(m[a].id, got[b].id);
				if (c == 0) {
					if (!keep[a]) {
						keep[a] = 1;
						left--;
					}
					a++;
					b++;
				} else if (c < 0) {
					a++;
				} else {
					b++;
				}
			}
			if (got != scratch)
				free(got);
		}
	return ADVDB_OK;
}

/* Is the advisory below the threshold? Only a rated CVSS vector counts:
 * a score of 0 is a vector rated "none" or no vector at all, and only
 * the advisory itself tells which. */
static int below(int *out, const advdb_match *m, const session *s,
                 advdb_error_info *e)
{
	advdb_advisory *a = NULL;
	int rc;

	*out = 0;
	if ((int)m->severity >= s->opts->severity)
		return ADVDB_OK;
	if (m->cvss_score10) {
		*out = 1;
		return ADVDB_OK;
	}
	if ((rc = advdb_advisory_get_ex(&a, s->db, m->id, e)) != ADVDB_OK)
		return rc;
	*out = advdb_advisory_field(a, ADVDB_F_CVSS) != NULL;
	advdb_advisory_free(a);
	return ADVDB_OK;
}

int scope_filter(advdb_match *m, size_t *n, const session *s,
                 const char *name, const char *version,
                 advdb_error_info *e)
{
	const cli_opts *o = s->opts;
	unsigned kinds = scope_info_kinds(o);
	unsigned char small[SCRATCH], *keep = small;
	size_t k = 0;
	int rc = ADVDB_OK;

	if (*n == 0)
		return ADVDB_OK;
	if (*n > SCRATCH && !(keep = malloc(*n)))
		return ADVDB_ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		unsigned bit = kind_bit(m[i].kind);
		keep[i] = !m[i].withdrawn && !session_ignored(s, m[i].id) &&
		          (m[i].kind == ADVDB_KIND_VULNERABILITY ||
		           (bit & kinds & ~DENY_OTHER));
	}
	if (o->has_severity)
		for (size_t i = 0; rc == ADVDB_OK && i < *n; i++) {
			int drop;
			if (keep[i] && (rc = below(&drop, &m[i], s, e)) == ADVDB_OK &&
			    drop)
				keep[i] = 0;
		}
	if (rc == ADVDB_OK && (o->nos > 1 || o->narch > 1)) {
		/* by_targets sets what stays; what the steps above dropped
		 * stays dropped */
		unsigned char tsmall[SCRATCH], *t = tsmall;
		if (*n > SCRATCH && !(t = calloc(*n, 1)))
			rc = ADVDB_ENOMEM;
		else {
			if (t == tsmall)
				memset(t, 0, sizeof(tsmall));
			rc = by_targets(t, m, *n, s, name, version, e);
			for (size_t i = 0; rc == ADVDB_OK && i < *n; i++)
				keep[i] &= t[i];
			if (t != tsmall)
				free(t);
		}
	}
	if (rc == ADVDB_OK) {
		for (size_t i = 0; i < *n; i++)
			if (keep[i])
				m[k++] = m[i];
		*n = k;
	}
	if (keep != small)
		free(keep);
	return rc;
}
