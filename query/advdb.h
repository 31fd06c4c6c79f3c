/*
 * advdb.h — libadvdb, the reader of an advdb index.
 *
 * An index is one LMDB file written by advdb-compile (schema/SCHEMA.md
 * describes it byte by byte). This library opens it read-only and answers
 * "which advisories affect NAME@VERSION?" without allocating, fetches full
 * advisory records, and iterates packages and advisories.
 *
 * Conventions (as libgit2):
 *   - Every call returns 0 (ADVDB_OK) on success or a negative advdb_error.
 *     Out-parameters come first.
 *   - After a failure, advdb_last_error(db) gives a message for the caller
 *     to print. It belongs to the handle and to the calling thread's most
 *     recent failing call on it (successful calls leave it unchanged); it
 *     stays valid until the next call on the same handle from the same
 *     thread. advdb_open() failures, which have no handle yet, write their
 *     message into the caller's buffer. Messages name the file, package,
 *     version or advisory concerned.
 *   - The library never prints, never exits, and keeps no global state:
 *     what it keeps per thread (the message, and a read transaction that
 *     lookups reuse) hangs off the handle through a pthread key, is made
 *     on the thread's first call that needs it, and is freed when that
 *     thread exits or at advdb_close(), whichever comes first.
 *
 * Ownership and lifetimes:
 *   - An advdb handle is owned by the caller and released by advdb_close().
 *     One handle may be shared by any number of threads that read at once;
 *     advdb_close() must not race with other calls on it, nor with the
 *     exit of a thread that used it.
 *   - advdb_match arrays are caller-owned; the library fills them and keeps
 *     nothing. Strings inside an advdb_match are copied into it.
 *   - An advdb_advisory from advdb_advisory_get() is owned by the caller
 *     and released with advdb_advisory_free(); all its strings live in it,
 *     so it may outlive the handle.
 *   - Iterators are owned by the caller and released with their _free(),
 *     before advdb_close() of their handle (they hold a read snapshot).
 *
 * Replacing an index file under readers:
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
 *     other content give ADVDB_ECORRUPT or, at worst, answers from a mix
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

#define ADVDB_VERSION "0.1.0"

typedef enum advdb_error {
	ADVDB_OK = 0,
	ADVDB_ERROR = -1,       /* anything else; see advdb_last_error() */
	ADVDB_ENOTFOUND = -2,   /* no such file, package or advisory */
	ADVDB_ECORRUPT = -3,    /* the file or a record is damaged */
	ADVDB_ESCHEMA = -4,     /* written by a newer (or older) schema */
	ADVDB_ENOTDB = -5,      /* a file that is not an advdb index */
	ADVDB_EVERSION = -6,    /* a version string that is not semver */
	ADVDB_EINVAL = -7,      /* a bad argument */
	ADVDB_ENOMEM = -8,
	ADVDB_EBUFS = -9,       /* more matches than the array holds */
	ADVDB_ESIGNATURE = -10, /* the index's signature is missing, made by
	                           another key, malformed, or does not match */
	ADVDB_EKEY = -11,       /* a public key file that is not usable */
	ADVDB_ENOINDEX = -12    /* the index has no crates.io index
	                           (advdb-compile --crates-index) */
} advdb_error;

/* A static text for an error code. */
const char *advdb_strerror(int code);

typedef struct advdb advdb;

/* Open the index at path, read-only. flags: 0 for now.
 * The file is never written and no lock file is made (the compiler never
 * changes an index in place), so an index in a read-only place works.
 * Before anything is read through LMDB, the file's length and every LMDB
 * page a reader can reach are checked (tens of microseconds for the real
 * database), so a damaged file is an error here, never a crash later.
 * On failure *out is NULL and, when errbuf is not NULL, a message naming
 * the file is written there (at most errcap bytes, NUL-terminated).
 * Returns ADVDB_OK;
 *   ADVDB_ENOTFOUND  no such file;
 *   ADVDB_ENOTDB     a directory, an empty file, not an LMDB file, or an
 *                    LMDB file that is not an advdb index (no magic);
 *   ADVDB_ECORRUPT   truncated (shorter than the pages it uses) or damaged;
 *   ADVDB_ESCHEMA    another schema version (the message says newer or
 *                    older, and what to do);
 *   ADVDB_EINVAL, ADVDB_ENOMEM or ADVDB_ERROR (e.g. permission denied). */
