/*
 * git_floor.c — the git part of an `advdb-compile --update`, alone: start
 * libgit2 as the compiler does (gitsrc_start), open the repository at HEAD
 * (gitsrc_open: the ref, the commit, its tree, the collection checks),
 * and list the slots changed since HEAD~1 (gitsrc_diff: the two trees
 * compared, the changed package folders read). `make bench` times it
 * beside the update as that figure's floor: the git work an update
 * cannot skip before it reads a changed advisory. It is the update's own
 * code, so the floor moves with it; only the revparse of HEAD~1 is extra
 * (the update reads that commit from the previous index), a few
 * microseconds.
 *
 * It used to be libgit2's git_diff_tree_to_tree of the two root
 * trees with object hashes verified: work the update no longer does (it
 * compares the trees itself and reads without re-hashing), so that floor
 * was ~20 M instructions higher than any update needs.
 *
 * Usage: git_floor REPO. Exit 0, or 2 (with a message) when a step fails
 * or nothing changed between HEAD~1 and HEAD.
 */
#include <git2.h>
#include <stdio.h>

#include "gitsrc_int.h"         /* g->repo, for HEAD~1 */

int main(int argc, char **argv)
{
	gitsrc *g = NULL;
	git_object *old = NULL;
	char err[1024] = "", hex[GIT_OID_HEXSZ + 1];
	char **paths = NULL;
	size_t n = 0;
	int rc = 2;

	if (argc != 2) {
		fprintf(stderr, "usage: git_floor REPO\n");
		return 2;
	}
	if (gitsrc_start() < 0) {
		fprintf(stderr, "git_floor: cannot start libgit2\n");
		return 2;
	}
	if (gitsrc_open(&g, argv[1], NULL, err, sizeof(err)) < 0)
		goto out;
	if (git_revparse_single(&old, g->repo, "HEAD~1^{commit}") < 0) {
		snprintf(err, sizeof(err), "HEAD~1: %s", gitsrc_gitmsg());
		goto out;
	}
	git_oid_tostr(hex, sizeof(hex), git_object_id(old));
	if (gitsrc_diff(&paths, &n, g, hex, err, sizeof(err)) != 0) {
		if (!err[0])
			snprintf(err, sizeof(err), "HEAD~1 not found");
		goto out;
	}
	if (n)
		rc = 0;
	else
		snprintf(err, sizeof(err), "no change between HEAD~1 and HEAD");
out:
	if (rc)
		fprintf(stderr, "git_floor: %s\n", err);
	gitsrc_paths_free(paths, n);
	git_object_free(old);
	gitsrc_close(g);
	git_libgit2_shutdown();
	return rc;
}
