/*
 * osvimport.h — one OSV source (osvsrc.h) into a writer that may already
 * hold the advisories of earlier sources (the RustSec repository first,
 * then each --source in command-line order).
 *
 * Policy kept here:
 *   - Files go in path order; each is parsed by osv.h. A bad file is an
 *     error, or with keep_going a warning and the file is left out.
 *   - One vulnerability is one record. An OSV record is the same
 *     vulnerability as a record of an earlier source when it has the same
 *     id, or, for the same package, when its id or one of its aliases
 *     equals that record's id or one of its aliases (so RUSTSEC, GHSA and
 *     CVE ids link up; a CVE naming two crates stays two records, and
 *     advisories of one source are never merged with each other; a
 *     repeated id within one source is an error). Then nothing is added: the
 *     earlier source wins, so the RustSec source always does. When the two
 *     disagree on what is affected (package, vulnerable ranges, or
 *     withdrawn), a warning names both sources and paths. Either way the
 *     kept record gains the OSV record's id and aliases as aliases (it is
 *     re-added under its own source and path), so every id of the
 *     vulnerability finds it.
 *   - A file naming several crates.io packages adds its first package's
 *     record (the index keeps one package per id) and warns about the
 *     others.
 * Nothing here prints or commits.
 */
#ifndef ADVDB_COMPILER_OSVIMPORT_H
#define ADVDB_COMPILER_OSVIMPORT_H

#include <signal.h>
#include <stddef.h>

#include "diag.h"
#include "osvsrc.h"
#include "writer.h"

typedef struct osvimport_opts {
	const char *source;         /* source name, e.g. "osv" */
	int keep_going;
	volatile sig_atomic_t *beat; /* bumped per file, or NULL */
} osvimport_opts;

typedef struct osvimport_stats {
	size_t files;               /* OSV files read */
	size_t added;               /* records added */
	size_t merged;              /* same vulnerability as an earlier one */
	size_t conflicts;           /* ... that disagreed (warned) */
	size_t other_ecosystems;    /* affected entries skipped */
	size_t bad;                 /* files with errors (left out) */
} osvimport_stats;

/* Every file of src into w. Returns 0 (problems are in d), or -1 when out
 * of memory (also in d). */
int osvimport_run(const osvimport_opts *o, osvsrc *src, writer *w,
                  diag_list *d, osvimport_stats *st);

#endif
