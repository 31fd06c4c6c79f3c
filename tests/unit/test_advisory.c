/*
 * test_advisory.c — advisory files to records: every field of a good
 * advisory lands in the record; the golden corpus of bad advisories gives
 * exactly the expected "path:line: message" lines; generated hostile input
 * (too big, nested 100,000 deep) fails cleanly; and every advisory of the
 * real RustSec database parses with zero errors, its title and description
 * equal to `summary` and `details` of RustSec's own OSV export.
 *
 * The golden corpus is read from tests/golden/advisories (the test runs
 * from the repository root); the real data from ../shared/data (or
 * $ADVDB_SHARED), skipped with the reason when absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <yaml.h>

#include "advisory.h"
#include "testlib.h"
#include "version.h"

#define P "crates/foo/RUSTSEC-2099-0001.md"

/* Parse s under path; the diag list is returned for inspection. */
static int parse(advisory **a, const char *path, const char *s,
                 diag_list *d)
{
	diag_init(d);
	return advisory_parse(a, "rustsec", path, s, strlen(s), d);
}

static void dump(const diag_list *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("#   %s\n", d->v[i].text);
}

static void assert_strlist(const strlist *l, const char *const *want)
{
	uint32_t n = 0;

	while (want[n])
		n++;
	assert_int_equal(l->n, n);
	for (uint32_t i = 0; i < n; i++)
		assert_string_equal(l->v[i], want[i]);
}

