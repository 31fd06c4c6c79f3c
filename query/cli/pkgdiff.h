/*
 * pkgdiff.h — the packages two lockfiles differ by: added, removed,
 * upgraded and downgraded, and for each added package the packages of
 * the new lockfile that depend on it (`diff`, diff.c).
 *
 * Packages are keyed by (name, source). The source is compared as a
 * place, not a revision: both crates.io index URLs are one source, a git
 * source is its URL without the `#commit` fragment, a path package has
 * none. A lockfile may hold several versions of one key (Cargo allows
 * one per semver-compatible series), so versions are matched per key:
 *
 *   1. a version present on both sides is unchanged;
 *   2. within one compatibility series (the same major; for 0.x the same
 *      minor; for 0.0.x the same patch: Cargo's caret rule), the
 *      remaining old and new versions are paired from the highest down;
 *   3. the versions still unpaired are paired across series, again from
 *      the highest down;
 *   4. an old version left over is removed, a new one added.
 *
 * A pair is an upgrade when the new version has the higher semver
 * precedence, a downgrade when lower (equal precedence, differing build
 * metadata only: by text). So `0.3.0, 1.0.0 -> 0.3.1` is 0.3.0 upgraded
 * to 0.3.1 and 1.0.0 removed (not 1.0.0 downgraded), and `0.9.1 ->
 * 1.0.0` is an upgrade.
 *
 * Dependents: the packages of the new lockfile whose `dependencies`
 * entries resolve to an added package, resolved as everywhere else
 * (lockdeps.h: cargo-lock's rules). An entry that names none is passed
 * over, and a lockfile past LOCKFILE_DEPS_MAX entries has no dependents (a
 * dependent list is information, not a check).
 *
 * Ownership: changes borrow the lockfiles' packages; both lockfiles must
 * outlive the pkgdiff.
 */
#ifndef ADVDB_CLI_PKGDIFF_H
#define ADVDB_CLI_PKGDIFF_H

#include <stddef.h>
#include "lockfile.h"

typedef enum pkg_change_kind {
	PKG_ADDED, PKG_REMOVED, PKG_UPGRADED, PKG_DOWNGRADED, PKG_KINDS
} pkg_change_kind;

typedef struct pkg_change {
	pkg_change_kind kind;
	const lock_pkg *old, *new;  /* NULL on the side that has none */
	size_t by, nby;             /* dependents: pkgdiff.by[by..by+nby) */
} pkg_change;

typedef struct pkgdiff {
	pkg_change *v;              /* by name, then version (pkgdiff.c) */
	size_t n;
	size_t count[PKG_KINDS];
	const lock_pkg **by;        /* the new lockfile's packages, in name
	                               and version order per change */
	size_t nby;
} pkgdiff;

/* Compare old with new. Returns 0, or -1 out of memory (*d then empty). */
int pkgdiff_build(pkgdiff *d, const lockfile *old, const lockfile *new);
void pkgdiff_free(pkgdiff *d);

/* "added", "removed", "upgraded", "downgraded". */
const char *pkgdiff_kind_name(pkg_change_kind k);

#endif
