/*
 * rcache.h — rendered-advisory cache of a scan: advisory id -> the part
 * of a finding that depends only on its advisory, exactly as report.c
 * renders it (the JSON members "advisory":{..},"versions":{..},
 * "affected":.. of a JSON report, or the text block of a terminal
 * report; one kind per run). A bulk scan meets the same few hundred
 * advisories in thousands of lockfiles; each is fetched, decompressed
 * and rendered once per run instead of once per finding.
 *
 * Ownership and lifetimes: fragments are owned by the cache, never
 * changed or freed before rcache_free(), so a pointer handed out stays
 * valid for the whole run.
 *
 * Thread safety: rcache_get/rcache_put may be called from any number of
 * threads (one mutex; the expensive rendering happens outside it).
 */
#ifndef ADVDB_CLI_RCACHE_H
#define ADVDB_CLI_RCACHE_H

#include <stddef.h>

#define RCACHE_MAX 65536    /* entries; past it, callers just render */

typedef struct rcache rcache;

int rcache_new(rcache **out);
void rcache_free(rcache *c);

/* The fragment for id, or NULL when not cached. */
const char *rcache_get(rcache *c, const char *id, size_t *len);

/* Store a copy of frag[0..len) for id, unless id is there already.
 * Returns the cached fragment (the one stored first), or NULL when the
 * cache is full or out of memory (the caller uses its own copy). */
const char *rcache_put(rcache *c, const char *id, const char *frag,
                       size_t len, size_t *outlen);

#endif
