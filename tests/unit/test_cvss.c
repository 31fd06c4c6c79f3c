/*
 * test_cvss.c — CVSS parsing, validation, 3.x base scores and 4.0 scores.
 *
 * 3.x scores come from the worked examples of FIRST's "CVSS v3.1
 * Examples" document and from the spec's formula worked by hand (noted
 * where so). 4.0 scores, macro vectors and ratings come from FIRST's
 * CVSS v4.0 calculator itself (cvss40.js, the version with the rounding
 * fix, run under node on each vector), the lookup-table figures from its
 * cvss_lookup.js. They are the oracle; the code under test never
 * produced them. Property tests check every macro vector's highest
 * vectors and every base vector, and the real advisory-db (from
 * ../shared/data or $ADVDB_SHARED, skipped with the reason when absent)
 * has every CVSS 4.0 vector scored and rated through the advisory parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "advisory.h"
#include "cvss.h"
#include "cvss_int.h"
#include "record.h"
#include "testlib.h"

static int parse(cvss *c, const char *s, char *err, size_t cap)
{
	return cvss_parse(c, s, strlen(s), err, cap);
}

static void expect_score(const char *vec, unsigned score10, int sev)
{
	cvss c;
	char err[256];

	if (parse(&c, vec, err, sizeof(err)) != 0)
		fail_msg("%s: %s", vec, err);
	if (c.score10 != score10)
		fail_msg("%s: got %u.%u, want %u.%u", vec, c.score10 / 10,
		         c.score10 % 10, score10 / 10, score10 % 10);
	assert_int_equal(c.has_score, 1);
	assert_int_equal(c.severity, sev);
}

static void expect_bad(const char *vec, const char *needle)
{
	cvss c;
	char err[256];

	if (parse(&c, vec, err, sizeof(err)) == 0)
		fail_msg("accepted: %s", vec);
	if (!strstr(err, needle))
		fail_msg("%s: message \"%s\" lacks \"%s\"", vec, err, needle);
}

static void test_cvss__spec_critical(void **state)
{
	(void)state;
	expect_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98,
	             ADV_SEV_CRITICAL);
	expect_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100,
	             ADV_SEV_CRITICAL);
	/* CVE-2012-1516: scope changed, PR:L weighs 0.68 */
	expect_score("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99,
	             ADV_SEV_CRITICAL);
}

static void test_cvss__spec_examples(void **state)
{
	(void)state;
	expect_score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 55,
	             ADV_SEV_MEDIUM);
	/* Heartbleed */
	expect_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75,
	             ADV_SEV_HIGH);
	/* CVE-2013-1937, reflected XSS */
	expect_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61,
	             ADV_SEV_MEDIUM);
	/* CVE-2013-0375 */
	expect_score("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 64,
	             ADV_SEV_MEDIUM);
	/* POODLE */
	expect_score("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 31,
	             ADV_SEV_LOW);
	/* CVE-2009-0783 */
	expect_score("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 42,
	             ADV_SEV_MEDIUM);
	/* CVE-2012-0384 */
	expect_score("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 88,
	             ADV_SEV_HIGH);
	/* CVE-2008-1447 */
	expect_score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 68,
	             ADV_SEV_MEDIUM);
	/* CVE-2014-2005, physical access */
	expect_score("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 68,
	             ADV_SEV_MEDIUM);
	/* CVE-2010-0467 */
	expect_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 58,
	             ADV_SEV_MEDIUM);
}

static void test_cvss__hand_worked(void **state)
{
	(void)state;
	/* 8.22*.2*.77*.85*.85 = 0.9146; 6.42*.22 = 1.4124; sum 2.327 -> 2.4 */
	expect_score("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 24,
	             ADV_SEV_LOW);
	/* no impact: 0.0 whatever the exploitability */
	expect_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0,
	             ADV_SEV_NONE);
	expect_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N", 0,
	             ADV_SEV_NONE);
	/* 8.22*.85*.77*.85*.85 = 3.887; 6.42*.22 = 1.4124; 5.30 -> 5.3 */
	expect_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 53,
	             ADV_SEV_MEDIUM);
}

static void test_cvss__any_order_and_v30(void **state)
{
	(void)state;
	expect_score("CVSS:3.0/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N", 98,
	             ADV_SEV_CRITICAL);
	expect_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 75,
	             ADV_SEV_HIGH);
}

