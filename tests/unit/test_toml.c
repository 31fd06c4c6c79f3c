/*
 * test_toml.c — unit tests of schema/toml.c: each value kind, the
 * accessors, the "define once" rules, errors with line and column, and
 * hostile input (deep nesting, bad UTF-8, truncation, huge tables).
 *
 * Inputs are copied into buffers of exactly their length, without a NUL,
 * so AddressSanitizer catches any read past the end.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "toml.h"

/* Parse n bytes from an exact-size copy. */
static int parse_n(toml_doc **doc, const char *s, size_t n, toml_error *err)
{
	char *buf = malloc(n ? n : 1);
	int rc;

	assert_non_null(buf);
	memcpy(buf, s, n);
	rc = toml_parse(doc, buf, n, err);
	free(buf);  /* the tree must not point into the input */
	return rc;
}

static toml_doc *ok(const char *s)
{
	toml_doc *doc = NULL;
	toml_error err;

	if (parse_n(&doc, s, strlen(s), &err) < 0)
		fail_msg("unexpected error %u:%u: %s\n--- input:\n%s", err.line,
		         err.col, err.msg, s);
	assert_non_null(doc);
	return doc;
}

/* Expect a rejection; line/col 0 means "any"; msg NULL means any text. */
static void bad_n(const char *s, size_t n, unsigned line, unsigned col,
                  const char *msg)
{
	toml_doc *doc = (toml_doc *)1;
	toml_error err;

	if (parse_n(&doc, s, n, &err) == 0)
		fail_msg("accepted invalid input:\n%.*s", (int)n, s);
	assert_null(doc);
	if (line && err.line != line)
		fail_msg("error line %u, want %u (%s)", err.line, line, err.msg);
	if (col && err.col != col)
		fail_msg("error col %u, want %u (%s)", err.col, col, err.msg);
	if (msg && !strstr(err.msg, msg))
		fail_msg("error \"%s\" lacks \"%s\"", err.msg, msg);
}

static void bad(const char *s, unsigned line, unsigned col, const char *msg)
{
	bad_n(s, strlen(s), line, col, msg);
}

static const toml_value *get(const toml_doc *doc, const char *key)
{
	const toml_value *v = toml_table_get(toml_root(doc), key);

	if (!v)
		fail_msg("no key %s", key);
	return v;
}

static void assert_str(const toml_value *v, const char *want, size_t n)
{
	size_t len = 0;
	const char *s = toml_string(v, &len);

	assert_non_null(s);
	assert_int_equal(len, n);
	assert_memory_equal(s, want, n);
	assert_int_equal(s[n], '\0');
}

static void test_toml__empty_documents(void **state)
{
	static const char *docs[] = {"", " ", "\n\n", "# only a comment",
	                             "\r\n", "\t \n# c\r\n"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof docs / sizeof *docs; i++) {
		toml_doc *doc = ok(docs[i]);
		assert_int_equal(toml_kind(toml_root(doc)), TOML_TABLE);
		assert_int_equal(toml_table_len(toml_root(doc)), 0);
		toml_free(doc);
	}
}

static void test_toml__basic_string_escapes(void **state)
{
	toml_doc *doc = ok("a = \"t\\tn\\nq\\\"b\\\\\\b\\f\\r\"\n"
	                   "u = \"\\u00e9\\U0001F600\"\n"
	                   "e = \"\"\n");

	(void)state;
	assert_int_equal(toml_kind(get(doc, "a")), TOML_STRING);
	assert_str(get(doc, "a"), "t\tn\nq\"b\\\b\f\r", 11);
	assert_str(get(doc, "u"), "\xc3\xa9\xf0\x9f\x98\x80", 6);
	assert_str(get(doc, "e"), "", 0);
	toml_free(doc);
}

static void test_toml__embedded_nul(void **state)
{
	toml_doc *doc = ok("a = \"x\\u0000y\"\n");

	(void)state;
	assert_str(get(doc, "a"), "x\0y", 3);
	toml_free(doc);
}

static void test_toml__invalid_escapes(void **state)
{
	(void)state;
	bad("a = \"\\x41\"", 1, 6, "invalid escape");
	bad("a = \"\\e\"", 1, 6, "invalid escape");      /* TOML 1.1 only */
	bad("a = \"\\ \"", 1, 6, "invalid escape");
	bad("a = \"\\uD800\"", 1, 6, "scalar");
	bad("a = \"\\uDFFF\"", 1, 6, "scalar");
	bad("a = \"\\U00110000\"", 1, 6, "scalar");
	bad("a = \"\\u12\"", 1, 6, NULL);
	bad("a = \"\\u12G4\"", 1, 6, "hex");
	bad("a = \"abc", 1, 5, "unterminated");
	bad("a = \"ab\nc\"", 1, 8, "newline");
}

