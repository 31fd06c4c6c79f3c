/*
 * stdfds.h — both programs start by making sure descriptors 0, 1 and 2
 * are open. (query/prog/ holds what advdb-compile and advdb-query do
 * alike and libadvdb never does: touch descriptors, read the
 * environment.)
 *
 * Descriptors closed by the caller (`prog <&- 2>&-`) would be handed out
 * again by open(): the index or a lockfile would become "stdin", and
 * messages to stderr would land in a file we opened. Each closed one gets
 * /dev/null before anything else is opened.
 */
#ifndef ADVDB_PROG_STDFDS_H
#define ADVDB_PROG_STDFDS_H

/* Returns 0, or -1 when /dev/null cannot take a closed slot. */
int stdfds_open(void);

#endif
