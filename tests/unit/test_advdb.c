/*
 * test_advdb.c — libadvdb (query/advdb.h) against small indexes built here
 * with compiler/writer.h from hand-made adv_records, and against damaged
 * files made from them.
 *
 * The fixture is one index of a dozen advisories chosen to hit every rule
 * of a lookup: several ranges per advisory, bounds exactly at introduced
 * and fixed, prereleases, a withdrawn one, os/arch restrictions, each
 * informational kind, one toolchain advisory, and a package with more
 * matches than a small array holds. Expected answers are written from the
 * ranges in the fixture, never read back from the library.
 *
 * One more test compiles the real advisory-db (../shared/data, or
 * $ADVDB_SHARED; a TAP skip with the reason when absent) and checks that
 * every stored advisory decompresses with the real dictionary and that
 * lookups at each range's bounds agree with the ranges.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <git2.h>
#include <lmdb.h>
#include <zstd.h>

#include "advdb.h"
#include "advisory.h"
#include "gitsrc.h"
#include "block.h"
#include "layout.h"
#include "record.h"
#include "version.h"
#include "testlib.h"
#include "writer.h"
#include "advdb_check.h"

#define COMMIT "0123456789abcdef0123456789abcdef01234567"
#define COMMIT_TIME 1700000000

/* ---- the fixture ---- */

typedef struct spec {
	const char *id, *pkg;
	int rust;                    /* toolchain collection */
	const char *withdrawn;
	const char *informational;
	uint8_t info, sev;
	uint16_t score;
	const char *os[3], *arch[3], *aliases[3];
	const char *ranges[3][2];    /* {introduced, fixed}, NULL: unbounded */
	int nranges;
	int functions;
} spec;

static const spec SPECS[] = {
	{ "RUSTSEC-2020-0001", "alpha", 0, NULL, NULL, ADV_INFO_NONE,
	  ADV_SEV_HIGH, 75, { NULL }, { NULL },
	  { "CVE-2020-1111", "GHSA-aaaa-bbbb-cccc", NULL },
	  { { NULL, "1.2.3" }, { "2.0.0", "2.1.0" } }, 2, 1 },
	{ "RUSTSEC-2020-0002", "alpha", 0, NULL, "unsound", ADV_INFO_UNSOUND,
	  ADV_SEV_NONE, 0, { NULL }, { NULL }, { "CVE-2020-2222", NULL },
	  { { "1.0.0-alpha.1", "1.0.0" } }, 1, 0 },
	{ "RUSTSEC-2021-0001", "alpha", 0, "2021-05-01", NULL, ADV_INFO_NONE,
	  ADV_SEV_LOW, 30, { NULL }, { NULL }, { NULL },
	  { { NULL, NULL } }, 1, 0 },
	{ "RUSTSEC-2021-0002", "beta", 0, NULL, NULL, ADV_INFO_NONE,
	  ADV_SEV_CRITICAL, 98, { "windows", NULL }, { NULL }, { NULL },
	  { { NULL, "0.5.0" } }, 1, 0 },
	{ "RUSTSEC-2021-0003", "beta", 0, NULL, NULL, ADV_INFO_NONE,
	  ADV_SEV_MEDIUM, 55, { "linux", "macos", NULL }, { "x86", NULL },
	  { NULL }, { { NULL, NULL } }, 1, 0 },
	{ "RUSTSEC-2022-0001", "gamma", 0, NULL, "unmaintained",
	  ADV_INFO_UNMAINTAINED, ADV_SEV_NONE, 0, { NULL }, { NULL }, { NULL },
	  { { NULL, NULL } }, 1, 0 },
	{ "RUSTSEC-2022-0002", "gamma", 0, NULL, "notice", ADV_INFO_NOTICE,
	  ADV_SEV_NONE, 0, { NULL }, { NULL }, { NULL },
	  { { NULL, NULL } }, 1, 0 },
	{ "RUSTSEC-2022-0003", "gamma", 0, NULL, "remote-only",
	  ADV_INFO_OTHER, ADV_SEV_NONE, 0, { NULL }, { NULL }, { NULL },
	  { { NULL, NULL } }, 1, 0 },
	{ "CVE-2018-1000657", "std", 1, NULL, NULL, ADV_INFO_NONE,
	  ADV_SEV_CRITICAL, 98, { NULL }, { NULL }, { NULL },
	  { { "1.3.0", "1.22.0" } }, 1, 0 },
	{ "RUSTSEC-2023-0001", "delta", 0, NULL, NULL, ADV_INFO_NONE,
	  ADV_SEV_NONE, 0, { NULL }, { NULL }, { NULL },
	  { { NULL, NULL } }, 1, 0 },
	{ "RUSTSEC-2023-0002", "delta", 0, NULL, NULL, ADV_INFO_NONE,
	  ADV_SEV_NONE, 0, { NULL }, { NULL }, { NULL },
	  { { NULL, NULL } }, 1, 0 },
	{ "RUSTSEC-2023-0003", "delta", 0, NULL, NULL, ADV_INFO_NONE,
	  ADV_SEV_NONE, 0, { NULL }, { NULL }, { NULL },
	  { { NULL, "9.0.0" } }, 1, 0 },
	{ "RUSTSEC-2023-0004", "delta", 0, NULL, NULL, ADV_INFO_NONE,
	  ADV_SEV_NONE, 0, { NULL }, { NULL }, { NULL },
	  { { "0.1.0", NULL } }, 1, 0 },
	{ "RUSTSEC-2023-0005", "delta", 0, NULL, NULL, ADV_INFO_NONE,
	  ADV_SEV_NONE, 0, { NULL }, { NULL }, { NULL },
	  { { NULL, NULL } }, 1, 0 },
};
#define NSPECS (sizeof SPECS / sizeof SPECS[0])

/* An adv_record and the storage it points into. */
typedef struct built {
	adv_record r;
	range ranges[3];
	adv_function fn;
	const char *fn_reqs[2];
	const char *patched[1];
	const char *refs[2];
	const char *cats[1];
	const char *kws[2];
	const char *related[1];
	char path[128];
} built;

static uint32_t count(const char *const *v, size_t cap)
{
	uint32_t n = 0;

	while (n < cap && v[n])
		n++;
	return n;
}

static void set_version(version *v, const char *s)
{
	const char *why = NULL;

	assert_int_equal(version_parse(v, s, strlen(s), &why), 0);
}

static void build(built *b, const spec *s)
{
	int i;

	memset(b, 0, sizeof *b);
	snprintf(b->path, sizeof b->path, "%s/%s/%s.md",
	         s->rust ? "rust" : "crates", s->pkg, s->id);
	b->r.id = s->id;
	b->r.package = s->pkg;
	b->r.source = "rustsec";
	b->r.path = b->path;
	b->r.date = "2020-01-02";
	b->r.withdrawn = s->withdrawn;
	b->r.url = "https://example.org/advisory";
	b->r.title = "A title";
	b->r.description = "A description\nof two lines.";
	b->r.license = "CC0-1.0";
	b->r.informational = s->informational;
	b->r.cvss = s->score ? "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	                     : NULL;
	b->r.modified = 1600000000;
	b->r.cvss_score10 = s->score;
	b->r.collection = s->rust ? ADV_RUST : ADV_CRATES;
	b->r.info = s->info;
	b->r.severity = s->sev;
	b->r.aliases.v = (const char **)s->aliases;
	b->r.aliases.n = count(s->aliases, 3);
	b->r.os.v = (const char **)s->os;
	b->r.os.n = count(s->os, 3);
	b->r.arch.v = (const char **)s->arch;
	b->r.arch.n = count(s->arch, 3);
	b->related[0] = "RUSTSEC-2019-0001";
	b->r.related.v = b->related;
	b->r.related.n = 1;
	b->cats[0] = "memory-corruption";
	b->r.categories.v = b->cats;
	b->r.categories.n = 1;
	b->kws[0] = "overflow";
	b->kws[1] = "heap";
	b->r.keywords.v = b->kws;
	b->r.keywords.n = 2;
	b->refs[0] = "https://example.org/ref1";
	b->refs[1] = "https://example.org/ref2";
	b->r.references.v = b->refs;
	b->r.references.n = 2;
	for (i = 0; i < s->nranges; i++) {
		if (s->ranges[i][0]) {
			b->ranges[i].has_introduced = 1;
			set_version(&b->ranges[i].introduced, s->ranges[i][0]);
		}
		if (s->ranges[i][1]) {
			b->ranges[i].has_fixed = 1;
			set_version(&b->ranges[i].fixed, s->ranges[i][1]);
		}
	}
	b->r.ranges = b->ranges;
	b->r.nranges = (uint32_t)s->nranges;
	if (s->nranges == 1 && s->ranges[0][1] && !s->ranges[0][0]) {
		b->patched[0] = s->ranges[0][1];
		b->r.patched.v = b->patched;
		b->r.patched.n = 1;
	}
	if (s->functions) {
		b->fn.path = "alpha::parse";
		b->fn_reqs[0] = "< 1.2.3";
		b->fn_reqs[1] = ">= 2.0.0, < 2.1.0";
		b->fn.reqs.v = b->fn_reqs;
		b->fn.reqs.n = 2;
		b->r.functions = &b->fn;
		b->r.nfunctions = 1;
	}
}

typedef struct fixture {
	char dir[64];
	char db[128];
	advdb *h;
} fixture;

