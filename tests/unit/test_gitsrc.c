/*
 * test_gitsrc.c — gitsrc against small repositories built here with
 * libgit2 (an in-memory index written as trees, committed without any
 * working tree), so each test knows exactly which entries exist,
 * including the ones a checkout could not even hold.
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

#include "advisory.h"
#include "gitsrc.h"
#include "testlib.h"

typedef struct fix {
	tl_repo r;
	char c1[41], c2[41];        /* first and second commit */
	char c3[41];                /* branch "other": no advisories */
} fix;

static char big[ADVISORY_FILE_MAX + 2];

#define T1 1700000000               /* first commit's time */
#define T2 1700000100               /* second commit's time */

static const tl_file FIRST[] = {
	{ "README.md", GIT_FILEMODE_BLOB, "not an advisory\n" },
	{ "crates/zeta/RUSTSEC-2020-0002.md", GIT_FILEMODE_BLOB, "zeta\n" },
	{ "crates/alpha/RUSTSEC-2020-0001.md", GIT_FILEMODE_BLOB, "alpha\n" },
	{ "crates/alpha/notes.txt", GIT_FILEMODE_BLOB, "ignored\n" },
	{ "crates/alpha-beta/RUSTSEC-2020-0003.md",
	  GIT_FILEMODE_BLOB_EXECUTABLE, "ab\n" },
	{ "crates/link/RUSTSEC-2020-0004.md", GIT_FILEMODE_LINK,
	  "../alpha/RUSTSEC-2020-0001.md" },
	{ "crates/sub/RUSTSEC-2020-0005.md", GIT_FILEMODE_COMMIT, NULL },
	{ "crates/dir/RUSTSEC-2020-0006.md/inner.md", GIT_FILEMODE_BLOB, "x\n" },
	{ "crates/stray.md", GIT_FILEMODE_BLOB, "stray\n" },
	{ "crates/huge/RUSTSEC-2020-0007.md", GIT_FILEMODE_BLOB, big },
	{ "rust/std/CVE-2018-1000657.md", GIT_FILEMODE_BLOB, "std\n" },
};
#define NFIRST (sizeof(FIRST) / sizeof(FIRST[0]))

/* Second commit: zeta modified, alpha-beta deleted, gamma added, the
 * symlink became a file; the rest unchanged. */
static const tl_file SECOND[] = {
	{ "crates/zeta/RUSTSEC-2020-0002.md", GIT_FILEMODE_BLOB, "zeta 2\n" },
	{ "crates/alpha/RUSTSEC-2020-0001.md", GIT_FILEMODE_BLOB, "alpha\n" },
	{ "crates/gamma/RUSTSEC-2020-0008.md", GIT_FILEMODE_BLOB, "gamma\n" },
	{ "crates/link/RUSTSEC-2020-0004.md", GIT_FILEMODE_BLOB, "now real\n" },
	{ "rust/std/CVE-2018-1000657.md", GIT_FILEMODE_BLOB, "std\n" },
};
#define NSECOND (sizeof(SECOND) / sizeof(SECOND[0]))

static const tl_file OTHER[] = {
	{ "crates.json", GIT_FILEMODE_BLOB, "{}\n" },
};

static int setup(void **state)
{
	fix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	memset(big, 'a', sizeof(big) - 1);
	if (tl_repo_init(&f->r, "test_gitsrc") < 0)
		return -1;
	/* The submodule entry names a commit this repository lacks. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	tl_commit(f->r.repo, FIRST, NFIRST, NULL, "HEAD", T1, f->c1);
	tl_commit(f->r.repo, SECOND, NSECOND, f->c1, "HEAD", T2, f->c2);
	tl_commit(f->r.repo, OTHER, 1, NULL, "refs/heads/other", T2, f->c3);
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

/* The slot at path, NULL when none; from the list or looked up. */
static const gitsrc_entry *find(gitsrc *g, const char *path)
{
	static gitsrc_entry one;
	const gitsrc_entry *v;
	size_t n;
	char err[256];

	assert_int_equal(gitsrc_list(&v, &n, g, err, sizeof(err)), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].path, path) == 0) {
			/* a direct lookup must give the same verdict */
			assert_int_equal(gitsrc_lookup(&one, g, path, err,
			                               sizeof(err)), 1);
			assert_memory_equal(one.blob, v[i].blob, 20);
			if (v[i].bad)
				assert_string_equal(one.bad, v[i].bad);
			else
				assert_null(one.bad);
			return &v[i];
		}
	assert_int_equal(gitsrc_lookup(&one, g, path, err, sizeof(err)), 0);
	return NULL;
}

