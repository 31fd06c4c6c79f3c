/*
 * pkgdiff.c — packages added, removed, upgraded and downgraded between
 * two lockfiles (see pkgdiff.h for the matching rule).
 *
 * Each side becomes an array of entries sorted by (name, source key,
 * version from the highest down), so the packages of one key are a run
 * in each array and the runs of the two sides are merged like sorted
 * lists. Inside a run, versions of one compatibility series are
 * contiguous (the series is monotonic in the version order), so every
 * step of the rule is a linear walk: a group of n versions costs n, not
 * n squared, even in a hostile lockfile with 200,000 versions of a name.
 */
#include "pkgdiff.h"

#include <stdlib.h>
#include <string.h>

#include "lockdeps.h"
#include "vec.h"
#include "version.h"

typedef struct ent {
	const lock_pkg *p;
	const char *src;            /* source key (see pkgdiff.h) */
	size_t srclen;
	version v;
	size_t change;              /* index in d->v, or (size_t)-1 */
	int matched;
} ent;

static const char CRATES_IO_KEY[] = "crates.io";

static void source_key(ent *e)
{
	const char *s = e->p->source;

	if (!s) {
		e->src = "";
		e->srclen = 0;
	} else if (e->p->crates_io) {
		e->src = CRATES_IO_KEY;
		e->srclen = sizeof(CRATES_IO_KEY) - 1;
	} else {
		const char *hash = strchr(s, '#');
		e->src = s;
		e->srclen = hash ? (size_t)(hash - s) : strlen(s);
	}
}

static int cmp_key(const ent *a, const ent *b)
{
	int c = strcmp(a->p->name, b->p->name);
	if (c)
		return c;
	size_t n = a->srclen < b->srclen ? a->srclen : b->srclen;
	c = memcmp(a->src, b->src, n);
	if (c)
		return c;
	return (a->srclen > b->srclen) - (a->srclen < b->srclen);
}

/* Key, then version from the highest down (text breaks precedence ties,
 * so the order is total). */
static int cmp_ent(const void *x, const void *y)
{
	const ent *a = x, *b = y;
	int c = cmp_key(a, b);
	if (c)
		return c;
	c = version_cmp(&b->v, &a->v);
	return c ? c : strcmp(a->p->version, b->p->version);
}

/* Caret series as a comparable triple; equal triples, one series. */
static int cmp_series(const version *a, const version *b)
{
	uint64_t sa[3] = { a->major, a->major ? 0 : a->minor,
	                   a->major || a->minor ? 0 : a->patch };
	uint64_t sb[3] = { b->major, b->major ? 0 : b->minor,
	                   b->major || b->minor ? 0 : b->patch };
	for (int i = 0; i < 3; i++)
		if (sa[i] != sb[i])
			return sa[i] < sb[i] ? -1 : 1;
	return 0;
}

static ent *side(const lockfile *lf)
{
	ent *e = calloc(lf->npkgs ? lf->npkgs : 1, sizeof(*e));
	if (!e)
		return NULL;
	for (size_t i = 0; i < lf->npkgs; i++) {
		const char *err = NULL;
		e[i].p = &lf->pkgs[i];
		e[i].change = (size_t)-1;
		source_key(&e[i]);
		/* lockfile.c parsed every version already: cannot fail */
		if (version_parse(&e[i].v, e[i].p->version,
		                  strlen(e[i].p->version), &err) < 0)
			memset(&e[i].v, 0, sizeof(e[i].v));
	}
	qsort(e, lf->npkgs, sizeof(*e), cmp_ent);
	return e;
}

typedef struct growing {
	pkg_change *v;
	size_t n, cap;
} growing;

static int push(growing *g, pkg_change_kind k, ent *o, ent *n)
{
	if (vec_reserve((void **)&g->v, &g->cap, g->n, sizeof(*g->v)) < 0)
		return -1;
	pkg_change *c = &g->v[g->n];
	memset(c, 0, sizeof(*c));
	c->kind = k;
	c->old = o ? o->p : NULL;
	c->new = n ? n->p : NULL;
	if (o) {
		o->matched = 1;
		o->change = g->n;
	}
	if (n) {
		n->matched = 1;
		n->change = g->n;
	}
	g->n++;
	return 0;
}