static void assert_version(const version *v, const char *want)
{
	char buf[VERSION_TEXT_MAX + 1];

	version_format(v, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static const char full[] =
	"```toml\n"
	"[advisory]\n"
	"id = \"RUSTSEC-2099-0001\"\n"
	"package = \"foo-bar\"\n"
	"date = \"2099-01-31\"\n"
	"withdrawn = \"2099-02-28\"\n"
	"url = \"https://example.com/issue/1\"\n"
	"references = [\"https://example.com/a\", \"https://example.com/b\"]\n"
	"informational = \"unsound\"\n"
	"categories = [\"code-execution\", \"privilege-escalation\"]\n"
	"cvss = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"\n"
	"keywords = [\"example\", \"freeform\"]\n"
	"aliases = [\"CVE-2099-1234\", \"GHSA-abcd-efgh-2345\"]\n"
	"related = [\"RUSTSEC-2099-0002\"]\n"
	"license = \"CC-BY-4.0\"\n"
	"expect-deleted = true\n"
	"\n"
	"[affected]\n"
	"arch = [\"x86\", \"x86_64\"]\n"
	"os = [\"windows\"]\n"
	"\n"
	"[affected.functions]\n"
	"\"foo_bar::Buf::with_capacity\" = [\">= 1.3.0, < 1.3.4\"]\n"
	"\"foo_bar::other\" = [\"< 1.2.3\", \"^1.3\"]\n"
	"\n"
	"[versions]\n"
	"patched = [\">= 1.2.3, < 1.3.0\", \">= 1.3.4\"]\n"
	"unaffected = [\"<= 0.1.2\"]\n"
	"```\n"
	"\n"
	"# Integer overflow in `Buf::with_capacity`\n"
	"\n"
	"Affected versions did not check for overflow.\n"
	"\n"
	"- Markdown formatted\n";

static void test_advisory__every_field_lands(void **state)
{
	advisory *a;
	diag_list d;
	static const char *const refs[] = { "https://example.com/a",
		"https://example.com/b", NULL };
	static const char *const cats[] = { "code-execution",
		"privilege-escalation", NULL };
	static const char *const kws[] = { "example", "freeform", NULL };
	static const char *const als[] = { "CVE-2099-1234",
		"GHSA-abcd-efgh-2345", NULL };
	static const char *const rel[] = { "RUSTSEC-2099-0002", NULL };
	static const char *const arch[] = { "x86", "x86_64", NULL };
	static const char *const os[] = { "windows", NULL };
	static const char *const pat[] = { ">= 1.2.3, < 1.3.0", ">= 1.3.4",
		NULL };
	static const char *const unaff[] = { "<= 0.1.2", NULL };
	static const char *const f0[] = { ">= 1.3.0, < 1.3.4", NULL };
	static const char *const f1[] = { "< 1.2.3", "^1.3", NULL };

	(void)state;
	if (parse(&a, "crates/foo-bar/RUSTSEC-2099-0001.md", full, &d) != 0)
		dump(&d);
	assert_non_null(a);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 0);
	const adv_record *r = advisory_record(a);
	assert_string_equal(r->id, "RUSTSEC-2099-0001");
	assert_string_equal(r->package, "foo-bar");
	assert_string_equal(r->source, "rustsec");
	assert_string_equal(r->path, "crates/foo-bar/RUSTSEC-2099-0001.md");
	assert_string_equal(r->date, "2099-01-31");
	assert_string_equal(r->withdrawn, "2099-02-28");
	assert_string_equal(r->url, "https://example.com/issue/1");
	assert_string_equal(r->title,
	                    "Integer overflow in `Buf::with_capacity`");
	assert_string_equal(r->description,
	                    "Affected versions did not check for overflow.\n"
	                    "\n- Markdown formatted");
	assert_string_equal(r->license, "CC-BY-4.0");
	assert_string_equal(r->informational, "unsound");
	assert_int_equal(r->info, ADV_INFO_UNSOUND);
	assert_string_equal(r->cvss,
	                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	assert_int_equal(r->cvss_score10, 98);
	assert_int_equal(r->severity, ADV_SEV_CRITICAL);
	assert_int_equal(r->modified, 0);
	assert_int_equal(r->collection, ADV_CRATES);
	assert_int_equal(r->expect_deleted, 1);
	assert_strlist(&r->references, refs);
	assert_strlist(&r->categories, cats);
	assert_strlist(&r->keywords, kws);
	assert_strlist(&r->aliases, als);
	assert_strlist(&r->related, rel);
	assert_strlist(&r->arch, arch);
	assert_strlist(&r->os, os);
	assert_strlist(&r->patched, pat);
	assert_strlist(&r->unaffected, unaff);
	assert_int_equal(r->nfunctions, 2);
	assert_string_equal(r->functions[0].path, "foo_bar::Buf::with_capacity");
	assert_strlist(&r->functions[0].reqs, f0);
	assert_string_equal(r->functions[1].path, "foo_bar::other");
	assert_strlist(&r->functions[1].reqs, f1);

	/* unaffected <= 0.1.2, patched [1.2.3, 1.3.0) and >= 1.3.4: the
	 * vulnerable gaps are [0.1.3-0, 1.2.3) and [1.3.0, 1.3.4). */
	assert_int_equal(r->nranges, 2);
	assert_true(r->ranges[0].has_introduced);
	assert_version(&r->ranges[0].introduced, "0.1.3-0");
	assert_true(r->ranges[0].has_fixed);
	assert_version(&r->ranges[0].fixed, "1.2.3");
	assert_version(&r->ranges[1].introduced, "1.3.0");
	assert_version(&r->ranges[1].fixed, "1.3.4");
	advisory_free(a);
	diag_free(&d);
}

static void test_advisory__record_outlives_input(void **state)
{
	advisory *a;
	diag_list d;
	size_t n = sizeof(full) - 1;
	char *copy = malloc(n);

	(void)state;
	assert_non_null(copy);
	memcpy(copy, full, n);
	diag_init(&d);
	assert_int_equal(advisory_parse(&a, "rustsec",
	                 "crates/foo-bar/RUSTSEC-2099-0001.md", copy, n, &d), 0);
	memset(copy, 'Z', n);
	free(copy);
	const adv_record *r = advisory_record(a);
	assert_string_equal(r->package, "foo-bar");
	assert_string_equal(r->keywords.v[1], "freeform");
	assert_string_equal(r->functions[1].reqs.v[1], "^1.3");
	assert_int_equal(r->modified, 0);   /* the history walk's to set */
	advisory_free(a);
	diag_free(&d);
}

static void test_advisory__inline_functions_and_minimal(void **state)
{
	advisory *a;
	diag_list d;
	const char *s =
		"```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\n"
		"package = \"foo\"\ndate = \"2099-01-02\"\n\n"
		"[affected]\nfunctions = { \"foo::f\" = [\"< 1.0.0\"] }\n\n"
		"[versions]\npatched = []\n```\n\n# T\n";

	(void)state;
	if (parse(&a, P, s, &d) != 0)
		dump(&d);
	assert_non_null(a);
	const adv_record *r = advisory_record(a);
	assert_int_equal(r->nfunctions, 1);
	assert_string_equal(r->functions[0].path, "foo::f");
	assert_string_equal(r->functions[0].reqs.v[0], "< 1.0.0");
	/* optional fields stay empty */
	assert_null(r->url);
	assert_null(r->withdrawn);
	assert_null(r->license);
	assert_null(r->informational);
	assert_null(r->cvss);
	assert_int_equal(r->info, ADV_INFO_NONE);
	assert_int_equal(r->severity, ADV_SEV_NONE);
	assert_int_equal(r->aliases.n, 0);
	assert_string_equal(r->description, "");
	/* no patched and no unaffected: every version is vulnerable */
	assert_int_equal(r->nranges, 1);
	assert_false(r->ranges[0].has_introduced);
	assert_false(r->ranges[0].has_fixed);
	advisory_free(a);
	diag_free(&d);
}

static void test_advisory__rust_collection_cve_id(void **state)
{
	advisory *a;
	diag_list d;
	const char *s =
		"```toml\n[advisory]\nid = \"CVE-2018-1000657\"\n"
		"package = \"std\"\ndate = \"2018-08-17\"\n"
		"cvss = \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/"
		"SI:N/SA:N\"\n\n"
		"[versions]\npatched = [\">= 1.22.0\"]\n"
		"unaffected = [\"< 1.3.0\"]\n```\n\n# Buffer overflow\n\nText\n";

	(void)state;
	if (parse(&a, "rust/std/CVE-2018-1000657.md", s, &d) != 0)
		dump(&d);
	assert_non_null(a);
	const adv_record *r = advisory_record(a);
	assert_int_equal(r->collection, ADV_RUST);
	assert_string_equal(r->id, "CVE-2018-1000657");
	/* 4.0 vectors are scored like 3.x ones: 9.3 in FIRST's calculator */
	assert_non_null(r->cvss);
	assert_int_equal(r->cvss_score10, 93);
	assert_int_equal(r->severity, ADV_SEV_CRITICAL);
	assert_int_equal(r->nranges, 1);
	assert_version(&r->ranges[0].introduced, "1.3.0");
	assert_version(&r->ranges[0].fixed, "1.22.0");
	advisory_free(a);
	diag_free(&d);
}

static void test_advisory__ghsa_id_and_crlf(void **state)
{
	advisory *a;
	diag_list d;
	const char *s =
		"```toml\r\n[advisory]\r\nid = \"GHSA-abcd-efgh-2345\"\r\n"
		"package = \"foo\"\r\ndate = \"2099-01-02\"\r\n\r\n"
		"[versions]\r\npatched = [\">= 1.0.0\"]\r\n```\r\n\r\n"
		"# Title\r\n\r\nBody\r\n";

	(void)state;
	if (parse(&a, "crates/foo/GHSA-abcd-efgh-2345.md", s, &d) != 0)
		dump(&d);
	assert_non_null(a);
	assert_string_equal(advisory_record(a)->title, "Title");
	assert_string_equal(advisory_record(a)->description, "Body");
	advisory_free(a);
	diag_free(&d);
}

static void test_advisory__unknown_informational_warns(void **state)
{
	advisory *a;
	diag_list d;
	const char *s =
		"```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\n"
		"package = \"foo\"\ndate = \"2099-01-02\"\n"
		"informational = \"deprecated\"\n\n"
		"[versions]\npatched = []\n```\n\n# T\n\nx\n";

	(void)state;
	assert_int_equal(parse(&a, P, s, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 1);
	assert_int_equal(d.v[0].level, DIAG_WARNING);
	assert_string_equal(d.v[0].text, P ":6: unknown informational kind "
	                    "\"deprecated\" (kept as written)");
	assert_int_equal(advisory_record(a)->info, ADV_INFO_OTHER);
	assert_string_equal(advisory_record(a)->informational, "deprecated");
	advisory_free(a);
	diag_free(&d);
}

static void test_advisory__dates(void **state)
{
	static const struct { const char *date; int ok; } cases[] = {
		{ "2024-02-29", 1 }, { "2000-02-29", 1 }, { "2099-12-31", 1 },
		{ "2023-02-29", 0 }, { "1900-02-29", 0 }, { "2099-04-31", 0 },
		{ "2099-00-10", 0 }, { "2099-01-00", 0 }, { "2099-1-10", 0 },
		{ "2099-01-10T00:00:00Z", 0 }, { "", 0 },
	};
	char buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		advisory *a;
		diag_list d;
		/* CVE ids: no year-versus-date rule */
		snprintf(buf, sizeof(buf), "```toml\n[advisory]\n"
		         "id = \"CVE-2099-0001\"\npackage = \"foo\"\n"
		         "date = \"%s\"\n\n[versions]\npatched = []\n```\n\n# T\n",
		         cases[i].date);
		int rc = parse(&a, "crates/foo/CVE-2099-0001.md", buf, &d);
		if ((rc == 0) != cases[i].ok)
			fail_msg("date \"%s\": rc %d", cases[i].date, rc);
		if (rc != 0)
			assert_non_null(strstr(d.v[0].text, ":5: date "));
		advisory_free(a);
		diag_free(&d);
	}
}

static void test_advisory__null_safe(void **state)
{
	(void)state;
	advisory_free(NULL);
	assert_null(advisory_record(NULL));
}

/* ---- golden corpus ---- */

#define GOLDEN "tests/golden/advisories"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 65536) {
			if (cap > 4 * ADVISORY_FILE_MAX) {
				free(buf);
				fclose(f);
				return NULL;
			}
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Compare the diag list with the expected lines: "warning: TEXT" is a
 * warning, any other line an error; with strict every line must be an
 * error (its "warning: " dropped). Returns the number of mismatches. */
static int check_diags(const char *name, const char *mode, const diag_list *d,
                       char *const *want, size_t nwant, int strict)
{
	int bad = 0;
	size_t i;

	for (i = 0; i < nwant; i++) {
		const char *line = want[i];
		int warn = strncmp(line, "warning: ", 9) == 0;
		if (warn)
			line += 9;
		diag_level lv = warn && !strict ? DIAG_WARNING : DIAG_ERROR;
		if (i >= d->n) {
			print_error("%s (%s): missing: %s\n", name, mode, want[i]);
			bad++;
		} else if (strcmp(d->v[i].text, line) != 0 ||
		           d->v[i].level != lv) {
			print_error("%s (%s): got:  %s%s\n%s (%s): want: %s\n", name,
			            mode, d->v[i].level == DIAG_WARNING ? "warning: "
			                                                : "",
			            d->v[i].text, name, mode, want[i]);
			bad++;
		}
	}
	for (; i < d->n; i++) {
		print_error("%s (%s): extra: %s\n", name, mode, d->v[i].text);
		bad++;
	}
	return bad;
}

/*
 * One case: <name>.md and <name><ext>. ".err" cases must fail, ".warn"
 * cases must load with exactly their warnings; both must fail under
 * ADVISORY_STRICT with every line an error.
 */
static int run_golden_case(const char *name, const char *ext)
{
	char md[512], errf[512];
	size_t mdlen, errlen;
	int bad = 0, must_fail = strcmp(ext, ".err") == 0;

	snprintf(md, sizeof(md), "%s/%s.md", GOLDEN, name);
	snprintf(errf, sizeof(errf), "%s/%s%s", GOLDEN, name, ext);
	char *text = slurp(md, &mdlen);
	char *want = slurp(errf, &errlen);
	if (!text || !want) {
		print_error("%s: cannot read the .md or the %s file\n", name, ext);
		free(text);
		free(want);
		return 1;
	}
	/* Line 1: the path; then one expected line each. */
	char *save = NULL, *lines[64];
	size_t nl = 0;
	char *path = strtok_r(want, "\n", &save);
	for (char *l; nl < 64 && (l = strtok_r(NULL, "\n", &save)) != NULL;)
		lines[nl++] = l;
	if (nl == 0) {
		print_error("%s: no expected line\n", name);
		bad = 1;
	}
	for (int strict = 0; strict <= 1; strict++) {
		advisory *a = NULL;
		diag_list d;
		char id[ADVISORY_ID_KEEP];
		diag_init(&d);
		int rc = advisory_parse_ex(&a, "rustsec", path ? path : "", text,
		                           mdlen, strict ? ADVISORY_STRICT : 0, id,
		                           &d);
		if ((must_fail || strict) && (rc != -1 || a)) {
			print_error("%s: accepted%s\n", name, strict ? " (strict)" : "");
			bad = 1;
		}
		if (!must_fail && !strict && (rc != 0 || !a)) {
			print_error("%s: refused\n", name);
			bad = 1;
		}
		bad += check_diags(name, strict ? "strict" : "normal", &d, lines, nl,
		                   strict);
		advisory_free(a);
		diag_free(&d);
	}
	free(text);
	free(want);
	return bad != 0;
}

static int golden_dir(const char *ext, int *cases)
{
	DIR *dir = opendir(GOLDEN);
	struct dirent *e;
	size_t el = strlen(ext);
	int failed = 0;

	if (!dir)
		fail_msg("cannot open %s (run from the repository root)", GOLDEN);
	while ((e = readdir(dir)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n <= el || strcmp(e->d_name + n - el, ext) != 0 || n > 200)
			continue;
		char name[256];
		memcpy(name, e->d_name, n - el);
		name[n - el] = '\0';
		(*cases)++;
		failed += run_golden_case(name, ext);
	}
	closedir(dir);
	return failed;
}

static void test_advisory__golden_corpus(void **state)
{
	int cases = 0, failed;

	(void)state;
	failed = golden_dir(".err", &cases);
	print_message("# golden errors: %d cases, %d failed\n", cases, failed);
	assert_true(cases >= 20);
	assert_int_equal(failed, 0);
}

static void test_advisory__golden_linter_warnings(void **state)
{
	int cases = 0, failed;

	(void)state;
	failed = golden_dir(".warn", &cases);
	print_message("# golden warnings: %d cases, %d failed\n", cases,
	              failed);
	assert_true(cases >= 15);
	assert_int_equal(failed, 0);
}

/* ---- generated hostile input ---- */

static const char head[] =
	"```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"foo\"\n"
	"date = \"2099-01-02\"\n\n[versions]\npatched = ";

static void expect_only(const diag_list *d, const char *want)
{
	if (d->n != 1 || strcmp(d->v[0].text, want) != 0) {
		dump(d);
		fail_msg("want exactly: %s", want);
	}
}

static void test_advisory__file_past_cap(void **state)
{
	size_t n = ADVISORY_FILE_MAX + 100;
	char *s = malloc(n + 1);
	advisory *a;
	diag_list d;
	char want[256];

	(void)state;
	assert_non_null(s);
	memset(s, 'x', n);
	memcpy(s, head, sizeof(head) - 1);
	diag_init(&d);
	assert_int_equal(advisory_parse(&a, "rustsec", P, s, n, &d), -1);
	assert_null(a);
	snprintf(want, sizeof(want), P ": file is %zu bytes, more than the %u "
	         "allowed", n, (unsigned)ADVISORY_FILE_MAX);
	expect_only(&d, want);
	diag_free(&d);
	free(s);
}

static void test_advisory__nested_100000_deep(void **state)
{
	const size_t depth = 100000;
	const char *tail = "\n```\n\n# T\n\nx\n";
	size_t n = sizeof(head) - 1 + 2 * depth + strlen(tail);
	char *s = malloc(n + 1);
	advisory *a;
	diag_list d;

	(void)state;
	assert_non_null(s);
	/* patched = [[[[...]]]] */
	char *p = s;
	memcpy(p, head, sizeof(head) - 1);
	p += sizeof(head) - 1;
	memset(p, '[', depth);
	memset(p + depth, ']', depth);
	p += 2 * depth;
	memcpy(p, tail, strlen(tail) + 1);
	diag_init(&d);
	assert_int_equal(advisory_parse(&a, "rustsec", P, s, n, &d), -1);
	assert_null(a);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].text, P ":8: "));
	assert_non_null(strstr(d.v[0].text, "nesting"));
	diag_free(&d);

	/* the same with inline tables: functions = {a={a={...}}} */
	const char *mid = "[]\n[affected]\nfunctions = ";
	size_t m = sizeof(head) - 1 + strlen(mid) + 4 * depth + 1 + strlen(tail);
	char *t = malloc(m + 1);
	assert_non_null(t);
	p = t;
	memcpy(p, head, sizeof(head) - 1);
	p += sizeof(head) - 1;
	memcpy(p, mid, strlen(mid));
	p += strlen(mid);
	for (size_t i = 0; i < depth; i++, p += 3)
		memcpy(p, "{a=", 3);
	*p++ = '1';
	memset(p, '}', depth);
	p += depth;
	memcpy(p, tail, strlen(tail) + 1);
	diag_init(&d);
	assert_int_equal(advisory_parse(&a, "rustsec", P, t, strlen(t), &d), -1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].text, P ":10: "));
	diag_free(&d);
	free(t);
	free(s);
}

