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

#include <stdio.h>
#include <stdlib.h>
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

/* The escape of one byte on its own, written out from RFC 8259 and the
 * rules at the top of json.h: what the fast paths must agree with. */
static size_t ref_escape_byte(char *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	const char *two = c == '"' ? "\\\"" : c == '\\' ? "\\\\" :
	                  c == '\n' ? "\\n" : c == '\t' ? "\\t" :
	                  c == '\r' ? "\\r" : c == '\b' ? "\\b" :
	                  c == '\f' ? "\\f" : NULL;

	if (two) {
		memcpy(out, two, 2);
		return 2;
	}
	if (c < 0x20 || c == 0x7F) {
		memcpy(out, "\\u00", 4);
		out[4] = hex[c >> 4];
		out[5] = hex[c & 15];
		return 6;
	}
	if (c >= 0x80) {        /* alone, never well-formed UTF-8 */
		memcpy(out, "\xef\xbf\xbd", 3);
		return 3;
	}
	out[0] = (char)c;
	return 1;
}

/* Every byte value at every offset of strings of many lengths, so each
 * one is met by the 16-byte, the 8-byte and the byte-wise scan, at each
 * lane; through json_escape and through json_str (one reservation). */
static void test_json__every_byte_every_offset(void **state)
{
	(void)state;
	char in[80], want[200], got_str[210];
	static const size_t lens[] = { 1, 2, 7, 8, 9, 15, 16, 17, 23, 24, 31,
	                               32, 33, 47, 64, 79 };

	for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
		size_t n = lens[li];
		for (size_t pos = 0; pos < n; pos++) {
			for (unsigned c = 0; c < 256; c++) {
				buf b = BUF_INIT, q = BUF_INIT;
				json j;
				size_t w = 0;
				for (size_t k = 0; k < n; k++)
					in[k] = (char)('a' + k % 26);
				in[pos] = (char)c;
				for (size_t k = 0; k < n; k++)
					w += ref_escape_byte(want + w, (unsigned char)in[k]);
				want[w] = '\0';
				json_escape(&b, in, n);
				assert_false(b.failed);
				assert_int_equal(b.len, w);
				assert_memory_equal(b.p, want, w);
				json_init(&j, &q);
				json_strn(&j, in, n);
				snprintf(got_str, sizeof(got_str), "\"%s\"", want);
				assert_int_equal(q.len, w + 2);
				assert_memory_equal(q.p, got_str, w + 2);
				buf_free(&b);
				buf_free(&q);
			}
		}
	}
}

/* A string far longer than one reservation (json.c escapes 4 KiB of
 * input at a time), whose multi-byte sequences straddle every boundary:
 * kept, escaped or replaced exactly as in a short one. */
static void test_json__long_string_sequences_kept_whole(void **state)
{
	(void)state;
	/* a, e-acute, RLO (escaped), crab, a lone continuation byte, a
	 * quote: 1 + 2 + 3 + 4 + 1 + 1 = 12 bytes a unit */
	static const char unit[] = "a\xc3\xa9\xe2\x80\xae\xf0\x9f\xa6\x80\x80\"";
	static const char unit_out[] = "a\xc3\xa9\\u202e\xf0\x9f\xa6\x80"
	                               "\xef\xbf\xbd\\\"";

	for (size_t shift = 0; shift < 12; shift++) {
		size_t units = 1500, n = shift + units * 12;
		char *in = malloc(n), *want = malloc(shift + units * 20 + 1);
		buf b = BUF_INIT;
		size_t w = shift;
		assert_non_null(in);
		assert_non_null(want);
		memset(in, 'x', shift);
		memset(want, 'x', shift);
		for (size_t u = 0; u < units; u++) {
			memcpy(in + shift + u * 12, unit, 12);
			memcpy(want + w, unit_out, sizeof(unit_out) - 1);
			w += sizeof(unit_out) - 1;
		}
		json_escape(&b, in, n);
		assert_false(b.failed);
		assert_int_equal(b.len, w);
		assert_memory_equal(b.p, want, w);
		free(in);
		free(want);
		buf_free(&b);
	}
}

