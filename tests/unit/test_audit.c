/*
 * test_audit.c — the query tool's decision path over a small index built
 * here with the writer: session (open errors, --ignore resolved through
 * aliases), the decision cache (hits, misses, errors not cached, a full
 * cache, a crate with more advisories than an entry holds, threads: a
 * cache never changes an answer), batch's answer cache (keys of every
 * length back byte for byte, growth, its caps, prefetching changes
 * nothing) and audit (scope, warnings, --deny, non-crates.io packages
 * skipped).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "cache.h"
#include "cli.h"
#include "record.h"
#include "report.h"
#include "session.h"
#include "version.h"
#include "writer.h"

#define COMMIT "0123456789abcdef0123456789abcdef01234567"

typedef struct adv {
	const char *id, *pkg, *withdrawn, *informational;
	uint8_t info;
	const char *alias;      /* or NULL */
	const char *os;         /* or NULL */
	const char *fixed;      /* vulnerable below this; NULL: all */
} adv;

static const adv ADVS[] = {
	{ "RUSTSEC-2099-0001", "alpha", NULL, NULL, ADV_INFO_NONE,
	  "CVE-2099-1111", NULL, "1.0.0" },
	{ "RUSTSEC-2099-0002", "alpha", NULL, "unmaintained",
	  ADV_INFO_UNMAINTAINED, NULL, NULL, NULL },
	{ "RUSTSEC-2099-0003", "alpha", "2099-02-02", NULL, ADV_INFO_NONE,
	  NULL, NULL, NULL },
	{ "RUSTSEC-2099-0004", "beta", NULL, NULL, ADV_INFO_NONE, NULL,
	  "windows", NULL },
};
#define NADVS (sizeof(ADVS) / sizeof(ADVS[0]))

/* Crate "hot": more advisories than a cache entry holds, the first
 * HOT_WARN (in id order) informational, the rest vulnerabilities: an
 * answer cut to its first DCACHE_MATCHES_MAX would say "not affected". */
#define HOT_N (DCACHE_MATCHES_MAX + 8)
#define HOT_WARN (DCACHE_MATCHES_MAX + 2)
#define NALL (NADVS + HOT_N)

typedef struct fixture {
	char db[64];
	cli_opts o;
	session s;
} fixture;

static void write_index(const char *target, int64_t source_time)
{
	writer *w = NULL;
	writer_stats st;
	char err[512] = "", path[128];
	const char *why = NULL;

	assert_int_equal(writer_open(&w, target, err, sizeof(err)), 0);
	for (size_t i = 0; i < NADVS; i++) {
		const adv *a = &ADVS[i];
		adv_record r;
		range rg;
		const char *alias = a->alias, *os = a->os, *patched = a->fixed;

		memset(&r, 0, sizeof(r));
		memset(&rg, 0, sizeof(rg));
		snprintf(path, sizeof(path), "crates/%s/%s.md", a->pkg, a->id);
		r.id = a->id;
		r.package = a->pkg;
		r.source = "rustsec";
		r.path = path;
		r.date = "2099-01-01";
		r.withdrawn = a->withdrawn;
		r.title = "title";
		r.description = "description";
		r.informational = a->informational;
		r.collection = ADV_CRATES;
		r.info = a->info;
		if (alias) {
			r.aliases.v = &alias;
			r.aliases.n = 1;
		}
		if (os) {
			r.os.v = &os;
			r.os.n = 1;
		}
		if (a->fixed) {
			rg.has_fixed = 1;
			assert_int_equal(version_parse(&rg.fixed, a->fixed,
			                               strlen(a->fixed), &why), 0);
			r.patched.v = &patched;
			r.patched.n = 1;
		}
		r.ranges = &rg;
		r.nranges = 1;
		if (writer_add(w, &r, "rustsec", path, err,
		               sizeof(err)) != 0)
			fail_msg("writer_add %s: %s", a->id, err);
	}
	for (int i = 0; i < HOT_N; i++) {
		adv_record r;
		range rg;
		char id[32];

		memset(&r, 0, sizeof(r));
		memset(&rg, 0, sizeof(rg));     /* every version */
		snprintf(id, sizeof(id), "RUSTSEC-2098-%04d", i);
		snprintf(path, sizeof(path), "crates/hot/%s.md", id);
		r.id = id;
		r.package = "hot";
		r.source = "rustsec";
		r.path = path;
		r.date = "2098-01-01";
		r.title = "title";
		r.description = "description";
		r.collection = ADV_CRATES;
		if (i < HOT_WARN) {
			r.informational = "unmaintained";
			r.info = ADV_INFO_UNMAINTAINED;
		}
		r.ranges = &rg;
		r.nranges = 1;
		if (writer_add(w, &r, "rustsec", path, err,
		               sizeof(err)) != 0)
			fail_msg("writer_add %s: %s", id, err);
	}
	assert_int_equal(writer_set_source(w, "rustsec", COMMIT, source_time),
	                 0);
	if (writer_commit(w, &st, err, sizeof(err)) != 0)
		fail_msg("writer_commit: %s", err);
	writer_close(w);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->db, sizeof(f->db), "/tmp/advdb-test-audit-%ld.lmdb",
	         (long)getpid());
	write_index(f->db, 4000000000);     /* a source commit in 2096 */
	f->o.db_path = f->db;
	f->o.max_age_days = -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	unlink(f->db);
	free(f);
	return 0;
}

