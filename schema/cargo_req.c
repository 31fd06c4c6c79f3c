/*
 * cargo_req.c — Cargo's reading of a requirement, its admitted set, and
 * the meeting of that set with vulnerable ranges (see cargo_req.h).
 *
 * Two independent descriptions of one set live here on purpose:
 * cargo_req_matches() follows the semver crate's matching code comparator
 * by comparator, and the interval form (iv plus the prerelease rule) is
 * what the range arithmetic walks. The unit tests check that the two
 * agree on dense samples. The lexical pieces are reqlex.h's and the bound
 * tests req.h's, shared with req.c (rustsec's reading).
 *
 * Invariants: no allocation, no recursion; every loop is bounded by the
 * comparator cap or the number of ranges given.
 */
#include "cargo_req.h"

#include <string.h>

#include "reqlex.h"

/* The version token s[t..e): MAJOR[.MINOR[.PATCH]][-PRE][+BUILD], where a
 * part may be a wildcard, and every part after a wildcard must be one. */
static int parse_token(cargo_cmp *c, int *wild, const char *s, size_t len,
                       size_t t, size_t e, char *err, size_t errcap)
{
	const char *why = "bad version";
	size_t cut = e;

	*wild = 0;
	for (size_t k = t; k < e; k++) {
		if (s[k] == '-' || s[k] == '+')
			break;
		if (reqlex_wild_part(s, t, e, k)) {
			if (k == t)
				return reqlex_fail(err, errcap, s, len,
				                   "`*` must be "
				                   "the only comparator");
			cut = k - 1;
			*wild = 1;
			for (size_t j = k; j < e; j += 2)
				if (!reqlex_is_wild(s[j]) ||
				    (j + 1 < e && s[j + 1] != '.') ||
				    j + 1 == e - 1)
					return reqlex_fail(err, errcap, s, len,
					                   "unexpected text after a "
					                   "wildcard");
			break;
		}
	}
	if (version_parse_partial(&c->v, &c->nparts, s + t, cut - t, &why) < 0)
		return reqlex_fail(err, errcap, s, len, "bad version: %s", why);
	if (*wild && c->nparts == 3)
		return reqlex_fail(err, errcap, s, len,
		                   "too many version parts");
	c->v.build_len = 0;
	c->v.build[0] = '\0';
	return 0;
}

static int parse_cmp(cargo_cmp *c, const char *s, size_t len, size_t *pos,
                     char *err, size_t errcap)
{
	size_t i = *pos, t;
	int wild;

	static const cargo_op ops[] = {
		[REQLEX_NONE] = CARGO_CARET, [REQLEX_EQ] = CARGO_EXACT,
		[REQLEX_CARET] = CARGO_CARET, [REQLEX_TILDE] = CARGO_TILDE,
		[REQLEX_GT] = CARGO_GT, [REQLEX_GE] = CARGO_GE,
		[REQLEX_LT] = CARGO_LT, [REQLEX_LE] = CARGO_LE,
	};
	reqlex_op op = reqlex_op_at(s, len, &i);

	c->op = ops[op];
	c->explicit_op = op != REQLEX_NONE;
	i = reqlex_skip_spaces(s, len, i);
	t = i;
	i = reqlex_token_end(s, len, t);
	if (i == t)
		return reqlex_fail(err, errcap, s, len, "missing version");
	if (parse_token(c, &wild, s, len, t, i, err, errcap) < 0)
		return -1;
	if (wild && !c->explicit_op)
		c->op = CARGO_WILDCARD;
	*pos = reqlex_skip_spaces(s, len, i);
	return 0;
}

/* ---- one comparator as an interval --------------------------------- */

/* The least version above every version that agrees with v on parts
 * 0..part: the next major (minor, patch) with prerelease 0, carrying
 * into the part before at 2^64-1; -1 when nothing is above. */
static int bump(version *out, const version *v, int part)
{
	if (part == 2 && v->patch == UINT64_MAX)
		part = 1;
	if (part == 1 && v->minor == UINT64_MAX)
		part = 0;
	if (part == 0) {
		if (v->major == UINT64_MAX)
			return -1;
		version_set(out, v->major + 1, 0, 0, 1);
	} else if (part == 1) {
		version_set(out, v->major, v->minor + 1, 0, 1);
	} else {
		version_set(out, v->major, v->minor, v->patch + 1, 1);
	}
	return 0;
}

