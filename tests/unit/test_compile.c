/*
 * test_compile.c — one compile run (compile.h) from repositories built
 * here with libgit2 into real index files, read back with libadvdb: what
 * is added, what is an error, what --keep-going skips, and that an update
 * gives the same index as a full compile.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advdb.h"
#include "compile.h"
#include "testlib.h"
#include "advdb_check.h"

#define T1 1600000000
#define T2 1600086400

typedef struct fix {
	tl_repo r;
	char c1[41], c2[41], bad[41];
	int n;                      /* index files made so far */
} fix;

#define ADV(id, pkg, patched) \
	"```toml\n[advisory]\nid = \"" id "\"\npackage = \"" pkg "\"\n" \
	"date = \"2020-01-01\"\n\n[versions]\npatched = [\"" patched "\"]\n" \
	"```\n\n# A title\n\nA description.\n"

static const tl_file C1[] = {
	{ "crates/alpha/RUSTSEC-2020-0001.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0001", "alpha", ">= 1.0.0") },
	{ "crates/beta/RUSTSEC-2020-0002.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0002", "beta", ">= 2.0.0") },
};

/* alpha changed, beta deleted, gamma added. */
static const tl_file C2[] = {
	{ "crates/alpha/RUSTSEC-2020-0001.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0001", "alpha", ">= 1.1.0") },
	{ "crates/gamma/RUSTSEC-2020-0003.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0003", "gamma", ">= 3.0.0") },
};

/* C1 plus three bad files: a TOML error, alpha's id again, a symlink. */
static const tl_file BAD[] = {
	{ "crates/alpha/RUSTSEC-2020-0001.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0001", "alpha", ">= 1.0.0") },
	{ "crates/beta/RUSTSEC-2020-0002.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0002", "beta", ">= 2.0.0") },
	{ "crates/broken/RUSTSEC-2020-0009.md", GIT_FILEMODE_BLOB,
	  "```toml\n[advisory]\nid = \"RUSTSEC-2020-0009\n```\n" },
	{ "crates/zeta/RUSTSEC-2020-0001.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0001", "zeta", ">= 1.0.0") },
	{ "crates/link/RUSTSEC-2020-0008.md", GIT_FILEMODE_LINK,
	  "../alpha/RUSTSEC-2020-0001.md" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int setup(void **state)
{
	fix *f = calloc(1, sizeof(*f));

	if (!f || tl_repo_init(&f->r, "test_compile") < 0)
		return -1;
	tl_commit(f->r.repo, C1, N(C1), NULL, "HEAD", T1, f->c1);
	tl_commit(f->r.repo, C2, N(C2), f->c1, "HEAD", T2, f->c2);
	tl_commit(f->r.repo, BAD, N(BAD), NULL, "refs/heads/bad", T1, f->bad);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fix *f = *state;

	if (!f)
		return 0;
	tl_repo_free(&f->r);
	free(f);
	return 0;
}

typedef struct result {
	int rc;                     /* compile_full / compile_changes */
	size_t errors, warnings, advisories;
	char digest[41];
	char text[2048];            /* every diag line, joined */
} result;

/*
 * Compile ref of the fixture into db (an update from db's index when
 * update is set) and commit when there was no error.
 */
static void run(result *res, fix *f, const char *ref, const char *db,
                int update, int keep_going, int history)
{
	compile_opts o = { .source = "rustsec", .label = f->r.dir,
	                   .keep_going = keep_going, .history = history };
	gitsrc *g = NULL;
	writer *w = NULL;
	diag_list d;
	char err[512] = "", prev[41];
	writer_stats st;

	memset(res, 0, sizeof(*res));
	diag_init(&d);
	if (gitsrc_open(&g, f->r.dir, ref, err, sizeof(err)) < 0)
		fail_msg("gitsrc_open: %s", err);
	if (writer_open(&w, db, err, sizeof(err)) < 0)
		fail_msg("writer_open: %s", err);
	if (update) {
		assert_int_equal(writer_load_previous(w, "rustsec", prev, err,
		                                      sizeof(err)), 0);
		res->rc = compile_changes(&o, g, w, prev, &d);
	} else {
		res->rc = compile_full(&o, g, w, &d);
	}
	for (size_t i = 0; i < d.n; i++) {
		strncat(res->text, d.v[i].text,
		        sizeof(res->text) - strlen(res->text) - 2);
		strcat(res->text, "\n");
	}
	res->errors = d.errors;
	res->warnings = d.warnings;
	if (res->rc == 0 && !d.errors) {
		if (history)
			assert_int_equal(writer_set_history(w, 1), 0);
		assert_int_equal(writer_set_source(w, "rustsec", gitsrc_commit(g),
		                                   gitsrc_commit_time(g)), 0);
		if (writer_commit(w, &st, err, sizeof(err)) < 0)
			fail_msg("writer_commit: %s", err);
		res->advisories = st.advisories;
		memcpy(res->digest, st.digest, sizeof(res->digest));
	}
	writer_close(w);
	gitsrc_close(g);
	diag_free(&d);
}

static const char *db_path(fix *f, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/index%d.lmdb", f->r.dir, ++f->n);
	return buf;
}

static void test_compile_full__adds_every_advisory(void **state)
{
	fix *f = *state;
	result r;
	char db[128];

	run(&r, f, f->c1, db_path(f, db, sizeof(db)), 0, 0, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.advisories, 2);
	assert_int_equal(strlen(r.digest), 40);
}

static void test_compile_full__reports_every_bad_file(void **state)
{
	fix *f = *state;
	result r;
	char db[128];

	run(&r, f, "bad", db_path(f, db, sizeof(db)), 0, 0, 0);
	assert_int_equal(r.errors >= 3, 1);
	assert_int_equal(r.warnings, 0);
	assert_non_null(strstr(r.text, "crates/broken/RUSTSEC-2020-0009.md:"));
	assert_non_null(strstr(r.text, "crates/link/RUSTSEC-2020-0008.md: "
	                               "not a regular file (symlink)"));
	/* The duplicate is the later path, and the message names the first. */
	const char *dup = strstr(r.text, "crates/zeta/RUSTSEC-2020-0001.md: ");
	assert_non_null(dup);
	assert_non_null(strstr(dup, "crates/alpha/RUSTSEC-2020-0001.md"));
	assert_int_equal(r.advisories, 0);          /* nothing committed */
}

static void test_compile_full__keep_going_skips_them(void **state)
{
	fix *f = *state;
	result r, good;
	char db[128];

	run(&r, f, "bad", db_path(f, db, sizeof(db)), 0, 1, 0);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.warnings >= 4, 1);      /* 3 problems + "skipped" */
	assert_non_null(strstr(r.text, "crates/broken/RUSTSEC-2020-0009.md: "
	                               "skipped"));
	assert_int_equal(r.advisories, 2);
	/* What is left is exactly the good commit's content. */
	run(&good, f, f->c1, db_path(f, db, sizeof(db)), 0, 0, 0);
	assert_string_equal(r.digest, good.digest);
}

