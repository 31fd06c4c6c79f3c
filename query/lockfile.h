/*
 * lockfile.h — Cargo.lock reader: formats v1 (checksums in [metadata])
 * through v4, into a flat list of packages, and on request the
 * dependency graph between them. Part of libadvdb (internal: the public
 * face is advdb_packages_read() in advdb.h); advdb-query's scan uses it
 * directly.
 *
 * Two readers fill the same lockfile: a fast one for the shape Cargo
 * writes (query/lockfast.h), which declines anything else, and the
 * general one through the TOML tree (schema/toml.h), which decides every
 * other input, every error message and line included. A lock_pkg holds
 * plain values (strings, lines), never a tree, so no consumer knows
 * which reader ran.
 *
 * Ownership: a lockfile owns the text its strings point into (the TOML
 * document, or the file's bytes the fast reader cut up); every string of
 * a lock_pkg stays valid until lockfile_free(). No state: calls on
 * different lockfiles may run on any threads at once.
 *
 * Invariants:
 *   - Every package has a non-empty name and a version that parses as
 *     semver (schema/version.h); neither contains a NUL byte. A lockfile
 *     breaking this is rejected as a whole, with the line of the culprit.
 *   - `crates_io` is set exactly when the source is the crates.io git
 *     index or sparse index URL; path packages (no source), git packages
 *     and other registries are kept in the list (they count as
 *     dependencies) but never matched against advisories.
 *   - Sizes are capped: LOCKFILE_SIZE_MAX bytes, LOCKFILE_PKGS_MAX
 *     packages. An empty (or all-blank) file is an error: Cargo never
 *     writes one. So is a file with no package (comments only, or only
 *     `version = 3`: Cargo always lists the workspace's own packages) and
 *     a manifest (Cargo.toml: a [package] table, [workspace] or
 *     [dependencies]), which says so: an input with nothing to check
 *     never reads as clean.
 */
#ifndef ADVDB_QUERY_LOCKFILE_H
#define ADVDB_QUERY_LOCKFILE_H

#include <stddef.h>

#define LOCKFILE_SIZE_MAX ((size_t)16 << 20)  /* == TOML_INPUT_MAX */
#define LOCKFILE_PKGS_MAX 200000
#define LOCKFILE_DEPS_MAX 2000000  /* dependency entries of all packages */
#define LOCKFILE_PIPE_WAIT 10  /* s a FIFO may stay silent ($ADVDB_PIPE_WAIT) */

#define CRATES_IO_GIT "registry+https://github.com/rust-lang/crates.io-index"
#define CRATES_IO_SPARSE "sparse+https://index.crates.io/"

/* A value of the lockfile that should be a string: its text, or where a
 * value of another type stands (p NULL). */
typedef struct lock_text {
	const char *p;              /* NUL-terminated; NULL: not a string */
	size_t n;                   /* bytes (a \u0000 escape counts: use n) */
	unsigned line;              /* where the value starts (1-based) */
} lock_text;

typedef struct lock_pkg {
	const char *name;
	const char *version;
	const char *source;         /* NULL for path packages */
	const char *checksum;       /* NULL when the lockfile has none */
	unsigned line;              /* where the package's table starts */
	unsigned crates_io : 1;
	const size_t *deps;         /* after lockfile_deps(): the packages it
	                               depends on, as indices into pkgs */
	size_t ndeps;
	size_t name_len, version_len;   /* strlen of name and version: whoever
	                                   fills a lock_pkg sets them */
	/* Its `dependencies` entries in order, as written (unresolved; an
	 * entry of another type has p NULL); none when absent. When
	 * `dependencies` is not an array, dep_list_bad is its line (and
	 * there are no entries); else 0. lockfile_deps() and lockdeps.h
	 * resolve the entries (lockresolve.h) and report these. */
	const lock_text *dep_list;
	size_t ndep_list;
	unsigned dep_list_bad;
	lock_text replace;          /* its `replace`; line 0 when absent */
} lock_pkg;

typedef struct lockfile {
	unsigned format;            /* 1..4 */
	size_t npkgs;
	lock_pkg *pkgs;             /* in document order ([root] first, v1) */
	unsigned has_root : 1;      /* pkgs[0] is v1's [root] table */
	struct toml_doc *doc;       /* the general reader's tree (owns its
	                               strings), or NULL */
	char *text;                 /* the fast reader's: the file's bytes,
	                               its strings cut out in place, or NULL */
	lock_text *texts;           /* owns every lock_pkg.dep_list */
	size_t *deps;               /* owns every lock_pkg.deps */
} lockfile;

typedef struct lock_error {
	unsigned line;              /* 1-based; 0 when not tied to a line */
	char msg[200];
} lock_error;

/* Parse `len` bytes of Cargo.lock text. Returns 0 and fills *out, or -1
 * with *err set (and *out zeroed). */
int lockfile_parse(lockfile *out, const char *text, size_t len,
                   lock_error *err);

/* Read and parse the file at path ("-" is stdin). Errors as
 * lockfile_parse, plus I/O and size errors (line 0). Only regular files
 * and pipes are read (a device is an error: a pty would block for ever,
 * /dev/zero never end); stdin ("-") is read whatever it is. A FIFO that shows
 * no data (nor a closed writer) within LOCKFILE_PIPE_WAIT seconds is an
 * error, so a named pipe nobody writes to cannot hang a scan. */
int lockfile_read(lockfile *out, const char *path, lock_error *err);

/* lockfile_read(), for a reader that takes other files too (scan hands
 * binaries to bin.c): when path is a regular, non-empty file whose first
 * bytes (up to LOCKFILE_HEAD) `other` claims, it is not read and 1 is
 * returned (*out zeroed): the caller reads it its own way. One open for
 * both questions (a lockfile or not, and the lockfile). Otherwise as
 * lockfile_read(); other NULL is lockfile_read(). */
#define LOCKFILE_HEAD 8
int lockfile_read_or(lockfile *out, const char *path, lock_error *err,
                     int (*other)(const unsigned char *head, size_t n));

/* Open an input as lockfile_read does, for any reader of text files
 * (`report` too): "-" is stdin (fd 0, whatever it is); otherwise only a
 * regular file or a pipe (a directory or a device is an error), and a
 * FIFO must show data or a closed writer within LOCKFILE_PIPE_WAIT
 * seconds ($ADVDB_PIPE_WAIT). Returns 0 with the descriptor in *fd
 * (blocking; the caller closes it unless it is 0), or -1 with *err set
 * (line 0). */
int lockfile_open_input(int *fd, const char *path, lock_error *err);
/*
 * Resolve every package's `dependencies` entries ("name", "name version"
 * or "name version (source)", as Cargo writes them) to the package each
 * names, into lock_pkg.deps, by cargo-lock's rules (lockresolve.h: the
 * first package of that name, version and source in the file). Separate
 * from lockfile_parse() because a scan does not need it. Returns 0 when
 * all resolve; 1 when one does not (it names no package, is not a string
 * or not one of the forms, `dependencies` is not an array, or there are
 * more than LOCKFILE_DEPS_MAX entries): then every ndeps is 0 and why is
 * in why[0..whycap) ("line N: ..." when tied to a line); -1 when out of
 * memory (every ndeps 0).
 */
int lockfile_deps(lockfile *lf, char *why, size_t whycap);

void lockfile_free(lockfile *lf);

/* Is this package source crates.io? (NULL: no) */
int lockfile_source_is_crates_io(const char *source);
/* The same for source[0..n) (no NUL needed: the fast reader's, before it
 * cuts the string out). */
int lockfile_source_is_crates_io_n(const char *source, size_t n);

#endif
