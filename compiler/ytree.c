/*
 * ytree.c — see ytree.h. Owns the walk from libyaml events to nodes.
 *
 * Invariants:
 *   - Every node and string is in the tree's arena; a failed parse frees
 *     all of it, so no path leaks.
 *   - The open containers are an explicit stack of at most
 *     YTREE_DEPTH_MAX entries: depth is checked before a node is pushed,
 *     and nothing here recurses.
 *   - Each event is deleted exactly once, on every path.
 *   - No map holds a key twice: JSON parsers disagree on which of two
 *     equal keys wins (the first, here; the last, in Python and Go), so
 *     `"affected": [], "affected": [...]` would read as nothing affected.
 *     A duplicate is an error when its map closes (a sort of the keys:
 *     O(n log n) whatever the input).
 */
#include "ytree.h"
#include "arena.h"
#include "diag.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct ytree {
	arena mem;                  /* every node and string */
	ynode *root;
	size_t nodes;
};

#define YBLOCK 65536               /* nodes come by the thousand */

static void *yalloc(ytree *t, size_t n)
{
	return arena_alloc(&t->mem, n);
}

void ytree_free(ytree *t)
{
	if (!t)
		return;
	arena_free(&t->mem);
	free(t);
}

const ynode *ytree_root(const ytree *t)
{
	return t ? t->root : NULL;
}

const ynode *ynode_get(const ynode *m, const char *key)
{
	if (!m || m->kind != YNODE_MAP)
		return NULL;
	size_t kl = strlen(key);
	for (const ynode *k = m->first; k && k->next; k = k->next->next)
		if (k->kind == YNODE_SCALAR && k->len == kl &&
		    memcmp(k->s, key, kl) == 0)
			return k->next;
	return NULL;
}

/* A plain scalar spelled as YAML's null (JSON's `null` is one). */
static int is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return n == 0 || (n == 1 && v[0] == '~') ||
	       (n == 4 && (!memcmp(v, "null", 4) || !memcmp(v, "Null", 4) ||
	                   !memcmp(v, "NULL", 4)));
}

/* Scalar and null keys of one map, for the duplicate check. */
typedef struct keyref {
	const ynode *k;
	size_t pos;                 /* order in the map */
} keyref;

/* Keys compare by text; every spelling of null (~, null, empty) is the
 * one null key. */
static int key_order(const ynode *a, const ynode *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == YNODE_NULL)
		return 0;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->s, b->s, a->len);
}

static int same_key(const ynode *a, const ynode *b)
{
	return key_order(a, b) == 0;
}