static lock_pkg pkg(const char *name, const char *ver, int crates_io)
{
	lock_pkg p;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.version = ver;
	p.name_len = strlen(name);
	p.version_len = strlen(ver);
	p.source = crates_io ? CRATES_IO_GIT : NULL;
	p.crates_io = crates_io ? 1 : 0;
	return p;
}

static void test_session__missing_index_is_an_error(void **state)
{
	(void)state;
	cli_opts o;
	session s;

	memset(&o, 0, sizeof(o));
	o.db_path = "/nonexistent/advdb.lmdb";
	o.max_age_days = -1;
	assert_int_equal(session_open(&s, &o, 0), EXIT_ERROR);
	assert_null(s.db);
}

static void test_session__ignore_resolves_aliases(void **state)
{
	fixture *f = *state;
	cli_opts o = f->o;
	session s;

	o.ignore[0] = "CVE-2099-1111";
	o.ignore[1] = "RUSTSEC-2000-0000";      /* unknown: kept as given */
	o.nignore = 2;
	assert_int_equal(session_open(&s, &o, 0), EXIT_CLEAN);
	assert_true(session_ignored(&s, "CVE-2099-1111"));
	assert_true(session_ignored(&s, "RUSTSEC-2099-0001"));
	assert_true(session_ignored(&s, "RUSTSEC-2000-0000"));
	assert_false(session_ignored(&s, "RUSTSEC-2099-0002"));
	assert_int_equal(s.info.advisory_count, NALL);
	session_close(&s);
}

static void test_session__max_age_strict(void **state)
{
	fixture *f = *state;
	cli_opts o = f->o;
	session s;

	/* The index's source commit is in 2096: not fresh but suspicious,
	 * so it fails the strict check whatever the age asked (it passed as
	 * "0 days ago" before), and only warns without --max-age-strict. */
	o.max_age_days = 1000000;
	o.max_age_strict = 1;
	assert_int_equal(session_open(&s, &o, 0), EXIT_ERROR);
	o.max_age_strict = 0;
	assert_int_equal(session_open(&s, &o, 0), EXIT_CLEAN);
	session_close(&s);
}

static void test_session__source_age(void **state)
{
	(void)state;
	advdb_info in = ADVDB_INFO_INIT;
	int64_t days, now = (int64_t)time(NULL);

	memset(&in, 0, sizeof(in));
	assert_int_equal(session_source_age(&in, &days), SOURCE_UNKNOWN);
	in.source_time = now - 3 * 86400 - 5;
	assert_int_equal(session_source_age(&in, &days), SOURCE_PAST);
	assert_int_equal(days, 3);
	/* a few hours ahead: clock skew, fresh */
	in.source_time = now + 6 * 3600;
	assert_int_equal(session_source_age(&in, &days), SOURCE_PAST);
	assert_int_equal(days, 0);
	/* more than a day ahead: the future */
	in.source_time = now + SESSION_SKEW_MAX + 60;
	assert_int_equal(session_source_age(&in, &days), SOURCE_FUTURE);
	assert_int_equal(days, 2);
	in.source_time = 4102444800;            /* 2100-01-01 */
	assert_int_equal(session_source_age(&in, &days), SOURCE_FUTURE);
	assert_true(days > 20000);
}

