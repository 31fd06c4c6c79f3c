/*
 * testlib.h — what several unit tests need alike, written once:
 *   - the shared test data (../shared/data, or $ADVDB_SHARED) and its
 *     advisory-db bundle: a test that needs it is skipped, saying which
 *     file it looked for, when it is not there;
 *   - cloning that bundle without a shell (paths may hold any byte), and
 *     a scratch folder, made and removed (test_writer, test_sign, ...);
 *   - a git repository built in a scratch folder from a list of files
 *     (libgit2), committed with a chosen time;
 *   - versions and vulnerable ranges written as text.
 * Include it after <cmocka.h>. Everything is static inline, so each test
 * program (one .c) compiles only what it uses.
 */
#ifndef ADVDB_TESTS_TESTLIB_H
#define ADVDB_TESTS_TESTLIB_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "req.h"
#include "version.h"

/* ---- the shared test data ------------------------------------------ */

static inline const char *tl_shared_dir(void)
{
	const char *s = getenv("ADVDB_SHARED");

	return s && *s ? s : "../shared/data";
}

/* The advisory-db bundle of the shared data into buf; when it cannot be
 * read the calling test is skipped with a line that names it. */
static inline void tl_bundle_or_skip(char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/advisory-db.bundle", tl_shared_dir());

	assert_true(n > 0 && (size_t)n < cap);
	if (access(buf, R_OK) != 0) {
		print_message("# SKIP needs %s (the shared test data, "
		              "../shared/data or $ADVDB_SHARED)\n", buf);
		skip();
	}
}

/* Run argv (argv[0] found on PATH) without a shell: 0 when it exits 0,
 * else -1. */
static inline int tl_run(const char *const *argv)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* git clone -q [opt] [arg] bundle dir: 0, or -1. opt and arg may be NULL
 * ("--bare", NULL; "-b", "osv"). */
static inline int tl_git_clone(const char *bundle, const char *dir,
                               const char *opt, const char *arg)
{
	const char *argv[8];
	int i = 0;

	argv[i++] = "git";
	argv[i++] = "clone";
	argv[i++] = "-q";
	if (opt)
		argv[i++] = opt;
	if (arg)
		argv[i++] = arg;
	argv[i++] = bundle;
	argv[i++] = dir;
	argv[i] = NULL;
	return tl_run(argv);
}

/* rm -rf path, in this process (so it works under the tests' own
 * resource limits): a folder's entries first, never following a link;
 * best effort, it never fails a test. */
static inline void tl_rm_tree(const char *path, unsigned depth)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode) || depth > 64) {
		unlink(path);
		return;
	}
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = strlen(path);
	while (d && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = malloc(n + strlen(e->d_name) + 2);
		if (!p)
			break;
		sprintf(p, "%s/%s", path, e->d_name);
		tl_rm_tree(p, depth + 1);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

static inline void tl_rm_rf(const char *dir)
{
	tl_rm_tree(dir, 0);
}

/* A new scratch folder $TMPDIR/<name>.XXXXXX (/tmp without TMPDIR). */
static inline void tl_mkdtemp(char *buf, size_t cap, const char *name)
{
	const char *td = getenv("TMPDIR");
	int n = snprintf(buf, cap, "%s/%s.XXXXXX", td && *td ? td : "/tmp",
	                 name);

	assert_true(n > 0 && (size_t)n < cap);
	assert_non_null(mkdtemp(buf));
}

/* ---- versions and ranges from text ------------------------------------ */

/* The version s, which the test knows to be one. */
static inline version tl_version(const char *s)
{
	version v;
	const char *err = NULL;

	if (version_parse(&v, s, strlen(s), &err) != 0)
		fail_msg("bad test version %s: %s", s, err);
	return v;
}

/* The vulnerable range [intro, fixed); NULL for an unbounded side. */
static inline range tl_range(const char *intro, const char *fixed)
{
	range g;

	memset(&g, 0, sizeof g);
	if (intro) {
		g.has_introduced = 1;
		g.introduced = tl_version(intro);
	}
	if (fixed) {
		g.has_fixed = 1;
		g.fixed = tl_version(fixed);
	}
	return g;
}

/* ---- a git repository from files ------------------------------------- */

typedef struct tl_file {
	const char *path;           /* in the repository: "crates/a/X.md" */
	unsigned mode;              /* GIT_FILEMODE_*; 0 is a plain blob */
	const char *text;           /* the content, NUL-terminated; NULL for
	                               GIT_FILEMODE_COMMIT (a submodule: it
	                               names a commit the repository lacks) */
} tl_file;

typedef struct tl_repo {
	char dir[96];
	git_repository *repo;
} tl_repo;

/* A bare repository in a new scratch folder; libgit2 initialised until
 * tl_repo_free. 0, or -1 (for a cmocka setup function). */
static inline int tl_repo_init(tl_repo *r, const char *name)
{
	const char *td = getenv("TMPDIR");

	memset(r, 0, sizeof(*r));
	int n = snprintf(r->dir, sizeof(r->dir), "%s/%s.XXXXXX",
	                 td && *td ? td : "/tmp", name);
	if (n < 0 || (size_t)n >= sizeof(r->dir) || !mkdtemp(r->dir)) {
		r->dir[0] = '\0';
		return -1;
	}
	git_libgit2_init();
	return git_repository_init(&r->repo, r->dir, 1) < 0 ? -1 : 0;
}

static inline void tl_repo_free(tl_repo *r)
{
	git_repository_free(r->repo);
	r->repo = NULL;
	git_libgit2_shutdown();
	if (r->dir[0])
		tl_rm_rf(r->dir);
}

/* Commit the n files (the whole tree) on top of parent_hex (NULL: a root
 * commit), updating ref (e.g. "HEAD"); the commit and author time is
 * when. The new commit's id, 40 hex digits, into out. */
static inline void tl_commit(git_repository *repo, const tl_file *v,
                             size_t n, const char *parent_hex,
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
		e.mode = v[i].mode ? v[i].mode : GIT_FILEMODE_BLOB;
		if (e.mode == GIT_FILEMODE_COMMIT)
			assert_int_equal(git_oid_fromstr(&e.id,
			    "0123456789abcdef0123456789abcdef01234567"), 0);
		else
			assert_int_equal(git_blob_create_from_buffer(&e.id, repo,
			                 v[i].text, strlen(v[i].text)), 0);
		if (git_index_add(ix, &e) < 0)
			fail_msg("git_index_add %s: %s", v[i].path,
			         git_error_last()->message);
	}
	assert_int_equal(git_index_write_tree_to(&tree_id, ix, repo), 0);
	assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
	assert_int_equal(git_signature_new(&sig, "t", "t@localhost",
	                                   (git_time_t)when, 0), 0);
	if (parent_hex) {
		assert_int_equal(git_oid_fromstr(&pid, parent_hex), 0);
		assert_int_equal(git_commit_lookup(&parent, repo, &pid), 0);
	}
	const git_commit *parents[1] = { parent };
	assert_int_equal(git_commit_create(&id, repo, ref, sig, sig, NULL, "t",
	                                   tree, parent ? 1 : 0, parents), 0);
	git_oid_tostr(out, 41, &id);
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(ix);
}

#endif
