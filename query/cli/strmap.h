/*
 * strmap.h — a string -> index hash table (open addressing): what
 * report's aggregate looks names up in (advisories, crates, (crate,
 * advisory) pairs, repositories; fleet.c, fleet_rank.c).
 *
 * Keys are borrowed: each must stay valid and unchanged as long as the
 * map (the element it indexes owns it). No deletion. A zeroed strmap is
 * an empty one.
 */
#ifndef ADVDB_CLI_STRMAP_H
#define ADVDB_CLI_STRMAP_H

#include <stddef.h>

typedef struct strmap {
	const char **keys;          /* borrowed from the element it indexes */
	size_t *vals;
	size_t cap, n;
} strmap;

#define STRMAP_NONE ((size_t)-1)

/* The index stored for key, or STRMAP_NONE. */
size_t strmap_get(const strmap *m, const char *key);
/* Store val for key (not already in m). 0, or -1 out of memory (m
 * unchanged). */
int strmap_put(strmap *m, const char *key, size_t val);
void strmap_free(strmap *m);

#endif
