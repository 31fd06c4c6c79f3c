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
 * Past max_entries the cache stops growing and simply computes.
 */
#ifndef ADVDB_CLI_CACHE_H
#define ADVDB_CLI_CACHE_H

#include <stddef.h>
#include "advdb.h"

#define DCACHE_SHARDS 64

typedef struct dcache dcache;

/* A cache for lookups on db with query q (both must outlive it). */
int dcache_new(dcache **out, advdb *db, const advdb_query *q,
               size_t max_entries);
void dcache_free(dcache *c);

/*
 * The matches of name@version: *m and *n are set to the cached array
 * (valid until dcache_free). When the pair cannot be cached (cache full),
 * the matches are copied into the caller's scratch array of cap entries
 * instead; *m then points there. Returns ADVDB_OK or a libadvdb error
 * (errors are not cached).
 */
int dcache_lookup(const advdb_match **m, size_t *n, dcache *c,
                  const char *name, const char *version,
                  advdb_match *scratch, size_t cap);

#endif