static void lo_at(interval *iv, const version *v, int inclusive)
{
	iv->lo.present = 1;
	iv->lo.inclusive = inclusive;
	iv->lo.v = *v;
}

/* An upper bound; a bump past 2^64-1 means no bound. */
static void hi_bump(interval *iv, const version *v, int part)
{
	version u;
	if (bump(&u, v, part) == 0) {
		iv->hi.present = 1;
		iv->hi.inclusive = 0;
		iv->hi.v = u;
	}
}

/* The part a caret keeps: the first non-zero one written (the last one
 * written when all are zero). */
static int caret_part(const cargo_cmp *c)
{
	if (c->v.major > 0 || c->nparts == 1)
		return 0;
	if (c->v.minor > 0 || c->nparts == 2)
		return 1;
	return 2;
}

/* Returns 0, or 1 when the comparator admits nothing (`>` a maximum). */
static int cmp_interval(interval *iv, const cargo_cmp *c)
{
	version base, z;
	int last = c->nparts - 1;       /* the last part written */

	memset(iv, 0, sizeof(*iv));
	base = c->v;
	version_set(&z, c->v.major, c->v.minor, c->v.patch, c->nparts < 3);
	switch (c->op) {
	case CARGO_EXACT:
	case CARGO_WILDCARD:
		if (c->nparts == 3) {
			lo_at(iv, &base, 1);
			iv->hi = iv->lo;
		} else {
			version_set(&z, c->v.major, c->v.minor, 0, 0);
			lo_at(iv, &z, 1);
			hi_bump(iv, &z, last);
		}
		return 0;
	case CARGO_GT:
		if (c->nparts == 3) {
			lo_at(iv, &base, 0);
			return 0;
		}
		if (bump(&z, &c->v, last) < 0)
			return 1;
		lo_at(iv, &z, 1);
		return 0;
	case CARGO_GE:
		version_set(&z, c->v.major, c->v.minor, c->v.patch, 0);
		lo_at(iv, c->nparts == 3 ? &base : &z, 1);
		return 0;
	case CARGO_LT:
		iv->hi.present = 1;
		iv->hi.v = c->nparts == 3 ? base : z;
		return 0;
	case CARGO_LE:
		if (c->nparts == 3) {
			iv->hi.present = 1;
			iv->hi.inclusive = 1;
			iv->hi.v = base;
		} else {
			hi_bump(iv, &c->v, last);
		}
		return 0;
	case CARGO_TILDE:
		version_set(&z, c->v.major, c->v.minor, c->v.patch, 0);
		lo_at(iv, c->nparts == 3 ? &base : &z, 1);
		hi_bump(iv, &c->v, c->nparts == 1 ? 0 : 1);
		return 0;
	case CARGO_CARET:
		lo_at(iv, c->nparts == 3 ? &base : &z, 1);
		hi_bump(iv, &c->v, caret_part(c));
		return 0;
	}
	return 1;
}

/* Does comparator c let prereleases of triple t through (inside its
 * interval)? Partial comparators reject the prereleases they name. */
static int pre_ok(const cargo_cmp *c, const version *t)
{
	if (c->nparts == 3)
		return 1;
	int same = t->major == c->v.major &&
	           (c->nparts == 1 || t->minor == c->v.minor);
	switch (c->op) {
	case CARGO_EXACT:
	case CARGO_WILDCARD:
	case CARGO_TILDE:
		return 0;
	case CARGO_GE:
	case CARGO_LE:
		return !same;
	default:
		return 1;
	}
}

static int lo_tighter(const bound *a, const bound *b)  /* a above b? */
{
	if (!b->present)
		return a->present;
	if (!a->present)
		return 0;
	int c = version_cmp(&a->v, &b->v);
	return c > 0 || (c == 0 && !a->inclusive && b->inclusive);
}

static int hi_tighter(const bound *a, const bound *b)  /* a below b? */
{
	if (!b->present)
		return a->present;
	if (!a->present)
		return 0;
	int c = version_cmp(&a->v, &b->v);
	return c < 0 || (c == 0 && !a->inclusive && b->inclusive);
}

