/*
 * gitsrc.h — the advisories of one commit of an advisory-db repository,
 * read from git objects (libgit2), never from a working tree.
 *
 * A *slot* is a place where an advisory may live: `crates/<pkg>/<f>.md`
 * or `rust/<component>/<f>.md`, plus any non-folder sitting directly in
 * crates/ or rust/ whose name ends in ".md" (an advisory outside a package
 * folder). Each slot is one gitsrc_entry; entries that cannot be an
 * advisory (a symlink, a submodule, a folder, an oversized or foreign
 * object) carry a reason instead of being skipped, so the driver reports
 * them as "path: message" and never crashes on them.
 *
 * Invariants:
 *   - Entries are sorted by path (bytewise), so every run sees the same
 *     order whatever git's tree order is.
 *   - No content is read until gitsrc_load(), and never more than
 *     ADVISORY_FILE_MAX bytes of it (the size is checked from the object
 *     header first).
 *   - Paths are at most GITSRC_PATH_MAX bytes; a tree with more than
 *     GITSRC_ENTRIES_MAX slots is refused as a whole.
 *   - An update reads only the trees the diff and the changed slots need:
 *     the full slot list is built only when asked for.
 *
 * Ownership: a gitsrc owns its entry list and every string in it; they
 * are valid until gitsrc_close(). The caller calls gitsrc_start() (or
 * git_libgit2_init()) before gitsrc_open() and git_libgit2_shutdown()
 * after gitsrc_close().
 */
#ifndef ADVDB_COMPILER_GITSRC_H
#define ADVDB_COMPILER_GITSRC_H

#include <stddef.h>
#include <stdint.h>

#define GITSRC_PATH_MAX 1024
#define GITSRC_ENTRIES_MAX 200000

/* Return codes besides 0 and -1 (-1: message in err). */
#define GITSRC_ENOTFOUND (-2)   /* gitsrc_diff: old commit not in the repo */

typedef struct gitsrc gitsrc;

/*
 * git_libgit2_init() with the settings a compile reads objects with:
 * trees up to 1 MiB cached (crates/ is one ~50 KB tree, past libgit2's
 * 4 KB default: without it --history parses it twice a commit), and no
 * re-hash of every object read (6-8% of a compile), as git itself reads
 * objects: damaged objects still fail in zlib or in parsing, and a
 * hostile repository can as well write hostile advisories. 0, or -1.
 */
int gitsrc_start(void);

typedef struct gitsrc_entry {
	const char *path;           /* e.g. "crates/tokio/RUSTSEC-2023-0001.md" */
	uint8_t blob[20];           /* object id the tree names */
	const char *bad;            /* why it cannot be an advisory, or NULL,
	                               e.g. "not a regular file (symlink)" */
	int stray;                  /* a file directly in crates/ or rust/,
	                               or a hidden one (GITSRC_HIDDEN):
	                               rustsec skips it, its linter (and
	                               advdb-compile --strict) refuses it */
} gitsrc_entry;

/* The `bad` of a file whose name starts with '.' in a package folder
 * (rustsec's Database skips dotfiles). */
#define GITSRC_HIDDEN "hidden file (its name starts with \".\")"

/*
 * Open the repository at repo_path (a bare repository, a .git folder or a
 * working clone; parent folders are not searched) and resolve ref (NULL
 * means HEAD: a branch, tag, remote branch such as origin/main, commit id
 * or any git revision expression) to a commit, which must have at least
 * one package folder in crates/ or rust/ (so a wrong branch, such as
 * advisory-db's `osv`, cannot make an empty index), and whose crates
 * and rust entries, where present, are folders (a submodule, symlink or
 * file there is an error, not a missing collection). Reads no package
 * folder yet.
 * Returns 0 and *out, or -1 with a message in err (*out NULL).
 */
int gitsrc_open(gitsrc **out, const char *repo_path, const char *ref,
                char *err, size_t errcap);
void gitsrc_close(gitsrc *g);

const char *gitsrc_commit(const gitsrc *g);   /* 40 hex digits */
int64_t gitsrc_commit_time(const gitsrc *g);  /* committer time, unix s */
int gitsrc_commit_tz(const gitsrc *g);        /* its UTC offset, minutes */

/*
 * Every slot of the commit, sorted by path (*out, *n). Built on the first
 * call (it reads every package folder), then kept; valid until
 * gitsrc_close(). Returns 0, or -1 with err.
 */
int gitsrc_list(const gitsrc_entry **out, size_t *n, gitsrc *g,
                char *err, size_t errcap);

/*
 * The slot at path, looked up directly (only the folders on its way are
 * read), with the same verdict the list would give. out->path is the
 * caller's path. Returns 1 and *out; 0 when there is no slot there
 * (nothing at that path, or a package folder); -1 with err.
 */
int gitsrc_lookup(gitsrc_entry *out, gitsrc *g, const char *path,
                  char *err, size_t errcap);

/*
 * Read the content of entry e (e->bad must be NULL) into a new malloc'd
 * buffer (*text, *len; NUL-terminated for convenience, len excludes it).
 * Returns 0; 1 when this entry is unusable (larger than
 * ADVISORY_FILE_MAX, or not a blob after all): err says why and *text is
 * NULL; or -1 with err when the object cannot be read (corrupt, missing,
 * out of memory).
 */
int gitsrc_load(char **text, size_t *len, gitsrc *g, const gitsrc_entry *e,
                char *err, size_t errcap);

/*
 * When each of n slot paths (sorted bytewise, e.g. from gitsrc_list) last
 * changed, as RustSec's OSV export dates `modified`: times[i] is the
 * committer time of the newest non-merge commit reachable from this one
 * (and, when since_hex is an ancestor of it, not from since_hex) whose
 * change to its parent adds or alters path i; 0 when none was found.
 * Walks the commits newest first and stops once every path has its time.
 * Returns 0, or -1 with err (also for a shallow clone, whose history is
 * cut: its dates would be wrong).
 */
int gitsrc_history(int64_t *times, gitsrc *g, const char *const *paths,
                   size_t n, const char *since_hex, char *err,
                   size_t errcap);

/*
 * Slots that may differ between commit old_hex and this one, sorted and
 * unique, as an array of paths (*paths, *n; free with
 * gitsrc_paths_free). A path may be in this commit's entries (added or
 * modified) or not (deleted). Compares the trees directly (not with
 * git's diff machinery): only package folders whose ids differ are read,
 * and nothing below them. Returns 0, GITSRC_ENOTFOUND when old_hex is not a
 * commit of this repository (the caller cannot tell what was deleted and
 * compiles in full), or -1 with err.
 */
int gitsrc_diff(char ***paths, size_t *n, gitsrc *g, const char *old_hex,
                char *err, size_t errcap);
void gitsrc_paths_free(char **paths, size_t n);

#endif
