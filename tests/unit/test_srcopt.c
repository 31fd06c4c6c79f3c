/*
 * test_srcopt.c — compiler/srcopt.c: `--source osv[:NAME][@REF] PATH`
 * taken out of argv (other arguments keep their order), default names,
 * and the misuse that must be refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "srcopt.h"

static int take(srcopts *s, int *argc, char **argv, char *err)
{
	return srcopt_take(s, argc, argv, err, 256);
}

static void test_srcopt__taken_out_in_order(void **state)
{
	(void)state;
	char *argv[] = { "advdb-compile", "-o", "db", "--source", "osv", "dir1",
	                 "repo", "--source=osv:priv@main", "dir2", "-q",
	                 "--source", "osv", "dir3", NULL };
	int argc = 13;
	srcopts s;
	char err[256];

	assert_int_equal(take(&s, &argc, argv, err), 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[1], "-o");
	assert_string_equal(argv[2], "db");
	assert_string_equal(argv[3], "repo");
	assert_string_equal(argv[4], "-q");
	assert_null(argv[5]);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0].name, "osv");
	assert_string_equal(s.v[0].path, "dir1");
	assert_string_equal(s.v[0].ref, "");
	assert_string_equal(s.v[1].name, "priv");
	assert_string_equal(s.v[1].ref, "main");
	assert_string_equal(s.v[1].path, "dir2");
	assert_string_equal(s.v[2].name, "osv2");   /* osv was taken */
}

static void test_srcopt__double_dash_ends(void **state)
{
	(void)state;
	char *argv[] = { "p", "--", "--source", "osv", "x", NULL };
	int argc = 5;
	srcopts s;
	char err[256];

	assert_int_equal(take(&s, &argc, argv, err), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[2], "--source");
}

static void expect_bad(const char *spec, const char *path, const char *needle)
{
	char *argv[] = { "p", "--source", (char *)spec, (char *)path, NULL };
	int argc = path ? 4 : 3;
	srcopts s;
	char err[256] = "";

	assert_int_equal(take(&s, &argc, argv, err), -1);
	if (!strstr(err, needle))
		fail_msg("%s: want \"%s\" in \"%s\"", spec, needle, err);
}

static void test_srcopt__refused(void **state)
{
	(void)state;
	expect_bad("npm", "d", "kind must be osv");
	expect_bad("osvx", "d", "kind must be osv");
	expect_bad("osv:", "d", "a name is");
	expect_bad("osv:a b", "d", "a name is");
	expect_bad("osv:a:b", "d", "a name is");
	expect_bad("osv:rustsec", "d", "is taken");
	expect_bad("osv@", "d", "bad ref");
	expect_bad("osv", NULL, "missing PATH");
	expect_bad("osv", "", "missing PATH");

	char *argv[] = { "p", "--source", NULL };
	int argc = 2;
	srcopts s;
	char err[256];
	assert_int_equal(take(&s, &argc, argv, err), -1);
	assert_non_null(strstr(err, "needs SPEC and PATH"));
}

static void test_srcopt__duplicate_and_too_many(void **state)
{
	(void)state;
	char *argv[] = { "p", "--source", "osv:a", "x", "--source", "osv:a",
	                 "y", NULL };
	int argc = 7;
	srcopts s;
	char err[256];
	assert_int_equal(take(&s, &argc, argv, err), -1);
	assert_non_null(strstr(err, "taken"));

	char *many[3 * (SRCOPT_MAX + 1) + 2];
	int n = 0;
	many[n++] = "p";
	for (int i = 0; i <= SRCOPT_MAX; i++) {
		many[n++] = "--source";
		many[n++] = "osv";
		many[n++] = "d";
	}
	many[n] = NULL;
	assert_int_equal(take(&s, &n, many, err), -1);
	assert_non_null(strstr(err, "at most"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srcopt__taken_out_in_order),
		cmocka_unit_test(test_srcopt__double_dash_ends),
		cmocka_unit_test(test_srcopt__refused),
		cmocka_unit_test(test_srcopt__duplicate_and_too_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