static void test_toml__multiline_basic(void **state)
{
	toml_doc *doc = ok("a = \"\"\"\nline1\nline2\"\"\"\n"
	                   "b = \"\"\"one \\\n   \n    two\"\"\"\n"
	                   "c = \"\"\"q\"\"\"\"\n"
	                   "d = \"\"\"q\"\"\"\"\"\n"
	                   "e = \"\"\"x\r\ny\"\"\"\r\n"
	                   "f = \"\"\"\\\"\"\"\"\"\n");

	(void)state;
	assert_str(get(doc, "a"), "line1\nline2", 11);
	assert_str(get(doc, "b"), "one two", 7);
	assert_str(get(doc, "c"), "q\"", 2);
	assert_str(get(doc, "d"), "q\"\"", 3);
	assert_str(get(doc, "e"), "x\ny", 3);
	assert_str(get(doc, "f"), "\"\"", 2);
	toml_free(doc);
	bad("a = \"\"\"q\"\"\"\"\"\"", 1, 9, "quotes");
	bad("a = \"\"\"\nabc", 1, 5, "unterminated");
	bad("a = \"\"\"x \\ y\"\"\"", 1, 10, "invalid escape");
}

static void test_toml__literal_strings(void **state)
{
	toml_doc *doc = ok("a = 'C:\\path\\n'\n"
	                   "b = '''\nfirst\n  'quoted' \\n'''\n"
	                   "c = ''''x'''''\n");

	(void)state;
	assert_str(get(doc, "a"), "C:\\path\\n", 9);
	assert_str(get(doc, "b"), "first\n  'quoted' \\n", 19);
	assert_str(get(doc, "c"), "'x''", 4);
	toml_free(doc);
	bad("a = 'ab\nc'", 1, 8, "newline");
	bad("a = '''abc''", 1, 5, "unterminated");
}

static void test_toml__integers(void **state)
{
	toml_doc *doc = ok("a = 1_000\nb = -17\nc = +42\nd = 0xDEAD_beef\n"
	                   "e = 0o755\nf = 0b1101\ng = 9223372036854775807\n"
	                   "h = -9223372036854775808\ni = 0\nj = -0\n"
	                   "k = 0x7FFFFFFFFFFFFFFF\n");

	(void)state;
	assert_int_equal(toml_kind(get(doc, "a")), TOML_INTEGER);
	assert_int_equal(toml_integer(get(doc, "a")), 1000);
	assert_int_equal(toml_integer(get(doc, "b")), -17);
	assert_int_equal(toml_integer(get(doc, "c")), 42);
	assert_int_equal(toml_integer(get(doc, "d")), 0xDEADBEEF);
	assert_int_equal(toml_integer(get(doc, "e")), 0755);
	assert_int_equal(toml_integer(get(doc, "f")), 13);
	assert_true(toml_integer(get(doc, "g")) == INT64_MAX);
	assert_true(toml_integer(get(doc, "h")) == INT64_MIN);
	assert_int_equal(toml_integer(get(doc, "i")), 0);
	assert_int_equal(toml_integer(get(doc, "j")), 0);
	assert_true(toml_integer(get(doc, "k")) == INT64_MAX);
	toml_free(doc);
	bad("a = 9223372036854775808", 1, 5, "range");
	bad("a = -9223372036854775809", 1, 5, "range");
	bad("a = 0x8000000000000000", 1, 5, "range");
	bad("a = 0123", 1, 5, "leading zero");
	bad("a = +0x1", 1, 5, "sign");
	bad("a = 1__2", 1, 5, NULL);
	bad("a = _1", 1, 5, NULL);
	bad("a = 1_", 1, 5, NULL);
	bad("a = 0x", 1, 5, NULL);
	bad("a = 0b102", 1, 5, NULL);
	bad("a = 0X1F", 1, 5, NULL);
	bad("a = 12abc", 1, 5, NULL);
	bad("a = 1 2", 1, 7, "newline");
}

