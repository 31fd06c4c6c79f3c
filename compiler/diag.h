/*
 * diag.h — the compiler's list of problems, each "path:line: message".
 *
 * Parsers below the compiler return a message with a line (and column);
 * the stage that knows the file adds the path here. The driver prints the
 * whole list at the end, so one run reports every bad advisory at once.
 * A diag list owns its strings; entries are never reordered.
 */
#ifndef ADVDB_COMPILER_DIAG_H
#define ADVDB_COMPILER_DIAG_H

#include <stddef.h>
#include "errbuf.h"     /* errbuf_set: the error out-parameter of every
                           compiler module */

#define DIAG_MSG_MAX 512        /* one message is cut (with "...") past it */
#define DIAG_KEEP_MAX 10000     /* messages kept; later ones are counted */

typedef enum diag_level { DIAG_ERROR, DIAG_WARNING } diag_level;

typedef struct diag_entry {
	diag_level level;
	char *text;                 /* "path:line: message", NUL-terminated */
	unsigned line;              /* as given to diag_add */
	size_t msg;                 /* offset of the message in text */
} diag_entry;

typedef struct diag_list {
	diag_entry *v;
	size_t n, cap;
	size_t dropped;             /* past DIAG_KEEP_MAX, or out of memory */
	size_t errors, warnings;    /* all counted, kept or not */
} diag_list;

void diag_init(diag_list *d);
void diag_free(diag_list *d);

/* Add "path:line: message"; line 0 leaves the line out ("path: message").
 * Never fails from the caller's view: out of memory counts as dropped. */
void diag_add(diag_list *d, diag_level level, const char *path,
              unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Every entry added since the list held n0 entries and e0 errors
 * becomes a warning (also the ones not kept, which are only counted):
 * how --keep-going turns a file's errors into warnings. */
void diag_demote(diag_list *d, size_t n0, size_t e0);

/* The first error kept at index n0 or later, or NULL. */
const diag_entry *diag_first_error(const diag_list *d, size_t n0);

#endif