static int cmp_key(const void *a, const void *b)
{
	const keyref *x = a, *y = b;
	int c = key_order(x->k, y->k);
	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * The repeated key of map m that comes first in the document (NULL when
 * none) and the earlier key it repeats. -1 when out of memory. Keys that
 * are themselves maps or lists (YAML's complex keys) are not compared.
 */
static int find_duplicate(const ynode *m, const ynode **dup,
                          const ynode **first)
{
	size_t n = 0, head = 0, best = (size_t)-1;

	*dup = *first = NULL;
	if (m->n < 4)               /* fewer than two pairs */
		return 0;
	keyref *v = malloc((m->n / 2) * sizeof(*v));
	if (!v)
		return -1;
	for (const ynode *k = m->first; k && k->next; k = k->next->next)
		if (k->kind == YNODE_SCALAR || k->kind == YNODE_NULL) {
			v[n].k = k;
			v[n].pos = n;
			n++;
		}
	qsort(v, n, sizeof(*v), cmp_key);
	/* equal keys are adjacent, in document order: a run's head is the
	 * first occurrence, the one after it the first repeat */
	for (size_t i = 1; i < n; i++) {
		if (!same_key(v[i - 1].k, v[i].k)) {
			head = i;
			continue;
		}
		if (i == head + 1 && v[i].pos < best) {
			best = v[i].pos;
			*dup = v[i].k;
			*first = v[head].k;
		}
	}
	free(v);
	return 0;
}

static void attach(ynode *parent, ynode *kid)
{
	if (parent->last)
		parent->last->next = kid;
	else
		parent->first = kid;
	parent->last = kid;
	parent->n++;
}

int ytree_parse(ytree **out, const char *text, size_t len, char *err,
                size_t errcap)
{
	yaml_parser_t p;
	yaml_event_t ev;
	ynode *stack[YTREE_DEPTH_MAX];
	size_t depth = 0;
	int docs = 0, done = 0, rc = -1;

	*out = NULL;
	if (len > YTREE_INPUT_MAX) {
		errbuf_set(err, errcap, "line 1: file larger than %u bytes",
		       YTREE_INPUT_MAX);
		return -1;
	}
	ytree *t = calloc(1, sizeof(*t));
	if (t)
		t->mem.block = YBLOCK;
	if (!t || !yaml_parser_initialize(&p)) {
		free(t);
		errbuf_set(err, errcap, "line 1: out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			errbuf_set(err, errcap, "line %lu: %s%s%s",
			       (unsigned long)p.problem_mark.line + 1,
			       p.problem ? p.problem : "bad YAML",
			       p.context ? " " : "", p.context ? p.context : "");
			goto fail;
		}
		unsigned line = (unsigned)ev.start_mark.line + 1;
		ynode *nd = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				errbuf_set(err, errcap, "line %u: more than one document",
				       line);
				goto fail_ev;
			}
			break;
		case YAML_ALIAS_EVENT:
			errbuf_set(err, errcap, "line %u: YAML aliases are not supported",
			       line);
			goto fail_ev;
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++t->nodes > YTREE_NODES_MAX) {
				errbuf_set(err, errcap, "line %u: more than %u values", line,
				       YTREE_NODES_MAX);
				goto fail_ev;
			}
			nd = yalloc(t, sizeof(*nd));
			if (!nd)
				goto oom;
			nd->line = line;
			nd->s = "";
			if (ev.type == YAML_SCALAR_EVENT) {
				nd->kind = is_null(&ev) ? YNODE_NULL : YNODE_SCALAR;
				char *s = yalloc(t, ev.data.scalar.length + 1);
				if (!s)
					goto oom;
				if (ev.data.scalar.length)
					memcpy(s, ev.data.scalar.value, ev.data.scalar.length);
				nd->s = s;
				nd->len = ev.data.scalar.length;
			} else {
				nd->kind = ev.type == YAML_SEQUENCE_START_EVENT ? YNODE_SEQ
				                                               : YNODE_MAP;
			}
			if (depth)
				attach(stack[depth - 1], nd);
			else if (!t->root)
				t->root = nd;
			if (nd->kind == YNODE_SEQ || nd->kind == YNODE_MAP) {
				if (depth == YTREE_DEPTH_MAX) {
					errbuf_set(err, errcap, "line %u: nested deeper than %d",
					       line, YTREE_DEPTH_MAX);
					goto fail_ev;
				}
				stack[depth++] = nd;
			}
			break;
		case YAML_MAPPING_END_EVENT:
			if (depth) {
				const ynode *dup, *first;
				if (find_duplicate(stack[depth - 1], &dup, &first) < 0)
					goto oom;
				if (dup) {
					errbuf_set(err, errcap, "line %u: duplicate key \"%.64s%s\" "
					       "(first at line %u)", dup->line, dup->s,
					       dup->len > 64 ? "..." : "", first->line);
					goto fail_ev;
				}
			}
			assert(depth > 0);  /* libyaml balances them */
			if (depth)          /* stays defined under NDEBUG */
				depth--;
			break;
		case YAML_SEQUENCE_END_EVENT:
			if (depth)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (!t->root) {
		errbuf_set(err, errcap, "line 1: empty document");
		goto fail;
	}
	*out = t;
	t = NULL;
	rc = 0;
	goto fail;
oom:
	errbuf_set(err, errcap, "out of memory");
fail_ev:
	yaml_event_delete(&ev);
fail:
	yaml_parser_delete(&p);
	ytree_free(t);
	return rc;
}