static void test_advisory__all_errors_reported(void **state)
{
	advisory *a;
	diag_list d;
	const char *s =
		"```toml\n[advisory]\nid = \"RUSTSEC-2099-0002\"\n"
		"package = \"bar\"\ndate = \"2099-13-01\"\n"
		"categories = [\"nope\"]\ncvss = \"CVSS:3.1/AV:N\"\nwat = 1\n\n"
		"[versions]\npatched = [\"1.*\"]\n```\n\n# T\n";

	(void)state;
	assert_int_equal(parse(&a, P, s, &d), -1);
	assert_null(a);
	/* errors: date, cvss, requirement, folder, file name; warnings (the
	 * linter's rules): category, unknown key */
	if (d.errors != 5 || d.warnings != 2)
		dump(&d);
	assert_int_equal(d.errors, 5);
	assert_int_equal(d.warnings, 2);
	diag_free(&d);
}

/* ---- the real database ---- */

/* summary and details of one OSV JSON document (top-level keys), read
 * with libyaml (JSON is YAML). Returns 0, or -1 when it does not parse. */
static int osv_texts(const char *buf, size_t len, char **summary,
                     char **details)
{
	yaml_parser_t yp;
	yaml_event_t ev;
	int depth = 0, rc = -1, expect_key = 0;
	char **want = NULL;

	*summary = *details = NULL;
	if (!yaml_parser_initialize(&yp))
		return -1;
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&yp, &ev))
			break;
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			rc = 0;
			break;
		}
		if (t == YAML_MAPPING_START_EVENT ||
		    t == YAML_SEQUENCE_START_EVENT) {
			if (depth == 1 && !expect_key)
				expect_key = 1;   /* a value: the next is a key */
			depth++;
			if (depth == 1 && t == YAML_MAPPING_START_EVENT)
				expect_key = 1;
		} else if (t == YAML_MAPPING_END_EVENT ||
		           t == YAML_SEQUENCE_END_EVENT) {
			depth--;
		} else if (t == YAML_SCALAR_EVENT && depth == 1) {
			const char *v = (const char *)ev.data.scalar.value;
			size_t vl = ev.data.scalar.length;
			if (expect_key) {
				want = strcmp(v, "summary") == 0 ? summary :
				       strcmp(v, "details") == 0 ? details : NULL;
				expect_key = 0;
			} else {
				if (want && !*want && (*want = malloc(vl + 1))) {
					memcpy(*want, v, vl);
					(*want)[vl] = '\0';
				}
				want = NULL;
				expect_key = 1;
			}
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
	return rc;
}

