/*
 * folderdigest.h — the content digest of a plain folder given in place of
 * a git repository (an OSV folder, `--source`; a crates.io index folder,
 * `--crates-index`): the git blob id of the lines
 * `path NUL blob-id-hex LF` of its files in path order (SCHEMA.md,
 * `sources`). One owner, so both inputs name a folder the same way.
 */
#ifndef ADVDB_COMPILER_FOLDERDIGEST_H
#define ADVDB_COMPILER_FOLDERDIGEST_H

#include <git2.h>
#include <stddef.h>

typedef struct folder_digest {
	char *list;
	size_t used, cap;
	int oom;
} folder_digest;

/* Start empty (all zero is the same). */
void folder_digest_init(folder_digest *d);

/* The next file, in path order, and its blob id. 0, or -1 out of memory
 * (then folder_digest_end fails too). */
int folder_digest_add(folder_digest *d, const char *path, const git_oid *id);

/* The digest as 40 hex digits and a NUL; frees the list. 0, or -1 (out
 * of memory, or libgit2 could not hash). */
int folder_digest_end(folder_digest *d, char hex[41]);

/* Drop an unfinished digest (after folder_digest_end: nothing to do). */
void folder_digest_free(folder_digest *d);

#endif