static void test_toml__floats(void **state)
{
	toml_doc *doc = ok("a = 3.14\nb = -0.0\nc = 1e10\nd = 6.626e-34\n"
	                   "e = 1_000.5_5\nf = inf\ng = -inf\nh = nan\n"
	                   "i = +nan\nj = 5E+2\nk = 0e0\n");

	(void)state;
	assert_int_equal(toml_kind(get(doc, "a")), TOML_FLOAT);
	assert_true(toml_float(get(doc, "a")) == 3.14);
	assert_true(toml_float(get(doc, "b")) == 0.0);
	assert_true(signbit(toml_float(get(doc, "b"))));
	assert_true(toml_float(get(doc, "c")) == 1e10);
	assert_true(toml_float(get(doc, "d")) == 6.626e-34);
	assert_true(toml_float(get(doc, "e")) == 1000.55);
	assert_true(isinf(toml_float(get(doc, "f"))) && toml_float(get(doc, "f")) > 0);
	assert_true(isinf(toml_float(get(doc, "g"))) && toml_float(get(doc, "g")) < 0);
	assert_true(isnan(toml_float(get(doc, "h"))));
	assert_true(isnan(toml_float(get(doc, "i"))));
	assert_true(toml_float(get(doc, "j")) == 500.0);
	assert_true(toml_float(get(doc, "k")) == 0.0);
	toml_free(doc);
	bad("a = .5", 1, 5, NULL);
	bad("a = 1.", 1, 5, "fraction");
	bad("a = 1e", 1, 5, "exponent");
	bad("a = 1.e5", 1, 5, NULL);
	bad("a = 01.5", 1, 5, "leading zero");
	bad("a = 1e400", 1, 5, "range");
	bad("a = 1._5", 1, 5, NULL);
	bad("a = infinity", 1, 5, NULL);
	bad("a = NaN", 1, 5, NULL);
}

static void test_toml__booleans(void **state)
{
	toml_doc *doc = ok("t = true\nf = false\n");

	(void)state;
	assert_int_equal(toml_kind(get(doc, "t")), TOML_BOOL);
	assert_int_equal(toml_bool(get(doc, "t")), 1);
	assert_int_equal(toml_bool(get(doc, "f")), 0);
	toml_free(doc);
	bad("a = True", 1, 5, NULL);
	bad("a = truex", 1, 9, NULL);
}

static void test_toml__datetimes(void **state)
{
	toml_doc *doc = ok("a = 1979-05-27T07:32:00Z\n"
	                   "b = 1979-05-27t07:32:00.999999-07:00\n"
	                   "c = 1979-05-27 07:32:00z\n"
	                   "d = 1979-05-27T07:32:00\n"
	                   "e = 1979-05-27\n"
	                   "f = 07:32:00.5\n"
	                   "g = 2024-02-29\n"
	                   "h = 2000-02-29T23:59:60+23:59\n"
	                   "i = [1979-05-27 , 00:00:00]\n");
	const toml_value *i;

	(void)state;
	assert_int_equal(toml_kind(get(doc, "a")), TOML_DATETIME);
	assert_str(get(doc, "a"), "1979-05-27T07:32:00Z", 20);
	assert_int_equal(toml_kind(get(doc, "b")), TOML_DATETIME);
	assert_str(get(doc, "b"), "1979-05-27T07:32:00.999999-07:00", 32);
	assert_str(get(doc, "c"), "1979-05-27T07:32:00Z", 20);
	assert_int_equal(toml_kind(get(doc, "d")), TOML_DATETIME_LOCAL);
	assert_str(get(doc, "d"), "1979-05-27T07:32:00", 19);
	assert_int_equal(toml_kind(get(doc, "e")), TOML_DATE_LOCAL);
	assert_str(get(doc, "e"), "1979-05-27", 10);
	assert_int_equal(toml_kind(get(doc, "f")), TOML_TIME_LOCAL);
	assert_str(get(doc, "f"), "07:32:00.5", 10);
	assert_int_equal(toml_kind(get(doc, "g")), TOML_DATE_LOCAL);
	assert_int_equal(toml_kind(get(doc, "h")), TOML_DATETIME);
	i = get(doc, "i");
	assert_int_equal(toml_kind(toml_array_at(i, 0)), TOML_DATE_LOCAL);
	assert_int_equal(toml_kind(toml_array_at(i, 1)), TOML_TIME_LOCAL);
	toml_free(doc);
	bad("a = 2023-02-29", 1, 5, "date");
	bad("a = 1900-02-29", 1, 5, "date");
	bad("a = 2023-13-01", 1, 5, "date");
	bad("a = 2023-04-31", 1, 5, "date");
	bad("a = 2023-00-10", 1, 5, "date");
	bad("a = 2023-1-01", 1, 5, "date");
	bad("a = 24:00:00", 1, 5, "time");
	bad("a = 12:60:00", 1, 5, "time");
	bad("a = 12:00:61", 1, 5, "time");
	bad("a = 12:00", 1, 5, "time");
	bad("a = 12:00:00.", 1, 5, "time");
	bad("a = 2023-01-01T12:00:00+24:00", 1, 24, "offset");
	bad("a = 2023-01-01T12:00:00+01", 1, 24, "offset");
	bad("a = 12:00:00Z", 1, 13, NULL);
	bad("a = 2023-01-01T", 1, 5, "time");
}