static void test_cvss__temporal_ignored(void **state)
{
	(void)state;
	expect_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/"
	             "RC:C/CR:H/MAV:L/MS:C", 98, ADV_SEV_CRITICAL);
}

static void test_cvss__v40_validated(void **state)
{
	cvss c;
	char err[256];

	(void)state;
	assert_int_equal(parse(&c, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/"
	                 "VI:H/VA:H/SC:N/SI:N/SA:N", err, sizeof(err)), 0);
	assert_int_equal(c.major, 4);
	assert_int_equal(c.minor, 0);
	assert_int_equal(c.has_score, 1);
	expect_bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
	           "base metric SA missing");
	expect_bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/"
	           "SA:N/U:Blue", "bad value \"Blue\" for U");
	expect_bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/"
	           "SA:N", "bad value \"R\" for UI");
	/* S (Safety) exists only as a modified value */
	expect_bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/"
	           "SA:N", "bad value \"S\" for SI");
	expect_bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/"
	           "SA:N/MSC:S", "bad value \"S\" for MSC");
	expect_bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/"
	           "SA:N/E:A/E:A", "metric E given twice");
}

/* Vector, macro vector (EQ1..EQ6), score * 10 and rating as FIRST's CVSS
 * v4.0 calculator gives them (cvss40.js d1eafe0 of its upstream,
 * RedHatProductSecurity/cvss-v4-calculator, 2024-11-01). */
