/*
 * toml_tree.h — internal to the TOML reader: the document's arena and the
 * tree it holds (values, tables with their key index, arrays). The parser
 * (toml.c) builds trees through these calls; toml_tree.c also implements
 * the read-only accessors of toml.h. Nothing outside toml*.c includes it.
 *
 * Invariants:
 *   - Every byte of a document (doc, values, keys, strings, element and key
 *     arrays, hash indexes) comes from its arena, whose chunks total at most
 *     TOML_MEMORY_MAX; toml_free() walks the chunk list once.
 *   - Table keys are NUL-terminated arena copies, unique within the table
 *     (toml_tab_add() trusts its caller to have looked the key up).
 *   - Table flags record how a table came to be, which is what TOML's
 *     "define once" rules depend on:
 *       IMPLICIT  made as a parent by a [header] or [[header]]; one later
 *                 [header] may still define it, or dotted keys (which
 *                 makes it DOTTED), as the spec only forbids extending
 *                 tables "defined in [table] form";
 *       DEFINED   named by a [header] or an element of [[header]];
 *       DOTTED    made by a dotted key; only more dotted keys of the same
 *                 block may add to it (headers may still go through it);
 *       INLINE    an inline table: closed once its '}' is read.
 *     Arrays made by [[header]] carry AOT; all other arrays are static.
 */
#ifndef ADVDB_SCHEMA_TOML_TREE_H
#define ADVDB_SCHEMA_TOML_TREE_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include "toml.h"

enum {
	T_IMPLICIT = 1, T_DEFINED = 2, T_DOTTED = 4, T_INLINE = 8, A_AOT = 16
};

#define TOML_CHUNK_MIN 4096         /* first arena chunk; doubles from there */
#define TOML_CHUNK_MAX (1u << 20)   /* ... up to this */

typedef struct toml_kv {
	const char *key;            /* NUL-terminated, arena */
	size_t klen;
	uint32_t hash;
	unsigned line;
	toml_value *val;
} toml_kv;

struct toml_value {
	uint8_t type;               /* toml_type */
	uint8_t flags;              /* T_* for tables, A_AOT for arrays */
	uint16_t depth;             /* below the root; <= TOML_DEPTH_MAX */
	unsigned line, col;
	/* Counts are 32-bit (48 bytes a value, not 56: a Cargo.lock's tree
	 * is mostly values): no document of TOML_INPUT_MAX bytes comes near
	 * 2^31 keys, elements or string bytes. */
	union {
		struct { const char *s; uint32_t len; } str;  /* and datetimes */
		int64_t i;
		double f;
		int b;
		struct { toml_value **v; uint32_t n, cap; } arr;
		struct { toml_kv *kv; uint32_t *idx; uint32_t n, cap, icap; } tab;
	} u;
};

_Static_assert(TOML_INPUT_MAX < (1u << 30),
               "a document's counts and lengths must fit toml_value's "
               "32-bit fields, doubled");

typedef struct toml_chunk toml_chunk;

struct toml_chunk {
	toml_chunk *next;
	size_t cap, used;           /* used <= cap */
	alignas(max_align_t) unsigned char data[];
};

struct toml_arena {
	toml_chunk *head;           /* newest chunk first */
	size_t next_cap;
	size_t total;               /* bytes of all chunks */
	int full;                   /* an allocation hit TOML_MEMORY_MAX */
};

struct toml_doc {
	struct toml_arena arena;    /* lives in its own first chunk */
	toml_value *root;
};

/* A new empty document (root not yet made) for `len` bytes of text, or
 * NULL out of memory. */
toml_doc *toml_doc_new(size_t len);

/* Bump allocation in the document's arena: NULL when out of memory.
 * toml_arena_alloc() memory is 8-byte aligned (values, arrays of
 * pointers: nothing in a tree needs more); toml_arena_bytes() memory is
 * unaligned (string bytes). Both live until toml_free(). The slow path
 * (a new chunk, the TOML_MEMORY_MAX cap) is out of line: this runs for
 * every value, key and string of a document. */
void *toml_arena_new_chunk(struct toml_arena *a, size_t n);

static inline void *toml_arena_take(struct toml_arena *a, size_t n,
                                    size_t align)
{
	toml_chunk *c = a->head;

	if (c && n <= (size_t)TOML_MEMORY_MAX) {
		size_t at = (c->used + (align - 1)) & ~(align - 1);
		if (at <= c->cap && n <= c->cap - at) {
			c->used = at + n;
			return c->data + at;
		}
	}
	return toml_arena_new_chunk(a, n);
}

static inline void *toml_arena_alloc(struct toml_arena *a, size_t n)
{
	return toml_arena_take(a, n ? n : 1, 8);
}

static inline void *toml_arena_bytes(struct toml_arena *a, size_t n)
{
	return toml_arena_take(a, n ? n : 1, 1);
}

/* Grow block p of `old` bytes to n bytes (in place when it is the newest
 * block), NULL when out of memory; p stays valid then. */
void *toml_arena_grow(struct toml_arena *a, void *p, size_t old, size_t n);
/* Whether the last failed allocation hit TOML_MEMORY_MAX (else: malloc). */
int toml_arena_full(const struct toml_arena *a);

/* A zeroed value of that type, or NULL out of memory. */
toml_value *toml_value_new(struct toml_arena *a, toml_type type,
                           unsigned depth, unsigned line, unsigned col);

uint32_t toml_key_hash(const char *k, size_t n);
/* The value under key k (n bytes, hash h) in table t, or NULL. */
toml_value *toml_tab_find(const toml_value *t, const char *k, size_t n,
                          uint32_t h);
/* Add key (n bytes at k; copied unless `owned`, i.e. already a
 * NUL-terminated arena string) known to be absent. 0, or -1 when out of
 * memory or past UINT32_MAX keys. */
int toml_tab_add(struct toml_arena *a, toml_value *t, const char *k,
                 size_t n, int owned, uint32_t h, unsigned line,
                 toml_value *v);
/* Append v to array arr (for arrays that grow over the document). */
int toml_arr_push(struct toml_arena *a, toml_value *arr, toml_value *v);

#endif
