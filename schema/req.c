/*
 * req.c — RustSec requirement strings to unaffected intervals, and the
 * vulnerable ranges that are their complement.
 *
 * Owns the reading of `[versions] patched` / `unaffected` strings. The
 * syntax is the `semver` crate's VersionReq (spaces only around operators
 * and commas, prerelease and build only on a full MAJOR.MINOR.PATCH, build
 * ignored); the meaning is rustsec's UnaffectedRange and its OSV export:
 * missing parts are 0, caret and tilde upper bounds carry `-0`, exclusive
 * bounds become version_next() when turned into OSV events. The lexical
 * pieces (operators, tokens, wildcards, the error text) are reqlex.h's,
 * shared with cargo_req.c, which also uses the bound tests below.
 *
 * Invariants:
 *   - Every interval returned satisfies rustsec's start <= end rule
 *     (equal ends only when both are inclusive).
 *   - req_vulnerable() mirrors rustsec's algorithm step by step, so its
 *     output equals RustSec's OSV events, including the empty [v, v) range
 *     rustsec writes between two touching unaffected intervals.
 *   - No allocation; at most REQ_RANGES_MAX intervals are considered.
 */
#include "req.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "reqlex.h"


typedef struct comparator {
	reqlex_op op;                 /* a bare version is REQLEX_CARET */
	int nparts;
	version v;
} comparator;

/* One comparator at s[*pos..len): operator, spaces, version token, and the
 * spaces after it. The token ends at a space or comma. */
static int parse_comparator(comparator *c, const char *s, size_t len,
                            size_t *pos, char *err, size_t errcap)
{
	size_t i = *pos;
	const char *why;

	c->op = reqlex_op_at(s, len, &i);
	if (c->op == REQLEX_NONE)
		c->op = REQLEX_CARET;
	i = reqlex_skip_spaces(s, len, i);
	size_t t = i;
	i = reqlex_token_end(s, len, t);
	if (i == t)
		return reqlex_fail(err, errcap, s, len, "missing version");
	/* A wildcard part (1.*, 1.2.x, >=*): rustsec has no reading for it.
	 * Only the numeric parts count: `1.0.0-a.x` is a prerelease. */
	for (size_t k = t; k < i && s[k] != '-' && s[k] != '+'; k++)
		if (reqlex_wild_part(s, t, i, k))
			return reqlex_fail(err, errcap, s, len,
			                   "wildcard inside a comparator");
	if (version_parse_partial(&c->v, &c->nparts, s + t, i - t, &why) < 0)
		return reqlex_fail(err, errcap, s, len,
		                   "bad version \"%.*s\": %s",
		                   (int)(i - t > 40 ? 40 : i - t), s + t, why);
	c->v.build_len = 0;  /* ignored in requirements, as rustsec does */
	c->v.build[0] = '\0';
	*pos = reqlex_skip_spaces(s, len, i);
	return 0;
}

/* The upper bound a caret or tilde requirement implies, with -0. */
static int upper_of(version *out, const comparator *c)
{
	const version *v = &c->v;
	if (c->op == REQLEX_CARET && v->major == 0) {
		if (c->nparts == 3 && v->minor == 0) {
			if (v->patch == UINT64_MAX)
				return -1;
			version_set(out, 0, 0, v->patch + 1, 1);
		} else if (c->nparts >= 2) {
			if (v->minor == UINT64_MAX)
				return -1;
			version_set(out, 0, v->minor + 1, 0, 1);
		} else {
			version_set(out, 1, 0, 0, 1);
		}
	} else if (c->op == REQLEX_CARET || c->nparts == 1) {
		if (v->major == UINT64_MAX)
			return -1;
		version_set(out, v->major + 1, 0, 0, 1);
	} else {  /* tilde with a minor */
		if (v->minor == UINT64_MAX)
			return -1;
		version_set(out, v->major, v->minor + 1, 0, 1);
	}
	return 0;
}

/* rustsec's Bound::less_or_equal(start, end). */
int bound_le(const bound *start, const bound *end)
{
	if (!start->present || !end->present)
		return 1;
	int c = version_cmp(&start->v, &end->v);
	if (c < 0)
		return 1;
	return c == 0 && start->inclusive && end->inclusive;
}

