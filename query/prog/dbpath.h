/*
 * dbpath.h — where the index lives when no -d/-o is given. Both programs
 * use this one rule, so `advdb-compile REPO` and `advdb-query X@1.0` meet:
 *
 *   $ADVDB_DB                                   if set and non-empty
 *   $XDG_DATA_HOME/advdb/advdb.lmdb             if XDG_DATA_HOME is set
 *   $HOME/.local/share/advdb/advdb.lmdb         otherwise
 */
#ifndef ADVDB_PROG_DBPATH_H
#define ADVDB_PROG_DBPATH_H

#include <stddef.h>

/* Write the default path into buf. Returns 0, or -1 when neither
 * ADVDB_DB, XDG_DATA_HOME nor HOME is set, or the path does not fit. */
int dbpath_default(char *buf, size_t cap);

/* Create the folders above path that do not exist yet (mode 0755).
 * Returns 0 or -1 (errno set). */
int dbpath_make_parent(const char *path);

#endif