static void write_index(const char *target, size_t n)
{
	writer *w = NULL;
	writer_stats st;
	char err[512] = "";
	built *b = calloc(1, sizeof *b);
	size_t i;

	assert_non_null(b);
	assert_int_equal(writer_open(&w, target, err, sizeof err), 0);
	for (i = 0; i < n; i++) {
		build(b, &SPECS[i]);
		if (writer_add(w, &b->r, "rustsec", b->path, err,
		               sizeof err) != 0)
			fail_msg("writer_add %s: %s", SPECS[i].id, err);
	}
	assert_int_equal(writer_set_source(w, "rustsec", COMMIT, COMMIT_TIME),
	                 0);
	if (writer_commit(w, &st, err, sizeof err) != 0)
		fail_msg("writer_commit: %s", err);
	writer_close(w);
	free(b);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char err[512] = "";

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/test_advdb.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/index.lmdb", f->dir);
	write_index(f->db, NSPECS);
	if (advdb_open(&f->h, f->db, 0, err, sizeof err) != 0) {
		fprintf(stderr, "advdb_open: %s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char cmd[256];

	if (!f)
		return 0;
	advdb_close(f->h);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(f);
	return 0;
}

/* ---- lookup ---- */

/* Look up and compare the ids found, in order, with a space-separated
 * list ("" for none). */
static void expect_ids(advdb *h, const char *name, const char *ver,
                       const advdb_query *q, const char *want)
{
	advdb_match m[16];
	size_t n = 99, i;
	char got[512] = "";
	int rc = advdb_lookup(m, 16, &n, h, name, ver, q);

	if (rc != 0)
		fail_msg("%s@%s: %s (%s)", name, ver, advdb_strerror(rc),
		         advdb_last_error(h));
	for (i = 0; i < n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, m[i].id);
	}
	if (strcmp(got, want) != 0)
		fail_msg("%s@%s: got [%s], want [%s]", name, ver, got, want);
}

static void test_lookup__ranges_and_bounds(void **state)
{
	fixture *f = *state;

	expect_ids(f->h, "alpha", "0.1.0", NULL, "RUSTSEC-2020-0001");
	expect_ids(f->h, "alpha", "1.2.2", NULL, "RUSTSEC-2020-0001");
	/* fixed is exclusive, introduced inclusive */
	expect_ids(f->h, "alpha", "1.2.3", NULL, "");
	expect_ids(f->h, "alpha", "1.9.9", NULL, "");
	expect_ids(f->h, "alpha", "2.0.0", NULL, "RUSTSEC-2020-0001");
	expect_ids(f->h, "alpha", "2.0.9", NULL, "RUSTSEC-2020-0001");
	expect_ids(f->h, "alpha", "2.1.0", NULL, "");
	expect_ids(f->h, "alpha", "3.0.0", NULL, "");
	/* build metadata is ignored */
	expect_ids(f->h, "alpha", "1.2.3+build.5", NULL, "");
	expect_ids(f->h, "alpha", "2.0.0+x", NULL, "RUSTSEC-2020-0001");
}

static void test_lookup__prereleases(void **state)
{
	fixture *f = *state;

	expect_ids(f->h, "alpha", "1.2.3-rc.1", NULL, "RUSTSEC-2020-0001");
	expect_ids(f->h, "alpha", "2.0.0-rc.1", NULL, "");
	expect_ids(f->h, "alpha", "2.1.0-rc.1", NULL, "RUSTSEC-2020-0001");
	expect_ids(f->h, "alpha", "1.0.0-alpha.0", NULL, "RUSTSEC-2020-0001");
	expect_ids(f->h, "alpha", "1.0.0-alpha.1", NULL,
	           "RUSTSEC-2020-0001 RUSTSEC-2020-0002");
	expect_ids(f->h, "alpha", "1.0.0-beta", NULL,
	           "RUSTSEC-2020-0001 RUSTSEC-2020-0002");
	expect_ids(f->h, "alpha", "1.0.0", NULL, "RUSTSEC-2020-0001");
}

static void test_lookup__match_fields(void **state)
{
	fixture *f = *state;
	advdb_match m[4];
	size_t n = 0;

	advdb_pass(f->h, advdb_lookup(m, 4, &n, f->h, "alpha", "1.0.0-rc.1",
	                              NULL));
	assert_int_equal(n, 2);
	assert_string_equal(m[0].id, "RUSTSEC-2020-0001");
	assert_int_equal(m[0].kind, ADVDB_KIND_VULNERABILITY);
	assert_int_equal(m[0].severity, ADVDB_SEV_HIGH);
	assert_int_equal(m[0].cvss_score10, 75);
	assert_int_equal(m[0].withdrawn, 0);
	assert_int_equal(m[0].has_functions, 1);
	assert_string_equal(m[1].id, "RUSTSEC-2020-0002");
	assert_int_equal(m[1].kind, ADVDB_KIND_UNSOUND);
	assert_int_equal(m[1].severity, ADVDB_SEV_NONE);
	assert_int_equal(m[1].cvss_score10, 0);
	assert_int_equal(m[1].has_functions, 0);
}

static void test_lookup__unknown_package(void **state)
{
	fixture *f = *state;
	advdb_match m[2];
	size_t n = 7;

	advdb_pass(f->h, advdb_lookup(m, 2, &n, f->h, "no-such-crate",
	                              "1.0.0", NULL));
	assert_int_equal(n, 0);
	/* a prefix of a known name is not that name */
	expect_ids(f->h, "alph", "0.1.0", NULL, "");
	expect_ids(f->h, "alphaa", "0.1.0", NULL, "");
}

static void test_lookup__withdrawn(void **state)
{
	fixture *f = *state;
	advdb_query q = { ADVDB_QUERY_VERSION, NULL, NULL, ADVDB_Q_WITHDRAWN };
	advdb_match m[4];
	size_t n = 0;

	expect_ids(f->h, "alpha", "5.0.0", NULL, "");
	expect_ids(f->h, "alpha", "5.0.0", &q, "RUSTSEC-2021-0001");
	expect_ids(f->h, "alpha", "0.1.0", &q,
	           "RUSTSEC-2020-0001 RUSTSEC-2021-0001");
	advdb_pass(f->h, advdb_lookup(m, 4, &n, f->h, "alpha", "0.1.0", &q));
	assert_int_equal(n, 2);
	assert_int_equal(m[0].withdrawn, 0);
	assert_int_equal(m[1].withdrawn, 1);
	assert_int_equal(m[1].severity, ADVDB_SEV_LOW);
}

static void test_lookup__os_arch(void **state)
{
	fixture *f = *state;
	advdb_query q = { ADVDB_QUERY_VERSION, NULL, NULL, 0 };

	/* no target: every advisory applies */
	expect_ids(f->h, "beta", "0.4.0", &q,
	           "RUSTSEC-2021-0002 RUSTSEC-2021-0003");
	expect_ids(f->h, "beta", "0.5.0", &q, "RUSTSEC-2021-0003");
	q.os = "linux";
	expect_ids(f->h, "beta", "0.4.0", &q, "RUSTSEC-2021-0003");
	q.os = "windows";
	expect_ids(f->h, "beta", "0.4.0", &q, "RUSTSEC-2021-0002");
	q.os = "freebsd";
	expect_ids(f->h, "beta", "0.4.0", &q, "");
	q.os = "linux";
	q.arch = "x86_64";
	expect_ids(f->h, "beta", "0.4.0", &q, "");
	q.arch = "x86";
	expect_ids(f->h, "beta", "0.4.0", &q, "RUSTSEC-2021-0003");
	q.os = NULL;  /* 0002 has no arch list: any arch */
	expect_ids(f->h, "beta", "0.4.0", &q,
	           "RUSTSEC-2021-0002 RUSTSEC-2021-0003");
	q.arch = "arm";
	expect_ids(f->h, "beta", "0.4.0", &q, "RUSTSEC-2021-0002");
	/* os names compare whole: "linu" is not "linux" */
	q.arch = NULL;
	q.os = "linu";
	expect_ids(f->h, "beta", "0.4.0", &q, "");
	/* packages without lists ignore the target */
	q.os = "windows";
	q.arch = "arm";
	expect_ids(f->h, "alpha", "0.1.0", &q, "RUSTSEC-2020-0001");
}

static void test_lookup__informational_kinds(void **state)
{
	fixture *f = *state;
	advdb_match m[4];
	size_t n = 0;

	advdb_pass(f->h, advdb_lookup(m, 4, &n, f->h, "gamma", "9.9.9",
	                              NULL));
	assert_int_equal(n, 3);
	assert_string_equal(m[0].id, "RUSTSEC-2022-0001");
	assert_int_equal(m[0].kind, ADVDB_KIND_UNMAINTAINED);
	assert_string_equal(m[1].id, "RUSTSEC-2022-0002");
	assert_int_equal(m[1].kind, ADVDB_KIND_NOTICE);
	assert_string_equal(m[2].id, "RUSTSEC-2022-0003");
	assert_int_equal(m[2].kind, ADVDB_KIND_OTHER);
}

static void test_lookup__toolchain(void **state)
{
	fixture *f = *state;
	advdb_query q = { ADVDB_QUERY_VERSION, NULL, NULL, ADVDB_Q_TOOLCHAIN };

	expect_ids(f->h, "std", "1.21.0", &q, "CVE-2018-1000657");
	expect_ids(f->h, "std", "1.3.0", &q, "CVE-2018-1000657");
	expect_ids(f->h, "std", "1.22.0", &q, "");
	expect_ids(f->h, "std", "1.2.9", &q, "");
	/* not in the crates collection, and crates not in the toolchain */
	expect_ids(f->h, "std", "1.21.0", NULL, "");
	expect_ids(f->h, "alpha", "0.1.0", &q, "");
}

static void test_lookup__ebufs(void **state)
{
	fixture *f = *state;
	advdb_match m[5];
	size_t n = 0, i;

	memset(m, 0, sizeof m);
	advdb_expect(f->h, advdb_lookup(m, 3, &n, f->h, "delta", "1.0.0",
	                                NULL), ADVDB_EBUFS);
	assert_int_equal(n, 5);
	for (i = 0; i < 3; i++) {
		char want[32];

		snprintf(want, sizeof want, "RUSTSEC-2023-000%zu", i + 1);
		assert_string_equal(m[i].id, want);
	}
	assert_string_equal(m[3].id, "");  /* untouched past cap */
	assert_true(strlen(advdb_last_error(f->h)) > 0);
	advdb_expect(f->h, advdb_lookup(NULL, 0, &n, f->h, "delta", "1.0.0",
	                                NULL), ADVDB_EBUFS);
	assert_int_equal(n, 5);
	advdb_pass(f->h, advdb_lookup(m, 5, &n, f->h, "delta", "1.0.0",
	                              NULL));
	assert_int_equal(n, 5);
	/* 0.0.1 is below 0004's introduced 0.1.0 */
	advdb_pass(f->h, advdb_lookup(m, 5, &n, f->h, "delta", "0.0.1",
	                              NULL));
	assert_int_equal(n, 4);
	/* nothing matched: an empty array is enough */
	advdb_pass(f->h, advdb_lookup(NULL, 0, &n, f->h, "alpha", "1.2.3",
	                              NULL));
	assert_int_equal(n, 0);
}

static void test_lookup__bad_version(void **state)
{
	fixture *f = *state;
	static const char *const bad[] = {
		"", "1", "1.2", "01.2.3", "1.2.3-", "1.2.3+", "v1.2.3", " 1.2.3",
		"1.2.3 ", "1.2.3-01", "1..3", "1.2.3-a..b", "18446744073709551616.0.0",
		"x.y.z",
	};
	advdb_match m[4];
	size_t n, i;
	char huge[1000];

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = 42;
		if (advdb_lookup(m, 4, &n, f->h, "alpha", bad[i], NULL) !=
		    ADVDB_EVERSION)
			fail_msg("version \"%s\" was accepted", bad[i]);
		assert_int_equal(n, 0);
		assert_true(strlen(advdb_last_error(f->h)) > 0);
	}
	memset(huge, '1', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	advdb_expect(f->h, advdb_lookup(m, 4, &n, f->h, "alpha", huge, NULL),
	                                ADVDB_EVERSION);
}

static void test_lookup__bad_arguments(void **state)
{
	fixture *f = *state;
	advdb_match m[4];
	advdb_query q = { ADVDB_QUERY_VERSION, NULL, NULL, 0x80 };
	size_t n;

	advdb_expect(f->h, advdb_lookup(m, 4, NULL, f->h, "alpha", "1.0.0",
	                                NULL), ADVDB_EINVAL);
	advdb_expect(f->h, advdb_lookup(m, 4, &n, f->h, NULL, "1.0.0", NULL),
	                                ADVDB_EINVAL);
	advdb_expect(f->h, advdb_lookup(m, 4, &n, f->h, "alpha", NULL, NULL),
	                                ADVDB_EINVAL);
	advdb_expect(f->h, advdb_lookup(m, 4, &n, f->h, "", "1.0.0", NULL),
	                                ADVDB_EINVAL);
	advdb_expect(f->h, advdb_lookup(NULL, 4, &n, f->h, "alpha", "1.0.0",
	                                NULL), ADVDB_EINVAL);
	advdb_expect(f->h, advdb_lookup(m, 4, &n, f->h, "alpha", "1.0.0", &q),
	                                ADVDB_EINVAL);
	advdb_expect(NULL, advdb_lookup(m, 4, &n, NULL, "alpha", "1.0.0",
	                                NULL), ADVDB_EINVAL);
}

static void test_lookup__explicit_lengths(void **state)
{
	fixture *f = *state;
	advdb_match m[4];
	size_t n = 0;
	const char name[] = { 'a', 'l', 'p', 'h', 'a', 'X', 'Y' };
	const char ver[] = { '2', '.', '0', '.', '0', '!', '?' };
	char longname[600];

	advdb_pass(f->h, advdb_lookup_n(m, 4, &n, f->h, name, 5, ver, 5,
	                                NULL));
	assert_int_equal(n, 1);
	assert_string_equal(m[0].id, "RUSTSEC-2020-0001");
	advdb_expect(f->h, advdb_lookup_n(m, 4, &n, f->h, name, 5, ver, 6,
	                                  NULL), ADVDB_EVERSION);
	/* a name longer than any key is simply unknown */
	memset(longname, 'a', sizeof longname);
	advdb_pass(f->h, advdb_lookup_n(m, 4, &n, f->h, longname,
	                                sizeof longname, "1.0.0", 5, NULL));
	assert_int_equal(n, 0);
}

/* ---- every advisory of a package ---- */

static void expect_pkg_ids(advdb *h, const char *name, const advdb_query *q,
                           const char *want)
{
	advdb_match m[16];
	size_t n = 99;
	char got[512] = "";
	int rc = advdb_package_advisories(m, 16, &n, h, name, q);

	if (rc != 0)
		fail_msg("%s: %s (%s)", name, advdb_strerror(rc),
		         advdb_last_error(h));
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, m[i].id);
	}
	if (strcmp(got, want) != 0)
		fail_msg("%s: got [%s], want [%s]", name, got, want);
}