static void test_toml__arrays(void **state)
{
	toml_doc *doc = ok("a = [ 1, 'two', 3.0, [4, [5]], {x = 6}, ]\n"
	                   "b = [\n  # comment\n  1,\r\n  2 # two\n\n]\n"
	                   "c = []\n");
	const toml_value *a = get(doc, "a"), *b = get(doc, "b");

	(void)state;
	assert_int_equal(toml_kind(a), TOML_ARRAY);
	assert_int_equal(toml_array_len(a), 5);
	assert_int_equal(toml_integer(toml_array_at(a, 0)), 1);
	assert_str(toml_array_at(a, 1), "two", 3);
	assert_int_equal(toml_kind(toml_array_at(a, 2)), TOML_FLOAT);
	assert_int_equal(toml_array_len(toml_array_at(a, 3)), 2);
	assert_int_equal(toml_integer(toml_table_get(toml_array_at(a, 4), "x")), 6);
	assert_null(toml_array_at(a, 5));
	assert_int_equal(toml_array_len(b), 2);
	assert_int_equal(toml_integer(toml_array_at(b, 1)), 2);
	assert_int_equal(toml_line(toml_array_at(b, 1)), 5);
	assert_int_equal(toml_array_len(get(doc, "c")), 0);
	toml_free(doc);
	bad("a = [1,,2]", 1, 8, NULL);
	bad("a = [,]", 1, 6, NULL);
	bad("a = [1 2]", 1, 8, "expected ','");
	bad("a = [1,\n2", 2, 2, NULL);
}

static void test_toml__inline_tables(void **state)
{
	toml_doc *doc = ok("p = { x = 1, y.z = 'q', y.w = [1], n = {} }\n");
	const toml_value *p = get(doc, "p"), *y;

	(void)state;
	assert_int_equal(toml_kind(p), TOML_TABLE);
	assert_int_equal(toml_table_len(p), 3);
	y = toml_table_get(p, "y");
	assert_str(toml_table_get(y, "z"), "q", 1);
	assert_int_equal(toml_table_len(toml_table_get(p, "n")), 0);
	toml_free(doc);
	bad("p = { x = 1, }", 1, 14, "trailing comma");
	bad("p = { x = 1,\n y = 2 }", 1, 13, NULL);
	bad("p = {\n}", 1, 6, NULL);
	bad("p = { x = 1 }\np.y = 2", 2, 1, "cannot be extended");
	bad("p = { x = 1 }\n[p]", 2, 2, "already defined");
	bad("p = { x = 1 }\n[p.q]", 2, 2, "already defined");
	bad("p = { a = {b = 1}, a.c = 2 }", 1, 20, "cannot be extended");
	bad("p = { x = 1, x = 2 }", 1, 14, "duplicate key");
}

/* TOML 1.1 (TOML_1_1): what it relaxes is accepted there and only
 * there; the rest of 1.0's rules still hold. */
static toml_doc *ok11(const char *s)
{
	toml_doc *doc = NULL;
	toml_error err;

	if (toml_parse_ex(&doc, s, strlen(s), TOML_1_1, &err) < 0)
		fail_msg("TOML 1.1: unexpected error %u:%u: %s\n%s", err.line,
		         err.col, err.msg, s);
	return doc;
}

static void bad11(const char *s, unsigned line, const char *msg)
{
	toml_doc *doc = NULL;
	toml_error err;

	if (toml_parse_ex(&doc, s, strlen(s), TOML_1_1, &err) == 0)
		fail_msg("TOML 1.1: accepted %s", s);
	if (line && err.line != line)
		fail_msg("TOML 1.1: error line %u, want %u (%s)", err.line, line,
		         err.msg);
	if (msg && !strstr(err.msg, msg))
		fail_msg("TOML 1.1: error \"%s\" lacks \"%s\"", err.msg, msg);
}

static void test_toml__toml_1_1(void **state)
{
	static const char multi[] =
	    "p = {\n  x = 1, # one\n  # a comment line\n  y = { z = 2, },\n}\n"
	    "q = 3\n";
	toml_doc *doc = ok11(multi);
	const toml_value *p = get(doc, "p");

	(void)state;
	assert_int_equal(toml_table_len(p), 2);
	assert_int_equal(toml_integer(toml_table_get(p, "x")), 1);
	assert_int_equal(toml_line(get(doc, "q")), 6);
	toml_free(doc);
	bad(multi, 1, 6, NULL);                /* not TOML 1.0 */

	doc = ok11("s = \"\\x41\\xe9\\e[\\x00\"\nt = 07:32\n"
	           "d = 1979-05-27T07:32Z\nl = 1979-05-27 07:32\n");
	assert_str(get(doc, "s"), "A\xc3\xa9\x1b[\0", 6);
	assert_string_equal(toml_string(get(doc, "t"), NULL), "07:32:00");
	assert_string_equal(toml_string(get(doc, "d"), NULL),
	                    "1979-05-27T07:32:00Z");
	assert_string_equal(toml_string(get(doc, "l"), NULL),
	                    "1979-05-27T07:32:00");
	toml_free(doc);
	bad("s = \"\\x41\"", 1, 0, "invalid escape");
	bad("s = \"\\e\"", 1, 0, "invalid escape");
	bad("t = 07:32", 1, 0, "invalid time");

	bad11("p = { x = 1,, }", 1, NULL);
	bad11("p = { , }", 1, NULL);
	bad11("p = {\n x = 1\n y = 2 }", 3, NULL);
	bad11("s = \"\\x4\"", 1, NULL);
	bad11("s = '\\x41'x", 1, NULL);
	bad11("t = 07:32.5", 1, NULL);
	bad11("t = 7:32", 1, NULL);
	bad11("t = 07:60", 1, NULL);
	bad11("s = \"a\rb\"", 1, NULL);
}

