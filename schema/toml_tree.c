/*
 * toml_tree.c — the document's arena and tree: chunked bump allocation,
 * tables with an open-addressing key index, arrays, and the read-only
 * accessors of toml.h. The parser in toml.c decides what goes where; this
 * file only keeps the storage sound.
 *
 * Invariants:
 *   - The document struct lives in the first chunk; every other block
 *     comes after it, so freeing the chunk list frees everything.
 *   - A block bigger than the chunk size gets a chunk of its own, linked
 *     behind the current one so the current one's free space is not lost.
 *   - Tables past HASH_MIN keys keep an index of at most half load, so a
 *     hostile table of a million keys costs linear time, not quadratic.
 */
#include "toml_tree.h"
#include "toml_scan.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define HASH_MIN 8              /* keys before a table gets a hash index */

/* ---- arena ---- */

static toml_chunk *chunk_new(size_t cap)
{
	toml_chunk *c;

	if (cap > SIZE_MAX - sizeof *c)
		return NULL;
	c = malloc(sizeof *c + cap);
	if (!c)
		return NULL;
	c->next = NULL;
	c->cap = cap;
	c->used = 0;
	return c;
}

/* n bytes at the start of a new chunk (toml_arena_take() found no room:
 * the start of a chunk is aligned for anything). */
void *toml_arena_new_chunk(struct toml_arena *a, size_t n)
{
	toml_chunk *c;
	size_t cap = a->next_cap;

	n = n ? n : 1;
	if (n > TOML_MEMORY_MAX) {
		a->full = 1;
		return NULL;
	}
	if (cap < n)
		cap = n;
	if (cap > TOML_MEMORY_MAX - a->total) {
		a->full = 1;
		return NULL;
	}
	c = chunk_new(cap);
	if (!c)
		return NULL;
	a->total += cap;
	/* A block bigger than the usual chunk gets its own chunk, kept
	 * behind the current one so that one's free space is not lost. */
	if (cap > a->next_cap && a->head) {
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
		if (a->next_cap < TOML_CHUNK_MAX)
			a->next_cap *= 2;
	}
	c->used = n;
	return c->data;
}

/* Grow the block p (of old bytes) to n bytes: in place when it is the last
 * block of the current chunk, else by copy. */
void *toml_arena_grow(struct toml_arena *a, void *p, size_t old, size_t n)
{
	toml_chunk *c = a->head;
	void *q;

	if (p && c && (unsigned char *)p + old == c->data + c->used &&
	    n >= old && n - old <= c->cap - c->used) {
		c->used += n - old;
		return p;
	}
	q = toml_arena_alloc(a, n);
	if (q && old)
		memcpy(q, p, old);
	return q;
}

void toml_free(toml_doc *doc)
{
	toml_chunk *c, *next;

	if (!doc)
		return;
	/* The doc itself lives in the oldest chunk: read the list first. */
	for (c = doc->arena.head; c; c = next) {
		next = c->next;
		free(c);
	}
}


int toml_arena_full(const struct toml_arena *a)
{
	return a->full;
}

toml_doc *toml_doc_new(size_t len)
{
	/* The first chunk holds the tree of a typical document whole: a
	 * Cargo.lock's takes 2.5 to 3.9 times its text. Doubling from 4 KiB
	 * instead would leave a large file's tree in ten chunks whose last
	 * is mostly empty: memory a scan thread keeps for the next file. */
	size_t first = len <= TOML_INPUT_MAX ? len * 4 : 0;
	struct toml_arena a = {NULL, first > TOML_CHUNK_MIN ? first
	                                                    : TOML_CHUNK_MIN,
	                       0, 0};
	toml_doc *doc = toml_arena_alloc(&a, sizeof *doc);

	if (!doc)
		return NULL;
	doc->arena = a;
	doc->root = NULL;
	return doc;
}

/* ---- tree ---- */

static void idx_put(toml_value *t, size_t slot)
{
	size_t mask = t->u.tab.icap - 1;
	size_t i = t->u.tab.kv[slot].hash & mask;

	while (t->u.tab.idx[i])
		i = (i + 1) & mask;
	t->u.tab.idx[i] = (uint32_t)(slot + 1);
}

/* The keys of Cargo.lock and Cargo.toml tables: a bare key equal to one
 * of these points at this static copy (valid as long as any document)
 * rather than at a copy in the arena. NULL for any other key. */
static const char *known_key(const char *k, size_t n)
{
	const char *c;

	switch (n) {
	case 4: c = k[0] == 'n' ? "name" : "root"; break;
	case 6: c = "source"; break;
	case 7: c = k[0] == 'v' ? "version" : k[0] == 'p' ? "package"
	                                    : "replace"; break;
	case 8: c = k[0] == 'c' ? "checksum" : "metadata"; break;
	case 12: c = "dependencies"; break;
	default: return NULL;
	}
	return memcmp(c, k, n) ? NULL : c;
}

