/*
 * test_escape.c — schema/escape.c, the one escaping of untrusted text for
 * a terminal: what passes, what becomes \xNN or \uNNNN, multi-line text,
 * and cutting (never inside an escape or a UTF-8 sequence).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "utf8.h"

static void esc_is(const char *in, size_t n, unsigned flags,
                   const char *want)
{
	char out[256];

	escape_text(out, sizeof(out), in, n, flags);
	if (strcmp(out, want) != 0)
		fail_msg("escape of %zu bytes: got \"%s\", want \"%s\"", n, out,
		         want);
}

static void test_escape__printable_passes(void **state)
{
	(void)state;
	esc_is("tokio 1.18.3", 12, 0, "tokio 1.18.3");
	esc_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\xa6\x80", 14, 0,
	       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\xa6\x80");
	/* U+00A0 and U+2029 are not controls a terminal obeys */
	esc_is("\xc2\xa0\xe2\x80\xa9", 5, 0, "\xc2\xa0\xe2\x80\xa9");
}

static void test_escape__c0_and_del(void **state)
{
	(void)state;
	esc_is("a\x1b[31mb", 7, 0, "a\\x1b[31mb");
	esc_is("\r\n\t\x7f", 4, 0, "\\x0d\\x0a\\x09\\x7f");
	esc_is("a\0b", 3, 0, "a\\x00b");
	/* multi-line text keeps newline and tab, nothing else */
	esc_is("a\nb\tc\rd", 7, ESCAPE_MULTILINE, "a\nb\tc\\x0dd");
}

static void test_escape__c1_and_bidi(void **state)
{
	(void)state;
	esc_is("\xc2\x9b" "31m", 5, 0, "\\u009b31m");           /* CSI */
	esc_is("\xc2\x80\xc2\x9f", 4, 0, "\\u0080\\u009f");
	esc_is("if \xe2\x80\xae x", 8, 0, "if \\u202e x");        /* RLO */
	esc_is("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 12, 0,
	       "\\u202a\\u202b\\u202c\\u202d");
	esc_is("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", 12, 0,
	       "\\u2066\\u2067\\u2068\\u2069");
	esc_is("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 8, 0,
	       "\\u200e\\u200f\\u061c");
	/* the neighbours pass */
	esc_is("\xe2\x80\xaf\xe2\x81\xaa", 6, 0, "\xe2\x80\xaf\xe2\x81\xaa");
}

static void test_escape__bytes_not_utf8(void **state)
{
	(void)state;
	esc_is("\x9b" "31m", 4, 0, "\\x9b31m");    /* 8-bit CSI, alone */
	esc_is("a\xc3", 2, 0, "a\\xc3");
	esc_is("\xc0\xaf", 2, 0, "\\xc0\\xaf");     /* overlong */
	esc_is("\xed\xa0\x80", 3, 0, "\\xed\\xa0\\x80");   /* surrogate */
	esc_is("\xff", 1, 0, "\\xff");
}

static void test_escape__cut_whole(void **state)
{
	(void)state;
	char out[8];

	/* fits exactly: no "..." */
	assert_int_equal(escape_text(out, sizeof out, "1234567", 7, 0), 7);
	assert_string_equal(out, "1234567");
	/* one byte over: cut with "..." */
	escape_text(out, sizeof out, "12345678", 8, 0);
	assert_string_equal(out, "1234...");
	/* an escape is never cut */
	escape_text(out, sizeof out, "12\x1b\x1b", 4, 0);
	assert_string_equal(out, "12...");
	/* nor a UTF-8 sequence */
	escape_text(out, sizeof out, "123\xe2\x82\xac" "xyz", 9, 0);
	assert_string_equal(out, "123...");
	/* tiny buffers */
	assert_int_equal(escape_text(out, 1, "abc", 3, 0), 0);
	assert_string_equal(out, "");
	assert_int_equal(escape_text(out, 3, "abc", 3, 0), 0);
	assert_int_equal(escape_text(out, 0, "abc", 3, 0), 0);
}

/* Whatever the bytes, the output holds nothing a terminal obeys. */
static void test_escape__random_bytes_never_pass(void **state)
{
	(void)state;
	unsigned char in[64];
	char out[512];
	uint32_t seed = 7;

	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 64);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (unsigned char)(seed >> 16);
			if (round % 3 == 0 && in[i] < 0x80)
				in[i] |= 0x80;      /* mostly non-ASCII */
		}
		size_t len = escape_text(out, sizeof out, (const char *)in, n, 0);
		for (size_t i = 0; i < len;) {
			unsigned char c = (unsigned char)out[i];
			if (c < 0x80) {
				assert_true(c >= 0x20 && c != 0x7F);
				i++;
				continue;
			}
			uint32_t cp = 0;
			size_t l = utf8_decode((const unsigned char *)out + i,
			                       len - i, &cp);
			assert_true(l > 0);
			assert_false(escape_unsafe_cp(cp));
			i += l;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape__printable_passes),
		cmocka_unit_test(test_escape__c0_and_del),
		cmocka_unit_test(test_escape__c1_and_bidi),
		cmocka_unit_test(test_escape__bytes_not_utf8),
		cmocka_unit_test(test_escape__cut_whole),
		cmocka_unit_test(test_escape__random_bytes_never_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