static const struct v4_case {
	const char *vector;
	const char *macro;
	unsigned score10;
	int severity;
} first_calculator[] = {
	/* 10.0: the most severe base vector */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
	  "000100", 100, ADV_SEV_CRITICAL },
	/* EQ4=2 (no subsequent impact) */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "000200", 93, ADV_SEV_CRITICAL },
	/* 0.0: no impact at all (also in advisory-db) */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
	  "002201", 0, ADV_SEV_NONE },
	/* impact on the subsequent system only (EQ3=2) */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H",
	  "002101", 79, ADV_SEV_HIGH },
	/* 0.1: the lowest macro vector 212221 (E:U) */
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L"
	  "/E:U",
	  "212221", 1, ADV_SEV_LOW },
	/* EQ1=2, EQ2=1, EQ3=2: distance within the macro vector; the
	 * second is in advisory-db */
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N",
	  "212201", 10, ADV_SEV_LOW },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N",
	  "212201", 10, ADV_SEV_LOW },
	/* advisory-db vectors */
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
	  "011200", 82, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
	  "001200", 87, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H",
	  "111100", 69, ADV_SEV_MEDIUM },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
	  "110100", 90, ADV_SEV_CRITICAL },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
	  "211200", 41, ADV_SEV_MEDIUM },
	/* advisory-db, threat metric: E:P (EQ5=1) and E:U (EQ5=2) */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N"
	  "/E:P",
	  "002211", 55, ADV_SEV_MEDIUM },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N"
	  "/E:U",
	  "012221", 17, ADV_SEV_LOW },
	/* advisory-db: interpolation in EQ1, EQ3 and EQ4 at once */
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:N/VC:L/VI:H/VA:N/SC:H/SI:H/SA:H",
	  "111100", 73, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:N/VI:H/VA:L/SC:H/SI:H/SA:H",
	  "101100", 83, ADV_SEV_HIGH },
	/* advisory-db: UI:A with L impacts */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
	  "102201", 51, ADV_SEV_MEDIUM },
	/* EQ1=1 through each of AV, PR, UI; EQ1=2 through AV:P */
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "100200", 87, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "100200", 86, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "200200", 70, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "100200", 87, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "100200", 86, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "100200", 87, ADV_SEV_HIGH },
	/* EQ2=1 through AC:H and through AT:P */
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "010200", 92, ADV_SEV_CRITICAL },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "010200", 92, ADV_SEV_CRITICAL },
	/* EQ3=1 and EQ3=2 with the worst-case CR/IR/AR */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N",
	  "001200", 88, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N",
	  "002201", 69, ADV_SEV_MEDIUM },
	/* SC/SI/SA:L stay in EQ4=2 like N */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L",
	  "000200", 93, ADV_SEV_CRITICAL },
	/* E:P and E:U on 9.3 */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	  "/E:P",
	  "000210", 89, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	  "/E:U",
	  "000220", 81, ADV_SEV_HIGH },
	/* EQ6=1: security requirements below High */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	  "/CR:L/IR:L/AR:L",
	  "000201", 89, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	  "/CR:M/IR:M/AR:M",
	  "000201", 90, ADV_SEV_CRITICAL },
	/* EQ4=0 through MSI:S and MSA:S */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	  "/MSI:S",
	  "000000", 100, ADV_SEV_CRITICAL },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L"
	  "/MSA:S",
	  "002001", 90, ADV_SEV_CRITICAL },
	/* modified metrics: every impact set to N scores 0.0, and the least
	 * severe base vector raised to the most severe one scores 10.0 */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"
	  "/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N",
	  "002201", 0, ADV_SEV_NONE },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N"
	  "/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S"
	  "/MSA:S",
	  "000000", 100, ADV_SEV_CRITICAL },
	/* X and supplemental metrics change nothing */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"
	  "/E:X/CR:X/IR:X/AR:X/MAV:X/S:P/AU:Y/R:I/V:C/RE:H/U:Red",
	  "000100", 100, ADV_SEV_CRITICAL },
	/* x.x5 ties reported against the calculator (its issues 66 and 48,
	 * and issue 63 of Red Hat's Python cvss, there in another metric
	 * order): 8.55 -> 8.6 (FIRSTdotorg's copy without the 1e-6 lift
	 * says 8.5 for the first and the last), 8.95 -> 9.0, 0.35 -> 0.4 */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H",
	  "101100", 86, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H"
	  "/E:P",
	  "010110", 90, ADV_SEV_CRITICAL },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N"
	  "/E:U",
	  "112221", 4, ADV_SEV_LOW },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:N/SA:H"
	  "/E:A/CR:H/IR:M/AR:H/MAV:A/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:N"
	  "/MVA:H/MSC:H/MSI:H/MSA:H/S:N/AU:N/R:I/V:C/RE:M/U:Green",
	  "101100", 86, ADV_SEV_HIGH },
	/* supplemental metrics with threat and base */
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L"
	  "/E:A/S:P/AU:Y/R:A/V:D/RE:L/U:Red",
	  "210200", 54, ADV_SEV_MEDIUM },
	/* advisory-db; then E:P on a vector of EQ1=2, EQ2=1 */
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "110200", 73, ADV_SEV_HIGH },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L"
	  "/E:P",
	  "210210", 45, ADV_SEV_MEDIUM },
	/* EQ6=0 through AR:H and VA:H only; EQ6=1 with the same base */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
	  "102201", 51, ADV_SEV_MEDIUM },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:H/SC:N/SI:N/SA:N"
	  "/CR:L/IR:L/AR:H",
	  "001200", 87, ADV_SEV_HIGH },
	/* CR:M on VC:H */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:H/SC:N/SI:N/SA:N"
	  "/CR:L/IR:L/AR:L",
	  "001201", 78, ADV_SEV_HIGH },
	/* 0.1 again, through a different macro vector (211221) */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N"
	  "/CR:M",
	  "001201", 80, ADV_SEV_HIGH },
	/* MAV/MPR raise EQ1 from 1 to 0 */
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:L/VI:H/VA:L/SC:N/SI:L/SA:N"
	  "/E:U/CR:L/IR:L/AR:L",
	  "211221", 1, ADV_SEV_LOW },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	  "/MAV:N/MPR:N",
	  "000200", 93, ADV_SEV_CRITICAL },
};

/* The cvss4_metrics value indexes of a 4.0 vector known to be valid, as
 * cvss_parse's check leaves them (-1: metric absent). */
static void v4_indexes(int *idx, const char *vector)
{
	char buf[CVSS_TEXT_MAX + 1], *save = NULL;

	for (int m = 0; m < M4_COUNT; m++)
		idx[m] = -1;
	assert_true(strlen(vector) < sizeof(buf) &&
	            strncmp(vector, "CVSS:4.0/", 9) == 0);
	strcpy(buf, vector + 9);
	for (char *tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		char *colon = strchr(tok, ':');
		assert_non_null(colon);
		*colon = '\0';
		for (int m = 0; m < M4_COUNT; m++) {
			if (strcmp(cvss4_metrics[m].name, tok) != 0)
				continue;
			for (int x = 0; x < CVSS_MAX_VALUES &&
			     cvss4_metrics[m].values[x]; x++)
				if (!strcmp(cvss4_metrics[m].values[x],
				            colon + 1))
					idx[m] = x;
		}
	}
}

