/*
 * osvsrc.h — the OSV files of one import source: every *.json, *.yaml
 * and *.yml file of a git commit (read from git objects through libgit2,
 * like gitsrc.h) or of a plain folder.
 *
 * PATH is tried as a git repository first (bare, a .git folder or a
 * working clone; parent folders are not searched); when it is not one,
 * it is read as a plain folder.
 *
 * Invariants:
 *   - Files are sorted by path (bytewise), so every run sees one order.
 *   - At most OSVSRC_FILES_MAX files, paths of at most OSVSRC_PATH_MAX
 *     bytes, folders at most OSVSRC_DEPTH_MAX deep; more is an error.
 *   - A folder walk never follows a symbolic link (lstat), so it cannot
 *     loop, and skips names starting with '.' (.git, editor files).
 *     Symlinks, submodules and special files are skipped.
 *   - No file is loaded larger than YTREE_INPUT_MAX (checked first).
 *   - A folder has no commit: its id is a content digest, 40 hex digits
 *     (SHA-1 over "path NUL blob-id LF" of every file, in path order,
 *     blob ids as git computes them; a file that cannot be read counts
 *     as 40 zeros, and osvsrc_load reports it), and its time is 0.
 *
 * Ownership: an osvsrc owns its paths until osvsrc_close(). The caller
 * runs git_libgit2_init() before osvsrc_open() and shutdown after close.
 */
#ifndef ADVDB_COMPILER_OSVSRC_H
#define ADVDB_COMPILER_OSVSRC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define OSVSRC_FILES_MAX 200000
#define OSVSRC_PATH_MAX 1024
#define OSVSRC_DEPTH_MAX 32

typedef struct osvsrc osvsrc;

/* Open PATH at ref (git only; NULL: HEAD; a ref for a plain folder is an
 * error) and list its files. beat, when not NULL, is bumped as the walk
 * moves on (for the compiler's watchdog). Returns 0 and *out, or -1 with
 * a message in err. */
int osvsrc_open(osvsrc **out, const char *path, const char *ref,
                volatile sig_atomic_t *beat, char *err, size_t errcap);
void osvsrc_close(osvsrc *s);

int osvsrc_is_git(const osvsrc *s);
const char *osvsrc_id(const osvsrc *s);      /* commit or digest, 40 hex */
int64_t osvsrc_time(const osvsrc *s);        /* commit time; 0: folder */

size_t osvsrc_count(const osvsrc *s);
const char *osvsrc_path(const osvsrc *s, size_t i);   /* relative */

/* File i into a new malloc'd buffer (NUL-terminated; len without it).
 * Returns 0, or -1 with err (unreadable, or larger than the cap). */
int osvsrc_load(char **text, size_t *len, osvsrc *s, size_t i,
                char *err, size_t errcap);

#endif
