/*
 * cache.c — the caches of cache.h. The decision cache: sharded, open
 * addressing with linear probing over entry pointers; a shard doubles
 * when 3/4 full. A hit takes no lock (a scan does one look-up a package,
 * and the lock's two atomic operations and its cache line were a good
 * part of each); a miss decides the pair under the shard's lock, so a
 * pair is never decided twice and nothing is inserted twice.
 *
 * Invariant: an answer handed out is a whole entry, decided by
 * advdb_lookup_ex into an array with room for every match. Whatever the
 * cache cannot keep whole is DCACHE_BYPASS, never a part of an answer.
 *
 * The answer cache: one arena of entries (key length, answer length,
 * key, answer; moved by realloc, so slots hold offsets) and one slot
 * array of 8-byte slots, each the offset + 1 (0: empty) and 32 bits of
 * the key's hash, so a probe reads the arena only on a likely match.
 * Batch probes it for every line: its 10,000 distinct pairs of the
 * benchmark fit in about 1.2 MB this way, where the decision cache's
 * entries, matches and 16-byte slots took several.
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
 * pairs spent a fifth of its time there). `e` is published last, with
 * release order, and read with acquire order: a reader that sees it sees
 * the hash and the whole entry. A slot, once published, never changes. */
typedef struct slot {
	uint64_t hash;
	dentry *e;
} slot;

/* A shard's slot array; a larger one replaces it when it is 3/4 full.
 * Readers probe without the lock, so a replaced array may still be read:
 * it is kept (prev) until dcache_free, and counted in the shard's bytes.
 * Each is at most half the next, so all of them together stay under the
 * size of the current one. */
typedef struct table {
	struct table *prev;
	size_t cap;                 /* a power of two */
	slot s[];
} table;

typedef struct shard {
	pthread_mutex_t mu;         /* writers only */
	table *t;                   /* atomic: read by probes without mu */
	size_t n;
	size_t bytes;               /* of its entries and slot arrays */
} shard;

struct dcache {
	advdb *db;
	const advdb_query *q;
	size_t max_per_shard, max_bytes_per_shard;
	shard shards[DCACHE_SHARDS];
};

/* A word-at-a-time hash (multiply, xor-shift) continuing from h, for
 * keys of a few dozen bytes: FNV-1a's loop is a dependent multiply per
 * byte. The last word overlaps the one before it rather than being
 * copied byte by byte. Only for tables in memory: its value depends on
 * byte order. */
static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
	const uint64_t k = 0x9E3779B97F4A7C15ull;
	uint64_t w;
	uint32_t a, b;

	h ^= n * k;
	if (n >= 8) {
		for (; n > 8; s += 8, n -= 8) {
			memcpy(&w, s, 8);
			h = (h ^ w) * k;
			h ^= h >> 32;
		}
		memcpy(&w, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		w = (uint64_t)a << 32 | b;
	} else {
		w = n ? (uint64_t)(unsigned char)s[0] << 16 |
		        (uint64_t)(unsigned char)s[n / 2] << 8 |
		        (unsigned char)s[n - 1] : 0;
	}
	h = (h ^ w) * k;
	h ^= h >> 32;
	h *= 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 31);
}

/* The pair's hash: name, then version (each hash_bytes mixes in its
 * length, so "ab"+"c" and "a"+"bc" differ). A scan hashes every package
 * of every lockfile: FNV-1a's multiply per byte was the larger part of
 * a cached look-up. */
static uint64_t hash_pair(const char *name, size_t nlen, const char *ver,
                          size_t vlen)
{
	return hash_bytes(hash_bytes(0, name, nlen), ver, vlen);
}

/* a[0..n) == b[0..n), a word at a time, the last word overlapping
 * (keys are a few dozen bytes: memcmp's call and set-up cost more). */
static int key_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;

	if (n >= 8) {
		for (; n > 8; a += 8, b += 8, n -= 8) {
			memcpy(&x, a, 8);
			memcpy(&y, b, 8);
			if (x != y)
				return 0;
		}
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		if (u != v)
			return 0;
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return u == v;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
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
		table *t = s->t;
		for (size_t k = 0; t && k < t->cap; k++)
			free(t->s[k].e);
		while (t) {
			table *prev = t->prev;
			free(t);
			t = prev;
		}
		pthread_mutex_destroy(&s->mu);
	}
	free(c);
}

/* Under s->mu: a table twice the size (64 slots at first) with every
 * entry of the old one, published in its place; the old one is kept. */