static void expect_v4(const struct v4_case *t)
{
	cvss c;
	char err[256], mv[7];
	int idx[M4_COUNT];

	if (parse(&c, t->vector, err, sizeof(err)) != 0)
		fail_msg("%s: %s", t->vector, err);
	if (c.score10 != t->score10)
		fail_msg("%s: got %u.%u, want %u.%u", t->vector, c.score10 / 10,
		         c.score10 % 10, t->score10 / 10, t->score10 % 10);
	assert_int_equal(c.has_score, 1);
	assert_int_equal(c.severity, t->severity);
	v4_indexes(idx, t->vector);
	cvss4_macro_vector(mv, idx);
	if (strcmp(mv, t->macro) != 0)
		fail_msg("%s: macro vector %s, want %s", t->vector, mv,
		         t->macro);
}

static void test_cvss__v40_first_calculator(void **state)
{
	int seen[5] = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(first_calculator) /
	     sizeof(first_calculator[0]); i++) {
		expect_v4(&first_calculator[i]);
		seen[first_calculator[i].severity]++;
	}
	/* the cases span every rating */
	for (int r = 0; r < 5; r++)
		assert_true(seen[r] > 0);
}

/* Metric order does not matter (rustsec accepts any order; FIRST's
 * calculator wants the specification's), nor do supplemental metrics. */
static void test_cvss__v40_order_and_supplemental(void **state)
{
	(void)state;
	/* issue 63 of Red Hat's Python cvss, in its own order: 8.55 -> 8.6 */
	expect_score("CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/"
	             "SI:N/SA:H/S:N/AU:N/R:I/V:C/RE:M/U:Green/MAV:A/MAC:L/MAT:N/"
	             "MPR:N/MUI:N/MVC:H/MVI:N/MVA:H/MSC:H/MSI:H/MSA:H/CR:H/IR:M/"
	             "AR:H/E:A", 86, ADV_SEV_HIGH);
	expect_score("CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/"
	             "AC:L/AV:N", 93, ADV_SEV_CRITICAL);
	expect_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/"
	             "SI:N/SA:N/U:Clear/RE:L/V:D/R:A/AU:N/S:N", 93,
	             ADV_SEV_CRITICAL);
}

/* Digit combination x (0..323) of the macro-vector space, in order: the
 * digits of x in the mixed radix 3,2,3,3,3,2 (EQ1..EQ6). */
static void macro_digits(int *d, char *mv, unsigned x)
{
	static const unsigned radix[6] = { 3, 2, 3, 3, 3, 2 };

	for (int i = 5; i >= 0; i--) {
		d[i] = (int)(x % radix[i]);
		mv[i] = (char)('0' + d[i]);
		x /= radix[i];
	}
	mv[6] = '\0';
}

/* FIRST's lookup table as the table transcribes it: 270 of the 324 digit
 * combinations, the missing 54 exactly those with EQ3=2 and EQ6=0 (no
 * High impact on the vulnerable system, so no High requirement can meet
 * one); the sum and the position-weighted sum of its scores * 10, in
 * macro-vector order, computed from cvss_lookup.js (c5b0d40). */
static void test_cvss__v40_lookup_table(void **state)
{
	long sum = 0, weighted = 0;
	int present = 0;

	(void)state;
	/* every digit combination, in macro-vector order */
	for (unsigned x = 0; x < 324; x++) {
		int d[6];
		char mv[7];
		macro_digits(d, mv, x);
		int v = cvss4_macro_score10(mv);
		if (d[2] == 2 && d[5] == 0) {
			if (v != -1)
				fail_msg("%s should not be a macro vector", mv);
			continue;
		}
		if (v < 1 || v > 100)
			fail_msg("%s: %d", mv, v);
		present++;
		sum += v;
		weighted += (long)present * v;
	}
	assert_int_equal(present, 270);
	assert_int_equal(sum, 16563);
	assert_int_equal(weighted, 1868586);
	/* a few entries as cvss_lookup.js writes them */
	assert_int_equal(cvss4_macro_score10("000000"), 100);
	assert_int_equal(cvss4_macro_score10("000001"), 99);
	assert_int_equal(cvss4_macro_score10("001221"), 48);
	assert_int_equal(cvss4_macro_score10("002221"), 27);
	assert_int_equal(cvss4_macro_score10("212221"), 1);
	/* not macro vectors */
	assert_int_equal(cvss4_macro_score10("300000"), -1);
	assert_int_equal(cvss4_macro_score10("00000"), -1);
	assert_int_equal(cvss4_macro_score10("0000000"), -1);
	assert_int_equal(cvss4_macro_score10(NULL), -1);
}

