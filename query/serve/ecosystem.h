/*
 * ecosystem.h — the ecosystem names the OSV API accepts in
 * `package.ecosystem`: those of the OSV schema (ossf/osv-schema,
 * validation/schema.json, `$defs.ecosystemName`), each optionally followed
 * by `:SUFFIX` (`Debian:12`), and `GIT`. osv.dev answers a query naming any
 * of them, data or not, and refuses any other name as "invalid
 * ecosystem"; advdb-serve does the same, holding data for `crates.io`
 * only. Names are case-sensitive (`PyPI`, not `pypi`), as osv.dev reads
 * them.
 */
#ifndef ADVDB_SERVE_ECOSYSTEM_H
#define ADVDB_SERVE_ECOSYSTEM_H

#include <stddef.h>

/* Is name an ecosystem osv.dev knows (its part before ':', or GIT)? */
int ecosystem_known(const char *name, size_t len);

/* Is it crates.io, the one this index answers for? */
int ecosystem_is_crates(const char *name, size_t len);

#endif
