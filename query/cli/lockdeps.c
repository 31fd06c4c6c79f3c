/*
 * lockdeps.c — Cargo.lock dependency lists into a depgraph (see
 * lockdeps.h). Reads the lockfile's TOML document (lockfile.h keeps it),
 * in the order lockfile.c made lf->pkgs: v1's [root] first, then each
 * [[package]].
 */
#include "lockdeps.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

/* The table of package i, as lockfile.c read it. */
static const toml_value *pkg_table(const lockfile *lf, size_t i, int root)
{
	const toml_value *top = toml_root(lf->doc);

	if (root && i == 0)
		return toml_table_get(top, "root");
	return toml_array_at(toml_table_get(top, "package"), i - (size_t)root);
}

int lockdeps_has_root(const lockfile *lf)
{
	const toml_value *r;

	if (!lf->doc || lf->npkgs == 0)
		return 0;
	r = toml_table_get(toml_root(lf->doc), "root");
	return r && toml_kind(r) == TOML_TABLE;
}

/* Packages sorted by name, version, then position. */
typedef struct ent {
	const lock_pkg *p;
	size_t i;
} ent;

static int cmp_ent(const void *a, const void *b)
{
	const ent *x = a, *y = b;
	int c = strcmp(x->p->name, y->p->name);
	if (!c)
		c = strcmp(x->p->version, y->p->version);
	if (!c)
		c = (x->i > y->i) - (x->i < y->i);
	return c;
}

/* First position in e[0..n) not below (name, version); version NULL
 * compares by name alone. */
static size_t lower(const ent *e, size_t n, const char *name,
                    const char *version)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(e[mid].p->name, name);
		if (!c && version)
			c = strcmp(e[mid].p->version, version);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* cargo-lock's SourceId equality: git sources by URL (without query and
 * fragment), then by commit when both name one; others by their text. */
static int same_source(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	if (strncmp(a, "git+", 4) || strncmp(b, "git+", 4))
		return strcmp(a, b) == 0;
	size_t la = strcspn(a, "?#"), lb = strcspn(b, "?#");
	if (la != lb || memcmp(a, b, la))
		return 0;
	const char *fa = strchr(a, '#'), *fb = strchr(b, '#');
	return !fa || !fb || strcmp(fa, fb) == 0;
}

typedef struct ctx {
	depgraph *g;
	const lockfile *lf;
	ent *sorted;
	size_t *first;          /* per sorted position: the least file
	                           position among packages of that name */
	char *pool;
	size_t used;
} ctx;