static void test_package_advisories__scope(void **state)
{
	fixture *f = *state;
	advdb_query q = { ADVDB_QUERY_VERSION, NULL, NULL, ADVDB_Q_WITHDRAWN };

	/* whatever the version: 0002 affects only 1.0.0 prereleases */
	expect_pkg_ids(f->h, "alpha", NULL,
	               "RUSTSEC-2020-0001 RUSTSEC-2020-0002");
	expect_pkg_ids(f->h, "alpha", &q,
	               "RUSTSEC-2020-0001 RUSTSEC-2020-0002 RUSTSEC-2021-0001");
	q.flags = 0;
	q.os = "windows";
	expect_pkg_ids(f->h, "beta", &q, "RUSTSEC-2021-0002");
	q.os = "linux";
	q.arch = "x86";
	expect_pkg_ids(f->h, "beta", &q, "RUSTSEC-2021-0003");
	expect_pkg_ids(f->h, "beta", NULL, "RUSTSEC-2021-0002 RUSTSEC-2021-0003");
	expect_pkg_ids(f->h, "gamma", NULL,
	               "RUSTSEC-2022-0001 RUSTSEC-2022-0002 RUSTSEC-2022-0003");
	expect_pkg_ids(f->h, "no-such-crate", NULL, "");
	expect_pkg_ids(f->h, "alph", NULL, "");
	q.os = NULL;
	q.arch = NULL;
	q.flags = ADVDB_Q_TOOLCHAIN;
	expect_pkg_ids(f->h, "std", &q, "CVE-2018-1000657");
	expect_pkg_ids(f->h, "std", NULL, "");
}

/* A lookup at any version finds a subset of the package's advisories,
 * with the same fields. */
static void test_package_advisories__superset_of_lookups(void **state)
{
	fixture *f = *state;
	static const char *const names[] = { "alpha", "beta", "gamma", "delta" };
	static const char *const vers[] = { "0.0.1", "0.4.0", "1.0.0-alpha.1",
	                                    "1.2.2", "2.0.5", "9.9.9" };
	advdb_match all[16], some[16];
	size_t na, ns;

	for (size_t i = 0; i < 4; i++) {
		advdb_pass(f->h, advdb_package_advisories(all, 16, &na, f->h,
		    names[i], NULL));
		assert_true(na > 0);
		for (size_t k = 0; k < 6; k++) {
			advdb_pass(f->h, advdb_lookup(some, 16, &ns, f->h,
			    names[i], vers[k], NULL));
			for (size_t j = 0; j < ns; j++) {
				size_t x = 0;
				while (x < na && strcmp(all[x].id, some[j].id) != 0)
					x++;
				assert_true(x < na);
				assert_int_equal(all[x].kind, some[j].kind);
				assert_int_equal(all[x].severity, some[j].severity);
				assert_int_equal(all[x].cvss_score10,
				                 some[j].cvss_score10);
				assert_int_equal(all[x].has_functions,
				                 some[j].has_functions);
			}
		}
	}
}

static void test_package_advisories__ebufs_and_arguments(void **state)
{
	fixture *f = *state;
	advdb_match m[5];
	size_t n = 0;
	advdb_query bad = { ADVDB_QUERY_VERSION, NULL, NULL, 0x80 };

	advdb_expect(f->h, advdb_package_advisories(m, 2, &n, f->h, "delta",
	    NULL), ADVDB_EBUFS);
	assert_int_equal(n, 5);
	assert_string_equal(m[0].id, "RUSTSEC-2023-0001");
	assert_string_equal(m[1].id, "RUSTSEC-2023-0002");
	assert_non_null(strstr(advdb_last_error(f->h), "delta"));
	advdb_expect(f->h, advdb_package_advisories(NULL, 0, &n, f->h,
	    "delta", NULL), ADVDB_EBUFS);
	assert_int_equal(n, 5);
	advdb_pass(f->h, advdb_package_advisories(m, 5, &n, f->h, "delta",
	    NULL));
	assert_int_equal(n, 5);
	advdb_expect(f->h, advdb_package_advisories(m, 5, &n, f->h, "", NULL),
	    ADVDB_EINVAL);
	advdb_expect(f->h, advdb_package_advisories(m, 5, &n, f->h, NULL,
	    NULL), ADVDB_EINVAL);
	advdb_expect(f->h, advdb_package_advisories(m, 5, NULL, f->h, "alpha",
	    NULL), ADVDB_EINVAL);
	advdb_expect(f->h, advdb_package_advisories(NULL, 5, &n, f->h,
	    "alpha", NULL), ADVDB_EINVAL);
	advdb_expect(f->h, advdb_package_advisories(m, 5, &n, f->h, "alpha",
	    &bad), ADVDB_EINVAL);
	advdb_expect(NULL, advdb_package_advisories(m, 5, &n, NULL, "alpha",
	    NULL), ADVDB_EINVAL);
}

/* ---- threads ---- */

typedef struct tcase {
	const char *name, *ver;
	advdb_query q;
	int rc;
	size_t n;
	char ids[256];
} tcase;

static const struct { const char *name, *ver, *os; unsigned flags; }
TCASES[] = {
	{ "alpha", "0.1.0", NULL, 0 }, { "alpha", "1.0.0-alpha.1", NULL, 0 },
	{ "alpha", "1.2.3", NULL, 0 }, { "alpha", "2.0.0", NULL, 1 },
	{ "beta", "0.4.0", "linux", 0 }, { "beta", "0.4.0", NULL, 0 },
	{ "gamma", "1.0.0", NULL, 0 }, { "delta", "1.0.0", NULL, 0 },
	{ "std", "1.10.0", NULL, ADVDB_Q_TOOLCHAIN }, { "nope", "1.0.0", NULL, 0 },
	{ "alpha", "1.0", NULL, 0 },
};
#define NTCASES (sizeof TCASES / sizeof TCASES[0])

/* One lookup into c; its failure's message into err (the _ex form:
 * threads share h). */
static void run_case(tcase *c, advdb *h, const char *name, const char *ver,
                     const char *os, unsigned flags, advdb_error_info *err)
{
	advdb_match m[4];
	size_t i;

	memset(c, 0, sizeof *c);
	c->q.version = ADVDB_QUERY_VERSION;
	c->q.os = os;
	c->q.flags = flags;
	c->rc = advdb_lookup_ex(m, 4, &c->n, h, name, strlen(name), ver,
	                        strlen(ver), &c->q, err);
	for (i = 0; i < c->n && i < 4; i++) {
		strcat(c->ids, m[i].id);
		strcat(c->ids, " ");
	}
}

/* Full records and iterators from several threads at once (the context
 * pool and per-iterator snapshots). 1 when every answer was right. */
static int fetch_and_iterate(advdb *h)
{
	advdb_advisory *a = NULL;
	advdb_iter *it = NULL;
	const char *name;
	size_t i, n = 0;
	int ok = 1;

	for (i = 0; i < NSPECS; i++) {
		if (advdb_advisory_get(&a, h, SPECS[i].id) != 0)
			return 0;
		ok &= strcmp(advdb_advisory_field(a, ADVDB_F_PACKAGE),
		             SPECS[i].pkg) == 0;
		advdb_advisory_free(a);
	}
	if (advdb_advisories_iter(&it, h) != 0)
		return 0;
	while (advdb_iter_next(&name, it) == ADVDB_OK)
		n++;
	advdb_iter_free(it);
	return ok && n == NSPECS;
}

typedef struct targ {
	advdb *h;
	const tcase *want;
	int bad;
	char err_seen[ADVDB_ERROR_MSG_MAX];
} targ;

static void *worker(void *p)
{
	targ *a = p;
	tcase got;
	advdb_error_info err = ADVDB_ERROR_INFO_INIT;
	int round;
	size_t i;

	for (round = 0; round < 2000; round++) {
		if (round % 100 == 0 && !fetch_and_iterate(a->h))
			a->bad++;
		for (i = 0; i < NTCASES; i++) {
			run_case(&got, a->h, TCASES[i].name, TCASES[i].ver,
			         TCASES[i].os, TCASES[i].flags, &err);
			if (got.rc != a->want[i].rc || got.n != a->want[i].n ||
			    strcmp(got.ids, a->want[i].ids) != 0)
				a->bad++;
		}
	}
	/* This thread's last failure was the bad version of the last case. */
	snprintf(a->err_seen, sizeof a->err_seen, "%s", err.message);
	return NULL;
}

static void test_threads__agree_with_single_thread(void **state)
{
	fixture *f = *state;
	tcase want[NTCASES];
	pthread_t t[4];
	targ a[4];
	size_t i;

	for (i = 0; i < NTCASES; i++)
		run_case(&want[i], f->h, TCASES[i].name, TCASES[i].ver,
		         TCASES[i].os, TCASES[i].flags, NULL);
	assert_int_equal(want[NTCASES - 1].rc, ADVDB_EVERSION);
	assert_int_equal(want[7].rc, ADVDB_EBUFS);
	for (i = 0; i < 4; i++) {
		a[i].h = f->h;
		a[i].want = want;
		a[i].bad = 0;
		assert_int_equal(pthread_create(&t[i], NULL, worker, &a[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(a[i].bad, 0);
		assert_non_null(strstr(a[i].err_seen, "1.0"));
	}
}

/* Errors belong to the call (advdb_error_info), not to a thread: two
 * threads failing on one handle at once, thousands of times, each read
 * only their own message, and the handle's message is untouched. */
typedef struct efail {
	advdb *h;
	const char *id;             /* an advisory id that is not there */
	int bad;
} efail;

static void *fail_own(void *p)
{
	efail *e = p;
	advdb_error_info err = ADVDB_ERROR_INFO_INIT;
	advdb_advisory *a = NULL;
	advdb_match m[1];
	size_t n;
	int i;

	for (i = 0; i < 3000; i++) {
		if (advdb_advisory_get_ex(&a, e->h, e->id, &err) !=
		        ADVDB_ENOTFOUND || err.code != ADVDB_ENOTFOUND ||
		    !strstr(err.message, e->id))
			e->bad++;
		/* a success leaves err as it was */
		if (advdb_lookup_ex(m, 1, &n, e->h, "alpha", 5, "3.0.0", 5, NULL,
		                    &err) != ADVDB_OK ||
		    !strstr(err.message, e->id))
			e->bad++;
	}
	return NULL;
}

static void test_errors__per_call(void **state)
{
	fixture *f = *state;
	efail e[2] = { { f->h, "RUSTSEC-0000-AAAA", 0 },
	               { f->h, "RUSTSEC-0000-BBBB", 0 } };
	advdb_match m[1];
	size_t n;
	pthread_t t[2];
	int i;

	advdb_expect(f->h, advdb_lookup(m, 1, &n, f->h, "alpha", "bogus",
	                                NULL), ADVDB_EVERSION);
	assert_non_null(strstr(advdb_last_error(f->h), "bogus"));
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fail_own, &e[i]), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(e[i].bad, 0);
	}
	/* _ex failures never touch the handle's message */
	assert_non_null(strstr(advdb_last_error(f->h), "bogus"));
}

/* advdb_last_error() belongs to the handle, from any thread: a goroutine
 * that moved to another thread still reads the message of its call. */
static void *fail_plain(void *p)
{
	advdb_advisory *a = NULL;

	return advdb_advisory_get(&a, p, "RUSTSEC-0000-OTHER") ==
	       ADVDB_ENOTFOUND ? NULL : (void *)1;
}

static void test_errors__last_error_is_the_handles(void **state)
{
	fixture *f = *state;
	pthread_t t;
	void *res = (void *)2;

	assert_int_equal(pthread_create(&t, NULL, fail_plain, f->h), 0);
	assert_int_equal(pthread_join(t, &res), 0);
	assert_null(res);
	assert_non_null(strstr(advdb_last_error(f->h), "RUSTSEC-0000-OTHER"));
	/* a success leaves it */
	advdb_advisory *a = NULL;
	advdb_pass(f->h, advdb_advisory_get(&a, f->h, "RUSTSEC-2020-0001"));
	advdb_advisory_free(a);
	assert_non_null(strstr(advdb_last_error(f->h), "RUSTSEC-0000-OTHER"));
	assert_string_equal(advdb_last_error(NULL), "no database handle");
}

/* An advdb_error_info of a version this library does not know is never
 * written into; the call fails with ADVDB_EINVAL and says why in the
 * handle. */
static void test_errors__versioned(void **state)
{
	fixture *f = *state;
	advdb_error_info err;
	advdb_advisory *a = NULL;
	advdb_info info;

	memset(&err, 0x5A, sizeof err);
	err.version = 7;
	advdb_expect(f->h, advdb_advisory_get_ex(&a, f->h, "RUSTSEC-2020-0001",
	                                         &err), ADVDB_EINVAL);
	assert_null(a);
	assert_int_equal(err.code, 0x5A5A5A5A);
	assert_int_equal((unsigned char)err.message[0], 0x5A);
	assert_non_null(strstr(advdb_last_error(f->h), "advdb_error_info "
	                                               "version 7"));
	assert_int_equal(advdb_error_info_init(&err, 7), ADVDB_EINVAL);
	assert_int_equal(advdb_error_info_init(NULL, 1), ADVDB_EINVAL);
	assert_int_equal(advdb_error_info_init(&err, ADVDB_ERROR_INFO_VERSION),
	                 ADVDB_OK);
	assert_int_equal(err.version, ADVDB_ERROR_INFO_VERSION);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.message, "");
	/* the _ex calls report into it */
	advdb_expect_msg(err.message, advdb_advisory_get_ex(&a, f->h,
	                 "RUSTSEC-2099-0001", &err), ADVDB_ENOTFOUND);
	assert_int_equal(err.code, ADVDB_ENOTFOUND);
	assert_non_null(strstr(err.message, "RUSTSEC-2099-0001"));
	advdb_expect_msg(err.message, advdb_lookup_ex(NULL, 0, NULL, NULL,
	                 "a", 1, "1.0.0", 5, NULL, &err), ADVDB_EINVAL);
	assert_non_null(strstr(err.message, "no database handle"));

	/* structs the caller fills: the version is checked */
	memset(&info, 0, sizeof info);
	advdb_expect(f->h, advdb_info_get(&info, f->h), ADVDB_EINVAL);
	assert_non_null(strstr(advdb_last_error(f->h), "ADVDB_INFO_INIT"));
	info.version = ADVDB_INFO_VERSION + 1;
	advdb_expect(f->h, advdb_info_get(&info, f->h), ADVDB_EINVAL);
	assert_int_equal(advdb_info_init(&info, 2), ADVDB_EINVAL);
	advdb_pass(f->h, advdb_info_init(&info, ADVDB_INFO_VERSION));
	advdb_pass(f->h, advdb_info_get(&info, f->h));

	advdb_skipped sk;
	memset(&sk, 0, sizeof sk);
	advdb_expect(f->h, advdb_skipped_get(&sk, f->h, 0), ADVDB_EINVAL);
	advdb_pass(f->h, advdb_skipped_init(&sk, ADVDB_SKIPPED_VERSION));
	advdb_expect(f->h, advdb_skipped_get(&sk, f->h, 0), ADVDB_ENOTFOUND);

	advdb_query q;
	advdb_match m[4];
	size_t n;
	memset(&q, 0, sizeof q);
	advdb_expect(f->h, advdb_lookup(m, 4, &n, f->h, "alpha", "1.0.0", &q),
	             ADVDB_EINVAL);
	assert_non_null(strstr(advdb_last_error(f->h), "ADVDB_QUERY_INIT"));
	advdb_expect(f->h, advdb_package_advisories(m, 4, &n, f->h, "alpha",
	                                            &q), ADVDB_EINVAL);
	advdb_pass(f->h, advdb_query_init(&q, ADVDB_QUERY_VERSION));
	advdb_pass(f->h, advdb_lookup(m, 4, &n, f->h, "alpha", "1.0.0", &q));
	assert_int_equal(advdb_query_init(&q, 0), ADVDB_EINVAL);

	advdb_signature sig;
	advdb *h2 = (advdb *)1;
	char eb[256];
	memset(&sig, 0, sizeof sig);
	advdb_expect_msg(eb, advdb_open_verified(&h2, f->db, NULL, &sig, eb,
	                                         sizeof eb), ADVDB_EINVAL);
	assert_null(h2);
	assert_non_null(strstr(eb, "ADVDB_SIGNATURE_INIT"));
	assert_int_equal(advdb_signature_init(&sig, 2), ADVDB_EINVAL);
	advdb_pass(NULL, advdb_signature_init(&sig, ADVDB_SIGNATURE_VERSION));
	assert_int_equal(sig.version, ADVDB_SIGNATURE_VERSION);
}

