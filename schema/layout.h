/*
 * layout.h — names of the LMDB sub-databases and meta keys of the index.
 * SCHEMA.md documents each; both sides use these names and no literals.
 *
 * The index is one LMDB environment in one file (MDB_NOSUBDIR).
 *
 *   meta        key: ASCII name (below)   value: see each key
 *   packages    key: crate name           value: hot record (record.h)
 *   toolchain   key: component name       value: hot record, `rust/` ones
 *   advisories  key: first id of a block  value: zstd frame of a block of
 *                                         full records with their git blob
 *                                         ids (block.h), in id order
 *   aliases     key: first alias of a     value: zstd frame of a block of
 *               block                     aliases and their ids (block.h)
 */
#ifndef ADVDB_SCHEMA_LAYOUT_H
#define ADVDB_SCHEMA_LAYOUT_H

#include "limit.h"   /* DB_MAXDBS */

#define ADVDB_SCHEMA_VERSION 2
#define ADVDB_MAGIC "advdb"          /* value of META_MAGIC */

#define DB_META       "meta"
#define DB_PACKAGES   "packages"
#define DB_TOOLCHAIN  "toolchain"
#define DB_ADVISORIES "advisories"
#define DB_ALIASES    "aliases"

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
