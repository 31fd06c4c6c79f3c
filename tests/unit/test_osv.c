/*
 * test_osv.c — compiler/osv.c (and ytree.c under it): OSV files in JSON
 * and YAML to adv_records; every range kind, versions lists, other
 * ecosystems, reference mapping, and hostile input (deep nesting, huge
 * strings, wrong types, binary, aliases) refused with a clear error; and
 * the export (query/cli/osvout.c) writing back what the import read.
 *
 * Expected ranges are written out by hand from OSV's definitions of the
 * events, never produced by the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "diag.h"
#include "json.h"
#include "osv.h"
#include "osvout.h"
#include "req.h"
#include "version.h"
#include "ytree.h"

/* Parse text; on success the caller frees *o. Diagnostics go to d. */
static int parse(osv **o, const char *text, diag_list *d)
{
	diag_init(d);
	return osv_parse(o, "osv", "x/ID.json", text, strlen(text), d);
}

static int has_diag(const diag_list *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->v[i].text, needle))
			return 1;
	return 0;
}

static void expect_error(const char *text, const char *needle)
{
	osv *o = NULL;
	diag_list d;

	int rc = parse(&o, text, &d);
	if (rc != -1 || o || !has_diag(&d, needle)) {
		for (size_t i = 0; i < d.n; i++)
			print_message("# diag: %s\n", d.v[i].text);
		fail_msg("want an error containing \"%s\" (rc %d)", needle, rc);
	}
	assert_true(d.errors > 0);
	diag_free(&d);
}

static void vtext(char *buf, size_t cap, const version *v)
{
	version_format(v, buf, cap);
}

/* "lo..hi" per range ("*" for an absent bound), joined with " ". */
static void ranges_text(char *out, size_t cap, const adv_record *r)
{
	size_t used = 0;
	out[0] = 0;
	for (uint32_t i = 0; i < r->nranges; i++) {
		char a[64] = "*", b[64] = "*";
		if (r->ranges[i].has_introduced)
			vtext(a, sizeof(a), &r->ranges[i].introduced);
		if (r->ranges[i].has_fixed)
			vtext(b, sizeof(b), &r->ranges[i].fixed);
		int k = snprintf(out + used, cap - used, "%s%s..%s",
		                 i ? " " : "", a, b);
		assert_true(k > 0 && (size_t)k < cap - used);
		used += (size_t)k;
	}
}

#define HEAD "{\"id\":\"GHSA-aaaa-bbbb-cccc\",\"modified\":" \
             "\"2024-05-06T07:08:09Z\",\"published\":\"2024-01-02T00:00:00Z\","

static void expect_ranges(const char *ranges_json, const char *want)
{
	char text[4096], got[1024];
	osv *o = NULL;
	diag_list d;

	snprintf(text, sizeof(text), HEAD "\"affected\":[{\"package\":"
	         "{\"ecosystem\":\"crates.io\",\"name\":\"foo\"},%s}]}",
	         ranges_json);
	if (parse(&o, text, &d) != 0) {
		for (size_t i = 0; i < d.n; i++)
			print_message("# diag: %s\n", d.v[i].text);
		fail_msg("parse failed: %s", ranges_json);
	}
	assert_int_equal(osv_count(o), 1);
	ranges_text(got, sizeof(got), osv_record(o, 0));
	if (strcmp(got, want))
		fail_msg("%s\n  got  %s\n  want %s", ranges_json, got, want);
	osv_free(o);
	diag_free(&d);
}