int advdb_open(advdb **out, const char *path, unsigned flags,
               char *errbuf, size_t errcap);
void advdb_close(advdb *db);

/* The message of this thread's last failing call on db ("" if none). */
const char *advdb_last_error(const advdb *db);

/* ---- lookup ---- */

typedef enum advdb_kind {       /* what an advisory is */
	ADVDB_KIND_VULNERABILITY = 0,
	ADVDB_KIND_UNMAINTAINED = 1,
	ADVDB_KIND_UNSOUND = 2,
	ADVDB_KIND_NOTICE = 3,
	ADVDB_KIND_OTHER = 4        /* another informational word */
} advdb_kind;

typedef enum advdb_severity {
	ADVDB_SEV_NONE = 0, ADVDB_SEV_LOW, ADVDB_SEV_MEDIUM,
	ADVDB_SEV_HIGH, ADVDB_SEV_CRITICAL
} advdb_severity;

#define ADVDB_ID_MAX 64

typedef struct advdb_match {
	char id[ADVDB_ID_MAX];      /* NUL-terminated */
	advdb_kind kind;
	advdb_severity severity;
	uint16_t cvss_score10;      /* CVSS base score * 10; 0 if none */
	unsigned withdrawn : 1;     /* only with ADVDB_Q_WITHDRAWN */
	unsigned has_functions : 1; /* lists affected functions */
} advdb_match;

/* Lookup options. Zero-initialise, then set what you need. */
typedef struct advdb_query {
	const char *os;             /* target os (e.g. "linux"), or NULL */
	const char *arch;           /* target arch (e.g. "x86_64"), or NULL */
	unsigned flags;             /* ADVDB_Q_* */
} advdb_query;

#define ADVDB_Q_WITHDRAWN 0x01  /* also report withdrawn advisories */
#define ADVDB_Q_TOOLCHAIN 0x02  /* look in the `rust` collection (std,
                                   cargo, rustdoc, ...) instead of crates */

/*
 * Which advisories affect crate `name` at `version`?
 * Fills up to cap matches (ordered by advisory id) and sets *nout to the
 * number found. q may be NULL for the default scope (crates collection,
 * withdrawn advisories skipped, any os/arch). With q->os (q->arch) set,
 * an advisory restricted to some os (arch) list applies only when that
 * os (arch) is in it; an unrestricted one always applies. Informational
 * advisories are matched too: check kind. Does not allocate, except on
 * the calling thread's first lookup on db (its reusable read
 * transaction). Unknown q->flags bits are ADVDB_EINVAL.
 * Returns ADVDB_OK (also when nothing matches or the package is unknown),
 * ADVDB_EVERSION for a bad version, ADVDB_EBUFS when more than cap matched
 * (*nout then holds the full count and the first cap are filled), or
 * ADVDB_ECORRUPT.
 */
int advdb_lookup(advdb_match *out, size_t cap, size_t *nout, advdb *db,
                 const char *name, const char *version,
                 const advdb_query *q);

/* The same with explicit lengths (name and version need not be
 * NUL-terminated). */
int advdb_lookup_n(advdb_match *out, size_t cap, size_t *nout, advdb *db,
                   const char *name, size_t name_len,
                   const char *version, size_t version_len,
                   const advdb_query *q);

