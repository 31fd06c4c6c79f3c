/*
 * test_fleet.c — `report`'s aggregate (fleet.h) from crafted lines: the
 * upgrade-first rule, the repository rule, counts, refusals of malformed
 * lines, independence from line order; and markup.h's escaping for
 * Markdown and HTML.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "markup.h"

/* A finding of crate NAME@VER by advisory ID with patched/unaffected
 * JSON arrays (text), as scan --json writes it. */
static int finding(char *out, size_t cap, const char *id, const char *name,
                   const char *ver, const char *patched,
                   const char *unaffected, const char *date)
{
	return snprintf(out, cap,
	                "{\"advisory\":{\"id\":\"%s\",\"package\":\"%s\","
	                "\"title\":\"t %s\",\"date\":\"%s\",\"cvss\":null,"
	                "\"url\":null},\"versions\":{\"patched\":%s,"
	                "\"unaffected\":%s},\"affected\":null,\"package\":{"
	                "\"name\":\"%s\",\"version\":\"%s\",\"source\":null,"
	                "\"checksum\":null}}",
	                id, name, id, date, patched, unaffected, name, ver);
}

/* A scan report line with the given vulnerabilities (a JSON list body
 * and its count). */
static void report(char *out, size_t cap, const char *path, const char *list,
                   size_t count)
{
	snprintf(out, cap,
	         "{\"database\":{\"advisory-count\":1,\"last-commit\":null,"
	         "\"last-updated\":\"2025-01-01T00:00:00Z\"},\"lockfile\":{"
	         "\"dependency-count\":5,\"path\":\"%s\"},\"settings\":{},"
	         "\"vulnerabilities\":{\"found\":%s,\"count\":%zu,\"list\":[%s]},"
	         "\"warnings\":{}}", path, count ? "true" : "false", count, list);
}

static void feed(fleet *fl, const char *line)
{
	assert_int_equal(fleet_feed(fl, line, strlen(line), "t", 1), 0);
}

static const fleet_crate *crate(const fleet *fl, const char *name)
{
	for (size_t i = 0; i < fl->ncrate; i++)
		if (!strcmp(fl->crate[i].name, name))
			return &fl->crate[i];
	return NULL;
}

static void test_fleet__upgrade_rule(void **state)
{
	(void)state;
	fleet fl;
	char f1[1024], f2[1024], f3[1024], list[4096], line[8192];

	assert_int_equal(fleet_init(&fl), 0);
	/* foo: two advisories; only 1.5.0 clears both at 1.0.0 */
	finding(f1, sizeof(f1), "A-1", "foo", "1.0.0", "[\">= 1.2.0\"]", "[]",
	        "2024-12-01");
	finding(f2, sizeof(f2), "A-2", "foo", "1.0.0", "[\">= 1.5.0\"]",
	        "[\"< 0.5.0\"]", "2020-01-01");
	snprintf(list, sizeof(list), "%s,%s", f1, f2);
	report(line, sizeof(line), "/r/a/Cargo.lock", list, 2);
	feed(&fl, line);
	/* bar: used at 0.5.0 and 2.0.0; 0.5.1 is a fix below 2.0.0 */
	finding(f1, sizeof(f1), "B-1", "bar", "0.5.0",
	        "[\">= 0.5.1, < 1.0.0\", \">= 2.0.1\"]", "[]", "2024-06-01");
	finding(f2, sizeof(f2), "B-1", "bar", "2.0.0",
	        "[\">= 0.5.1, < 1.0.0\", \">= 2.0.1\"]", "[]", "2024-06-01");
	/* baz: no fixed version */
	finding(f3, sizeof(f3), "C-1", "baz", "1.0.0", "[]", "[]", "2024-06-01");
	snprintf(list, sizeof(list), "%s,%s,%s", f1, f2, f3);
	report(line, sizeof(line), "/r/b/sub/Cargo.lock", list, 3);
	feed(&fl, line);
	assert_int_equal(fleet_rank(&fl), 0);

	assert_string_equal(crate(&fl, "foo")->upgrade, "1.5.0");
	assert_int_equal(crate(&fl, "foo")->cleared, 2);
	assert_string_equal(crate(&fl, "bar")->upgrade, "2.0.1");
	assert_int_equal(crate(&fl, "bar")->cleared, 2);
	assert_int_equal(crate(&fl, "baz")->cleared, 0);
	assert_string_equal(crate(&fl, "baz")->upgrade, "");
	/* counts */
	assert_int_equal(fl.reports, 2);
	assert_int_equal(fl.vulns, 5);
	assert_int_equal(fl.with_vulns, 2);
	assert_int_equal(fl.by_sev[0], 5);      /* no vector: none */
	assert_int_equal(fl.packages, 10);
	/* the report date: the newest last-updated; ages from it */
	assert_string_equal(fl.asof, "2025-01-01");
	assert_int_equal(fl.age[1][0], 1);      /* A-1: 31 days */
	assert_int_equal(fl.age[2][0], 3);      /* B-1 x2, C-1: 214 days */
	assert_int_equal(fl.age[5][0], 1);      /* A-2: 1827 days */
	/* repositories: the first folder below /r */
	assert_int_equal(fl.nrepo, 2);
	assert_string_equal(fl.repo[fl.lock[0].repo].name, "a");
	assert_string_equal(fl.repo[fl.lock[1].repo].name, "b");
	fleet_free(&fl);
}