static int grow(shard *s, size_t max_bytes)
{
	table *old = s->t;
	size_t cap = old ? old->cap * 2 : 64;
	size_t size = sizeof(table) + cap * sizeof(slot);
	table *t;

	if (s->bytes + size > max_bytes || !(t = calloc(1, size)))
		return -1;
	t->prev = old;
	t->cap = cap;
	for (size_t k = 0; old && k < old->cap; k++) {
		dentry *e = old->s[k].e;
		if (!e)
			continue;
		size_t j = (e->hash >> 6) & (cap - 1);
		while (t->s[j].e)
			j = (j + 1) & (cap - 1);
		t->s[j] = old->s[k];
	}
	s->bytes += size;
	__atomic_store_n(&s->t, t, __ATOMIC_RELEASE);
	return 0;
}

/* The entry of name@version in t, or NULL. Safe without the lock. */
static const dentry *probe(const table *t, uint64_t h, const char *name,
                           size_t nlen, const char *version, size_t vlen)
{
	if (!t)
		return NULL;
	for (size_t j = (h >> 6) & (t->cap - 1);; j = (j + 1) & (t->cap - 1)) {
		const dentry *e = __atomic_load_n(&t->s[j].e, __ATOMIC_ACQUIRE);
		if (!e)
			return NULL;
		if (t->s[j].hash == h && e->nlen == nlen && e->vlen == vlen &&
		    key_eq(e->key, name, nlen) &&
		    key_eq(e->key + nlen + 1, version, vlen))
			return e;
	}
}

uint64_t dcache_hash(const char *name, size_t nlen, const char *version,
                     size_t vlen)
{
	return hash_pair(name, nlen, version, vlen);
}

void dcache_prefetch(const dcache *c, uint64_t h, int stage)
{
	const shard *s = &c->shards[h % DCACHE_SHARDS];
	const table *t = __atomic_load_n(&s->t, __ATOMIC_ACQUIRE);

	if (!t)
		return;
	size_t j = (h >> 6) & (t->cap - 1);
	if (stage == 0) {
		__builtin_prefetch(&t->s[j]);
		return;
	}
	/* the entry of the first slot of the same hash on the probe's way */
	for (size_t k = 0; k < 8; k++, j = (j + 1) & (t->cap - 1)) {
		const dentry *e = __atomic_load_n(&t->s[j].e, __ATOMIC_ACQUIRE);
		if (!e)
			return;
		if (t->s[j].hash == h) {
			__builtin_prefetch(e);
			return;
		}
	}
}

int dcache_lookup(const advdb_match **mout, size_t *nout, dcache *c,
                  const char *name, const char *version,
                  advdb_error_info *err)
{
	size_t nlen = strlen(name), vlen = strlen(version);

	return dcache_lookup_h(mout, nout, c, hash_pair(name, nlen, version,
	                       vlen), name, nlen, version, vlen, err);
}

