/*
 * cache.h — the caches of a run keyed by a package: the decision cache
 * of a scan, (crate, version) -> the advisories that match it, so a pair
 * that appears in many lockfiles is looked up once per run; and the
 * answer cache of batch, a line -> its answer already rendered (below).
 *
 * Ownership and lifetimes: entries are never evicted or moved; a matches
 * pointer handed out stays valid until dcache_free(). Entries are
 * immutable once published, so readers hold no lock after the look-up.
 *
 * Thread safety: any number of threads may call dcache_lookup at once.
 * The table is split in DCACHE_SHARDS shards; a hit reads a shard
 * without a lock, a miss decides and inserts under the shard's mutex.
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
#include <stdint.h>
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

/* The same with the lengths and the pair's hash (dcache_hash) given, for
 * a caller that prefetches: stage 0 fetches the pair's slot, stage 1
 * (once the slot arrived) its entry, so that the memory waits of many
 * look-ups overlap. Prefetching is a hint: it never changes an answer. */
uint64_t dcache_hash(const char *name, size_t nlen, const char *version,
                     size_t vlen);
void dcache_prefetch(const dcache *c, uint64_t h, int stage);
int dcache_lookup_h(const advdb_match **m, size_t *n, dcache *c,
                    uint64_t h, const char *name, size_t nlen,
                    const char *version, size_t vlen, advdb_error_info *err);

/*
 * The answer cache (batch): key bytes -> answer bytes, both copied in.
 * A stream repeats lines, and a repeated line's answer is the same bytes
 * but for its line number, so batch keeps what follows the number and a
 * repeat costs a hash, a probe and a copy (no parse, no look-up, no
 * JSON). One thread only. Capped like the decision cache: at most
 * max_entries entries and max_bytes bytes (keys, answers and the slot
 * array); a key it cannot hold is simply not held (acache_put says so)
 * and the caller answers it the long way each time.
 */
typedef struct acache acache;

/* max_bytes is at most ACACHE_BYTES_MAX (offsets are 32-bit). */
#define ACACHE_BYTES_MAX ((size_t)1 << 31)

int acache_new(acache **out, size_t max_entries, size_t max_bytes);
void acache_free(acache *c);

/* The hash of key[0..klen), which the calls below take with the key. */
uint64_t acache_hash(const char *key, size_t klen);

/* Start fetching what acache_get of a key of hash h reads: stage 0 its
 * slot; stage 1, once that slot arrived, its entry. A caller with many
 * keys at hand prefetches them all first, so their memory waits overlap
 * instead of adding up. A hint: it never changes a result. */
void acache_prefetch(const acache *c, uint64_t h, int stage);

/* The answer held for key[0..klen) (hash h), *alen bytes, or NULL.
 * Valid until the next acache_put or acache_free. */
const char *acache_get(const acache *c, uint64_t h, const char *key,
                       size_t klen, size_t *alen);

/* Hold answer[0..alen) for key[0..klen) (hash h; not held yet).
 * Returns 0, or -1 when it is not held (a cap, or out of memory); the
 * cache is then unchanged. */
int acache_put(acache *c, uint64_t h, const char *key, size_t klen,
               const char *answer, size_t alen);

#endif