int cargo_req_parse(cargo_req *out, const char *s, size_t len,
                    char *err, size_t errcap)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (len > REQ_TEXT_MAX)
		return reqlex_fail(err, errcap, s, len, "longer than %d bytes",
		                   REQ_TEXT_MAX);
	i = reqlex_skip_spaces(s, len, 0);
	if (i == len)
		return reqlex_fail(err, errcap, s, len, "empty requirement");
	if (reqlex_is_wild(s[i]) && reqlex_skip_spaces(s, len, i + 1) == len)
		return 0;               /* `*`: every release, no comparator */
	for (;;) {
		if (out->n == CARGO_CMP_MAX)
			return reqlex_fail(err, errcap, s, len, "more than %d "
			                   "comparators", CARGO_CMP_MAX);
		if (parse_cmp(&out->c[out->n], s, len, &i, err, errcap) < 0)
			return -1;
		out->n++;
		if (i == len)
			break;
		if (s[i] != ',')
			return reqlex_fail(err, errcap, s, len,
			                   "expected a comma");
		i = reqlex_skip_spaces(s, len, i + 1);
	}
	for (size_t k = 0; k < out->n; k++) {
		interval iv;
		if (cmp_interval(&iv, &out->c[k]))
			out->empty = 1;
		if (lo_tighter(&iv.lo, &out->iv.lo))
			out->iv.lo = iv.lo;
		if (hi_tighter(&iv.hi, &out->iv.hi))
			out->iv.hi = iv.hi;
	}
	if (!bound_le(&out->iv.lo, &out->iv.hi))
		out->empty = 1;
	return 0;
}

/* ---- the semver crate's matching, literally ------------------------- */

static int pre_cmp(const version *a, const version *b)
{
	version x = *a, y = *b;
	x.major = y.major;
	x.minor = y.minor;
	x.patch = y.patch;
	return version_cmp(&x, &y);
}

static int m_exact(const cargo_cmp *c, const version *v)
{
	if (v->major != c->v.major)
		return 0;
	if (c->nparts >= 2 && v->minor != c->v.minor)
		return 0;
	if (c->nparts >= 3 && v->patch != c->v.patch)
		return 0;
	return pre_cmp(v, &c->v) == 0;
}

static int m_greater(const cargo_cmp *c, const version *v)
{
	if (v->major != c->v.major)
		return v->major > c->v.major;
	if (c->nparts < 2)
		return 0;
	if (v->minor != c->v.minor)
		return v->minor > c->v.minor;
	if (c->nparts < 3)
		return 0;
	if (v->patch != c->v.patch)
		return v->patch > c->v.patch;
	return pre_cmp(v, &c->v) > 0;
}

static int m_less(const cargo_cmp *c, const version *v)
{
	if (v->major != c->v.major)
		return v->major < c->v.major;
	if (c->nparts < 2)
		return 0;
	if (v->minor != c->v.minor)
		return v->minor < c->v.minor;
	if (c->nparts < 3)
		return 0;
	if (v->patch != c->v.patch)
		return v->patch < c->v.patch;
	return pre_cmp(v, &c->v) < 0;
}

static int m_tilde(const cargo_cmp *c, const version *v)
{
	if (v->major != c->v.major)
		return 0;
	if (c->nparts >= 2 && v->minor != c->v.minor)
		return 0;
	if (c->nparts >= 3 && v->patch != c->v.patch)
		return v->patch > c->v.patch;
	return pre_cmp(v, &c->v) >= 0;
}

static int m_caret(const cargo_cmp *c, const version *v)
{
	if (v->major != c->v.major)
		return 0;
	if (c->nparts == 1)
		return 1;
	if (c->nparts == 2)
		return c->v.major > 0 ? v->minor >= c->v.minor
		                      : v->minor == c->v.minor;
	if (c->v.major > 0) {
		if (v->minor != c->v.minor)
			return v->minor > c->v.minor;
		if (v->patch != c->v.patch)
			return v->patch > c->v.patch;
	} else if (c->v.minor > 0) {
		if (v->minor != c->v.minor)
			return 0;
		if (v->patch != c->v.patch)
			return v->patch > c->v.patch;
	} else if (v->minor != c->v.minor || v->patch != c->v.patch) {
		return 0;
	}
	return pre_cmp(v, &c->v) >= 0;
}

