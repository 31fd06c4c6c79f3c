/*
 * toml.c — the TOML 1.0 document: its arena, its tree, and the parser of
 * its structure (tables, arrays of tables, key/value pairs, arrays, inline
 * tables). Leaves are lexed in toml_scan.c.
 *
 * Invariants:
 *   - Every byte of a document (doc, values, keys, strings, element and
 *     key arrays, hash indexes) comes from its arena; toml_free() is one walk
 *     over the chunk list. Nothing is ever freed on its own.
 *   - A table never holds a key twice: every insertion looks the key up
 *     first. Tables past HASH_MIN keys also keep an open-addressing index,
 *     so a hostile table of a million keys stays linear, not quadratic.
 *   - Each container records its depth below the root; none is created
 *     deeper than TOML_DEPTH_MAX, and parsing recursion follows container
 *     depth, so the C stack stays bounded whatever the input.
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
#include "toml.h"
#include "toml_scan.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum {
	T_IMPLICIT = 1, T_DEFINED = 2, T_DOTTED = 4, T_INLINE = 8, A_AOT = 16
};

#define HASH_MIN 8              /* keys before a table gets a hash index */
#define CHUNK_MIN 4096
#define CHUNK_MAX (1u << 20)

typedef struct toml_kv {
	const char *key;
	size_t klen;
	uint32_t hash;
	unsigned line;
	toml_value *val;
} toml_kv;

struct toml_value {
	uint8_t type;
	uint8_t flags;
	uint16_t depth;
	unsigned line, col;
	union {
		struct { const char *s; size_t len; } str;
		int64_t i;
		double f;
		int b;
		struct { toml_value **v; size_t n, cap; } arr;
		struct { toml_kv *kv; uint32_t *idx; size_t n, cap, icap; } tab;
	} u;
};

typedef struct toml_chunk {
	struct toml_chunk *next;
	size_t cap, used;
	alignas(max_align_t) unsigned char data[];
} toml_chunk;

struct toml_arena {
	toml_chunk *head;
	size_t next_cap;
	size_t total;               /* bytes of all chunks, <= TOML_MEMORY_MAX */
};

struct toml_doc {
	struct toml_arena arena;
	toml_value *root;
};

typedef struct parser {
	tscan sc;
	toml_doc *doc;
	toml_value *cur;            /* table that key/values go to */
	tkey keys[TOML_DEPTH_MAX];  /* segments of the key being read */
	/* Elements of the open arrays, innermost last: each array is copied
	 * to the arena once, at its ']', at its exact size. */
	toml_value **stk;
	size_t top, cap;
} parser;

/* ---- arena ---- */

#define ALIGN_UP(n) (((n) + (alignof(max_align_t) - 1)) & \
                     ~(size_t)(alignof(max_align_t) - 1))

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