/*
 * Every advisory of crate `name` in the scope of q, whatever the version:
 * what advdb_lookup() would match for some version, without the version
 * test (so an advisory here may affect no version at all, e.g. one whose
 * ranges are empty). Meant for questions about sets of versions, such as
 * requirements: fetch each advisory with advdb_advisory_get() and read
 * its ranges with advdb_advisory_range(). q as for advdb_lookup(); with
 * ADVDB_Q_TOOLCHAIN the `rust` collection. Fills up to cap matches, in
 * advisory id order, and sets *nout to the number found. Does not
 * allocate, except as advdb_lookup().
 * Returns ADVDB_OK (also for an unknown package: *nout 0), ADVDB_EINVAL
 * (NULL or empty name, unknown q->flags), ADVDB_EBUFS when more than cap
 * (*nout then holds the full count and the first cap are filled), or
 * ADVDB_ECORRUPT.
 */
int advdb_package_advisories(advdb_match *out, size_t cap, size_t *nout,
                             advdb *db, const char *name,
                             const advdb_query *q);

/* ---- full advisories ---- */

typedef struct advdb_advisory advdb_advisory;

/* Fetch and decompress one advisory by id, or by a CVE/GHSA alias (the
 * first advisory carrying it). ADVDB_ENOTFOUND when there is none;
 * ADVDB_ECORRUPT when the stored record is damaged, or declares a size
 * that is unknown or above 32 MiB (refused before allocating). */
int advdb_advisory_get(advdb_advisory **out, advdb *db, const char *id);
void advdb_advisory_free(advdb_advisory *a);

typedef enum advdb_field {      /* single strings; NULL when absent */
	ADVDB_F_ID, ADVDB_F_PACKAGE, ADVDB_F_TITLE, ADVDB_F_DESCRIPTION,
	ADVDB_F_DATE, ADVDB_F_WITHDRAWN, ADVDB_F_URL, ADVDB_F_LICENSE,
	ADVDB_F_INFORMATIONAL, ADVDB_F_CVSS, ADVDB_F_SOURCE, ADVDB_F_PATH,
	ADVDB_F_COLLECTION          /* "crates" or "rust" */
} advdb_field;

typedef enum advdb_list {       /* lists of strings */
	ADVDB_L_ALIASES, ADVDB_L_RELATED, ADVDB_L_CATEGORIES, ADVDB_L_KEYWORDS,
	ADVDB_L_REFERENCES, ADVDB_L_OS, ADVDB_L_ARCH, ADVDB_L_PATCHED,
	ADVDB_L_UNAFFECTED
} advdb_list;

const char *advdb_advisory_field(const advdb_advisory *a, advdb_field f);
/* Number of items of a list, and the i-th (NULL past the end). */
size_t advdb_advisory_list_len(const advdb_advisory *a, advdb_list l);
const char *advdb_advisory_list_at(const advdb_advisory *a, advdb_list l,
                                   size_t i);
advdb_kind advdb_advisory_kind(const advdb_advisory *a);
advdb_severity advdb_advisory_severity(const advdb_advisory *a);
uint16_t advdb_advisory_cvss_score10(const advdb_advisory *a);
int64_t advdb_advisory_modified(const advdb_advisory *a); /* 0: unknown */

/* Vulnerable ranges as OSV events: range i has introduced (NULL: from the
 * first version, OSV's "0.0.0-0") and fixed (NULL: none). Returns
 * ADVDB_OK, or ADVDB_ENOTFOUND (both set to NULL) when i is past the end.
 * Either out-parameter may be NULL. */
size_t advdb_advisory_range_count(const advdb_advisory *a);
int advdb_advisory_range(const char **introduced, const char **fixed,
                         const advdb_advisory *a, size_t i);

/* [affected.functions]: path i and its requirement strings (NULL, with
 * *nreqs 0, when i is past the end). */
size_t advdb_advisory_function_count(const advdb_advisory *a);
const char *advdb_advisory_function(const advdb_advisory *a, size_t i,
                                    size_t *nreqs, const char *const **reqs);

/* ---- iteration ---- */

typedef struct advdb_iter advdb_iter;

/* Iterate package names (crates collection, sorted), or advisory ids
 * (all collections, sorted). The iterator holds a read snapshot. */