typedef struct real_counts {
	int files, bad, compared, mismatched, osv_bad;
} real_counts;

static void check_real_file(const char *root, const char *rel,
                            const char *osvroot, real_counts *c)
{
	char full_path[4096];
	size_t len;

	snprintf(full_path, sizeof(full_path), "%s/%s", root, rel);
	char *text = slurp(full_path, &len);
	c->files++;
	if (!text) {
		print_error("cannot read %s\n", full_path);
		c->bad++;
		return;
	}
	advisory *a = NULL;
	diag_list d;
	diag_init(&d);
	if (advisory_parse(&a, "rustsec", rel, text, len, &d) != 0 ||
	    d.errors) {
		c->bad++;
		for (size_t i = 0; i < d.n && i < 5; i++)
			print_error("%s\n", d.v[i].text);
	}
	free(text);
	diag_free(&d);
	if (!a)
		return;
	const adv_record *r = advisory_record(a);
	snprintf(full_path, sizeof(full_path), "%s/crates/%s.json", osvroot,
	         r->id);
	char *json = slurp(full_path, &len);
	if (json) {
		char *sum, *det;
		c->compared++;
		if (osv_texts(json, len, &sum, &det) < 0 || !sum || !det) {
			print_error("%s: OSV JSON unreadable\n", full_path);
			c->osv_bad++;
		} else if (strcmp(sum, r->title) != 0 ||
		           strcmp(det, r->description) != 0) {
			print_error("%s: title/description differ from OSV\n", rel);
			c->mismatched++;
		}
		free(sum);
		free(det);
		free(json);
	}
	advisory_free(a);
}