static int pair(growing *g, ent *o, ent *n)
{
	int c = version_cmp(&n->v, &o->v);
	if (!c)
		c = strcmp(n->p->version, o->p->version);
	return push(g, c > 0 ? PKG_UPGRADED : PKG_DOWNGRADED, o, n);
}

/* Steps 2 and 3 (same_series) over the unmatched entries of one key:
 * two cursors walking both runs from the highest version down. */
static int pair_run(growing *g, ent *o, size_t no, ent *n, size_t nn,
                    int same_series)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < no && o[i].matched)
			i++;
		while (j < nn && n[j].matched)
			j++;
		if (i >= no || j >= nn)
			return 0;
		int c = same_series ? cmp_series(&o[i].v, &n[j].v) : 0;
		if (c == 0) {
			if (pair(g, &o[i], &n[j]) < 0)
				return -1;
		} else if (c > 0) {
			i++;            /* o[i]'s series is above every new one left */
		} else {
			j++;
		}
	}
}

static int group(growing *g, ent *o, size_t no, ent *n, size_t nn)
{
	/* 1. the same version on both sides (by text): unchanged */
	size_t i = 0, j = 0;
	while (i < no && j < nn) {
		int c = version_cmp(&n[j].v, &o[i].v);
		if (!c)
			c = strcmp(o[i].p->version, n[j].p->version);
		if (c == 0) {
			o[i++].matched = 1;
			n[j++].matched = 1;
		} else if (c < 0) {
			i++;            /* o[i] is higher: no new one equals it */
		} else {
			j++;
		}
	}
	/* 2. and 3. */
	if (pair_run(g, o, no, n, nn, 1) < 0 || pair_run(g, o, no, n, nn, 0) < 0)
		return -1;
	/* 4. */
	for (i = 0; i < no; i++)
		if (!o[i].matched && push(g, PKG_REMOVED, &o[i], NULL) < 0)
			return -1;
	for (j = 0; j < nn; j++)
		if (!n[j].matched && push(g, PKG_ADDED, NULL, &n[j]) < 0)
			return -1;
	return 0;
}

/* ---- dependents of added packages ---- */

typedef struct dep_edge {
	size_t change;              /* an added package's change */
	const lock_pkg *by;         /* a package depending on it */
} dep_edge;

typedef struct edges {
	dep_edge *v;
	size_t n, cap;
} edges;

static int add_edge(edges *ed, size_t change, const lock_pkg *by)
{
	if (vec_reserve((void **)&ed->v, &ed->cap, ed->n, sizeof(*ed->v)) < 0)
		return -1;
	ed->v[ed->n].change = change;
	ed->v[ed->n].by = by;
	ed->n++;
	return 0;
}

static int cmp_edge(const void *x, const void *y)
{
	const dep_edge *a = x, *b = y;
	if (a->change != b->change)
		return a->change < b->change ? -1 : 1;
	int c = strcmp(a->by->name, b->by->name);
	if (!c)
		c = strcmp(a->by->version, b->by->version);
	if (!c)
		c = (a->by > b->by) - (a->by < b->by);
	return c;
}

/* The packages of the new lockfile whose `dependencies` name an added
 * package, resolved by lockdeps (cargo-lock's rules, lockdeps.h): an
 * entry that names none, or a lockfile whose lists do not resolve at
 * all, adds no dependent. */
