/*
 * test_frontmatter.c — splitting advisory files: the cut points, the trims
 * (rustsec's), line numbers of every part and of every error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frontmatter.h"

static int split(fm_parts *p, fm_error *e, const char *s)
{
	return frontmatter_split(p, s, strlen(s), e);
}

static void assert_part(const char *got, size_t len, const char *want)
{
	if (len != strlen(want) || memcmp(got, want, len) != 0)
		fail_msg("got \"%.*s\", want \"%s\"", (int)len, got, want);
}

static void test_frontmatter__parts_and_lines(void **state)
{
	fm_parts p;
	fm_error e;
	const char *s = "```toml\n[advisory]\nid = \"x\"\n```\n\n\n"
	                "# The title  \n\n  First line.\n\nLast.  \n\n";

	(void)state;
	assert_int_equal(split(&p, &e, s), 0);
	/* the front matter is trimmed, as rustsec trims it */
	assert_part(p.toml, p.toml_len, "[advisory]\nid = \"x\"");
	assert_int_equal(p.toml_line, 2);
	assert_part(p.title, p.title_len, "The title");
	assert_int_equal(p.title_line, 7);
	/* leading white space of the description goes, as in rustsec */
	assert_part(p.desc, p.desc_len, "First line.\n\nLast.");
	assert_int_equal(p.desc_line, 9);
}

static void test_frontmatter__crlf(void **state)
{
	fm_parts p;
	fm_error e;
	const char *s = "```toml\r\n[advisory]\r\n```\r\n\r\n# Title\r\n\r\n"
	                "Body\r\nmore\r\n";

	(void)state;
	assert_int_equal(split(&p, &e, s), 0);
	assert_part(p.toml, p.toml_len, "[advisory]");
	assert_part(p.title, p.title_len, "Title");
	assert_part(p.desc, p.desc_len, "Body\r\nmore");
}

static void test_frontmatter__unicode_trim(void **state)
{
	fm_parts p;
	fm_error e;
	/* U+00A0 and U+3000 are white space to Rust's trim; U+00E9 is not */
	const char *s = "```toml\n```\n# Caf\xc3\xa9\xc2\xa0\n\xe3\x80\x80"
	                "d\xc3\xa9j\xc3\xa0\xe3\x80\x80";

	(void)state;
	assert_int_equal(split(&p, &e, s), 0);
	assert_part(p.title, p.title_len, "Caf\xc3\xa9");
	assert_part(p.desc, p.desc_len, "d\xc3\xa9j\xc3\xa0");
	assert_int_equal(p.toml_len, 0);
}

static void test_frontmatter__title_only(void **state)
{
	fm_parts p;
	fm_error e;

	(void)state;
	assert_int_equal(split(&p, &e, "```toml\n```\n# T\n"), 0);
	assert_part(p.title, p.title_len, "T");
	assert_int_equal(p.desc_len, 0);
	assert_int_equal(p.desc_line, 4);  /* title_line + 1 */
}

/* rustsec's cut points, where they differ from "one fence per line". */
static void test_frontmatter__rustsec_cuts(void **state)
{
	fm_parts p;
	fm_error e;

	(void)state;
	/* text after ```toml belongs to the front matter */
	assert_int_equal(split(&p, &e, "```toml [advisory]\nid = 1\n```\n"
	                               "# T\n"), 0);
	assert_part(p.toml, p.toml_len, "[advisory]\nid = 1");
	assert_int_equal(p.toml_line, 1);
	/* blank lines and leading white space before the front matter */
	assert_int_equal(split(&p, &e, "```toml\n\n  \n\t[advisory]\n```\n"
	                               "# T\n"), 0);
	assert_part(p.toml, p.toml_len, "[advisory]");
	assert_int_equal(p.toml_line, 4);
	/* the title may follow the closing fence on its own line */
	assert_int_equal(split(&p, &e, "```toml\n``` # T\nBody\n"), 0);
	assert_part(p.title, p.title_len, "T");
	assert_int_equal(p.title_line, 2);
	assert_part(p.desc, p.desc_len, "Body");
	/* an empty title is a title */
	assert_int_equal(split(&p, &e, "```toml\n```\n#  \nBody\n"), 0);
	assert_int_equal(p.title_len, 0);
	/* a NUL byte is valid UTF-8: it reaches the caller */
	assert_int_equal(frontmatter_split(&p, "```toml\n```\n# T\nA\0B", 19,
	                                   &e), 0);
	assert_int_equal(p.desc_len, 3);
	/* "```toml" alone, closed right away: an empty front matter */
	assert_int_equal(split(&p, &e, "```toml\n```\n# T\n"), 0);
	assert_int_equal(p.toml_len, 0);
}

