/*
 * limit.h — every limit the writer of an index and its readers share.
 *
 * A value the compiler accepts must be one every reader can read back,
 * so each limit of the index format, and of the values that travel in it,
 * is defined here once: the importers (RustSec advisories, OSV files) check
 * their input against it with a `path:line:` message, the writer refuses
 * anything past it (a backstop for every importer), and the readers
 * (libadvdb, the compiler's --update and --install) treat a value past it
 * as a damaged index. Changing a limit is a change of this file, of the
 * README's Limits table and, for a format field, of SCHEMA.md.
 *
 * Limits of one parser alone (TOML and YAML documents, lockfiles, command
 * lines) stay with that parser: they never cross from writer to reader.
 *
 * The public header cannot include this one (it is installed alone), so
 * its sizes are tied to these by static assertions in
 * query/db_internal.h (ADVDB_ID_MAX == ADV_ID_MAX + 1).
 */
#ifndef ADVDB_SCHEMA_LIMITS_H
#define ADVDB_SCHEMA_LIMITS_H

#include <stddef.h>

/* ---- names: ids, aliases, packages, keys ---- */

#define ADV_ID_MAX        63    /* bytes of an advisory id or an alias
                                   (CVE, GHSA, ...): advdb_match.id holds
                                   it with its NUL */
#define ADV_PACKAGE_MAX   255   /* bytes of a package (crate or toolchain
                                   component) name: a key of `packages` */
#define DB_KEY_MAX        511   /* LMDB's default largest key: no key is
                                   written or looked up past it */
#define DB_MAXDBS         8     /* named sub-databases of an index */
#define SOURCE_NAME_MAX   64    /* a source's name in meta `sources` */
#define SOURCES_MAX       16    /* sources of one index */

/* ---- versions and requirements ---- */

#define VERSION_PRE_MAX   120   /* bytes of prerelease text, without '-' */
#define VERSION_BUILD_MAX 120   /* bytes of build text, without '+' */
#define VERSION_TEXT_MAX  320   /* longest accepted version string */
#define VKEY_MAX          255   /* a version key fits one length byte */
#define REQ_TEXT_MAX      512   /* longest requirement string accepted */
#define REQ_RANGES_MAX    256   /* most requirements (and vulnerable
                                   ranges) per advisory */

/* ---- records (record.h) ---- */

#define RECORD_LIST_MAX   4096        /* items in any one list of a full
                                         record (aliases, keywords, ...) */
#define RECORD_STR_MAX    (8u << 20)  /* bytes of one string of a record */
#define HOT_ENTRIES_MAX   65535       /* advisories of one package: the hot
                                         record's u16 count */
#define HOT_NAME_MAX      255         /* bytes of an os or arch name (u8
                                         length in the hot record) */
#define HOT_NAMES_MAX     255         /* os (arch) names of one advisory
                                         (u8 count) */

/* ---- blocks (block.h) ---- */

#ifndef BLOCK_RECORDS
#define BLOCK_RECORDS     128         /* records per block, full compile */
#endif
#define BLOCK_RECORDS_MAX (BLOCK_RECORDS * 3 / 2) /* an update cuts a
                                         block grown past this again */
#ifndef BLOCK_FLUSH
#define BLOCK_FLUSH       16          /* records per zstd block inside a
                                         frame: a reader stops decoding
                                         once it has its record */
#endif
#define BLOCK_BYTES       (2u << 20)  /* the writer starts a new block
                                         before one grows past this (a
                                         single record may exceed it) */
#define BLOCK_MAX         (32u << 20) /* largest decompressed block (and so
                                         record) written or read */
#define ALIAS_BLOCK       128         /* aliases per block */
#define ALIAS_IDS_MAX     65535       /* advisories listed under one alias
                                         (u16 count) */
#define DICT_MAX          (4u << 20)  /* largest zstd dictionary read */

/* ---- a crates.io index mirror (crates.h, compiler/cratesidx.c) ---- */

#define CRATE_YANKED_MAX  65535       /* yanked versions kept per crate (u16
                                         count; past it the file is bad) */
#define CRATES_FILE_MAX   (64u << 20) /* bytes of one index file read (the
                                         largest real one is a few MiB) */
#define CRATES_LINE_MAX   (1u << 20)  /* bytes of one line (one version) */
#define CRATES_MAX        2000000     /* crates of one mirror (crates.io
                                         has about 170,000) */

/* ---- the skipped list (meta `skipped`, skiplist.h) ---- */

#define SKIP_KEEP_MAX     10000       /* entries listed; past it only the
                                         count grows */
#define SKIP_SOURCE_MAX   SOURCE_NAME_MAX
#define SKIP_PATH_MAX     4096        /* bytes of a skipped file's path */
#define SKIP_ID_MAX       255         /* bytes of its id (longer: not kept:
                                         ids past ADV_ID_MAX are skipped
                                         for that very reason) */
#define SKIP_MSG_MAX      512         /* bytes of its first error */

/* What the formats can hold (SCHEMA.md): one-byte lengths, two-byte
 * counts, LMDB's key size. */
_Static_assert(ADV_ID_MAX <= 255 && HOT_NAME_MAX <= 255 &&
               HOT_NAMES_MAX <= 255 && VKEY_MAX <= 255,
               "one length byte");
_Static_assert(HOT_ENTRIES_MAX <= 65535 && ALIAS_IDS_MAX <= 65535 &&
               REQ_RANGES_MAX <= 65535, "two count bytes");
_Static_assert(SKIP_SOURCE_MAX <= 255 && SKIP_ID_MAX <= 255 &&
               SKIP_PATH_MAX <= 65535 && SKIP_MSG_MAX <= 65535,
               "the skipped list's length fields");
_Static_assert(ADV_ID_MAX <= DB_KEY_MAX && ADV_PACKAGE_MAX <= DB_KEY_MAX,
               "ids and package names are LMDB keys");
_Static_assert(CRATE_YANKED_MAX <= 65535, "the crate record's u16 count");
_Static_assert(BLOCK_BYTES <= BLOCK_MAX, "a block target within the cap");

/* An id or alias (what: "id", "alias") within 1..ADV_ID_MAX bytes: 0,
 * or -1 with the message every importer and the writer give for it,
 * `id "CVE-..." longer than 63 bytes`, in msg (cap bytes). */
int limit_id_check(const char *what, const char *s, char *msg, size_t cap);

#endif
