/**
 * @file advdb.h
 * @brief libadvdb, the reader of an advdb index.
 *
 * An index is one LMDB file written by advdb-compile (schema/SCHEMA.md
 * describes it byte by byte). This library opens it read-only and answers
 * "which advisories affect NAME@VERSION?" without allocating, fetches full
 * advisory records, iterates packages and advisories, and reads the
 * packages of a Cargo.lock or of a Rust binary built with cargo-auditable,
 * so that a scanner embedding it parses neither itself.
 *
 * @par Conventions (as libgit2)
 *   - Every call that can fail returns 0 (#ADVDB_OK) or a negative
 *     #advdb_error; out-parameters come first. advdb_strerror() names a
 *     code.
 *   - Structs a caller fills or hands in (advdb_query, advdb_info,
 *     advdb_skipped, advdb_error_info) start with a `version` field: set
 *     it with the struct's `_INIT` macro or its `_init()` call before the
 *     first use. A library that does not know the version refuses the call
 *     with #ADVDB_EINVAL, so a program built against a newer header never
 *     has a struct misread. advdb_match and advdb_package are filled by the
 *     library and never change layout within a soname.
 *   - No bitfields, only plain integers, pointers and fixed arrays: every
 *     struct here can be declared as it is in Go (cgo), Python (ctypes) or
 *     Rust (bindgen). Enums are int-sized.
 *
 * @par Errors
 *   - Each call that reads through a handle has an `_ex` form with a last
 *     parameter `advdb_error_info *err`. When err is not NULL and the call
 *     fails, err->code and err->message tell why (messages name the file,
 *     package, version or advisory concerned); on success err is left as
 *     it was. This is the way to read errors from several threads, from
 *     goroutines (which move between threads) or from any binding: the
 *     message belongs to the call, not to a thread.
 *   - The forms without `_ex` (and `_ex` with err NULL) record the message
 *     in the handle instead, for advdb_last_error(): the message of the
 *     most recent such failing call on the handle, from any thread. It is
 *     a convenience for programs that use a handle from one thread at a
 *     time; when several threads may fail on one handle at once, use err.
 *   - advdb_open() has no handle yet: it writes its message into the
 *     caller's buffer.
 *
 * @par Threads and state
 *   - The library keeps no global or thread-local state and needs no
 *     initialisation. One handle may be shared by any number of threads
 *     that read at once (lookups take a reusable read transaction from a
 *     small lock-free pool in the handle, so a steady-state lookup
 *     allocates nothing); any number of handles may be open at once.
 *   - advdb_close() must not race with other calls on the same handle.
 *
 * @par Ownership and lifetimes
 *   - An advdb handle is owned by the caller and released by advdb_close().
 *   - advdb_match arrays are caller-owned; the library fills them and keeps
 *     nothing. Strings inside an advdb_match are copied into it.
 *   - An advdb_advisory from advdb_advisory_get() is owned by the caller
 *     and released with advdb_advisory_free(); all its strings live in it,
 *     so it may outlive the handle.
 *   - Iterators are owned by the caller and released with
 *     advdb_iter_free(), before advdb_close() of their handle (they hold a
 *     read snapshot).
 *   - An advdb_packages from advdb_packages_read() is owned by the caller
 *     and released with advdb_packages_free(); it copies what it keeps, so
 *     the input buffer may be freed as soon as the call returns.
 *
 * @par Versions and the soname
 *   - #ADVDB_VERSION_MAJOR, #ADVDB_VERSION_MINOR and #ADVDB_VERSION_PATCH
 *     are the version of this header, and the one version of the whole
 *     project (both programs' --version and advdb.pc read it from here);
 *     advdb_version() gives the library's, which may be newer.
 *   - The shared library is libadvdb.so.#ADVDB_SOVERSION. Its exported
 *     symbols are exactly the `advdb_` calls declared here with
 *     #ADVDB_EXTERN (symbol version node advdb_0). The soname changes,
 *     and only then, when a change would break a program built against an
 *     earlier release of the same soname: a call removed or its signature
 *     changed, a field of a public struct moved, resized or removed, an
 *     enum value or flag renumbered, or advdb_match / advdb_package
 *     changing layout. Adding calls, enum values, flags, or a new version
 *     of a versioned struct (the old version still accepted) keeps the
 *     soname; new calls then go into a new symbol version node.
 *
 * @par Replacing an index file under readers
 *   - An open handle maps the file read-only; it never copies it. The
 *     file must therefore never change in place while a handle is open.
 *     Replace an index by renaming a complete new file over its name:
 *     advdb-compile does (it writes beside the target and renames), and
 *     `advdb-compile --install NEW -o DB` copies a file beside DB and
 *     renames it into place. Open handles keep reading the old file
 *     (the rename leaves it intact until they close); advdb_open() again
 *     to see the new one. Never `cp NEW DB` or write into DB.
 *   - If the file is truncated or rewritten in place anyway, the next
 *     read of a page the file no longer holds makes the kernel send the
 *     process SIGBUS, which kills it by default; pages rewritten with
 *     other content give #ADVDB_ECORRUPT or, at worst, answers from a mix
 *     of two indexes. The library cannot catch this: a signal handler is
 *     process-wide state, which it does not keep. A program that must
 *     survive such a writer installs its own SIGBUS handler (advdb-query
 *     prints a message naming the index and exits 2), and must then
 *     treat every handle on that file as dead.
 */
#ifndef ADVDB_H
#define ADVDB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Declares a call of the public API: exported from the shared library
 * (which is built with -fvisibility=hidden, so nothing else is), as
 * libgit2's GIT_EXTERN.
 */
#if defined(__GNUC__) && __GNUC__ >= 4
#define ADVDB_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
#define ADVDB_EXTERN(type) extern type
#endif

/* ---- versions ---- */

/** Major version of this header (and of the project). */
#define ADVDB_VERSION_MAJOR 0
/** Minor version of this header. */
#define ADVDB_VERSION_MINOR 1
/** Patch version of this header. */
#define ADVDB_VERSION_PATCH 0
/** The version as one comparable number: MAJOR * 10000 + MINOR * 100 +
 * PATCH (0.1.0 is 100). */
#define ADVDB_VERSION_NUMBER (ADVDB_VERSION_MAJOR * 10000 + \
                              ADVDB_VERSION_MINOR * 100 + \
                              ADVDB_VERSION_PATCH)
/** @cond internal */
#define ADVDB_STR_(x) #x
#define ADVDB_STR(x) ADVDB_STR_(x)
/** @endcond */
/** The version as text, "MAJOR.MINOR.PATCH". */
#define ADVDB_VERSION ADVDB_STR(ADVDB_VERSION_MAJOR) "." \
                      ADVDB_STR(ADVDB_VERSION_MINOR) "." \
                      ADVDB_STR(ADVDB_VERSION_PATCH)
