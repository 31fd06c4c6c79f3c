/*
 * gitsrc_int.h — what gitsrc.c and githist.c share, and nobody else: the
 * gitsrc structure and a few helpers over libgit2 trees. Not an
 * interface; include gitsrc.h instead.
 */
#ifndef ADVDB_COMPILER_GITSRC_INT_H
#define ADVDB_COMPILER_GITSRC_INT_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "gitsrc.h"

#define GITSRC_NCOLL 2
extern const char *const gitsrc_collections[GITSRC_NCOLL]; /* crates, rust */

struct gitsrc {
	git_repository *repo;
	git_odb *odb;
	git_commit *commit;
	git_tree *tree;
	char commit_hex[GIT_OID_HEXSZ + 1];
	int64_t commit_time;
	gitsrc_entry *v;            /* the slot list, once listed */
	size_t n, cap;
	int listed;
};

/* libgit2's own message for its last failure, never NULL. */
const char *gitsrc_gitmsg(void);

/* Does the name end in ".md" after at least one character? */
int gitsrc_ends_md(const char *name);

/* The folder `name` right below root: 0 and *out (NULL when there is no
 * such folder), or libgit2's negative error. */
int gitsrc_subtree(git_tree **out, git_repository *repo, git_tree *root,
                   const char *name);

#endif
