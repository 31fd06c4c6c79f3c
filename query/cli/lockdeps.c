/*
 * lockdeps.c — Cargo.lock dependency lists into a depgraph (see
 * lockdeps.h). Reads each package's `dependencies` entries and `replace`
 * as lockfile.c kept them in lock_pkg (text and line; an entry of another
 * type has no text), in the order of lf->pkgs: v1's [root] first, then
 * each [[package]].
 *
 * Packages are found by name through a hash table (the TOML parser's
 * string hash) whose every name heads the list of its packages in file
 * order: an entry costs a hash and a few compares, and nothing is copied
 * unless it names no package. This is on the path of every lockfile
 * with a finding, so it is kept cheap (a sort and binary searches were a
 * fifth of a bulk scan). Hostile input cannot make it quadratic: a probe
 * past PROBE_MAX slots (names crafted to hash alike) or a name with more
 * than LOCKDEPS_SAME_MAX packages ends the tree, with why; the packages
 * are checked all the same.
 */
#include "lockdeps.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml_tree.h"   /* toml_key_hash */

#define PROBE_MAX 64

int lockdeps_has_root(const lockfile *lf)
{
	return lf->npkgs > 0 && lf->has_root;
}

/* A piece of an entry's text (not NUL-terminated). */
typedef struct span {
	const char *p;
	size_t n;
} span;

static int span_is(span s, const char *c)
{
	return strncmp(c, s.p, s.n) == 0 && c[s.n] == '\0';
}

/* cargo-lock's SourceId equality: git sources by URL (without query and
 * fragment), then by commit when both name one; others by their text. */
static int same_source(const char *a, span b)
{
	if (!a)
		return 0;
	if (strncmp(a, "git+", 4) || b.n < 4 || memcmp(b.p, "git+", 4))
		return span_is(b, a);
	size_t la = strcspn(a, "?#"), lb = 0;
	while (lb < b.n && b.p[lb] != '?' && b.p[lb] != '#')
		lb++;
	if (la != lb || memcmp(a, b.p, la))
		return 0;
	const char *fa = strchr(a, '#');
	const char *fb = memchr(b.p, '#', b.n);
	if (!fa || !fb)
		return 1;
	return span_is((span){ fb, (size_t)(b.p + b.n - fb) }, fa);
}

