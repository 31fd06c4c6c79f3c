/*
 * audit.c — package -> findings (see audit.h). With a decision cache the
 * look-up of a (name, version) pair seen before is a hash probe.
 */
#include "audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "errbuf.h"
#include "limit.h"
#include "scope.h"

unsigned kind_bit(advdb_kind k)
{
	switch (k) {
	case ADVDB_KIND_VULNERABILITY: return 0;
	case ADVDB_KIND_UNMAINTAINED: return DENY_UNMAINTAINED;
	case ADVDB_KIND_UNSOUND: return DENY_UNSOUND;
	case ADVDB_KIND_NOTICE: return DENY_NOTICE;
	default: return DENY_OTHER;
	}
}

int findings_add(findings *f, const lock_pkg *p, const advdb_match *m)
{
	if (f->n == f->cap) {
		if (f->cap >= FINDINGS_MAX)
			return AUDIT_ECAP;
		size_t cap = f->cap ? f->cap * 2 : 16;
		if (cap > FINDINGS_MAX)     /* the cap itself, not the next power */
			cap = FINDINGS_MAX;
		finding *v = realloc(f->v, cap * sizeof(*v));
		if (!v)
			return ADVDB_ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n].pkg = p;
	f->v[f->n].m = *m;
	f->n++;
	if (m->kind == ADVDB_KIND_VULNERABILITY)
		f->nvuln++;
	else {
		f->nwarn++;
		f->warn_kinds |= kind_bit(m->kind);
	}
	return ADVDB_OK;
}

#define SCRATCH 64

/* Is p's exact version yanked, by the index's crates.io index? */
static int check_yanked(findings *f, const session *s, const lock_pkg *p)
{
	advdb_crate c = ADVDB_CRATE_INIT;
	int rc = advdb_crate_get(&c, s->db, p->name, strlen(p->name),
	                         p->version, strlen(p->version));

	if (rc == ADVDB_ENOTFOUND) {
		if (!f->nunknown++)
			f->unknown_first = p;
		return ADVDB_OK;
	}
	if (rc != ADVDB_OK || !c.yanked)
		return rc;
	if (f->nyanked == f->capyanked) {
		if (f->n + f->nyanked >= FINDINGS_MAX)
			return AUDIT_ECAP;
		size_t cap = f->capyanked ? f->capyanked * 2 : 8;
		const lock_pkg **v = realloc(f->yanked, cap * sizeof(*v));
		if (!v)
			return ADVDB_ENOMEM;
		f->yanked = v;
		f->capyanked = cap;
	}
	f->yanked[f->nyanked++] = p;
	f->nwarn++;
	f->warn_kinds |= DENY_YANKED;
	return ADVDB_OK;
}

/* audit_pkg, with the pair's decision-cache hash given when hashed is
 * set (audit_pkgs computed it to prefetch). */
static int audit_one(findings *f, const session *s, const lock_pkg *p,
                     uint64_t h, int hashed)
{
	advdb_match scratch[SCRATCH], *heap = NULL, *mine = scratch;
	const advdb_match *m = scratch;
	/* the message of this call's failure: scan workers share s->db
	 * (only the header is set: the message is written on failure, and
	 * read only then, so no 512 bytes are cleared per package) */
	advdb_error_info e;
	size_t n = 0, nlen = p->name_len, vlen = p->version_len;
	int rc;

	if (!p->crates_io && !s->opts->ignore_source)
		return ADVDB_OK;
	e.version = ADVDB_ERROR_INFO_VERSION;
	e.code = ADVDB_OK;
	rc = DCACHE_BYPASS;
	if (s->cache)
		rc = dcache_lookup_h(&m, &n, s->cache, hashed ? h :
		                     dcache_hash(p->name, nlen, p->version, vlen),
		                     p->name, nlen, p->version, vlen, &e);
	if (rc == DCACHE_BYPASS) {      /* no cache, or not in it: whole */
		m = scratch;
		rc = advdb_lookup_ex(scratch, SCRATCH, &n, s->db, p->name, nlen,
		                     p->version, vlen, &s->q, &e);
		if (rc == ADVDB_EBUFS && n <= HOT_ENTRIES_MAX) {
			size_t want = n;
			heap = malloc(want * sizeof(*heap));
			if (!heap)
				return ADVDB_ENOMEM;
			rc = advdb_lookup_ex(heap, want, &n, s->db, p->name, nlen,
			                     p->version, vlen, &s->q, &e);
			m = mine = heap;
		}
	}
	/* The run's scope (scope.h) filters a copy: a cached answer is
	 * shared. Most packages match nothing and copy nothing. */
	if (rc == ADVDB_OK && n && m != mine) {
		if (n > SCRATCH && !(heap = malloc(n * sizeof(*heap))))
			return ADVDB_ENOMEM;
		mine = heap ? heap : scratch;
		memcpy(mine, m, n * sizeof(*mine));
	}
	if (rc == ADVDB_OK && n)
		rc = scope_filter(mine, &n, s, p->name, p->version, &e);
	for (size_t i = 0; rc == ADVDB_OK && i < n; i++)
		rc = findings_add(f, p, &mine[i]);
	free(heap);
	if (rc == ADVDB_OK && s->crates)
		rc = check_yanked(f, s, p);
	if (rc == AUDIT_ECAP)
		findings_fail(f, "%s", audit_strerror(rc, s));
	else if (rc != ADVDB_OK && e.code == rc) {
		free(f->lib_error);
		f->lib_error = strdup(e.message);  /* NULL: the code's text */
		findings_fail(f, "%s@%s: %s", p->name, p->version, e.message);
	} else if (rc != ADVDB_OK)
		findings_fail(f, "%s@%s: %s", p->name, p->version,
		              audit_strerror(rc, s));
	return rc;
}

