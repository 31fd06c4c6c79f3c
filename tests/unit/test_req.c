/*
 * test_req.c — schema/req.c: requirement strings to intervals (accepted
 * with their exact interval, rejected with a message quoting the input),
 * interval membership, and the vulnerable ranges of sets of requirements.
 *
 * Expected intervals follow rustsec's UnaffectedRange and the expected
 * ranges its OSV export (see test_req_osv.c for the real-data check).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "req.h"
#include "testlib.h"

/* "[lo, hi)" with "-" for an unbounded side. */
static void show_interval(char *buf, size_t cap, const interval *iv)
{
	char lo[VERSION_TEXT_MAX + 1] = "-", hi[VERSION_TEXT_MAX + 1] = "-";
	if (iv->lo.present)
		version_format(&iv->lo.v, lo, sizeof lo);
	if (iv->hi.present)
		version_format(&iv->hi.v, hi, sizeof hi);
	snprintf(buf, cap, "%c%s, %s%c",
	         iv->lo.present && !iv->lo.inclusive ? '(' : '[', lo, hi,
	         iv->hi.present && iv->hi.inclusive ? ']' : ')');
}

/* "a..b a..b" with "-" for an absent bound, as OSV introduced/fixed. */
static void show_ranges(char *buf, size_t cap, const range *r, size_t n)
{
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && at < cap; i++) {
		char a[VERSION_TEXT_MAX + 1] = "-", b[VERSION_TEXT_MAX + 1] = "-";
		if (r[i].has_introduced)
			version_format(&r[i].introduced, a, sizeof a);
		if (r[i].has_fixed)
			version_format(&r[i].fixed, b, sizeof b);
		int w = snprintf(buf + at, cap - at, "%s%s..%s", i ? " " : "", a, b);
		if (w < 0)
			break;
		at += (size_t)w;
	}
}

static void test_parse__accepted(void **state)
{
	(void)state;
	static const char *cases[][2] = {
		{">= 1.2.3", "[1.2.3, -)"},
		{">=1.2.3", "[1.2.3, -)"},
		{">= 1.2.3 ", "[1.2.3, -)"},
		{"  >  1.2", "(1.2.0, -)"},
		{"> 1", "(1.0.0, -)"},
		{"< 1.2.3", "[-, 1.2.3)"},
		{"<= 0.1.2", "[-, 0.1.2]"},
		{"< 0.3.0-alpha.1", "[-, 0.3.0-alpha.1)"},
		{">= 1.2.3, < 1.3", "[1.2.3, 1.3.0)"},
		{"< 1.3,>= 1.2.3", "[1.2.3, 1.3.0)"},
		{"> 1.0.0, <= 2.0.0", "(1.0.0, 2.0.0]"},
		{"=1.2", "[1.2.0, 1.2.0]"},
		{"= 1.2.3-rc.1", "[1.2.3-rc.1, 1.2.3-rc.1]"},
		{"^1.2.3", "[1.2.3, 2.0.0-0)"},
		{"1.2.3", "[1.2.3, 2.0.0-0)"},
		{"^ 1.2.3", "[1.2.3, 2.0.0-0)"},
		{"^1.2", "[1.2.0, 2.0.0-0)"},
		{"^1", "[1.0.0, 2.0.0-0)"},
		{"^0.2.3", "[0.2.3, 0.3.0-0)"},
		{"^0.2", "[0.2.0, 0.3.0-0)"},
		{"^0.0.3", "[0.0.3, 0.0.4-0)"},
		{"^0.0", "[0.0.0, 0.1.0-0)"},
		{"^0", "[0.0.0, 1.0.0-0)"},
		{"0.0.0", "[0.0.0, 0.0.1-0)"},
		{"^0.0.3-beta", "[0.0.3-beta, 0.0.4-0)"},
		{"~1.2.3", "[1.2.3, 1.3.0-0)"},
		{"~1.2", "[1.2.0, 1.3.0-0)"},
		{"~1", "[1.0.0, 2.0.0-0)"},
		{"~0.0.1", "[0.0.1, 0.1.0-0)"},
		{"*", "[-, -)"},
		{" * ", "[-, -)"},
		{"x", "[-, -)"},
		{">= 1.2.3+build.1", "[1.2.3, -)"},
		{"=1.0.0, ", NULL},  /* trailing comma: rejected (NULL = reject) */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		interval iv;
		char err[256], got[1024];
		int rc = req_parse(&iv, cases[i][0], strlen(cases[i][0]), err,
		                   sizeof err);
		if (cases[i][1] == NULL) {
			assert_int_equal(rc, -1);
			continue;
		}
		if (rc != 0)
			fail_msg("req_parse(\"%s\") failed: %s", cases[i][0], err);
		show_interval(got, sizeof got, &iv);
		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("\"%s\": got %s, want %s", cases[i][0], got,
			         cases[i][1]);
	}
}