/* json_key_lit writes what json_key writes. */
static void test_json__key_literal(void **state)
{
	(void)state;
	buf a = BUF_INIT, b = BUF_INIT;
	json ja, jb;

	json_init(&ja, &a);
	json_init(&jb, &b);
	json_obj_begin(&ja);
	json_obj_begin(&jb);
	json_key(&ja, "name");
	json_key_lit(&jb, "name");
	json_str(&ja, "x");
	json_str(&jb, "x");
	json_key(&ja, "advdb-dependency-paths");
	json_key_lit(&jb, "advdb-dependency-paths");
	json_uint(&ja, 1);
	json_uint(&jb, 1);
	json_obj_end(&ja);
	json_obj_end(&jb);
	assert_string_equal(a.p, "{\"name\":\"x\",\"advdb-dependency-paths\":1}");
	assert_string_equal(b.p, a.p);
	buf_free(&a);
	buf_free(&b);
}

/* json_str_object / json_str_members write what the one-by-one calls
 * write: separators, null, escaping; a long value and more than
 * JSON_FIELDS_MAX fields take the one-by-one way; the depth cap holds. */
static void test_json__str_fields_as_one_by_one(void **state)
{
	(void)state;
	char *longv = malloc(10000);
	assert_non_null(longv);
	memset(longv, 'q', 9999);
	longv[9999] = '\0';
	longv[5000] = '"';
	const json_field f[] = {
		JSON_FIELD("name", "a\"b"),
		JSON_FIELD("version", NULL),
		JSON_FIELD("source", "\xe2\x80\xae" "x\n"),
		JSON_FIELD("k4", ""), JSON_FIELD("k5", "5"), JSON_FIELD("k6", "6"),
		JSON_FIELD("k7", "7"), JSON_FIELD("k8", "8"), JSON_FIELD("k9", "9"),
	};
	const json_field g[] = { JSON_FIELD("long", longv),
	                         JSON_FIELD("short", "s") };
	static const size_t counts[] = { 0, 1, 3, JSON_FIELDS_MAX, 9 };

	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]) + 1; c++) {
		const json_field *v = c < 5 ? f : g;
		size_t n = c < 5 ? counts[c] : 2;
		buf a = BUF_INIT, b = BUF_INIT;
		json ja, jb;
		json_init(&ja, &a);
		json_init(&jb, &b);
		json_arr_begin(&ja);
		json_arr_begin(&jb);
		json_str(&ja, "first");
		json_str(&jb, "first");
		/* as an object value, then as members of an open object
		 * (json_key_quoted is json_key's: test_json__key_literal) */
		json_obj_begin(&ja);
		for (size_t k = 0; k < n; k++) {
			json_key_quoted(&ja, v[k].key, v[k].klen);
			json_str(&ja, v[k].val);
		}
		json_obj_end(&ja);
		json_str_object(&jb, v, n);
		json_obj_begin(&ja);
		json_key(&ja, "x");
		json_int(&ja, 1);
		for (size_t k = 0; k < n; k++) {
			json_key_quoted(&ja, v[k].key, v[k].klen);
			json_str(&ja, v[k].val);
		}
		json_obj_end(&ja);
		json_obj_begin(&jb);
		json_key(&jb, "x");
		json_int(&jb, 1);
		json_str_members(&jb, v, n);
		json_obj_end(&jb);
		json_arr_end(&ja);
		json_arr_end(&jb);
		assert_false(a.failed);
		assert_false(b.failed);
		assert_string_equal(b.p, a.p);
		buf_free(&a);
		buf_free(&b);
	}
	{
		buf b = BUF_INIT;
		json j;
		json_init(&j, &b);
		json_str_object(&j, f, 3);
		assert_string_equal(b.p, "{\"name\":\"a\\\"b\",\"version\":null,"
		                         "\"source\":\"\\u202ex\\n\"}");
		buf_reset(&b);
		json_init(&j, &b);
		for (int i = 0; i < JSON_DEPTH_MAX; i++)
			json_arr_begin(&j);
		assert_false(b.failed);
		json_str_object(&j, f, 1);
		assert_true(b.failed);
		buf_free(&b);
	}
	free(longv);
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
		cmocka_unit_test(test_json__every_byte_every_offset),
		cmocka_unit_test(test_json__long_string_sequences_kept_whole),
		cmocka_unit_test(test_json__key_literal),
		cmocka_unit_test(test_json__str_fields_as_one_by_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