/** The N of the shared library's soname, libadvdb.so.N. */
#define ADVDB_SOVERSION 0

/**
 * The version of the library actually loaded (which may differ from the
 * header a program was built with). Any pointer may be NULL.
 * @param major receives #ADVDB_VERSION_MAJOR of the library
 * @param minor receives #ADVDB_VERSION_MINOR of the library
 * @param patch receives #ADVDB_VERSION_PATCH of the library
 */
ADVDB_EXTERN(void) advdb_version(int *major, int *minor, int *patch);

/* ---- errors ---- */

/** Return codes. Values are stable; new ones are added below the last. */
typedef enum advdb_error {
	ADVDB_OK = 0,           /**< success */
	ADVDB_ERROR = -1,       /**< anything else; see the message */
	ADVDB_ENOTFOUND = -2,   /**< no such file, package or advisory */
	ADVDB_ECORRUPT = -3,    /**< the index file or a record is damaged */
	ADVDB_ESCHEMA = -4,     /**< written by a newer (or older) schema */
	ADVDB_ENOTDB = -5,      /**< a file that is not an advdb index */
	ADVDB_EVERSION = -6,    /**< a version string that is not semver */
	ADVDB_EINVAL = -7,      /**< a bad argument (NULL, unknown flags, a
	                             struct version this library does not
	                             know) */
	ADVDB_ENOMEM = -8,      /**< out of memory */
	ADVDB_EBUFS = -9,       /**< more matches than the array holds */
	ADVDB_ESIGNATURE = -10, /**< the index's signature is missing, made by
	                             another key, malformed, or does not
	                             match */
	ADVDB_EKEY = -11,       /**< a public key file that is not usable */
	ADVDB_EINPUT = -12,     /**< an input buffer that is not a readable
	                             Cargo.lock or binary (the message says
	                             why, and the line for a lockfile) */
	ADVDB_ENODATA = -13,    /**< a binary without cargo-auditable
	                             dependency data */
	ADVDB_ENOINDEX = -14    /**< the index has no crates.io index
	                             (advdb-compile --crates-index) */
} advdb_error;

/**
 * A static text for an error code ("unknown error" for a value that is
 * not one). Never NULL.
 * @param code an #advdb_error value
 */
ADVDB_EXTERN(const char *) advdb_strerror(int code);

/** Bytes of advdb_error_info.message, with its NUL. */
#define ADVDB_ERROR_MSG_MAX 512

/**
 * Why a call failed: handed to the `_ex` calls by the caller, filled by
 * the library when the call fails (and left as it was when it succeeds).
 * Set version with #ADVDB_ERROR_INFO_INIT or advdb_error_info_init().
 * An err of an unknown version makes the call fail with #ADVDB_EINVAL
 * without writing into it.
 */
typedef struct advdb_error_info {
	unsigned version;       /**< #ADVDB_ERROR_INFO_VERSION */
	int code;               /**< the failing call's return value */
	unsigned line;          /**< for #ADVDB_EINPUT from a lockfile: its
	                             1-based line; else 0 */
	char message[ADVDB_ERROR_MSG_MAX]; /**< NUL-terminated UTF-8; never
	                             empty after a failure */
} advdb_error_info;

/** The current version of advdb_error_info. */
#define ADVDB_ERROR_INFO_VERSION 1
/** Initialiser of an advdb_error_info. */
#define ADVDB_ERROR_INFO_INIT { ADVDB_ERROR_INFO_VERSION, 0, 0, { 0 } }

/**
 * Zero *err and set its version.
 * @param err the struct to initialise
 * @param version #ADVDB_ERROR_INFO_VERSION
 * @return #ADVDB_OK, or #ADVDB_EINVAL (err NULL, or a version this
 *         library does not know)
 */
ADVDB_EXTERN(int) advdb_error_info_init(advdb_error_info *err,
                                        unsigned version);

/* ---- opening an index ---- */

/** An open index (opaque). */
typedef struct advdb advdb;

/**
 * Open the index at path, read-only.
 *
 * The file is never written and no lock file is made (the compiler never
 * changes an index in place), so an index in a read-only place works.
 * Before anything is read through LMDB, the file's length and every LMDB
 * page a lookup can reach are checked (tens of microseconds for the real
 * database), so a damaged file is an error here, never a crash later. The
 * pages of the advisory and alias blocks, which only showing an advisory
 * reads, and of the crates index are checked the same way on their first
 * use by the handle: a damaged one is then that call's error
 * (#ADVDB_ECORRUPT), and every later call's.
 *
 * @param out receives the handle; NULL on failure
 * @param path the index file
 * @param flags 0 (no flags are defined yet)
 * @param errbuf when not NULL, receives a message naming the file on
 *        failure (at most errcap bytes, NUL-terminated)
 * @param errcap bytes of errbuf
 * @return #ADVDB_OK;
 *   #ADVDB_ENOTFOUND no such file;
 *   #ADVDB_ENOTDB a directory, an empty file, not an LMDB file, or an
 *   LMDB file that is not an advdb index (no magic);
 *   #ADVDB_ECORRUPT truncated (shorter than the pages it uses) or damaged;
 *   #ADVDB_ESCHEMA another schema version (the message says newer or
 *   older, and what to do);
 *   #ADVDB_EINVAL, #ADVDB_ENOMEM or #ADVDB_ERROR (e.g. permission denied).
 */
ADVDB_EXTERN(int) advdb_open(advdb **out, const char *path, unsigned flags,
                             char *errbuf, size_t errcap);

/**
 * Close a handle (NULL is allowed). Nothing may use it, or an iterator
 * made from it, afterwards.
 * @param db the handle
 */
ADVDB_EXTERN(void) advdb_close(advdb *db);

/**
 * The message of the most recent failing call on db made without an
 * error struct (see Errors above), or "" when there was none. Valid until
 * the next such failing call on db or advdb_close(). Never NULL: for a
 * NULL db, "no database handle".
 * @param db the handle
 */
ADVDB_EXTERN(const char *) advdb_last_error(const advdb *db);

/* ---- lookup ---- */

/** What an advisory is. */
typedef enum advdb_kind {
	ADVDB_KIND_VULNERABILITY = 0, /**< a vulnerability */
	ADVDB_KIND_UNMAINTAINED = 1,  /**< informational: unmaintained */
	ADVDB_KIND_UNSOUND = 2,       /**< informational: unsound */
	ADVDB_KIND_NOTICE = 3,        /**< informational: notice */
	ADVDB_KIND_OTHER = 4          /**< another informational word */
} advdb_kind;

