/*
 * cratesrc.h — a crates.io index mirror (advdb-compile --crates-index)
 * read into a writer's `crates` (writer.h): a git repository (bare or
 * not, at a ref, through libgit2) or a plain folder in the index layout
 * (cratesidx.h).
 *
 * Policy kept here:
 *   - Malformed lines and files (outside the layout, unreadable, too big,
 *     a symlink, no valid version) are warnings in d, `path:line:`, and
 *     left out; with strict they are errors. Only a mirror that cannot
 *     be opened at all is fatal here (-1).
 *   - An update of a git mirror whose previous commit the writer knows
 *     (writer_crates_commit) and the repository holds re-reads only the
 *     files git's tree diff names; a folder, or an unknown previous
 *     commit, is read whole.
 *   - A folder's "commit" is its content digest (time 0): the git blob
 *     id of the lines `path NUL blob-id-hex LF` of its index files in
 *     path order, as for an OSV folder (SCHEMA.md `sources`).
 */
#ifndef ADVDB_COMPILER_CRATESRC_H
#define ADVDB_COMPILER_CRATESRC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "writer.h"

typedef struct cratesrc_stats {
	char commit[41];            /* commit, or the folder's digest */
	int64_t time;               /* commit time; 0 for a folder */
	int git;                    /* read from a git repository */
	int incremental;            /* only the changed files were read */
	size_t files;               /* index files read */
	size_t crates;              /* of them with a valid version */
	uint64_t versions, yanked;  /* in the files read */
	uint64_t bad_lines, bad_files;
} cratesrc_stats;

/* Read the mirror at path (ref: a git revision, NULL for HEAD; a folder
 * takes none) into w. With update, only what changed since the
 * previous index's mirror commit, when that can be known. 0 (problems
 * in d), or -1 with err. beat (or NULL) is bumped as files are read. */
int cratesrc_read(writer *w, const char *path, const char *ref, int update,
                  int strict, diag_list *d, cratesrc_stats *st,
                  volatile sig_atomic_t *beat, char *err, size_t errcap);

#endif