int req_parse(interval *out, const char *s, size_t len,
              char *err, size_t errcap)
{
	comparator cs[2];
	size_t n = 0, i;
	interval iv;

	if (err != NULL && errcap > 0)
		err[0] = '\0';
	if (s == NULL)
		return reqlex_fail(err, errcap, "", 0, "no text");
	if (len > REQ_TEXT_MAX)
		return reqlex_fail(err, errcap, s, len,
		                   "too long (over %d bytes)", REQ_TEXT_MAX);
	memset(&iv, 0, sizeof iv);

	i = reqlex_skip_spaces(s, len, 0);
	if (i < len && reqlex_is_wild(s[i])) {
		size_t r = reqlex_skip_spaces(s, len, i + 1);
		if (r == len) {  /* `*`: every version */
			*out = iv;
			return 0;
		}
		if (s[r] == ',')
			return reqlex_fail(err, errcap, s, len,
			                   "wildcard must be the only comparator");
		/* otherwise `x.1`, `*1`...: fall through to the comparator error */
	}
	for (;;) {
		comparator c;
		if (parse_comparator(&c, s, len, &i, err, errcap) < 0)
			return -1;
		if (n == 2)
			return reqlex_fail(err, errcap, s, len,
			                   "more than two comparators");
		cs[n++] = c;
		if (i == len)
			break;
		if (s[i] != ',')
			return reqlex_fail(err, errcap, s, len,
			                   "expected ',' after a comparator");
		i = reqlex_skip_spaces(s, len, i + 1);
	}

	for (size_t k = 0; k < n; k++) {
		const comparator *c = &cs[k];
		switch (c->op) {
		case REQLEX_GT:
		case REQLEX_GE:
			if (iv.lo.present)
				return reqlex_fail(err, errcap, s, len,
				                   "more than one lower bound");
			iv.lo.present = 1;
			iv.lo.inclusive = c->op == REQLEX_GE;
			iv.lo.v = c->v;
			break;
		case REQLEX_LT:
		case REQLEX_LE:
			if (iv.hi.present)
				return reqlex_fail(err, errcap, s, len,
				                   "more than one upper bound");
			iv.hi.present = 1;
			iv.hi.inclusive = c->op == REQLEX_LE;
			iv.hi.v = c->v;
			break;
		case REQLEX_EQ:
			if (n != 1)
				return reqlex_fail(err, errcap, s, len, "an exact "
				                   "version (=) must be alone");
			iv.lo.present = iv.hi.present = 1;
			iv.lo.inclusive = iv.hi.inclusive = 1;
			iv.lo.v = iv.hi.v = c->v;
			break;
		case REQLEX_NONE:        /* made REQLEX_CARET above */
		case REQLEX_CARET:
		case REQLEX_TILDE:
			if (n != 1)
				return reqlex_fail(err, errcap, s, len, "a caret or "
				                   "tilde requirement must be alone");
			iv.lo.present = iv.hi.present = 1;
			iv.lo.inclusive = 1;
			iv.hi.inclusive = 0;
			iv.lo.v = c->v;
			if (upper_of(&iv.hi.v, c) < 0)
				return reqlex_fail(err, errcap, s, len,
				                   "upper bound overflows");
			break;
		}
	}
	if (!bound_le(&iv.lo, &iv.hi))
		return reqlex_fail(err, errcap, s, len,
		                   "empty interval (start above end)");
	*out = iv;
	return 0;
}

int bound_lo_admits(const bound *lo, const version *v)
{
	if (!lo->present)
		return 1;
	int c = version_cmp(v, &lo->v);
	return lo->inclusive ? c >= 0 : c > 0;
}

int bound_hi_admits(const bound *hi, const version *v)
{
	if (!hi->present)
		return 1;
	int c = version_cmp(v, &hi->v);
	return hi->inclusive ? c <= 0 : c < 0;
}

int interval_contains(const interval *iv, const version *v)
{
	return bound_lo_admits(&iv->lo, v) && bound_hi_admits(&iv->hi, v);
}

/* Sort order of starts: unbounded first, then by version, inclusive before
 * exclusive at the same version ([v, v] comes before (v, ...), which do not
 * overlap; rustsec would assert here). */
static int start_cmp(const bound *a, const bound *b)
{
	if (!a->present || !b->present)
		return a->present - b->present;
	int c = version_cmp(&a->v, &b->v);
	if (c != 0)
		return c;
	return b->inclusive - a->inclusive;
}

static void fmt_interval(char *buf, size_t cap, const interval *iv)
{
	char lo[48], hi[48];
	if (iv->lo.present)
		version_format(&iv->lo.v, lo, sizeof lo);
	else
		snprintf(lo, sizeof lo, "0");
	if (iv->hi.present)
		version_format(&iv->hi.v, hi, sizeof hi);
	else
		snprintf(hi, sizeof hi, "inf");
	int n = snprintf(buf, cap, "%c%s, %s%c",
	                 iv->lo.present && !iv->lo.inclusive ? '(' : '[', lo, hi,
	                 iv->hi.present && iv->hi.inclusive ? ']' : ')');
	(void)n;  /* a shortened message is fine; snprintf bounds it */
}

