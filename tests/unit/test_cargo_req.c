/*
 * test_cargo_req.c — schema/cargo_req.c: Cargo's matching of requirements
 * (tables of requirement, version, admitted?), parse errors, the interval
 * form against the literal matcher, and the meeting with vulnerable ranges.
 *
 * The property tests draw random requirements and random ranges (seeded,
 * so a failure repeats) and compare every answer of the interval
 * arithmetic (possibly insecure, insecure, the fix, the suggested
 * requirement) with checking a dense set of sample versions one by one
 * with cargo_req_matches(), which follows the semver crate's code and
 * shares nothing with the arithmetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cargo_req.h"
#include "testlib.h"

static cargo_req R(const char *s)
{
	cargo_req r;
	char err[256];
	if (cargo_req_parse(&r, s, strlen(s), err, sizeof err) != 0)
		fail_msg("bad test requirement %s: %s", s, err);
	return r;
}

/* Cargo's documented examples and the semver crate's test cases. */
static void test_matches__table(void **state)
{
	static const struct { const char *req, *v; int in; } t[] = {
		{ "1.2.3", "1.2.3", 1 }, { "1.2.3", "1.9.0", 1 },
		{ "1.2.3", "2.0.0", 0 }, { "1.2.3", "1.2.2", 0 },
		{ "1.2", "1.2.0", 1 }, { "1.2", "1.99.0", 1 }, { "1", "1.0.0", 1 },
		{ "1", "2.0.0", 0 }, { "0.2.3", "0.2.9", 1 },
		{ "0.2.3", "0.3.0", 0 }, { "0.2", "0.2.0", 1 },
		{ "0.0.3", "0.0.3", 1 }, { "0.0.3", "0.0.4", 0 },
		{ "0.0", "0.0.7", 1 }, { "0.0", "0.1.0", 0 }, { "0", "0.9.9", 1 },
		{ "0", "1.0.0", 0 }, { "^1.2.3", "1.2.4", 1 },
		{ "~1.2.3", "1.2.9", 1 }, { "~1.2.3", "1.3.0", 0 },
		{ "~1.2", "1.2.0", 1 }, { "~1.2", "1.3.0", 0 },
		{ "~1", "1.9.0", 1 }, { "~1", "2.0.0", 0 },
		{ "*", "0.0.0", 1 }, { "*", "99.1.2", 1 }, { "*", "1.0.0-a", 0 },
		{ "1.*", "1.4.0", 1 }, { "1.*", "2.0.0", 0 },
		{ "1.2.*", "1.2.9", 1 }, { "1.2.x", "1.3.0", 0 },
		{ "1.X", "1.0.0", 1 }, { "=1.2.3", "1.2.3", 1 },
		{ "=1.2.3", "1.2.4", 0 }, { "=1.2", "1.2.7", 1 },
		{ "=1.2", "1.3.0", 0 }, { ">1.2", "1.2.9", 0 },
		{ ">1.2", "1.3.0", 1 }, { ">1", "1.9.0", 0 }, { ">1", "2.0.0", 1 },
		{ ">1.2.3", "1.2.3", 0 }, { ">1.2.3", "1.2.4", 1 },
		{ ">=1.2", "1.2.0", 1 }, { ">=1.2", "1.1.9", 0 },
		{ "<1.2", "1.1.9", 1 }, { "<1.2", "1.2.0", 0 },
		{ "<=1.2", "1.2.9", 1 }, { "<=1.2", "1.3.0", 0 },
		{ "<=1.2.3", "1.2.3", 1 }, { "<1.2.3", "1.2.3", 0 },
		{ ">=1.0, <1.6", "1.5.9", 1 }, { ">=1.0, <1.6", "1.6.0", 0 },
		{ ">= 1.0 , < 1.6", "1.0.0", 1 }, { ">=1.*", "1.0.0", 1 },
		/* prereleases: only when a comparator names the same triple */
		{ "1.2.3", "1.2.4-alpha", 0 }, { "1.2.3-alpha", "1.2.3-beta", 1 },
		{ "1.2.3-alpha", "1.2.4-beta", 0 }, { "1.2.3-beta", "1.2.3-alpha", 0 },
		{ "1.2.3-alpha", "1.2.3", 1 }, { ">=1.2.3-rc.1", "1.2.3-rc.2", 1 },
		{ ">=1.2.3-rc.1", "1.3.0-rc.1", 0 }, { "=1.2.3-a", "1.2.3-a", 1 },
		{ "=1.2.3-a", "1.2.3-b", 0 }, { ">=1.0, <=2.0.0-beta", "2.0.0-alpha", 1 },
		{ ">=1, <=2.0.0-beta", "2.0.0-alpha", 1 },
		{ ">=1.2, <=1.2.5-beta", "1.2.5-alpha", 0 },  /* >=1.2 rejects */
		{ "<=1.2, >=1.2.5-alpha", "1.2.5-beta", 0 },
		{ "^1.2, <=1.2.5-beta", "1.2.5-alpha", 1 },
		{ "~1.2.3-beta", "1.2.3-rc", 1 }, { "~1.2.3-beta", "1.2.3-alpha", 0 },
		{ "0.0.3-rc.1", "0.0.3", 1 }, { "0.0.3-rc.1", "0.0.4", 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		cargo_req r = R(t[i].req);
		version v = tl_version(t[i].v);
		if (cargo_req_matches(&r, &v) != t[i].in)
			fail_msg("%s vs %s: want %d", t[i].req, t[i].v, t[i].in);
	}
}

static void test_parse__rejected(void **state)
{
	static const char *bad[] = {
		"", "   ", "1.*.3", "1.2.3.*", "*, >=1.0", ">=*", "1.2-alpha",
		"01.2", "1.2.3,", ",1.0", "1.0 2.0", "1.2.3-", ">=1.0,,<2",
		"1.*.", "1.x-pre", "v1.2.3", "a.b.c",
		"1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1",
	};
	char err[128];
	cargo_req r;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		if (cargo_req_parse(&r, bad[i], strlen(bad[i]), err, sizeof err)
		    == 0)
			fail_msg("accepted: \"%s\"", bad[i]);
		assert_non_null(strstr(err, "requirement"));
	}
	/* hostile bytes come back quoted and printable */
	char h[] = "1.0\x1b[31m";
	assert_int_equal(cargo_req_parse(&r, h, sizeof h - 1, err, sizeof err),
	                 -1);
	assert_null(strchr(err, '\x1b'));
	char big[REQ_TEXT_MAX + 2];
	memset(big, '1', sizeof big);
	assert_int_equal(cargo_req_parse(&r, big, sizeof big, err, sizeof err),
	                 -1);
}