static void test_compile_changes__same_index_as_full(void **state)
{
	fix *f = *state;
	result r, full;
	char db[128], db2[128];

	run(&r, f, f->c1, db_path(f, db, sizeof(db)), 0, 0, 0);
	assert_int_equal(r.advisories, 2);
	run(&r, f, f->c2, db, 1, 0, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.errors, 0);
	run(&full, f, f->c2, db_path(f, db2, sizeof(db2)), 0, 0, 0);
	assert_int_equal(r.advisories, 2);
	assert_string_equal(r.digest, full.digest);

	/* And with history: dates from the commits, equal either way. */
	run(&r, f, f->c1, db, 0, 0, 1);
	run(&r, f, f->c2, db, 1, 0, 1);
	run(&full, f, f->c2, db2, 0, 0, 1);
	assert_string_equal(r.digest, full.digest);

	advdb *a = NULL;
	advdb_advisory *adv = NULL;
	char err[256];
	advdb_pass_msg(err, advdb_open(&a, db, 0, err, sizeof(err)));
	advdb_pass(a, advdb_advisory_get(&adv, a, "RUSTSEC-2020-0001"));
	assert_int_equal(advdb_advisory_modified(adv), T2);    /* changed */
	advdb_advisory_free(adv);
	advdb_pass(a, advdb_advisory_get(&adv, a, "RUSTSEC-2020-0003"));
	assert_int_equal(advdb_advisory_modified(adv), T2);    /* added */
	advdb_advisory_free(adv);
	assert_int_not_equal(advdb_advisory_get(&adv, a, "RUSTSEC-2020-0002"),
	                     0);                               /* deleted */
	advdb_close(a);
}

static void test_compile_changes__unknown_previous_commit(void **state)
{
	fix *f = *state;
	compile_opts o = { .source = "rustsec", .label = "x" };
	gitsrc *g = NULL;
	writer *w = NULL;
	diag_list d;
	char err[256], db[128];

	diag_init(&d);
	assert_int_equal(gitsrc_open(&g, f->r.dir, NULL, err, sizeof(err)), 0);
	assert_int_equal(writer_open(&w, db_path(f, db, sizeof(db)), err,
	                             sizeof(err)), 0);
	assert_int_equal(compile_changes(&o, g, w,
	    "0123456789abcdef0123456789abcdef01234567", &d), 1);
	assert_int_equal(d.errors, 0);
	writer_close(w);
	gitsrc_close(g);
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile_full__adds_every_advisory),
		cmocka_unit_test(test_compile_full__reports_every_bad_file),
		cmocka_unit_test(test_compile_full__keep_going_skips_them),
		cmocka_unit_test(test_compile_changes__same_index_as_full),
		cmocka_unit_test(test_compile_changes__unknown_previous_commit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
