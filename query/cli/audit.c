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

static int push(findings *f, const lock_pkg *p, const advdb_match *m)
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

int audit_pkg(findings *f, const session *s, const lock_pkg *p)
{
	advdb_match scratch[SCRATCH], *heap = NULL;
	const advdb_match *m = scratch;
	/* the message of this call's failure: scan workers share s->db
	 * (only the header is set: the message is written on failure, and
	 * read only then, so no 512 bytes are cleared per package) */
	advdb_error_info e;
	size_t n = 0, nlen = strlen(p->name), vlen = strlen(p->version);
	int rc;

	if (!p->crates_io)
		return ADVDB_OK;
	e.version = ADVDB_ERROR_INFO_VERSION;
	e.code = ADVDB_OK;
	rc = DCACHE_BYPASS;
	if (s->cache)
		rc = dcache_lookup(&m, &n, s->cache, p->name, p->version, &e);
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
			m = heap;
		}
	}
	for (size_t i = 0; rc == ADVDB_OK && i < n; i++) {
		if (m[i].withdrawn || session_ignored(s, m[i].id))
			continue;
		rc = push(f, p, &m[i]);
	}
	free(heap);
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