static void test_next__walks_releases_and_named_prereleases(void **state)
{
	cargo_req r = R(">=1.2.3-rc.1, <1.2.5");
	version v;
	char t[64];
	(void)state;
	assert_int_equal(cargo_req_next(&v, &r, NULL), 1);
	version_format(&v, t, sizeof t);
	assert_string_equal(t, "1.2.3-rc.1");
	bound b = { 1, 0, tl_version("1.2.3-rc.1") };
	assert_int_equal(cargo_req_next(&v, &r, &b), 1);
	version_format(&v, t, sizeof t);
	assert_string_equal(t, "1.2.3-rc.1.0");
	b.v = tl_version("1.2.3");
	assert_int_equal(cargo_req_next(&v, &r, &b), 1);
	version_format(&v, t, sizeof t);
	assert_string_equal(t, "1.2.4");
	b.v = tl_version("1.2.4");
	assert_int_equal(cargo_req_next(&v, &r, &b), 0);
	r = R(">2.0, <2.1");
	assert_int_equal(cargo_req_next(&v, &r, NULL), 0);
	r = R(">18446744073709551615");
	assert_int_equal(cargo_req_next(&v, &r, NULL), 0);
}

static void test_exposure__examples(void **state)
{
	cargo_exposure e;
	char s[128];
	(void)state;
	/* mio = "0.8" and RUSTSEC-2024-0019: [0.7.2, 0.8.11) */
	range mio = tl_range("0.7.2", "0.8.11");
	cargo_req r = R("0.8");
	assert_int_equal(cargo_req_exposure(&e, &r, &mio, 1), 0);
	assert_true(e.possibly && !e.insecure && e.has_fix);
	cargo_req_suggest(s, sizeof s, &r, &e.fix);
	assert_string_equal(s, "0.8.11");
	r = R("^0.8.2");
	cargo_req_exposure(&e, &r, &mio, 1);
	cargo_req_suggest(s, sizeof s, &r, &e.fix);
	assert_string_equal(s, "^0.8.11");
	r = R("0.8.11");
	assert_int_equal(cargo_req_exposure(&e, &r, &mio, 1), 0);
	assert_false(e.possibly);
	/* wholly inside: smallvec [1.0.0, 1.6.1) */
	range sv[2] = { tl_range("0.6.3", "0.6.14"), tl_range("1.0.0", "1.6.1") };
	r = R(">=1.0, <1.6");
	cargo_req_exposure(&e, &r, sv, 2);
	assert_true(e.possibly && e.insecure && !e.has_fix);
	r = R("=1.5.0");
	cargo_req_exposure(&e, &r, sv, 2);
	assert_true(e.insecure);
	r = R(">=0.6, <1.7");
	cargo_req_exposure(&e, &r, sv, 2);
	assert_true(e.possibly && !e.insecure && e.has_fix);
	cargo_req_suggest(s, sizeof s, &r, &e.fix);
	assert_string_equal(s, ">=1.6.1, <1.7.0");
	/* unfixed: possibly insecure, no fix */
	range open = tl_range("2.0.0", NULL);
	r = R(">=1.5");
	cargo_req_exposure(&e, &r, &open, 1);
	assert_true(e.possibly && !e.insecure && !e.has_fix);
	/* a tilde keeps its form */
	range t = tl_range(NULL, "1.2.5");
	r = R("~1.2");
	cargo_req_exposure(&e, &r, &t, 1);
	cargo_req_suggest(s, sizeof s, &r, &e.fix);
	assert_string_equal(s, "~1.2.5");
	/* a caret whose upper bound the fix would move does not */
	r = R("0");
	range z = tl_range(NULL, "0.3.1");
	cargo_req_exposure(&e, &r, &z, 1);
	cargo_req_suggest(s, sizeof s, &r, &e.fix);
	assert_string_equal(s, ">=0.3.1, <1.0.0");
	/* a vulnerable prerelease is admitted only when named */
	range pre = tl_range("1.3.0-alpha", "1.3.0");
	r = R(">=1.2, <1.4");
	cargo_req_exposure(&e, &r, &pre, 1);
	assert_false(e.possibly);
	r = R(">=1.3.0-alpha.2, <1.4");
	cargo_req_exposure(&e, &r, &pre, 1);
	assert_true(e.possibly && !e.insecure);
	cargo_req_suggest(s, sizeof s, &r, &e.fix);
	assert_string_equal(s, ">=1.3.0, <1.4.0");
}