static void test_audit__vulnerability_and_warning(void **state)
{
	fixture *f = *state;
	session s;
	findings fs = { 0 };
	lock_pkg p = pkg("alpha", "0.5.0", 1);

	assert_int_equal(session_open(&s, &f->o, 0), EXIT_CLEAN);
	assert_int_equal(audit_pkg(&fs, &s, &p), ADVDB_OK);
	assert_int_equal(fs.n, 2);              /* withdrawn one left out */
	assert_int_equal(fs.nvuln, 1);
	assert_int_equal(fs.nwarn, 1);
	assert_string_equal(fs.v[0].m.id, "RUSTSEC-2099-0001");
	assert_ptr_equal(fs.v[0].pkg, &p);
	assert_int_equal(fs.warn_kinds, DENY_UNMAINTAINED);
	assert_int_equal(findings_exit(&fs, 0, 0), EXIT_FOUND);
	findings_free(&fs);

	/* Past the fix: only the warning, which fails only when denied. */
	p = pkg("alpha", "1.0.0", 1);
	assert_int_equal(audit_pkg(&fs, &s, &p), ADVDB_OK);
	assert_int_equal(fs.nvuln, 0);
	assert_int_equal(fs.nwarn, 1);
	assert_int_equal(findings_exit(&fs, 0, 0), EXIT_CLEAN);
	/* an incomplete index is never clean, whatever was found */
	assert_int_equal(findings_exit(&fs, 0, 1), EXIT_ERROR);
	assert_int_equal(findings_exit(&fs, DENY_UNSOUND, 0), EXIT_CLEAN);
	assert_int_equal(findings_exit(&fs, DENY_UNMAINTAINED, 0), EXIT_FOUND);
	assert_int_equal(findings_exit(&fs, DENY_WARNINGS, 0), EXIT_FOUND);
	findings_free(&fs);
	session_close(&s);
}

static void test_audit__non_crates_io_skipped(void **state)
{
	fixture *f = *state;
	session s;
	findings fs = { 0 };
	lock_pkg p = pkg("alpha", "0.5.0", 0);

	assert_int_equal(session_open(&s, &f->o, 0), EXIT_CLEAN);
	assert_int_equal(audit_pkg(&fs, &s, &p), ADVDB_OK);
	assert_int_equal(fs.n, 0);
	findings_free(&fs);
	session_close(&s);
}

static void test_audit__ignored_and_os(void **state)
{
	fixture *f = *state;
	cli_opts o = f->o;
	session s;
	findings fs = { 0 };
	lock_pkg a = pkg("alpha", "0.5.0", 1), b = pkg("beta", "3.0.0", 1);

	o.ignore[0] = "CVE-2099-1111";
	o.nignore = 1;
	o.os[0] = "linux";
	o.nos = 1;
	assert_int_equal(session_open(&s, &o, 1), EXIT_CLEAN);
	assert_int_equal(audit_pkg(&fs, &s, &a), ADVDB_OK);
	assert_int_equal(audit_pkg(&fs, &s, &b), ADVDB_OK);
	assert_int_equal(fs.nvuln, 0);          /* ignored; windows only */
	assert_int_equal(fs.nwarn, 1);
	findings_free(&fs);
	session_close(&s);

	o.os[0] = "windows";
	assert_int_equal(session_open(&s, &o, 1), EXIT_CLEAN);
	assert_int_equal(audit_pkg(&fs, &s, &b), ADVDB_OK);
	assert_int_equal(fs.nvuln, 1);
	assert_string_equal(fs.v[0].m.id, "RUSTSEC-2099-0004");
	findings_free(&fs);
	session_close(&s);
}

/* Target lists (cargo-audit's --target-os repeated): any os matches; a
 * list with none of the advisory's oses leaves it out. With and without
 * the decision cache (a cached answer is filtered, never changed). */