int dcache_lookup_h(const advdb_match **mout, size_t *nout, dcache *c,
                    uint64_t h, const char *name, size_t nlen,
                    const char *version, size_t vlen, advdb_error_info *err)
{
	shard *s = &c->shards[h % DCACHE_SHARDS];
	advdb_match m[DCACHE_MATCHES_MAX];
	const dentry *found;
	size_t n = 0;
	int rc;

	/* a hit takes no lock: entries are immutable once published */
	found = probe(__atomic_load_n(&s->t, __ATOMIC_ACQUIRE), h, name, nlen,
	              version, vlen);
	if (found) {
		*mout = found->m;
		*nout = found->n;
		return ADVDB_OK;
	}
	*mout = NULL;
	*nout = 0;
	pthread_mutex_lock(&s->mu);
	/* another thread may have decided it meanwhile */
	if ((found = probe(s->t, h, name, nlen, version, vlen)) != NULL) {
		pthread_mutex_unlock(&s->mu);
		*mout = found->m;
		*nout = found->n;
		return ADVDB_OK;
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
	    ((!s->t || (s->n + 1) * 4 > s->t->cap * 3) &&
	     grow(s, c->max_bytes_per_shard - size) < 0) ||
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
	table *t = s->t;
	size_t j = (h >> 6) & (t->cap - 1);
	while (t->s[j].e)
		j = (j + 1) & (t->cap - 1);
	t->s[j].hash = h;
	__atomic_store_n(&t->s[j].e, e, __ATOMIC_RELEASE);
	s->n++;
	s->bytes += size;
	*mout = e->m;
	*nout = n;
	rc = ADVDB_OK;
done:
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* ---- the answer cache ---- */

#define ACACHE_HEAD 8           /* key length, answer length: 2 x uint32 */

struct acache {
	uint64_t *slots;            /* tag << 32 | (offset + 1); 0 empty */
	size_t cap, n;
	char *mem;                  /* the entries */
	size_t len, memcap;
	size_t max_entries, max_bytes;
};

int acache_new(acache **out, size_t max_entries, size_t max_bytes)
{
	acache *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return ADVDB_ENOMEM;
	c->max_entries = max_entries;
	c->max_bytes = max_bytes < ACACHE_BYTES_MAX ? max_bytes
	                                            : ACACHE_BYTES_MAX;
	*out = c;
	return ADVDB_OK;
}

void acache_free(acache *c)
{
	if (!c)
		return;
	free(c->slots);
	free(c->mem);
	free(c);
}

uint64_t acache_hash(const char *key, size_t klen)
{
	return hash_bytes(0, key, klen);
}

void acache_prefetch(const acache *c, uint64_t h, int stage)
{
	if (!c->n)
		return;
	size_t mask = c->cap - 1, j = (size_t)h & mask;
	uint32_t tag = (uint32_t)(h >> 32);

	if (stage == 0) {
		__builtin_prefetch(&c->slots[j]);
		return;
	}
	/* the probe's way to the entry (a third of the keys are not in
	 * their first slot at a load of 2/3) */
	for (size_t k = 0; k < 8 && c->slots[j]; k++, j = (j + 1) & mask) {
		uint64_t sl = c->slots[j];
		if ((uint32_t)(sl >> 32) != tag)
			continue;
		/* an entry is a header, a key and an answer: a batch answer
		 * is about a hundred bytes, so its first three cache lines */
		size_t off = (uint32_t)sl - 1, last = c->len - 1;
		__builtin_prefetch(c->mem + off);
		__builtin_prefetch(c->mem + (off + 64 < last ? off + 64 : last));
		__builtin_prefetch(c->mem + (off + 128 < last ? off + 128
		                                                : last));
		return;
	}
}

const char *acache_get(const acache *c, uint64_t h, const char *key,
                       size_t klen, size_t *alen)
{
	if (!c->n)
		return NULL;
	uint32_t tag = (uint32_t)(h >> 32);
	size_t mask = c->cap - 1;

	for (size_t j = (size_t)h & mask;; j = (j + 1) & mask) {
		uint64_t sl = c->slots[j];
		uint32_t kl, al;
		if (!sl)
			return NULL;
		if ((uint32_t)(sl >> 32) != tag)
			continue;
		const char *e = c->mem + ((uint32_t)sl - 1);
		memcpy(&kl, e, 4);
		if (kl != klen || !key_eq(e + ACACHE_HEAD, key, klen))
			continue;
		memcpy(&al, e + 4, 4);
		*alen = al;
		return e + ACACHE_HEAD + kl;
	}
}

/* Place slot value v of hash h in slots (cap a power of two). */
static void aplace(uint64_t *slots, size_t cap, uint64_t h, uint64_t v)
{
	size_t j = (size_t)h & (cap - 1);

	while (slots[j])
		j = (j + 1) & (cap - 1);
	slots[j] = v;
}

int acache_put(acache *c, uint64_t h, const char *key, size_t klen,
               const char *answer, size_t alen)
{
	size_t need = ACACHE_HEAD + klen + alen;
	size_t cap = c->cap ? c->cap : 1024;

	/* the load stays at most 3/4: linear probing, mostly one line */
	if ((c->n + 1) * 4 > c->cap * 3)
		cap = c->cap ? c->cap * 2 : cap;
	if (c->n >= c->max_entries || klen > c->max_bytes ||
	    alen > c->max_bytes || need > c->max_bytes - c->len ||
	    cap * sizeof(uint64_t) > c->max_bytes - c->len - need)
		return -1;
	if (c->len + need > c->memcap) {
		size_t mcap = c->memcap ? c->memcap * 2 : 64 * 1024;
		while (mcap < c->len + need)
			mcap *= 2;
		if (mcap > c->max_bytes - cap * sizeof(uint64_t))
			mcap = c->max_bytes - cap * sizeof(uint64_t);
		char *mem = realloc(c->mem, mcap);
		if (!mem)
			return -1;
		c->mem = mem;
		c->memcap = mcap;
	}
	if (cap != c->cap) {
		uint64_t *slots = calloc(cap, sizeof(*slots));
		if (!slots)
			return -1;
		for (size_t k = 0; k < c->cap; k++) {
			uint64_t sl = c->slots[k];
			if (!sl)
				continue;
			const char *e = c->mem + ((uint32_t)sl - 1);
			uint32_t kl;
			memcpy(&kl, e, 4);
			aplace(slots, cap, hash_bytes(0, e + ACACHE_HEAD, kl), sl);
		}
		free(c->slots);
		c->slots = slots;
		c->cap = cap;
	}
	char *e = c->mem + c->len;
	uint32_t kl = (uint32_t)klen, al = (uint32_t)alen;
	memcpy(e, &kl, 4);
	memcpy(e + 4, &al, 4);
	memcpy(e + ACACHE_HEAD, key, klen);
	memcpy(e + ACACHE_HEAD + klen, answer, alen);
	aplace(c->slots, c->cap, h,
	       (h >> 32 << 32) | (uint64_t)(uint32_t)(c->len + 1));
	c->len += need;
	c->n++;
	return 0;
}