/*
 * Every highest-severity vector of every macro vector scores the table's
 * value and falls in that macro vector. The highest vectors are the
 * specification's, per EQ level (FIRST calculator, max_composed.js), in
 * the calculator's own notation; SI:S/SA:S exist only as MSI/MSA, so the
 * vector carries SI:H/MSI:S. Every combination across the EQs is tried.
 */
static const char *const hv_eq1[3][4] = {
	{ "AV:N/PR:N/UI:N" },
	{ "AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P" },
	{ "AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P" },
};
static const char *const hv_eq2[2][3] = {
	{ "AC:L/AT:N" },
	{ "AC:H/AT:N", "AC:L/AT:P" },
};
static const char *const hv_eq36[3][2][6] = {
	{ { "VC:H/VI:H/VA:H/CR:H/IR:H/AR:H" },
	  { "VC:H/VI:H/VA:L/CR:M/IR:M/AR:H",
	    "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M" } },
	{ { "VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H" },
	  { "VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M",
	    "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H",
	    "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M" } },
	{ { NULL }, { "VC:L/VI:L/VA:L/CR:H/IR:H/AR:H" } },
};
static const char *const hv_eq4[3] = {
	"SC:H/SI:H/SA:H/MSI:S/MSA:S", "SC:H/SI:H/SA:H", "SC:L/SI:L/SA:L",
};
static const char *const hv_eq5[3] = { "E:A", "E:P", "E:U" };

/* Check one highest vector (parts joined by '/') of macro vector mv,
 * whose table value is want. */
static void check_highest(const char *mv, int want, const char *eq1,
                          const char *eq2, const char *eq36,
                          const char *eq4, const char *eq5)
{
	char v[CVSS_TEXT_MAX + 1], err[256], got[7];
	int idx[M4_COUNT];
	cvss cv;
	int n = snprintf(v, sizeof(v), "CVSS:4.0/%s/%s/%s/%s/%s", eq1, eq2,
	                 eq36, eq4, eq5);

	assert_true(n > 0 && (size_t)n < sizeof(v));
	if (cvss_parse(&cv, v, (size_t)n, err, sizeof(err)) != 0)
		fail_msg("%s: %s", v, err);
	if (cv.score10 != (unsigned)want)
		fail_msg("%s (%s): got %u, want %d", v, mv, cv.score10, want);
	v4_indexes(idx, v);
	cvss4_macro_vector(got, idx);
	if (strcmp(got, mv) != 0)
		fail_msg("highest vector of %s is in %s", mv, got);
}

static void test_cvss__v40_highest_vectors(void **state)
{
	int macros = 0, vectors = 0;

	(void)state;
	for (unsigned x = 0; x < 324; x++) {
		int q[6];
		char mv[7];
		macro_digits(q, mv, x);
		int a = q[0], b = q[1], c = q[2], d = q[3], e = q[4], f = q[5];
		int want = cvss4_macro_score10(mv);
		if (want < 0)
			continue;
		macros++;
		/* every combination of the EQs' highest vectors */
		for (int y = 0; y < 4 * 3 * 6; y++) {
			const char *h1 = hv_eq1[a][y / 18], *h2 = hv_eq2[b][y / 6 % 3];
			const char *h36 = hv_eq36[c][f][y % 6];
			if (!h1 || !h2 || !h36)
				continue;
			check_highest(mv, want, h1, h2, h36, hv_eq4[d], hv_eq5[e]);
			vectors++;
		}
	}
	assert_int_equal(macros, 270);
	print_message("# %d highest vectors of 270 macro vectors checked\n",
	              vectors);
}

static int rating_band(unsigned score10)
{
	return score10 == 0 ? ADV_SEV_NONE
	    : score10 < 40 ? ADV_SEV_LOW
	    : score10 < 70 ? ADV_SEV_MEDIUM
	    : score10 < 90 ? ADV_SEV_HIGH : ADV_SEV_CRITICAL;
}

