/*
 * jsonbound.h — how deep a JSON text nests and how many values it holds,
 * measured before a tree parser (jansson) reads it.
 *
 * A text within any byte cap can still be a million empty arrays, which
 * a tree parser turns into a hundred megabytes, or nest deep enough to
 * exhaust its recursion. Each reader of JSON nobody vetted (the
 * cargo-auditable data of a binary, advdb-serve's request bodies) checks
 * its own caps here first, in one pass without allocating.
 *
 * The count is an upper bound: every value but the first follows '[',
 * ',' or ':' outside a string. Malformed text is not judged here (the
 * parser says where it is wrong); it only never makes this read outside
 * s[0..n).
 */
#ifndef ADVDB_SCHEMA_JSONBOUND_H
#define ADVDB_SCHEMA_JSONBOUND_H

#include <stddef.h>

enum {
	JSONBOUND_OK = 0,
	JSONBOUND_DEEP = 1,         /* nested deeper than depth_max */
	JSONBOUND_MANY = 2          /* more than values_max values */
};

int jsonbound_check(const char *s, size_t n, size_t depth_max,
                    size_t values_max);

#endif