/* ---- the property test ---------------------------------------------- */

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng_state >> 33) % n);
}

static const char *const PRE[] = { "", "0", "alpha", "alpha.1", "beta", "rc.1" };
#define NPRE (sizeof PRE / sizeof PRE[0])

static void rand_version(char *buf, size_t cap, int full)
{
	unsigned a = rnd(3), b = rnd(4), c = rnd(4);
	int parts = full ? 3 : 1 + (int)rnd(3);
	const char *p = PRE[rnd(NPRE)];
	if (parts == 1)
		snprintf(buf, cap, "%u", a);
	else if (parts == 2)
		snprintf(buf, cap, "%u.%u", a, b);
	else if (*p && rnd(2) == 0)
		snprintf(buf, cap, "%u.%u.%u-%s", a, b, c, p);
	else
		snprintf(buf, cap, "%u.%u.%u", a, b, c);
}

static void rand_req(char *buf, size_t cap)
{
	static const char *const ops[] = { "", "^", "~", "=", ">", ">=", "<",
	                                   "<=", "wild" };
	size_t at = 0;
	unsigned n = rnd(4) == 0 ? 3 : 1 + rnd(2);
	if (rnd(40) == 0) {
		snprintf(buf, cap, "*");
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		char v[64];
		const char *op = ops[rnd(9)];
		if (!strcmp(op, "wild")) {
			unsigned a = rnd(3), b = rnd(4);
			if (rnd(2))
				snprintf(v, sizeof v, "%u.*", a);
			else
				snprintf(v, sizeof v, "%u.%u.x", a, b);
			op = "";
		} else {
			rand_version(v, sizeof v, 0);
		}
		at += (size_t)snprintf(buf + at, cap - at, "%s%s%s",
		                       i ? ", " : "", op, v);
	}
}