static void test_audit__target_lists(void **state)
{
	fixture *f = *state;
	cli_opts o = f->o;
	session s;
	findings fs = { 0 };
	lock_pkg b = pkg("beta", "3.0.0", 1);

	for (int cache = 0; cache < 2; cache++) {
		o.os[0] = "linux";
		o.os[1] = "freebsd";
		o.nos = 2;
		assert_int_equal(session_open(&s, &o, cache), EXIT_CLEAN);
		assert_null(s.q.os);            /* a list: not the look-up's */
		assert_int_equal(audit_pkg(&fs, &s, &b), ADVDB_OK);
		assert_int_equal(fs.nvuln, 0);
		findings_free(&fs);
		session_close(&s);

		o.os[1] = "windows";
		o.arch[0] = "x86_64";
		o.arch[1] = "aarch64";
		o.narch = 2;
		assert_int_equal(session_open(&s, &o, cache), EXIT_CLEAN);
		assert_int_equal(audit_pkg(&fs, &s, &b), ADVDB_OK);
		assert_int_equal(fs.nvuln, 1);  /* windows is in the list */
		assert_string_equal(fs.v[0].m.id, "RUSTSEC-2099-0004");
		assert_int_equal(audit_pkg(&fs, &s, &b), ADVDB_OK);
		assert_int_equal(fs.nvuln, 2);  /* the cached answer too */
		findings_free(&fs);
		session_close(&s);
		o.narch = 0;
	}
}

/* The informational kinds a run reports, and the severity threshold: an
 * advisory without a CVSS vector is never below it (rustsec). */
static void test_audit__informational_and_severity(void **state)
{
	fixture *f = *state;
	cli_opts o = f->o;
	session s;
	findings fs = { 0 };
	lock_pkg a = pkg("alpha", "0.5.0", 1);

	o.info_set = 1;
	o.info_kinds = DENY_UNSOUND;    /* not unmaintained */
	o.has_severity = 1;
	o.severity = ADVDB_SEV_CRITICAL;
	assert_int_equal(session_open(&s, &o, 0), EXIT_CLEAN);
	assert_int_equal(audit_pkg(&fs, &s, &a), ADVDB_OK);
	assert_int_equal(fs.nvuln, 1);  /* no vector: kept */
	assert_int_equal(fs.nwarn, 0);  /* unmaintained: not asked for */
	findings_free(&fs);
	session_close(&s);

	o.info_kinds = DENY_UNMAINTAINED;
	assert_int_equal(session_open(&s, &o, 0), EXIT_CLEAN);
	assert_int_equal(audit_pkg(&fs, &s, &a), ADVDB_OK);
	assert_int_equal(fs.nwarn, 1);
	findings_free(&fs);
	session_close(&s);
}

/* Whatever could not be checked makes the set unclean: exit 2 over any
 * finding, "found" null (not false) in JSON, and a summary that is never
 * "ok". */