static void test_fleet__repository_rule(void **state)
{
	(void)state;
	fleet fl;
	char line[4096];

	assert_int_equal(fleet_init(&fl), 0);
	report(line, sizeof(line), "/d/locks/owner__repo__2020-01-01__abc.lock",
	       "", 0);
	feed(&fl, line);
	report(line, sizeof(line), "Cargo.lock", "", 0);
	feed(&fl, line);
	feed(&fl, "{\"lockfile\":{\"path\":\"x/y/Cargo.lock\"},\"error\":\"bad\"}");
	assert_int_equal(fleet_rank(&fl), 0);
	assert_string_equal(fl.repo[fl.lock[0].repo].name, "owner/repo");
	/* "Cargo.lock" and "x/y/..." share no folder: "." and "x" */
	assert_string_equal(fl.repo[fl.lock[1].repo].name, ".");
	assert_string_equal(fl.repo[fl.lock[2].repo].name, "x");
	assert_int_equal(fl.clean, 2);
	assert_int_equal(fl.error_lines, 1);
	assert_int_equal(fl.nerr, 1);
	fleet_free(&fl);
}

static void test_fleet__malformed_lines(void **state)
{
	(void)state;
	fleet fl;
	char deep[200], line[4096];
	static const char *const bad[] = {
		"[1,2]",
		"not json",
		"{\"a\":1}",
		"{\"error\":1}",
		"{\"vulnerabilities\":{\"count\":0,\"list\":[]},\"warnings\":{}}",
		"{\"lockfile\":{},\"vulnerabilities\":{\"count\":1,\"list\":[]},"
		"\"warnings\":{}}",
		"{\"lockfile\":{},\"vulnerabilities\":{\"count\":0,\"list\":[]},"
		"\"warnings\":{},\"warnings\":{}}",
		"{\"lockfile\":{},\"vulnerabilities\":{\"count\":1,\"list\":"
		"[{\"package\":{\"name\":\"x\",\"version\":\"1.0.0\"}}]},"
		"\"warnings\":{}}",
		"{\"error\":\"a\\u0000b\"}",
	};

	assert_int_equal(fleet_init(&fl), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		feed(&fl, bad[i]);
	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	feed(&fl, deep);
	feed(&fl, "   ");                       /* blank: not a line */
	assert_int_equal(fl.rejected, sizeof(bad) / sizeof(bad[0]) + 1);
	report(line, sizeof(line), "p", "", 0);
	feed(&fl, line);
	assert_int_equal(fl.reports, 1);
	fleet_free(&fl);
}

static void test_fleet__order_independent(void **state)
{
	(void)state;
	char lines[6][2048], f[1024];
	buf out[2] = { BUF_INIT, BUF_INIT };

	for (int i = 0; i < 6; i++) {
		char path[64], id[16];
		snprintf(path, sizeof(path), "/f/r%d/Cargo.lock", i % 3);
		snprintf(id, sizeof(id), "X-%d", i % 2);
		finding(f, sizeof(f), id, i % 2 ? "aa" : "bb", "1.0.0",
		        "[\">= 1.0.1\"]", "[]", "2023-01-01");
		report(lines[i], sizeof(lines[i]), path, i == 5 ? "" : f,
		       i == 5 ? 0 : 1);
	}
	for (int pass = 0; pass < 2; pass++) {
		fleet fl;
		assert_int_equal(fleet_init(&fl), 0);
		for (int i = 0; i < 6; i++)
			feed(&fl, lines[pass ? 5 - i : i]);
		assert_int_equal(fleet_rank(&fl), 0);
		fleet_json(&out[pass], &fl);
		fleet_text(&out[pass], &fl);
		fleet_markdown(&out[pass], &fl);
		fleet_html(&out[pass], &fl);
		fleet_free(&fl);
	}
	assert_false(out[0].failed);
	assert_string_equal(out[0].p, out[1].p);
	buf_free(&out[0]);
	buf_free(&out[1]);
}

static void test_fleet__hostile_text_escaped(void **state)
{
	(void)state;
	fleet fl;
	char f[2048], line[4096];
	buf out = BUF_INIT;

	assert_int_equal(fleet_init(&fl), 0);
	snprintf(f, sizeof(f),
	         "{\"advisory\":{\"id\":\"<img src=x>\",\"package\":\"p\","
	         "\"title\":\"<script>alert(1)</script> | [x](javascript:y)\","
	         "\"date\":\"2024-01-01\",\"cvss\":null,\"url\":"
	         "\"javascript:alert(1)\"},\"versions\":{\"patched\":[],"
	         "\"unaffected\":[]},\"package\":{\"name\":\"p\","
	         "\"version\":\"1.0.0\"}}");
	report(line, sizeof(line), "/a/\\\"><b>x</b>/Cargo.lock", f, 1);
	feed(&fl, line);
	assert_int_equal(fleet_rank(&fl), 0);
	fleet_html(&out, &fl);
	assert_null(strstr(out.p, "<script>alert"));
	assert_null(strstr(out.p, "<img src"));
	assert_null(strstr(out.p, "<b>x"));
	assert_null(strstr(out.p, "href=\"javascript"));
	assert_non_null(strstr(out.p, "&lt;script&gt;"));
	buf_reset(&out);
	fleet_markdown(&out, &fl);
	assert_null(strstr(out.p, "<script>"));
	assert_null(strstr(out.p, "](javascript"));
	assert_non_null(strstr(out.p, "\\| \\[x\\]\\(javascript"));
	buf_free(&out);
	fleet_free(&fl);
}

static void test_markup__escapes(void **state)
{
	(void)state;
	buf b = BUF_INIT;

	markup_html(&b, "a<b>&\"'\x1b[31m\xe2\x80\xae");
	assert_string_equal(b.p, "a&lt;b&gt;&amp;&quot;&#39;\\x1b[31m\\u202e");
	buf_reset(&b);
	markup_md(&b, "a|b*c_[d](e)`f`<g>@h");
	assert_string_equal(b.p, "a\\|b\\*c\\_\\[d\\]\\(e\\)\\`f\\`&lt;g&gt;\\@h");
	buf_reset(&b);
	assert_true(markup_url_ok("https://x/y?a=1&b=2"));
	assert_false(markup_url_ok("javascript:alert(1)"));
	assert_false(markup_url_ok("https://x/\ny"));
	markup_url_html(&b, "https://x/a b\"<>()?q=1&r=2");
	assert_string_equal(b.p, "https://x/a%20b%22%3C%3E%28%29?q=1&amp;r=2");
	buf_free(&b);
	char url[128];
	markup_advisory_url(url, sizeof(url), "RUSTSEC-2024-0001", NULL);
	assert_string_equal(url, "https://rustsec.org/advisories/RUSTSEC-2024-0001.html");
	markup_advisory_url(url, sizeof(url), "GHSA-x", "javascript:x");
	assert_string_equal(url, "");
	markup_advisory_url(url, sizeof(url), "GHSA-x", "https://e/x");
	assert_string_equal(url, "https://e/x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fleet__upgrade_rule),
		cmocka_unit_test(test_fleet__repository_rule),
		cmocka_unit_test(test_fleet__malformed_lines),
		cmocka_unit_test(test_fleet__order_independent),
		cmocka_unit_test(test_fleet__hostile_text_escaped),
		cmocka_unit_test(test_markup__escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