/** CVSS severity of an advisory. */
typedef enum advdb_severity {
	ADVDB_SEV_NONE = 0,         /**< no CVSS score */
	ADVDB_SEV_LOW = 1,          /**< 0.1 - 3.9 */
	ADVDB_SEV_MEDIUM = 2,       /**< 4.0 - 6.9 */
	ADVDB_SEV_HIGH = 3,         /**< 7.0 - 8.9 */
	ADVDB_SEV_CRITICAL = 4      /**< 9.0 - 10.0 */
} advdb_severity;

/** Bytes of advdb_match.id, with its NUL (ids are at most 63 bytes). */
#define ADVDB_ID_MAX 64

/**
 * One advisory that matched a lookup. Filled by the library into the
 * caller's array; 76 bytes, no padding inside; its layout never changes
 * within a soname.
 */
typedef struct advdb_match {
	char id[ADVDB_ID_MAX];      /**< NUL-terminated advisory id */
	advdb_kind kind;            /**< vulnerability or informational */
	advdb_severity severity;    /**< from its CVSS score */
	uint16_t cvss_score10;      /**< CVSS base score * 10; 0 if none */
	uint8_t withdrawn;          /**< 1: withdrawn (reported only with
	                                 #ADVDB_Q_WITHDRAWN); else 0 */
	uint8_t has_functions;      /**< 1: it lists affected functions */
} advdb_match;

/**
 * Lookup options: which collection, target and advisories. Set version
 * with #ADVDB_QUERY_INIT or advdb_query_init(), then what you need. A
 * NULL advdb_query means the defaults (crates collection, withdrawn
 * advisories skipped, any os and arch).
 */
typedef struct advdb_query {
	unsigned version;           /**< #ADVDB_QUERY_VERSION */
	const char *os;             /**< target os (e.g. "linux"), or NULL */
	const char *arch;           /**< target arch (e.g. "x86_64"), or NULL */
	unsigned flags;             /**< ADVDB_Q_* */
} advdb_query;

/** The current version of advdb_query. */
#define ADVDB_QUERY_VERSION 1
/** Initialiser of an advdb_query: the defaults. */
#define ADVDB_QUERY_INIT { ADVDB_QUERY_VERSION, NULL, NULL, 0 }

/** advdb_query.flags: also report withdrawn advisories. */
#define ADVDB_Q_WITHDRAWN 0x01
/** advdb_query.flags: look in the `rust` collection (std, cargo, rustdoc,
 * ...) instead of crates. */
#define ADVDB_Q_TOOLCHAIN 0x02

/**
 * Set *q to the defaults, with its version.
 * @param q the struct to initialise
 * @param version #ADVDB_QUERY_VERSION
 * @return #ADVDB_OK, or #ADVDB_EINVAL (q NULL, or a version this library
 *         does not know)
 */
ADVDB_EXTERN(int) advdb_query_init(advdb_query *q, unsigned version);

/**
 * Which advisories affect crate `name` at `version`?
 *
 * Fills up to cap matches (ordered by advisory id) and sets *nout to the
 * number found. With q->os (q->arch) set, an advisory restricted to some
 * os (arch) list applies only when that os (arch) is in it; an
 * unrestricted one always applies. Informational advisories are matched
 * too: check kind. Does not allocate (after the handle's first lookups,
 * which make the read transactions it then reuses).
 *
 * @param out the caller's array (may be NULL when cap is 0)
 * @param cap its length
 * @param nout receives the number of matches (also past cap)
 * @param db the handle
 * @param name the crate name (NUL-terminated)
 * @param version its version (semver, NUL-terminated)
 * @param q the scope, or NULL for the defaults
 * @return #ADVDB_OK (also when nothing matches or the package is
 *   unknown); #ADVDB_EVERSION for a bad version; #ADVDB_EBUFS when more
 *   than cap matched (*nout then holds the full count and the first cap
 *   are filled); #ADVDB_EINVAL (NULL argument, empty name, unknown flags
 *   or q->version); #ADVDB_ECORRUPT.
 */
ADVDB_EXTERN(int) advdb_lookup(advdb_match *out, size_t cap, size_t *nout,
                               advdb *db, const char *name,
                               const char *version, const advdb_query *q);

/**
 * advdb_lookup() with explicit lengths (name and version need not be
 * NUL-terminated).
 * @param out the caller's array (may be NULL when cap is 0)
 * @param cap its length
 * @param nout receives the number of matches
 * @param db the handle
 * @param name the crate name
 * @param name_len its bytes
 * @param version its version
 * @param version_len its bytes
 * @param q the scope, or NULL for the defaults
 * @return as advdb_lookup()
 */
ADVDB_EXTERN(int) advdb_lookup_n(advdb_match *out, size_t cap, size_t *nout,
                                 advdb *db, const char *name,
                                 size_t name_len, const char *version,
                                 size_t version_len, const advdb_query *q);

/**
 * advdb_lookup() with explicit lengths and an error struct: the form for
 * threads and bindings (a Go string passes as pointer and length).
 * @param out the caller's array (may be NULL when cap is 0)
 * @param cap its length
 * @param nout receives the number of matches
 * @param db the handle
 * @param name the crate name
 * @param name_len its bytes
 * @param version its version
 * @param version_len its bytes
 * @param q the scope, or NULL for the defaults
 * @param err receives the reason of a failure, or NULL (then the handle
 *        keeps it for advdb_last_error())
 * @return as advdb_lookup()
 */
ADVDB_EXTERN(int) advdb_lookup_ex(advdb_match *out, size_t cap,
                                  size_t *nout, advdb *db, const char *name,
                                  size_t name_len, const char *version,
                                  size_t version_len, const advdb_query *q,
                                  advdb_error_info *err);

/**
 * Every advisory of crate `name` in the scope of q, whatever the version:
 * what advdb_lookup() would match for some version, without the version
 * test (so an advisory here may affect no version at all, e.g. one whose
 * ranges are empty). Meant for questions about sets of versions, such as
 * requirements: fetch each advisory with advdb_advisory_get() and read
 * its ranges with advdb_advisory_range(). Fills up to cap matches, in
 * advisory id order. Does not allocate, as advdb_lookup().
 * @param out the caller's array (may be NULL when cap is 0)
 * @param cap its length
 * @param nout receives the number found (also past cap)
 * @param db the handle
 * @param name the crate name (NUL-terminated)
 * @param q the scope, or NULL; with #ADVDB_Q_TOOLCHAIN the `rust`
 *        collection
 * @return #ADVDB_OK (also for an unknown package: *nout 0),
 *   #ADVDB_EINVAL (NULL or empty name, unknown q->flags or q->version),
 *   #ADVDB_EBUFS when more than cap (*nout then holds the full count and
 *   the first cap are filled), or #ADVDB_ECORRUPT.
 */