static int m_cmp(const cargo_cmp *c, const version *v)
{
	switch (c->op) {
	case CARGO_EXACT:
	case CARGO_WILDCARD: return m_exact(c, v);
	case CARGO_GT: return m_greater(c, v);
	case CARGO_GE: return m_exact(c, v) || m_greater(c, v);
	case CARGO_LT: return m_less(c, v);
	case CARGO_LE: return m_exact(c, v) || m_less(c, v);
	case CARGO_TILDE: return m_tilde(c, v);
	case CARGO_CARET: return m_caret(c, v);
	}
	return 0;
}

/* Some comparator names v's triple with a prerelease. */
static int pre_named(const cargo_req *r, const version *t)
{
	for (size_t i = 0; i < r->n; i++) {
		const cargo_cmp *c = &r->c[i];
		if (c->nparts == 3 && c->v.pre_len > 0 && c->v.major == t->major &&
		    c->v.minor == t->minor && c->v.patch == t->patch)
			return 1;
	}
	return 0;
}

int cargo_req_matches(const cargo_req *r, const version *v)
{
	for (size_t i = 0; i < r->n; i++)
		if (!m_cmp(&r->c[i], v))
			return 0;
	return v->pre_len == 0 || pre_named(r, v);
}

/* ---- walking the admitted set -------------------------------------- */

/* The least release at or above bound b. -1 past 2^64-1. */
static int release_from(version *out, const bound *b)
{
	if (!b || !b->present) {
		version_set(out, 0, 0, 0, 0);
		return 0;
	}
	version_set(out, b->v.major, b->v.minor, b->v.patch, 0);
	if (b->v.pre_len > 0 || b->inclusive)
		return 0;               /* a prerelease is below its release */
	if (out->patch < UINT64_MAX) {
		out->patch++;
	} else if (out->minor < UINT64_MAX) {
		out->minor++;
		out->patch = 0;
	} else if (out->major < UINT64_MAX) {
		out->major++;
		out->minor = 0;
		out->patch = 0;
	} else {
		return -1;
	}
	return 0;
}

/* The least prerelease of triple t at or above bound b: 1 found, 0 none
 * (b is at or above t's release), -1 does not fit. */
static int pre_from(version *out, const version *t, const bound *b)
{
	version first;

	version_set(&first, t->major, t->minor, t->patch, 1);
	if (!b || !b->present || version_cmp(&b->v, &first) < 0) {
		*out = first;
		return 1;
	}
	if (b->v.major != t->major || b->v.minor != t->minor ||
	    b->v.patch != t->patch || b->v.pre_len == 0)
		return 0;
	if (b->inclusive) {
		*out = b->v;
		out->build_len = 0;
		out->build[0] = '\0';
		return 1;
	}
	return version_next(out, &b->v) < 0 ? -1 : 1;
}

static void keep_min(version *best, int *have, const version *v)
{
	if (!*have || version_cmp(v, best) < 0) {
		*best = *v;
		*have = 1;
	}
}

int cargo_req_next(version *out, const cargo_req *r, const bound *from)
{
	version a, b;
	int have = 0, rc;

	if (r->empty)
		return 0;
	if (release_from(&a, &r->iv.lo) == 0 && release_from(&b, from) == 0) {
		if (version_cmp(&b, &a) > 0)
			a = b;
		if (bound_hi_admits(&r->iv.hi, &a))
			keep_min(out, &have, &a);
	}
	for (size_t i = 0; i < r->n; i++) {
		const cargo_cmp *t = &r->c[i];
		int ok = t->nparts == 3 && t->v.pre_len > 0;
		for (size_t k = 0; ok && k < r->n; k++)
			ok = pre_ok(&r->c[k], &t->v);
		if (!ok)
			continue;
		if ((rc = pre_from(&a, &t->v, &r->iv.lo)) <= 0 ||
		    (rc = pre_from(&b, &t->v, from)) <= 0) {
			if (rc < 0)
				return -1;
			continue;
		}
		if (version_cmp(&b, &a) > 0)
			a = b;
		if (bound_lo_admits(&r->iv.lo, &a) && bound_hi_admits(&r->iv.hi, &a))
			keep_min(out, &have, &a);
	}
	return have;
}

/* ---- meeting ranges ------------------------------------------------- */

