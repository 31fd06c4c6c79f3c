/*
 * fuzz_cargo_req.c — differential on schema/cargo_req.c: Cargo's
 * requirement matching (cargo_req_matches, the reference that follows the
 * semver crate comparator by comparator) against everything built on the
 * interval form (cargo_req_next, _hits, _exposure, _suggest).
 *
 * Input lines: the first is the requirement; a line starting with '!' is
 * an advisory requirement (req.h) whose unaffected intervals make the
 * vulnerable ranges; any other line is a version to sample. Samples are
 * also taken at every comparator's version, the versions next to them,
 * every range bound and every answer of cargo_req_next. For each sample:
 *   - matches(v) implies v inside r.iv, and r.empty implies no match;
 *   - cargo_req_next from v (inclusive) is the least admitted version at
 *     or above v: it is admitted, not below v, v itself when v is
 *     admitted, and no sample strictly between is admitted;
 *   - cargo_req_hits says 1 when an admitted sample is vulnerable;
 *   - exposure: `admits` agrees with next(NULL); `possibly` with hits; an
 *     admitted safe sample means not `insecure`; the fix is admitted,
 *     above every admitted vulnerable sample;
 *   - the suggested requirement parses, admits the fix, and what both it
 *     and the original admit is at or above the fix and not vulnerable.
 */
#include "fuzz.h"
#include "cargo_req.h"

#define FC_SAMPLES_MAX 160
#define FC_IV_MAX 16

typedef struct fc_state {
	cargo_req r;
	version sv[FC_SAMPLES_MAX];
	size_t nsv;
	interval iv[FC_IV_MAX];
	size_t niv;
	range rg[FC_IV_MAX + 1];
	size_t nrg;
} fc_state;

static void fc_add(fc_state *st, const version *v)
{
	version nx;

	if (st->nsv < FC_SAMPLES_MAX)
		st->sv[st->nsv++] = *v;
	if (st->nsv < FC_SAMPLES_MAX && version_next(&nx, v) == 0)
		st->sv[st->nsv++] = nx;
}

static int fc_vuln(const fc_state *st, const version *v)
{
	return fuzz_in_ranges(st->rg, st->nrg, v);
}

static void fc_check_next(fc_state *st, const version *v)
{
	char a[VERSION_TEXT_MAX + 1], b[VERSION_TEXT_MAX + 1];
	char c[VERSION_TEXT_MAX + 1];
	bound from = { 1, 1, *v };
	version nx;
	int m = cargo_req_matches(&st->r, v);
	int rc = cargo_req_next(&nx, &st->r, &from);

	FUZZ_CHECK(rc >= -1 && rc <= 1, "cargo_req_next = %d", rc);
	if (rc < 0)
		return;
	if (m)
		FUZZ_CHECK(rc == 1 && version_cmp(&nx, v) == 0,
		           "%s is admitted, but next from it is %s (rc %d)",
		           fuzz_vtext(v, a, sizeof a),
		           rc == 1 ? fuzz_vtext(&nx, b, sizeof b) : "-", rc);
	if (rc == 0)
		return;
	FUZZ_CHECK(version_cmp(&nx, v) >= 0, "next from %s is below: %s",
	           fuzz_vtext(v, a, sizeof a), fuzz_vtext(&nx, b, sizeof b));
	FUZZ_CHECK(cargo_req_matches(&st->r, &nx) == 1,
	           "next from %s is %s, which is not admitted",
	           fuzz_vtext(v, a, sizeof a), fuzz_vtext(&nx, b, sizeof b));
	for (size_t i = 0; i < st->nsv; i++) {
		const version *s = &st->sv[i];
		if (version_cmp(s, v) >= 0 && version_cmp(s, &nx) < 0)
			FUZZ_CHECK(!cargo_req_matches(&st->r, s),
			           "next from %s skips admitted %s for %s",
			           fuzz_vtext(v, a, sizeof a),
			           fuzz_vtext(s, b, sizeof b),
			           fuzz_vtext(&nx, c, sizeof c));
	}
	/* exclusive start: never v itself */
	from.inclusive = 0;
	rc = cargo_req_next(&nx, &st->r, &from);
	if (rc == 1)
		FUZZ_CHECK(version_cmp(&nx, v) > 0, "exclusive next from %s is %s",
		           fuzz_vtext(v, a, sizeof a), fuzz_vtext(&nx, b, sizeof b));
}

static void fc_check_suggest(fc_state *st, const version *fix)
{
	char text[REQ_TEXT_MAX + 64], err[160];
	char a[VERSION_TEXT_MAX + 1];
	cargo_req r2;

	size_t n = cargo_req_suggest(text, sizeof text, &st->r, fix);
	FUZZ_CHECK(n > 0, "empty suggestion");
	if (n >= sizeof text)
		return;
	FUZZ_CHECK(strlen(text) == n, "suggestion length %zu vs %zu", n,
	           strlen(text));
	FUZZ_CHECK(cargo_req_parse(&r2, text, n, err, sizeof err) == 0,
	           "suggestion \"%s\" does not parse: %s", text, err);
	FUZZ_CHECK(cargo_req_matches(&r2, fix) == 1,
	           "suggestion \"%s\" does not admit the fix %s", text,
	           fuzz_vtext(fix, a, sizeof a));
	for (size_t i = 0; i < st->nsv; i++) {
		const version *s = &st->sv[i];
		if (!cargo_req_matches(&r2, s) || !cargo_req_matches(&st->r, s))
			continue;
		FUZZ_CHECK(version_cmp(s, fix) >= 0 && !fc_vuln(st, s),
		           "suggestion \"%s\" admits %s (below the fix, or "
		           "vulnerable)", text, fuzz_vtext(s, a, sizeof a));
	}
}

