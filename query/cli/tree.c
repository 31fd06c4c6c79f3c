/*
 * tree.c — the inverted dependency tree and the root paths (see tree.h).
 *
 * deptree_new builds the reverse adjacency once per report (parents of
 * each package, sorted by name then version so output is stable). Every
 * walk upward from a package marks what it reached with a generation
 * stamp, so nothing is cleared between findings, and counts its steps
 * against the report's budget.
 */
#include "tree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

typedef struct pref pref;

/* Where a package's object of one kind (tree.h: DEPTREE_STEP, _DEP) is
 * in deptree.reftext (len 0: not rendered yet). A root or a package near
 * one is a step of most paths of a report, and a common crate a
 * dependency of many findings' packages: rendered once, copied after. */
typedef struct ref {
	uint32_t off, len;
} ref;

#define TREE_REFS_MAX ((size_t)64 << 10)

struct deptree {
	const depgraph *g;
	const lock_pkg *pkgs;
	size_t n;
	size_t *pstart, *parent;    /* parents of i: parent[pstart[i] ..
	                               pstart[i + 1]) */
	uint32_t *seen, gen;        /* seen[i] == gen: reached in this walk */
	uint32_t *shown;            /* shown[i] bit 0: tree printed (text);
	                               bit 1: parents sorted */
	pref *tmp;                  /* sort scratch: the longest parent list */
	size_t *next;               /* one step nearer the walk's start */
	size_t *dist;
	size_t *queue;
	size_t work;                /* steps spent in this report */
	int over;                   /* the budget is spent */
	ref *refs;                  /* 2n: package i's kind k object at
	                               2i + k, in reftext (made when first
	                               needed) */
	buf reftext;                /* at most TREE_REFS_MAX bytes */
	/* The last paths object rendered (package memo_i's, whose walk
	 * spent memo_steps): a package with several advisories has its
	 * findings one after another, and its paths are the same each time
	 * (a sixth of a real report's findings). Reused only when the
	 * budget has the walk's steps left, which are then charged: the
	 * budget runs out where it did when every walk was made. */
	size_t memo_i, memo_steps;
	buf memo;
};

int depgraph_alloc(depgraph *g, size_t n, size_t ndeps, int with_replace)
{
	memset(g, 0, sizeof(*g));
	g->n = n;
	g->start = calloc(n + 1, sizeof(*g->start));
	/* not cleared: zeroing a lockfile's thousand entries only to
	 * overwrite them was a tenth of building its graph */
	g->dep = malloc((ndeps ? ndeps : 1) * sizeof(*g->dep));
	if (with_replace)
		g->replace = calloc(n ? n : 1, sizeof(*g->replace));
	if (!g->start || !g->dep || (with_replace && !g->replace)) {
		depgraph_free(g);
		return -1;
	}
	return 0;
}

void depgraph_free(depgraph *g)
{
	if (!g)
		return;
	free(g->start);
	free(g->dep);
	free(g->replace);
	free(g->pool);
	memset(g, 0, sizeof(*g));
}

/* ---- building -------------------------------------------------------- */

/* Packages in name-then-version order (then index): qsort over pairs
 * that carry their package, so the comparison needs no context. */
struct pref {
	const lock_pkg *p;
	size_t i;
};

static int cmp_pref(const void *a, const void *b)
{
	const pref *x = a, *y = b;
	int c = strcmp(x->p->name, y->p->name);
	if (!c)
		c = strcmp(x->p->version, y->p->version);
	if (!c)
		c = (x->i > y->i) - (x->i < y->i);
	return c;
}

/* Lists up to this long are sorted by insertion: most parent lists of
 * a real lockfile have a few entries, where qsort's set-up and calls
 * through a pointer cost more than the comparisons (cmp_pref is a total
 * order, so either way gives the same list). */
#define SORT_INSERTION_MAX 16

/* Sort v[0..n) (package indices) by cmp_pref, using tmp (n entries). */
static void sort_idx(size_t *v, size_t n, pref *tmp, const lock_pkg *pkgs)
{
	if (n <= SORT_INSERTION_MAX) {
		for (size_t k = 1; k < n; k++) {
			pref x = { &pkgs[v[k]], v[k] };
			size_t at = k;
			for (; at > 0; at--) {
				pref y = { &pkgs[v[at - 1]], v[at - 1] };
				if (cmp_pref(&y, &x) <= 0)
					break;
				v[at] = v[at - 1];
			}
			v[at] = x.i;
		}
		return;
	}
	for (size_t k = 0; k < n; k++) {
		tmp[k].p = &pkgs[v[k]];
		tmp[k].i = v[k];
	}
	qsort(tmp, n, sizeof(*tmp), cmp_pref);
	for (size_t k = 0; k < n; k++)
		v[k] = tmp[k].i;
}

