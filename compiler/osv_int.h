/*
 * osv_int.h — what osv.c (the fields) and osv_range.c (the ranges) share:
 * the osv object with its arena, the parse context that carries the file
 * name and the error count, and the helpers both report through. Not for
 * use outside those two files.
 *
 * Invariants: everything allocated with osv_alloc/osv_str lives until
 * osv_free(); osv_err adds one "path:line: message" error to the diag
 * list and counts it (osv_parse fails iff the count is not zero).
 */
#ifndef ADVDB_COMPILER_OSV_INT_H
#define ADVDB_COMPILER_OSV_INT_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "osv.h"
#include "record.h"
#include "ytree.h"

struct osv {
	adv_record *recs;            /* OSV_PACKAGES_MAX slots, n used */
	size_t n, skipped;
	arena mem;                   /* every string and array of recs */
};

typedef struct osv_ctx {
	osv *o;
	const char *source, *path;
	diag_list *d;
	int errors;
} osv_ctx;

typedef struct osv_rlist {       /* a growing array in the arena */
	range *v;
	size_t n, cap;
} osv_rlist;

void *osv_alloc(osv *o, size_t n);        /* zeroed; NULL: out of memory */
const char *osv_str(osv *o, const char *s, size_t len);
void osv_err(osv_ctx *c, const ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void osv_warn(osv_ctx *c, const ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void *osv_oom(osv_ctx *c);                /* an error; returns NULL */
/* The string / list at key of map m: NULL when absent or null, an error
 * when of another type. */
const char *osv_get_str(osv_ctx *c, const ynode *m, const char *key);
const ynode *osv_get_seq(osv_ctx *c, const ynode *m, const char *key);

/* One element of `ranges` (a map) into out: SEMVER and ECOSYSTEM events;
 * other types are a warning. */
void osv_range_events(osv_ctx *c, const ynode *rg, osv_rlist *out);
/* A `versions` list: each version not inside out's ranges, alone. */
void osv_range_versions(osv_ctx *c, const ynode *vs, osv_rlist *out);
/* r's patched/unaffected from its ranges (osv.h). */
void osv_range_derive(osv_ctx *c, adv_record *r);

#endif