int audit_pkg(findings *f, const session *s, const lock_pkg *p)
{
	return audit_one(f, s, p, 0, 0);
}

/* Is p decided at all (audit_one returns at once for the others)? */
static int decided(const session *s, const lock_pkg *p)
{
	return p->crates_io || s->opts->ignore_source;
}

/* A lockfile's packages are looked up one after the other, and with the
 * run's cache spread over a megabyte or more, each look-up waited for its
 * slot and then its entry to come from memory. The pairs are hashed
 * AUDIT_AHEAD packages ahead and their slots fetched, and their entries
 * fetched half-way, so those waits overlap. */
#define AUDIT_AHEAD 8
#define AUDIT_RING 16           /* a power of two > AUDIT_AHEAD */

int audit_pkgs(findings *f, const session *s, const lock_pkg *p, size_t n)
{
	uint64_t h[AUDIT_RING];
	int rc = ADVDB_OK;

	if (!s->cache) {
		for (size_t i = 0; i < n; i++)
			if ((rc = audit_pkg(f, s, &p[i])) == AUDIT_ECAP ||
			    rc == ADVDB_ENOMEM)
				break;
		return rc;
	}
	for (size_t i = 0; i < n + AUDIT_AHEAD; i++) {
		size_t a = i, b = i - AUDIT_AHEAD / 2, c = i - AUDIT_AHEAD;
		if (a < n && decided(s, &p[a])) {
			h[a % AUDIT_RING] = dcache_hash(p[a].name, p[a].name_len,
			                                p[a].version,
			                                p[a].version_len);
			dcache_prefetch(s->cache, h[a % AUDIT_RING], 0);
		}
		if (i >= AUDIT_AHEAD / 2 && b < n && decided(s, &p[b]))
			dcache_prefetch(s->cache, h[b % AUDIT_RING], 1);
		if (i >= AUDIT_AHEAD && c < n) {
			rc = audit_one(f, s, &p[c], h[c % AUDIT_RING], 1);
			if (rc == AUDIT_ECAP || rc == ADVDB_ENOMEM)
				break;  /* every later package would say the same */
		}
	}
	return rc;
}

void findings_fail(findings *f, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	f->nerr++;
	if (f->nerrs >= FINDINGS_ERRS_KEPT)
		return;
	if (!f->errs && !(f->errs = calloc(FINDINGS_ERRS_KEPT,
	                                   sizeof(*f->errs))))
		return;                 /* counted all the same */
	va_start(ap, fmt);
	errbuf_vset(msg, sizeof(msg), NULL, fmt, ap);
	va_end(ap);
	if ((f->errs[f->nerrs] = strdup(msg)) != NULL)
		f->nerrs++;
}

#define CAP_TEXT_(n) #n
#define CAP_TEXT(n) CAP_TEXT_(n)

const char *audit_strerror(int rc, const session *s)
{
	if (rc == AUDIT_ECAP)
		return "more than " CAP_TEXT(FINDINGS_MAX)
		       " findings (the cap)";
	if (rc == ADVDB_ENOMEM)
		return "out of memory";
	const char *m = advdb_last_error(s->db);
	return m[0] ? m : advdb_strerror(rc);
}

void findings_free(findings *f)
{
	free(f->yanked);
	for (size_t i = 0; i < f->nerrs; i++)
		free(f->errs[i]);
	free(f->errs);
	free(f->v);
	free(f->lib_error);
	memset(f, 0, sizeof(*f));
}

int findings_exit(const findings *f, unsigned deny, int incomplete)
{
	if (f->nerr || incomplete)
		return EXIT_ERROR;
	if (f->nvuln || (f->warn_kinds & deny))
		return EXIT_FOUND;
	return EXIT_CLEAN;
}