static void test_toml__tables_and_arrays_of_tables(void **state)
{
	toml_doc *doc = ok("top = 1\n[a.b]\nc = 2\n[a]\nd = 3\n"
	                   "[[p]]\nname = 'x'\n[[p]]\nname = 'y'\n[p.sub]\nk = 1\n"
	                   "[[p]]\n[[p.list]]\nq = 1\n[[p.list]]\n");
	const toml_value *root = toml_root(doc), *a, *p;
	size_t klen;

	(void)state;
	assert_int_equal(toml_table_len(root), 3);
	assert_string_equal(toml_table_key(root, 0, &klen), "top");
	assert_int_equal(klen, 3);
	assert_string_equal(toml_table_key(root, 1, NULL), "a");
	assert_string_equal(toml_table_key(root, 2, NULL), "p");
	assert_int_equal(toml_table_key_line(root, 2), 6);
	a = get(doc, "a");
	assert_int_equal(toml_integer(toml_table_get(toml_table_get(a, "b"), "c")), 2);
	assert_int_equal(toml_integer(toml_table_get(a, "d")), 3);
	assert_int_equal(toml_line(a), 4);      /* where it was defined */
	p = get(doc, "p");
	assert_int_equal(toml_kind(p), TOML_ARRAY);
	assert_int_equal(toml_array_len(p), 3);
	assert_str(toml_table_get(toml_array_at(p, 1), "name"), "y", 1);
	assert_non_null(toml_table_get(toml_array_at(p, 1), "sub"));
	assert_null(toml_table_get(toml_array_at(p, 0), "sub"));
	assert_int_equal(toml_array_len(toml_table_get(toml_array_at(p, 2), "list")), 2);
	assert_int_equal(toml_line(toml_array_at(p, 2)), 12);
	toml_free(doc);
}

static void test_toml__dotted_and_quoted_keys(void **state)
{
	toml_doc *doc = ok("a.\"b.c\".'d' = 1\n\"\" = 'empty'\n"
	                   "\"q\\u00e9\" = 2\n1.2 = 3\n a . b2 = 4\n"
	                   "\"n\\u0000ul\" = 5\n");
	const toml_value *root = toml_root(doc), *a;
	size_t klen = 0;
	const char *k;

	(void)state;
	a = get(doc, "a");
	assert_int_equal(toml_integer(toml_table_get(toml_table_get(a, "b.c"), "d")), 1);
	assert_int_equal(toml_integer(toml_table_get(a, "b2")), 4);
	assert_str(get(doc, ""), "empty", 5);
	assert_int_equal(toml_integer(get(doc, "q\xc3\xa9")), 2);
	assert_int_equal(toml_integer(toml_table_get(get(doc, "1"), "2")), 3);
	k = toml_table_key(root, toml_table_len(root) - 1, &klen);
	assert_int_equal(klen, 4);
	assert_memory_equal(k, "n\0ul", 4);
	toml_free(doc);
	bad("a. = 1", 1, 4, "expected a key");
	bad("\"\"\"a\"\"\" = 1", 1, 1, "multi-line");
	bad("a b = 1", 1, 3, "expected '='");
	bad("a = 1\na.b = 2", 2, 1, "cannot be extended");
	bad("k\xc3\xa9y = 1", 1, 2, "expected '='");
}