ADVDB_EXTERN(int) advdb_package_advisories(advdb_match *out, size_t cap,
                                           size_t *nout, advdb *db,
                                           const char *name,
                                           const advdb_query *q);

/**
 * advdb_package_advisories() with an explicit length and an error struct.
 * @param out the caller's array (may be NULL when cap is 0)
 * @param cap its length
 * @param nout receives the number found
 * @param db the handle
 * @param name the crate name
 * @param name_len its bytes
 * @param q the scope, or NULL
 * @param err receives the reason of a failure, or NULL
 * @return as advdb_package_advisories()
 */
ADVDB_EXTERN(int) advdb_package_advisories_ex(advdb_match *out, size_t cap,
                                              size_t *nout, advdb *db,
                                              const char *name,
                                              size_t name_len,
                                              const advdb_query *q,
                                              advdb_error_info *err);

/* ---- full advisories ---- */

/** One advisory, decoded (opaque; read it with the accessors below). */
typedef struct advdb_advisory advdb_advisory;

/**
 * Fetch and decompress one advisory by id, or by a CVE/GHSA alias (the
 * first advisory carrying it).
 * @param out receives the advisory (free it with advdb_advisory_free());
 *        NULL on failure
 * @param db the handle
 * @param id an advisory id or alias (NUL-terminated)
 * @return #ADVDB_OK; #ADVDB_ENOTFOUND when there is none;
 *   #ADVDB_ECORRUPT when the stored record is damaged, or declares a size
 *   that is unknown or above 32 MiB (refused before allocating);
 *   #ADVDB_EINVAL; #ADVDB_ENOMEM.
 */
ADVDB_EXTERN(int) advdb_advisory_get(advdb_advisory **out, advdb *db,
                                     const char *id);

/**
 * advdb_advisory_get() with an error struct.
 * @param out receives the advisory; NULL on failure
 * @param db the handle
 * @param id an advisory id or alias (NUL-terminated)
 * @param err receives the reason of a failure, or NULL
 * @return as advdb_advisory_get()
 */
ADVDB_EXTERN(int) advdb_advisory_get_ex(advdb_advisory **out, advdb *db,
                                        const char *id,
                                        advdb_error_info *err);

/**
 * Free an advisory (NULL is allowed).
 * @param a the advisory
 */
ADVDB_EXTERN(void) advdb_advisory_free(advdb_advisory *a);

/** Single-string fields of an advisory; NULL when absent. */
typedef enum advdb_field {
	ADVDB_F_ID,                 /**< "RUSTSEC-2021-0001" */
	ADVDB_F_PACKAGE,            /**< the crate (or toolchain component) */
	ADVDB_F_TITLE,              /**< one line */
	ADVDB_F_DESCRIPTION,        /**< Markdown */
	ADVDB_F_DATE,               /**< "YYYY-MM-DD" of the report */
	ADVDB_F_WITHDRAWN,          /**< "YYYY-MM-DD", when withdrawn */
	ADVDB_F_URL,                /**< the advisory's own URL */
	ADVDB_F_LICENSE,            /**< e.g. "CC0-1.0" */
	ADVDB_F_INFORMATIONAL,      /**< the informational word, if any */
	ADVDB_F_CVSS,               /**< the CVSS vector */
	ADVDB_F_SOURCE,             /**< the source it was compiled from */
	ADVDB_F_PATH,               /**< its file in that source */
	ADVDB_F_COLLECTION          /**< "crates" or "rust" */
} advdb_field;

/** Lists of strings of an advisory. */
typedef enum advdb_list {
	ADVDB_L_ALIASES,            /**< CVE, GHSA ids */
	ADVDB_L_RELATED,            /**< related advisory ids */
	ADVDB_L_CATEGORIES,         /**< e.g. "memory-corruption" */
	ADVDB_L_KEYWORDS,           /**< free words */
	ADVDB_L_REFERENCES,         /**< URLs */
	ADVDB_L_OS,                 /**< the os it is restricted to */
	ADVDB_L_ARCH,               /**< the arch it is restricted to */
	ADVDB_L_PATCHED,            /**< requirement strings, as written */
	ADVDB_L_UNAFFECTED          /**< requirement strings, as written */
} advdb_list;

/**
 * A single-string field, or NULL when absent (or f unknown). Valid until
 * advdb_advisory_free().
 * @param a the advisory
 * @param f which field
 */
ADVDB_EXTERN(const char *) advdb_advisory_field(const advdb_advisory *a,
                                                advdb_field f);
/**
 * Number of items of a list (0 for an unknown l).
 * @param a the advisory
 * @param l which list
 */
ADVDB_EXTERN(size_t) advdb_advisory_list_len(const advdb_advisory *a,
                                             advdb_list l);
/**
 * Item i of a list, or NULL past the end. Valid until
 * advdb_advisory_free().
 * @param a the advisory
 * @param l which list
 * @param i 0-based index
 */
ADVDB_EXTERN(const char *) advdb_advisory_list_at(const advdb_advisory *a,
                                                  advdb_list l, size_t i);
/**
 * What the advisory is.
 * @param a the advisory
 */
ADVDB_EXTERN(advdb_kind) advdb_advisory_kind(const advdb_advisory *a);
/**
 * Its severity, from its CVSS score.
 * @param a the advisory
 */
ADVDB_EXTERN(advdb_severity) advdb_advisory_severity(const advdb_advisory *a);
/**
 * Its CVSS base score * 10; 0 if none.
 * @param a the advisory
 */
ADVDB_EXTERN(uint16_t) advdb_advisory_cvss_score10(const advdb_advisory *a);
/**
 * When it last changed (unix seconds), as OSV's `modified`; 0: unknown
 * (the index was compiled without --history).
 * @param a the advisory
 */
ADVDB_EXTERN(int64_t) advdb_advisory_modified(const advdb_advisory *a);
/**
 * Whether the advisory says `expect-deleted = true`: the crate is
 * expected to be gone from the registry (a removed malicious crate, for
 * one). cargo-audit's JSON reports it as `expect-deleted`.
 * @param a the advisory
 * @return 1 when it says so, else 0
 */
ADVDB_EXTERN(int) advdb_advisory_expect_deleted(const advdb_advisory *a);

/**
 * Number of vulnerable ranges.
 * @param a the advisory
 */
ADVDB_EXTERN(size_t) advdb_advisory_range_count(const advdb_advisory *a);
/**
 * Vulnerable range i as OSV events: introduced (NULL: from the first
 * version, OSV's "0.0.0-0") and fixed (NULL: none). Strings are valid
 * until advdb_advisory_free().
 * @param introduced receives the first affected version, or NULL; may be
 *        NULL itself
 * @param fixed receives the first version past the range, or NULL; may
 *        be NULL itself
 * @param a the advisory
 * @param i 0-based index
 * @return #ADVDB_OK, or #ADVDB_ENOTFOUND (both set to NULL) when i is past
 *         the end
 */