static void test_audit__errors_make_the_set_unclean(void **state)
{
	fixture *f = *state;
	session s;
	findings fs = { 0 };
	lock_pkg bad = pkg("alpha", "1.x", 1), good = pkg("alpha", "1.0.0", 1);
	buf out = BUF_INIT;

	assert_int_equal(session_open(&s, &f->o, 0), EXIT_CLEAN);
	assert_int_equal(audit_pkg(&fs, &s, &good), ADVDB_OK);
	assert_int_equal(findings_exit(&fs, 0, 0), EXIT_CLEAN);
	assert_int_equal(audit_pkg(&fs, &s, &bad), ADVDB_EVERSION);
	assert_int_equal(fs.nerr, 1);
	assert_non_null(strstr(fs.errs[0], "alpha@1.x: "));
	assert_int_equal(findings_exit(&fs, 0, 0), EXIT_ERROR);

	report_in r = { .ndeps = 2, .f = &fs };
	assert_int_equal(report_json(&out, &s, &r), ADVDB_OK);
	assert_non_null(strstr(out.p, "\"found\":null"));
	assert_non_null(strstr(out.p, "\"error\":\"incomplete: 1 error"));
	assert_non_null(strstr(out.p, "\"errors\":[\"alpha@1.x: "));
	buf_reset(&out);
	assert_int_equal(report_human(&out, &s, &r), ADVDB_OK);
	assert_null(strstr(out.p, "ok:"));
	assert_non_null(strstr(out.p, "error: incomplete: 1 error"));

	/* with a vulnerability too: still 2, "found" true */
	lock_pkg vuln = pkg("alpha", "0.5.0", 1);
	assert_int_equal(audit_pkg(&fs, &s, &vuln), ADVDB_OK);
	assert_int_equal(findings_exit(&fs, 0, 0), EXIT_ERROR);
	buf_reset(&out);
	assert_int_equal(report_json(&out, &s, &r), ADVDB_OK);
	assert_non_null(strstr(out.p, "\"found\":true"));

	/* messages past the kept ones are counted all the same */
	for (int i = 0; i < FINDINGS_ERRS_KEPT + 5; i++)
		findings_fail(&fs, "input %d unread", i);
	assert_int_equal(fs.nerr, FINDINGS_ERRS_KEPT + 6);
	assert_int_equal(fs.nerrs, FINDINGS_ERRS_KEPT);
	buf_free(&out);
	findings_free(&fs);
	session_close(&s);
}

static void test_cache__hit_returns_the_same_entry(void **state)
{
	fixture *f = *state;
	session s;
	const advdb_match *m1, *m2;
	size_t n1, n2;

	assert_int_equal(session_open(&s, &f->o, 1), EXIT_CLEAN);
	assert_int_equal(dcache_lookup(&m1, &n1, s.cache, "alpha", "0.5.0", NULL),
	                 ADVDB_OK);
	assert_int_equal(n1, 2);
	assert_int_equal(dcache_lookup(&m2, &n2, s.cache, "alpha", "0.5.0", NULL),
	                 ADVDB_OK);
	assert_ptr_equal(m1, m2);               /* the same entry */
	assert_int_equal(n2, 2);
	/* Same name, other version: another entry. */
	assert_int_equal(dcache_lookup(&m2, &n2, s.cache, "alpha", "1.0.0", NULL),
	                 ADVDB_OK);
	assert_int_equal(n2, 1);
	assert_int_equal(m2[0].kind, ADVDB_KIND_UNMAINTAINED);
	/* Unknown crates are cached too, with nothing. */
	assert_int_equal(dcache_lookup(&m2, &n2, s.cache, "zeta", "1.0.0", NULL),
	                 ADVDB_OK);
	assert_int_equal(n2, 0);
	session_close(&s);
}

static void test_cache__errors_not_cached(void **state)
{
	fixture *f = *state;
	session s;
	const advdb_match *m;
	size_t n;

	assert_int_equal(session_open(&s, &f->o, 1), EXIT_CLEAN);
	for (int i = 0; i < 2; i++)
		assert_int_equal(dcache_lookup(&m, &n, s.cache, "alpha", "1.x", NULL),
		                 ADVDB_EVERSION);
	session_close(&s);
}

/* audit_pkg's answer for one package, as (vulnerabilities, warnings). */
static void answer(size_t *nvuln, size_t *nwarn, const session *s,
                   const char *name, const char *ver)
{
	findings fs = { 0 };
	lock_pkg p = pkg(name, ver, 1);

	assert_int_equal(audit_pkg(&fs, s, &p), ADVDB_OK);
	*nvuln = fs.nvuln;
	*nwarn = fs.nwarn;
	findings_free(&fs);
}

/* A full cache says so (DCACHE_BYPASS) and hands out nothing; audit then
 * decides uncached, with the answer the uncached path gives. */