static void test_toml__duplicates_and_redefinitions(void **state)
{
	(void)state;
	bad("a = 1\na = 2", 2, 1, "duplicate key");
	bad("a = 1\n'a' = 2", 2, 1, "duplicate key");
	bad("[t]\nx = 1\n  x = 2", 3, 3, "duplicate key");
	bad("[a]\n[a]", 2, 1, "already defined");
	bad("[a.b]\n[a]\n[a]", 3, 1, "already defined");
	bad("[t1]\nt2.t3.v = 0\n[t1.t2]", 3, 1, "already defined");
	bad("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, 3, "cannot be extended");
	bad("[[a.b]]\n[a]\nb.y = 2", 3, 1, "cannot be extended");
	bad("a = []\n[[a]]", 2, 3, "already defined as a value");
	bad("[[a]]\n[a]", 2, 1, "array of tables");
	bad("[a]\n[[a]]", 2, 1, "already defined");
	bad("a = 1\n[a.b]", 2, 2, "already defined as a value");
	bad("a.b.c = 1\na.b = 2", 2, 3, "duplicate key");
	/* Tables made implicitly by a header may take dotted keys (the spec
	 * forbids only tables "defined in [table] form"), and are then
	 * defined: no later [header] may name them. */
	toml_free(ok("[a.b.c]\n[a]\nb.x = 1\n[a.b.d]\n"));
	bad("[a.b.c]\n[a]\nb.x = 1\n[a.b]", 4, 1, "already defined");
	bad("[a.b.c.d]\n[a]\nb.c.d.k = 1", 3, 5, "cannot be extended");
}

static void test_toml__invalid_utf8(void **state)
{
	(void)state;
	bad("a = \"\xc0\x80\"", 1, 6, "UTF-8");                /* overlong */
	bad("a = \"\xe0\x80\xaf\"", 1, 6, "UTF-8");            /* overlong */
	bad("a = \"\xed\xa0\x80\"", 1, 6, "UTF-8");            /* surrogate */
	bad("a = \"\xf4\x90\x80\x80\"", 1, 6, "UTF-8");        /* > U+10FFFF */
	bad("a = \"\xf8\x88\x80\x80\x80\"", 1, 6, "UTF-8");
	bad("# ok\n# \xff", 2, 3, "UTF-8");
	bad_n("a = \"\xe2\x82", 7, 1, 6, "UTF-8");             /* truncated */
	bad("a = '\x80'", 1, 6, "UTF-8");
}

static void test_toml__control_characters(void **state)
{
	(void)state;
	bad("a = \"x\x01y\"", 1, 7, "control");
	bad("a = 'x\x1fy'", 1, 7, "control");
	bad("# del \x7f here", 1, 7, "control");
	bad_n("a = \"x\0y\"", 9, 1, 7, "control");
	bad("a = 1\rb = 2", 1, 6, "carriage return");
	bad("a = \"\"\"x\ry\"\"\"", 1, 9, "carriage return");
}

static void test_toml__error_positions(void **state)
{
	(void)state;
	bad("a = 1\nb = @", 2, 5, "expected a value");
	bad("a = 1\n\n  [x\n", 3, 5, "expected ']'");
	bad("x = \"\"\"\none\ntwo\\q\"\"\"", 3, 4, "invalid escape");
	bad("a = 1 # ok\nb = 2 c", 2, 7, "expected a newline");
	bad("a =", 1, 4, "expected a value");
	bad("= 1", 1, 1, "expected a key");
}

/* n copies of `open` after `prefix`, never closed. Past the cap the error
 * must be the depth; at the cap (within_cap) it must be the end of input. */
static void deep(const char *prefix, const char *open, size_t n, int within_cap)
{
	size_t pl = strlen(prefix), ol = strlen(open), i;
	char *s = malloc(pl + n * ol + 1);
	toml_doc *doc = NULL;
	toml_error err;
	int rc;

	assert_non_null(s);
	memcpy(s, prefix, pl);
	for (i = 0; i < n; i++)
		memcpy(s + pl + i * ol, open, ol);
	rc = toml_parse(&doc, s, pl + n * ol, &err);
	free(s);
	if (within_cap) {
		assert_int_equal(rc, -1);
		assert_null(strstr(err.msg, "nesting"));
	} else {
		assert_int_equal(rc, -1);
		assert_null(doc);
		assert_non_null(strstr(err.msg, "nesting"));
		assert_int_equal(err.line, 1);
	}
}

static void test_toml__depth_cap_arrays(void **state)
{
	(void)state;
	deep("a = ", "[", 100000, 0);
	deep("a = ", "[", TOML_DEPTH_MAX, 1);  /* fails on EOF, not depth */
	deep("a = ", "[", TOML_DEPTH_MAX + 1, 0);
}

static void test_toml__depth_cap_inline_tables(void **state)
{
	(void)state;
	deep("a = ", "{b=", 100000, 0);
	deep("a = ", "[{b=", 100000, 0);
}

static void test_toml__depth_cap_keys(void **state)
{
	toml_doc *doc = NULL;
	toml_error err;
	size_t n = 100000, i;
	char *s = malloc(2 * n + 8);

	(void)state;
	assert_non_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + 2 * i, "k.", 2);
	memcpy(s + 2 * n, "k = 1", 5);
	assert_int_equal(toml_parse(&doc, s, 2 * n + 5, &err), -1);
	assert_non_null(strstr(err.msg, "parts"));
	s[0] = '[';
	assert_int_equal(toml_parse(&doc, s, 2 * n + 5, &err), -1);
	free(s);
	/* A header and a dotted key, each under the cap, add up past it. */
	{
		char buf[2048];
		size_t o = 0;
		buf[o++] = '[';
		for (i = 0; i < 100; i++)
			o += (size_t)sprintf(buf + o, "h.");
		o += (size_t)sprintf(buf + o, "h]\n");
		for (i = 0; i < 100; i++)
			o += (size_t)sprintf(buf + o, "d.");
		o += (size_t)sprintf(buf + o, "d = 1\n");
		bad_n(buf, o, 2, 0, "nesting");
	}
}