static void test_parse__rejected_quote_the_requirement(void **state)
{
	(void)state;
	static const char *bad[][2] = {
		{"", "missing version"},
		{"   ", "missing version"},
		{"1.*", "wildcard"},
		{"1.2.x", "wildcard"},
		{">= 1.*", "wildcard"},
		{"^1.2.*", "wildcard"},
		{"*, < 1.0", "wildcard"},
		{"!= 1.0", "bad version"},
		{"== 1.0", "bad version"},
		{"=> 1.0", "bad version"},
		{">= 1.0, < 2.0, < 3.0", "more than two"},
		{">= 1.0, > 1.5", "more than one lower"},
		{"< 1.0, <= 2.0", "more than one upper"},
		{"=1.0, < 2.0", "must be alone"},
		{"^1.0, < 2.0", "must be alone"},
		{"~1.0, >= 0.5", "must be alone"},
		{">= 2.0, < 1.0", "empty interval"},
		{"> 1.0.0, < 1.0.0", "empty interval"},
		{"> 1.0.0, <= 1.0.0", "empty interval"},
		{">= 1.0.0 < 2.0.0", "expected ','"},
		{">= 01.0", "leading zero"},
		{">= 1.2-rc.1", "bad version"},
		{">=\t1.0", "bad version"},
		{"^18446744073709551615", "overflows"},
		{"~1.18446744073709551615", "overflows"},
		{"^0.0.18446744073709551615", "overflows"},
		{"v1.0.0", "bad version"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		interval iv;
		char err[256], quoted[128];
		memset(err, 0, sizeof err);
		int rc = req_parse(&iv, bad[i][0], strlen(bad[i][0]), err,
		                   sizeof err);
		if (rc != -1)
			fail_msg("req_parse accepted \"%s\"", bad[i][0]);
		/* the message quotes the requirement, escaped (escape.h: a
		 * tab is \x09) */
		char *q = quoted;
		*q++ = '"';
		for (const char *p = bad[i][0]; *p; p++)
			q += *p == '\t' ? (size_t)sprintf(q, "\\x09")
			                : (size_t)sprintf(q, "%c", *p);
		sprintf(q, "\"");
		if (strstr(err, quoted) == NULL || strstr(err, bad[i][1]) == NULL)
			fail_msg("\"%s\": message \"%s\" lacks %s or %s", bad[i][0],
			         err, quoted, bad[i][1]);
	}
}

static void test_parse__hostile_input(void **state)
{
	(void)state;
	interval iv;
	char err[64];
	/* embedded NUL and bytes past len must not matter */
	assert_int_equal(req_parse(&iv, ">= 1.0\0junk", 11, err, sizeof err), -1);
	assert_int_equal(req_parse(&iv, ">= 1.0junk", 6, err, sizeof err), 0);
	assert_int_equal(req_parse(&iv, NULL, 0, err, sizeof err), -1);
	/* a small error buffer is filled, bounded and terminated */
	char tiny[8];
	memset(tiny, 'Z', sizeof tiny);
	assert_int_equal(req_parse(&iv, "1.*", 3, tiny, 5), -1);
	assert_int_equal(strlen(tiny), 4);
	assert_int_equal(tiny[5], 'Z');
	assert_int_equal(req_parse(&iv, "1.*", 3, NULL, 0), -1);
	/* over the length cap */
	char big[REQ_TEXT_MAX + 2];
	memset(big, ' ', sizeof big);
	big[0] = '*';
	assert_int_equal(req_parse(&iv, big, REQ_TEXT_MAX, err, sizeof err), 0);
	assert_int_equal(req_parse(&iv, big, sizeof big, err, sizeof err), -1);
}

static void test_interval_contains(void **state)
{
	(void)state;
	static const struct { const char *req, *v; int in; } cases[] = {
		{">= 1.2.3", "1.2.3", 1}, {">= 1.2.3", "1.2.3-rc.1", 0},
		{"> 1.2.3", "1.2.3", 0}, {"> 1.2.3", "1.2.4-0", 1},
		{"< 1.2.3", "1.2.3-rc.1", 1}, {"< 1.2.3", "1.2.3", 0},
		{"<= 1.2.3", "1.2.3", 1}, {"<= 1.2.3", "1.2.4-0", 0},
		{"^1.2.3", "1.9.9", 1}, {"^1.2.3", "2.0.0-alpha", 0},
		{"^1.2.3", "1.2.2", 0}, {"=1.2", "1.2.0", 1}, {"=1.2", "1.2.1", 0},
		{"~1.2.3", "1.2.99", 1}, {"~1.2.3", "1.3.0-0", 0},
		{"*", "0.0.0-0", 1}, {"*", "18446744073709551615.0.0", 1},
		{">= 1.0, < 2.0", "1.5.0", 1}, {">= 1.0, < 2.0", "2.0.0-0", 1},
		{">= 1.0, < 2.0", "2.0.0", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		interval iv;
		char err[128];
		assert_int_equal(req_parse(&iv, cases[i].req, strlen(cases[i].req),
		                           err, sizeof err), 0);
		version v = tl_version(cases[i].v);
		if (interval_contains(&iv, &v) != cases[i].in)
			fail_msg("%s contains %s: want %d", cases[i].req, cases[i].v,
			         cases[i].in);
	}
}

/* Parse a set of requirements and return the ranges as text. */
static int vulnerable(char *out, size_t cap, const char *const *reqs, size_t n,
                      char *err, size_t errcap)
{
	interval iv[8];
	range r[10];
	size_t nr = 0;
	for (size_t i = 0; i < n; i++)
		if (req_parse(&iv[i], reqs[i], strlen(reqs[i]), err, errcap) < 0)
			fail_msg("bad test requirement %s: %s", reqs[i], err);
	if (req_vulnerable(r, 10, &nr, iv, n, err, errcap) < 0)
		return -1;
	show_ranges(out, cap, r, nr);
	return 0;
}

static void test_vulnerable__cases(void **state)
{
	(void)state;
	static const struct { const char *reqs[5]; size_t n; const char *want; }
	cases[] = {
		{{NULL}, 0, "-..-"},
		{{">= 1.2.3"}, 1, "-..1.2.3"},
		{{"> 1.0"}, 1, "-..1.0.1-0"},
		{{"^1.2.3"}, 1, "-..1.2.3 2.0.0-0..-"},
		{{"<= 0.1.2"}, 1, "0.1.3-0..-"},
		{{"< 0.1.2"}, 1, "0.1.2..-"},
		{{">= 1.4.2", "< 1.1.0"}, 2, "1.1.0..1.4.2"},
		{{"< 1.1.0", ">= 1.4.2"}, 2, "1.1.0..1.4.2"},
		{{">= 0.7.1, < 0.8", ">= 0.8.2, < 0.9", ">= 0.9.2"}, 3,
		 "-..0.7.1 0.8.0..0.8.2 0.9.0..0.9.2"},
		/* touching intervals leave the empty range rustsec writes */
		{{">= 1.0.2, < 1.1.0", ">= 1.1.5, < 1.2.0", ">= 1.2.0"}, 3,
		 "-..1.0.2 1.1.0..1.1.5 1.2.0..1.2.0"},
		{{">= 2.0.0-alpha.5", "< 2.0.0-alpha.1"}, 2,
		 "2.0.0-alpha.1..2.0.0-alpha.5"},
		{{"> 1.2.3-rc.1"}, 1, "-..1.2.3-rc.1.0"},
		{{"<= 1.2.3-rc.1"}, 1, "1.2.3-rc.1.0..-"},
		{{"=1.2.3", "=1.2.5"}, 2, "-..1.2.3 1.2.4-0..1.2.5 1.2.6-0..-"},
		{{"*"}, 1, ""},
		{{"~0.3.1", "^0.4.2"}, 2, "-..0.3.1 0.4.0-0..0.4.2 0.5.0-0..-"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char got[512], err[256];
		if (vulnerable(got, sizeof got, cases[i].reqs, cases[i].n, err,
		               sizeof err) < 0)
			fail_msg("case %zu failed: %s", i, err);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, got,
			         cases[i].want);
	}
}

static void test_vulnerable__overlap_is_an_error(void **state)
{
	(void)state;
	static const struct { const char *reqs[3]; size_t n; } cases[] = {
		{{">= 1.0", ">= 2.0"}, 2},
		{{"*", "< 1.0"}, 2},
		{{"< 1.0.0", "<= 0.5.0"}, 2},
		{{"<= 1.2.3", ">= 1.2.3"}, 2},
		{{"^1.2", ">= 1.9.0, < 3.0.0"}, 2},
		{{"=1.0.0", "=1.0.0"}, 2},
		{{"< 1.0", ">= 2.0", ">= 1.5, < 2.5"}, 3},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char got[512], err[256];
		if (vulnerable(got, sizeof got, cases[i].reqs, cases[i].n, err,
		               sizeof err) != -1)
			fail_msg("case %zu: overlap accepted, ranges %s", i, got);
		assert_non_null(strstr(err, "overlapping"));
	}
	/* touching but not overlapping: fine */
	const char *ok[] = {"< 1.2.3", ">= 1.2.3"};
	char got[128], err[128];
	assert_int_equal(vulnerable(got, sizeof got, ok, 2, err, sizeof err), 0);
	assert_string_equal(got, "1.2.3..1.2.3");
}

static void test_vulnerable__capacity(void **state)
{
	(void)state;
	interval iv[2];
	range r[3];
	size_t n = 99;
	char err[128];
	assert_int_equal(req_parse(&iv[0], "=1.0.0", 6, err, sizeof err), 0);
	assert_int_equal(req_parse(&iv[1], "=2.0.0", 6, err, sizeof err), 0);
	assert_int_equal(req_vulnerable(r, 2, &n, iv, 2, err, sizeof err), -1);
	assert_int_equal(n, 0);
	assert_int_equal(req_vulnerable(r, 3, &n, iv, 2, err, sizeof err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(req_vulnerable(r, 0, &n, iv, 0, err, sizeof err), -1);
	assert_int_equal(req_vulnerable(r, 1, &n, iv, 0, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_false(r[0].has_introduced || r[0].has_fixed);
}

static void test_ranges_contain(void **state)
{
	(void)state;
	interval iv[2];
	range r[4];
	size_t n;
	char err[128];
	assert_int_equal(req_parse(&iv[0], "< 1.1.0", 7, err, sizeof err), 0);
	assert_int_equal(req_parse(&iv[1], ">= 1.4.2", 8, err, sizeof err), 0);
	assert_int_equal(req_vulnerable(r, 4, &n, iv, 2, err, sizeof err), 0);
	static const struct { const char *v; int in; } cases[] = {
		{"1.0.9", 0}, {"1.1.0-rc.1", 0}, {"1.1.0", 1}, {"1.3.9", 1},
		{"1.4.2-rc.1", 1}, {"1.4.2", 0}, {"9.0.0", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		version v = tl_version(cases[i].v);
		assert_int_equal(ranges_contain(r, n, &v), cases[i].in);
		/* the ranges are exactly the versions no interval contains */
		int unaffected = interval_contains(&iv[0], &v) ||
		                 interval_contains(&iv[1], &v);
		assert_int_equal(unaffected, !cases[i].in);
	}
	version v = tl_version("1.0.0");
	assert_int_equal(ranges_contain(r, 0, &v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse__accepted),
		cmocka_unit_test(test_parse__rejected_quote_the_requirement),
		cmocka_unit_test(test_parse__hostile_input),
		cmocka_unit_test(test_interval_contains),
		cmocka_unit_test(test_vulnerable__cases),
		cmocka_unit_test(test_vulnerable__overlap_is_an_error),
		cmocka_unit_test(test_vulnerable__capacity),
		cmocka_unit_test(test_ranges_contain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