static void test_cache__full_cache_bypasses(void **state)
{
	fixture *f = *state;
	session plain, s;
	dcache *tiny, *real;
	const advdb_match *m;
	size_t n, v0, w0, v1, w1;
	char ver[32];

	assert_int_equal(session_open(&plain, &f->o, 0), EXIT_CLEAN);
	assert_int_equal(session_open(&s, &f->o, 0), EXIT_CLEAN);
	/* room for no entry at all */
	assert_int_equal(dcache_new(&tiny, s.db, &s.q, 0, 0), ADVDB_OK);
	for (int i = 0; i < 200; i++) {
		snprintf(ver, sizeof(ver), "0.%d.0", i);
		m = (const advdb_match *)1;
		assert_int_equal(dcache_lookup(&m, &n, tiny, "alpha", ver, NULL),
		                 DCACHE_BYPASS);
		assert_null(m);
		assert_int_equal(n, 0);
	}
	s.cache = tiny;
	for (int i = 0; i < 200; i++) {
		snprintf(ver, sizeof(ver), "0.%d.0", i);
		answer(&v0, &w0, &plain, "alpha", ver);
		answer(&v1, &w1, &s, "alpha", ver);
		assert_int_equal(v0, 1);
		assert_int_equal(v1, v0);
		assert_int_equal(w1, w0);
	}
	dcache_free(tiny);

	/* Entries but a byte cap of nothing: every shard full at once. */
	assert_int_equal(dcache_new(&real, s.db, &s.q, 1u << 16, 64),
	                 ADVDB_OK);
	assert_int_equal(dcache_lookup(&m, &n, real, "alpha", "0.5.0", NULL),
	                 DCACHE_BYPASS);
	dcache_free(real);
	s.cache = NULL;
	session_close(&s);
	session_close(&plain);
}

/* More advisories than an entry holds: never cached, never cut; the
 * answer with a cache (empty, partly full, full) is the uncached one. */
static void test_cache__crate_past_the_entry_size(void **state)
{
	fixture *f = *state;
	session plain, s;
	dcache *c;
	const advdb_match *m;
	size_t n, v0, w0, v1, w1;
	char name[32];

	assert_int_equal(session_open(&plain, &f->o, 0), EXIT_CLEAN);
	answer(&v0, &w0, &plain, "hot", "1.0.0");
	assert_int_equal(v0, HOT_N - HOT_WARN);
	assert_int_equal(w0, HOT_WARN);

	assert_int_equal(session_open(&s, &f->o, 0), EXIT_CLEAN);
	assert_int_equal(dcache_new(&c, s.db, &s.q, DCACHE_SHARDS * 4,
	                            1u << 20), ADVDB_OK);
	s.cache = c;
	assert_int_equal(dcache_lookup(&m, &n, c, "hot", "1.0.0", NULL),
	                 DCACHE_BYPASS);
	answer(&v1, &w1, &s, "hot", "1.0.0");
	assert_int_equal(v1, v0);
	assert_int_equal(w1, w0);
	/* fill every shard (4 entries each) with unknown crates */
	for (int i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "filler%d", i);
		if (dcache_lookup(&m, &n, c, name, "1.0.0", NULL) == DCACHE_BYPASS &&
		    i > DCACHE_SHARDS * 40)
			break;
	}
	answer(&v1, &w1, &s, "hot", "1.0.0");
	assert_int_equal(v1, v0);
	assert_int_equal(w1, w0);
	/* and a small crate in a full shard: the same as uncached too */
	answer(&v0, &w0, &plain, "alpha", "0.5.0");
	answer(&v1, &w1, &s, "alpha", "0.5.0");
	assert_int_equal(v1, v0);
	assert_int_equal(w1, w0);
	dcache_free(c);
	s.cache = NULL;
	session_close(&s);
	session_close(&plain);
}

/* audit_pkgs (which prefetches with the cache) finds, in the same
 * order, what audit_pkg finds package by package, for runs of every
 * length around its look-ahead: repeats, unknown crates, packages from
 * elsewhere, a bad version (an error, counted in the same place). */