/* What a run of vectors scored: count, sum of scores * 10, the FNV-1a
 * digest of one byte (score * 10) per vector, and the count per rating. */
typedef struct tally {
	long n, sum;
	uint32_t digest;
	long rating[5];       /* none, low, medium, high, critical */
} tally;

#define TALLY_INIT { 0, 0, 2166136261u, { 0 } }

/* Parse v, check its rating against the specification's bands, count it;
 * returns the score * 10. */
static unsigned tally_add(tally *t, const char *v, size_t len)
{
	char err[256];
	cvss c;

	if (cvss_parse(&c, v, len, err, sizeof(err)) != 0)
		fail_msg("%s: %s", v, err);
	if (c.severity != rating_band(c.score10))
		fail_msg("%s: rating %d for %u", v, c.severity, c.score10);
	t->n++;
	t->sum += c.score10;
	t->digest = (t->digest ^ c.score10) * 16777619u;
	t->rating[c.severity]++;
	return c.score10;
}

static void tally_expect(const tally *got, const tally *want)
{
	assert_int_equal(got->n, want->n);
	assert_int_equal(got->sum, want->sum);
	assert_int_equal(got->digest, want->digest);
	for (int r = 0; r < 5; r++)
		assert_int_equal(got->rating[r], want->rating[r]);
}

/*
 * Every one of the 104,976 base vectors (AV outermost, SA innermost, each
 * metric's values in cvss4_metrics order) gets FIRST's calculator's
 * score: the tally of the scores is that of cvss40.js (d1eafe0) over the
 * same sequence. Each vector also scores at most its macro vector's table
 * value (every share is a step down).
 */
static void test_cvss__v40_every_base_vector(void **state)
{
	/* none is exactly the 144 vectors without any impact */
	static const tally want = { 104976, 5964883, 0x35260e3au,
	                            { 144, 15438, 57559, 29278, 2557 } };
	tally t = TALLY_INIT;
	int pos[11] = { 0 };

	(void)state;
	for (;;) {
		char v[128], mv[7];
		int idx[M4_COUNT], len = snprintf(v, sizeof(v), "CVSS:4.0");

		for (int m = 0; m < 11; m++)
			len += snprintf(v + len, sizeof(v) - (size_t)len, "/%s:%s",
			                cvss4_metrics[m].name,
			                cvss4_metrics[m].values[pos[m]]);
		unsigned score10 = tally_add(&t, v, (size_t)len);
		v4_indexes(idx, v);
		cvss4_macro_vector(mv, idx);
		int table = cvss4_macro_score10(mv);
		if (table < 0 || score10 > (unsigned)table)
			fail_msg("%s: %u above its macro vector %s (%d)", v,
			         score10, mv, table);

		int m = 10;
		while (m >= 0 && !cvss4_metrics[m].values[++pos[m]])
			pos[m--] = 0;
		if (m < 0)
			break;
	}
	tally_expect(&t, &want);
}

/*
 * 20,000 vectors with threat, environmental and supplemental metrics,
 * drawn by xorshift32 (seed 0x2545F491): each base metric gets value
 * next() % nvalues, each other metric r = next() % (nvalues + 1), absent
 * when r is 0, else value r - 1 (X included), in the specification's
 * order. The tally is cvss40.js's over the same vectors (the generator
 * was run in node with the same arithmetic).
 */
static void test_cvss__v40_threat_environmental(void **state)
{
	static const tally want = { 20000, 988623, 0x63c8a8ccu,
	                            { 20, 6191, 8940, 4182, 667 } };
	tally t = TALLY_INIT;
	uint32_t x = 0x2545F491u;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		char v[CVSS_TEXT_MAX + 1];
		int len = snprintf(v, sizeof(v), "CVSS:4.0");

		for (int m = 0; m < M4_COUNT; m++) {
			uint32_t nv = 0;
			while (nv < CVSS_MAX_VALUES && cvss4_metrics[m].values[nv])
				nv++;
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			uint32_t r = m < M4_E ? x % nv + 1 : x % (nv + 1);
			if (r == 0)
				continue;
			len += snprintf(v + len, sizeof(v) - (size_t)len, "/%s:%s",
			                cvss4_metrics[m].name,
			                cvss4_metrics[m].values[r - 1]);
			assert_true((size_t)len < sizeof(v));
		}
		if (i == 0)
			assert_string_equal(v, "CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:N/"
			    "VC:H/VI:N/VA:L/SC:H/SI:L/SA:L/E:P/CR:L/IR:X/MAV:N/"
			    "MAC:H/MAT:X/MPR:N/MVI:N/MVA:N/MSI:N/MSA:X/S:N/AU:N/R:A/"
			    "RE:L/U:Red");
		tally_add(&t, v, (size_t)len);
	}
	tally_expect(&t, &want);
}