/* Append one range; fails when out is full. */
static int push(range *out, size_t cap, size_t *k, const version *intro,
                const version *fixed)
{
	if (*k >= cap)
		return -1;
	range *r = &out[*k];
	memset(r, 0, sizeof *r);
	if (intro) {
		r->has_introduced = 1;
		r->introduced = *intro;
	}
	if (fixed) {
		r->has_fixed = 1;
		r->fixed = *fixed;
	}
	(*k)++;
	return 0;
}

/* The version an interval's end leaves off at: vulnerable resumes there. */
static int resume_after(version *out, const bound *hi)
{
	if (!hi->inclusive) {
		*out = hi->v;
		return 0;
	}
	return version_next(out, &hi->v);
}

/* The version an interval's start begins at: vulnerable stops there. */
static int stop_before(version *out, const bound *lo)
{
	if (lo->inclusive) {
		*out = lo->v;
		return 0;
	}
	return version_next(out, &lo->v);
}

int req_vulnerable(range *out, size_t cap, size_t *nout,
                   const interval *unaffected, size_t n,
                   char *err, size_t errcap)
{
	uint16_t idx[REQ_RANGES_MAX];
	size_t k = 0;
	version a, b;

	*nout = 0;
	if (err != NULL && errcap > 0)
		err[0] = '\0';
	if (n == 0) {
		if (push(out, cap, &k, NULL, NULL) < 0)
			return errbuf_fail(err, errcap, "no room for ranges");
		*nout = k;
		return 0;
	}
	if (n > REQ_RANGES_MAX)
		return errbuf_fail(err, errcap, "more than %d requirements",
		                   REQ_RANGES_MAX);

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			const interval *x = &unaffected[i], *y = &unaffected[j];
			if (bound_le(&x->lo, &y->hi) && bound_le(&y->lo, &x->hi)) {
				char p[112], q[112];
				fmt_interval(p, sizeof p, x);
				fmt_interval(q, sizeof q, y);
				return errbuf_fail(err, errcap, "overlapping version "
				                   "ranges: %s and %s", p, q);
			}
		}

	/* insertion sort of indices by start; n is small and bounded */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j > 0 && start_cmp(&unaffected[idx[j - 1]].lo,
		                          &unaffected[i].lo) > 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = (uint16_t)i;
	}

	const interval *first = &unaffected[idx[0]];
	if (first->lo.present) {
		if (stop_before(&b, &first->lo) < 0)
			goto overflow;
		if (push(out, cap, &k, NULL, &b) < 0)
			goto full;
	}
	for (size_t i = 0; i + 1 < n; i++) {
		const interval *x = &unaffected[idx[i]], *y = &unaffected[idx[i + 1]];
		/* non-overlapping and sorted: only the ends can be unbounded */
		if (!x->hi.present || !y->lo.present)
			return errbuf_fail(err, errcap,
			                   "unbounded range in the middle");
		if (resume_after(&a, &x->hi) < 0 || stop_before(&b, &y->lo) < 0)
			goto overflow;
		if (push(out, cap, &k, &a, &b) < 0)
			goto full;
	}
	const interval *last = &unaffected[idx[n - 1]];
	if (last->hi.present) {
		if (resume_after(&a, &last->hi) < 0)
			goto overflow;
		if (push(out, cap, &k, &a, NULL) < 0)
			goto full;
	}
	/* req.h: sorted, disjoint, none reversed (touching ones may meet) */
	for (size_t i = 0; i < k; i++) {
		assert(!out[i].has_introduced || !out[i].has_fixed ||
		       version_cmp(&out[i].introduced, &out[i].fixed) <= 0);
		assert(i + 1 == k || (out[i].has_fixed &&
		                      out[i + 1].has_introduced &&
		                      version_cmp(&out[i].fixed,
		                                  &out[i + 1].introduced) <= 0));
	}
	*nout = k;
	return 0;
overflow:
	return errbuf_fail(err, errcap,
	                   "no version follows a bound (too large)");
full:
	return errbuf_fail(err, errcap, "more than %zu vulnerable ranges", cap);
}

int range_contains(const range *r, const version *v)
{
	if (r->has_introduced && version_cmp(v, &r->introduced) < 0)
		return 0;
	return !r->has_fixed || version_cmp(v, &r->fixed) < 0;
}

int ranges_contain(const range *r, size_t n, const version *v)
{
	for (size_t i = 0; i < n; i++)
		if (range_contains(&r[i], v))
			return 1;
	return 0;
}