static void test_osv__json_fields(void **state)
{
	(void)state;
	const char *text =
	    "{\"id\":\"RUSTSEC-2021-0056\",\"modified\":\"2023-06-13T13:10:24Z\","
	    "\"published\":\"2021-05-01T12:00:00Z\",\"withdrawn\":"
	    "\"2022-01-02T12:00:00Z\",\"aliases\":[\"CVE-2021-3450\","
	    "\"GHSA-8hfj-xrj2-pm22\"],\"related\":[],\"summary\":\"Title here\","
	    "\"details\":\"Body\\ntext\",\"severity\":[{\"type\":\"CVSS_V3\","
	    "\"score\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N\"}],"
	    "\"affected\":[{\"package\":{\"ecosystem\":\"crates.io\",\"name\":"
	    "\"openssl-src\",\"purl\":\"pkg:cargo/openssl-src\"},"
	    "\"ecosystem_specific\":{\"affects\":{\"arch\":[\"x86\"],\"os\":"
	    "[\"linux\",\"windows\"],\"functions\":[\"openssl_src::f\"]},"
	    "\"affected_functions\":null},\"database_specific\":{\"categories\":"
	    "[\"crypto-failure\"],\"cvss\":null,\"informational\":\"unsound\"},"
	    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":"
	    "\"111.11.0\"},{\"fixed\":\"111.15.0\"}]}],\"versions\":[]}],"
	    "\"references\":[{\"type\":\"PACKAGE\",\"url\":"
	    "\"https://crates.io/crates/openssl-src\"},{\"type\":\"ADVISORY\","
	    "\"url\":\"https://rustsec.org/advisories/RUSTSEC-2021-0056.html\"},"
	    "{\"type\":\"WEB\",\"url\":\"https://a.example/1\"},{\"type\":"
	    "\"REPORT\",\"url\":\"https://b.example/2\"}],\"database_specific\":"
	    "{\"license\":\"CC0-1.0\"}}";
	osv *o = NULL;
	diag_list d;
	char rg[256];

	assert_int_equal(parse(&o, text, &d), 0);
	assert_int_equal(osv_count(o), 1);
	assert_int_equal(osv_skipped(o), 0);
	const adv_record *r = osv_record(o, 0);
	assert_string_equal(r->id, "RUSTSEC-2021-0056");
	assert_string_equal(r->package, "openssl-src");
	assert_string_equal(r->source, "osv");
	assert_string_equal(r->path, "x/ID.json");
	assert_string_equal(r->date, "2021-05-01");
	assert_string_equal(r->withdrawn, "2022-01-02");
	assert_int_equal(r->modified, 1686661824);   /* date -d ... +%s */
	assert_string_equal(r->title, "Title here");
	assert_string_equal(r->description, "Body\ntext");
	assert_int_equal(r->aliases.n, 2);
	assert_string_equal(r->aliases.v[1], "GHSA-8hfj-xrj2-pm22");
	assert_int_equal(r->related.n, 0);
	assert_string_equal(r->cvss,
	                    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N");
	assert_int_equal(r->cvss_score10, 74);
	assert_int_equal(r->severity, ADV_SEV_HIGH);
	assert_int_equal(r->os.n, 2);
	assert_string_equal(r->arch.v[0], "x86");
	assert_int_equal(r->nfunctions, 1);
	assert_string_equal(r->functions[0].path, "openssl_src::f");
	assert_int_equal(r->categories.n, 1);
	assert_int_equal(r->info, ADV_INFO_UNSOUND);
	/* the PACKAGE and rustsec ADVISORY links are export's own: dropped */
	assert_string_equal(r->url, "https://a.example/1");
	assert_int_equal(r->references.n, 1);
	assert_string_equal(r->references.v[0], "https://b.example/2");
	assert_string_equal(r->license, "CC0-1.0");
	ranges_text(rg, sizeof(rg), r);
	assert_string_equal(rg, "111.11.0..111.15.0");
	osv_free(o);
	diag_free(&d);
}

static void test_osv__yaml_same_as_json(void **state)
{
	(void)state;
	const char *yaml =
	    "# a comment\n"
	    "id: ADVDB-INTERNAL-0001\n"
	    "modified: 2026-03-02T09:30:00+01:00\n"
	    "summary: short\n"
	    "details: |\n  line one\n  line two\n"
	    "affected:\n"
	    "  - package: {ecosystem: crates.io, name: acme}\n"
	    "    ranges:\n"
	    "      - type: SEMVER\n"
	    "        events:\n"
	    "          - introduced: \"0\"\n"
	    "          - fixed: 1.2.3\n";
	osv *o = NULL;
	diag_list d;
	char rg[256];

	assert_int_equal(parse(&o, yaml, &d), 0);
	const adv_record *r = osv_record(o, 0);
	assert_non_null(r);
	assert_string_equal(r->id, "ADVDB-INTERNAL-0001");
	/* no `published`: the date of `modified` */
	assert_string_equal(r->date, "2026-03-02");
	assert_int_equal(r->modified, 1772443800 - 3600); /* date -d ...Z +%s, less 1 h */
	assert_string_equal(r->description, "line one\nline two\n");
	assert_null(r->withdrawn);
	assert_null(r->url);
	assert_int_equal(r->info, ADV_INFO_NONE);
	ranges_text(rg, sizeof(rg), r);
	assert_string_equal(rg, "*..1.2.3");
	osv_free(o);
	diag_free(&d);
}

static void test_osv__semver_events(void **state)
{
	(void)state;
	/* "0" and "0.0.0-0" both mean from the first version */
	expect_ranges("\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	              "{\"introduced\":\"0.0.0-0\"}]}]", "*..*");
	expect_ranges("\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	              "{\"introduced\":\"0\"},{\"fixed\":\"0.3.0\"},"
	              "{\"introduced\":\"0.4.0\"},{\"fixed\":\"0.4.2\"}]}]",
	              "*..0.3.0 0.4.0..0.4.2");
	/* events out of order are sorted by version */
	expect_ranges("\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	              "{\"fixed\":\"2.0.0\"},{\"introduced\":\"1.5.0\"}]}]",
	              "1.5.0..2.0.0");
	/* an empty range written introduced v, fixed v is kept, as rustsec
	 * exports it */
	expect_ranges("\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	              "{\"introduced\":\"1.0.0\"},{\"fixed\":\"1.1.0\"},"
	              "{\"introduced\":\"1.1.0\"},{\"fixed\":\"1.1.0\"}]}]",
	              "1.0.0..1.1.0 1.1.0..1.1.0");
	/* a repeated introduced changes nothing; a prerelease bound */
	expect_ranges("\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	              "{\"introduced\":\"1.0.0\"},{\"introduced\":\"1.2.0\"},"
	              "{\"fixed\":\"3.0.0-beta.9\"}]}]", "1.0.0..3.0.0-beta.9");
}

static void test_osv__last_affected_and_limit(void **state)
{
	(void)state;
	/* last_affected v is inclusive: fixed = the next version */
	expect_ranges("\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	              "{\"introduced\":\"1.0.0\"},{\"last_affected\":\"1.4.2\"}]}]",
	              "1.0.0..1.4.3-0");
	expect_ranges("\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	              "{\"introduced\":\"1.0.0\"},{\"last_affected\":"
	              "\"1.4.2-rc.1\"}]}]", "1.0.0..1.4.2-rc.1.0");
	/* limit closes a range; limit "*" is no limit */
	expect_ranges("\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	              "{\"introduced\":\"2.0.0\"},{\"limit\":\"2.5.0\"}]}]",
	              "2.0.0..2.5.0");
	expect_ranges("\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	              "{\"introduced\":\"2.0.0\"},{\"limit\":\"*\"}]}]",
	              "2.0.0..*");
}

static void test_osv__ecosystem_and_git_ranges(void **state)
{
	(void)state;
	/* ECOSYSTEM reads like SEMVER for crates.io; partial versions fill 0 */
	expect_ranges("\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
	              "{\"introduced\":\"1.2\"},{\"fixed\":\"1.3.1\"}]}]",
	              "1.2.0..1.3.1");
	/* GIT ranges are skipped (warning); the SEMVER one stays */
	expect_ranges("\"ranges\":[{\"type\":\"GIT\",\"repo\":\"https://x\","
	              "\"events\":[{\"introduced\":\"abc\"}]},{\"type\":"
	              "\"SEMVER\",\"events\":[{\"introduced\":\"0\"},"
	              "{\"fixed\":\"1.0.0\"}]}]", "*..1.0.0");
}

static void test_osv__versions_list(void **state)
{
	(void)state;
	expect_ranges("\"versions\":[\"0.1.0\",\"0.2.0-alpha.1\"]",
	              "0.1.0..0.1.1-0 0.2.0-alpha.1..0.2.0-alpha.1.0");
	/* a version already inside a range adds nothing */
	expect_ranges("\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	              "{\"introduced\":\"1.0.0\"},{\"fixed\":\"2.0.0\"}]}],"
	              "\"versions\":[\"1.5.0\",\"2.0.0\"]",
	              "1.0.0..2.0.0 2.0.0..2.0.1-0");
	expect_error(HEAD "\"affected\":[{\"package\":{\"ecosystem\":"
	             "\"crates.io\",\"name\":\"foo\"},\"versions\":[\"1.0\"]}]}",
	             "bad version in `versions`");
	/* past the record format's cap of ranges: a clear error */
	char big[16384];
	size_t k = (size_t)snprintf(big, sizeof(big), HEAD "\"affected\":["
	    "{\"package\":{\"ecosystem\":\"crates.io\",\"name\":\"foo\"},"
	    "\"versions\":[");
	for (int i = 0; i <= REQ_RANGES_MAX; i++)
		k += (size_t)snprintf(big + k, sizeof(big) - k, "%s\"1.0.%d\"",
		                      i ? "," : "", i);
	snprintf(big + k, sizeof(big) - k, "]}]}");
	expect_error(big, "more than 256 vulnerable ranges");
}

static void test_osv__other_ecosystems_skipped(void **state)
{
	(void)state;
	const char *text = HEAD "\"affected\":["
	    "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"}},"
	    "{\"package\":{\"ecosystem\":\"crates.io\",\"name\":\"a\"},"
	    "\"versions\":[\"1.0.0\"]},"
	    "{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"b\"}},"
	    "{\"package\":{\"ecosystem\":\"crates.io\",\"name\":\"a\"},"
	    "\"versions\":[\"3.0.0\"]},"
	    "{\"package\":{\"ecosystem\":\"crates.io\",\"name\":\"c\"},"
	    "\"versions\":[\"1.0.0\"]}]}";
	osv *o = NULL;
	diag_list d;

	assert_int_equal(parse(&o, text, &d), 0);
	assert_int_equal(osv_skipped(o), 2);
	/* two entries of crate a make one record; c is a second one */
	assert_int_equal(osv_count(o), 2);
	assert_string_equal(osv_record(o, 0)->package, "a");
	assert_int_equal(osv_record(o, 0)->nranges, 2);
	assert_string_equal(osv_record(o, 1)->package, "c");
	assert_string_equal(osv_record(o, 1)->id, "GHSA-aaaa-bbbb-cccc");
	osv_free(o);
	diag_free(&d);

	/* only other ecosystems: fine, no record */
	assert_int_equal(parse(&o, HEAD "\"affected\":[{\"package\":"
	                 "{\"ecosystem\":\"Go\",\"name\":\"x\"}}]}", &d), 0);
	assert_int_equal(osv_count(o), 0);
	assert_int_equal(osv_skipped(o), 1);
	assert_null(osv_record(o, 0));
	osv_free(o);
	diag_free(&d);
}

static void test_osv__bad_fields(void **state)
{
	(void)state;
	expect_error("{\"modified\":\"2024-01-01T00:00:00Z\"}", "no `id`");
	expect_error("[1,2]", "must be a map");
	expect_error("{\"id\":\"../../etc/passwd\",\"published\":\"2024-01-01\"}",
	             "bad id");
	expect_error("{\"id\":[\"x\"]}", "`id` must be a string");
	expect_error("{\"id\":\"A-1\"}", "no `published` or `modified`");
	expect_error("{\"id\":\"A-1\",\"published\":\"yesterday\"}",
	             "`published` is not a date");
	expect_error("{\"id\":\"A-1\",\"published\":\"2024-13-01\"}",
	             "not a date");
	expect_error("{\"id\":\"A-1\",\"modified\":\"2024-01-01\"}",
	             "not an RFC 3339 time");
	expect_error(HEAD "\"aliases\":\"CVE-1\"}", "`aliases` must be a list");
	expect_error(HEAD "\"aliases\":[{\"a\":1}]}", "items must be strings");
	expect_error(HEAD "\"affected\":{\"package\":1}}",
	             "`affected` must be a list");
	expect_error(HEAD "\"affected\":[{\"package\":{\"name\":\"x\"}}]}",
	             "needs package.ecosystem");
	expect_error(HEAD "\"affected\":[{\"package\":{\"ecosystem\":"
	             "\"crates.io\",\"name\":\"a b\"}}]}", "bad crate name");
	expect_error(HEAD "\"affected\":[{\"package\":{\"ecosystem\":"
	             "\"crates.io\",\"name\":\"a\"},\"ranges\":[{\"type\":"
	             "\"SEMVER\",\"events\":[{\"fixed\":\"x.y\"}]}]}]}",
	             "bad version \"x.y\"");
	expect_error(HEAD "\"affected\":[{\"package\":{\"ecosystem\":"
	             "\"crates.io\",\"name\":\"a\"},\"ranges\":[{\"type\":"
	             "\"SEMVER\",\"events\":[{\"broken\":\"1.0.0\"}]}]}]}",
	             "unknown event");
	expect_error(HEAD "\"affected\":[{\"package\":{\"ecosystem\":"
	             "\"crates.io\",\"name\":\"a\"},\"ranges\":[{\"type\":"
	             "\"SEMVER\",\"events\":[{\"introduced\":[1]}]}]}]}",
	             "must be a string");
	expect_error(HEAD "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":"
	             "\"CVSS:3.1/AV:Q\"}],\"affected\":[{\"package\":"
	             "{\"ecosystem\":\"crates.io\",\"name\":\"a\"}}]}",
	             "bad CVSS vector");
}

static void test_osv__errors_carry_lines(void **state)
{
	(void)state;
	osv *o = NULL;
	diag_list d;

	assert_int_equal(parse(&o, "id: A-1\npublished: 2024-01-01\n"
	                 "aliases: 7\n", &d), -1);
	assert_true(has_diag(&d, "x/ID.json:3: `aliases` must be a list"));
	diag_free(&d);
	assert_int_equal(parse(&o, "{\"id\": \"A-1\",\n\"x\": [1, 2\n", &d), -1);
	assert_true(has_diag(&d, "x/ID.json:"));
	assert_int_equal(d.errors, 1);
	diag_free(&d);
}

/* One limit for ids and aliases (limit.h), refused at their line. */
static void test_osv__ids_within_the_index_cap(void **state)
{
	char id63[64], id64[65], text[512];
	osv *o = NULL;
	diag_list d;

	(void)state;
	memset(id63, '1', 63);
	memcpy(id63, "CVE-2023-", 9);
	id63[63] = 0;
	memcpy(id64, id63, 63);
	id64[63] = '2';
	id64[64] = 0;
	static const char aff[] = "affected: [{package: {ecosystem: crates.io, "
	                          "name: foo}, ranges: [{type: SEMVER, events: "
	                          "[{introduced: '0'}]}]}]\n";
	/* 63 bytes: the id and an alias pass */
	snprintf(text, sizeof(text), "id: %s\npublished: 2024-01-01\n"
	         "aliases: [%s]\n%s", id63, id63, aff);
	assert_int_equal(parse(&o, text, &d), 0);
	assert_string_equal(osv_record(o, 0)->id, id63);
	assert_string_equal(osv_record(o, 0)->aliases.v[0], id63);
	osv_free(o);
	diag_free(&d);
	/* 64: refused, with the line */
	snprintf(text, sizeof(text), "id: %s\npublished: 2024-01-01\n%s",
	         id64, aff);
	char want[160];
	snprintf(want, sizeof(want), "x/ID.json:1: id \"%s\" longer than 63 "
	         "bytes", id64);
	expect_error(text, want);
	snprintf(text, sizeof(text), "id: A-1\npublished: 2024-01-01\n"
	         "aliases:\n  - %s\n  - %s\n%s", id63, id64, aff);
	snprintf(want, sizeof(want), "x/ID.json:5: alias \"%s\" longer than 63 "
	         "bytes", id64);
	expect_error(text, want);
	expect_error("{\"id\": \"A-1\", \"published\": \"2024-01-01\", "
	             "\"aliases\": [\"\"]}", "x/ID.json:1: empty alias");
}

/* A key twice in one map: refused, whichever the format, wherever the
 * map; the same key in two maps is fine. */
static void test_osv__duplicate_keys_refused(void **state)
{
	osv *o = NULL;
	diag_list d;

	(void)state;
	/* the case that read as "nothing affected": first key wins */
	expect_error("{\"id\": \"A-1\", \"published\": \"2024-01-01\",\n"
	             "\"affected\": [],\n\"affected\": [{\"package\": "
	             "{\"ecosystem\": \"crates.io\", \"name\": \"foo\"}}]}",
	             "x/ID.json:3: duplicate key \"affected\" (first at line 2)");
	expect_error("id: A-1\npublished: 2024-01-01\naffected:\n"
	             "  - package: {ecosystem: crates.io, name: foo}\n"
	             "    ranges: []\n    package: {name: bar}\n",
	             "x/ID.json:6: duplicate key \"package\" (first at line 4)");
	/* "a" and a are the same key; the first repeat is the one named */
	expect_error("{\"id\": \"A-1\", b: 1, \"a\": 2, b: 3, a: 4}",
	             "duplicate key \"b\"");
	expect_error("{~: 1, null: 2}", "duplicate key \"null\"");
	/* equal keys in different maps, and many distinct keys: fine */
	assert_int_equal(parse(&o, "{\"id\": \"A-1\", \"published\": "
	                 "\"2024-01-01\", \"database_specific\": {\"x\": 1},"
	                 "\"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": "
	                 "\"x\"}, \"database_specific\": {\"x\": 2}}]}",
	                 &d), 0);
	osv_free(o);
	diag_free(&d);
	size_t n = 200000, k = 0;
	char *big = malloc(n);
	assert_non_null(big);
	k += (size_t)snprintf(big, n, "{\"id\": \"A-1\", \"published\": "
	                      "\"2024-01-01\"");
	for (int i = 0; i < 10000; i++)
		k += (size_t)snprintf(big + k, n - k, ", \"k%d\": %d", i, i);
	snprintf(big + k, n - k, "}");
	assert_int_equal(parse(&o, big, &d), 0);
	osv_free(o);
	diag_free(&d);
	/* ... and one repeat among them is found */
	snprintf(big + k, n - k, ", \"k9999\": 0}");
	expect_error(big, "duplicate key \"k9999\"");
	free(big);
}

static void test_osv__hostile_nesting(void **state)
{
	(void)state;
	size_t n = 100000;
	char *deep = malloc(2 * n + 1);
	assert_non_null(deep);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = 0;
	expect_error(deep, "nested deeper than");
	memset(deep, '{', n);          /* unbalanced: still refused early */
	deep[n] = 0;
	expect_error(deep, "x/ID.json");
	free(deep);
	/* at the cap it is fine as YAML, and then wrong as OSV */
	char ok[2 * YTREE_DEPTH_MAX + 1];
	memset(ok, '[', YTREE_DEPTH_MAX);
	memset(ok + YTREE_DEPTH_MAX, ']', YTREE_DEPTH_MAX);
	ok[2 * YTREE_DEPTH_MAX] = 0;
	expect_error(ok, "must be a map");
}

static void test_osv__hostile_sizes(void **state)
{
	(void)state;
	size_t n = YTREE_INPUT_MAX + 16;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memcpy(big, "{\"id\":\"", 7);
	memset(big + 7, 'A', n - 7);
	big[n] = 0;
	expect_error(big, "larger than");
	/* a huge id under the file cap: refused by the id rule */
	size_t m = 500000;
	snprintf(big, 8, "{\"id\":\"");
	memset(big + 7, 'A', m);
	memcpy(big + 7 + m, "\",\"published\":\"2024-01-01\"}", 28);
	expect_error(big, "AAAA...\" longer than 63 bytes");
	/* too many values */
	size_t k = 0;
	k += (size_t)snprintf(big, n, "{\"id\":\"A-1\",\"aliases\":[");
	for (size_t i = 0; i < YTREE_NODES_MAX + 10 && k + 4 < n; i++)
		k += (size_t)snprintf(big + k, n - k, "1,");
	snprintf(big + k - 1, n - k + 1, "]}");
	expect_error(big, "more than");
	free(big);
}

static void test_osv__hostile_binary_and_yaml(void **state)
{
	(void)state;
	osv *o = NULL;
	diag_list d;
	static const char bin[] = "\x7f" "ELF\x02\x01\x01\x00\xff\xfe\x00";

	diag_init(&d);
	assert_int_equal(osv_parse(&o, "osv", "b.json", bin, sizeof(bin) - 1,
	                           &d), -1);
	assert_null(o);
	assert_true(d.errors > 0);
	diag_free(&d);
	expect_error("\xc3\x28 bad utf-8", "x/ID.json");
	expect_error("", "empty document");
	/* aliases would expand: refused outright */
	expect_error("a: &x [1, 2]\nb: [*x, *x]\n", "aliases are not supported");
	expect_error("id: A-1\n---\nid: B-2\n", "more than one document");
	/* a NUL byte inside */
	diag_init(&d);
	static const char nul[] = "{\"id\":\"A\0B\"}";
	assert_int_equal(osv_parse(&o, "osv", "n.json", nul, sizeof(nul) - 1,
	                           &d), -1);
	diag_free(&d);
}

static void join(char *out, size_t cap, const strlist *l)
{
	out[0] = 0;
	for (uint32_t i = 0; i < l->n; i++) {
		size_t u = strlen(out);
		snprintf(out + u, cap - u, "%s%s", i ? " | " : "", l->v[i]);
	}
}

/* The export (query/cli/osvout.c) writes what the import reads, through
 * the one mapping (schema/osvmap.h): a file in the export's own form,
 * imported and exported again, comes back byte for byte (RustSec's form:
 * dates at noon, the derived PACKAGE and ADVISORY links, 0.0.0-0 for an
 * unbounded start, functions sorted, the default license). */
#define V4 "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
static const char canonical[] =
	"{\"id\":\"RUSTSEC-2099-0001\",\"modified\":\"2024-05-06T07:08:09Z\","
	"\"published\":\"2024-01-02T12:00:00Z\","
	"\"withdrawn\":\"2024-03-04T12:00:00Z\","
	"\"aliases\":[\"CVE-2099-0001\"],\"related\":[],"
	"\"summary\":\"A title\",\"details\":\"Line one.\\nLine two.\","
	"\"severity\":[{\"type\":\"CVSS_V4\",\"score\":\"" V4 "\"}],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"crates.io\","
	"\"name\":\"acme\",\"purl\":\"pkg:cargo/acme\"},"
	"\"ecosystem_specific\":{\"affects\":{\"arch\":[\"x86_64\"],"
	"\"os\":[\"linux\"],\"functions\":[\"acme::a\",\"acme::b\"]},"
	"\"affected_functions\":null},"
	"\"database_specific\":{\"categories\":[\"memory-corruption\"],"
	"\"cvss\":\"" V4 "\",\"informational\":null},"
	"\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
	"{\"introduced\":\"0.0.0-0\"},{\"fixed\":\"1.2.4-0\"},"
	"{\"introduced\":\"1.3.0\"},{\"fixed\":\"1.3.5\"}]}],"
	"\"versions\":[]}],"
	"\"references\":["
	"{\"type\":\"PACKAGE\",\"url\":\"https://crates.io/crates/acme\"},"
	"{\"type\":\"ADVISORY\","
	"\"url\":\"https://rustsec.org/advisories/RUSTSEC-2099-0001.html\"},"
	"{\"type\":\"REPORT\",\"url\":\"https://github.com/acme/acme/issues/1\"},"
	"{\"type\":\"WEB\",\"url\":\"https://example.org/x\"}],"
	"\"database_specific\":{\"license\":\"CC0-1.0\"}}";

static void test_osv__export_of_import_is_the_file(void **state)
{
	osv *o = NULL;
	diag_list d;
	buf b = BUF_INIT;
	json j;

	(void)state;
	assert_int_equal(parse(&o, canonical, &d), 0);
	assert_int_equal(osv_count(o), 1);
	const adv_record *r = osv_record(o, 0);
	assert_string_equal(r->url, "https://github.com/acme/acme/issues/1");
	assert_int_equal(r->references.n, 1);
	assert_false(r->ranges[0].has_introduced);
	json_init(&j, &b);
	osvout_advisory(&j, r, 0);
	assert_false(b.failed);
	buf_putc(&b, '\0');
	assert_string_equal(b.p, canonical);

	/* without history, `modified` is the fallback given */
	adv_record r2 = *r;
	r2.modified = 0;
	buf_reset(&b);
	json_init(&j, &b);
	osvout_advisory(&j, &r2, 1700000000);
	buf_putc(&b, '\0');
	assert_non_null(strstr(b.p, "\"modified\":\"2023-11-14T22:13:20Z\""));
	/* and without either, the date's noon */
	buf_reset(&b);
	json_init(&j, &b);
	osvout_advisory(&j, &r2, 0);
	buf_putc(&b, '\0');
	assert_non_null(strstr(b.p, "\"modified\":\"2024-01-02T12:00:00Z\""));
	buf_free(&b);
	osv_free(o);
	diag_free(&d);
}

static void test_osv__derived_requirements(void **state)
{
	(void)state;
	osv *o = NULL;
	diag_list d;
	char p[512], u[512];

	/* out of order, with an empty range [1.1.0, 1.1.0) that says nothing */
	assert_int_equal(parse(&o, HEAD "\"affected\":[{\"package\":"
	    "{\"ecosystem\":\"crates.io\",\"name\":\"foo\"},\"ranges\":["
	    "{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"2.0.0\"}]},"
	    "{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"1.0.0\"},"
	    "{\"fixed\":\"1.1.0\"},{\"introduced\":\"1.1.0\"},"
	    "{\"fixed\":\"1.1.0\"},{\"introduced\":\"1.5.0\"},"
	    "{\"last_affected\":\"1.6.0\"}]}]}]}", &d), 0);
	const adv_record *r = osv_record(o, 0);
	join(p, sizeof(p), &r->patched);
	join(u, sizeof(u), &r->unaffected);
	assert_string_equal(p, ">= 1.1.0, < 1.5.0 | >= 1.6.1-0, < 2.0.0");
	assert_string_equal(u, "< 1.0.0");
	osv_free(o);
	diag_free(&d);

	/* from the first version, fixed once */
	assert_int_equal(parse(&o, HEAD "\"affected\":[{\"package\":"
	    "{\"ecosystem\":\"crates.io\",\"name\":\"foo\"},\"ranges\":["
	    "{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},"
	    "{\"fixed\":\"0.3.1\"}]}]}]}", &d), 0);
	r = osv_record(o, 0);
	join(p, sizeof(p), &r->patched);
	assert_string_equal(p, ">= 0.3.1");
	assert_int_equal(r->unaffected.n, 0);
	osv_free(o);
	diag_free(&d);

	/* overlapping ranges: nothing derived, the ranges still decide */
	assert_int_equal(parse(&o, HEAD "\"affected\":[{\"package\":"
	    "{\"ecosystem\":\"crates.io\",\"name\":\"foo\"},\"ranges\":["
	    "{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"1.0.0\"},"
	    "{\"fixed\":\"3.0.0\"}]},{\"type\":\"SEMVER\",\"events\":["
	    "{\"introduced\":\"2.0.0\"},{\"fixed\":\"4.0.0\"}]}]}]}", &d), 0);
	r = osv_record(o, 0);
	assert_int_equal(r->patched.n, 0);
	assert_int_equal(r->unaffected.n, 0);
	assert_int_equal(r->nranges, 2);
	osv_free(o);
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_osv__json_fields),
		cmocka_unit_test(test_osv__yaml_same_as_json),
		cmocka_unit_test(test_osv__semver_events),
		cmocka_unit_test(test_osv__last_affected_and_limit),
		cmocka_unit_test(test_osv__ecosystem_and_git_ranges),
		cmocka_unit_test(test_osv__versions_list),
		cmocka_unit_test(test_osv__other_ecosystems_skipped),
		cmocka_unit_test(test_osv__derived_requirements),
		cmocka_unit_test(test_osv__export_of_import_is_the_file),
		cmocka_unit_test(test_osv__bad_fields),
		cmocka_unit_test(test_osv__errors_carry_lines),
		cmocka_unit_test(test_osv__ids_within_the_index_cap),
		cmocka_unit_test(test_osv__duplicate_keys_refused),
		cmocka_unit_test(test_osv__hostile_nesting),
		cmocka_unit_test(test_osv__hostile_sizes),
		cmocka_unit_test(test_osv__hostile_binary_and_yaml),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