static int dependents(pkgdiff *d, const lockfile *nl, const ent *e)
{
	depgraph g;
	edges ed = { 0 };
	size_t *change_of = NULL;

	if (lockdeps_build(&g, nl) < 0)
		return -1;
	if (!(change_of = malloc((nl->npkgs ? nl->npkgs : 1) *
	                         sizeof(*change_of))))
		goto oom;
	for (size_t k = 0; k < nl->npkgs; k++)
		change_of[e[k].p - nl->pkgs] = e[k].change;
	for (size_t k = 0; k < nl->npkgs; k++)
		for (size_t x = g.start[k]; x < g.start[k + 1]; x++) {
			size_t to = g.dep[x].to, c;
			if (to == DEP_NONE || (c = change_of[to]) == (size_t)-1 ||
			    d->v[c].kind != PKG_ADDED)
				continue;
			if (add_edge(&ed, c, &nl->pkgs[k]) < 0)
				goto oom;
		}
	free(change_of);
	change_of = NULL;
	depgraph_free(&g);
	if (ed.n)
		qsort(ed.v, ed.n, sizeof(*ed.v), cmp_edge);
	d->by = malloc((ed.n ? ed.n : 1) * sizeof(*d->by));
	if (!d->by)
		goto oom;
	for (size_t i = 0; i < ed.n; i++) {
		if (i && ed.v[i].change == ed.v[i - 1].change &&
		    ed.v[i].by == ed.v[i - 1].by)
			continue;       /* listed twice by one package */
		pkg_change *c = &d->v[ed.v[i].change];
		if (!c->nby)
			c->by = d->nby;
		c->nby++;
		d->by[d->nby++] = ed.v[i].by;
	}
	free(ed.v);
	return 0;
oom:
	free(change_of);
	depgraph_free(&g);
	free(ed.v);
	return -1;
}

/* Changes in name order, then by version (the old one when the change
 * has one), then the removed before the paired before the added, then by
 * source: a crate's lines read from its oldest version up. */
static int kind_rank(pkg_change_kind k)
{
	return k == PKG_REMOVED ? 0 : k == PKG_ADDED ? 2 : 1;
}

static int cmp_change(const void *x, const void *y)
{
	const pkg_change *a = x, *b = y;
	const lock_pkg *pa = a->old ? a->old : a->new;
	const lock_pkg *pb = b->old ? b->old : b->new;
	const char *err;
	version va, vb;
	int c = strcmp(pa->name, pb->name);
	if (c)
		return c;
	if (version_parse(&va, pa->version, strlen(pa->version), &err) == 0 &&
	    version_parse(&vb, pb->version, strlen(pb->version), &err) == 0)
		c = version_cmp(&va, &vb);
	if (!c)
		c = strcmp(pa->version, pb->version);
	if (!c)
		c = kind_rank(a->kind) - kind_rank(b->kind);
	if (!c)
		c = strcmp(pa->source ? pa->source : "",
		           pb->source ? pb->source : "");
	return c;
}

int pkgdiff_build(pkgdiff *d, const lockfile *old, const lockfile *new)
{
	ent *o = side(old), *n = side(new);
	growing g = { 0 };
	size_t i = 0, j = 0;

	memset(d, 0, sizeof(*d));
	if (!o || !n)
		goto oom;
	while (i < old->npkgs || j < new->npkgs) {
		size_t i2 = i, j2 = j;
		int c = i >= old->npkgs ? 1 : j >= new->npkgs ? -1
		        : cmp_key(&o[i], &n[j]);
		if (c <= 0)
			while (i2 < old->npkgs && cmp_key(&o[i2], &o[i]) == 0)
				i2++;
		if (c >= 0)
			while (j2 < new->npkgs && cmp_key(&n[j2], &n[j]) == 0)
				j2++;
		if (group(&g, o + i, i2 - i, n + j, j2 - j) < 0)
			goto oom;
		i = i2;
		j = j2;
	}
	d->v = g.v;
	d->n = g.n;
	g.v = NULL;
	/* dependents are found through the entries' change indexes, so the
	 * changes are sorted for output only afterwards */
	if (dependents(d, new, n) < 0)
		goto oom;
	/* sort, carrying each change's dependents along */
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), cmp_change);
	for (size_t k = 0; k < d->n; k++)
		d->count[d->v[k].kind]++;
	free(o);
	free(n);
	return 0;
oom:
	free(g.v);
	free(o);
	free(n);
	pkgdiff_free(d);
	return -1;
}

void pkgdiff_free(pkgdiff *d)
{
	free(d->v);
	free(d->by);
	memset(d, 0, sizeof(*d));
}

const char *pkgdiff_kind_name(pkg_change_kind k)
{
	static const char *const names[PKG_KINDS] = {
		"added", "removed", "upgraded", "downgraded"
	};
	return k < PKG_KINDS ? names[k] : "?";
}
