/*
 * layout.h — the sub-databases and meta keys of the index. SCHEMA.md
 * documents each; both sides use these names and no literals.
 *
 * The index is one LMDB environment in one file (MDB_NOSUBDIR). Its
 * sub-databases are the rows of ADVDB_SUBDBS below, the one table that
 * the writer (which creates every row, empty when it has nothing for it),
 * the reader (which opens every row, refusing an index without a
 * required one) and the page walk of query/lmdbcheck.c (which walks every
 * row and holds its keys to key_max) iterate. Adding a sub-database is a
 * row here and its section of SCHEMA.md, plus the code that fills it (in
 * the writer) and reads it; an index with a sub-database a reader does
 * not know still opens (SCHEMA.md: no schema bump), and older indexes
 * without an optional row read as if it were empty.
 */
#ifndef ADVDB_SCHEMA_LAYOUT_H
#define ADVDB_SCHEMA_LAYOUT_H

#include <stddef.h>
#include "limit.h"   /* DB_MAXDBS, DB_KEY_MAX, ADV_*_MAX */

#define ADVDB_SCHEMA_VERSION 2
#define ADVDB_MAGIC "advdb"          /* value of META_MAGIC */

/*
 * X(id, name, need, key_max, filled_by):
 *   need       DB_REQUIRED: a reader refuses an index without it;
 *              DB_OPTIONAL: absent reads as empty (indexes older than it)
 *   key_max    longest key the page walk lets through (a limit.h cap of
 *              what the key is; meta keys only LMDB's own, so that a meta
 *              key a newer compiler adds cannot make an index "damaged")
 *   filled_by  DB_BY_WRITER: the writer's own summary of everything;
 *              DB_BY_RECORDS: derived from the advisory records on every
 *              commit (compiler/writer_commit.c);
 *              DB_BY_INPUT: from an input of its own, such as a crates.io
 *              index mirror, which an update that does not read that
 *              input carries over (no row yet: the first one brings the
 *              writer code for it)
 *
 * A new sub-database, e.g. a crates.io index's versions, is one row:
 *   X(DBI_CRATES, "crates", DB_OPTIONAL, ADV_PACKAGE_MAX, DB_BY_INPUT)
 * then db->dbi[DBI_CRATES] in the writer that fills it and the reader
 * that reads it (query/db_internal.h: has[DBI_CRATES] 0 for an older
 * index), and its section in SCHEMA.md.
 */
#define ADVDB_SUBDBS(X)                                                       \
	/* id              name          need         key_max          filled_by */ \
	X(DBI_META,       "meta",       DB_REQUIRED, DB_KEY_MAX,      DB_BY_WRITER)   \
	X(DBI_PACKAGES,   "packages",   DB_REQUIRED, ADV_PACKAGE_MAX, DB_BY_RECORDS)  \
	X(DBI_TOOLCHAIN,  "toolchain",  DB_OPTIONAL, ADV_PACKAGE_MAX, DB_BY_RECORDS)  \
	X(DBI_ADVISORIES, "advisories", DB_REQUIRED, ADV_ID_MAX,      DB_BY_RECORDS)  \
	X(DBI_ALIASES,    "aliases",    DB_OPTIONAL, ADV_ID_MAX,      DB_BY_RECORDS)

typedef enum db_id {
#define DB_ID_(id, name, need, key_max, filled_by) id,
	ADVDB_SUBDBS(DB_ID_)
#undef DB_ID_
	DBI_COUNT
} db_id;

typedef enum db_need { DB_REQUIRED, DB_OPTIONAL } db_need;
typedef enum db_filler { DB_BY_WRITER, DB_BY_RECORDS, DB_BY_INPUT } db_filler;

typedef struct db_spec {
	const char *name;            /* the LMDB name */
	db_need need;
	size_t key_max;
	db_filler filled_by;
} db_spec;

/* The rows of ADVDB_SUBDBS, indexed by db_id (layout.c). */
extern const db_spec db_specs[DBI_COUNT];

/* The LMDB name of sub-database id. */
static inline const char *db_name(db_id id)
{
	return db_specs[id].name;
}

_Static_assert(DBI_COUNT <= DB_MAXDBS, "DB_MAXDBS (limit.h) holds them all");

/* meta keys; values are ASCII text unless said otherwise */
#define META_MAGIC          "magic"          /* "advdb" */
#define META_SCHEMA         "schema_version" /* decimal */
#define META_COMMIT         "source_commit"  /* 40 hex digits */
#define META_COMMIT_TIME    "source_time"    /* unix seconds, decimal */
#define META_SOURCE_NAME    "source_name"    /* "rustsec" */
#define META_SOURCES        "sources"        /* one line per source:
                                                name SP commit SP time LF */
#define META_COMPILE_TIME   "compile_time"   /* unix seconds, decimal */
#define META_N_ADVISORIES   "advisory_count" /* decimal */
#define META_N_PACKAGES     "package_count"  /* decimal */
#define META_DIGEST         "digest"         /* 40 hex digits (see SCHEMA.md) */
#define META_DICT           "zstd_dict"      /* raw dictionary bytes */
#define META_DICT_ID        "zstd_dict_id"   /* decimal */
#define META_HISTORY        "history"        /* "1" when modified times
                                                were computed */
#define META_SKIPPED        "skipped"        /* advisories --keep-going
                                                left out (skiplist.h);
                                                absent when none */

#endif