int toml_tab_add(struct toml_arena *a, toml_value *t, const char *k,
                 size_t n, int owned, uint32_t h, unsigned line,
                 toml_value *v)
{
	toml_kv *kv;

	if (t->u.tab.n >= UINT32_MAX - 1)
		return -1;
	if (!owned) {
		const char *known = known_key(k, n);
		char *c;
		if (known) {
			k = known;
		} else {
			if (!(c = toml_arena_bytes(a, n + 1)))
				return -1;
			memcpy(c, k, n);
			c[n] = '\0';
			k = c;
		}
	}
	if (t->u.tab.n == t->u.tab.cap) {
		/* 8 first: a Cargo.lock package has 4 to 6 keys, and a
		 * table's keys grow by copy (its values come between). */
		size_t cap = t->u.tab.cap ? t->u.tab.cap * 2 : 8;
		kv = toml_arena_grow(a, t->u.tab.kv, t->u.tab.cap * sizeof *kv,
		                     cap * sizeof *kv);
		if (!kv)
			return -1;
		t->u.tab.kv = kv;
		t->u.tab.cap = cap;
	}
	kv = &t->u.tab.kv[t->u.tab.n++];
	kv->key = k;
	kv->klen = n;
	kv->hash = h;
	kv->line = line;
	kv->val = v;
	if (t->u.tab.n >= HASH_MIN && t->u.tab.n * 2 > t->u.tab.icap) {
		size_t i, icap = t->u.tab.icap ? t->u.tab.icap * 2 : 32;
		uint32_t *idx;
		while (icap < t->u.tab.n * 2)
			icap *= 2;
		idx = toml_arena_alloc(a, icap * sizeof *idx);
		if (!idx)
			return -1;
		memset(idx, 0, icap * sizeof *idx);
		t->u.tab.idx = idx;
		t->u.tab.icap = icap;
		for (i = 0; i < t->u.tab.n; i++)
			idx_put(t, i);
	} else if (t->u.tab.idx) {
		idx_put(t, t->u.tab.n - 1);
	}
	return 0;
}

int toml_arr_push(struct toml_arena *a, toml_value *arr, toml_value *v)
{
	if (arr->u.arr.n == arr->u.arr.cap) {
		size_t cap = arr->u.arr.cap ? arr->u.arr.cap * 2 : 4;
		toml_value **e = toml_arena_grow(a, arr->u.arr.v,
		                                 arr->u.arr.cap * sizeof *e,
		                                 cap * sizeof *e);
		if (!e)
			return -1;
		arr->u.arr.v = e;
		arr->u.arr.cap = cap;
	}
	arr->u.arr.v[arr->u.arr.n++] = v;
	return 0;
}

/* ---- accessors ---- */

const toml_value *toml_root(const toml_doc *doc)
{
	return doc ? doc->root : NULL;
}

toml_type toml_kind(const toml_value *v)
{
	return v ? (toml_type)v->type : (toml_type)0;
}

unsigned toml_line(const toml_value *v) { return v ? v->line : 0; }
unsigned toml_col(const toml_value *v) { return v ? v->col : 0; }

size_t toml_table_len(const toml_value *t)
{
	return t && t->type == TOML_TABLE ? t->u.tab.n : 0;
}

const char *toml_table_key(const toml_value *t, size_t i, size_t *key_len)
{
	if (!t || t->type != TOML_TABLE || i >= t->u.tab.n)
		return NULL;
	if (key_len)
		*key_len = t->u.tab.kv[i].klen;
	return t->u.tab.kv[i].key;
}

const toml_value *toml_table_value(const toml_value *t, size_t i)
{
	if (!t || t->type != TOML_TABLE || i >= t->u.tab.n)
		return NULL;
	return t->u.tab.kv[i].val;
}

unsigned toml_table_key_line(const toml_value *t, size_t i)
{
	if (!t || t->type != TOML_TABLE || i >= t->u.tab.n)
		return 0;
	return t->u.tab.kv[i].line;
}

const toml_value *toml_table_get(const toml_value *t, const char *key)
{
	size_t n;

	if (!t || t->type != TOML_TABLE || !key)
		return NULL;
	n = strlen(key);
	return toml_tab_find(t, key, n, toml_key_hash(key, n));
}

size_t toml_array_len(const toml_value *a)
{
	return a && a->type == TOML_ARRAY ? a->u.arr.n : 0;
}

const toml_value *toml_array_at(const toml_value *a, size_t i)
{
	if (!a || a->type != TOML_ARRAY || i >= a->u.arr.n)
		return NULL;
	return a->u.arr.v[i];
}

const char *toml_string(const toml_value *v, size_t *len)
{
	if (!v || (v->type != TOML_STRING && v->type != TOML_DATETIME &&
	           v->type != TOML_DATETIME_LOCAL && v->type != TOML_DATE_LOCAL &&
	           v->type != TOML_TIME_LOCAL))
		return NULL;
	if (len)
		*len = v->u.str.len;
	return v->u.str.s;
}

int64_t toml_integer(const toml_value *v)
{
	return v && v->type == TOML_INTEGER ? v->u.i : 0;
}

double toml_float(const toml_value *v)
{
	return v && v->type == TOML_FLOAT ? v->u.f : 0.0;
}

int toml_bool(const toml_value *v)
{
	return v && v->type == TOML_BOOL ? v->u.b : 0;
}