ADVDB_EXTERN(int) advdb_advisory_range(const char **introduced,
                                       const char **fixed,
                                       const advdb_advisory *a, size_t i);

/**
 * Number of affected functions ([affected.functions]).
 * @param a the advisory
 */
ADVDB_EXTERN(size_t) advdb_advisory_function_count(const advdb_advisory *a);
/**
 * Affected function i: its path (e.g. "tokio::io::copy"), and its
 * requirement strings. NULL, with *nreqs 0, when i is past the end.
 * @param a the advisory
 * @param i 0-based index
 * @param nreqs receives the number of requirement strings (may be NULL)
 * @param reqs receives them (may be NULL); valid until
 *        advdb_advisory_free()
 */
ADVDB_EXTERN(const char *) advdb_advisory_function(const advdb_advisory *a,
                                                   size_t i, size_t *nreqs,
                                                   const char *const **reqs);

/* ---- iteration ---- */

/** An iterator over names (opaque). */
typedef struct advdb_iter advdb_iter;

/**
 * Iterate package names (crates collection, sorted). The iterator holds
 * a read snapshot.
 * @param out receives the iterator (free it with advdb_iter_free())
 * @param db the handle
 * @return #ADVDB_OK, #ADVDB_EINVAL, #ADVDB_ENOMEM or #ADVDB_ECORRUPT
 */
ADVDB_EXTERN(int) advdb_packages_iter(advdb_iter **out, advdb *db);
/**
 * Iterate advisory ids (all collections, sorted).
 * @param out receives the iterator (free it with advdb_iter_free())
 * @param db the handle
 * @return as advdb_packages_iter()
 */
ADVDB_EXTERN(int) advdb_advisories_iter(advdb_iter **out, advdb *db);
/**
 * advdb_packages_iter() with an error struct.
 * @param out receives the iterator
 * @param db the handle
 * @param err receives the reason of a failure, or NULL
 * @return as advdb_packages_iter()
 */
ADVDB_EXTERN(int) advdb_packages_iter_ex(advdb_iter **out, advdb *db,
                                         advdb_error_info *err);
/**
 * advdb_advisories_iter() with an error struct.
 * @param out receives the iterator
 * @param db the handle
 * @param err receives the reason of a failure, or NULL
 * @return as advdb_packages_iter()
 */
ADVDB_EXTERN(int) advdb_advisories_iter_ex(advdb_iter **out, advdb *db,
                                           advdb_error_info *err);
/**
 * The next name. After the end or an error, every further call returns
 * the same code.
 * @param name receives the name (valid until the next call or
 *        advdb_iter_free()); NULL unless #ADVDB_OK
 * @param it the iterator
 * @return #ADVDB_OK; #ADVDB_ENOTFOUND at the end; or an error
 *         (#ADVDB_ECORRUPT, ...)
 */
ADVDB_EXTERN(int) advdb_iter_next(const char **name, advdb_iter *it);
/**
 * advdb_iter_next() with an error struct.
 * @param name receives the name
 * @param it the iterator
 * @param err receives the reason of a failure (not of the end), or NULL
 * @return as advdb_iter_next()
 */
ADVDB_EXTERN(int) advdb_iter_next_ex(const char **name, advdb_iter *it,
                                     advdb_error_info *err);
/**
 * Free an iterator (NULL is allowed), before its handle is closed.
 * @param it the iterator
 */
ADVDB_EXTERN(void) advdb_iter_free(advdb_iter *it);

/* ---- info ---- */

/**
 * What an index says about itself. Set version with #ADVDB_INFO_INIT or
 * advdb_info_init(); advdb_info_get() fills the rest.
 */
typedef struct advdb_info {
	unsigned version;           /**< #ADVDB_INFO_VERSION */
	unsigned schema_version;    /**< of the file (SCHEMA.md) */
	char source_commit[41];     /**< hex commit id, "" when unknown */
	int64_t source_time;        /**< unix seconds of that commit */
	int64_t compile_time;       /**< unix seconds */
	uint64_t advisory_count;    /**< advisories in the index */
	uint64_t package_count;     /**< packages with advisories */
	char digest[65];            /**< hex digest of the content (SHA-1
	                                 today: 40 digits) */
	unsigned nsources;          /**< lines in `sources` below */
	char sources[1024];         /**< "name commit time\n" lines (as many
	                                 whole lines as fit) */
	int history;                /**< 1: modified times were computed */
	uint64_t skipped_count;     /**< advisories the compiler skipped for
	                                 an error (--keep-going): when not 0
	                                 the index is INCOMPLETE, and a
	                                 package may read as clean only
	                                 because its advisory is missing.
	                                 advdb_skipped_get() lists them. */
	int32_t source_utc_offset;  /**< the UTC offset of that commit's
	                                 committer, minutes east of UTC
	                                 (-1439..1439); 0 when the index does
	                                 not record it (older indexes) */
} advdb_info;

/** The current version of advdb_info. */
#define ADVDB_INFO_VERSION 1
/** Initialiser of an advdb_info. */
#define ADVDB_INFO_INIT { ADVDB_INFO_VERSION, 0, { 0 }, 0, 0, 0, 0, { 0 }, \
                          0, { 0 }, 0, 0, 0 }

/**
 * Zero *info and set its version.
 * @param info the struct to initialise
 * @param version #ADVDB_INFO_VERSION
 * @return #ADVDB_OK, or #ADVDB_EINVAL (NULL, or an unknown version)
 */
ADVDB_EXTERN(int) advdb_info_init(advdb_info *info, unsigned version);

/**
 * The index's meta data. Absent meta keys read as 0 / "".
 * @param out the caller's struct, its version set; on failure all but
 *        its version is zero
 * @param db the handle
 * @return #ADVDB_OK, #ADVDB_ECORRUPT for a malformed value, or
 *         #ADVDB_EINVAL (NULL, or an unknown out->version)
 */
ADVDB_EXTERN(int) advdb_info_get(advdb_info *out, advdb *db);
/**
 * advdb_info_get() with an error struct.
 * @param out the caller's struct, its version set
 * @param db the handle
 * @param err receives the reason of a failure, or NULL
 * @return as advdb_info_get()
 */
ADVDB_EXTERN(int) advdb_info_get_ex(advdb_info *out, advdb *db,
                                    advdb_error_info *err);

/**
 * One advisory file the compiler skipped for an error. Set version with
 * #ADVDB_SKIPPED_INIT or advdb_skipped_init(). Texts are NUL-terminated
 * copies (valid UTF-8; they may hold control characters, which a printer
 * should escape).
 */