/* Handles are independent and keep no per-thread key: 5,000 open at once
 * (glibc's pthread keys ran out at 1,024 when each handle had one), each
 * answering a lookup, from this thread and another. */
#define MANY_HANDLES 5000

static void *lookup_on_all(void *p)
{
	advdb **h = p;
	advdb_error_info err = ADVDB_ERROR_INFO_INIT;
	advdb_match m[4];
	size_t i, n;

	for (i = 0; i < MANY_HANDLES; i++)
		if (advdb_lookup_ex(m, 4, &n, h[i], "alpha", 5, "2.0.5", 5, NULL,
		                    &err) != ADVDB_OK || n != 1)
			return (void *)1;
	return NULL;
}

static void test_open__many_handles(void **state)
{
	fixture *f = *state;
	struct rlimit rl, old;
	advdb **h = calloc(MANY_HANDLES, sizeof *h);
	char err[512] = "";
	pthread_t t;
	void *res = (void *)2;
	size_t i;

	assert_non_null(h);
	/* one descriptor per handle: raise the soft limit as far as allowed */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	rl = old;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < MANY_HANDLES + 64) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		              rl.rlim_max >= MANY_HANDLES + 64 ? MANY_HANDLES + 64
		                                               : rl.rlim_max;
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < MANY_HANDLES + 64) {
		free(h);
		skip();     /* prints nothing itself: say why on stderr */
	}
	for (i = 0; i < MANY_HANDLES; i++)
		advdb_pass_msg(err, advdb_open(&h[i], f->db, 0, err, sizeof err));
	assert_null(lookup_on_all(h));
	assert_int_equal(pthread_create(&t, NULL, lookup_on_all, h), 0);
	assert_int_equal(pthread_join(t, &res), 0);
	assert_null(res);
	for (i = 0; i < MANY_HANDLES; i++)
		advdb_close(h[i]);
	free(h);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
}

/* The version macros, the string and advdb_version() agree. */
static void test_version__agrees(void **state)
{
	int ma = -1, mi = -1, pa = -1;
	char want[32];

	(void)state;
	advdb_version(&ma, &mi, &pa);
	assert_int_equal(ma, ADVDB_VERSION_MAJOR);
	assert_int_equal(mi, ADVDB_VERSION_MINOR);
	assert_int_equal(pa, ADVDB_VERSION_PATCH);
	snprintf(want, sizeof want, "%d.%d.%d", ma, mi, pa);
	assert_string_equal(ADVDB_VERSION, want);
	assert_int_equal(ADVDB_VERSION_NUMBER, ma * 10000 + mi * 100 + pa);
	advdb_version(NULL, NULL, NULL);
}

/* No bitfields, and the layout binders rely on (advdb.h: advdb_match is
 * 76 bytes without padding; a version first in every struct a caller
 * fills). */
static void test_abi__layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(advdb_match), 76);
	assert_int_equal(offsetof(advdb_match, kind), 64);
	assert_int_equal(offsetof(advdb_match, severity), 68);
	assert_int_equal(offsetof(advdb_match, cvss_score10), 72);
	assert_int_equal(offsetof(advdb_match, withdrawn), 74);
	assert_int_equal(offsetof(advdb_match, has_functions), 75);
	assert_int_equal(offsetof(advdb_query, version), 0);
	assert_int_equal(offsetof(advdb_info, version), 0);
	assert_int_equal(offsetof(advdb_skipped, version), 0);
	assert_int_equal(offsetof(advdb_error_info, version), 0);
	assert_int_equal(offsetof(advdb_signature, version), 0);
	assert_int_equal(sizeof(advdb_kind), sizeof(int));
}

/* ---- full advisories ---- */

static void test_advisory__by_id_every_accessor(void **state)
{
	fixture *f = *state;
	advdb_advisory *a = NULL;
	const char *in, *fx;
	const char *const *reqs;
	size_t nreqs;

	advdb_pass(f->h, advdb_advisory_get(&a, f->h, "RUSTSEC-2020-0001"));
	assert_non_null(a);
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_ID),
	                    "RUSTSEC-2020-0001");
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_PACKAGE), "alpha");
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_TITLE), "A title");
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_DESCRIPTION),
	                    "A description\nof two lines.");
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_DATE),
	                    "2020-01-02");
	assert_null(advdb_advisory_field(a, ADVDB_F_WITHDRAWN));
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_URL),
	                    "https://example.org/advisory");
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_LICENSE),
	                    "CC0-1.0");
	assert_null(advdb_advisory_field(a, ADVDB_F_INFORMATIONAL));
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_CVSS),
	                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_SOURCE), "rustsec");
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_PATH),
	                    "crates/alpha/RUSTSEC-2020-0001.md");
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_COLLECTION),
	                    "crates");
	assert_null(advdb_advisory_field(a, (advdb_field)99));

	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_ALIASES), 2);
	assert_string_equal(advdb_advisory_list_at(a, ADVDB_L_ALIASES, 0),
	                    "CVE-2020-1111");
	assert_string_equal(advdb_advisory_list_at(a, ADVDB_L_ALIASES, 1),
	                    "GHSA-aaaa-bbbb-cccc");
	assert_null(advdb_advisory_list_at(a, ADVDB_L_ALIASES, 2));
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_RELATED), 1);
	assert_string_equal(advdb_advisory_list_at(a, ADVDB_L_RELATED, 0),
	                    "RUSTSEC-2019-0001");
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_CATEGORIES), 1);
	assert_string_equal(advdb_advisory_list_at(a, ADVDB_L_CATEGORIES, 0),
	                    "memory-corruption");
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_KEYWORDS), 2);
	assert_string_equal(advdb_advisory_list_at(a, ADVDB_L_KEYWORDS, 1),
	                    "heap");
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_REFERENCES), 2);
	assert_string_equal(advdb_advisory_list_at(a, ADVDB_L_REFERENCES, 0),
	                    "https://example.org/ref1");
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_OS), 0);
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_ARCH), 0);
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_PATCHED), 0);
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_UNAFFECTED), 0);
	assert_int_equal(advdb_advisory_list_len(a, (advdb_list)99), 0);
	assert_null(advdb_advisory_list_at(a, (advdb_list)99, 0));

	assert_int_equal(advdb_advisory_kind(a), ADVDB_KIND_VULNERABILITY);
	assert_int_equal(advdb_advisory_severity(a), ADVDB_SEV_HIGH);
	assert_int_equal(advdb_advisory_cvss_score10(a), 75);
	assert_int_equal(advdb_advisory_modified(a), 1600000000);

	assert_int_equal(advdb_advisory_range_count(a), 2);
	advdb_pass(NULL, advdb_advisory_range(&in, &fx, a, 0));
	assert_null(in);
	assert_string_equal(fx, "1.2.3");
	advdb_pass(NULL, advdb_advisory_range(&in, &fx, a, 1));
	assert_string_equal(in, "2.0.0");
	assert_string_equal(fx, "2.1.0");
	advdb_expect(NULL, advdb_advisory_range(&in, &fx, a, 2),
	                                        ADVDB_ENOTFOUND);
	assert_null(in);
	assert_null(fx);

	assert_int_equal(advdb_advisory_function_count(a), 1);
	assert_string_equal(advdb_advisory_function(a, 0, &nreqs, &reqs),
	                    "alpha::parse");
	assert_int_equal(nreqs, 2);
	assert_string_equal(reqs[0], "< 1.2.3");
	assert_string_equal(reqs[1], ">= 2.0.0, < 2.1.0");
	assert_null(advdb_advisory_function(a, 1, &nreqs, &reqs));
	assert_int_equal(nreqs, 0);
	advdb_advisory_free(a);
}