int advdb_packages_iter(advdb_iter **out, advdb *db);
int advdb_advisories_iter(advdb_iter **out, advdb *db);
/* Next item: ADVDB_OK with *name set (valid until the next call or
 * _free), ADVDB_ENOTFOUND at the end, or an error (ADVDB_ECORRUPT, ...);
 * after the end or an error, every further call returns the same. */
int advdb_iter_next(const char **name, advdb_iter *it);
void advdb_iter_free(advdb_iter *it);

/* ---- info ---- */

typedef struct advdb_info {
	unsigned schema_version;
	char source_commit[41];     /* hex, "" when unknown */
	int64_t source_time;        /* unix seconds of that commit */
	int64_t compile_time;       /* unix seconds */
	uint64_t advisory_count;
	uint64_t package_count;
	char digest[65];            /* hex (SHA-1 today: 40 digits) */
	unsigned nsources;          /* entries in `sources` text below */
	char sources[1024];         /* "name commit time\n" lines (as many
	                               whole lines as fit) */
	int history;                /* modified times were computed */
	uint64_t skipped_count;     /* advisories the compiler skipped for an
	                               error (--keep-going): when not 0 the
	                               index is INCOMPLETE, and a package may
	                               read as clean only because its
	                               advisory is missing. advdb_skipped_get()
	                               lists them. */
} advdb_info;

/* Absent meta keys read as 0 / "". Returns ADVDB_OK, ADVDB_ECORRUPT for
 * a malformed value (then *out is all zero), or ADVDB_EINVAL. */
int advdb_info_get(advdb_info *out, advdb *db);

/* ---- the crates.io index (optional) ----
 *
 * An index compiled with `advdb-compile --crates-index` also knows, per
 * crate of a crates.io index mirror, its newest version and its yanked
 * ones. An index without one answers ADVDB_ENOTFOUND to
 * advdb_crates_info() and ADVDB_ENOINDEX to advdb_crate_get(): a caller
 * says then that yanked and outdated checks need a crates index.
 */

#define ADVDB_CRATE_VERSION_MAX 256  /* a version as text, with its NUL */

typedef struct advdb_crates_info {
	char commit[41];            /* the mirror's commit (hex), or a plain
	                               folder's content digest */
	int64_t commit_time;        /* unix seconds; 0 for a folder */
	uint64_t crates, versions;
	uint64_t bad;               /* malformed lines and files left out */
} advdb_crates_info;

/* The crates index's summary. ADVDB_OK, ADVDB_ENOTFOUND when the index
 * has none, ADVDB_ECORRUPT, or ADVDB_EINVAL. */
int advdb_crates_info_get(advdb_crates_info *out, advdb *db);

typedef struct advdb_crate {
	uint32_t versions;          /* published, yanked included */
	uint32_t yanked_count;
	int yanked;                 /* the version asked about is yanked */
	char latest[ADVDB_CRATE_VERSION_MAX];     /* newest release not
	                                             yanked; "" when none */
	char latest_pre[ADVDB_CRATE_VERSION_MAX]; /* newest pre-release not
	                                             yanked, when newer than
	                                             latest; else "" */
} advdb_crate;

/*
 * What the crates index says of crate `name` (ASCII case ignored, as
 * crates.io does) and, when version is not NULL, whether that exact
 * version is yanked (build metadata is ignored, as in precedence).
 * Returns ADVDB_OK; ADVDB_ENOTFOUND when the crate is not in the index
 * (*out zeroed); ADVDB_ENOINDEX when the index has no crates index;
 * ADVDB_EVERSION for a version that is not semver; ADVDB_ECORRUPT;
 * ADVDB_EINVAL. Thread-safe, no allocation after a thread's first call.
 */
int advdb_crate_get(advdb_crate *out, advdb *db, const char *name,
                    size_t name_len, const char *version, size_t version_len);

