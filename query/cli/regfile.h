/*
 * regfile.h — a whole regular file into memory, for inputs that must be
 * files (a binary for `bin`, an audit.toml): opened without blocking
 * (a FIFO or a device never stalls the run: only a regular file is
 * read) and never more than the caller's cap, checked before reading.
 */
#ifndef ADVDB_CLI_REGFILE_H
#define ADVDB_CLI_REGFILE_H

#include <stddef.h>

#define REGFILE_ETOOBIG (-2)    /* larger than the cap: the caller says so */

/* Read path whole into *out (malloc'd, one spare byte past *len; freed
 * by the caller). A file that shrinks meanwhile is read to its new end;
 * one that grows, to the size it had. Returns 0; REGFILE_ETOOBIG; or -1
 * with a message in msg ("not a regular file", strerror). */
int regfile_read(char **out, size_t *len, const char *path, size_t max,
                 char *msg, size_t cap);

#endif