static void fc_check_exposure(fc_state *st)
{
	char a[VERSION_TEXT_MAX + 1], b[VERSION_TEXT_MAX + 1];
	cargo_exposure ex;
	version least;

	int hits = cargo_req_hits(&st->r, st->rg, st->nrg);
	FUZZ_CHECK(hits >= -1 && hits <= 1, "cargo_req_hits = %d", hits);
	int first = cargo_req_next(&least, &st->r, NULL);
	if (cargo_req_exposure(&ex, &st->r, st->rg, st->nrg) != 0)
		return;
	if (first >= 0)
		FUZZ_CHECK(ex.admits == first, "admits %d, next(NULL) %d",
		           ex.admits, first);
	if (hits >= 0)
		FUZZ_CHECK(ex.possibly == hits, "possibly %d, hits %d",
		           ex.possibly, hits);
	if (!ex.admits)
		FUZZ_CHECK(!ex.possibly && !ex.insecure, "admits nothing, yet "
		           "possibly %d insecure %d", ex.possibly, ex.insecure);
	for (size_t i = 0; i < st->nsv; i++) {
		const version *s = &st->sv[i];
		if (!cargo_req_matches(&st->r, s))
			continue;
		int vul = fc_vuln(st, s);
		if (hits >= 0 && vul)
			FUZZ_CHECK(hits == 1, "admitted %s is vulnerable, hits 0",
			           fuzz_vtext(s, a, sizeof a));
		if (!vul)
			FUZZ_CHECK(!ex.insecure, "admitted %s is safe, yet insecure",
			           fuzz_vtext(s, a, sizeof a));
		if (vul && ex.has_fix)
			FUZZ_CHECK(version_cmp(s, &ex.fix) < 0,
			           "admitted vulnerable %s is not below the fix %s",
			           fuzz_vtext(s, a, sizeof a),
			           fuzz_vtext(&ex.fix, b, sizeof b));
	}
	if (ex.has_fix) {
		FUZZ_CHECK(cargo_req_matches(&st->r, &ex.fix) == 1,
		           "fix %s is not admitted", fuzz_vtext(&ex.fix, a, sizeof a));
		FUZZ_CHECK(!fc_vuln(st, &ex.fix), "fix %s is vulnerable",
		           fuzz_vtext(&ex.fix, a, sizeof a));
		fc_check_suggest(st, &ex.fix);
	}
}

int fuzz_cargo_req(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	fc_state *st = calloc(1, sizeof *st);
	char err[96];
	const char *verr;

	if (!st)
		return 0;
	const char *nl = memchr(p, '\n', size);
	size_t len = nl ? (size_t)(nl - p) : size;
	int rc = cargo_req_parse(&st->r, p, len, err, sizeof err);
	if (rc != 0) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) && err[0],
		           "rejected without a message");
		free(st);
		return 0;
	}
	FUZZ_CHECK(st->r.n <= CARGO_CMP_MAX, "%zu comparators", st->r.n);
	p = nl ? nl + 1 : end;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > 0 && p[0] == '!') {
			if (st->niv < FC_IV_MAX &&
			    req_parse(&st->iv[st->niv], p + 1, len - 1, err,
			              sizeof err) == 0)
				st->niv++;
		} else {
			version v;
			if (version_parse(&v, p, len, &verr) == 0)
				fc_add(st, &v);
		}
		p = nl ? nl + 1 : end;
	}
	if (st->niv == 0 ||
	    req_vulnerable(st->rg, FC_IV_MAX + 1, &st->nrg, st->iv, st->niv,
	                   err, sizeof err) != 0)
		st->nrg = 0;
	for (size_t i = 0; i < st->r.n; i++)
		fc_add(st, &st->r.c[i].v);
	if (st->r.iv.lo.present)
		fc_add(st, &st->r.iv.lo.v);
	if (st->r.iv.hi.present)
		fc_add(st, &st->r.iv.hi.v);
	for (size_t i = 0; i < st->nrg; i++) {
		if (st->rg[i].has_introduced)
			fc_add(st, &st->rg[i].introduced);
		if (st->rg[i].has_fixed)
			fc_add(st, &st->rg[i].fixed);
	}
	version z, nx;
	if (version_parse(&z, "0.0.0-0", 7, &verr) == 0)
		fc_add(st, &z);
	if (cargo_req_next(&nx, &st->r, NULL) == 1)
		fc_add(st, &nx);

	for (size_t i = 0; i < st->nsv; i++) {
		const version *v = &st->sv[i];
		char a[VERSION_TEXT_MAX + 1];
		if (cargo_req_matches(&st->r, v)) {
			FUZZ_CHECK(!st->r.empty, "empty requirement admits %s",
			           fuzz_vtext(v, a, sizeof a));
			FUZZ_CHECK(interval_contains(&st->r.iv, v),
			           "%s is admitted but outside the interval",
			           fuzz_vtext(v, a, sizeof a));
		}
	}
	size_t base = st->nsv;
	for (size_t i = 0; i < base; i++)
		fc_check_next(st, &st->sv[i]);
	fc_check_exposure(st);
	free(st);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cargo_req(data, size);
}
#endif
