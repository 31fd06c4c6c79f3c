/*
 * ytree.h — one YAML (or JSON: JSON is YAML) document read with libyaml's
 * event API into a small, bounded tree of maps, sequences and scalars.
 *
 * Why events and not yaml_parser_load(): the tree is built here with our
 * own caps, so hostile input is refused before it costs anything:
 *   - input at most YTREE_INPUT_MAX bytes, one document only;
 *   - nesting at most YTREE_DEPTH_MAX (an explicit stack, no recursion);
 *   - at most YTREE_NODES_MAX nodes;
 *   - aliases (`*a`) are refused, so nothing expands ("billion laughs");
 *   - a map with a key twice is refused ("line N: duplicate key ..."):
 *     readers disagree on which one wins.
 *
 * Ownership: a ytree owns every node and string; all of it lives until
 * ytree_free(). Scalars are NUL-terminated copies (embedded NULs cannot
 * occur: libyaml refuses control characters).
 */
#ifndef ADVDB_COMPILER_YTREE_H
#define ADVDB_COMPILER_YTREE_H

#include <stddef.h>

#define YTREE_INPUT_MAX (1u << 20)
#define YTREE_DEPTH_MAX 32
#define YTREE_NODES_MAX 200000

typedef enum ynode_kind {
	YNODE_NULL,                 /* plain null, ~, or empty */
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP                   /* children alternate key, value */
} ynode_kind;

typedef struct ynode {
	ynode_kind kind;
	unsigned line;              /* 1-based line where the node starts */
	const char *s;              /* scalar text (also for NULL: "") */
	size_t len;
	struct ynode *first, *last, *next;
	size_t n;                   /* children (a map: 2 per pair) */
} ynode;

typedef struct ytree ytree;

/* Parse len bytes of text. Returns 0 and *out, or -1 with a message
 * "line N: ..." in err (at most errcap bytes). */
int ytree_parse(ytree **out, const char *text, size_t len, char *err,
                size_t errcap);
const ynode *ytree_root(const ytree *t);
void ytree_free(ytree *t);

/* The value of key in map m (keys are unique), or NULL when m is not a
 * map or has no such key. */
const ynode *ynode_get(const ynode *m, const char *key);

#endif
