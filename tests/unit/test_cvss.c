/*
 * test_cvss.c — CVSS parsing, validation and 3.x base scores.
 *
 * Scores come from the worked examples of FIRST's "CVSS v3.1 Examples"
 * document and from the spec's formula worked by hand (noted where so);
 * they are the oracle, the code under test never produced them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cvss.h"
#include "record.h"

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

static void test_cvss__v40_validated_no_score(void **state)
{
	cvss c;
	char err[256];
	const char *v = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/"
	                "SC:N/SI:N/SA:N";

	(void)state;
	assert_int_equal(parse(&c, v, err, sizeof(err)), 0);
	assert_int_equal(c.major, 4);
	assert_int_equal(c.minor, 0);
	assert_int_equal(c.has_score, 0);
	assert_int_equal(c.severity, ADV_SEV_NONE);
	assert_int_equal(parse(&c, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/"
	                 "VI:H/VA:H/SC:N/SI:N/SA:N/E:A/U:Amber", err,
	                 sizeof(err)), 0);
	expect_bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
	           "base metric SA missing");
	expect_bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/"
	           "SA:N/U:Blue", "bad value \"Blue\" for U");
	expect_bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/"
	           "SA:N", "bad value \"R\" for UI");
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
		cmocka_unit_test(test_cvss__v40_validated_no_score),
		cmocka_unit_test(test_cvss__errors),
		cmocka_unit_test(test_cvss__length_cap_and_nul),
		cmocka_unit_test(test_cvss__severity_bands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
