/*
 * bin.h — Rust binaries as scan inputs: `advdb-query bin FILE|DIR...`,
 * and `scan` given a file whose first bytes say ELF, PE, Mach-O or
 * WebAssembly. The dependency data cargo-auditable embeds is read with
 * query/binfmt.h and query/auditable.h; every crates.io package in it is
 * decided and reported exactly as a lockfile's are (audit.h, report.h),
 * with the binary's path in place of the lockfile's.
 *
 * Which files count: an operand is read whatever its name (`bin` refuses
 * one that is not a binary; `scan` reads it as a lockfile). Below a folder
 * given to `bin`, a regular file counts when it is executable (any x bit)
 * or named *.wasm, *.exe, *.dll, *.so, *.so.N or *.dylib, AND its first
 * bytes are a binary's magic: scripts and linker scripts are passed over.
 *
 * A binary without data ("no dependency data (not built with cargo
 * auditable)"), or a universal file with a slice without data, is an
 * error of that input (exit 2) unless --allow-no-data, which reports it
 * as skipped (or the slices with data) and lets the run pass.
 */
#ifndef ADVDB_CLI_BIN_H
#define ADVDB_CLI_BIN_H

#include <stddef.h>
#include <sys/stat.h>

#include "buf.h"
#include "session.h"

#define BIN_FILE_MAX ((size_t)1 << 30)  /* bytes read of one binary */

/* Is path a regular file whose first bytes are a binary's magic? (Never
 * blocks: FIFOs and devices are not binaries.) */
int bin_is_binary(const char *path);
/* The same question of a file's first bytes (lockfile_read_or's `other`:
 * LOCKFILE_HEAD of them are enough for every magic binfmt knows). */
int bin_head_is_binary(const unsigned char *head, size_t n);

/* Does a file met while walking a folder for `bin` count (see above)? */
int bin_walk_wants(const char *path, const char *name, const struct stat *st);

/*
 * Read, decide and render the binary at path (`name` is how to show it)
 * into out. Returns 0 with *status EXIT_CLEAN or EXIT_FOUND (or the
 * skipped line under --allow-no-data), or -1 with "name: message" in msg
 * and nothing in out: the caller reports it as the input's error.
 */
int bin_report(buf *out, int *status, const session *s, const char *path,
               const char *name, char *msg, size_t msgcap);

#endif