static void test_advisory__other_kinds(void **state)
{
	fixture *f = *state;
	advdb_advisory *a = NULL;
	const char *in, *fx;

	advdb_pass(f->h, advdb_advisory_get(&a, f->h, "CVE-2018-1000657"));
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_COLLECTION), "rust");
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_PACKAGE), "std");
	assert_int_equal(advdb_advisory_severity(a), ADVDB_SEV_CRITICAL);
	advdb_pass(NULL, advdb_advisory_range(&in, &fx, a, 0));
	assert_string_equal(in, "1.3.0");
	assert_string_equal(fx, "1.22.0");
	advdb_advisory_free(a);

	advdb_pass(f->h, advdb_advisory_get(&a, f->h, "RUSTSEC-2021-0003"));
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_OS), 2);
	assert_string_equal(advdb_advisory_list_at(a, ADVDB_L_OS, 1), "macos");
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_ARCH), 1);
	assert_string_equal(advdb_advisory_list_at(a, ADVDB_L_ARCH, 0), "x86");
	advdb_pass(NULL, advdb_advisory_range(&in, &fx, a, 0));
	assert_null(in);
	assert_null(fx);
	assert_int_equal(advdb_advisory_function_count(a), 0);
	advdb_advisory_free(a);

	advdb_pass(f->h, advdb_advisory_get(&a, f->h, "RUSTSEC-2021-0001"));
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_WITHDRAWN),
	                    "2021-05-01");
	advdb_advisory_free(a);

	advdb_pass(f->h, advdb_advisory_get(&a, f->h, "RUSTSEC-2022-0003"));
	assert_int_equal(advdb_advisory_kind(a), ADVDB_KIND_OTHER);
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_INFORMATIONAL),
	                    "remote-only");
	assert_null(advdb_advisory_field(a, ADVDB_F_CVSS));
	advdb_advisory_free(a);

	advdb_pass(f->h, advdb_advisory_get(&a, f->h, "RUSTSEC-2021-0002"));
	assert_int_equal(advdb_advisory_list_len(a, ADVDB_L_PATCHED), 1);
	assert_string_equal(advdb_advisory_list_at(a, ADVDB_L_PATCHED, 0),
	                    "0.5.0");
	advdb_advisory_free(a);
}

static void test_advisory__by_alias(void **state)
{
	fixture *f = *state;
	advdb_advisory *a = NULL;

	advdb_pass(f->h, advdb_advisory_get(&a, f->h, "CVE-2020-1111"));
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_ID),
	                    "RUSTSEC-2020-0001");
	advdb_advisory_free(a);
	advdb_pass(f->h, advdb_advisory_get(&a, f->h, "GHSA-aaaa-bbbb-cccc"));
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_ID),
	                    "RUSTSEC-2020-0001");
	advdb_advisory_free(a);
	advdb_pass(f->h, advdb_advisory_get(&a, f->h, "CVE-2020-2222"));
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_ID),
	                    "RUSTSEC-2020-0002");
	advdb_advisory_free(a);
}

static void test_advisory__missing(void **state)
{
	fixture *f = *state;
	advdb_advisory *a = (advdb_advisory *)&a;
	char big[700];

	advdb_expect(f->h, advdb_advisory_get(&a, f->h, "RUSTSEC-2099-0001"),
	                                      ADVDB_ENOTFOUND);
	assert_null(a);
	assert_non_null(strstr(advdb_last_error(f->h), "RUSTSEC-2099-0001"));
	advdb_expect(f->h, advdb_advisory_get(&a, f->h, ""), ADVDB_ENOTFOUND);
	memset(big, 'R', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	advdb_expect(f->h, advdb_advisory_get(&a, f->h, big),
	                                      ADVDB_ENOTFOUND);
	advdb_expect(f->h, advdb_advisory_get(&a, f->h, NULL), ADVDB_EINVAL);
	advdb_expect(f->h, advdb_advisory_get(NULL, f->h, "X"), ADVDB_EINVAL);
	/* accessors on NULL are safe */
	assert_null(advdb_advisory_field(NULL, ADVDB_F_ID));
	assert_int_equal(advdb_advisory_range_count(NULL), 0);
	advdb_advisory_free(NULL);
}

/* ---- iteration, info ---- */

static void test_iter__packages_sorted(void **state)
{
	fixture *f = *state;
	advdb_iter *it = NULL;
	const char *name;
	char got[256] = "";

	advdb_pass(f->h, advdb_packages_iter(&it, f->h));
	while (advdb_iter_next(&name, it) == ADVDB_OK) {
		strcat(got, name);
		strcat(got, " ");
	}
	assert_string_equal(got, "alpha beta delta gamma ");
	advdb_expect(NULL, advdb_iter_next(&name, it), ADVDB_ENOTFOUND);
	assert_null(name);
	advdb_expect(NULL, advdb_iter_next(&name, it), ADVDB_ENOTFOUND);
	advdb_iter_free(it);
	advdb_iter_free(NULL);
}

static void test_iter__advisories_all_collections(void **state)
{
	fixture *f = *state;
	advdb_iter *it = NULL;
	const char *name;
	char prev[512] = "";
	size_t n = 0, i;
	int seen[NSPECS] = { 0 };

	advdb_pass(f->h, advdb_advisories_iter(&it, f->h));
	while (advdb_iter_next(&name, it) == ADVDB_OK) {
		assert_true(strcmp(prev, name) < 0);
		snprintf(prev, sizeof prev, "%s", name);
		for (i = 0; i < NSPECS; i++)
			if (strcmp(SPECS[i].id, name) == 0)
				seen[i]++;
		n++;
	}
	assert_int_equal(n, NSPECS);
	for (i = 0; i < NSPECS; i++)
		assert_int_equal(seen[i], 1);
	advdb_iter_free(it);
}

static void test_info__meta(void **state)
{
	fixture *f = *state;
	advdb_info info = ADVDB_INFO_INIT;
	size_t i;

	memset(&info, 0xAB, sizeof info);  /* every field is written */
	info.version = ADVDB_INFO_VERSION;
	advdb_pass(f->h, advdb_info_get(&info, f->h));
	assert_int_equal(info.schema_version, ADVDB_SCHEMA_VERSION);
	assert_string_equal(info.source_commit, COMMIT);
	assert_int_equal(info.source_time, COMMIT_TIME);
	assert_true(info.compile_time > COMMIT_TIME);
	assert_int_equal(info.advisory_count, NSPECS);
	assert_true(info.package_count >= 4);
	assert_true(strlen(info.digest) >= 40);
	for (i = 0; info.digest[i]; i++)
		assert_non_null(strchr("0123456789abcdef", info.digest[i]));
	assert_int_equal(info.nsources, 1);
	assert_non_null(strstr(info.sources, "rustsec " COMMIT));
	advdb_expect(f->h, advdb_info_get(NULL, f->h), ADVDB_EINVAL);
}

/* ---- damaged files ---- */

static void expect_open_fails(const char *path, int code, const char *word)
{
	advdb *h = (advdb *)&h;
	char err[512];
	int rc;

	memset(err, 'x', sizeof err);
	rc = advdb_open(&h, path, 0, err, sizeof err);
	if (rc != code)
		fail_msg("open %s: got %d (%s), want %d", path, rc, err, code);
	assert_null(h);
	assert_non_null(memchr(err, '\0', sizeof err));
	assert_non_null(strstr(err, path));
	if (word && !strstr(err, word))
		fail_msg("open %s: message \"%s\" lacks \"%s\"", path, err, word);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[65536];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	assert_int_equal(fclose(in), 0);
	assert_int_equal(fclose(out), 0);
}

static void write_bytes(const char *path, size_t n, uint32_t seed)
{
	FILE *out = fopen(path, "wb");
	size_t i;

	assert_non_null(out);
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		fputc((int)(seed >> 16) & 0xff, out);
	}
	assert_int_equal(fclose(out), 0);
}

static void test_open__missing_dir_empty_random(void **state)
{
	fixture *f = *state;
	char p[256];
	char small[8];
	advdb *h = NULL;

	snprintf(p, sizeof p, "%s/absent.lmdb", f->dir);
	expect_open_fails(p, ADVDB_ENOTFOUND, "no such file");
	snprintf(p, sizeof p, "%s/absent/deeper.lmdb", f->dir);
	expect_open_fails(p, ADVDB_ENOTFOUND, NULL);
	expect_open_fails(f->dir, ADVDB_ENOTDB, "directory");
	snprintf(p, sizeof p, "%s/empty.lmdb", f->dir);
	write_bytes(p, 0, 1);
	expect_open_fails(p, ADVDB_ENOTDB, "empty");
	snprintf(p, sizeof p, "%s/random.lmdb", f->dir);
	write_bytes(p, 100, 7);
	expect_open_fails(p, ADVDB_ENOTDB, NULL);
	write_bytes(p, 4096, 8);
	expect_open_fails(p, ADVDB_ENOTDB, NULL);
	write_bytes(p, 65536, 9);
	expect_open_fails(p, ADVDB_ENOTDB, NULL);
	/* a small errbuf is cut, still terminated; NULL is allowed */
	advdb_expect_msg(small, advdb_open(&h, f->dir, 0, small,
	                                   sizeof small), ADVDB_ENOTDB);
	assert_int_equal(strlen(small), sizeof small - 1);
	advdb_expect_msg("", advdb_open(&h, f->dir, 0, NULL, 0),
	                                ADVDB_ENOTDB);
	advdb_expect_msg("", advdb_open(NULL, f->db, 0, NULL, 0),
	                                ADVDB_EINVAL);
	advdb_expect_msg("", advdb_open(&h, NULL, 0, NULL, 0), ADVDB_EINVAL);
	advdb_expect_msg("", advdb_open(&h, f->db, 0x10, NULL, 0),
	                                ADVDB_EINVAL);
	advdb_close(NULL);
}

/* Pages the index uses, read with raw LMDB as any reader would. */
static size_t needed_bytes(const char *path)
{
	MDB_env *env;
	MDB_envinfo info;
	MDB_stat st;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_open(env, path, MDB_RDONLY | MDB_NOSUBDIR |
	                              MDB_NOLOCK, 0), 0);
	assert_int_equal(mdb_env_info(env, &info), 0);
	assert_int_equal(mdb_env_stat(env, &st), 0);
	mdb_env_close(env);
	return (info.me_last_pgno + 1) * (size_t)st.ms_psize;
}

static void test_open__truncated(void **state)
{
	fixture *f = *state;
	char p[256];
	size_t need = needed_bytes(f->db), i;
	size_t cuts[] = { need - 1, need - 4096, need / 2 + 7, 2 * 4096,
	                  4096 + 100, 4096, 4095, 100, 1 };
	struct stat sb;

	assert_int_equal(stat(f->db, &sb), 0);
	assert_true((size_t)sb.st_size >= need);
	assert_true(need >= 3 * 4096);
	snprintf(p, sizeof p, "%s/cut.lmdb", f->dir);
	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		copy_file(f->db, p);
		assert_int_equal(truncate(p, (off_t)cuts[i]), 0);
		/* Both meta pages present: LMDB takes it, the length check
		 * must refuse it. Fewer: not an LMDB file any more. */
		expect_open_fails(p, cuts[i] >= 2 * 4096 ? ADVDB_ECORRUPT
		                                         : ADVDB_ENOTDB,
		                  cuts[i] >= 2 * 4096 ? "truncated" : NULL);
	}
}

/* Open a copy for writing with raw LMDB, put key=val into sub-database
 * dbname (NULL: the main one), commit. */
static void raw_put(const char *path, const char *dbname, const char *key,
                    const void *val, size_t vlen, unsigned dbflags)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { strlen(key), (void *)key }, v = { vlen, (void *)val };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK,
	                              0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, dbname, dbflags, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* raw_put of a zstd frame (no dictionary) of content. */
static void raw_block(const char *path, const char *dbname, const char *key,
                      const void *content, size_t len)
{
	size_t cap = ZSTD_compressBound(len);
	void *z = malloc(cap);
	size_t n = ZSTD_compress(z, cap, content, len, 3);

	assert_false(ZSTD_isError(n));
	raw_put(path, dbname, key, z, n, 0);
	free(z);
}

/* Every `advisories` block's content, concatenated (items are
 * self-delimiting), *alen bytes; the sub-database is then emptied in the
 * write transaction *txn (of *env, on path) left open for the caller. */
static uint8_t *take_advisories(MDB_env **env, MDB_txn **txn, MDB_dbi *dbi,
                                size_t *alen, const char *path)
{
	MDB_cursor *cur;
	MDB_val k, v;
	uint8_t *all = NULL;

	*alen = 0;
	assert_int_equal(mdb_env_create(env), 0);
	assert_int_equal(mdb_env_set_maxdbs(*env, 8), 0);
	assert_int_equal(mdb_env_open(*env, path, MDB_NOSUBDIR | MDB_NOLOCK,
	                              0644), 0);
	assert_int_equal(mdb_txn_begin(*env, NULL, 0, txn), 0);
	assert_int_equal(mdb_dbi_open(*txn, db_name(DBI_ADVISORIES), 0, dbi), 0);
	assert_int_equal(mdb_cursor_open(*txn, *dbi, &cur), 0);
	for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		unsigned long long n = ZSTD_getFrameContentSize(v.mv_data,
		                                                v.mv_size);
		assert_true(n > 0 && n <= BLOCK_MAX);
		all = realloc(all, *alen + n);
		assert_non_null(all);
		assert_int_equal(ZSTD_decompress(all + *alen, n, v.mv_data,
		                                 v.mv_size), n);
		*alen += n;
	}
	mdb_cursor_close(cur);
	assert_int_equal(mdb_drop(*txn, *dbi, 0), 0);
	return all;
}

