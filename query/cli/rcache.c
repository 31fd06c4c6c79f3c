/*
 * rcache.c — the rendered-advisory cache (see rcache.h). Open addressing
 * over entry pointers, doubled when half full; one mutex, held only for
 * the probe and the insert.
 */
#include "rcache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct rentry {
	uint64_t hash;
	size_t len;
	char *frag;
	char id[];
} rentry;

struct rcache {
	pthread_mutex_t mu;
	rentry **slots;
	size_t cap, n;
};

static uint64_t hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

int rcache_new(rcache **out)
{
	rcache *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return -1;
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void rcache_free(rcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i]) {
			free(c->slots[i]->frag);
			free(c->slots[i]);
		}
	free(c->slots);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* The slot holding id, or the empty slot where it would go. Needs cap>0. */
static size_t probe(const rcache *c, const char *id, uint64_t h)
{
	size_t j = h & (c->cap - 1);
	while (c->slots[j] &&
	       (c->slots[j]->hash != h || strcmp(c->slots[j]->id, id) != 0))
		j = (j + 1) & (c->cap - 1);
	return j;
}

const char *rcache_get(rcache *c, const char *id, size_t *len)
{
	const char *frag = NULL;
	uint64_t h = hash_id(id);

	pthread_mutex_lock(&c->mu);
	if (c->cap) {
		rentry *e = c->slots[probe(c, id, h)];
		if (e) {
			frag = e->frag;
			*len = e->len;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return frag;
}

static int grow(rcache *c)
{
	size_t cap = c->cap ? c->cap * 2 : 256;
	rentry **slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < c->cap; i++) {
		rentry *e = c->slots[i];
		if (!e)
			continue;
		size_t j = e->hash & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = e;
	}
	free(c->slots);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

const char *rcache_put(rcache *c, const char *id, const char *frag,
                       size_t len, size_t *outlen)
{
	uint64_t h = hash_id(id);
	const char *res = NULL;
	size_t idlen = strlen(id);

	pthread_mutex_lock(&c->mu);
	if (c->cap) {
		rentry *e = c->slots[probe(c, id, h)];
		if (e) {
			res = e->frag;
			*outlen = e->len;
			goto done;
		}
	}
	if (c->n >= RCACHE_MAX || ((c->n + 1) * 2 > c->cap && grow(c) < 0))
		goto done;
	rentry *e = malloc(sizeof(*e) + idlen + 1);
	char *copy = malloc(len + 1);
	if (!e || !copy) {
		free(e);
		free(copy);
		goto done;
	}
	memcpy(copy, frag, len);
	copy[len] = '\0';
	e->hash = h;
	e->len = len;
	e->frag = copy;
	memcpy(e->id, id, idlen + 1);
	c->slots[probe(c, id, h)] = e;
	c->n++;
	res = copy;
	*outlen = len;
done:
	pthread_mutex_unlock(&c->mu);
	return res;
}