static void expect_err(const char *s, size_t len, unsigned line,
                       const char *needle)
{
	fm_parts p;
	fm_error e;

	if (frontmatter_split(&p, s, len, &e) == 0)
		fail_msg("accepted: %.*s", (int)(len > 60 ? 60 : len), s);
	if (e.line != line || !strstr(e.msg, needle))
		fail_msg("got %u: %s; want %u: ...%s...", e.line, e.msg, line,
		         needle);
}

static void test_frontmatter__errors(void **state)
{
	(void)state;
	expect_err("", 0, 0, "empty file");
	expect_err("\n\n", 2, 1, "```toml");
	expect_err(" ```toml\n```\n# T\n", 18, 1, "```toml");
	expect_err("\xef\xbb\xbf```toml\n```\n# T\n", 20, 1, "```toml");
	expect_err("```toml\na = 1\n", 14, 1, "never closed");
	expect_err("```toml\na = 1 ```\n", 18, 1, "never closed");
	expect_err("```toml\n```x\n# T\n", 17, 2, "expected a \"# Title\"");
	expect_err("```toml\n````\n# T\n", 17, 2, "expected a \"# Title\"");
	expect_err("```toml\n```\n\n\n", 14, 2, "no \"# Title\"");
	expect_err("```toml\n```\n\nText\n", 18, 4, "expected a \"# Title\"");
	expect_err("```toml\n```\n#Title\n", 19, 3, "expected a \"# Title\"");
	expect_err("```toml\n```\n# T", 15, 3, "no line break");
	expect_err("```toml\n```\n# T\n\xc0\x80", 18, 4, "UTF-8");
	expect_err("```toml\n```\n# T\n\xed\xa0\x80", 19, 4, "UTF-8");
	expect_err("```toml\n```\n# T\n\xf4\x90\x80\x80", 20, 4, "UTF-8");
	expect_err("```toml\n```\n# T\n\xe2\x82", 18, 4, "UTF-8");
}

static void test_frontmatter__too_big(void **state)
{
	size_t n = FRONTMATTER_FILE_MAX + 1;
	char *s = malloc(n);

	(void)state;
	assert_non_null(s);
	memset(s, 'x', n);
	memcpy(s, "```toml\n```\n# T\n", 16);
	expect_err(s, n, 0, "more than");
	/* exactly at the cap is fine */
	fm_parts p;
	fm_error e;
	assert_int_equal(frontmatter_split(&p, s, n - 1, &e), 0);
	assert_int_equal(p.desc_len, n - 1 - 16);
	free(s);
}

static void test_frontmatter__utf8_prefix(void **state)
{
	(void)state;
	assert_int_equal(frontmatter_utf8_valid("ab\xc3\xa9", 4), 4);
	assert_int_equal(frontmatter_utf8_valid("ab\xc3", 3), 2);
	assert_int_equal(frontmatter_utf8_valid("\xf0\x9f\x98\x80z", 5), 5);
	assert_int_equal(frontmatter_utf8_valid("\xe0\x80\xaf", 3), 0);
	assert_int_equal(frontmatter_utf8_valid("\xff", 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frontmatter__parts_and_lines),
		cmocka_unit_test(test_frontmatter__crlf),
		cmocka_unit_test(test_frontmatter__unicode_trim),
		cmocka_unit_test(test_frontmatter__title_only),
		cmocka_unit_test(test_frontmatter__rustsec_cuts),
		cmocka_unit_test(test_frontmatter__errors),
		cmocka_unit_test(test_frontmatter__too_big),
		cmocka_unit_test(test_frontmatter__utf8_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