/* Every x.y.z (small numbers) with every prerelease of the list, plus
 * the bounds of the ranges and comparators and the version right after
 * each: a witness for any answer is among them. */
#define NSAMPLES 1200
static version samples[NSAMPLES];
static size_t nsamples;

static void add_sample(const version *v)
{
	if (nsamples < NSAMPLES)
		samples[nsamples++] = *v;
}

static void add_near(const version *v)
{
	version n, r = *v;
	add_sample(v);
	if (version_next(&n, v) == 0)
		add_sample(&n);
	r.pre_len = 0;
	r.pre[0] = '\0';
	add_sample(&r);
	if (version_next(&n, &r) == 0) {
		n.pre_len = 0;
		n.pre[0] = '\0';
		add_sample(&n);
	}
}

static void grid(void)
{
	char t[64];
	nsamples = 0;
	for (unsigned a = 0; a < 4; a++)
		for (unsigned b = 0; b < 5; b++)
			for (unsigned c = 0; c < 5; c++)
				for (size_t p = 0; p < NPRE; p++) {
					snprintf(t, sizeof t, "%u.%u.%u%s%s", a, b, c,
					         *PRE[p] ? "-" : "", PRE[p]);
					version v = tl_version(t);
					add_sample(&v);
				}
}

static int vulnerable(const range *g, size_t n, const version *v)
{
	return ranges_contain(g, n, v);
}

static void one_case(const char *req, range *g, size_t ng)
{
	cargo_req r = R(req);
	cargo_exposure e;
	size_t base = nsamples;
	int any = 0, poss = 0, all_vuln = 1;
	const version *last_bad = NULL;

	for (size_t i = 0; i < ng; i++) {
		if (g[i].has_introduced)
			add_near(&g[i].introduced);
		if (g[i].has_fixed)
			add_near(&g[i].fixed);
	}
	for (size_t i = 0; i < r.n; i++)
		add_near(&r.c[i].v);
	assert_int_equal(cargo_req_exposure(&e, &r, g, ng), 0);
	for (size_t i = 0; i < nsamples; i++) {
		const version *v = &samples[i];
		if (!cargo_req_matches(&r, v))
			continue;
		any = 1;
		if (vulnerable(g, ng, v)) {
			poss = 1;
			if (!last_bad || version_cmp(v, last_bad) > 0)
				last_bad = v;
		} else {
			all_vuln = 0;
		}
	}
	char vs[64] = "";
	if (e.has_fix)
		version_format(&e.fix, vs, sizeof vs);
	if (e.admits != any || e.possibly != poss ||
	    e.insecure != (any && poss && all_vuln))
		fail_msg("%s: admits %d/%d possibly %d/%d insecure %d/%d",
		         req, e.admits, any, e.possibly, poss, e.insecure,
		         any && poss && all_vuln);
	assert_int_equal(cargo_req_hits(&r, g, ng), poss);
	if (e.has_fix) {
		char s[256];
		cargo_req sug;
		/* the fix is admitted and safe; every admitted sample at or
		 * above it is safe; nothing admitted lies between the last
		 * admitted vulnerable sample and it */
		assert_true(poss && !e.insecure);
		assert_true(cargo_req_matches(&r, &e.fix));
		assert_false(vulnerable(g, ng, &e.fix));
		cargo_req_suggest(s, sizeof s, &r, &e.fix);
		char err[200];
		if (cargo_req_parse(&sug, s, strlen(s), err, sizeof err) != 0)
			fail_msg("%s: suggestion %s: %s", req, s, err);
		assert_true(cargo_req_matches(&sug, &e.fix));
		for (size_t i = 0; i < nsamples; i++) {
			const version *v = &samples[i];
			int in = cargo_req_matches(&r, v);
			if (in && version_cmp(v, &e.fix) >= 0 && vulnerable(g, ng, v))
				fail_msg("%s: fix %s, %zu still vulnerable", req, vs, i);
			if (in && version_cmp(v, &e.fix) < 0 &&
			    version_cmp(v, last_bad) > 0)
				fail_msg("%s: fix %s is not the smallest", req, vs);
			if (cargo_req_matches(&sug, v) &&
			    (!in || vulnerable(g, ng, v)))
				fail_msg("%s: suggestion %s admits a bad sample",
				         req, s);
			if (in && version_cmp(v, &e.fix) >= 0 && v->pre_len == 0 &&
			    !cargo_req_matches(&sug, v))
				fail_msg("%s: suggestion %s loses a release", req, s);
		}
	} else if (poss && !e.insecure) {
		/* no fix: the highest admitted sample is vulnerable */
		const version *top = NULL;
		for (size_t i = 0; i < nsamples; i++)
			if (cargo_req_matches(&r, &samples[i]) &&
			    (!top || version_cmp(&samples[i], top) > 0))
				top = &samples[i];
		if (!top || !vulnerable(g, ng, top))
			fail_msg("%s: no fix, but the top sample is safe", req);
	}
	nsamples = base;
}

