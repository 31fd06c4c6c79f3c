/*
 * arena.h — a bump allocator for what lives exactly as long as one parsed
 * file: an advisory and its record (advisory.c), an OSV file's records
 * (osv.c), a YAML tree (ytree.c). Memory comes in chained blocks of
 * `block` bytes (an allocation larger than that gets a block of its own)
 * and is all released at once by arena_free().
 *
 * Invariants: every allocation is zeroed and 16-byte aligned; nothing is
 * freed or moved before arena_free, so a pointer handed out stays valid
 * until then.
 */
#ifndef ADVDB_COMPILER_ARENA_H
#define ADVDB_COMPILER_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;

typedef struct arena {
	arena_block *blocks;
	size_t block;               /* bytes of a block; 0: ARENA_BLOCK */
} arena;

#define ARENA_BLOCK 16384

/* n zeroed bytes (at least 16), or NULL when out of memory. */
void *arena_alloc(arena *a, size_t n);

/* A NUL-terminated copy of len bytes of s, or NULL. */
char *arena_strn(arena *a, const char *s, size_t len);

/* Release every block (the arena is empty and usable again). */
void arena_free(arena *a);

#endif
