/*
 * lockdeps.h — the dependency lists of a Cargo.lock's packages as a
 * depgraph (tree.h), for the report's `dependencies`, `replace` and the
 * dependency tree, and `diff`'s dependents (pkgdiff.c): cargo-lock 11's
 * lockfile/encoding.rs and dependency/tree.rs `Tree::new`.
 *
 * Which package an entry names is libadvdb's one resolver
 * (query/lockresolve.h, cargo-lock's rules), the same that fills
 * advdb_packages_read()'s lists: the CLI and a library caller see the
 * same edges. This file adds what only the reports need: an entry that
 * names no package keeps its text (name, version, source) for the report;
 * `replace = "NAME VERSION (SOURCE)"` (v1's [replace]) is kept, never an
 * edge; an entry that is not a string or not one of the forms is no
 * entry at all.
 *
 * A lockfile whose lists do not resolve is still a lockfile: every
 * package is checked all the same. Only the tree is missing, and
 * depgraph.error says why, in the resolver's words (the first failure in
 * file order; a bad `replace` too). cargo-audit refuses some of these
 * lockfiles outright (and panics on others when it draws the tree); here
 * they are reported, tree-less.
 *
 * Cost: linear in packages and entries.
 */
#ifndef ADVDB_CLI_LOCKDEPS_H
#define ADVDB_CLI_LOCKDEPS_H

#include <stddef.h>
#include "lockfile.h"
#include "tree.h"

/* The graph of lf's packages (lf->pkgs order: v1's [root] first).
 * Returns 0 (g->error set when there is no tree), or -1 out of memory. */
int lockdeps_build(depgraph *g, const lockfile *lf);

/* Whether lf->pkgs[0] is v1's [root] table, which cargo-lock keeps apart
 * from the packages (cargo-audit's dependency-count leaves it out). */
int lockdeps_has_root(const lockfile *lf);

#endif
