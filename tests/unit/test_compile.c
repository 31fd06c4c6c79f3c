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
#include "advdb_check.h"

#define T1 1600000000
#define T2 1600086400

typedef struct fix {
	char dir[64];
	git_repository *repo;
	char c1[41], c2[41], bad[41];
	int n;                      /* index files made so far */
} fix;

typedef struct spec {
	const char *path;
	unsigned mode;
	const char *text;
} spec;

#define ADV(id, pkg, patched) \
	"```toml\n[advisory]\nid = \"" id "\"\npackage = \"" pkg "\"\n" \
	"date = \"2020-01-01\"\n\n[versions]\npatched = [\"" patched "\"]\n" \
	"```\n\n# A title\n\nA description.\n"

static const spec C1[] = {
	{ "crates/alpha/RUSTSEC-2020-0001.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0001", "alpha", ">= 1.0.0") },
	{ "crates/beta/RUSTSEC-2020-0002.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0002", "beta", ">= 2.0.0") },
};

/* alpha changed, beta deleted, gamma added. */
static const spec C2[] = {
	{ "crates/alpha/RUSTSEC-2020-0001.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0001", "alpha", ">= 1.1.0") },
	{ "crates/gamma/RUSTSEC-2020-0003.md", GIT_FILEMODE_BLOB,
	  ADV("RUSTSEC-2020-0003", "gamma", ">= 3.0.0") },
};

/* C1 plus three bad files: a TOML error, alpha's id again, a symlink. */
static const spec BAD[] = {
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

static void commit(fix *f, const spec *v, size_t n, const char *parent_hex,
                   const char *ref, int64_t when, char out[41])
{
	git_index *ix = NULL;
	git_oid tree_id, id, pid;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;

	assert_int_equal(git_index_new(&ix), 0);
	for (size_t i = 0; i < n; i++) {
		git_index_entry e;
		memset(&e, 0, sizeof(e));
		e.path = v[i].path;
		e.mode = v[i].mode;
		assert_int_equal(git_blob_create_from_buffer(&e.id, f->repo,
		                 v[i].text, strlen(v[i].text)), 0);
		assert_int_equal(git_index_add(ix, &e), 0);
	}
	assert_int_equal(git_index_write_tree_to(&tree_id, ix, f->repo), 0);
	assert_int_equal(git_tree_lookup(&tree, f->repo, &tree_id), 0);
	assert_int_equal(git_signature_new(&sig, "t", "t@localhost",
	                                   (git_time_t)when, 0), 0);
	if (parent_hex) {
		assert_int_equal(git_oid_fromstr(&pid, parent_hex), 0);
		assert_int_equal(git_commit_lookup(&parent, f->repo, &pid), 0);
	}
	const git_commit *parents[1] = { parent };
	assert_int_equal(git_commit_create(&id, f->repo, ref, sig, sig, NULL,
	                 "t", tree, parent ? 1 : 0, parents), 0);
	git_oid_tostr(out, 41, &id);
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(ix);
}

static int setup(void **state)
{
	fix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_compile.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	git_libgit2_init();
	if (git_repository_init(&f->repo, f->dir, 1) < 0)
		return -1;
	commit(f, C1, N(C1), NULL, "HEAD", T1, f->c1);
	commit(f, C2, N(C2), f->c1, "HEAD", T2, f->c2);
	commit(f, BAD, N(BAD), NULL, "refs/heads/bad", T1, f->bad);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fix *f = *state;
	char cmd[128];

	if (!f)
		return 0;
	git_repository_free(f->repo);
	git_libgit2_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
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
	compile_opts o = { .source = "rustsec", .label = f->dir,
	                   .keep_going = keep_going, .history = history };
	gitsrc *g = NULL;
	writer *w = NULL;
	diag_list d;
	char err[512] = "", prev[41];
	writer_stats st;

	memset(res, 0, sizeof(*res));
	diag_init(&d);
	if (gitsrc_open(&g, f->dir, ref, err, sizeof(err)) < 0)
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
	snprintf(buf, cap, "%s/index%d.lmdb", f->dir, ++f->n);
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
	assert_int_equal(gitsrc_open(&g, f->dir, NULL, err, sizeof(err)), 0);
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