void deptree_free(deptree *t)
{
	if (!t)
		return;
	free(t->pstart);
	free(t->parent);
	free(t->seen);
	free(t->shown);
	free(t->next);
	free(t->dist);
	free(t->queue);
	free(t->tmp);
	free(t->refs);
	buf_free(&t->reftext);
	buf_free(&t->memo);
	free(t);
}

int deptree_new(deptree **out, const depgraph *g, const lock_pkg *pkgs)
{
	deptree *t = calloc(1, sizeof(*t));
	size_t n = g->n, m;

	*out = NULL;
	if (!t)
		return -1;
	t->g = g;
	t->pkgs = pkgs;
	t->n = n;
	t->memo_i = DEP_NONE;
	if (g->error[0] || !g->start) {
		*out = t;               /* says why there is none */
		return 0;
	}
	m = g->start[n];
	t->pstart = calloc(n + 1, sizeof(size_t));
	t->parent = malloc((m ? m : 1) * sizeof(size_t));
	t->seen = calloc(n ? n : 1, sizeof(uint32_t));
	t->shown = calloc(n ? n : 1, sizeof(uint32_t));
	t->next = malloc((n ? n : 1) * sizeof(size_t));
	t->dist = malloc((n ? n : 1) * sizeof(size_t));
	t->queue = malloc((n ? n : 1) * sizeof(size_t));
	if (!t->pstart || !t->parent || !t->seen || !t->shown || !t->next ||
	    !t->dist || !t->queue) {
		deptree_free(t);
		return -1;
	}
	/* counting sort of the edges by target: parents of each package */
	for (size_t k = 0; k < m; k++)
		if (g->dep[k].to < n)
			t->pstart[g->dep[k].to + 1]++;
	for (size_t i = 0; i < n; i++)
		t->pstart[i + 1] += t->pstart[i];
	size_t *fill = t->next;     /* scratch until the first walk */
	memcpy(fill, t->pstart, n * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		for (size_t k = g->start[i]; k < g->start[i + 1]; k++) {
			size_t to = g->dep[k].to;
			if (to < n)
				t->parent[fill[to]++] = i;
		}
	size_t most = 0;
	for (size_t i = 0; i < n; i++)
		if (t->pstart[i + 1] - t->pstart[i] > most)
			most = t->pstart[i + 1] - t->pstart[i];
	/* lists are sorted when a walk first meets them (most packages
	 * are never an ancestor of a finding) */
	if (!(t->tmp = malloc((most ? most : 1) * sizeof(*t->tmp)))) {
		deptree_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

/* ---- walking ---------------------------------------------------------- */

/* The parents of u, sorted on first use. */
static const size_t *parents(deptree *t, size_t u, size_t *n)
{
	size_t a = t->pstart[u], b = t->pstart[u + 1];

	if (!(t->shown[u] & 2)) {
		if (b - a > 1)
			sort_idx(t->parent + a, b - a, t->tmp, t->pkgs);
		t->shown[u] |= 2;
	}
	*n = b - a;
	return t->parent + a;
}

static int spend(deptree *t, size_t steps)
{
	if (t->over || TREE_WORK_MAX - t->work < steps) {
		t->over = 1;
		return -1;
	}
	t->work += steps;
	return 0;
}

static void new_walk(deptree *t)
{
	if (++t->gen == 0) {        /* wrapped: clear once in 4 billion */
		memset(t->seen, 0, t->n * sizeof(uint32_t));
		t->gen = 1;
	}
}

/* Breadth-first from i over parents: every ancestor gets dist and next
 * (the step toward i). Returns the number reached (i included), or 0
 * when the budget ran out. */
static size_t ancestors(deptree *t, size_t i)
{
	size_t head = 0, tail = 0;

	new_walk(t);
	t->seen[i] = t->gen;
	t->dist[i] = 0;
	t->next[i] = DEP_NONE;
	t->queue[tail++] = i;
	while (head < tail) {
		size_t u = t->queue[head++], np;
		const size_t *pv = parents(t, u, &np);
		if (spend(t, np + 1) < 0)
			return 0;
		for (size_t k = 0; k < np; k++) {
			size_t p = pv[k];
			if (t->seen[p] == t->gen)
				continue;
			t->seen[p] = t->gen;
			t->dist[p] = t->dist[u] + 1;
			t->next[p] = u;
			t->queue[tail++] = p;
		}
	}
	return tail;
}

static void pkg_text(buf *out, const lock_pkg *p)
{
	report_text(out, p->name, 0);
	buf_putc(out, ' ');
	report_text(out, p->version, 0);
}

/* cargo-lock's symbols */
#define SYM_DOWN "\xe2\x94\x82"     /* │ */
#define SYM_TEE  "\xe2\x94\x9c"     /* ├ */
#define SYM_ELL  "\xe2\x94\x94"     /* └ */
#define SYM_RIGHT "\xe2\x94\x80"    /* ─ */

typedef struct frame {
	size_t node, k;             /* next parent to print: pstart + k */
} frame;

void deptree_text(buf *out, deptree *t, size_t i)
{
	frame st[TREE_LINES_MAX + 1];
	unsigned char cont[TREE_LINES_MAX + 1];
	size_t depth = 0, lines = 0, total;

	if (!t->pstart || i >= t->n)
		return;                 /* no graph: the header said why */
	if (t->shown[i] & 1)
		return;
	t->shown[i] |= 1;
	buf_puts(out, "Dependency tree:\n");
	if (!(total = ancestors(t, i))) {
		buf_puts(out, "(not shown: this report's dependency trees took "
		         "all the work allowed)\n");
		return;
	}
	/* Printed packages get stamp gen + 1 over the walk's gen (the
	 * walk's count is still needed); the next walk starts above both.
	 * The budget keeps gen far from wrapping within a report. */
	uint32_t printed = t->gen + 1;
	size_t distinct = 0;

	pkg_text(out, &t->pkgs[i]);
	buf_putc(out, '\n');
	lines = 1;
	t->seen[i] = printed;
	distinct = 1;
	st[0].node = i;
	st[0].k = 0;
	depth = 1;
	while (depth && lines < TREE_LINES_MAX) {
		frame *f = &st[depth - 1];
		size_t np;
		const size_t *pv = parents(t, f->node, &np);
		if (f->k >= np || depth > TREE_LINES_MAX - 1) {
			depth--;
			continue;
		}
		size_t p = pv[f->k++];
		int last = f->k >= np;
		cont[depth - 1] = !last;
		for (size_t l = 0; l + 1 < depth; l++)
			buf_puts(out, cont[l] ? SYM_DOWN "   " : "    ");
		buf_puts(out, last ? SYM_ELL : SYM_TEE);
		buf_puts(out, SYM_RIGHT SYM_RIGHT " ");
		pkg_text(out, &t->pkgs[p]);
		buf_putc(out, '\n');
		lines++;
		if (t->seen[p] == printed)
			continue;       /* met before: shown, not expanded */
		t->seen[p] = printed;
		distinct++;
		st[depth].node = p;
		st[depth].k = 0;
		depth++;
	}
	if (depth && total > distinct)
		buf_printf(out, "... and %zu more %s depend on it (not shown)\n",
		           total - distinct,
		           total - distinct == 1 ? "package" : "packages");
	/* seen[] now mixes gen and printed: the next walk starts afresh */
	t->gen = printed;
}

/* (report.h: also a step of diff's dependents) */
void report_pkg_ref_json(json *j, const lock_pkg *p)
{
	const json_field f[] = {
		JSON_FIELD("name", p->name),
		JSON_FIELD("version", p->version),
	};

	json_str_object(j, f, 2);
}

void deptree_pkg_json(json *j, deptree *t, size_t u, int kind)
{
	static void (*const render[2])(json *, const lock_pkg *) = {
		[DEPTREE_STEP] = report_pkg_ref_json,
		[DEPTREE_DEP] = report_dep_pkg_json,
	};
	const lock_pkg *p = &t->pkgs[u];
	ref *r;

	if (!t->refs && !(t->refs = calloc(2 * t->n, sizeof(*t->refs)))) {
		render[kind](j, p);             /* no memory for it: as before */
		return;
	}
	r = &t->refs[2 * u + (size_t)kind];
	if (!r->len) {
		size_t at = t->reftext.len, most = 6 * (p->name_len +
		            p->version_len + (p->source ? strlen(p->source) : 0))
		            + 64;       /* escaped, and the keys */
		json tj;
		if (most > TREE_REFS_MAX - at || t->reftext.failed) {
			render[kind](j, p);
			return;
		}
		json_init(&tj, &t->reftext);
		render[kind](&tj, p);
		if (t->reftext.failed) {
			render[kind](j, p);
			return;
		}
		r->off = (uint32_t)at;
		r->len = (uint32_t)(t->reftext.len - at);
	}
	json_raw_value(j, t->reftext.p + r->off, r->len);
}

static void no_paths(json *j, const char *why)
{
	json_obj_begin(j);
	json_key_lit(j, "roots");
	json_str(j, NULL);
	json_key_lit(j, "paths");
	json_arr_begin(j);
	json_arr_end(j);
	json_key_lit(j, "error");
	json_str(j, why);
	json_obj_end(j);
}

void deptree_json(json *j, deptree *t, size_t i)
{
	size_t total, nroots = 0, roots[TREE_PATHS_MAX];

	json_key_lit(j, "advdb-dependency-paths");
	if (i < t->n && i == t->memo_i && !t->over && !t->memo.failed &&
	    TREE_WORK_MAX - t->work >= t->memo_steps) {
		t->work += t->memo_steps;
		json_raw_value(j, t->memo.p, t->memo.len);
		return;
	}
	size_t at = j->out->len, work = t->work;   /* the value starts here */
	if (!t->pstart || i >= t->n) {
		no_paths(j, t->g->error[0] ? t->g->error
		                           : "no dependency graph");
		return;
	}
	if (!(total = ancestors(t, i))) {
		no_paths(j, "not computed: this report's dependency paths took "
		         "all the work allowed");
		return;
	}
	/* roots among the ancestors (queue[0..total)): no parents at all;
	 * failing that, the workspace members */
	for (int pass = 0; pass < 2 && nroots == 0; pass++) {
		for (size_t q = 0; q < total; q++) {
			size_t u = t->queue[q];
			int root = pass == 0 ? t->pstart[u] == t->pstart[u + 1]
			                     : t->pkgs[u].source == NULL;
			if (!root)
				continue;
			if (nroots < TREE_PATHS_MAX) {
				roots[nroots] = u;
			} else {
				/* keep the TREE_PATHS_MAX first by name */
				pref x = { &t->pkgs[u], u }, w;
				size_t worst = 0;
				for (size_t r = 1; r < TREE_PATHS_MAX; r++) {
					pref a = { &t->pkgs[roots[r]], roots[r] };
					pref b = { &t->pkgs[roots[worst]], roots[worst] };
					if (cmp_pref(&a, &b) > 0)
						worst = r;
				}
				w.p = &t->pkgs[roots[worst]];
				w.i = roots[worst];
				if (cmp_pref(&x, &w) < 0)
					roots[worst] = u;
			}
			nroots++;
		}
	}
	size_t shown = nroots < TREE_PATHS_MAX ? nroots : TREE_PATHS_MAX;
	pref tmp[TREE_PATHS_MAX];
	sort_idx(roots, shown, tmp, t->pkgs);

	json_obj_begin(j);
	json_key_lit(j, "roots");
	json_uint(j, nroots);
	json_key_lit(j, "paths");
	json_arr_begin(j);
	for (size_t r = 0; r < shown; r++) {
		size_t u = roots[r], len = t->dist[u] + 1, skip = 0;
		json_obj_begin(j);
		json_key_lit(j, "packages");
		json_arr_begin(j);
		if (len > TREE_PATH_MAX)
			skip = len - TREE_PATH_MAX;
		for (size_t step = 0; u != DEP_NONE; step++, u = t->next[u])
			if (step == 0 || step > skip)
				deptree_pkg_json(j, t, u, DEPTREE_STEP);
		json_arr_end(j);
		json_key_lit(j, "omitted");
		json_uint(j, skip);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
	if (!j->out->failed) {
		buf_reset(&t->memo);
		buf_put(&t->memo, j->out->p + at, j->out->len - at);
		t->memo_i = i;
		t->memo_steps = t->work - work;
	}
}
