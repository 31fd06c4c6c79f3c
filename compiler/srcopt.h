/*
 * srcopt.h — advdb-compile's extra advisory sources on the command line,
 * and their run:
 *
 *     --source osv[:NAME][@REF] PATH      (also --source=SPEC PATH)
 *
 * PATH is a git repository (REF: the commit to read, default HEAD) or a
 * plain folder of OSV files (*.json, *.yaml, *.yml; see osvsrc.h). NAME
 * names the source in the index (`info`, the `sources` keys): default
 * "osv" for the first unnamed one, then "osv2", "osv3" ... Names are
 * letters, digits, '-' and '_', at most 32 bytes, unique, and never
 * "rustsec" (the REPO's source).
 *
 * Ownership: the specs point into argv; nothing is allocated.
 */
#ifndef ADVDB_COMPILER_SRCOPT_H
#define ADVDB_COMPILER_SRCOPT_H

#include <signal.h>
#include <stddef.h>

#include "diag.h"
#include "writer.h"

#define SRCOPT_MAX 8            /* --source options in one compile */
#define SRCOPT_NAME_MAX 32

typedef struct srcopt {
	char name[SRCOPT_NAME_MAX + 1];
	char ref[256];              /* "" for none */
	const char *path;
} srcopt;

typedef struct srcopts {
	srcopt v[SRCOPT_MAX];
	size_t n;
} srcopts;

/*
 * Take every `--source SPEC PATH` out of argv (in place: *argc shrinks,
 * the other arguments keep their order) into out. A "--" ends the
 * search. Returns 0, or -1 with a message in err (bad spec, missing
 * PATH, too many, duplicate name).
 */
int srcopt_take(srcopts *out, int *argc, char **argv, char *err,
                size_t errcap);

/*
 * Import each source into w, in order, after whatever w already holds,
 * recording each one (writer_set_source: its commit, or a plain folder's
 * digest with time 0). Problems go to d; one summary line per source is
 * written into the caller's lines (n of them, each at most 256 bytes,
 * may be NULL). Returns 0, or -1 after an error added to d.
 */
int srcopt_run(const srcopts *s, writer *w, int keep_going,
               volatile sig_atomic_t *beat, diag_list *d,
               char (*lines)[256]);

#endif
