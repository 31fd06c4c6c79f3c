/*
 * cargo_req.h — version requirements as Cargo reads them in a Cargo.toml
 * (the `semver` crate's VersionReq::matches), and how such a requirement
 * meets vulnerable ranges.
 *
 * This is NOT req.h: req.h reads the strings of an advisory the way
 * rustsec does (`> 1.2` is `> 1.2.0`, `=1.2` is exactly 1.2.0). Here a
 * partial version means what Cargo means by it:
 *
 *   1.2.3  ^1.2.3   [1.2.3, 2.0.0-0)    ^0.2.3 [0.2.3, 0.3.0-0)
 *   ^1.2   ^1       [1.2.0-0, 2.0.0-0)  ^0.0   [0.0.0-0, 0.1.0-0)
 *   ~1.2.3          [1.2.3, 1.3.0-0)    ~1.2, ~1: releases of 1.2.*, 1.*
 *   =1.2  1.2.*  1.2.x                  releases of 1.2.*
 *   >1.2            [1.3.0-0, ...)      >1.2.3  (1.2.3, ...)
 *   >=1.2           [1.2.0, ...)        <1.2    (..., 1.2.0-0)
 *   <=1.2           (..., 1.3.0-0)      *       every release
 *   comma-joined comparators all hold (`>=1.0, <1.6`); an explicit
 *   operator before a wildcard drops it (`>=1.*` is `>=1`).
 *
 * The prerelease rule (Cargo's): a version with a prerelease is admitted
 * only when, besides satisfying every comparator, some comparator names
 * the same MAJOR.MINOR.PATCH with a prerelease of its own (`>=1.2.3-rc.1`
 * admits 1.2.3-rc.2 but never 1.3.0-beta). Partial comparators reject
 * prereleases of the versions they name: `>=1.2` and `<=1.2` admit no
 * 1.2.x-pre, `=1.2`, `~1.2` and `1.2.*` no prerelease at all; the other
 * operators accept any prerelease inside their interval.
 *
 * So the admitted set is: the releases in one interval (the intersection
 * of the comparators' intervals), plus, for each triple a comparator names
 * with a prerelease and that no comparator rejects, that triple's
 * prereleases inside the same interval. cargo_req_next() walks that set
 * in order; everything else is built on it.
 *
 * Invariants: no allocation; a requirement holds at most CARGO_CMP_MAX
 * comparators and REQ_TEXT_MAX bytes; build metadata is ignored.
 */
#ifndef ADVDB_SCHEMA_CARGO_REQ_H
#define ADVDB_SCHEMA_CARGO_REQ_H

#include <stddef.h>
#include "req.h"
#include "version.h"

#define CARGO_CMP_MAX 16     /* comparators in one requirement */

typedef enum cargo_op {
	CARGO_EXACT, CARGO_GT, CARGO_GE, CARGO_LT, CARGO_LE,
	CARGO_TILDE, CARGO_CARET, CARGO_WILDCARD
} cargo_op;

typedef struct cargo_cmp {
	cargo_op op;
	int explicit_op;         /* `^1.2` rather than `1.2` */
	int nparts;              /* 1..3 parts written; missing ones are 0 */
	version v;
} cargo_cmp;

typedef struct cargo_req {
	size_t n;                /* 0: `*`, every release */
	cargo_cmp c[CARGO_CMP_MAX];
	interval iv;             /* the intersection of the comparators'
	                            intervals (see the table above) */
	int empty;               /* iv holds no version at all */
} cargo_req;

/* Parse a requirement (exactly len bytes). Returns 0, or -1 with a
 * message quoting the requirement in err (NUL-terminated, at most errcap
 * bytes). Errors: empty text, `*` not alone, a bad version, a prerelease
 * on a partial version, a part after a wildcard (`1.*.3`), too many
 * comparators or too long. */
int cargo_req_parse(cargo_req *out, const char *s, size_t len,
                    char *err, size_t errcap);

/* Does the requirement admit v? The semver crate's rules, comparator by
 * comparator, without the interval form: tests use it as the reference
 * for everything below. */
int cargo_req_matches(const cargo_req *r, const version *v);

/* The least admitted version at or above `from` (inclusive per
 * from->inclusive; from NULL or not present: the least admitted version).
 * Returns 1 with *out set, 0 when there is none, -1 when the answer does
 * not fit a version (prerelease text at its cap, numbers at 2^64-1). */
int cargo_req_next(version *out, const cargo_req *r, const bound *from);

/* Does the requirement admit a version inside one of the n ranges?
 * 1 yes, 0 no, -1 as cargo_req_next. Ranges may overlap, in any order. */
int cargo_req_hits(const cargo_req *r, const range *ranges, size_t n);

typedef struct cargo_exposure {
	int admits;              /* the requirement admits some version */
	int possibly;            /* it admits a vulnerable one */
	int insecure;            /* every version it admits is vulnerable */
	int has_fix;             /* fix is set: see below */
	version fix;             /* the least admitted version above every
	                            admitted vulnerable one: raising the lower
	                            bound to it is the smallest tightening
	                            that leaves only safe versions */
} cargo_exposure;

/* Meet the requirement with the vulnerable ranges (the union of every
 * advisory that counts). Returns 0, or -1 as cargo_req_next. */
int cargo_req_exposure(cargo_exposure *out, const cargo_req *r,
                       const range *ranges, size_t n);

/* The tightened requirement for a fix from cargo_req_exposure: the same
 * upper bound, the lower bound raised to fix. A lone caret (tilde)
 * requirement whose upper bound the fix keeps stays one (`0.8` with fix
 * 0.8.11 gives `0.8.11`; `~1.2` gives `~1.2.5`); otherwise
 * `>=FIX, <UPPER` (or `>=FIX` when unbounded above). Returns the length
 * the text needs, as snprintf; writes at most cap bytes, NUL-terminated. */
size_t cargo_req_suggest(char *buf, size_t cap, const cargo_req *r,
                         const version *fix);

/* The requirement as the semver crate's Display writes it (what
 * cargo-audit prints and puts in its JSON): each comparator as written,
 * its operator always shown (a bare `1.2.3` is `^1.2.3`), no space after
 * it, only the parts given (`>=1.2`), comparators joined by ", ", `*`
 * for none; build metadata never (semver keeps none). So `>= 1.5.5`
 * is `>=1.5.5`. Returns the length needed, as snprintf; writes at most
 * cap bytes, NUL-terminated. */
size_t cargo_req_format(char *buf, size_t cap, const cargo_req *r);

#endif
