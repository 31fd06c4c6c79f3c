/*
 * compile.h — one compile run: the advisories of a gitsrc commit, parsed
 * (advisory.h) and handed to a writer (writer.h), every problem into a
 * diag list. advdb-compile's main.c wraps it with the command line.
 *
 * Policy kept here: slots go in path order, so of two files with the same
 * id the first in that order wins; a bad advisory is an error, or with
 * keep_going a warning and the file is left out (its errors become
 * warnings too, plus one "skipped" line) and recorded in the writer's
 * skipped list (writer_skip: path, id, first error), so the index says
 * it is incomplete; an update removes every changed path before adding
 * any, so a moved file is not its own duplicate, and re-reads the files
 * the previous index skipped (a newer compiler may accept them, and an
 * unchanged bad file must stay listed). A file directly in crates/ or
 * rust/ is a warning (rustsec skips it; its linter refuses it). With
 * strict, every warning about an advisory is an error (ADVISORY_STRICT).
 * Drafts and advisories for another registry are parsed and left out
 * (advisory_unindexed), not skipped.
 *
 * Nothing here prints, commits or closes: the caller decides from the
 * diag list whether to writer_commit().
 */
#ifndef ADVDB_COMPILER_COMPILE_H
#define ADVDB_COMPILER_COMPILE_H

#include <signal.h>

#include "diag.h"
#include "gitsrc.h"
#include "writer.h"

typedef struct compile_opts {
	const char *source;         /* source name for the writer: "rustsec" */
	const char *label;          /* names the repository in messages */
	int keep_going;             /* skip bad advisories, with warnings */
	int strict;                 /* linter-only findings are errors */
	int history;                /* date records by their last commit */
	volatile sig_atomic_t *beat; /* bumped as work moves on, or NULL */
} compile_opts;

/* Every slot of src into w (a writer with no previous records). Returns
 * 0; problems, including a repository that cannot be read, are in d. */
int compile_full(const compile_opts *o, gitsrc *src, writer *w,
                 diag_list *d);

/*
 * Only what changed since commit prev into w, a writer that has loaded
 * the previous index (writer_load_previous). Returns 0 (problems in d),
 * or 1 when prev is not a commit of this repository: then nothing was
 * done, and the caller compiles in full on a fresh writer.
 */
int compile_changes(const compile_opts *o, gitsrc *src, writer *w,
                    const char *prev, diag_list *d);

/*
 * compile_changes in two halves, so that an update reads and parses what
 * changed while its previous index is still loading (advdb-compile's
 * main.c): compile_changes_read needs no writer; it returns 1 as
 * compile_changes does (nothing done, *out NULL), else 0 with *out (NULL
 * only when out of memory, said in d). compile_changes_apply then
 * removes the changed paths from w (loaded by writer_load_previous or
 * writer_load_finish), adds what was parsed, re-reads the files the
 * previous index skipped, and frees s. Problems go to d in both halves.
 */
typedef struct compile_stage compile_stage;
int compile_changes_read(compile_stage **out, const compile_opts *o,
                         gitsrc *src, const char *prev, diag_list *d);
void compile_changes_apply(compile_stage *s, writer *w, diag_list *d);
/* Without apply (the previous index failed to load). NULL is a no-op. */
void compile_stage_free(compile_stage *s);

#endif