static void test_property__interval_arithmetic_agrees_with_samples(
	void **state)
{
	(void)state;
	grid();
	rng_state = 20261122;
	for (int iter = 0; iter < 3000; iter++) {
		char req[256], a[64], b[64];
		range g[3];
		size_t ng = 1 + rnd(3);
		rand_req(req, sizeof req);
		for (size_t i = 0; i < ng; i++) {
			memset(&g[i], 0, sizeof g[i]);
			rand_version(a, sizeof a, 1);
			rand_version(b, sizeof b, 1);
			version x = tl_version(a), y = tl_version(b);
			if (version_cmp(&x, &y) > 0) {
				version t = x;
				x = y;
				y = t;
			}
			g[i].has_introduced = rnd(5) != 0;
			g[i].introduced = x;
			g[i].has_fixed = rnd(5) != 0;
			g[i].fixed = y;
		}
		one_case(req, g, ng);
	}
}

static int by_version(const void *a, const void *b)
{
	return version_cmp(a, b);
}

/* The interval form and the literal matcher agree version by version:
 * from each sample, cargo_req_next() gives an admitted version no higher
 * than the first admitted sample at or above it. */
static void test_property__next_enumerates_exactly_the_matches(void **state)
{
	static int in[NSAMPLES];
	(void)state;
	grid();
	qsort(samples, nsamples, sizeof samples[0], by_version);
	rng_state = 7;
	for (int iter = 0; iter < 2000; iter++) {
		char req[256];
		rand_req(req, sizeof req);
		cargo_req r = R(req);
		for (size_t i = 0; i < nsamples; i++)
			in[i] = cargo_req_matches(&r, &samples[i]);
		size_t first = nsamples;        /* first admitted at >= i */
		for (size_t i = nsamples; i-- > 0;) {
			if (in[i])
				first = i;
			bound b = { 1, 1, samples[i] };
			version n;
			int rc = cargo_req_next(&n, &r, &b);
			assert_true(rc >= 0);
			if (rc == 1 && (!cargo_req_matches(&r, &n) ||
			                version_cmp(&n, &samples[i]) < 0))
				fail_msg("%s: next from %zu is not admitted", req, i);
			if (first < nsamples &&
			    (rc == 0 || version_cmp(&n, &samples[first]) > 0))
				fail_msg("%s: next from %zu skips an admitted "
				         "sample", req, i);
			b.inclusive = 0;
			rc = cargo_req_next(&n, &r, &b);
			if (rc == 1 && version_cmp(&n, &samples[i]) <= 0)
				fail_msg("%s: next above %zu is not above", req, i);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches__table),
		cmocka_unit_test(test_parse__rejected),
		cmocka_unit_test(test_next__walks_releases_and_named_prereleases),
		cmocka_unit_test(test_exposure__examples),
		cmocka_unit_test(test_property__interval_arithmetic_agrees_with_samples),
		cmocka_unit_test(test_property__next_enumerates_exactly_the_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