static gitsrc *open_at(fix *f, const char *ref)
{
	gitsrc *g = NULL;
	char err[256] = "";

	if (gitsrc_open(&g, f->r.dir, ref, err, sizeof(err)) < 0)
		fail_msg("gitsrc_open: %s", err);
	return g;
}

static void test_gitsrc_open__slots_sorted_by_path(void **state)
{
	fix *f = *state;
	gitsrc *g = open_at(f, f->c1);
	size_t n;
	const gitsrc_entry *v;
	char err[256];
	static const char *const want[] = {
		"crates/alpha-beta/RUSTSEC-2020-0003.md",
		"crates/alpha/RUSTSEC-2020-0001.md",
		"crates/dir/RUSTSEC-2020-0006.md",
		"crates/huge/RUSTSEC-2020-0007.md",
		"crates/link/RUSTSEC-2020-0004.md",
		"crates/stray.md",
		"crates/sub/RUSTSEC-2020-0005.md",
		"crates/zeta/RUSTSEC-2020-0002.md",
		"rust/std/CVE-2018-1000657.md",
	};

	assert_int_equal(gitsrc_list(&v, &n, g, err, sizeof(err)), 0);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i].path, want[i]);
	size_t n2 = 0;
	const gitsrc_entry *v2 = NULL;
	assert_int_equal(gitsrc_list(&v2, &n2, g, err, sizeof(err)), 0);
	assert_ptr_equal(v2, v);                       /* built once */
	assert_int_equal(n2, n);
	assert_string_equal(gitsrc_commit(g), f->c1);
	assert_int_equal(gitsrc_commit_time(g), 1700000000);
	gitsrc_close(g);
}

static void test_gitsrc_open__odd_entries_carry_a_reason(void **state)
{
	fix *f = *state;
	gitsrc *g = open_at(f, f->c1);

	assert_null(find(g, "crates/alpha/RUSTSEC-2020-0001.md")->bad);
	assert_null(find(g, "crates/alpha-beta/RUSTSEC-2020-0003.md")->bad);
	assert_string_equal(find(g, "crates/link/RUSTSEC-2020-0004.md")->bad,
	                    "not a regular file (symlink)");
	assert_string_equal(find(g, "crates/sub/RUSTSEC-2020-0005.md")->bad,
	                    "not a regular file (submodule)");
	assert_string_equal(find(g, "crates/dir/RUSTSEC-2020-0006.md")->bad,
	                    "not a regular file (folder)");
	assert_string_equal(find(g, "crates/stray.md")->bad,
	                    "advisory outside a package folder");
	assert_null(find(g, "crates/alpha/notes.txt"));
	assert_null(find(g, "README.md"));
	assert_null(find(g, "crates/alpha/RUSTSEC-2099-0000.md"));  /* absent */
	assert_null(find(g, "crates/dir/RUSTSEC-2020-0006.md/inner.md"));
	assert_null(find(g, "crates/sub/RUSTSEC-2020-0005.md/x.md"));
	assert_null(find(g, "crates/stray.md/x.md"));
	assert_null(find(g, "crates//x.md"));
	assert_null(find(g, "rust/x.md"));
	gitsrc_close(g);
}

static void test_gitsrc_load__reads_the_blob(void **state)
{
	fix *f = *state;
	gitsrc *g = open_at(f, NULL);     /* HEAD: the second commit */
	char *text = NULL, err[256];
	size_t len = 0;
	const gitsrc_entry *e = find(g, "crates/zeta/RUSTSEC-2020-0002.md");

	assert_string_equal(gitsrc_commit(g), f->c2);
	assert_non_null(e);
	assert_int_equal(gitsrc_load(&text, &len, g, e, err, sizeof(err)), 0);
	assert_int_equal(len, 7);
	assert_memory_equal(text, "zeta 2\n", 8);   /* NUL-terminated too */
	free(text);
	gitsrc_close(g);
}

