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
 *   - Table keys are NUL-terminated arena copies (or, for the keys of
 *     Cargo files, static strings: toml_tab_add()), unique within the
 *     table (toml_tab_add() trusts its caller to have looked the key up).
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
#include <string.h>

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

/* The three below run for every key and value of a document: inline,
 * so the parser (toml.c) pays no call for them. */

/* A zeroed value of that type, or NULL out of memory. */
static inline toml_value *toml_value_new(struct toml_arena *a, toml_type type,
                                        unsigned depth, unsigned line,
                                        unsigned col)
{
	toml_value *v = toml_arena_alloc(a, sizeof *v);

	if (!v)
		return NULL;
	memset(v, 0, sizeof *v);
	v->type = (uint8_t)type;
	v->depth = (uint16_t)depth;
	v->line = line;
	v->col = col;
	return v;
}

/* The hash of a key (also lockdeps.c's of package names). */
static inline uint32_t toml_key_hash(const char *k, size_t n)
{
	/* Eight bytes per multiply: v1 lockfiles have thousands of ~100-byte
	 * "checksum NAME VERSION (SOURCE)" keys, where byte-wise FNV was 7%
	 * of a scan. The xor-shifts fold the high product bits down, so the
	 * low bits the index uses depend on every input byte. */
	uint64_t h = 0x9E3779B97F4A7C15u ^ (uint64_t)n, w;

	for (; n >= 8; k += 8, n -= 8) {
		memcpy(&w, k, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDu;
		h ^= h >> 32;
	}
	/* The last 0..7 bytes without a byte loop: two overlapping 4-byte
	 * loads, or first/middle/last byte (the length is already in h). */
	if (n >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, k, 4);
		memcpy(&hi, k + n - 4, 4);
		w = (uint64_t)lo | (uint64_t)hi << 32;
	} else if (n) {
		w = (uint64_t)(unsigned char)k[0] << 16 |
		    (uint64_t)(unsigned char)k[n / 2] << 8 |
		    (unsigned char)k[n - 1];
	} else {
		w = 0;
	}
	h = (h ^ w) * 0xC4CEB9FE1A85EC53u;
	h ^= h >> 29;
	return (uint32_t)h;
}

/* The value under key k (n bytes, hash h) in table t, or NULL. */
static inline toml_value *toml_tab_find(const toml_value *t, const char *k,
                                        size_t n, uint32_t h)
{
	size_t i;

	if (t->u.tab.idx) {
		size_t mask = t->u.tab.icap - 1;
		for (i = h & mask; t->u.tab.idx[i]; i = (i + 1) & mask) {
			const toml_kv *kv = &t->u.tab.kv[t->u.tab.idx[i] - 1];
			if (kv->hash == h && kv->klen == n && !memcmp(kv->key, k, n))
				return kv->val;
		}
		return NULL;
	}
	for (i = 0; i < t->u.tab.n; i++) {
		const toml_kv *kv = &t->u.tab.kv[i];
		if (kv->hash == h && kv->klen == n && !memcmp(kv->key, k, n))
			return kv->val;
	}
	return NULL;
}
/* Add key (n bytes at k; copied unless `owned`, i.e. already a
 * NUL-terminated arena string) known to be absent. 0, or -1 when out of
 * memory or past UINT32_MAX keys. */
int toml_tab_add(struct toml_arena *a, toml_value *t, const char *k,
                 size_t n, int owned, uint32_t h, unsigned line,
                 toml_value *v);
/* Append v to array arr (for arrays that grow over the document). */
int toml_arr_push(struct toml_arena *a, toml_value *arr, toml_value *v);

#endif
