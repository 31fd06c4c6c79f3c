/*
 * req.h — version requirements as RustSec advisories write them, and the
 * vulnerable ranges they imply.
 *
 * A requirement string from `[versions] patched` or `unaffected` (or from
 * `[affected.functions]`) becomes one *interval* of unaffected versions.
 * The vulnerable ranges of an advisory are the complement of the union of
 * those intervals, as half-open [introduced, fixed) pairs, exactly as the
 * `rustsec` crate exports them to OSV.
 *
 * Reading (rustsec's, not Cargo's):
 *   >V  >=V  <V  <=V   at most one lower and one upper bound, comma-joined
 *   =V                 exactly V, alone
 *   ^V and bare V      [V, next caret bound with -0), alone
 *   ~V                 [V, next minor/major with -0), alone
 *   *                  every version, alone
 *   missing parts of V are 0 (`> 1.2` is `> 1.2.0`, `=1.2` is `=1.2.0`).
 *   Wildcards inside a comparator (1.*, 1.2.x) are errors.
 *
 * Invariants: every interval returned has lo <= hi (an empty interval is an
 * error); ranges from req_vulnerable() are sorted and disjoint, and their
 * bounds are exclusive-free: `introduced` inclusive, `fixed` exclusive,
 * either may be absent (unbounded). Like rustsec's OSV export, two
 * touching unaffected intervals (`>= 1.0, < 1.1` and `>= 1.1`) leave an
 * empty range [1.1.0, 1.1.0) between them; it contains no version, and
 * keeping it makes the ranges identical to RustSec's OSV events.
 *
 * Syntax is the `semver` crate's: only spaces are whitespace; `x` and `X`
 * alone mean `*`; build metadata in a comparator is accepted and ignored.
 */
#ifndef ADVDB_SCHEMA_REQ_H
#define ADVDB_SCHEMA_REQ_H

#include <stddef.h>
#include "limit.h"    /* REQ_TEXT_MAX, REQ_RANGES_MAX */
#include "version.h"

typedef struct bound {
	int present;             /* 0: unbounded on this side */
	int inclusive;           /* for lo: >= vs >; for hi: <= vs < */
	version v;
} bound;

typedef struct interval {    /* the versions between lo and hi */
	bound lo, hi;
} interval;

typedef struct range {       /* vulnerable: introduced <= x < fixed */
	int has_introduced;      /* 0: from the very first version */
	int has_fixed;           /* 0: no fix */
	version introduced;
	version fixed;
} range;

/* Parse one requirement string (exactly len bytes) into *out.
 * Returns 0, or -1 with a message in err (NUL-terminated, at most errcap
 * bytes) that quotes the requirement. */
int req_parse(interval *out, const char *s, size_t len,
              char *err, size_t errcap);

/* The bound tests both readings of a requirement use (req.c, cargo_req.c):
 * does lower bound lo (upper bound hi) let v through? An absent bound
 * lets everything through. */
int bound_lo_admits(const bound *lo, const version *v);
int bound_hi_admits(const bound *hi, const version *v);

/* rustsec's Bound::less_or_equal: can an interval start at start and end
 * at end (absent bounds always can; equal versions only when both are
 * inclusive)? */
int bound_le(const bound *start, const bound *end);

/* Does v lie in the interval? */
int interval_contains(const interval *iv, const version *v);

/* The vulnerable ranges for `n` unaffected intervals (patched and
 * unaffected together, in any order). n == 0 means every version is
 * vulnerable: one range with neither bound. Writes at most `cap` ranges to
 * out and their count to *nout. Returns 0, or -1 with a message in err when
 * two intervals overlap or the result does not fit in cap. At most n + 1
 * ranges result (n == 0 gives 1), so cap = n + 1 always suffices. */
int req_vulnerable(range *out, size_t cap, size_t *nout,
                   const interval *unaffected, size_t n,
                   char *err, size_t errcap);

/* Is v inside range r ([introduced, fixed))? Inside any of the n? */
int range_contains(const range *r, const version *v);
int ranges_contain(const range *r, size_t n, const version *v);

#endif
