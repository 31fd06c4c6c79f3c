/*
 * cache.h — the decision cache of a scan: (crate, version) -> the
 * advisories that match it, so a pair that appears in many lockfiles is
 * looked up once per run.
 *
 * Ownership and lifetimes: entries are never evicted or moved; a matches
 * pointer handed out stays valid until dcache_free(). Entries are
 * immutable once published, so readers hold no lock after the look-up.
 *
 * Thread safety: any number of threads may call dcache_lookup at once.
 * The table is split in DCACHE_SHARDS shards, each behind its own mutex.
 *
 * No cache may change an answer. Memory is capped by design: at most
 * max_entries entries and max_bytes bytes (each shard its share), and an
 * entry holds at most DCACHE_MATCHES_MAX matches. A pair the cache cannot
 * hold (its shard is full, it has more matches, memory ran out) is not
 * answered from here at all: dcache_lookup says DCACHE_BYPASS and the
 * caller decides it the uncached way, whole. Nothing is ever truncated.
 */
#ifndef ADVDB_CLI_CACHE_H
#define ADVDB_CLI_CACHE_H

#include <stddef.h>
#include "advdb.h"

#define DCACHE_SHARDS 64
#define DCACHE_MATCHES_MAX 64   /* matches one entry holds */
#define DCACHE_BYPASS 1         /* not cached: decide it uncached */

typedef struct dcache dcache;

/* A cache for lookups on db with query q (both must outlive it), of at
 * most max_entries entries and max_bytes bytes. */
int dcache_new(dcache **out, advdb *db, const advdb_query *q,
               size_t max_entries, size_t max_bytes);
void dcache_free(dcache *c);

/*
 * The matches of name@version: *m and *n are set to the cached array
 * (valid until dcache_free). Returns ADVDB_OK; DCACHE_BYPASS when the
 * pair is not cached and will not be (*m NULL, *n 0: the caller looks it
 * up itself, e.g. with advdb_lookup); or a libadvdb error from deciding
 * it (errors are not cached; the message in *err, which may be NULL).
 */
int dcache_lookup(const advdb_match **m, size_t *n, dcache *c,
                  const char *name, const char *version,
                  advdb_error_info *err);

#endif