static void test_audit__pkgs_as_one_by_one(void **state)
{
	fixture *f = *state;
	static const char *const names[] = { "alpha", "beta", "zeta", "alpha",
	                                     "hot", "alpha", "beta" };
	static const char *const vers[] = { "0.5.0", "3.0.0", "1.0.0", "1.0.0",
	                                    "1.0.0", "1.x", "3.0.0" };
	lock_pkg v[40];

	for (size_t i = 0; i < 40; i++)
		v[i] = pkg(names[i % 7], vers[(i * 3) % 7], i % 5 != 4);
	for (int cache = 0; cache < 2; cache++)
		for (size_t n = 0; n <= 40; n += n < 20 ? 1 : 10) {
			session s;
			findings one = { 0 }, all = { 0 };
			assert_int_equal(session_open(&s, &f->o, cache), EXIT_CLEAN);
			for (size_t i = 0; i < n; i++)
				audit_pkg(&one, &s, &v[i]);
			audit_pkgs(&all, &s, v, n);
			assert_int_equal(all.n, one.n);
			assert_int_equal(all.nvuln, one.nvuln);
			assert_int_equal(all.nwarn, one.nwarn);
			assert_int_equal(all.nerr, one.nerr);
			for (size_t k = 0; k < one.n; k++) {
				assert_ptr_equal(all.v[k].pkg, one.v[k].pkg);
				assert_string_equal(all.v[k].m.id, one.v[k].m.id);
			}
			for (size_t k = 0; k < one.nerrs; k++)
				assert_string_equal(all.errs[k], one.errs[k]);
			if (n >= 12)    /* hot@1.x, the 12th: a bad version */
				assert_true(one.n > 0 && one.nerr > 0);
			findings_free(&one);
			findings_free(&all);
			session_close(&s);
		}
}

typedef struct targ {
	dcache *c;
	int seed, bad;
} targ;

static void *hammer(void *p)
{
	targ *t = p;
	const advdb_match *m;
	size_t n;
	char ver[32];

	for (int i = 0; i < 3000; i++) {
		int k = (i * 31 + t->seed) % 400;
		snprintf(ver, sizeof(ver), "%d.%d.0", k / 200, k % 200);
		if (dcache_lookup(&m, &n, t->c, "alpha", ver, NULL) != ADVDB_OK ||
		    n != (size_t)(k < 200 ? 2 : 1))
			t->bad++;
	}
	return NULL;
}

static void test_cache__threads_agree(void **state)
{
	fixture *f = *state;
	session s;
	pthread_t th[4];
	targ t[4];

	assert_int_equal(session_open(&s, &f->o, 1), EXIT_CLEAN);
	for (int i = 0; i < 4; i++) {
		t[i] = (targ){ s.cache, i * 7, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, hammer, &t[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].bad, 0);
	}
	session_close(&s);
}


/* ---- the answer cache (batch) ---- */

/* The key and answer of entry i: lengths 0..40 cover every path of the
 * word-wise hash and compare; keys that are prefixes of others. */
static size_t akey(char *k, int i)
{
	size_t n = (size_t)(i % 41);
	for (size_t j = 0; j < n; j++)
		k[j] = (char)('a' + (i / 41 + (int)j) % 26);
	if (n)
		k[n - 1] = (char)('A' + i % 26);
	return n;
}

static size_t aanswer(char *a, int i)
{
	return (size_t)snprintf(a, 64, ",\"answer\":%d}\n", i);
}

static void test_acache__keys_back_byte_for_byte(void **state)
{
	acache *c;
	char k[64], a[64];
	const char *got;
	size_t n, an;
	int held[5000] = { 0 };

	(void)state;
	assert_int_equal(acache_new(&c, 1u << 16, 16u << 20), ADVDB_OK);
	/* empty: nothing, and a prefetch is harmless */
	n = akey(k, 7);
	acache_prefetch(c, acache_hash(k, n), 0);
	acache_prefetch(c, acache_hash(k, n), 1);
	assert_null(acache_get(c, acache_hash(k, n), k, n, &an));
	/* 5000 entries: the slot array grows several times */
	for (int i = 0; i < 5000; i++) {
		n = akey(k, i);
		uint64_t h = acache_hash(k, n);
		if (acache_get(c, h, k, n, &an))
			continue;       /* the same key made twice */
		size_t m = aanswer(a, i);
		assert_int_equal(acache_put(c, h, k, n, a, m), 0);
		held[i] = 1;
	}
	for (int i = 0; i < 5000; i++) {
		n = akey(k, i);
		uint64_t h = acache_hash(k, n);
		acache_prefetch(c, h, 0);
		acache_prefetch(c, h, 1);
		got = acache_get(c, h, k, n, &an);
		assert_non_null(got);
		if (held[i]) {
			size_t m = aanswer(a, i);
			assert_int_equal(an, m);
			assert_memory_equal(got, a, m);
		}
	}
	/* a key one byte longer or shorter, or one byte different, is not
	 * held */
	n = akey(k, 41 * 3 + 20);
	k[n] = 'z';
	assert_null(acache_get(c, acache_hash(k, n + 1), k, n + 1, &an));
	assert_null(acache_get(c, acache_hash(k, n - 1), k, n - 1, &an));
	k[3] = '#';
	assert_null(acache_get(c, acache_hash(k, n), k, n, &an));
	acache_free(c);
	acache_free(NULL);
}