/* The real advisory-db: every CVSS 4.0 vector of every advisory goes
 * through the advisory parser into a record that carries its score and
 * a rating; the vectors are also counted straight from the text, so an
 * advisory whose vector did not reach the record is noticed. */
typedef struct v4_counts {
	int files, written, scored, bad;
	int rating[5];
} v4_counts;

/* `cvss = "CVSS:4.0/` lines of a file (front matter keys start a line). */
static int count_written_v4(const char *text, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len;) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i, k = 4;
		if (ll > 4 && memcmp(line, "cvss", 4) == 0) {
			while (k < ll && line[k] == ' ')
				k++;
			if (k < ll && line[k] == '=') {
				k++;
				while (k < ll && line[k] == ' ')
					k++;
				n += ll - k >= 10 &&
				     memcmp(line + k, "\"CVSS:4.0/", 10) == 0;
			}
		}
		i += ll + 1;
	}
	return n;
}

static void check_v4_file(const char *path, const char *rel, v4_counts *c)
{
	FILE *f = fopen(path, "rb");
	char *text = malloc(ADVISORY_FILE_MAX + 1);
	size_t len = 0;

	c->files++;
	if (!f || !text) {
		print_error("cannot read %s\n", path);
		c->bad++;
		if (f)
			fclose(f);
		free(text);
		return;
	}
	len = fread(text, 1, ADVISORY_FILE_MAX + 1, f);
	fclose(f);
	c->written += count_written_v4(text, len);

	advisory *a = NULL;
	diag_list d;
	diag_init(&d);
	if (advisory_parse(&a, "rustsec", rel, text, len, &d) != 0) {
		c->bad++;
		for (size_t i = 0; i < d.n && i < 3; i++)
			print_error("%s\n", d.v[i].text);
	}
	diag_free(&d);
	free(text);
	if (!a)
		return;
	const adv_record *r = advisory_record(a);
	if (r->cvss && strncmp(r->cvss, "CVSS:4.0/", 9) == 0) {
		cvss cv;
		char err[256];
		int band = rating_band(r->cvss_score10);
		if (cvss_parse(&cv, r->cvss, strlen(r->cvss), err,
		               sizeof(err)) != 0 || !cv.has_score ||
		    cv.score10 != r->cvss_score10 || r->cvss_score10 > 100 ||
		    r->severity != band) {
			print_error("%s: %s scored %u rated %d\n", rel, r->cvss,
			            r->cvss_score10, r->severity);
			c->bad++;
		} else {
			c->scored++;
			c->rating[band]++;
		}
	}
	advisory_free(a);
}

static void walk_v4(const char *root, const char *coll, v4_counts *c)
{
	char dir[4096];
	DIR *top;
	struct dirent *e;

	if (snprintf(dir, sizeof(dir), "%s/%s", root, coll) >= (int)sizeof(dir))
		fail_msg("path too long: %s", root);
	if (!(top = opendir(dir)))
		fail_msg("cannot open %s", dir);
	while ((e = readdir(top)) != NULL) {
		char sub[4096];
		DIR *in;
		struct dirent *f;
		if (e->d_name[0] == '.' ||
		    snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(sub) || !(in = opendir(sub)))
			continue;
		while ((f = readdir(in)) != NULL) {
			char path[4096], rel[1024];
			size_t n = strlen(f->d_name);
			if (n < 4 || strcmp(f->d_name + n - 3, ".md") != 0)
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", sub, f->d_name) >=
			    (int)sizeof(path) ||
			    snprintf(rel, sizeof(rel), "%s/%s/%s", coll, e->d_name,
			             f->d_name) >= (int)sizeof(rel)) {
				c->bad++;
				continue;
			}
			check_v4_file(path, rel, c);
		}
		closedir(in);
	}
	closedir(top);
}

