/*
 * reader.h — libadvdb's reader, as advdb-compile and advdb-query's
 * commands use it (not public).
 *
 * There is one reader of index files. advdb-compile --update (the
 * previous index) and --install (the index to put in place) open theirs
 * with advdb_open(), which checks the file against its pages (db.c),
 * walks every LMDB page a reader can reach (lmdbcheck.c) and checks
 * magic, schema and dictionary; they then read it with the calls below,
 * which decompress through the same block decoder as every lookup
 * (blockread.c) and walk blocks and hot records with schema/'s walkers.
 * So a damaged index is the same clear error for the compiler as for a
 * query, never a crash, and a check added to the reader protects both.
 *
 * These calls are compiled into libadvdb (the compiler links
 * libadvdb.a); they are not part of advdb.h and keep no state. Errors are
 * advdb codes with a message naming the file in advdb_last_error(db).
 */
#ifndef ADVDB_QUERY_READER_H
#define ADVDB_QUERY_READER_H

#include <stddef.h>
#include <stdint.h>
#include "advdb.h"
#include "record.h"

/* A copy of the meta value `key` in *out (malloc'd, with a NUL after its
 * *len bytes; the caller frees it): ADVDB_OK, ADVDB_ENOTFOUND when the
 * key is absent, or an error. */
int reader_meta(char **out, size_t *len, advdb *db, const char *key);

/* One block of `advisories`, valid during the callback only. */
typedef struct reader_block {
	const char *key;             /* its first id; not NUL-terminated */
	size_t key_len;
	const void *frame;           /* the value as stored (a zstd frame) */
	size_t frame_len;
	uint8_t *raw;                /* decompressed: block.h items, the */
	size_t raw_len;              /* first one's id equal to key */
} reader_block;

/* Every block of `advisories`, in key order, decompressed (with the
 * index's dictionary), handed to fn(arg, b). fn returns 0 to go on;
 * anything else ends the walk and is returned as it is. fn may keep the
 * decompressed bytes: it sets b->raw to NULL and later frees them with
 * free() (the compiler's entries point into them rather than copy
 * them). ADVDB_OK after the last block, or an advdb error. */
int reader_blocks(advdb *db, int (*fn)(void *arg, reader_block *b),
                  void *arg);

/* Every block of `aliases`, in key order, decompressed (never with the
 * dictionary), handed to fn(arg, b) as reader_blocks does (fn may keep
 * b->raw the same way). Only decompressed, not walked: for a caller
 * that compares the bytes with a block it made itself (an update keeps
 * the frame of an alias block that comes out the same). ADVDB_OK, an
 * advdb error, or fn's nonzero value. */
int reader_aliases(advdb *db, int (*fn)(void *arg, reader_block *b),
                   void *arg);

/* The decoded record inside an advisory (NULL for NULL): for the users
 * inside the project that need its fields as structs, such as the
 * vulnerable ranges as versions (reqs) or the whole record (the OSV
 * export), rather than the public accessors' text. Valid until
 * advdb_advisory_free(a). */
const adv_record *reader_advisory_record(const advdb_advisory *a);

/* Every crate of `crates` (none in an index without a crates index), in
 * key order, its record checked (crate_rec_decode), handed to fn(arg,
 * name, name_len, rec, rec_len) (views into the map, valid during the
 * call). fn returns 0 to go on; anything else ends the walk and is
 * returned. ADVDB_OK, ADVDB_ECORRUPT naming the key, or fn's value. */
int reader_crates(advdb *db, int (*fn)(void *arg, const char *name,
                  size_t name_len, const uint8_t *rec, size_t rec_len),
                  void *arg);

/* Every hot record (`packages`, `toolchain`) walked entry by entry and
 * every alias block decompressed and walked, every crate record read: what a lookup or an alias
 * would read, read once. ADVDB_OK, or ADVDB_ECORRUPT naming the key. */
int reader_check_lookups(advdb *db);

#endif
