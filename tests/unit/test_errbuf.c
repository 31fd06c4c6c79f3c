/*
 * test_errbuf.c — schema/errbuf.c, the one way a message goes into a
 * caller's buffer: whole when it fits, cut with "..." at a character
 * boundary when not, the fallback when formatting fails, nothing written
 * without a buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <wchar.h>

#include "errbuf.h"

static void test_errbuf__fits(void **state)
{
	char b[32];

	(void)state;
	errbuf_set(b, sizeof(b), "%s:%u: %s", "a.toml", 3u, "bad key");
	assert_string_equal(b, "a.toml:3: bad key");
	errbuf_set(b, sizeof(b), "%s", "");
	assert_string_equal(b, "");
	/* exactly the buffer, with its NUL: not cut */
	errbuf_set(b, 8, "%s", "1234567");
	assert_string_equal(b, "1234567");
}

static void test_errbuf__cut_says_so(void **state)
{
	char b[64];

	(void)state;
	memset(b, 'x', sizeof(b));
	errbuf_set(b, 8, "%s", "12345678");
	assert_string_equal(b, "1234...");
	assert_int_equal(b[8], 'x');                 /* nothing past cap */
	/* "é" (2 bytes) would be split at byte 4: the cut moves before it */
	errbuf_set(b, 8, "%s", "abc\xc3\xa9xyz");
	assert_string_equal(b, "abc...");
	/* a 4-byte character across the cut */
	errbuf_set(b, 9, "%s", "ab\xf0\x9f\xa6\x80zzzz");
	assert_string_equal(b, "ab...");
	/* too small for "...": cut, still terminated */
	errbuf_set(b, 3, "%s", "abcdef");
	assert_string_equal(b, "ab");
}

static void test_errbuf__fallback_and_no_buffer(void **state)
{
	char b[64];

	(void)state;
	/* a wide character the C locale cannot write: vsnprintf fails */
	errbuf_set(b, sizeof(b), "%lc", (wint_t)0x263A);
	assert_string_equal(b, ERRBUF_FALLBACK);
	errbuf_set(NULL, 16, "%s", "ignored");
	b[0] = 'q';
	errbuf_set(b, 0, "%s", "ignored");
	assert_int_equal(b[0], 'q');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errbuf__fits),
		cmocka_unit_test(test_errbuf__cut_says_so),
		cmocka_unit_test(test_errbuf__fallback_and_no_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