typedef struct advdb_skipped {
	unsigned version;           /**< #ADVDB_SKIPPED_VERSION */
	char source[65];            /**< source name, e.g. "rustsec" */
	char path[4097];            /**< the file in its source */
	char id[256];               /**< the advisory id, "" when not read */
	unsigned line;              /**< of the first error; 0: the file */
	char message[513];          /**< the first error (no path, no line) */
} advdb_skipped;

/** The current version of advdb_skipped. */
#define ADVDB_SKIPPED_VERSION 1
/** Initialiser of an advdb_skipped. */
#define ADVDB_SKIPPED_INIT { ADVDB_SKIPPED_VERSION, { 0 }, { 0 }, { 0 }, 0, \
                             { 0 } }

/**
 * Zero *sk and set its version.
 * @param sk the struct to initialise
 * @param version #ADVDB_SKIPPED_VERSION
 * @return #ADVDB_OK, or #ADVDB_EINVAL (NULL, or an unknown version)
 */
ADVDB_EXTERN(int) advdb_skipped_init(advdb_skipped *sk, unsigned version);

/**
 * The i-th skipped advisory (0-based; sorted by source, then path). At
 * most 10,000 are listed: i runs below min(skipped_count, 10000)
 * (advdb_info); past that only the count is kept.
 * @param out the caller's struct, its version set
 * @param db the handle
 * @param i 0-based index
 * @return #ADVDB_OK; #ADVDB_ENOTFOUND when i is past the listed ones;
 *   #ADVDB_ECORRUPT when the stored list is damaged; #ADVDB_EINVAL.
 */
ADVDB_EXTERN(int) advdb_skipped_get(advdb_skipped *out, advdb *db, size_t i);
/**
 * advdb_skipped_get() with an error struct.
 * @param out the caller's struct, its version set
 * @param db the handle
 * @param i 0-based index
 * @param err receives the reason of a failure, or NULL
 * @return as advdb_skipped_get()
 */
ADVDB_EXTERN(int) advdb_skipped_get_ex(advdb_skipped *out, advdb *db,
                                       size_t i, advdb_error_info *err);

/* ---- the crates.io index (optional) ---- */

/*
 * An index compiled with `advdb-compile --crates-index` also knows, per
 * crate of a crates.io index mirror, its newest versions and its yanked
 * ones. Without one, advdb_crates_info_get() answers #ADVDB_ENOTFOUND and
 * advdb_crate_get() #ADVDB_ENOINDEX: a caller then says that yanked and
 * outdated checks need a crates index.
 */

/** Bytes of a version text in advdb_crate, with its NUL. */
#define ADVDB_CRATE_VERSION_MAX 256

/**
 * The crates.io index behind an index. Set version with
 * #ADVDB_CRATES_INFO_INIT or advdb_crates_info_init().
 */
typedef struct advdb_crates_info {
	unsigned version;           /**< #ADVDB_CRATES_INFO_VERSION */
	char commit[41];            /**< the mirror's commit (hex), or a plain
	                                 folder's content digest */
	int64_t commit_time;        /**< unix seconds; 0 for a folder */
	uint64_t crates;            /**< crates in the index */
	uint64_t versions;          /**< their versions, yanked included */
	uint64_t bad;               /**< malformed lines and files left out */
} advdb_crates_info;

/** The current version of advdb_crates_info. */
#define ADVDB_CRATES_INFO_VERSION 1
/** Initialiser of an advdb_crates_info. */
#define ADVDB_CRATES_INFO_INIT { ADVDB_CRATES_INFO_VERSION, { 0 }, 0, 0, 0, 0 }

/**
 * Zero *ci and set its version.
 * @param ci the struct to initialise
 * @param version #ADVDB_CRATES_INFO_VERSION
 * @return #ADVDB_OK, or #ADVDB_EINVAL (NULL, or an unknown version)
 */
ADVDB_EXTERN(int) advdb_crates_info_init(advdb_crates_info *ci,
                                         unsigned version);

/**
 * The crates.io index's summary.
 * @param out the caller's struct, its version set
 * @param db the handle
 * @param err receives the reason of a failure, or NULL (then
 *        advdb_last_error() has it)
 * @return #ADVDB_OK, #ADVDB_ENOTFOUND when the index has none,
 *         #ADVDB_ECORRUPT, or #ADVDB_EINVAL
 */
ADVDB_EXTERN(int) advdb_crates_info_get_ex(advdb_crates_info *out, advdb *db,
                                           advdb_error_info *err);
/** advdb_crates_info_get_ex() without an error struct. */
ADVDB_EXTERN(int) advdb_crates_info_get(advdb_crates_info *out, advdb *db);

/**
 * What the crates.io index says of one crate. Set version with
 * #ADVDB_CRATE_INIT or advdb_crate_init().
 */
typedef struct advdb_crate {
	unsigned version;           /**< #ADVDB_CRATE_STRUCT_VERSION */
	uint32_t versions;          /**< published, yanked included */
	uint32_t yanked_count;      /**< of them yanked */
	int yanked;                 /**< 1: the version asked about is yanked */
	char latest[ADVDB_CRATE_VERSION_MAX];     /**< newest release not
	                                               yanked; "" when none */
	char latest_pre[ADVDB_CRATE_VERSION_MAX]; /**< newest pre-release not
	                                               yanked, when newer than
	                                               latest; else "" */
} advdb_crate;

/** The current version of advdb_crate. */
#define ADVDB_CRATE_STRUCT_VERSION 1
/** Initialiser of an advdb_crate. */
#define ADVDB_CRATE_INIT { ADVDB_CRATE_STRUCT_VERSION, 0, 0, 0, { 0 }, { 0 } }

/**
 * Zero *c and set its version.
 * @param c the struct to initialise
 * @param version #ADVDB_CRATE_STRUCT_VERSION
 * @return #ADVDB_OK, or #ADVDB_EINVAL (NULL, or an unknown version)
 */
ADVDB_EXTERN(int) advdb_crate_init(advdb_crate *c, unsigned version);

/**
 * What the crates index says of crate `name` (ASCII case ignored, as
 * crates.io does) and, when version is not NULL, whether that exact
 * version is yanked (build metadata ignored, as in precedence). The
 * first call on a handle walks the crates tree's pages (as advdb_open()
 * walks the others); later calls are one mdb_get and a memcmp walk.
 * Thread-safe.
 * @param out the caller's struct, its version set; all but its version
 *        zero unless #ADVDB_OK
 * @param db the handle
 * @param name the crate name (name_len bytes, 1 to 255)
 * @param name_len its length
 * @param version the version (version_len bytes), or NULL
 * @param version_len its length
 * @param err receives the reason of a failure, or NULL
 * @return #ADVDB_OK; #ADVDB_ENOTFOUND when the crate is not in the
 *         index (no message); #ADVDB_ENOINDEX when the index has no
 *         crates index; #ADVDB_EVERSION; #ADVDB_ECORRUPT; #ADVDB_EINVAL
 */
