/*
 * advisory_int.h — what the three files of the advisory parser share, and
 * nothing else includes:
 *
 *   advisory_ctx.c       the parse context: arena, diagnostics, typed
 *                        reading of TOML values
 *   advisory.c           [advisory], the file's place, the driver
 *   advisory_affected.c  [versions], [affected] and the vulnerable ranges
 *
 * Invariant: every string or array a record points to comes from
 * adv_alloc/adv_str, so it lives exactly as long as the advisory.
 */
#ifndef ADVDB_COMPILER_ADVISORY_INT_H
#define ADVDB_COMPILER_ADVISORY_INT_H

#include <stddef.h>

#include "advisory.h"
#include "req.h"
#include "toml.h"

typedef struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
} arena_block;

struct advisory {
	adv_record rec;
	arena_block *blocks;
};

typedef struct ctx {
	advisory *a;
	const char *path;
	diag_list *d;
	unsigned shift;     /* file line = TOML line + shift */
	unsigned errors;
	unsigned fence;     /* file line of the opening fence */
} ctx;

/* Requirements of [versions], collected before the ranges are computed. */
typedef struct reqset {
	interval iv[REQ_RANGES_MAX];
	size_t n;
	int bad;            /* a requirement failed to parse */
} reqset;

/* ---- advisory_ctx.c ---- */

/* Zeroed arena memory / a NUL-terminated arena copy; NULL when out of
 * memory (the caller reports it with adv_oom). */
void *adv_alloc(advisory *a, size_t n);
const char *adv_str(advisory *a, const char *s, size_t len);

/* Report at a file line (control characters escaped); adv_err counts. */
void adv_err(ctx *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void adv_warn(ctx *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void adv_oom(ctx *c, unsigned line);

/* File line of a value, or of the i-th key of a table. */
unsigned adv_vline(const ctx *c, const toml_value *v);
unsigned adv_kline(const ctx *c, const toml_value *t, size_t i);
const char *adv_kind_name(toml_type k);   /* "a string", "an array", ... */

/* Typed reading: each reports what is wrong (naming `what`) itself.
 * adv_want_string: 0 with a view, or -1. adv_take_string: an arena copy
 * or NULL. adv_take_strlist: 0 (bad elements reported and left out), or
 * -1 when v is not an array. */
int adv_want_string(ctx *c, const toml_value *v, const char *what,
                    const char **s, size_t *len);
const char *adv_take_string(ctx *c, const toml_value *v, const char *what);
int adv_take_strlist(ctx *c, const toml_value *v, const char *what,
                     strlist *out);

/* Is s one of the NULL-terminated set? */
int adv_in_set(const char *s, const char *const *set);

/* ---- advisory_affected.c ---- */

/* [versions]: patched/unaffected into the record and their intervals
 * into rs. [affected]: os, arch, functions. Then the vulnerable ranges
 * from rs (errors at `line`: the [versions] header). */
void adv_check_versions(ctx *c, const toml_value *t, unsigned hdr,
                        reqset *rs);
void adv_check_affected(ctx *c, const toml_value *t);
void adv_compute_ranges(ctx *c, const reqset *rs, unsigned line);

#endif
