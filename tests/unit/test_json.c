/*
 * test_json.c — the CLI's JSON writer: separators placed by the writer,
 * escaping of quotes, backslashes and control characters, and invalid
 * UTF-8 replaced by U+FFFD so the output always parses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "json.h"

static void escape_is(const char *in, size_t n, const char *want)
{
	buf b = BUF_INIT;

	json_escape(&b, in, n);
	assert_false(b.failed);
	assert_non_null(b.p);
	assert_string_equal(b.p, want);
	buf_free(&b);
}

static void test_json__plain_ascii_unchanged(void **state)
{
	(void)state;
	escape_is("tokio 1.18.3", 12, "tokio 1.18.3");
}

static void test_json__quotes_and_backslashes(void **state)
{
	(void)state;
	escape_is("a\"b\\c", 5, "a\\\"b\\\\c");
}

static void test_json__control_characters(void **state)
{
	(void)state;
	escape_is("\n\t\r\b\f\x01\x1f\x7f", 8,
	          "\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f");
	escape_is("a\0b", 3, "a\\u0000b");
	escape_is("\x1b[31m", 5, "\\u001b[31m");
}

static void test_json__valid_utf8_kept(void **state)
{
	(void)state;
	escape_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\xa6\x80", 14,
	          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\xa6\x80");
}

static void test_json__invalid_utf8_replaced(void **state)
{
	(void)state;
	/* lone continuation, truncated sequence, overlong, surrogate,
	 * past U+10FFFF, 0xFF */
	escape_is("\x80", 1, "\xef\xbf\xbd");
	escape_is("a\xc3", 2, "a\xef\xbf\xbd");
	escape_is("\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd");
	escape_is("\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	escape_is("\xf4\x90\x80\x80", 4,
	          "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	escape_is("\xff" "ok", 3, "\xef\xbf\xbdok");
}

/* C1 and bidi controls: the same string to a parser, inert on a TTY. */
static void test_json__terminal_controls_escaped(void **state)
{
	(void)state;
	escape_is("a\xc2\x9b" "31m", 6, "a\\u009b31m");
	escape_is("\xe2\x80\xae" "evil", 7, "\\u202eevil");
	escape_is("\xe2\x81\xa6x\xe2\x81\xa9", 7, "\\u2066x\\u2069");
	escape_is("\xd8\x9c\xe2\x80\x8f", 5, "\\u061c\\u200f");
	/* neighbours pass: U+00A0, U+2029, U+206A */
	escape_is("\xc2\xa0\xe2\x80\xa9\xe2\x81\xaa", 8,
	          "\xc2\xa0\xe2\x80\xa9\xe2\x81\xaa");
}

static void test_json__separators(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	json j;

	json_init(&j, &b);
	json_obj_begin(&j);
	json_key(&j, "a");
	json_int(&j, -3);
	json_key(&j, "b");
	json_arr_begin(&j);
	json_str(&j, "x");
	json_str(&j, NULL);
	json_bool(&j, 1);
	json_obj_begin(&j);
	json_obj_end(&j);
	json_arr_end(&j);
	json_key(&j, "c");
	json_tenths(&j, 75);
	json_key(&j, "d");
	json_str(&j, NULL);
	json_key(&j, "e");
	json_uint(&j, 18446744073709551615ull);
	json_obj_end(&j);
	assert_false(b.failed);
	assert_string_equal(b.p, "{\"a\":-3,\"b\":[\"x\",null,true,{}],"
	                         "\"c\":7.5,\"d\":null,"
	                         "\"e\":18446744073709551615}");
	buf_free(&b);
}

static void test_json__unbalanced_close_fails(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	json j;

	json_init(&j, &b);
	json_obj_end(&j);
	assert_true(b.failed);
	buf_free(&b);
}

static void test_json__depth_cap(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	json j;

	json_init(&j, &b);
	for (int i = 0; i < JSON_DEPTH_MAX; i++)
		json_arr_begin(&j);
	assert_false(b.failed);
	json_arr_begin(&j);
	assert_true(b.failed);
	buf_free(&b);
}

static void test_json__buf_printf_long(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_printf(&b, "<%s>", big);
	assert_false(b.failed);
	assert_int_equal(b.len, 1001);
	assert_int_equal(b.p[0], '<');
	assert_int_equal(b.p[1000], '>');
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json__plain_ascii_unchanged),
		cmocka_unit_test(test_json__quotes_and_backslashes),
		cmocka_unit_test(test_json__control_characters),
		cmocka_unit_test(test_json__terminal_controls_escaped),
		cmocka_unit_test(test_json__valid_utf8_kept),
		cmocka_unit_test(test_json__invalid_utf8_replaced),
		cmocka_unit_test(test_json__separators),
		cmocka_unit_test(test_json__unbalanced_close_fails),
		cmocka_unit_test(test_json__depth_cap),
		cmocka_unit_test(test_json__buf_printf_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
