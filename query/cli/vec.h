/*
 * vec.h — room for one more element of a growable array (pointer,
 * count, capacity kept by the caller): report's tables (fleet.c) and
 * diff's changes and edges (pkgdiff.c).
 *
 * Invariant: on success v[0..cap) exists, elements past n are zeroed, and
 * n < cap; on failure (out of memory, or a size that would overflow) the
 * array is unchanged.
 */
#ifndef ADVDB_CLI_VEC_H
#define ADVDB_CLI_VEC_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline int vec_reserve(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	if (nc < *cap || nc > SIZE_MAX / size)
		return -1;
	char *p = realloc(*v, nc * size);
	if (!p)
		return -1;
	memset(p + *cap * size, 0, (nc - *cap) * size);
	*v = p;
	*cap = nc;
	return 0;
}

#endif
