/*
 * lockdeps.h — the dependency lists of a Cargo.lock's packages, resolved
 * to packages as cargo-lock resolves them (cargo-lock 11,
 * lockfile/encoding.rs `EncodableDependency::resolve` and
 * dependency/tree.rs `Tree::new`), for the report's `dependencies`,
 * `replace` and the dependency tree (tree.h).
 *
 * An entry is "NAME", "NAME VERSION" or "NAME VERSION (SOURCE)" (v1
 * writes the full form; v2 and later the shortest unambiguous one). An
 * entry without a source is the first package in the file with that
 * name (and version, when given); one with a source is the package with
 * that name, version and source (git sources compared as cargo-lock
 * does: the URL without query and fragment, then the commit when both
 * name one). `replace = "NAME VERSION (SOURCE)"` (v1's [replace]) is
 * kept, never an edge.
 *
 * A lockfile whose lists do not resolve is still a lockfile: every
 * package is checked all the same. Only the tree is missing, and
 * depgraph.error says why (an entry that is not a string or not one of
 * the forms, an entry naming no package, more than LOCKDEPS_MAX entries,
 * a name with more than LOCKDEPS_SAME_MAX packages, names crafted to
 * hash alike).
 * cargo-audit refuses some of these lockfiles outright (and panics on
 * others when it draws the tree); here they are reported, tree-less.
 *
 * Cost: linear in packages and entries (a hash table on names).
 *
 * The one resolver of the CLI: the report's graph and `diff`'s
 * dependents (pkgdiff.c) both come from here. libadvdb's lockfile_deps()
 * (query/lockfile.h, for advdb_packages_read) resolves the same entries
 * into lock_pkg.deps, by stricter rules: an entry naming several
 * packages, or a git source differing only in its query or fragment,
 * fails the whole list there. One of the two should call the other once
 * the library takes cargo-lock's rules above (the resolver would then
 * move into the library).
 */
#ifndef ADVDB_CLI_LOCKDEPS_H
#define ADVDB_CLI_LOCKDEPS_H

#include <stddef.h>
#include "lockfile.h"
#include "tree.h"

#define LOCKDEPS_MAX 2000000    /* entries in one lockfile (as a binary's) */
#define LOCKDEPS_SAME_MAX 64    /* packages sharing a name (versions,
                                   sources): real lockfiles have a few */

/* The graph of lf's packages (lf->pkgs order: v1's [root] first).
 * Returns 0 (g->error set when there is no tree), or -1 out of memory. */
int lockdeps_build(depgraph *g, const lockfile *lf);

/* Whether lf->pkgs[0] is v1's [root] table, which cargo-lock keeps apart
 * from the packages (cargo-audit's dependency-count leaves it out). */
int lockdeps_has_root(const lockfile *lf);

#endif
