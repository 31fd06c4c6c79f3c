/*
 * arena.c — see arena.h.
 */
#include "arena.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *arena_alloc(arena *a, size_t n)
{
	arena_block *b = a->blocks;
	size_t block = a->block ? a->block : ARENA_BLOCK;

	if (n > SIZE_MAX - 32)
		return NULL;
	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > block ? n : block;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = a->blocks;
		b->used = 0;
		b->cap = cap;
		a->blocks = b;
	}
	assert(b->cap - b->used >= n);
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strn(arena *a, const char *s, size_t len)
{
	char *p = len < SIZE_MAX ? arena_alloc(a, len + 1) : NULL;

	if (p)
		memcpy(p, s, len);   /* the NUL: arena_alloc zeroed it */
	return p;
}

void arena_free(arena *a)
{
	for (arena_block *b = a->blocks, *nx; b; b = nx) {
		nx = b->next;
		free(b);
	}
	a->blocks = NULL;
}
