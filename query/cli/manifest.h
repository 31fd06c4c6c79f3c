/*
 * manifest.h — the dependencies of a Cargo.toml, as Cargo would resolve
 * their requirements: every dependency table ([dependencies],
 * [dev-dependencies], [build-dependencies], the old `dev_dependencies` /
 * `build_dependencies` spellings, and each of them under
 * [target.'cfg(...)'] or [target.<triple>]), renames (`package = "..."`),
 * `version` in tables, optional dependencies, and `workspace = true`
 * inheritance from [workspace.dependencies] of the workspace root.
 *
 * The workspace root is found as Cargo finds it: `package.workspace` when
 * set, else the manifest itself when it has [workspace], else the nearest
 * ancestor directory whose Cargo.toml has [workspace]. (Cargo also checks
 * that the root's `members` include this package; we do not.)
 *
 * Ownership: every string in a manifest_dep points into the parsed
 * documents, which the manifest owns; all of it lives until
 * manifest_free(). Strings are NUL-terminated (an embedded NUL from a
 * \u0000 escape simply ends them early).
 */
#ifndef ADVDB_CLI_MANIFEST_H
#define ADVDB_CLI_MANIFEST_H

#include <stddef.h>
#include "toml.h"

#define MANIFEST_DEPS_MAX 100000   /* dependencies in one manifest */
#define MANIFEST_WALK_MAX 64       /* parent directories searched */

typedef enum dep_kind { DEP_NORMAL, DEP_DEV, DEP_BUILD } dep_kind;

typedef enum dep_source {
	DEP_CRATES_IO,                 /* the default registry */
	DEP_PATH,                      /* path = "..." (skipped) */
	DEP_GIT,                       /* git = "..." (skipped) */
	DEP_REGISTRY,                  /* another registry (skipped, noted) */
	DEP_BAD                        /* an error: see `error` */
} dep_source;

typedef struct manifest_dep {
	const char *key;               /* the name the manifest uses */
	const char *package;           /* the crate: `package`, else key */
	const char *req;               /* requirement text ("*" when none) */
	dep_kind kind;
	const char *target;            /* cfg(...) or a triple; NULL: all */
	dep_source source;
	const char *registry;          /* DEP_REGISTRY: its name or index */
	int optional;
	int inherited;                 /* `workspace = true` */
	unsigned line;                 /* where the dependency is written */
	char error[160];               /* DEP_BAD: why (no place, no path) */
} manifest_dep;

typedef struct manifest {
	toml_doc *doc;                 /* this manifest */
	toml_doc *ws_doc;              /* its workspace root, when another
	                                  file (NULL otherwise) */
	char *ws_path;                 /* path of the root's Cargo.toml, or
	                                  NULL when there is no workspace */
	manifest_dep *deps;
	size_t n, cap;
} manifest;

/*
 * Read the Cargo.toml at path (a file; a directory means its Cargo.toml).
 * Returns 0, or -1 with err (at most errcap bytes) naming the file and,
 * for TOML errors, the line and column: unreadable, not TOML, a lockfile
 * (a [[package]] array: the message says to use scan), nothing to check
 * (no [package], [workspace] nor dependency table), a dependency table
 * that is not a table, too many dependencies, a bad workspace root. A problem with one dependency (a bad value, a missing
 * workspace entry) is not a failure: that dependency is DEP_BAD with its
 * reason and the others are read.
 */
int manifest_load(manifest *m, const char *path, char *err, size_t errcap);
void manifest_free(manifest *m);

/* "normal", "dev" or "build". */
const char *dep_kind_name(dep_kind k);

#endif
