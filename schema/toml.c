/*
 * toml.c — the TOML 1.0 parser of document structure: tables, arrays of
 * tables, key/value pairs, dotted keys, arrays and inline tables, with
 * TOML's "define once" rules; with TOML_1_1, inline tables may span lines
 * (comments too) and end in a comma, as TOML 1.1 allows. Leaves are lexed in toml_scan.c; storage and
 * the accessors are in toml_tree.c.
 *
 * Invariants:
 *   - A key is looked up before it is added, so a table never holds it
 *     twice, and every rejection names the line and column of the key or
 *     header at fault.
 *   - Each container records its depth below the root; none is created
 *     deeper than TOML_DEPTH_MAX, and parsing recursion follows container
 *     depth, so the C stack stays bounded whatever the input.
 *   - Key segments being read sit in parser.keys (not on the C stack), and
 *     are used up before the value is parsed, so nested inline tables may
 *     reuse them.
 */
#include "toml.h"
#include "toml_scan.h"
#include "toml_tree.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

static int perr_oom(parser *p)
{
	if (toml_arena_full(&p->doc->arena))
		return tscan_err(&p->sc, p->sc.pos,
		                 "document needs more than %u bytes of memory",
		                 TOML_MEMORY_MAX);
	return tscan_err_at(&p->sc, 0, 0, "out of memory");
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
	v = toml_value_new(&p->doc->arena, type, depth, line, col);
	if (!v)
		perr_oom(p);
	return v;
}

/* Add key k (known absent) with value v to table t. */
static int tab_add(parser *p, toml_value *t, const tkey *k, uint32_t h,
                   toml_value *v)
{
	if (toml_tab_add(&p->doc->arena, t, k->s, k->len, k->owned, h, k->line,
	                 v) == 0)
		return 0;
	if (t->u.tab.n >= UINT32_MAX - 1)
		return tscan_err_at(&p->sc, k->line, k->col, "too many keys");
	return perr_oom(p);
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
		h = toml_key_hash(k->s, k->len);
		v = toml_tab_find(t, k->s, k->len, h);
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
	h = toml_key_hash(last.s, last.len);
	if (toml_tab_find(t, last.s, last.len, h))
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

/* Between the parts of an inline table: blanks, and in TOML 1.1 also
 * newlines and comments. */
static void inline_gap(parser *p)
{
	tscan *sc = &p->sc;

	for (;;) {
		tscan_ws(sc);
		if (!sc->v11)
			return;
		if (at(p, '#'))
			tscan_comment(sc);
		if (!tscan_newline(sc))
			return;
	}
}

static int parse_inline(parser *p, toml_value *t)
{
	tscan *sc = &p->sc;

	sc->pos++;
	inline_gap(p);
	if (at(p, '}')) {
		sc->pos++;
		return 0;
	}
	for (;;) {
		if (keyval(p, t) < 0)
			return -1;
		inline_gap(p);
		if (at(p, '}'))
			break;
		if (!at(p, ','))
			return tscan_err(sc, sc->pos, sc->v11
			    ? "expected ',' or '}' in inline table"
			    : "expected ',' or '}' in inline table (on one line)");
		sc->pos++;
		inline_gap(p);
		if (at(p, '}')) {
			if (sc->v11)
				break;
			return tscan_err(sc, sc->pos,
			    "trailing comma in inline table");
		}
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
		h = toml_key_hash(k->s, k->len);
		v = toml_tab_find(t, k->s, k->len, h);
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
				if (!e)
					return -1;
				if (toml_arr_push(&p->doc->arena, v, e) < 0)
					return perr_oom(p);
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
	return toml_parse_ex(out, text, len, 0, err);
}

int toml_parse_ex(toml_doc **out, const char *text, size_t len,
                  unsigned flags, toml_error *err)
{
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
	doc = toml_doc_new(len);
	p = malloc(sizeof *p);
	if (!doc || !p) {
		free(p);
		toml_free(doc);
		return tscan_err_at(&(tscan){.err = err}, 0, 0, "out of memory");
	}
	memset(p, 0, sizeof *p);
	p->doc = doc;
	p->sc.s = text ? text : "";
	p->sc.len = len;
	p->sc.line = 1;
	p->sc.err = err;
	p->sc.arena = &doc->arena;
	p->sc.v11 = (flags & TOML_1_1) != 0;
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
