/*
 * cache.c — the sharded decision cache (see cache.h). Open addressing with
 * linear probing over entry pointers; a shard doubles when half full. The
 * look-up itself runs under the shard's lock, so a pair is never decided
 * twice and nothing is inserted twice; with 64 shards and ~1 us look-ups,
 * contention is low.
 *
 * Invariant: an answer handed out is a whole entry, decided by
 * advdb_lookup_ex into an array with room for every match. Whatever the
 * cache cannot keep whole is DCACHE_BYPASS, never a part of an answer.
 */
#include "cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct dentry {
	uint64_t hash;
	size_t nlen, vlen;
	size_t n;
	advdb_match *m;     /* points just after the key text */
	char key[];         /* name NUL version NUL, then the matches */
} dentry;

/* The hash beside the pointer: a probe compares hashes in the slot array
 * and touches an entry only on a match (with entries spread over
 * megabytes, each dereference was a cache miss: a batch of distinct
 * pairs spent a fifth of its time there). */
typedef struct slot {
	uint64_t hash;
	dentry *e;
} slot;

typedef struct shard {
	pthread_mutex_t mu;
	slot *slots;
	size_t cap, n;
	size_t bytes;               /* of its entries and slot array */
} shard;

struct dcache {
	advdb *db;
	const advdb_query *q;
	size_t max_per_shard, max_bytes_per_shard;
	shard shards[DCACHE_SHARDS];
};

/* FNV-1a over name, a separator, and version. */
static uint64_t hash_pair(const char *name, size_t nlen, const char *ver,
                          size_t vlen)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < nlen; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ull;
	h = (h ^ 0xFF) * 1099511628211ull;
	for (size_t i = 0; i < vlen; i++)
		h = (h ^ (unsigned char)ver[i]) * 1099511628211ull;
	return h ^ (h >> 29);
}

int dcache_new(dcache **out, advdb *db, const advdb_query *q,
               size_t max_entries, size_t max_bytes)
{
	dcache *c = calloc(1, sizeof(*c));
	size_t i;

	*out = NULL;
	if (!c)
		return ADVDB_ENOMEM;
	c->db = db;
	c->q = q;
	c->max_per_shard = max_entries / DCACHE_SHARDS;
	c->max_bytes_per_shard = max_bytes / DCACHE_SHARDS;
	for (i = 0; i < DCACHE_SHARDS; i++)
		if (pthread_mutex_init(&c->shards[i].mu, NULL) != 0)
			break;
	if (i < DCACHE_SHARDS) {
		while (i--)
			pthread_mutex_destroy(&c->shards[i].mu);
		free(c);
		return ADVDB_ERROR;
	}
	*out = c;
	return ADVDB_OK;
}

void dcache_free(dcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < DCACHE_SHARDS; i++) {
		shard *s = &c->shards[i];
		for (size_t k = 0; k < s->cap; k++)
			free(s->slots[k].e);
		free(s->slots);
		pthread_mutex_destroy(&s->mu);
	}
	free(c);
}

static int grow(shard *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t k = 0; k < s->cap; k++) {
		dentry *e = s->slots[k].e;
		if (!e)
			continue;
		size_t j = (e->hash >> 6) & (cap - 1);
		while (slots[j].e)
			j = (j + 1) & (cap - 1);
		slots[j] = s->slots[k];
	}
	free(s->slots);
	s->bytes += (cap - s->cap) * sizeof(*slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

int dcache_lookup(const advdb_match **mout, size_t *nout, dcache *c,
                  const char *name, const char *version,
                  advdb_error_info *err)
{
	size_t nlen = strlen(name), vlen = strlen(version);
	uint64_t h = hash_pair(name, nlen, version, vlen);
	shard *s = &c->shards[h % DCACHE_SHARDS];
	advdb_match m[DCACHE_MATCHES_MAX];
	size_t n = 0;
	int rc;

	*mout = NULL;
	*nout = 0;
	pthread_mutex_lock(&s->mu);
	if (s->cap) {
		for (size_t j = (h >> 6) & (s->cap - 1); s->slots[j].e;
		     j = (j + 1) & (s->cap - 1)) {
			if (s->slots[j].hash != h)
				continue;
			dentry *e = s->slots[j].e;
			if (e->nlen == nlen && e->vlen == vlen &&
			    memcmp(e->key, name, nlen) == 0 &&
			    memcmp(e->key + nlen + 1, version, vlen) == 0) {
				pthread_mutex_unlock(&s->mu);
				*mout = e->m;
				*nout = e->n;
				return ADVDB_OK;
			}
		}
	}
	rc = DCACHE_BYPASS;
	if (s->n >= c->max_per_shard || s->bytes >= c->max_bytes_per_shard)
		goto done;              /* full: not decided here at all */
	rc = advdb_lookup_ex(m, DCACHE_MATCHES_MAX, &n, c->db, name, nlen,
	                     version, vlen, c->q, err);
	if (rc == ADVDB_EBUFS)
		rc = DCACHE_BYPASS;     /* more than an entry holds */
	if (rc != ADVDB_OK)
		goto done;

	size_t keylen = nlen + vlen + 2;
	size_t pad = (sizeof(advdb_match) - keylen % sizeof(advdb_match)) %
	             sizeof(advdb_match);
	size_t size = sizeof(dentry) + keylen + pad + n * sizeof(*m);
	dentry *e;
	rc = DCACHE_BYPASS;
	if (s->bytes + size > c->max_bytes_per_shard ||
	    ((s->n + 1) * 2 > s->cap && grow(s) < 0) ||
	    !(e = malloc(size)))
		goto done;
	e->hash = h;
	e->nlen = nlen;
	e->vlen = vlen;
	e->n = n;
	memcpy(e->key, name, nlen);
	e->key[nlen] = '\0';
	memcpy(e->key + nlen + 1, version, vlen);
	e->key[nlen + 1 + vlen] = '\0';
	e->m = (advdb_match *)(void *)(e->key + keylen + pad);
	if (n)
		memcpy(e->m, m, n * sizeof(*m));
	size_t j = (h >> 6) & (s->cap - 1);
	while (s->slots[j].e)
		j = (j + 1) & (s->cap - 1);
	s->slots[j].hash = h;
	s->slots[j].e = e;
	s->n++;
	s->bytes += size;
	*mout = e->m;
	*nout = n;
	rc = ADVDB_OK;
done:
	pthread_mutex_unlock(&s->mu);
	return rc;
}