/* Rewrite `advisories` so that every record is a block of its own (a
 * valid layout), so a test can damage one record's value and leave the
 * others whole. The fixture is too small for a dictionary. */
static void split_advisories(const char *path)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	size_t alen;
	uint8_t *all = take_advisories(&env, &txn, &dbi, &alen, path);
	size_t off = 0, prev = 0;
	blk_item it;
	while (blk_item_next(&it, all, alen, &off) == 0) {
		size_t cap = ZSTD_compressBound(off - prev);
		void *z = malloc(cap);
		size_t n = ZSTD_compress(z, cap, all + prev, off - prev, 3);
		assert_false(ZSTD_isError(n));
		k = (MDB_val){ it.id_len, (void *)it.id };
		v = (MDB_val){ n, z };
		assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
		free(z);
		prev = off;
	}
	assert_int_equal(off, alen);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	free(all);
}

/* Rewrite `advisories` as one block of every record, a zstd block
 * ending after each record (as the writer's flushes do, one a record),
 * then cut `cut` bytes off the frame's end: the last record's zstd
 * block is then damaged and every earlier one whole. The ids, in order,
 * go to ids (at most max); returns how many. */
static size_t flushed_advisories(const char *path, size_t cut,
                                 char ids[][32], size_t max)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	size_t alen, nid = 0;
	uint8_t *all = take_advisories(&env, &txn, &dbi, &alen, path);
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(alen) + 4096, off = 0, prev = 0;
	uint8_t *z = malloc(cap);
	ZSTD_outBuffer out = { z, cap, 0 };
	blk_item it;
	assert_non_null(cc);
	assert_non_null(z);
	assert_false(ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(cc, alen)));
	while (blk_item_next(&it, all, alen, &off) == 0) {
		ZSTD_inBuffer in = { all + prev, off - prev, 0 };
		assert_true(nid < max && it.id_len < 32);
		memcpy(ids[nid], it.id, it.id_len);
		ids[nid++][it.id_len] = '\0';
		assert_int_equal(ZSTD_compressStream2(cc, &out, &in,
		                 off == alen ? ZSTD_e_end : ZSTD_e_flush), 0);
		prev = off;
	}
	assert_int_equal(off, alen);
	assert_true(nid >= 3 && out.pos > cut + 16);
	k = (MDB_val){ strlen(ids[0]), ids[0] };
	v = (MDB_val){ out.pos - cut, z };
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	ZSTD_freeCCtx(cc);
	free(z);
	free(all);
	return nid;
}

/* A thread of test_advisory__one_block_any_order: every id of the
 * block, 200 times, from its own starting point; counts wrong answers. */
typedef struct oneblock_arg {
	advdb *h;
	char (*ids)[32];
	size_t n, start, bad;
} oneblock_arg;

static void *oneblock_worker(void *p)
{
	oneblock_arg *a = p;

	for (size_t round = 0; round < 200; round++)
		for (size_t i = 0; i < a->n; i++) {
			const char *id = a->ids[(a->start + i * (round % 3 + 1)) %
			                        a->n];
			advdb_advisory *adv = NULL;
			if (advdb_advisory_get(&adv, a->h, id) != ADVDB_OK ||
			    strcmp(advdb_advisory_field(adv, ADVDB_F_ID), id) != 0)
				a->bad++;
			advdb_advisory_free(adv);
		}
	return NULL;
}

/* One handle fetching from one block in any order (a later fetch
 * resumes the decode an earlier one stopped, or finds its record
 * already decoded: blockread.c's db_partial) gets what a fresh handle
 * gets; a damaged end of the block is ECORRUPT however often it is
 * asked for, and the records before it still answer. */
static void test_advisory__one_block_any_order(void **state)
{
	fixture *f = *state;
	char p[256], err[512], ids[32][32];
	advdb *h = NULL, *fresh = NULL;
	advdb_advisory *a = NULL, *b = NULL;
	size_t n, i, round;

	snprintf(p, sizeof p, "%s/oneblock.lmdb", f->dir);
	copy_file(f->db, p);
	n = flushed_advisories(p, 0, ids, 32);
	advdb_pass_msg(err, advdb_open(&h, p, 0, err, sizeof err));
	for (round = 0; round < 3; round++)
		for (i = 0; i < n; i++) {
			/* backwards, forwards, then every other one twice */
			size_t x = round == 0 ? n - 1 - i :
			           round == 1 ? i : (i * 2) % n;
			advdb_pass(h, advdb_advisory_get(&a, h, ids[x]));
			advdb_pass_msg(err, advdb_open(&fresh, p, 0, err,
			                               sizeof err));
			advdb_pass(fresh, advdb_advisory_get(&b, fresh, ids[x]));
			assert_string_equal(advdb_advisory_field(a, ADVDB_F_ID),
			                    ids[x]);
			for (int fld = 0; fld <= ADVDB_F_DESCRIPTION; fld++) {
				const char *s1 = advdb_advisory_field(a, fld);
				const char *s2 = advdb_advisory_field(b, fld);
				assert_true((s1 == NULL) == (s2 == NULL));
				if (s1)
					assert_string_equal(s1, s2);
			}
			advdb_advisory_free(a);
			advdb_advisory_free(b);
			a = b = NULL;
			advdb_close(fresh);
			fresh = NULL;
		}
	/* threads sharing the handle (and its one kept block) */
	pthread_t t[4];
	oneblock_arg ta[4];
	for (i = 0; i < 4; i++) {
		ta[i] = (oneblock_arg){ h, ids, n, i * 3, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, oneblock_worker,
		                                &ta[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(ta[i].bad, 0);
	}
	advdb_close(h);

	copy_file(f->db, p);
	n = flushed_advisories(p, 6, ids, 32);
	advdb_pass_msg(err, advdb_open(&h, p, 0, err, sizeof err));
	for (round = 0; round < 2; round++) {
		advdb_pass(h, advdb_advisory_get(&a, h, ids[0]));
		advdb_advisory_free(a);
		a = NULL;
		advdb_expect(h, advdb_advisory_get(&a, h, ids[n - 1]),
		             ADVDB_ECORRUPT);
		assert_null(a);
		assert_non_null(strstr(advdb_last_error(h), "damaged"));
		advdb_pass(h, advdb_advisory_get(&a, h, ids[n - 2]));
		advdb_advisory_free(a);
		a = NULL;
	}
	advdb_close(h);
}

static void test_open__foreign_lmdb(void **state)
{
	fixture *f = *state;
	char p[256];

	snprintf(p, sizeof p, "%s/foreign.lmdb", f->dir);
	unlink(p);
	raw_put(p, NULL, "hello", "world", 5, 0);
	expect_open_fails(p, ADVDB_ENOTDB, "not an advdb index");
	/* a `meta` database without our magic */
	unlink(p);
	raw_put(p, db_name(DBI_META), "magic", "other", 5, MDB_CREATE);
	expect_open_fails(p, ADVDB_ENOTDB, "magic");
	/* `meta` as a plain key of the main database */
	unlink(p);
	raw_put(p, NULL, "meta", "x", 1, 0);
	expect_open_fails(p, ADVDB_ENOTDB, NULL);
}

static void test_open__other_schema(void **state)
{
	fixture *f = *state;
	char p[256];

	snprintf(p, sizeof p, "%s/schema.lmdb", f->dir);
	char v[16];

	snprintf(v, sizeof v, "%d", ADVDB_SCHEMA_VERSION + 1);
	copy_file(f->db, p);
	raw_put(p, db_name(DBI_META), META_SCHEMA, v, strlen(v), 0);
	expect_open_fails(p, ADVDB_ESCHEMA, "newer");
	snprintf(v, sizeof v, "%d", ADVDB_SCHEMA_VERSION - 1);
	copy_file(f->db, p);
	raw_put(p, db_name(DBI_META), META_SCHEMA, v, strlen(v), 0);
	expect_open_fails(p, ADVDB_ESCHEMA, "older");
	copy_file(f->db, p);
	raw_put(p, db_name(DBI_META), META_SCHEMA, "0", 1, 0);
	expect_open_fails(p, ADVDB_ESCHEMA, "older");
	copy_file(f->db, p);
	raw_put(p, db_name(DBI_META), META_SCHEMA, "one", 3, 0);
	expect_open_fails(p, ADVDB_ECORRUPT, NULL);
	copy_file(f->db, p);
	raw_put(p, db_name(DBI_META), META_SCHEMA, "99999999999999999999999", 23, 0);
	expect_open_fails(p, ADVDB_ECORRUPT, NULL);
}

/* Drop sub-database dbname of the index at path (raw LMDB). */
static void raw_drop(const char *path, const char *dbname)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK,
	                              0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, dbname, 0, &dbi), 0);
	assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* The table of sub-databases (layout.h) decides what open demands: a
 * required row missing is a damaged index, an optional one reads as
 * empty, a sub-database no row names is ignored, and the page walk holds
 * every row's keys to its key_max. */
static void test_open__subdb_table(void **state)
{
	fixture *f = *state;
	char p[256], key[DB_KEY_MAX + 1], word[64];
	advdb *h = NULL;
	advdb_match m[4];
	size_t n;

	snprintf(p, sizeof p, "%s/table.lmdb", f->dir);
	for (int id = 0; id < DBI_COUNT; id++) {
		if (id == DBI_META)
			continue;               /* no meta: not an advdb index */
		copy_file(f->db, p);
		raw_drop(p, db_name((db_id)id));
		if (db_specs[id].need == DB_REQUIRED) {
			snprintf(word, sizeof word, "no sub-database `%s`",
			         db_name((db_id)id));
			expect_open_fails(p, ADVDB_ECORRUPT, word);
			continue;
		}
		assert_int_equal(advdb_open(&h, p, 0, NULL, 0), ADVDB_OK);
		assert_int_equal(advdb_lookup(m, 4, &n, h, "alpha", "1.0.0", NULL),
		                 ADVDB_OK);
		advdb_close(h);
	}
	copy_file(f->db, p);
	raw_drop(p, db_name(DBI_META));
	expect_open_fails(p, ADVDB_ENOTDB, "not an advdb index");

	/* a sub-database of a newer compiler: not walked, not opened */
	copy_file(f->db, p);
	raw_put(p, "future", "k", "v", 1, MDB_CREATE);
	assert_int_equal(advdb_open(&h, p, 0, NULL, 0), ADVDB_OK);
	advdb_close(h);

	/* keys one past their row's key_max, found by the page walk */
	for (int id = 0; id < DBI_COUNT; id++) {
		if (db_specs[id].key_max >= DB_KEY_MAX)
			continue;               /* LMDB itself refuses longer */
		memset(key, 'k', db_specs[id].key_max + 1);
		key[db_specs[id].key_max + 1] = '\0';
		copy_file(f->db, p);
		raw_put(p, db_name((db_id)id), key, "v", 1, 0);
		if (id == DBI_ADVISORIES || id == DBI_ALIASES) {
			/* the blocks: walked on first use, not at open (a lookup
			 * never reads them); then the same error, every time */
			advdb_advisory *a = NULL;
			const char *get = id == DBI_ADVISORIES ? "RUSTSEC-2020-0001"
			                                       : "CVE-2020-1111";
			assert_int_equal(advdb_open(&h, p, 0, NULL, 0), ADVDB_OK);
			assert_int_equal(advdb_lookup(m, 4, &n, h, "alpha", "1.0.0",
			                              NULL), ADVDB_OK);
			assert_true(n > 0);
			for (int twice = 0; twice < 2; twice++) {
				assert_int_equal(advdb_advisory_get(&a, h, get),
				                 ADVDB_ECORRUPT);
				assert_null(a);
				assert_non_null(strstr(advdb_last_error(h),
				                       "key length out of range"));
			}
			if (id == DBI_ADVISORIES) {
				advdb_iter *it = NULL;
				assert_int_equal(advdb_advisories_iter(&it, h),
				                 ADVDB_ECORRUPT);
				assert_null(it);
			} else {            /* an id needs no alias: found */
				assert_int_equal(advdb_advisory_get(&a, h,
				                 "RUSTSEC-2020-0001"), ADVDB_OK);
				advdb_advisory_free(a);
			}
			advdb_close(h);
		} else if (db_specs[id].filled_by == DB_BY_INPUT) {
			/* `crates`: walked on first use, not at open (a one-shot
			 * check never reads it); then the same error */
			advdb_crate c = ADVDB_CRATE_INIT;
			raw_put(p, db_name(DBI_META), META_CRATES_INDEX,
			        "0123456789abcdef0123456789abcdef01234567 0 1 1 0",
			        48, 0);
			assert_int_equal(advdb_open(&h, p, 0, NULL, 0), ADVDB_OK);
			assert_int_equal(advdb_lookup(m, 4, &n, h, "alpha", "1.0.0",
			                              NULL), ADVDB_OK);
			for (int twice = 0; twice < 2; twice++) {
				assert_int_equal(advdb_crate_get(&c, h, "alpha", 5, NULL,
				                                 0), ADVDB_ECORRUPT);
				assert_non_null(strstr(advdb_last_error(h),
				                       "key length out of range"));
			}
			advdb_close(h);
		} else {
			expect_open_fails(p, ADVDB_ECORRUPT,
			                  "key length out of range");
		}
		key[db_specs[id].key_max] = '\0';      /* at the cap: walked */
		copy_file(f->db, p);
		raw_put(p, db_name((db_id)id), key, "v", 1, 0);
		assert_int_equal(advdb_open(&h, p, 0, NULL, 0), ADVDB_OK);
		advdb_close(h);
	}
}

