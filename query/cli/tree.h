/*
 * tree.h — which packages pull a finding's package in: the dependency
 * graph of one input (a lockfile's `dependencies` lists, lockdeps.h, or
 * the graph cargo-auditable embeds in a binary, bin.c) and the two views
 * reports show of it, for lockfiles and binaries alike:
 *
 *   text  the inverted tree cargo-audit prints under "Dependency tree:"
 *         (cargo-lock's Tree::render, EdgeDirection::Incoming): the
 *         package, then each package that depends on it, and so on up;
 *         a package met again is printed but not expanded, so cycles
 *         (dev-dependencies) end; parents in name-then-version order.
 *   JSON  "advdb-dependency-paths" (cargo-audit's JSON has no tree; the
 *         prefix keeps the key clear of any it may add): for each root
 *         that reaches the package, one shortest path root first,
 *         package last. Roots are the packages nothing depends on
 *         (cargo-lock's Tree::roots); when the package's ancestors have
 *         none (a cycle through every one of them), the workspace
 *         members among them (packages without a source).
 *           {"roots": N, "paths": [{"packages": [{"name","version"},
 *            ...], "omitted": K}, ...]}
 *         at most TREE_PATHS_MAX paths (N says how many roots there
 *         are); a path longer than TREE_PATH_MAX packages keeps the root
 *         and the TREE_PATH_MAX - 1 nearest the package, K counting
 *         those left out. Without a graph, or past the work budget:
 *           {"roots": null, "paths": [], "error": "why"}
 *
 * Bounds: real lockfiles have a thousand packages and many roots; a
 * hostile one 200,000 packages and 100,000 findings. A text tree stops
 * at TREE_LINES_MAX lines ("... N more packages depend on it"); every
 * walk is iterative (no recursion a chain could deepen) and charged to
 * a budget of TREE_WORK_MAX steps per report, past which a finding's
 * tree is replaced by a line saying so. So a report costs at most
 * O(packages + dependencies + TREE_WORK_MAX), and always ends.
 *
 * Ownership: a depgraph owns its arrays (mem); its strings are borrowed
 * from the input (the lockfile's document, the binary's packages). A
 * deptree borrows its graph and packages and keeps per-report state (the
 * budget, the packages whose tree was shown): one per report, one thread.
 */
#ifndef ADVDB_CLI_TREE_H
#define ADVDB_CLI_TREE_H

#include <stddef.h>
#include "buf.h"
#include "json.h"
#include "lockfile.h"

#define DEP_NONE ((size_t)-1)
#define TREE_LINES_MAX 40
#define TREE_PATHS_MAX 16
#define TREE_PATH_MAX 64
#define TREE_WORK_MAX ((size_t)16 << 20)

/* One entry of a package's dependencies: what it names (the lockfile's
 * text, resolved: version and source NULL only when neither the entry
 * nor a package gives them) and the package it resolves to. */
typedef struct dep_ref {
	const char *name, *version, *source;
	size_t to;                  /* index of the package, or DEP_NONE */
} dep_ref;

typedef struct depgraph {
	size_t n;                   /* packages (as the input's array) */
	size_t *start;              /* n + 1: deps of i are dep[start[i] ..
	                               start[i + 1]) */
	dep_ref *dep;
	dep_ref *replace;           /* n entries (name NULL: none), or NULL */
	char error[200];            /* "" when every entry resolved; else why
	                               there is no tree (the lists stay) */
	char *pool;                 /* owned text of entries that resolve to
	                               no package */
} depgraph;

/* Allocate a graph of n packages and room for ndeps entries (start
 * zeroed; replace, zeroed, only when with_replace). The entries are left
 * as malloc gave them: the caller fills dep[0 .. start[n]), the only
 * ones read. 0 or -1. */
int depgraph_alloc(depgraph *g, size_t n, size_t ndeps, int with_replace);
void depgraph_free(depgraph *g);

typedef struct deptree deptree;

/* The reverse edges of g over pkgs[0..g->n) (g->error set: a tree that
 * only says why there is none). Returns 0, or -1 out of memory. */
int deptree_new(deptree **out, const depgraph *g, const lock_pkg *pkgs);
void deptree_free(deptree *t);

/* The text tree of package i ("Dependency tree:" and the lines), once
 * per package per report (cargo-audit shows it once); nothing for a
 * package shown before. */
void deptree_text(buf *out, deptree *t, size_t i);

/* "advdb-dependency-paths" and its value, into the current object. */
void deptree_json(json *j, deptree *t, size_t i);

/* Package i as a value of one of the kinds a report repeats: a step of
 * a path (report_pkg_ref_json) or a resolved dependency
 * (report_dep_pkg_json). Rendered once per report and copied after
 * (the rendered text of a report is capped; past the cap, rendered each
 * time): the same bytes either way. */
#define DEPTREE_STEP 0
#define DEPTREE_DEP 1
void deptree_pkg_json(json *j, deptree *t, size_t i, int kind);

#endif