static void walk_collection(const char *root, const char *coll,
                            const char *osvroot, real_counts *c)
{
	char dirpath[4096];
	if (snprintf(dirpath, sizeof(dirpath), "%s/%s", root, coll) >=
	    (int)sizeof(dirpath))
		return;
	DIR *top = opendir(dirpath);
	struct dirent *e;

	if (!top)
		return;
	while ((e = readdir(top)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char sub[4096];
		if (snprintf(sub, sizeof(sub), "%s/%s", dirpath, e->d_name) >=
		    (int)sizeof(sub))
			continue;
		DIR *inner = opendir(sub);
		if (!inner)
			continue;
		struct dirent *f;
		while ((f = readdir(inner)) != NULL) {
			size_t n = strlen(f->d_name);
			if (n < 4 || strcmp(f->d_name + n - 3, ".md") != 0)
				continue;
			char rel[1024];
			if (snprintf(rel, sizeof(rel), "%s/%s/%s", coll,
			             e->d_name, f->d_name) >= (int)sizeof(rel))
				continue;
			check_real_file(root, rel, osvroot, c);
		}
		closedir(inner);
	}
	closedir(top);
}

static void test_advisory__real_database(void **state)
{
	char bundle[2048], tmp[1024], mainp[1100], osvp[1100];
	real_counts c;

	(void)state;
	tl_bundle_or_skip(bundle, sizeof(bundle));
	tl_mkdtemp(tmp, sizeof(tmp), "advdb-test-advisory");
	snprintf(mainp, sizeof(mainp), "%s/main", tmp);
	snprintf(osvp, sizeof(osvp), "%s/osv", tmp);
	if (tl_git_clone(bundle, mainp, NULL, NULL) != 0 ||
	    tl_git_clone(bundle, osvp, "-b", "osv") != 0) {
		tl_rm_rf(tmp);
		fail_msg("git clone of %s failed", bundle);
	}
	memset(&c, 0, sizeof(c));
	walk_collection(mainp, "crates", osvp, &c);
	int crates = c.files;
	walk_collection(mainp, "rust", osvp, &c);
	tl_rm_rf(tmp);

	print_message("# real data: %d advisories (%d crates/, %d rust/), "
	              "%d with errors; %d compared with OSV summary/details, "
	              "%d differ, %d unreadable\n", c.files, crates,
	              c.files - crates, c.bad, c.compared, c.mismatched,
	              c.osv_bad);
	assert_true(crates > 1000);
	assert_true(c.files - crates > 0);
	assert_int_equal(c.bad, 0);
	assert_true(c.compared > 1000);
	assert_int_equal(c.mismatched, 0);
	assert_int_equal(c.osv_bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_advisory__every_field_lands),
		cmocka_unit_test(test_advisory__record_outlives_input),
		cmocka_unit_test(test_advisory__inline_functions_and_minimal),
		cmocka_unit_test(test_advisory__rust_collection_cve_id),
		cmocka_unit_test(test_advisory__ghsa_id_and_crlf),
		cmocka_unit_test(test_advisory__unknown_informational_warns),
		cmocka_unit_test(test_advisory__dates),
		cmocka_unit_test(test_advisory__null_safe),
		cmocka_unit_test(test_advisory__golden_corpus),
		cmocka_unit_test(test_advisory__golden_linter_warnings),
		cmocka_unit_test(test_advisory__file_past_cap),
		cmocka_unit_test(test_advisory__nested_100000_deep),
		cmocka_unit_test(test_advisory__all_errors_reported),
		cmocka_unit_test(test_advisory__real_database),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