static void test_damaged__records(void **state)
{
	fixture *f = *state;
	char p[256];
	advdb *h = NULL;
	advdb_advisory *a = NULL;
	advdb_match m[4];
	size_t n, len;
	char err[512];
	uint8_t junk[64];
	uint32_t seed = 99;
	int round;

	snprintf(p, sizeof p, "%s/records.lmdb", f->dir);
	for (round = 0; round < 20; round++) {
		len = (size_t)round * 3 + 1;
		for (n = 0; n < len; n++) {
			seed = seed * 1103515245u + 12345u;
			junk[n] = (uint8_t)(seed >> 16);
		}
		junk[0] = round % 2 ? RECORD_FORMAT : junk[0];
		copy_file(f->db, p);
		split_advisories(p);
		raw_put(p, db_name(DBI_PACKAGES), "alpha", junk, len, 0);
		raw_put(p, db_name(DBI_ADVISORIES), "RUSTSEC-2020-0001", junk, len, 0);
		advdb_pass_msg(err, advdb_open(&h, p, 0, err, sizeof err));
		n = 0;
		int rc = advdb_lookup(m, 4, &n, h, "alpha", "1.0.0", NULL);
		assert_true(rc == ADVDB_ECORRUPT || rc == ADVDB_OK);
		if (rc == ADVDB_ECORRUPT)
			assert_non_null(strstr(advdb_last_error(h), "alpha"));
		advdb_expect(h, advdb_advisory_get(&a, h,
		    "RUSTSEC-2020-0001"), ADVDB_ECORRUPT);
		assert_null(a);
		assert_non_null(strstr(advdb_last_error(h), "RUSTSEC-2020-0001"));
		/* the rest of the index still answers */
		advdb_pass(h, advdb_advisory_get(&a, h, "RUSTSEC-2020-0002"));
		advdb_advisory_free(a);
		a = NULL;
		advdb_close(h);
		h = NULL;
	}
}

/* A compressed record that claims a size it must not be trusted with. */
static void test_damaged__record_sizes(void **state)
{
	fixture *f = *state;
	char p[256], err[512];
	size_t big = (size_t)BLOCK_MAX + 1, cap = ZSTD_compressBound(big), n;
	char *src = calloc(1, big), *dst = malloc(cap);
	advdb *h = NULL;
	advdb_advisory *a = NULL;
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	const char small[] = "not a record, but a frame of known size";

	assert_non_null(src);
	assert_non_null(dst);
	assert_non_null(cc);
	snprintf(p, sizeof p, "%s/sizes.lmdb", f->dir);

	/* declares BLOCK_MAX (32 MiB) + 1: refused before allocating */
	n = ZSTD_compress(dst, cap, src, big, 1);
	assert_false(ZSTD_isError(n));
	copy_file(f->db, p);
	split_advisories(p);
	raw_put(p, db_name(DBI_ADVISORIES), "RUSTSEC-2020-0001", dst, n, 0);
	/* declares nothing */
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(
	    cc, ZSTD_c_contentSizeFlag, 0)));
	n = ZSTD_compress2(cc, dst, cap, small, sizeof small);
	assert_false(ZSTD_isError(n));
	raw_put(p, db_name(DBI_ADVISORIES), "RUSTSEC-2020-0002", dst, n, 0);
	/* well-framed, but not a record */
	n = ZSTD_compress(dst, cap, small, sizeof small, 1);
	raw_put(p, db_name(DBI_ADVISORIES), "RUSTSEC-2021-0001", dst, n, 0);
	/* a frame cut short */
	raw_put(p, db_name(DBI_ADVISORIES), "RUSTSEC-2021-0002", dst, n / 2, 0);

	advdb_pass_msg(err, advdb_open(&h, p, 0, err, sizeof err));
	advdb_expect(h, advdb_advisory_get(&a, h, "RUSTSEC-2020-0001"),
	                                   ADVDB_ECORRUPT);
	assert_null(a);
	assert_non_null(strstr(advdb_last_error(h), "oversized"));
	advdb_expect(h, advdb_advisory_get(&a, h, "RUSTSEC-2020-0002"),
	                                   ADVDB_ECORRUPT);
	advdb_expect(h, advdb_advisory_get(&a, h, "RUSTSEC-2021-0001"),
	                                   ADVDB_ECORRUPT);
	advdb_expect(h, advdb_advisory_get(&a, h, "RUSTSEC-2021-0002"),
	                                   ADVDB_ECORRUPT);
	assert_non_null(strstr(advdb_last_error(h), "RUSTSEC-2021-0002"));
	advdb_close(h);
	ZSTD_freeCCtx(cc);
	free(src);
	free(dst);
}

static void test_damaged__aliases(void **state)
{
	fixture *f = *state;
	char p[256], err[512];
	advdb *h = NULL;
	advdb_advisory *a = NULL;

	snprintf(p, sizeof p, "%s/aliases.lmdb", f->dir);
	const char *const missing[] = { "RUSTSEC-2099-0009" };
	uint8_t blk[64];
	size_t n;

	copy_file(f->db, p);
	/* not an alias block; an alias naming no advisory; an empty frame;
	 * a block that is not a zstd frame at all */
	raw_block(p, db_name(DBI_ALIASES), "CVE-2020-1111", "no terminator", 13);
	n = alias_item_put(blk, "CVE-2020-2222", 13, missing, 1);
	raw_block(p, db_name(DBI_ALIASES), "CVE-2020-2222", blk, n);
	raw_block(p, db_name(DBI_ALIASES), "CVE-2020-3333", "", 0);
	raw_put(p, db_name(DBI_ALIASES), "CVE-2020-4444", "junk", 4, 0);
	advdb_pass_msg(err, advdb_open(&h, p, 0, err, sizeof err));
	advdb_expect(h, advdb_advisory_get(&a, h, "CVE-2020-1111"),
	                                   ADVDB_ECORRUPT);
	advdb_expect(h, advdb_advisory_get(&a, h, "CVE-2020-2222"),
	                                   ADVDB_ECORRUPT);
	assert_non_null(strstr(advdb_last_error(h), "RUSTSEC-2099-0009"));
	advdb_expect(h, advdb_advisory_get(&a, h, "CVE-2020-3333"),
	                                   ADVDB_ECORRUPT);
	advdb_expect(h, advdb_advisory_get(&a, h, "CVE-2020-4444"),
	                                   ADVDB_ECORRUPT);
	assert_null(a);
	advdb_close(h);
}

/* Enough records for the writer to train a zstd dictionary: every record
 * must come back through it. */
static void test_advisory__with_dictionary(void **state)
{
	fixture *f = *state;
	enum { N = 300 };
	char p[256], err[512], ids[N][32], pkgs[N][32], descs[N][160];
	writer *w = NULL;
	writer_stats st;
	built *b = calloc(1, sizeof *b);
	advdb *h = NULL;
	advdb_advisory *a = NULL;
	advdb_info info = ADVDB_INFO_INIT;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { strlen(META_DICT_ID), (void *)META_DICT_ID }, v;
	spec s;
	size_t i, n;
	advdb_match m[2];

	assert_non_null(b);
	snprintf(p, sizeof p, "%s/dict.lmdb", f->dir);
	assert_int_equal(writer_open(&w, p, err, sizeof err), 0);
	for (i = 0; i < N; i++) {
		s = SPECS[0];
		snprintf(ids[i], sizeof ids[i], "RUSTSEC-2024-%04zu", i + 1);
		snprintf(pkgs[i], sizeof pkgs[i], "crate-%03zu", i);
		snprintf(descs[i], sizeof descs[i], "The parser of crate-%03zu "
		         "reads past the end of its buffer when given %zu bytes "
		         "of hostile input; upgrade.", i, i * 7919 % 1000);
		s.id = ids[i];
		s.pkg = pkgs[i];
		s.aliases[0] = NULL;
		build(b, &s);
		b->r.description = descs[i];
		if (writer_add(w, &b->r, "rustsec", b->path, err,
		               sizeof err) != 0)
			fail_msg("writer_add: %s", err);
	}
	assert_int_equal(writer_set_source(w, "rustsec", COMMIT, COMMIT_TIME),
	                 0);
	if (writer_commit(w, &st, err, sizeof err) != 0)
		fail_msg("writer_commit: %s", err);
	writer_close(w);
	free(b);

	/* the writer did train one (else this test tests nothing) */
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_open(env, p, MDB_RDONLY | MDB_NOSUBDIR |
	                              MDB_NOLOCK, 0), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, db_name(DBI_META), 0, &dbi), 0);
	assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
	assert_false(v.mv_size == 1 && ((char *)v.mv_data)[0] == '0');
	mdb_txn_abort(txn);
	mdb_env_close(env);

	advdb_pass_msg(err, advdb_open(&h, p, 0, err, sizeof err));
	advdb_pass(h, advdb_info_get(&info, h));
	assert_int_equal(info.advisory_count, N);
	for (i = 0; i < N; i++) {
		advdb_pass(h, advdb_advisory_get(&a, h, ids[i]));
		assert_string_equal(advdb_advisory_field(a, ADVDB_F_DESCRIPTION),
		                    descs[i]);
		assert_string_equal(advdb_advisory_field(a, ADVDB_F_PACKAGE),
		                    pkgs[i]);
		advdb_advisory_free(a);
		a = NULL;
		advdb_pass(h, advdb_lookup(m, 2, &n, h, pkgs[i], "1.2.2",
		                           NULL));
		assert_int_equal(n, 1);
		assert_string_equal(m[0].id, ids[i]);
	}
	advdb_close(h);
}

/* Use everything a damaged file lets us open; the process must survive
 * (a crash, abort or sanitizer report ends the child abnormally). */
static void exercise(const char *path)
{
	advdb *h = NULL;
	advdb_iter *it = NULL;
	advdb_advisory *a = NULL;
	advdb_match m[8];
	advdb_info info = ADVDB_INFO_INIT;
	const char *name;
	char names[64][64];
	size_t n, k = 0, i;

	if (advdb_open(&h, path, 0, NULL, 0) != 0)
		return;
	if (advdb_packages_iter(&it, h) == 0) {
		while (advdb_iter_next(&name, it) == 0 && k < 64)
			snprintf(names[k++], sizeof names[0], "%s", name);
		advdb_iter_free(it);
	}
	for (i = 0; i < k; i++)
		(void)advdb_lookup(m, 8, &n, h, names[i], "1.0.0", NULL);
	for (i = 0; i < NSPECS; i++) {
		advdb_query q = { ADVDB_QUERY_VERSION, "linux", "x86",
		                  ADVDB_Q_WITHDRAWN };

		(void)advdb_lookup(m, 8, &n, h, SPECS[i].pkg, "0.1.0", &q);
		if (advdb_advisory_get(&a, h, SPECS[i].id) == 0)
			advdb_advisory_free(a);
	}
	if (advdb_advisories_iter(&it, h) == 0) {
		while (advdb_iter_next(&name, it) == 0)
			;
		advdb_iter_free(it);
	}
	(void)advdb_info_get(&info, h);
	advdb_close(h);
}

