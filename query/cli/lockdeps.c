/*
 * lockdeps.c — Cargo.lock dependency lists into a depgraph (see
 * lockdeps.h). Reads each package's `dependencies` entries and `replace`
 * as lockfile.c kept them in lock_pkg (text and line; an entry of another
 * type has no text), in the order of lf->pkgs: v1's [root] first, then
 * each [[package]]; lockresolve.h says which package each entry names.
 *
 * This is on the path of every lockfile with a finding, so nothing is
 * copied unless an entry names no package or there is a `replace`.
 */
#include "lockdeps.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "lockresolve.h"

int lockdeps_has_root(const lockfile *lf)
{
	return lf->npkgs > 0 && lf->has_root;
}

typedef struct pool {
	char *p;
	size_t used;
} pool;

static void set_error(depgraph *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(depgraph *g, const char *fmt, ...)
{
	va_list ap;

	if (g->error[0])
		return;                 /* the first one is the one shown */
	va_start(ap, fmt);
	errbuf_vset(g->error, sizeof g->error, "a bad dependency list", fmt,
	            ap);
	va_end(ap);
}

static const char *keep(pool *c, lock_span s)
{
	char *p;

	if (!s.p)
		return NULL;
	p = c->p + c->used;
	memcpy(p, s.p, s.n);
	p[s.n] = '\0';
	c->used += s.n + 1;
	return p;
}

/* The pool keep() copies into, made when first needed (most lockfiles
 * resolve whole and have no `replace`: they need none), sized then for
 * every entry and `replace` (rtext: the bytes the latter need). 0, or -1
 * out of memory. */
static int pool_ready(pool *c, depgraph *g, const lockfile *lf,
                      size_t rtext)
{
	size_t text = rtext;

	if (c->p)
		return 0;
	for (size_t i = 0; i < lf->npkgs; i++) {
		const lock_pkg *p = &lf->pkgs[i];
		for (size_t k = 0; k < p->ndep_list; k++)
			if (p->dep_list[k].p)
				text += p->dep_list[k].n + 3;
	}
	return (g->pool = c->p = malloc(text ? text : 1)) ? 0 : -1;
}

int lockdeps_build(depgraph *g, const lockfile *lf)
{
	size_t n = lf->npkgs, total = 0, text = 0;
	int replaces = 0;
	lock_names ix;
	pool c = { 0 };

	memset(g, 0, sizeof(*g));
	if (!lf->pkgs)
		return -1;
	/* lockfile.c found each package's `dependencies` and `replace`. */
	for (size_t i = 0; i < n; i++) {
		const lock_pkg *p = &lf->pkgs[i];
		if (p->replace.p) {
			replaces = 1;
			text += p->replace.n + 3;
		}
	}
	char why[sizeof g->error];
	if (lock_deps_total(lf, &total, why, sizeof why)) {
		if (depgraph_alloc(g, n, 0, 0) < 0)
			return -1;
		memcpy(g->error, why, sizeof why);     /* alloc cleared g */
		return 0;
	}
	if (depgraph_alloc(g, n, total, replaces) < 0)
		return -1;
	if (lock_names_init(&ix, lf, g->error, sizeof g->error) < 0) {
		depgraph_free(g);
		return -1;
	}

	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		const lock_pkg *p = &lf->pkgs[i];
		const lock_text *r = &p->replace;
		lock_span sn, sv, ss;
		g->start[i] = at;
		if (r->p) {
			if (lock_entry_split_(&sn, &sv, &ss, r->p, r->n,
			                      lf->text != NULL) < 0 || !sv.p) {
				set_error(g, "line %u: `replace` of %s %s is not "
				          "\"NAME VERSION (SOURCE)\"", r->line,
				          p->name, p->version);
			} else if (pool_ready(&c, g, lf, text) < 0) {
				goto oom;
			} else {
				g->replace[i].name = keep(&c, sn);
				g->replace[i].version = keep(&c, sv);
				g->replace[i].source = keep(&c, ss);
			}
		} else if (r->line) {
			set_error(g, "line %u: `replace` of %s %s is not a string",
			          r->line, p->name, p->version);
		}
		/* the first failure is the one shown */
		if (p->dep_list_bad && !g->error[0])
			lock_list_why(p, g->error, sizeof g->error);
		for (size_t k = 0; k < p->ndep_list; k++) {
			const lock_text *v = &p->dep_list[k];
			dep_ref *e = &g->dep[at];
			size_t to = lock_entry_resolve(&ix, v, &sn, &sv, &ss);
			if (to < n) {
				/* cargo-lock's resolved Dependency carries the
				 * package's version and source */
				e->to = to;
				e->name = lf->pkgs[to].name;
				e->version = lf->pkgs[to].version;
				e->source = lf->pkgs[to].source;
				at++;
				continue;
			}
			if (!g->error[0])
				lock_entry_why(g->error, sizeof g->error, &ix, p, v, to);
			if (to == LOCK_DEP_BAD)
				continue;       /* not an entry: no edge, no text */
			if (pool_ready(&c, g, lf, text) < 0)
				goto oom;
			e->to = DEP_NONE;
			e->name = keep(&c, sn);
			e->version = keep(&c, sv);
			e->source = keep(&c, ss);
			at++;
		}
	}
	g->start[n] = at;
	lock_names_free(&ix);
	return 0;
oom:
	lock_names_free(&ix);
	depgraph_free(g);
	return -1;
}