static void test_acache__caps(void **state)
{
	acache *c;
	char k[64], a[64];
	size_t n, m, an;

	(void)state;
	/* at most 100 entries: the 101st is not held, the others are */
	assert_int_equal(acache_new(&c, 100, 16u << 20), ADVDB_OK);
	for (int i = 0; i < 101; i++) {
		n = (size_t)snprintf(k, sizeof(k), "crate-%d 1.0.%d", i, i);
		m = aanswer(a, i);
		assert_int_equal(acache_put(c, acache_hash(k, n), k, n, a, m),
		                 i < 100 ? 0 : -1);
	}
	for (int i = 0; i < 101; i++) {
		n = (size_t)snprintf(k, sizeof(k), "crate-%d 1.0.%d", i, i);
		const char *got = acache_get(c, acache_hash(k, n), k, n, &an);
		if (i == 100) {
			assert_null(got);
			continue;
		}
		m = aanswer(a, i);
		assert_non_null(got);
		assert_int_equal(an, m);
		assert_memory_equal(got, a, m);
	}
	acache_free(c);
	/* 16 KiB: the slot array (8 KiB at first) and the entries share it;
	 * an answer past what is left is refused, a small one still fits */
	assert_int_equal(acache_new(&c, 1u << 16, 16u << 10), ADVDB_OK);
	static char big[12 << 10];
	memset(big, 'x', sizeof(big));
	assert_int_equal(acache_put(c, acache_hash("a", 1), "a", 1, big,
	                            sizeof(big)), -1);
	assert_null(acache_get(c, acache_hash("a", 1), "a", 1, &an));
	assert_int_equal(acache_put(c, acache_hash("a", 1), "a", 1, big, 100),
	                 0);
	const char *got = acache_get(c, acache_hash("a", 1), "a", 1, &an);
	assert_non_null(got);
	assert_int_equal(an, 100);
	int refused = 0;
	for (int i = 0; i < 1000 && !refused; i++) {
		n = (size_t)snprintf(k, sizeof(k), "k%d", i);
		refused = acache_put(c, acache_hash(k, n), k, n, big, 100) < 0;
	}
	assert_true(refused);   /* the byte cap, long before 65,536 */
	acache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session__missing_index_is_an_error),
		cmocka_unit_test(test_session__ignore_resolves_aliases),
		cmocka_unit_test(test_session__max_age_strict),
		cmocka_unit_test(test_session__source_age),
		cmocka_unit_test(test_audit__vulnerability_and_warning),
		cmocka_unit_test(test_audit__non_crates_io_skipped),
		cmocka_unit_test(test_audit__ignored_and_os),
		cmocka_unit_test(test_audit__target_lists),
		cmocka_unit_test(test_audit__informational_and_severity),
		cmocka_unit_test(test_audit__errors_make_the_set_unclean),
		cmocka_unit_test(test_cache__hit_returns_the_same_entry),
		cmocka_unit_test(test_cache__errors_not_cached),
		cmocka_unit_test(test_cache__full_cache_bypasses),
		cmocka_unit_test(test_cache__crate_past_the_entry_size),
		cmocka_unit_test(test_cache__threads_agree),
		cmocka_unit_test(test_audit__pkgs_as_one_by_one),
		cmocka_unit_test(test_acache__keys_back_byte_for_byte),
		cmocka_unit_test(test_acache__caps),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
