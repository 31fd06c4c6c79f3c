/*
 * test_rfc3339.c — schema/rfc3339.c, RFC 3339 times as text both ways:
 * what the OSV import reads (offsets, fractions, dates before 1970) and
 * what the export and the reports write (UTC, seconds).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rfc3339.h"

static void test_rfc3339__parse(void **state)
{
	int64_t t = 42;

	(void)state;
	assert_int_equal(rfc3339_parse(&t, "2023-11-14T22:13:20Z"), 0);
	assert_true(t == 1700000000);
	assert_int_equal(rfc3339_parse(&t, "2023-11-14T23:13:20.123+01:00"), 0);
	assert_true(t == 1700000000);
	assert_int_equal(rfc3339_parse(&t, "2023-11-14t12:13:20-10:00"), 0);
	assert_true(t == 1700000000);
	assert_int_equal(rfc3339_parse(&t, "1970-01-01T00:00:00Z"), 0);
	assert_true(t == 0);
	assert_int_equal(rfc3339_parse(&t, "1969-12-31T23:59:59Z"), 0);
	assert_true(t == -1);
	t = 42;
	assert_int_equal(rfc3339_parse(&t, "2023-11-14"), -1);
	assert_int_equal(rfc3339_parse(&t, "2023-11-14T22:13:20"), -1);
	assert_int_equal(rfc3339_parse(&t, "2023-13-14T22:13:20Z"), -1);
	assert_int_equal(rfc3339_parse(&t, "2023-11-14T22:13:20Zjunk"), -1);
	assert_int_equal(rfc3339_parse(&t, "2023-11-14T22:13:20+0100"), -1);
	assert_true(t == 42);                   /* untouched on failure */
}

static void test_rfc3339__format_and_dates(void **state)
{
	char out[RFC3339_MAX];

	(void)state;
	assert_int_equal(rfc3339_format(out, 1700000000), 1);
	assert_string_equal(out, "2023-11-14T22:13:20Z");
	assert_int_equal(rfc3339_format(out, 0), 0);     /* unknown */
	assert_string_equal(out, "");
	assert_int_equal(rfc3339_format(out, -5), 0);
	assert_true(rfc3339_is_date("2024-02-30"));      /* no calendar */
	assert_true(rfc3339_is_date("2024-02-03T00:00:00Z"));
	assert_true(rfc3339_is_date("2024-02-03 00:00"));
	assert_false(rfc3339_is_date("2024-2-03"));
	assert_false(rfc3339_is_date("2024-00-03"));
	assert_false(rfc3339_is_date("2024-02-03x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339__parse),
		cmocka_unit_test(test_rfc3339__format_and_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