/* ---- signatures ----
 *
 * An index may travel with a minisign signature beside it, the file
 * "<path>.minisig" (advdb-compile --sign writes it; `minisign -S` makes
 * one too, and `minisign -V` checks advdb's). A reader that must answer
 * only from an index signed by one key opens it with
 * advdb_open_verified() instead of advdb_open(). advdb-query does so
 * with --trust-key, and a server should on every reload, keeping its
 * old handle when the new file is refused.
 */

typedef struct advdb_key advdb_key;

/* Load a minisign public key file (the .pub of `minisign -G`). The key
 * is immutable: one may be shared by any number of threads, and must
 * outlive no call that uses it. On failure *out is NULL and errbuf says
 * why, naming the file.
 * Returns ADVDB_OK, ADVDB_ENOTFOUND (no such file), ADVDB_EKEY (not a
 * regular file, larger than 16 KiB, not a minisign public key, or a
 * secret key), ADVDB_ENOMEM, ADVDB_EINVAL or ADVDB_ERROR. */
int advdb_key_load(advdb_key **out, const char *path, char *errbuf,
                   size_t errcap);
void advdb_key_free(advdb_key *key);

/* The key's id: 16 upper-case hex digits, as minisign prints it. Valid
 * until advdb_key_free(). */
const char *advdb_key_id(const advdb_key *key);

#define ADVDB_COMMENT_MAX 8192

/* Who signed an index, as its verified signature says. */
typedef struct advdb_signature {
	char key_id[17];            /* 16 hex digits, as advdb_key_id() */
	int prehashed;              /* 1: BLAKE2b-512 of the file was signed
	                               (minisign's default); 0: legacy */
	char trusted_comment[ADVDB_COMMENT_MAX]; /* NUL-terminated, printable
	                               UTF-8 (tabs allowed) */
} advdb_signature;

/*
 * Open the index at path, as advdb_open(), only after checking it
 * against its signature "<path>.minisig" with key. In this order: the
 * signature file must exist and parse; it must be made by key (same key
 * id); its trusted comment must carry key's signature; the file's bytes
 * (read once, through one descriptor) must carry it too; then the file is
 * opened as advdb_open() does, and must be the very file that was
 * checked (same device, inode, size and modification time); and when the
 * trusted comment is advdb's ("advdb index ... digest=..."), its digest,
 * commit, compile time, count and schema must be the index's own.
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
 * millisecond for a 500 KiB index) on top of advdb_open(). sig may be
 * NULL; on success it is filled. On failure *out is NULL and errbuf
 * names the file and what is wrong.
 * Returns ADVDB_OK; ADVDB_ESIGNATURE (no signature file, another key, a
 * malformed or truncated signature file, an altered trusted comment or
 * file, a trusted comment naming another index); ADVDB_EINVAL (NULL
 * key or path); or any error of advdb_open().
 */
int advdb_open_verified(advdb **out, const char *path, const advdb_key *key,
                        advdb_signature *sig, char *errbuf, size_t errcap);
/* One advisory file the compiler skipped for an error. Texts are
 * NUL-terminated copies (valid UTF-8; they may hold control characters,
 * which a printer should escape). */
typedef struct advdb_skipped {
	char source[65];            /* source name, e.g. "rustsec" */
	char path[4097];            /* the file in its source */
	char id[256];               /* the advisory id, "" when not read */
	unsigned line;              /* of the first error; 0: the whole file */
	char message[513];          /* the first error (no path, no line) */
} advdb_skipped;

/*
 * The i-th skipped advisory (0-based; sorted by source, then path).
 * At most 10,000 are listed: i runs below min(skipped_count, 10000)
 * (advdb_info); past that only the count is kept.
 * Returns ADVDB_OK, ADVDB_ENOTFOUND when i is past the listed ones,
 * ADVDB_ECORRUPT when the stored list is damaged, or ADVDB_EINVAL.
 */
int advdb_skipped_get(advdb_skipped *out, advdb *db, size_t i);

#ifdef __cplusplus
}
#endif
#endif