ADVDB_EXTERN(int) advdb_crate_get_ex(advdb_crate *out, advdb *db,
                                     const char *name, size_t name_len,
                                     const char *version, size_t version_len,
                                     advdb_error_info *err);
/** advdb_crate_get_ex() without an error struct. */
ADVDB_EXTERN(int) advdb_crate_get(advdb_crate *out, advdb *db,
                                  const char *name, size_t name_len,
                                  const char *version, size_t version_len);

/* ---- signatures ---- */

/**
 * @name Signatures
 * An index may travel with a minisign signature beside it, the file
 * "<path>.minisig" (advdb-compile --sign writes it; `minisign -S` makes
 * one too, and `minisign -V` checks advdb's). A reader that must answer
 * only from an index signed by one key opens it with
 * advdb_open_verified() instead of advdb_open(). advdb-query does so
 * with --trust-key, and a server should on every reload, keeping its
 * old handle when the new file is refused.
 */

/** A minisign public key (opaque, immutable: one may be shared by any
 * number of threads). */
typedef struct advdb_key advdb_key;

/**
 * Load a minisign public key file (the .pub of `minisign -G`). The key
 * must outlive every call that uses it.
 * @param out receives the key (free it with advdb_key_free()); NULL on
 *        failure
 * @param path the key file
 * @param errbuf when not NULL, receives a message naming the file on
 *        failure (at most errcap bytes, NUL-terminated)
 * @param errcap bytes of errbuf
 * @return #ADVDB_OK, #ADVDB_ENOTFOUND (no such file), #ADVDB_EKEY (not a
 *   regular file, larger than 16 KiB, not a minisign public key, or a
 *   secret key), #ADVDB_ENOMEM, #ADVDB_EINVAL or #ADVDB_ERROR.
 */
ADVDB_EXTERN(int) advdb_key_load(advdb_key **out, const char *path,
                                 char *errbuf, size_t errcap);
/**
 * Free a key (NULL is allowed).
 * @param key the key
 */
ADVDB_EXTERN(void) advdb_key_free(advdb_key *key);

/**
 * The key's id: 16 upper-case hex digits, as minisign prints it. Valid
 * until advdb_key_free().
 * @param key the key
 */
ADVDB_EXTERN(const char *) advdb_key_id(const advdb_key *key);

/** Bytes of advdb_signature.trusted_comment, with its NUL. */
#define ADVDB_COMMENT_MAX 8192

/**
 * Who signed an index, as its verified signature says. Set version with
 * #ADVDB_SIGNATURE_INIT or advdb_signature_init(); advdb_open_verified()
 * fills the rest.
 */
typedef struct advdb_signature {
	unsigned version;           /**< #ADVDB_SIGNATURE_VERSION */
	char key_id[17];            /**< 16 hex digits, as advdb_key_id() */
	int prehashed;              /**< 1: BLAKE2b-512 of the file was
	                                 signed (minisign's default);
	                                 0: legacy */
	char trusted_comment[ADVDB_COMMENT_MAX]; /**< NUL-terminated,
	                                 printable UTF-8 (tabs allowed) */
} advdb_signature;

/** The current version of advdb_signature. */
#define ADVDB_SIGNATURE_VERSION 1
/** Initialiser of an advdb_signature. */
#define ADVDB_SIGNATURE_INIT { ADVDB_SIGNATURE_VERSION, { 0 }, 0, { 0 } }

/**
 * Zero *sig and set its version.
 * @param sig the struct to initialise
 * @param version #ADVDB_SIGNATURE_VERSION
 * @return #ADVDB_OK, or #ADVDB_EINVAL (NULL, or an unknown version)
 */
ADVDB_EXTERN(int) advdb_signature_init(advdb_signature *sig,
                                       unsigned version);

/**
 * Open the index at path, as advdb_open(), only after checking it
 * against its signature "<path>.minisig" with key.
 *
 * In this order: the signature file must exist and parse; it must be
 * made by key (same key id); its trusted comment must carry key's
 * signature; the file's bytes (read once, through one descriptor) must
 * carry it too; then the file is opened as advdb_open() does, and must be
 * the very file that was checked (same device, inode, size and
 * modification time); and when the trusted comment is advdb's ("advdb
 * index ... digest=..."), its digest, commit, compile time, count and
 * schema must be the index's own.
 *
 * A signature and its index are replaced one after the other (the
 * signature first, while advdb-compile holds a lock on it), so a reader
 * that meets a new signature beside the old index waits for the lock and
 * tries again, up to a few times, and one that meets a file replaced
 * while it was checked tries again too: a concurrent compile or install
 * is never a refusal. What is left: a process allowed to write the
 * index file itself (not just its folder) can change its pages in place
 * after they were checked; file permissions must prevent that.
 *
 * Costs one read of the file and two Ed25519 verifications (about a
 * millisecond for a 500 KiB index) on top of advdb_open().
 *
 * @param out receives the handle; NULL on failure
 * @param path the index file
 * @param key the only key whose signature is accepted
 * @param sig NULL, or the caller's struct (its version set), filled on
 *        success
 * @param errbuf when not NULL, receives a message naming the file and
 *        what is wrong on failure (at most errcap bytes, NUL-terminated)
 * @param errcap bytes of errbuf
 * @return #ADVDB_OK; #ADVDB_ESIGNATURE (no signature file, another key, a
 *   malformed or truncated signature file, an altered trusted comment or
 *   file, a trusted comment naming another index); #ADVDB_EINVAL (NULL
 *   key or path, or an unknown sig->version); or any error of
 *   advdb_open().
 */
ADVDB_EXTERN(int) advdb_open_verified(advdb **out, const char *path,
                                      const advdb_key *key,
                                      advdb_signature *sig, char *errbuf,
                                      size_t errcap);

/* ---- packages of a lockfile or a binary ---- */

/** The packages read from one input (opaque; see advdb_packages_read()). */
typedef struct advdb_packages advdb_packages;

/** What an input was read as. */
typedef enum advdb_input {
	ADVDB_INPUT_LOCKFILE = 1,   /**< Cargo.lock text, formats v1 to v4 */
	ADVDB_INPUT_BINARY = 2      /**< an ELF, PE, Mach-O (thin or
	                                 universal) or WebAssembly file with
	                                 the dependency data that
	                                 `cargo auditable build` embeds */
} advdb_input;