static void set_error(depgraph *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(depgraph *g, const char *fmt, ...)
{
	va_list ap;

	if (g->error[0])
		return;                 /* the first one is the one shown */
	va_start(ap, fmt);
	if (vsnprintf(g->error, sizeof g->error, fmt, ap) < 0)
		snprintf(g->error, sizeof g->error, "a bad dependency list");
	va_end(ap);
}

/* Split "NAME[ VERSION[ (SOURCE)]]" into pool copies. 0, or -1 when the
 * text is not of that form. */
static int split(ctx *c, dep_ref *d, const char *s, size_t len)
{
	const char *sp1 = memchr(s, ' ', len), *end = s + len;
	const char *ver = NULL, *src = NULL;
	size_t nlen = sp1 ? (size_t)(sp1 - s) : len, vlen = 0, slen = 0;

	if (nlen == 0 || memchr(s, '\0', len))
		return -1;
	if (sp1) {
		ver = sp1 + 1;
		const char *sp2 = memchr(ver, ' ', (size_t)(end - ver));
		vlen = sp2 ? (size_t)(sp2 - ver) : (size_t)(end - ver);
		if (vlen == 0)
			return -1;
		if (sp2) {
			if (end - sp2 < 4 || sp2[1] != '(' || end[-1] != ')')
				return -1;
			src = sp2 + 2;
			slen = (size_t)(end - 1 - src);
			if (memchr(src, ' ', slen))
				return -1;
		}
	}
	char *p = c->pool + c->used;
	memcpy(p, s, nlen);
	p[nlen] = '\0';
	d->name = p;
	p += nlen + 1;
	if (ver) {
		memcpy(p, ver, vlen);
		p[vlen] = '\0';
		d->version = p;
		p += vlen + 1;
	}
	if (src) {
		memcpy(p, src, slen);
		p[slen] = '\0';
		d->source = p;
		p += slen + 1;
	}
	c->used = (size_t)(p - c->pool);
	return 0;
}

/* The package d names, or DEP_NONE; -2 when too many share its name and
 * version to choose among. */
static size_t resolve(ctx *c, const dep_ref *d)
{
	const ent *e = c->sorted;
	size_t n = c->lf->npkgs;
	size_t k = lower(e, n, d->name, d->version);

	if (k == n || strcmp(e[k].p->name, d->name) ||
	    (d->version && strcmp(e[k].p->version, d->version)))
		return DEP_NONE;
	if (!d->source)         /* the first of that name (and version) */
		return d->version ? e[k].i : c->first[k];
	for (size_t m = 0; k + m < n && !strcmp(e[k + m].p->name, d->name) &&
	                   !strcmp(e[k + m].p->version, d->version); m++) {
		if (m == LOCKDEPS_SAME_MAX)
			return (size_t)-2;
		if (same_source(e[k + m].p->source, d->source))
			return e[k + m].i;
	}
	return DEP_NONE;
}

/* Point a resolved entry at its package's text (cargo-lock's resolved
 * Dependency carries the package's version and source). */
static void take_pkg(dep_ref *d, const lock_pkg *p, size_t i)
{
	d->to = i;
	d->name = p->name;
	d->version = p->version;
	d->source = p->source;
}

int lockdeps_build(depgraph *g, const lockfile *lf)
{
	size_t n = lf->npkgs, total = 0, text = 0;
	int root = lockdeps_has_root(lf), replaces = 0;
	ctx c = { 0 };

	memset(g, 0, sizeof(*g));
	if (!lf->doc)
		return -1;
	/* count */
	for (size_t i = 0; i < n; i++) {
		const toml_value *t = pkg_table(lf, i, root);
		const toml_value *d = toml_table_get(t, "dependencies");
		const toml_value *r = toml_table_get(t, "replace");
		if (r && toml_kind(r) == TOML_STRING) {
			replaces = 1;
			text += strlen(toml_string(r, NULL)) + 3;
		}
		if (!d || toml_kind(d) != TOML_ARRAY)
			continue;
		for (size_t k = 0; k < toml_array_len(d); k++) {
			const toml_value *v = toml_array_at(d, k);
			if (toml_kind(v) == TOML_STRING) {
				size_t len;
				toml_string(v, &len);
				text += len + 3;
			}
		}
		total += toml_array_len(d);
	}
	if (total > LOCKDEPS_MAX) {
		if (depgraph_alloc(g, n, 0, 0) < 0)
			return -1;
		snprintf(g->error, sizeof g->error, "more than %d dependency "
		         "entries", LOCKDEPS_MAX);
		return 0;
	}
	if (depgraph_alloc(g, n, total, replaces) < 0)
		return -1;
	c.g = g;
	c.lf = lf;
	c.sorted = malloc((n ? n : 1) * sizeof(*c.sorted));
	c.first = malloc((n ? n : 1) * sizeof(*c.first));
	g->pool = c.pool = malloc(text ? text : 1);
	if (!c.sorted || !c.first || !c.pool)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		c.sorted[i].p = &lf->pkgs[i];
		c.sorted[i].i = i;
	}
	qsort(c.sorted, n, sizeof(*c.sorted), cmp_ent);
	for (size_t k = 0; k < n;) {        /* the least position per name */
		size_t m = k, least = c.sorted[k].i;
		while (m < n && !strcmp(c.sorted[m].p->name, c.sorted[k].p->name)) {
			if (c.sorted[m].i < least)
				least = c.sorted[m].i;
			m++;
		}
		for (; k < m; k++)
			c.first[k] = least;
	}

	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		const lock_pkg *p = &lf->pkgs[i];
		const toml_value *t = pkg_table(lf, i, root);
		const toml_value *d = toml_table_get(t, "dependencies");
		const toml_value *r = toml_table_get(t, "replace");
		g->start[i] = at;
		if (r && toml_kind(r) == TOML_STRING) {
			size_t len;
			const char *s = toml_string(r, &len);
			if (split(&c, &g->replace[i], s, len) < 0 ||
			    !g->replace[i].version) {
				memset(&g->replace[i], 0, sizeof(g->replace[i]));
				set_error(g, "line %u: `replace` of %s %s is not "
				          "\"NAME VERSION (SOURCE)\"", toml_line(r),
				          p->name, p->version);
			}
		} else if (r) {
			set_error(g, "line %u: `replace` of %s %s is not a string",
			          toml_line(r), p->name, p->version);
		}
		if (!d)
			continue;
		if (toml_kind(d) != TOML_ARRAY) {
			set_error(g, "line %u: `dependencies` of %s %s is not a "
			          "list", toml_line(d), p->name, p->version);
			continue;
		}
		for (size_t k = 0; k < toml_array_len(d); k++) {
			const toml_value *v = toml_array_at(d, k);
			dep_ref *e = &g->dep[at];
			size_t len, to;
			if (toml_kind(v) != TOML_STRING) {
				set_error(g, "line %u: a dependency of %s %s is not a "
				          "string", toml_line(v), p->name, p->version);
				continue;
			}
			const char *s = toml_string(v, &len);
			if (split(&c, e, s, len) < 0) {
				memset(e, 0, sizeof(*e));
				e->to = DEP_NONE;
				set_error(g, "line %u: a dependency of %s %s is not "
				          "\"NAME [VERSION [(SOURCE)]]\"", toml_line(v),
				          p->name, p->version);
				continue;
			}
			to = resolve(&c, e);
			if (to == (size_t)-2) {
				set_error(g, "line %u: more than 64 packages named %s "
				          "%s", toml_line(v), e->name, e->version);
			} else if (to == DEP_NONE) {
				set_error(g, "line %u: dependency `%s` of %s is in no "
				          "[[package]]", toml_line(v), e->name,
				          p->name);
			} else {
				take_pkg(e, &lf->pkgs[to], to);
			}
			at++;
		}
	}
	g->start[n] = at;
	free(c.sorted);
	free(c.first);
	return 0;
oom:
	free(c.sorted);
	free(c.first);
	depgraph_free(g);
	return -1;
}