/* 1 when a child that opens and uses path ends normally. */
static int survives(const char *path)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		/* cmocka's handlers would resume the test run in the child */
		static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
		                            SIGABRT, SIGSYS };
		for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			signal(sigs[i], SIG_DFL);
		exercise(path);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void flip(const char *path, size_t off, uint8_t mask)
{
	FILE *fp = fopen(path, "r+b");
	int c;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, (long)off, SEEK_SET), 0);
	c = fgetc(fp);
	assert_int_not_equal(c, EOF);
	assert_int_equal(fseek(fp, (long)off, SEEK_SET), 0);
	assert_int_not_equal(fputc(c ^ mask, fp), EOF);
	assert_int_equal(fclose(fp), 0);
}

/* Damage inside LMDB's own pages: header fields of every page, then
 * random bytes anywhere. LMDB trusts its pages; libadvdb must not. */
static void test_damaged__lmdb_pages(void **state)
{
	fixture *f = *state;
	static const size_t fields[] = { 0, 4, 10, 11, 12, 13, 14, 16, 17, 40 };
	char p[256];
	size_t need = needed_bytes(f->db), pages = need / 4096, pg, i;
	size_t caught = 0, cases = 0;
	uint32_t seed = 12345;
	advdb *h = NULL;
	char err[512];
	int round, rc;

	snprintf(p, sizeof p, "%s/pages.lmdb", f->dir);
	for (pg = 2; pg < pages; pg++) {
		for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
			copy_file(f->db, p);
			flip(p, pg * 4096 + fields[i], 0x5A);
			if (!survives(p))
				fail_msg("page %zu, byte %zu flipped: crashed", pg,
				         fields[i]);
			rc = advdb_open(&h, p, 0, err, sizeof err);
			if (rc != 0) {
				assert_true(rc == ADVDB_ECORRUPT || rc == ADVDB_ENOTDB);
				assert_non_null(strstr(err, p));
				caught++;
			}
			advdb_close(h);
			h = NULL;
			cases++;
		}
	}
	for (round = 0; round < 150; round++) {
		int nflips = 1 + round % 6, j;

		copy_file(f->db, p);
		for (j = 0; j < nflips; j++) {
			seed = seed * 1103515245u + 12345u;
			size_t off = (seed >> 4) % need;
			seed = seed * 1103515245u + 12345u;
			flip(p, off, (uint8_t)(1 + (seed >> 16) % 255));
		}
		if (!survives(p))
			fail_msg("random damage round %d: crashed", round);
	}
	/* most header damage must be refused at open, not merely survived */
	print_message("# %zu/%zu page-header flips refused at open\n", caught,
	              cases);
	assert_true(caught * 2 > cases);
}

static void test_open__read_only_location(void **state)
{
	fixture *f = *state;
	char p[256], lock[300];
	advdb *h = NULL;
	char err[512];
	advdb_match m[4];
	size_t n;

	snprintf(p, sizeof p, "%s/ro.lmdb", f->dir);
	copy_file(f->db, p);
	assert_int_equal(chmod(p, 0444), 0);
	advdb_pass_msg(err, advdb_open(&h, p, 0, err, sizeof err));
	advdb_pass(h, advdb_lookup(m, 4, &n, h, "alpha", "0.1.0", NULL));
	assert_int_equal(n, 1);
	advdb_close(h);
	snprintf(lock, sizeof lock, "%s-lock", p);
	assert_int_not_equal(access(lock, F_OK), 0);
}

/* ---- the real advisory-db ---- */

/* Compile the `main` branch of repo into target; returns records added. */
static size_t compile_real(const char *repo, const char *target,
                           char commit[41])
{
	gitsrc *g = NULL;
	writer *w = NULL;
	writer_stats st;
	const gitsrc_entry *e;
	size_t n = 0, i, added = 0, rejected = 0;
	char err[1024];

	git_libgit2_init();
	if (gitsrc_open(&g, repo, "main", err, sizeof err) != 0)
		fail_msg("gitsrc_open: %s", err);
	snprintf(commit, 41, "%s", gitsrc_commit(g));
	assert_int_equal(gitsrc_list(&e, &n, g, err, sizeof err), 0);
	assert_int_equal(writer_open(&w, target, err, sizeof err), 0);
	for (i = 0; i < n; i++) {
		char *text = NULL;
		size_t len = 0;
		advisory *a = NULL;
		diag_list d;

		if (e[i].bad || gitsrc_load(&text, &len, g, &e[i], err,
		                            sizeof err) != 0) {
			rejected++;
			continue;
		}
		diag_init(&d);
		if (advisory_parse(&a, "rustsec", e[i].path, text, len, &d) == 0 &&
		    writer_add(w, advisory_record(a), "rustsec", e[i].path,
		               err, sizeof err) == 0)
			added++;
		else
			rejected++;
		advisory_free(a);
		diag_free(&d);
		free(text);
	}
	assert_int_equal(writer_set_source(w, "rustsec", gitsrc_commit(g),
	                                   gitsrc_commit_time(g)), 0);
	if (writer_commit(w, &st, err, sizeof err) != 0)
		fail_msg("writer_commit: %s", err);
	writer_close(w);
	gitsrc_close(g);
	git_libgit2_shutdown();
	if (rejected)
		print_message("# %zu advisory files not compiled\n", rejected);
	return added;
}

static int parse_v(version *v, const char *s)
{
	const char *why;

	return version_parse(v, s, strlen(s), &why);
}

/* Is the version s inside one of a's ranges? */
static int in_any_range(const advdb_advisory *a, const char *s)
{
	version v, lo, hi;
	const char *in, *fx;
	size_t i;

	assert_int_equal(parse_v(&v, s), 0);
	for (i = 0; i < advdb_advisory_range_count(a); i++) {
		advdb_pass(NULL, advdb_advisory_range(&in, &fx, a, i));
		if (in && (parse_v(&lo, in) != 0 || version_cmp(&v, &lo) < 0))
			continue;
		if (fx && (parse_v(&hi, fx) != 0 || version_cmp(&v, &hi) >= 0))
			continue;
		return 1;
	}
	return 0;
}

/* Does a lookup of (pkg, ver) in scope q list id? */
static int lookup_lists(advdb *h, const char *pkg, const char *ver,
                        const advdb_query *q, const char *id)
{
	advdb_match m[64];
	size_t n = 0, i;
	int rc = advdb_lookup(m, 64, &n, h, pkg, ver, q);

	if (rc != 0)
		fail_msg("%s@%s: %s", pkg, ver, advdb_last_error(h));
	for (i = 0; i < n; i++)
		if (strcmp(m[i].id, id) == 0)
			return 1;
	return 0;
}

static void check_real_advisory(advdb *h, const char *id, size_t *probes)
{
	advdb_advisory *a = NULL;
	advdb_query all = { ADVDB_QUERY_VERSION, NULL, NULL,
	                    ADVDB_Q_WITHDRAWN };
	advdb_query dflt = ADVDB_QUERY_INIT;
	const char *pkg, *in, *fx;
	int withdrawn;
	size_t i;

	if (advdb_advisory_get(&a, h, id) != 0)
		fail_msg("%s: %s", id, advdb_last_error(h));
	assert_string_equal(advdb_advisory_field(a, ADVDB_F_ID), id);
	pkg = advdb_advisory_field(a, ADVDB_F_PACKAGE);
	assert_non_null(pkg);
	if (strcmp(advdb_advisory_field(a, ADVDB_F_COLLECTION), "rust") == 0) {
		all.flags |= ADVDB_Q_TOOLCHAIN;
		dflt.flags |= ADVDB_Q_TOOLCHAIN;
	}
	withdrawn = advdb_advisory_field(a, ADVDB_F_WITHDRAWN) != NULL;
	for (i = 0; i < advdb_advisory_range_count(a); i++) {
		const char *probe;

		advdb_pass(NULL, advdb_advisory_range(&in, &fx, a, i));
		probe = in ? in : "0.0.0";
		if (in_any_range(a, probe)) {
			if (!lookup_lists(h, pkg, probe, &all, id))
				fail_msg("%s@%s: %s not found", pkg, probe, id);
			if (lookup_lists(h, pkg, probe, &dflt, id) == withdrawn)
				fail_msg("%s@%s: %s withdrawn (%d) but default scope "
				         "disagrees", pkg, probe, id, withdrawn);
			(*probes)++;
		}
		if (fx && !in_any_range(a, fx)) {
			if (lookup_lists(h, pkg, fx, &all, id))
				fail_msg("%s@%s: %s reported at its fix", pkg, fx, id);
			(*probes)++;
		}
	}
	advdb_advisory_free(a);
}

static void test_real__advisory_db(void **state)
{
	fixture *f = *state;
	char bundle[1024], repo[256], db[256], err[512], commit[41];
	advdb *h = NULL;
	advdb_info info = ADVDB_INFO_INIT;
	advdb_iter *it = NULL;
	const char *id;
	size_t added, seen = 0, probes = 0;
	int rc;

	tl_bundle_or_skip(bundle, sizeof bundle);
	snprintf(repo, sizeof repo, "%s/advisory-db.git", f->dir);
	snprintf(db, sizeof db, "%s/real.lmdb", f->dir);
	if (tl_git_clone(bundle, repo, "--bare", NULL) != 0)
		fail_msg("git clone %s failed", bundle);
	added = compile_real(repo, db, commit);
	assert_true(added > 1000);

	advdb_pass_msg(err, advdb_open(&h, db, 0, err, sizeof err));
	advdb_pass(h, advdb_info_get(&info, h));
	assert_int_equal(info.advisory_count, added);
	assert_string_equal(info.source_commit, commit);
	advdb_pass(h, advdb_advisories_iter(&it, h));
	while ((rc = advdb_iter_next(&id, it)) == ADVDB_OK) {
		check_real_advisory(h, id, &probes);
		seen++;
	}
	assert_int_equal(rc, ADVDB_ENOTFOUND);
	advdb_iter_free(it);
	assert_int_equal(seen, added);
	print_message("# %zu advisories, %zu bound probes agree\n", seen,
	              probes);
	assert_true(probes > seen);
	advdb_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup__ranges_and_bounds),
		cmocka_unit_test(test_lookup__prereleases),
		cmocka_unit_test(test_lookup__match_fields),
		cmocka_unit_test(test_lookup__unknown_package),
		cmocka_unit_test(test_lookup__withdrawn),
		cmocka_unit_test(test_lookup__os_arch),
		cmocka_unit_test(test_lookup__informational_kinds),
		cmocka_unit_test(test_lookup__toolchain),
		cmocka_unit_test(test_lookup__ebufs),
		cmocka_unit_test(test_lookup__bad_version),
		cmocka_unit_test(test_lookup__bad_arguments),
		cmocka_unit_test(test_lookup__explicit_lengths),
		cmocka_unit_test(test_package_advisories__scope),
		cmocka_unit_test(test_package_advisories__superset_of_lookups),
		cmocka_unit_test(test_package_advisories__ebufs_and_arguments),
		cmocka_unit_test(test_threads__agree_with_single_thread),
		cmocka_unit_test(test_errors__per_call),
		cmocka_unit_test(test_errors__last_error_is_the_handles),
		cmocka_unit_test(test_errors__versioned),
		cmocka_unit_test(test_open__many_handles),
		cmocka_unit_test(test_version__agrees),
		cmocka_unit_test(test_abi__layout),
		cmocka_unit_test(test_advisory__by_id_every_accessor),
		cmocka_unit_test(test_advisory__other_kinds),
		cmocka_unit_test(test_advisory__by_alias),
		cmocka_unit_test(test_advisory__missing),
		cmocka_unit_test(test_iter__packages_sorted),
		cmocka_unit_test(test_iter__advisories_all_collections),
		cmocka_unit_test(test_info__meta),
		cmocka_unit_test(test_open__missing_dir_empty_random),
		cmocka_unit_test(test_open__truncated),
		cmocka_unit_test(test_open__foreign_lmdb),
		cmocka_unit_test(test_open__other_schema),
		cmocka_unit_test(test_open__subdb_table),
		cmocka_unit_test(test_damaged__records),
		cmocka_unit_test(test_advisory__one_block_any_order),
		cmocka_unit_test(test_damaged__record_sizes),
		cmocka_unit_test(test_damaged__aliases),
		cmocka_unit_test(test_damaged__lmdb_pages),
		cmocka_unit_test(test_advisory__with_dictionary),
		cmocka_unit_test(test_open__read_only_location),
		cmocka_unit_test(test_real__advisory_db),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