/* Does the requirement admit a version inside range g? */
static int hits_one(const cargo_req *r, const range *g)
{
	bound from = { 1, 1, { 0 } };
	version y;
	int rc;

	from.present = g->has_introduced;
	if (g->has_introduced)
		from.v = g->introduced;
	rc = cargo_req_next(&y, r, &from);
	if (rc <= 0)
		return rc;
	return !g->has_fixed || version_cmp(&y, &g->fixed) < 0;
}

int cargo_req_hits(const cargo_req *r, const range *ranges, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = hits_one(r, &ranges[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int cargo_req_exposure(cargo_exposure *out, const cargo_req *r,
                       const range *ranges, size_t n)
{
	version x, top;
	bound from = { 1, 1, { 0 } };
	int rc, unfixed = 0, have_top = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = cargo_req_next(&x, r, NULL)) <= 0)
		return rc;
	out->admits = 1;

	/* possibly, and the highest fix among the ranges it meets */
	for (size_t i = 0; i < n; i++) {
		if ((rc = hits_one(r, &ranges[i])) < 0)
			return -1;
		if (!rc)
			continue;
		out->possibly = 1;
		if (!ranges[i].has_fixed)
			unfixed = 1;
		else if (!have_top || version_cmp(&ranges[i].fixed, &top) > 0) {
			top = ranges[i].fixed;
			have_top = 1;
		}
	}
	if (!out->possibly)
		return 0;

	/* insecure: hop from admitted version to the fix of a range that
	 * holds it; each hop leaves a range behind for good. */
	out->insecure = 1;
	for (size_t hops = 0; hops <= n; hops++) {
		const range *g = NULL;
		for (size_t i = 0; i < n && !g; i++)
			if (range_contains(&ranges[i], &x))
				g = &ranges[i];
		if (!g) {
			out->insecure = 0;
			break;
		}
		if (!g->has_fixed)
			break;
		from.v = g->fixed;
		if ((rc = cargo_req_next(&x, r, &from)) < 0)
			return -1;
		if (rc == 0)
			break;
	}

	if (unfixed || out->insecure)
		return 0;
	from.v = top;
	if ((rc = cargo_req_next(&out->fix, r, &from)) < 0)
		return -1;
	out->has_fix = rc;
	return 0;
}

/* ---- the tightened requirement ------------------------------------- */

static size_t put(char *buf, size_t cap, size_t at, const char *s)
{
	size_t n = strlen(s);
	if (at < cap) {
		size_t k = cap - at - 1 < n ? cap - at - 1 : n;
		memcpy(buf + at, s, k);
		buf[at + k] = '\0';
	}
	return at + n;
}

static size_t put_version(char *buf, size_t cap, size_t at,
                          const version *v)
{
	char t[VERSION_TEXT_MAX + 8];
	version_format(v, t, sizeof t);
	return put(buf, cap, at, t);
}

size_t cargo_req_suggest(char *buf, size_t cap, const cargo_req *r,
                         const version *fix)
{
	size_t at = 0;
	interval keep;

	if (cap)
		buf[0] = '\0';
	/* A lone caret or tilde stays one when its upper bound is kept. */
	if (r->n == 1 && (r->c[0].op == CARGO_CARET ||
	                  r->c[0].op == CARGO_TILDE)) {
		cargo_cmp c = r->c[0];
		c.v = *fix;
		c.nparts = 3;
		if (cmp_interval(&keep, &c) == 0 && keep.hi.present ==
		    r->iv.hi.present && (!keep.hi.present ||
		    version_cmp(&keep.hi.v, &r->iv.hi.v) == 0)) {
			if (c.op == CARGO_TILDE)
				at = put(buf, cap, at, "~");
			else if (c.explicit_op)
				at = put(buf, cap, at, "^");
			return put_version(buf, cap, at, fix);
		}
	}
	at = put(buf, cap, at, ">=");
	at = put_version(buf, cap, at, fix);
	if (!r->iv.hi.present)
		return at;
	at = put(buf, cap, at, r->iv.hi.inclusive ? ", <=" : ", <");
	version u = r->iv.hi.v;
	/* x.y.z-0 and x.y.z bound the same releases; write the plain one */
	if (!r->iv.hi.inclusive && u.pre_len == 1 && u.pre[0] == '0') {
		u.pre_len = 0;
		u.pre[0] = '\0';
	}
	return put_version(buf, cap, at, &u);
}