static void test_cvss__v40_real_database(void **state)
{
	char bundle[2048], tmp[1024], root[1100];
	v4_counts c;

	(void)state;
	tl_bundle_or_skip(bundle, sizeof(bundle));
	tl_mkdtemp(tmp, sizeof(tmp), "advdb-test-cvss");
	snprintf(root, sizeof(root), "%s/db", tmp);
	int rc = tl_git_clone(bundle, root, NULL, NULL);
	memset(&c, 0, sizeof(c));
	if (rc == 0) {
		walk_v4(root, "crates", &c);
		walk_v4(root, "rust", &c);
	}
	tl_rm_rf(tmp);
	if (rc != 0)
		fail_msg("git clone of %s failed", bundle);

	print_message("# real data: %d CVSS 4.0 vectors scored in %d "
	              "advisories (critical %d, high %d, medium %d, low %d, "
	              "none %d), %d written, %d bad\n", c.scored, c.files,
	              c.rating[ADV_SEV_CRITICAL], c.rating[ADV_SEV_HIGH],
	              c.rating[ADV_SEV_MEDIUM], c.rating[ADV_SEV_LOW],
	              c.rating[ADV_SEV_NONE], c.written, c.bad);
	assert_true(c.files > 1000);
	assert_int_equal(c.bad, 0);
	assert_true(c.scored > 0);
	assert_int_equal(c.scored, c.written);
}

static void test_cvss__errors(void **state)
{
	(void)state;
	expect_bad("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "prefix");
	expect_bad("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "unsupported");
	expect_bad("CVSS:3.1/", "no metrics");
	expect_bad("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "base metric A");
	expect_bad("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "twice");
	expect_bad("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	           "bad value \"X\" for AV");
	expect_bad("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "empty");
	expect_bad("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "empty");
	expect_bad("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1",
	           "unknown metric \"ZZ\"");
	expect_bad("CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "NAME:VALUE");
	expect_bad("CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "NAME:VALUE");
	expect_bad("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Hx", "for A");
	expect_bad("", "prefix");
}

static void test_cvss__length_cap_and_nul(void **state)
{
	char big[CVSS_TEXT_MAX + 64];
	cvss c;
	char err[256];

	(void)state;
	memset(big, 'A', sizeof(big));
	memcpy(big, "CVSS:3.1/", 9);
	assert_int_equal(cvss_parse(&c, big, sizeof(big), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
	const char nul[] = "CVSS:3.1/AV:N\0AC:L";
	assert_int_equal(cvss_parse(&c, nul, sizeof(nul) - 1, err,
	                 sizeof(err)), -1);
	/* errcap 0 must not write */
	assert_int_equal(cvss_parse(&c, "x", 1, NULL, 0), -1);
}

static void test_cvss__severity_bands(void **state)
{
	(void)state;
	assert_int_equal(cvss_severity(0), ADV_SEV_NONE);
	assert_int_equal(cvss_severity(1), ADV_SEV_LOW);
	assert_int_equal(cvss_severity(39), ADV_SEV_LOW);
	assert_int_equal(cvss_severity(40), ADV_SEV_MEDIUM);
	assert_int_equal(cvss_severity(69), ADV_SEV_MEDIUM);
	assert_int_equal(cvss_severity(70), ADV_SEV_HIGH);
	assert_int_equal(cvss_severity(89), ADV_SEV_HIGH);
	assert_int_equal(cvss_severity(90), ADV_SEV_CRITICAL);
	assert_int_equal(cvss_severity(100), ADV_SEV_CRITICAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cvss__spec_critical),
		cmocka_unit_test(test_cvss__spec_examples),
		cmocka_unit_test(test_cvss__hand_worked),
		cmocka_unit_test(test_cvss__any_order_and_v30),
		cmocka_unit_test(test_cvss__temporal_ignored),
		cmocka_unit_test(test_cvss__v40_validated),
		cmocka_unit_test(test_cvss__v40_first_calculator),
		cmocka_unit_test(test_cvss__v40_order_and_supplemental),
		cmocka_unit_test(test_cvss__v40_lookup_table),
		cmocka_unit_test(test_cvss__v40_highest_vectors),
		cmocka_unit_test(test_cvss__v40_every_base_vector),
		cmocka_unit_test(test_cvss__v40_threat_environmental),
		cmocka_unit_test(test_cvss__v40_real_database),
		cmocka_unit_test(test_cvss__errors),
		cmocka_unit_test(test_cvss__length_cap_and_nul),
		cmocka_unit_test(test_cvss__severity_bands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