void *toml_arena_alloc(struct toml_arena *a, size_t n)
{
	toml_chunk *c = a->head;
	void *p;

	if (n > SIZE_MAX / 4)
		return NULL;
	n = ALIGN_UP(n ? n : 1);
	if (!c || c->cap - c->used < n) {
		size_t cap = a->next_cap;
		if (cap < n)
			cap = n;
		if (cap > TOML_MEMORY_MAX - a->total)
			return NULL;
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
			if (a->next_cap < CHUNK_MAX)
				a->next_cap *= 2;
		}
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

/* Grow the block p (of old bytes) to n bytes: in place when it is the last
 * block of the current chunk, else by copy. */
static void *arena_grow(struct toml_arena *a, void *p, size_t old, size_t n)
{
	toml_chunk *c = a->head;
	void *q;

	if (p && c && (unsigned char *)p + ALIGN_UP(old) == c->data + c->used &&
	    n <= SIZE_MAX / 4 &&
	    ALIGN_UP(n) - ALIGN_UP(old) <= c->cap - c->used) {
		c->used += ALIGN_UP(n) - ALIGN_UP(old);
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

/* ---- tree ---- */

static uint32_t key_hash(const char *k, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

static toml_value *tab_find(const toml_value *t, const char *k, size_t n,
                            uint32_t h)
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

static void idx_put(toml_value *t, size_t slot_of)
{
	size_t mask = t->u.tab.icap - 1;
	size_t i = t->u.tab.kv[slot_of].hash & mask;

	while (t->u.tab.idx[i])
		i = (i + 1) & mask;
	t->u.tab.idx[i] = (uint32_t)(slot_of + 1);
}

static int perr_oom(parser *p)
{
	if (p->doc->arena.total + CHUNK_MAX > TOML_MEMORY_MAX)
		return tscan_err(&p->sc, p->sc.pos,
		                 "document needs more than %u bytes of memory",
		                 TOML_MEMORY_MAX);
	return tscan_err_at(&p->sc, 0, 0, "out of memory");
}

/* Add key k (known absent) with value v to table t. */
static int tab_add(parser *p, toml_value *t, const tkey *k, uint32_t h,
                   toml_value *v)
{
	struct toml_arena *a = &p->doc->arena;
	toml_kv *kv;
	const char *key = k->s;

	if (t->u.tab.n >= UINT32_MAX - 1)
		return tscan_err_at(&p->sc, k->line, k->col, "too many keys");
	if (!k->owned) {
		char *c = toml_arena_alloc(a, k->len + 1);
		if (!c)
			return perr_oom(p);
		memcpy(c, k->s, k->len);
		c[k->len] = '\0';
		key = c;
	}
	if (t->u.tab.n == t->u.tab.cap) {
		size_t cap = t->u.tab.cap ? t->u.tab.cap * 2 : 4;
		kv = arena_grow(a, t->u.tab.kv, t->u.tab.cap * sizeof *kv,
		                cap * sizeof *kv);
		if (!kv)
			return perr_oom(p);
		t->u.tab.kv = kv;
		t->u.tab.cap = cap;
	}
	kv = &t->u.tab.kv[t->u.tab.n++];
	kv->key = key;
	kv->klen = k->len;
	kv->hash = h;
	kv->line = k->line;
	kv->val = v;
	if (t->u.tab.n >= HASH_MIN && t->u.tab.n * 2 > t->u.tab.icap) {
		size_t i, icap = t->u.tab.icap ? t->u.tab.icap * 2 : 32;
		while (icap < t->u.tab.n * 2)
			icap *= 2;
		t->u.tab.idx = toml_arena_alloc(a, icap * sizeof(uint32_t));
		if (!t->u.tab.idx)
			return perr_oom(p);
		memset(t->u.tab.idx, 0, icap * sizeof(uint32_t));
		t->u.tab.icap = icap;
		for (i = 0; i < t->u.tab.n; i++)
			idx_put(t, i);
	} else if (t->u.tab.idx) {
		idx_put(t, t->u.tab.n - 1);
	}
	return 0;
}

static toml_value *new_value(parser *p, toml_type type, unsigned depth,
                             unsigned line, unsigned col)
{
	toml_value *v;

	if (depth > TOML_DEPTH_MAX) {
		tscan_err_at(&p->sc, line, col,
		             "nesting deeper than %d levels", TOML_DEPTH_MAX);
		return NULL;
	}
	v = toml_arena_alloc(&p->doc->arena, sizeof *v);
	if (!v) {
		perr_oom(p);
		return NULL;
	}
	memset(v, 0, sizeof *v);
	v->type = (uint8_t)type;
	v->depth = (uint16_t)depth;
	v->line = line;
	v->col = col;
	return v;
}

static int arr_push(parser *p, toml_value *a, toml_value *v)
{
	if (a->u.arr.n == a->u.arr.cap) {
		size_t cap = a->u.arr.cap ? a->u.arr.cap * 2 : 4;
		toml_value **e = arena_grow(&p->doc->arena, a->u.arr.v,
		                            a->u.arr.cap * sizeof *e,
		                            cap * sizeof *e);
		if (!e)
			return perr_oom(p);
		a->u.arr.v = e;
		a->u.arr.cap = cap;
	}
	a->u.arr.v[a->u.arr.n++] = v;
	return 0;
}

/* ---- parser ---- */

static unsigned col_here(const parser *p)
{
	return (unsigned)(p->sc.pos - p->sc.bol + 1);
}

static int at(const parser *p, char c)
{
	return p->sc.pos < p->sc.len && p->sc.s[p->sc.pos] == c;
}

/* Dotted key into p->keys; returns the number of segments via *n. */
static int read_key(parser *p, size_t *n)
{
	tscan *sc = &p->sc;

	*n = 0;
	for (;;) {
		if (*n == TOML_DEPTH_MAX)
			return tscan_err(sc, sc->pos, "key has more than %d parts",
			                 TOML_DEPTH_MAX);
		if (tscan_key(sc, &p->keys[*n]) < 0)
			return -1;
		(*n)++;
		tscan_ws(sc);
		if (!at(p, '.'))
			return 0;
		sc->pos++;
		tscan_ws(sc);
	}
}

static int parse_value(parser *p, toml_value **out, unsigned depth);

/* key = value, into table t. */
static int keyval(parser *p, toml_value *t)
{
	tscan *sc = &p->sc;
	size_t n, i;
	tkey last;
	uint32_t h;
	toml_value *v;

	if (read_key(p, &n) < 0)
		return -1;
	if (!at(p, '='))
		return tscan_err(sc, sc->pos, "expected '=' after key");
	sc->pos++;
	tscan_ws(sc);
	for (i = 0; i + 1 < n; i++) {
		const tkey *k = &p->keys[i];
		h = key_hash(k->s, k->len);
		v = tab_find(t, k->s, k->len, h);
		if (!v) {
			v = new_value(p, TOML_TABLE, t->depth + 1u, k->line, k->col);
			if (!v || tab_add(p, t, k, h, v) < 0)
				return -1;
			v->flags = T_DOTTED;
		} else if (v->type != TOML_TABLE ||
		           !(v->flags & (T_DOTTED | T_IMPLICIT))) {
			return tscan_err_at(sc, k->line, k->col,
			    "key \"%.*s\" is already defined and cannot be extended "
			    "with dotted keys", (int)(k->len > 60 ? 60 : k->len), k->s);
		} else {
			/* Now defined by dotted keys: no [header] may name it. */
			v->flags = T_DOTTED;
		}
		t = v;
	}
	/* Nested inline tables reuse p->keys: keep the last segment. */
	last = p->keys[n - 1];
	h = key_hash(last.s, last.len);
	if (tab_find(t, last.s, last.len, h))
		return tscan_err_at(sc, last.line, last.col,
		    "duplicate key \"%.*s\"", (int)(last.len > 60 ? 60 : last.len),
		    last.s);
	if (parse_value(p, &v, t->depth + 1u) < 0)
		return -1;
	return tab_add(p, t, &last, h, v);
}

/* Spaces, newlines and comments between array elements. */
static void array_ws(parser *p)
{
	for (;;) {
		tscan_ws(&p->sc);
		tscan_comment(&p->sc);
		if (!tscan_newline(&p->sc))
			return;
	}
}

static int stk_push(parser *p, toml_value *v)
{
	if (p->top == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		toml_value **s;
		if (cap > SIZE_MAX / sizeof *s)
			return perr_oom(p);
		s = realloc(p->stk, cap * sizeof *s);
		if (!s)
			return perr_oom(p);
		p->stk = s;
		p->cap = cap;
	}
	p->stk[p->top++] = v;
	return 0;
}

static int parse_array(parser *p, toml_value *a)
{
	tscan *sc = &p->sc;
	size_t base = p->top, n;
	toml_value *e;

	sc->pos++;
	for (;;) {
		array_ws(p);
		if (at(p, ']'))
			break;
		if (parse_value(p, &e, a->depth + 1u) < 0 || stk_push(p, e) < 0)
			return -1;
		array_ws(p);
		if (at(p, ','))
			sc->pos++;
		else if (at(p, ']'))
			break;
		else
			return tscan_err(sc, sc->pos, "expected ',' or ']' in array");
	}
	sc->pos++;
	n = p->top - base;
	if (n) {
		a->u.arr.v = toml_arena_alloc(&p->doc->arena, n * sizeof *a->u.arr.v);
		if (!a->u.arr.v)
			return perr_oom(p);
		memcpy(a->u.arr.v, p->stk + base, n * sizeof *a->u.arr.v);
		a->u.arr.n = a->u.arr.cap = n;
	}
	p->top = base;
	return 0;
}

static int parse_inline(parser *p, toml_value *t)
{
	tscan *sc = &p->sc;

	sc->pos++;
	tscan_ws(sc);
	if (at(p, '}')) {
		sc->pos++;
		return 0;
	}
	for (;;) {
		if (keyval(p, t) < 0)
			return -1;
		tscan_ws(sc);
		if (at(p, '}'))
			break;
		if (!at(p, ','))
			return tscan_err(sc, sc->pos,
			    "expected ',' or '}' in inline table (on one line)");
		sc->pos++;
		tscan_ws(sc);
		if (at(p, '}'))
			return tscan_err(sc, sc->pos,
			    "trailing comma in inline table");
	}
	sc->pos++;
	return 0;
}

static int parse_value(parser *p, toml_value **out, unsigned depth)
{
	tscan *sc = &p->sc;
	unsigned line = sc->line, col = col_here(p);
	toml_value *v;
	tscalar s;

	if (at(p, '[') || at(p, '{')) {
		int inl = at(p, '{');
		v = new_value(p, inl ? TOML_TABLE : TOML_ARRAY, depth, line, col);
		if (!v)
			return -1;
		*out = v;
		if (!inl)
			return parse_array(p, v);
		v->flags = T_INLINE;
		return parse_inline(p, v);
	}
	if (tscan_scalar(sc, &s) < 0)
		return -1;
	v = new_value(p, s.type, depth, line, col);
	if (!v)
		return -1;
	switch (s.type) {
	case TOML_INTEGER: v->u.i = s.i; break;
	case TOML_FLOAT: v->u.f = s.f; break;
	case TOML_BOOL: v->u.b = s.b; break;
	default:
		v->u.str.s = s.s;
		v->u.str.len = s.len;
		break;
	}
	*out = v;
	return 0;
}

/* [a.b.c] or [[a.b.c]]: find or make the table key/values go to next. */
static int header(parser *p)
{
	tscan *sc = &p->sc;
	unsigned line = sc->line, col = col_here(p);
	int aot = sc->len - sc->pos >= 2 && sc->s[sc->pos + 1] == '[';
	toml_value *t = p->doc->root, *v;
	size_t n, i;
	uint32_t h;

	sc->pos += aot ? 2 : 1;
	tscan_ws(sc);
	if (read_key(p, &n) < 0)
		return -1;
	if (!at(p, ']') || (aot && (sc->len - sc->pos < 2 ||
	                            sc->s[sc->pos + 1] != ']')))
		return tscan_err(sc, sc->pos, aot ? "expected ']]' after table name"
		                                  : "expected ']' after table name");
	sc->pos += aot ? 2 : 1;
	for (i = 0; i < n; i++) {
		const tkey *k = &p->keys[i];
		int final = i + 1 == n;
		h = key_hash(k->s, k->len);
		v = tab_find(t, k->s, k->len, h);
		if (!v) {
			if (final && aot) {
				v = new_value(p, TOML_ARRAY, t->depth + 1u, line, col);
				if (!v || tab_add(p, t, k, h, v) < 0)
					return -1;
				v->flags = A_AOT;
			} else {
				v = new_value(p, TOML_TABLE, t->depth + 1u, line, col);
				if (!v || tab_add(p, t, k, h, v) < 0)
					return -1;
				v->flags = final ? T_DEFINED : T_IMPLICIT;
				t = v;
				continue;
			}
		}
		if (v->type == TOML_ARRAY && (v->flags & A_AOT)) {
			if (final && aot) {
				toml_value *e = new_value(p, TOML_TABLE, v->depth + 1u,
				                          line, col);
				if (!e || arr_push(p, v, e) < 0)
					return -1;
				e->flags = T_DEFINED;
				t = e;
				break;
			}
			if (final)
				return tscan_err_at(sc, line, col,
				    "[%.*s] is already an array of tables",
				    (int)(k->len > 60 ? 60 : k->len), k->s);
			t = v->u.arr.v[v->u.arr.n - 1];
			continue;
		}
		if (v->type != TOML_TABLE || (v->flags & T_INLINE))
			return tscan_err_at(sc, k->line, k->col,
			    "key \"%.*s\" is already defined as a value",
			    (int)(k->len > 60 ? 60 : k->len), k->s);
		if (final && (aot || v->flags != T_IMPLICIT))
			return tscan_err_at(sc, line, col,
			    "table \"%.*s\" is already defined",
			    (int)(k->len > 60 ? 60 : k->len), k->s);
		if (final) {
			v->flags = T_DEFINED;
			v->line = line;
			v->col = col;
		}
		t = v;
	}
	p->cur = t;
	return 0;
}

static int parse_document(parser *p)
{
	tscan *sc = &p->sc;

	if (sc->len >= 3 && !memcmp(sc->s, "\xEF\xBB\xBF", 3))
		sc->pos = sc->bol = 3;
	for (;;) {
		tscan_ws(sc);
		if (sc->pos >= sc->len)
			return 0;
		if (at(p, '#') || at(p, '\n') || at(p, '\r')) {
			/* blank or comment line */
		} else if (at(p, '[')) {
			if (header(p) < 0)
				return -1;
		} else if (keyval(p, p->cur) < 0) {
			return -1;
		}
		tscan_ws(sc);
		tscan_comment(sc);
		if (sc->pos < sc->len && !tscan_newline(sc))
			return tscan_err(sc, sc->pos, "expected a newline");
	}
}

int toml_parse(toml_doc **out, const char *text, size_t len, toml_error *err)
{
	struct toml_arena a = {NULL, CHUNK_MIN, 0};
	toml_error scratch;
	toml_doc *doc;
	parser *p;
	int rc;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof *err);
	*out = NULL;
	if (!text && len)
		return tscan_err_at(&(tscan){.err = err}, 0, 0, "no input");
	if (len > TOML_INPUT_MAX)
		return tscan_err_at(&(tscan){.err = err}, 0, 0,
		                    "document larger than %u bytes", TOML_INPUT_MAX);
	doc = toml_arena_alloc(&a, sizeof *doc);
	p = malloc(sizeof *p);
	if (!doc || !p) {
		free(p);
		if (doc) {
			doc->arena = a;
			toml_free(doc);
		}
		return tscan_err_at(&(tscan){.err = err}, 0, 0, "out of memory");
	}
	memset(p, 0, sizeof *p);
	doc->arena = a;
	doc->root = NULL;
	p->doc = doc;
	p->sc.s = text ? text : "";
	p->sc.len = len;
	p->sc.line = 1;
	p->sc.err = err;
	p->sc.arena = &doc->arena;
	rc = tscan_check_text(&p->sc);
	if (rc == 0) {
		doc->root = new_value(p, TOML_TABLE, 0, 1, 1);
		rc = doc->root ? 0 : -1;
	}
	if (rc == 0) {
		doc->root->flags = T_DEFINED;
		p->cur = doc->root;
		rc = parse_document(p);
	}
	free(p->stk);
	free(p);
	if (rc < 0) {
		toml_free(doc);
		return -1;
	}
	*out = doc;
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
	return tab_find(t, key, n, key_hash(key, n));
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