static void test_toml__not_nul_terminated(void **state)
{
	toml_doc *doc = NULL;
	toml_error err;

	(void)state;
	/* Only the first 5 bytes count: "a = 1". */
	assert_int_equal(parse_n(&doc, "a = 12", 5, &err), 0);
	assert_int_equal(toml_integer(get(doc, "a")), 1);
	toml_free(doc);
	bad_n("a = \"abc\"", 8, 1, 5, "unterminated");
	bad_n("a = tru", 7, 1, 5, NULL);
	bad_n("a = 1979-05-2", 13, 1, 5, "date");
	bad_n("a = 07:3", 8, 1, 5, NULL);
	bad_n("a = '''x''", 10, 1, 5, "unterminated");
	bad_n("a = \"\\u00", 9, 1, 5, "unterminated");
	bad_n("[[a]", 4, 1, 4, "]]");
}

static void test_toml__input_cap(void **state)
{
	toml_doc *doc = NULL;
	toml_error err;
	static const char tiny[1] = {' '};

	(void)state;
	/* Rejected on the length alone: the bytes are never read. */
	assert_int_equal(toml_parse(&doc, tiny, (size_t)TOML_INPUT_MAX + 1, &err), -1);
	assert_null(doc);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "larger"));
	assert_int_equal(toml_parse(&doc, NULL, 0, &err), 0);
	assert_int_equal(toml_table_len(toml_root(doc)), 0);
	toml_free(doc);
	assert_int_equal(toml_parse(&doc, NULL, 5, NULL), -1);
}

static void test_toml__accessors_on_wrong_types(void **state)
{
	toml_doc *doc = ok("i = 5\ns = 'x'\na = [1]\nt = {k = 1}\n");
	const toml_value *i = get(doc, "i"), *s = get(doc, "s");
	size_t len = 99;

	(void)state;
	assert_null(toml_string(i, &len));
	assert_int_equal(len, 99);
	assert_int_equal(toml_integer(s), 0);
	assert_true(toml_float(i) == 0.0);
	assert_int_equal(toml_bool(i), 0);
	assert_int_equal(toml_table_len(get(doc, "a")), 0);
	assert_int_equal(toml_array_len(get(doc, "t")), 0);
	assert_null(toml_table_get(toml_root(doc), "missing"));
	assert_null(toml_table_get(i, "k"));
	assert_null(toml_table_key(toml_root(doc), 4, NULL));
	assert_null(toml_table_value(toml_root(doc), 4));
	assert_int_equal(toml_table_key_line(toml_root(doc), 4), 0);
	assert_int_equal(toml_table_key_line(toml_root(doc), 3), 4);
	assert_int_equal(toml_line(s), 2);
	assert_int_equal(toml_col(s), 5);
	assert_null(toml_root(NULL));
	assert_int_equal(toml_kind(NULL), 0);
	assert_null(toml_array_at(NULL, 0));
	toml_free(doc);
	toml_free(NULL);
}

static void test_toml__large_table(void **state)
{
	size_t n = 20000, i, o = 0;
	char *s = malloc(n * 24 + 64);
	toml_doc *doc = NULL;
	toml_error err;
	char key[32];

	(void)state;
	assert_non_null(s);
	for (i = 0; i < n; i++)
		o += (size_t)sprintf(s + o, "key%zu = %zu\n", i, i);
	assert_int_equal(toml_parse(&doc, s, o, &err), 0);
	assert_int_equal(toml_table_len(toml_root(doc)), n);
	for (i = 0; i < n; i += 997) {
		snprintf(key, sizeof key, "key%zu", i);
		assert_int_equal(toml_integer(get(doc, key)), (int64_t)i);
	}
	assert_null(toml_table_get(toml_root(doc), "key20000"));
	toml_free(doc);
	o += (size_t)sprintf(s + o, "key12345 = 0\n");
	assert_int_equal(toml_parse(&doc, s, o, &err), -1);
	assert_int_equal(err.line, n + 1);
	assert_non_null(strstr(err.msg, "duplicate"));
	free(s);
}

/* A string bigger than any arena chunk, many [[p]] elements and a long
 * array: the big-block, regrowth and scratch-stack paths. */
