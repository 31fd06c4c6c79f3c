/*
 * git_floor.c — the git part of an `advdb-compile --update`, alone: start
 * libgit2, open the repository, and diff the trees of HEAD~1 and HEAD.
 * `make bench` times it beside the update as that figure's floor: the
 * work an update cannot skip before it reads a changed advisory.
 *
 * Usage: git_floor REPO. Exit 0, or 2 (with a message) when a step fails.
 */
#include <git2.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	git_repository *repo = NULL;
	git_object *old = NULL, *new = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	int rc = 2;

	if (argc != 2) {
		fprintf(stderr, "usage: git_floor REPO\n");
		return 2;
	}
	if (git_libgit2_init() < 0)
		goto out;
	if (git_repository_open_ext(&repo, argv[1], 0, NULL) < 0 ||
	    git_revparse_single(&old, repo, "HEAD~1^{tree}") < 0 ||
	    git_revparse_single(&new, repo, "HEAD^{tree}") < 0 ||
	    git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, (git_tree *)old,
	                          (git_tree *)new, &o) < 0)
		goto out;
	rc = git_diff_num_deltas(diff) > 0 ? 0 : 2;
out:
	if (rc)
		fprintf(stderr, "git_floor: %s\n", git_error_last() ?
		        git_error_last()->message : "no change between HEAD~1 "
		        "and HEAD");
	git_diff_free(diff);
	git_object_free(old);
	git_object_free(new);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