static void test_gitsrc_load__refuses_oversized_file(void **state)
{
	fix *f = *state;
	gitsrc *g = open_at(f, f->c1);
	char *text = (char *)1, err[256] = "";
	size_t len = 1;
	const gitsrc_entry *e = find(g, "crates/huge/RUSTSEC-2020-0007.md");

	assert_non_null(e);
	assert_null(e->bad);
	assert_int_equal(gitsrc_load(&text, &len, g, e, err, sizeof(err)), 1);
	assert_null(text);
	assert_int_equal(len, 0);
	assert_non_null(strstr(err, "too large"));
	gitsrc_close(g);
}

static void test_gitsrc_open__bad_ref_and_bad_repo(void **state)
{
	fix *f = *state;
	gitsrc *g = (gitsrc *)1;
	char err[256] = "";

	assert_int_equal(gitsrc_open(&g, f->r.dir, "no-such-branch", err,
	                             sizeof(err)), -1);
	assert_null(g);
	assert_non_null(strstr(err, "no-such-branch"));
	/* A tree id peels to no commit. */
	assert_int_equal(gitsrc_open(&g, f->r.dir, "HEAD^{tree}", err,
	                             sizeof(err)), -1);
	/* A branch without package folders is not an advisory-db commit. */
	assert_int_equal(gitsrc_open(&g, f->r.dir, "other", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not an advisory-db commit"));
	assert_int_equal(gitsrc_open(&g, "/nonexistent/repo", NULL, err,
	                             sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/repo"));
}

static void test_gitsrc_diff__lists_changed_slots(void **state)
{
	fix *f = *state;
	gitsrc *g = open_at(f, f->c2);
	char **paths = NULL, err[256] = "";
	size_t n = 0;
	static const char *const want[] = {
		"crates/alpha-beta/RUSTSEC-2020-0003.md",   /* deleted */
		"crates/dir/RUSTSEC-2020-0006.md",          /* folder gone */
		"crates/gamma/RUSTSEC-2020-0008.md",        /* added */
		"crates/huge/RUSTSEC-2020-0007.md",
		"crates/link/RUSTSEC-2020-0004.md",         /* symlink -> file */
		"crates/stray.md",
		"crates/sub/RUSTSEC-2020-0005.md",
		"crates/zeta/RUSTSEC-2020-0002.md",         /* modified */
	};

	assert_int_equal(gitsrc_diff(&paths, &n, g, f->c1, err, sizeof(err)), 0);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(paths[i], want[i]);
	gitsrc_paths_free(paths, n);

	/* Against itself: nothing changed. */
	assert_int_equal(gitsrc_diff(&paths, &n, g, f->c2, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	gitsrc_paths_free(paths, n);
	gitsrc_close(g);
}

static void test_gitsrc_diff__unknown_or_bad_commit(void **state)
{
	fix *f = *state;
	gitsrc *g = open_at(f, NULL);
	char **paths = NULL, err[256] = "";
	size_t n = 0;

	assert_int_equal(gitsrc_diff(&paths, &n, g,
	    "89abcdef0123456789abcdef0123456789abcdef", err, sizeof(err)),
	    GITSRC_ENOTFOUND);
	assert_int_equal(gitsrc_diff(&paths, &n, g, "xyz", err, sizeof(err)), -1);
	assert_int_equal(gitsrc_diff(&paths, &n, g, "", err, sizeof(err)), -1);
	assert_null(paths);
	gitsrc_close(g);
}

/* What git's own tree diff says changed, as slots: the reference
 * gitsrc_diff's direct comparison of trees must agree with. */
static size_t git_diff_slots(char **out, size_t cap, git_repository *repo,
                             const char *old_hex, const char *new_hex)
{
	static const char *const colls[] = { "crates", "rust" };
	git_oid a_id, b_id;
	git_commit *ca = NULL, *cb = NULL;
	git_tree *ra = NULL, *rb = NULL;
	size_t n = 0;

	assert_int_equal(git_oid_fromstr(&a_id, old_hex), 0);
	assert_int_equal(git_oid_fromstr(&b_id, new_hex), 0);
	assert_int_equal(git_commit_lookup(&ca, repo, &a_id), 0);
	assert_int_equal(git_commit_lookup(&cb, repo, &b_id), 0);
	assert_int_equal(git_commit_tree(&ra, ca), 0);
	assert_int_equal(git_commit_tree(&rb, cb), 0);
	for (size_t c = 0; c < 2; c++) {
		git_tree *t[2] = { NULL, NULL };
		git_diff *diff = NULL;
		for (int k = 0; k < 2; k++) {
			const git_tree_entry *e =
			    git_tree_entry_byname(k ? rb : ra, colls[c]);
			if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE)
				assert_int_equal(git_tree_lookup(&t[k], repo,
				                 git_tree_entry_id(e)), 0);
		}
		assert_int_equal(git_diff_tree_to_tree(&diff, repo, t[0], t[1],
		                                       NULL), 0);
		for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
			const git_diff_delta *d = git_diff_get_delta(diff, i);
			const char *side[2] = { d->old_file.path, d->new_file.path };
			for (int k = 0; k < 2; k++) {
				const char *rel = side[k], *sl;
				size_t keep;
				char path[512];
				if (!rel)
					continue;
				keep = strlen(rel);
				if ((sl = strchr(rel, '/')) && (sl = strchr(sl + 1, '/')))
					keep = (size_t)(sl - rel);
				if (keep < 3 || memcmp(rel + keep - 3, ".md", 3) != 0)
					continue;
				snprintf(path, sizeof(path), "%s/%.*s", colls[c],
				         (int)keep, rel);
				size_t j = 0;
				while (j < n && strcmp(out[j], path) != 0)
					j++;
				if (j == n) {
					assert_true(n < cap);
					assert_non_null(out[n++] = strdup(path));
				}
			}
		}
		git_diff_free(diff);
		git_tree_free(t[0]);
		git_tree_free(t[1]);
	}
	git_tree_free(ra);
	git_tree_free(rb);
	git_commit_free(ca);
	git_commit_free(cb);
	return n;
}

/* Odd shapes: a file where a package folder was and the other way round,
 * a folder named like an advisory, deeper folders, a mode change only,
 * a collection gone. */
static const tl_file SHAPES[] = {
	{ "crates/alpha/RUSTSEC-2020-0001.md", GIT_FILEMODE_BLOB_EXECUTABLE,
	  "alpha\n" },
	{ "crates/zeta", GIT_FILEMODE_BLOB, "a file now\n" },
	{ "crates/zeta.md", GIT_FILEMODE_BLOB, "top\n" },
	{ "crates/stray.md/RUSTSEC-2020-0009.md", GIT_FILEMODE_BLOB, "s\n" },
	{ "crates/dir/RUSTSEC-2020-0006.md/inner.md", GIT_FILEMODE_BLOB, "y\n" },
	{ "crates/deep/a.md/b/c.md", GIT_FILEMODE_BLOB, "deep\n" },
	{ "crates/sub/RUSTSEC-2020-0005.md", GIT_FILEMODE_COMMIT, NULL },
	{ "crates/link/RUSTSEC-2020-0004.md", GIT_FILEMODE_LINK, "elsewhere" },
};
static const tl_file RUST_ONLY[] = {
	{ "rust/std/CVE-2018-1000657.md", GIT_FILEMODE_BLOB, "std 2\n" },
	{ "rust/core.md", GIT_FILEMODE_BLOB, "core\n" },
};

static void test_gitsrc_diff__agrees_with_git_diff(void **state)
{
	fix *f = *state;
	char c4[41], c5[41];

	tl_commit(f->r.repo, SHAPES, sizeof(SHAPES) / sizeof(SHAPES[0]),
	          f->c1, "refs/heads/shapes", T2, c4);
	tl_commit(f->r.repo, RUST_ONLY, 2, c4, "refs/heads/shapes", T2, c5);
	const char *commits[] = { f->c1, f->c2, f->c3, c4, c5 };
	size_t nc = sizeof(commits) / sizeof(commits[0]), compared = 0;
	for (size_t i = 0; i < nc; i++) {
		gitsrc *g = NULL;
		char err[256] = "";
		if (gitsrc_open(&g, f->r.dir, commits[i], err, sizeof(err)) < 0)
			continue;       /* c3 has no advisory folder */
		for (size_t j = 0; j < nc; j++) {
			char *want[64], **paths = NULL;
			size_t nw = git_diff_slots(want, 64, f->r.repo, commits[j],
			                           commits[i]), n = 0;
			assert_int_equal(gitsrc_diff(&paths, &n, g, commits[j], err,
			                             sizeof(err)), 0);
			for (size_t k = 0; k < nw; k++) {
				size_t m = 0;
				while (m < n && strcmp(paths[m], want[k]) != 0)
					m++;
				if (m == n)
					fail_msg("%s..%s: %s missing", commits[j],
					         commits[i], want[k]);
				free(want[k]);
			}
			assert_int_equal(n, nw);
			gitsrc_paths_free(paths, n);
			compared++;
		}
		gitsrc_close(g);
	}
	assert_int_equal(compared, 4 * nc);
}

static void test_gitsrc_history__last_change_of_each_path(void **state)
{
	fix *f = *state;
	gitsrc *g = open_at(f, NULL);
	char err[256] = "";
	static const char *const paths[] = {    /* sorted */
		"crates/alpha/RUSTSEC-2020-0001.md",    /* unchanged since c1 */
		"crates/gamma/RUSTSEC-2020-0008.md",    /* added in c2 */
		"crates/link/RUSTSEC-2020-0004.md",     /* symlink -> file */
		"crates/nowhere/RUSTSEC-2020-0009.md",  /* never existed */
		"crates/zeta/RUSTSEC-2020-0002.md",     /* modified in c2 */
		"rust/std/CVE-2018-1000657.md",         /* unchanged since c1 */
	};
	int64_t t[6];

	assert_int_equal(gitsrc_history(t, g, paths, 6, NULL, err,
	                                sizeof(err)), 0);
	assert_int_equal(t[0], T1);
	assert_int_equal(t[1], T2);
	assert_int_equal(t[2], T2);
	assert_int_equal(t[3], 0);
	assert_int_equal(t[4], T2);
	assert_int_equal(t[5], T1);

	/* Since c1: only what c2 touched has a date. */
	assert_int_equal(gitsrc_history(t, g, paths, 6, f->c1, err,
	                                sizeof(err)), 0);
	assert_int_equal(t[0], 0);
	assert_int_equal(t[1], T2);
	assert_int_equal(t[4], T2);
	assert_int_equal(t[5], 0);

	/* Back from c2 to c1: c2 is no ancestor of c1, so it hides nothing
	 * and alpha keeps its date from c1. */
	gitsrc *g1 = open_at(f, f->c1);
	assert_int_equal(gitsrc_history(t, g1, paths, 6, f->c2, err,
	                                sizeof(err)), 0);
	assert_int_equal(t[0], T1);
	assert_int_equal(t[4], T1);                 /* zeta as of c1 */
	gitsrc_close(g1);

	/* A commit this repository lacks hides nothing. */
	assert_int_equal(gitsrc_history(t, g, paths, 6,
	    "89abcdef0123456789abcdef0123456789abcdef", err, sizeof(err)), 0);
	assert_int_equal(t[0], T1);
	gitsrc_close(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gitsrc_open__slots_sorted_by_path),
		cmocka_unit_test(test_gitsrc_open__odd_entries_carry_a_reason),
		cmocka_unit_test(test_gitsrc_load__reads_the_blob),
		cmocka_unit_test(test_gitsrc_load__refuses_oversized_file),
		cmocka_unit_test(test_gitsrc_open__bad_ref_and_bad_repo),
		cmocka_unit_test(test_gitsrc_diff__lists_changed_slots),
		cmocka_unit_test(test_gitsrc_diff__unknown_or_bad_commit),
		cmocka_unit_test(test_gitsrc_diff__agrees_with_git_diff),
		cmocka_unit_test(test_gitsrc_history__last_change_of_each_path),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