static void test_toml__big_values(void **state)
{
	size_t big = 3u << 20, n = 5000, i, o;
	char *s = malloc(big + n * 16 + 64);
	toml_doc *doc = NULL;
	toml_error err;
	const toml_value *p;

	(void)state;
	assert_non_null(s);
	memcpy(s, "s = '", 5);
	memset(s + 5, 'x', big);
	o = 5 + big;
	o += (size_t)sprintf(s + o, "'\na = [");
	for (i = 0; i < n; i++)
		o += (size_t)sprintf(s + o, "%zu,", i);
	o += (size_t)sprintf(s + o, "]\n");
	for (i = 0; i < n; i++)
		o += (size_t)sprintf(s + o, "[[p]]\n");
	assert_int_equal(toml_parse(&doc, s, o, &err), 0);
	free(s);
	assert_int_equal(toml_kind(get(doc, "s")), TOML_STRING);
	{
		size_t len;
		const char *v = toml_string(get(doc, "s"), &len);
		assert_int_equal(len, big);
		assert_int_equal(v[0], 'x');
		assert_int_equal(v[big - 1], 'x');
		assert_int_equal(v[big], '\0');
	}
	assert_int_equal(toml_array_len(get(doc, "a")), n);
	assert_int_equal(toml_integer(toml_array_at(get(doc, "a"), n - 1)), (int64_t)(n - 1));
	p = get(doc, "p");
	assert_int_equal(toml_array_len(p), n);
	assert_int_equal(toml_line(toml_array_at(p, n - 1)), n + 2);
	toml_free(doc);
}

static void test_toml__byte_order_mark(void **state)
{
	toml_doc *doc = ok("\xef\xbb\xbf" "a = 1\n");

	(void)state;
	assert_int_equal(toml_integer(get(doc, "a")), 1);
	toml_free(doc);
	bad("a = 1\n\xef\xbb\xbf", 2, 1, NULL);
}

/* Every prefix and many one-byte changes of a rich document: rejected or
 * accepted, never a crash or an out-of-bounds read (ASan watches). */
static void test_toml__truncation_and_mutation(void **state)
{
	static const char doc_text[] =
	    "# c\n[pkg]\nname = \"a\\u00e9\"\nv = [1, 2.5, 0x1F, 1979-05-27T07:32:00Z]\n"
	    "t = { x = 'y', z.w = \"\"\"m\nl\"\"\" }\n[[p]]\nq = '''r'''\n"
	    "d = 07:32:00.25\n";
	static const char subst[] = "\"'[]{}=.,#\n\r\\ 0_-+:eTZ\x80\xff";
	size_t n = sizeof doc_text - 1, i, k;
	char *buf = malloc(n);
	toml_doc *doc;
	toml_error err;

	(void)state;
	assert_non_null(buf);
	doc = ok(doc_text);
	toml_free(doc);
	for (i = 0; i <= n; i++) {
		doc = NULL;
		if (parse_n(&doc, doc_text, i, &err) == 0)
			toml_free(doc);
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof subst - 1; k++) {
			memcpy(buf, doc_text, n);
			buf[i] = subst[k];
			doc = NULL;
			if (toml_parse(&doc, buf, n, &err) == 0)
				toml_free(doc);
			else
				assert_true(err.line >= 1 && err.line <= 12);
		}
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toml__empty_documents),
		cmocka_unit_test(test_toml__basic_string_escapes),
		cmocka_unit_test(test_toml__embedded_nul),
		cmocka_unit_test(test_toml__invalid_escapes),
		cmocka_unit_test(test_toml__multiline_basic),
		cmocka_unit_test(test_toml__literal_strings),
		cmocka_unit_test(test_toml__integers),
		cmocka_unit_test(test_toml__floats),
		cmocka_unit_test(test_toml__booleans),
		cmocka_unit_test(test_toml__datetimes),
		cmocka_unit_test(test_toml__arrays),
		cmocka_unit_test(test_toml__inline_tables),
		cmocka_unit_test(test_toml__toml_1_1),
		cmocka_unit_test(test_toml__tables_and_arrays_of_tables),
		cmocka_unit_test(test_toml__dotted_and_quoted_keys),
		cmocka_unit_test(test_toml__duplicates_and_redefinitions),
		cmocka_unit_test(test_toml__invalid_utf8),
		cmocka_unit_test(test_toml__control_characters),
		cmocka_unit_test(test_toml__error_positions),
		cmocka_unit_test(test_toml__depth_cap_arrays),
		cmocka_unit_test(test_toml__depth_cap_inline_tables),
		cmocka_unit_test(test_toml__depth_cap_keys),
		cmocka_unit_test(test_toml__not_nul_terminated),
		cmocka_unit_test(test_toml__input_cap),
		cmocka_unit_test(test_toml__accessors_on_wrong_types),
		cmocka_unit_test(test_toml__large_table),
		cmocka_unit_test(test_toml__big_values),
		cmocka_unit_test(test_toml__byte_order_mark),
		cmocka_unit_test(test_toml__truncation_and_mutation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