/** Where a package comes from. Advisories apply to crates.io only. */
typedef enum advdb_source_kind {
	ADVDB_SOURCE_CRATES_IO = 0, /**< crates.io (git or sparse index) */
	ADVDB_SOURCE_PATH = 1,      /**< a local path (a workspace member) */
	ADVDB_SOURCE_GIT = 2,       /**< a git repository */
	ADVDB_SOURCE_REGISTRY = 3,  /**< another registry */
	ADVDB_SOURCE_OTHER = 4      /**< anything else */
} advdb_source_kind;

/**
 * One package. Owned by its advdb_packages (read it through
 * advdb_packages_at(); its layout never changes within a soname, fields
 * may be added at the end).
 */
typedef struct advdb_package {
	const char *name;           /**< non-empty */
	const char *version;        /**< semver */
	const char *source;         /**< as the input gives it: a lockfile's
	                                 source string ("registry+https://...",
	                                 "git+https://...#rev"), a binary's
	                                 source ("crates.io", "git", "local",
	                                 "registry" or another text); NULL for
	                                 a path package of a lockfile */
	advdb_source_kind source_kind; /**< what source means */
	const char *checksum;       /**< the lockfile's sha256 (hex), or NULL
	                                 (always NULL for a binary) */
	const size_t *deps;         /**< the packages it depends on, as
	                                 indices into the same list; NULL when
	                                 ndeps is 0 */
	size_t ndeps;               /**< entries of deps */
	int root;                   /**< binary: 1 for the root package (the
	                                 binary's own crate); lockfile: 0 */
	int build_only;             /**< binary: 1 for a build-time-only
	                                 dependency; lockfile: 0 */
	unsigned line;              /**< lockfile: the line of its [[package]]
	                                 table; binary: 0 */
} advdb_package;

/** advdb_packages_read() flags: the input is a Cargo.lock whatever its
 * first bytes. */
#define ADVDB_READ_LOCKFILE 0x01
/** advdb_packages_read() flags: the input must be a binary. */
#define ADVDB_READ_BINARY   0x02
/** advdb_packages_read() flags: a universal (fat) Mach-O binary some of
 * whose slices carry no data gives the packages of the others (without
 * it, #ADVDB_ENODATA: an input that was not read whole never reads as
 * clean). */
#define ADVDB_READ_PARTIAL  0x04

/**
 * The packages of one input: a Cargo.lock, or a binary with
 * cargo-auditable data.
 *
 * With flags 0 the input's first bytes decide: an ELF, PE, Mach-O or
 * WebAssembly magic makes it a binary, anything else a Cargo.lock. The
 * same readers as `advdb-query scan` and `bin` do the work, with the same
 * checks and caps: a lockfile of at most 16 MiB and 200,000 packages,
 * each with a name and a semver version (an empty file, a manifest, a
 * file without packages are errors); every offset of a binary checked
 * against len, its data inflated to at most 8 MiB and its JSON validated.
 * A universal binary gives the union of its slices' packages.
 *
 * Dependencies: for a lockfile, each package's `dependencies` entries
 * ("name", "name version" or "name version (source)") resolved to the
 * package they name, as cargo-lock resolves them (and as `advdb-query`
 * draws its dependency tree): the first package in the file with that
 * name, and version and source when given, git sources compared without
 * their query; for a binary, the indices the data gives. When they
 * cannot all be resolved (an entry naming no package, or not of those
 * forms; an index out of range; a binary's graph without exactly one
 * root, or with a cycle), every package has ndeps 0 and
 * advdb_packages_graph_error() says why ("line N: ..." for a lockfile):
 * the packages are still good to check.
 *
 * @param out receives the packages (free them with
 *        advdb_packages_free()); NULL on failure
 * @param buf the input (need not be NUL-terminated; not kept)
 * @param len its bytes
 * @param flags 0, or ADVDB_READ_*
 * @param err receives the reason of a failure, or NULL
 * @return #ADVDB_OK; #ADVDB_EINPUT for an input that cannot be read
 *   (err->line is the lockfile's line, when there is one); #ADVDB_ENODATA
 *   for a binary without dependency data (or a universal one with a slice
 *   without, unless #ADVDB_READ_PARTIAL); #ADVDB_EINVAL (NULL out or buf
 *   with len > 0, unknown flags, both ADVDB_READ_LOCKFILE and
 *   ADVDB_READ_BINARY); #ADVDB_ENOMEM.
 */
ADVDB_EXTERN(int) advdb_packages_read(advdb_packages **out, const void *buf,
                                      size_t len, unsigned flags,
                                      advdb_error_info *err);

/**
 * Free what advdb_packages_read() made (NULL is allowed).
 * @param p the packages
 */
ADVDB_EXTERN(void) advdb_packages_free(advdb_packages *p);

/**
 * Number of packages (0 for NULL).
 * @param p the packages
 */
ADVDB_EXTERN(size_t) advdb_packages_count(const advdb_packages *p);

/**
 * Package i (in the input's order), or NULL past the end. Valid until
 * advdb_packages_free().
 * @param p the packages
 * @param i 0-based index
 */
ADVDB_EXTERN(const advdb_package *) advdb_packages_at(const advdb_packages *p,
                                                      size_t i);

/**
 * What the input was read as.
 * @param p the packages
 */
ADVDB_EXTERN(advdb_input) advdb_packages_input(const advdb_packages *p);

/**
 * The input's format, for messages: "Cargo.lock v3", "ELF 64-bit LSB",
 * "PE32+", "Mach-O universal", "WebAssembly", ... Valid until
 * advdb_packages_free().
 * @param p the packages
 */
ADVDB_EXTERN(const char *) advdb_packages_format(const advdb_packages *p);

/**
 * Why the dependency lists are empty although the input has some, or
 * NULL when they are complete (see advdb_packages_read()). Valid until
 * advdb_packages_free().
 * @param p the packages
 */
ADVDB_EXTERN(const char *) advdb_packages_graph_error(const advdb_packages *p);

/**
 * Which advisories affect package i of p: advdb_lookup_ex() on its name
 * and version when its source is crates.io, and no match (*nout 0) for a
 * package from any other source, to which advisories do not apply.
 * @param out the caller's array (may be NULL when cap is 0)
 * @param cap its length
 * @param nout receives the number of matches
 * @param db the handle
 * @param p the packages
 * @param i 0-based index of the package
 * @param q the scope, or NULL for the defaults
 * @param err receives the reason of a failure, or NULL
 * @return as advdb_lookup(); #ADVDB_EINVAL when i is past the end
 */
ADVDB_EXTERN(int) advdb_packages_lookup(advdb_match *out, size_t cap,
                                        size_t *nout, advdb *db,
                                        const advdb_packages *p, size_t i,
                                        const advdb_query *q,
                                        advdb_error_info *err);

#ifdef __cplusplus
}
#endif
#endif