typedef struct ctx {
	depgraph *g;
	const lockfile *lf;
	size_t *slot;               /* hash table: first package of a name
	                               + 1 (0: empty) */
	size_t mask;
	size_t *next;               /* next package of the same name */
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

/* The slot of name: the one holding it, or the empty one where it
 * would go; NULL when the probe ran past PROBE_MAX. Inline: once per
 * entry of every lockfile with a finding. */
static inline size_t *find_slot(const ctx *c, span name)
{
	size_t h = toml_key_hash(name.p, name.n) & c->mask;

	for (size_t k = 0; k < PROBE_MAX; k++, h = (h + 1) & c->mask) {
		size_t *s = &c->slot[h];
		if (!*s)
			return s;
		const lock_pkg *q = &c->lf->pkgs[*s - 1];
		if (q->name_len == name.n && !memcmp(q->name, name.p, name.n))
			return s;
	}
	return NULL;
}

/* The first package named name (file order), DEP_NONE when none, or
 * (size_t)-2 when the probe ran past PROBE_MAX. */
static inline size_t lookup(const ctx *c, span name)
{
	const size_t *s = find_slot(c, name);

	return !s ? (size_t)-2 : *s ? *s - 1 : DEP_NONE;
}

/* Package i onto its name's list (tail: the last of each list so far);
 * -1 when the probe ran past PROBE_MAX. */
static int insert(ctx *c, size_t i, size_t *tail)
{
	size_t *s = find_slot(c, (span){ c->lf->pkgs[i].name,
	                                 c->lf->pkgs[i].name_len });

	if (!s)
		return -1;
	if (!*s) {
		*s = i + 1;
		tail[i] = i;
	} else {
		c->next[tail[*s - 1]] = i;
		tail[*s - 1] = i;
	}
	return 0;
}

/* "NAME[ VERSION[ (SOURCE)]]" into spans: 0, or -1 when the text is not
 * of that form. With plain, the text is known to hold no NUL (the fast
 * reader's: printable ASCII, lockfast.h). */
static inline int split(span *name, span *ver, span *src, const char *s,
                        size_t len, int plain)
{
	const char *sp1 = memchr(s, ' ', len), *end = s + len;

	*ver = *src = (span){ NULL, 0 };
	*name = (span){ s, sp1 ? (size_t)(sp1 - s) : len };
	if (name->n == 0 || (!plain && memchr(s, '\0', len)))
		return -1;
	if (!sp1)
		return 0;
	const char *v = sp1 + 1;
	const char *sp2 = memchr(v, ' ', (size_t)(end - v));
	*ver = (span){ v, sp2 ? (size_t)(sp2 - v) : (size_t)(end - v) };
	if (ver->n == 0)
		return -1;
	if (!sp2)
		return 0;
	if (end - sp2 < 4 || sp2[1] != '(' || end[-1] != ')')
		return -1;
	*src = (span){ sp2 + 2, (size_t)(end - 1 - (sp2 + 2)) };
	return memchr(src->p, ' ', src->n) ? -1 : 0;
}

static const char *keep(ctx *c, span s)
{
	char *p;

	if (!s.p)
		return NULL;
	p = c->pool + c->used;
	memcpy(p, s.p, s.n);
	p[s.n] = '\0';
	c->used += s.n + 1;
	return p;
}

/* The pool keep() copies into, made when first needed (most lockfiles
 * resolve whole and have no `replace`: they need none), sized then for
 * every entry and `replace` (rtext: the bytes the latter need). 0, or -1
 * out of memory. */
static int pool_ready(ctx *c, size_t rtext)
{
	size_t text = rtext;

	if (c->pool)
		return 0;
	for (size_t i = 0; i < c->lf->npkgs; i++) {
		const lock_pkg *p = &c->lf->pkgs[i];
		for (size_t k = 0; k < p->ndep_list; k++)
			if (p->dep_list[k].p)
				text += p->dep_list[k].n + 3;
	}
	return (c->g->pool = c->pool = malloc(text ? text : 1)) ? 0 : -1;
}

/* The package an entry names (cargo-lock: the first of that name, and
 * version when given, in file order; with a source, the one of that
 * source); DEP_NONE; or -2 when its name has too many packages. */
static inline size_t resolve(const ctx *c, span name, span ver, span src)
{
	size_t i = lookup(c, name);

	for (size_t m = 0; i != DEP_NONE && i != (size_t)-2; m++) {
		const lock_pkg *p = &c->lf->pkgs[i];
		if (m == LOCKDEPS_SAME_MAX)
			return (size_t)-2;
		if ((!ver.p || (p->version_len == ver.n &&
		                !memcmp(p->version, ver.p, ver.n))) &&
		    (!src.p || same_source(p->source, src)))
			return i;
		i = c->next[i];
	}
	return i;
}

int lockdeps_build(depgraph *g, const lockfile *lf)
{
	size_t n = lf->npkgs, total = 0, text = 0, cap = 16, *tail = NULL;
	int replaces = 0;
	/* the fast reader's strings are printable ASCII (lockfast.h): an
	 * entry's text cannot hold a NUL */
	int plain = lf->text != NULL;
	ctx c = { 0 };

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
		total += p->ndep_list;
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
	while (cap < 2 * n)
		cap *= 2;
	c.g = g;
	c.lf = lf;
	c.mask = cap - 1;
	c.slot = calloc(cap, sizeof(*c.slot));
	c.next = malloc((n ? n : 1) * sizeof(*c.next));
	tail = malloc((n ? n : 1) * sizeof(*tail));
	if (!c.slot || !c.next || !tail)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		const char *nm = lf->pkgs[i].name;
		c.next[i] = DEP_NONE;
		if (insert(&c, i, tail) < 0)
			set_error(g, "more than %d names hash alike (%s): the "
			          "lockfile cannot be resolved quickly", PROBE_MAX, nm);
	}
	free(tail);
	tail = NULL;

	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		const lock_pkg *p = &lf->pkgs[i];
		const lock_text *r = &p->replace;
		span sn, sv, ss;
		g->start[i] = at;
		if (r->p) {
			if (split(&sn, &sv, &ss, r->p, r->n, plain) < 0 || !sv.p) {
				set_error(g, "line %u: `replace` of %s %s is not "
				          "\"NAME VERSION (SOURCE)\"", r->line,
				          p->name, p->version);
			} else if (pool_ready(&c, text) < 0) {
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
		if (p->dep_list_bad) {
			set_error(g, "line %u: `dependencies` of %s %s is not a "
			          "list", p->dep_list_bad, p->name, p->version);
			continue;
		}
		for (size_t k = 0; k < p->ndep_list; k++) {
			const lock_text *v = &p->dep_list[k];
			dep_ref *e = &g->dep[at];
			if (!v->p) {
				set_error(g, "line %u: a dependency of %s %s is not a "
				          "string", v->line, p->name, p->version);
				continue;
			}
			if (split(&sn, &sv, &ss, v->p, v->n, plain) < 0) {
				set_error(g, "line %u: a dependency of %s %s is not "
				          "\"NAME [VERSION [(SOURCE)]]\"", v->line,
				          p->name, p->version);
				continue;
			}
			size_t to = resolve(&c, sn, sv, ss);
			if (to < n) {
				/* cargo-lock's resolved Dependency carries the
				 * package's version and source */
				e->to = to;
				e->name = lf->pkgs[to].name;
				e->version = lf->pkgs[to].version;
				e->source = lf->pkgs[to].source;
			} else {
				if (pool_ready(&c, text) < 0)
					goto oom;
				e->to = DEP_NONE;
				e->name = keep(&c, sn);
				e->version = keep(&c, sv);
				e->source = keep(&c, ss);
				if (to == (size_t)-2)
					set_error(g, "line %u: more than %d packages named "
					          "%s", v->line, LOCKDEPS_SAME_MAX,
					          e->name);
				else
					set_error(g, "line %u: dependency `%s` of %s is in "
					          "no [[package]]", v->line, e->name,
					          p->name);
			}
			at++;
		}
	}
	g->start[n] = at;
	free(c.slot);
	free(c.next);
	return 0;
oom:
	free(tail);
	free(c.slot);
	free(c.next);
	depgraph_free(g);
	return -1;
}
