/*
 * db_internal.h — the inside of an advdb handle, shared by the files of
 * libadvdb (db.c, lmdbcheck.c, thread.c, lookup.c, advisory.c, blockread.c,
 * iter.c, info.c) and by
 * nothing else.
 *
 * Invariants of an open handle:
 *   - env is open read-only on a file whose size covers every page the
 *     newest meta page says is in use, so no page LMDB reaches through
 *     that meta lies past EOF (which would be SIGBUS, not an error).
 *   - The sub-database handles (one per row of layout.h's table) were
 *     opened once, in a committed read transaction, and stay valid until
 *     advdb_close(). A missing optional one is recorded as absent (has[id]
 *     0) and reads as empty; a required one is always there.
 *   - ddict is NULL exactly when the index has no dictionary (dict id 0).
 *   - Everything mutable after open is either per thread (the thread state
 *     behind tkey) or behind `lock` (the list of thread states and the
 *     pool of decompression contexts). Reads never take `lock` on the
 *     lookup path.
 */
#ifndef ADVDB_QUERY_DB_INTERNAL_H
#define ADVDB_QUERY_DB_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <lmdb.h>
#include <zstd.h>
#include "advdb.h"
#include "layout.h"
#include "limit.h"
#include "record.h"

#define ADVDB_MSG_MAX   512          /* one error message, with its NUL */
#define ADVDB_DCTX_POOL 8            /* idle decompression contexts kept */

/* The public header's sizes follow the shared limits (limit.h). */
_Static_assert(ADVDB_ID_MAX == ADV_ID_MAX + 1,
               "advdb_match.id holds the longest id and its NUL");

/* One thread's state on one handle: its last error message and its read
 * transaction (reset between calls). Linked into the handle's list so
 * that advdb_close() can free the states of threads still alive. */
typedef struct advdb_thread {
	struct advdb_thread *prev, *next;
	struct advdb *db;
	MDB_txn *txn;                /* NULL until the first lookup */
	char msg[ADVDB_MSG_MAX];
} advdb_thread;

struct advdb {
	MDB_env *env;
	MDB_dbi dbi[DBI_COUNT];       /* the table of layout.h, by db_id */
	unsigned char has[DBI_COUNT]; /* 0: an optional one is absent */
	unsigned schema_version;
	unsigned dict_id;
	ZSTD_DDict *ddict;

	pthread_key_t tkey;          /* -> advdb_thread of the calling thread */
	pthread_mutex_t lock;        /* guards threads, pool, npool */
	advdb_thread *threads;
	ZSTD_DCtx *pool[ADVDB_DCTX_POOL];
	size_t npool;

	char *path;                  /* as given to advdb_open, for messages */
};

/* ---- thread.c ---- */

/* Create / destroy the per-thread machinery of a handle. thread_fini()
 * aborts the threads' transactions: call it before mdb_env_close(). */
int thread_init(struct advdb *db);
void thread_fini(struct advdb *db);

/* The calling thread's read transaction on db, renewed (*state: its
 * thread state, or NULL when there was no memory for one: then txn is a
 * fresh transaction). End it with db_snapshot_end(txn, *state). */
int db_snapshot(MDB_txn **out, advdb_thread **state, struct advdb *db);
void db_snapshot_end(MDB_txn *txn, advdb_thread *state);

/* Record a message for the calling thread on db and return code, so a
 * failure reads `return db_fail(db, ADVDB_ECORRUPT, "...", ...);`. Never
 * fails itself: without memory for the thread's buffer the code is still
 * returned, and advdb_last_error() gives "". */
int db_fail(struct advdb *db, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* ---- db.c ---- */

/* Map an LMDB return code to an advdb code (never 0 for rc != 0). */
int db_map_mdb(int rc);

/* Begin a read transaction on db; on failure record a message. */
int db_read_begin(MDB_txn **out, struct advdb *db);

/* The value of meta key `key`: 0 found, 1 absent, -1 read error. The
 * value points into the map: valid until txn ends. */
int meta_get(MDB_val *out, MDB_txn *txn, const struct advdb *db,
             const char *key);

/* A decimal meta value (1..20 digits, no sign, no overflow): 0 found,
 * 1 absent (*out 0), -1 malformed or unreadable. */
int meta_u64(uint64_t *out, MDB_txn *txn, const struct advdb *db,
             const char *key);

/* ---- blockread.c ---- */

/* The block holding key k in dbi (`advisories` or `aliases`): the one
 * with the last key <= k. 0 (key and val point into the map), 1 when
 * every key is after k (or dbi is empty), or an error with a message. */
int db_block_seek(MDB_val *key, MDB_val *val, struct advdb *db,
                  MDB_txn *txn, MDB_dbi dbi, const char *k, size_t klen,
                  const char *what);

/* Decompress a block's frame (with the index's dictionary when
 * with_dict) into a new buffer of exactly *len bytes; `what` names it in
 * messages. */
int db_inflate(void **out, size_t *len, struct advdb *db, const MDB_val *val,
               int with_dict, const char *what);

/* The same, stopping early: after each step of output, enough(buf, n,
 * arg) sees the first n bytes and returns nonzero when it has what it
 * needs. *len is then the bytes decoded so far (all of them when enough
 * never said so). */
int db_inflate_until(void **out, size_t *len, struct advdb *db,
                     const MDB_val *val, int with_dict, const char *what,
                     int (*enough)(const uint8_t *buf, size_t n, void *arg),
                     void *arg);

/* ---- lmdbcheck.c ---- */

/* Before mdb_env_open: the meta pages name a sane page size (liblmdb
 * divides by it). 0 or ADVDB_ECORRUPT with msg (ADVDB_MSG_MAX bytes). */
int lmdb_check_header(int fd, const char *path, char *msg);
/* Walk every page a reader can reach (see lmdbcheck.c). The file must
 * already be known to hold pages [0, last_pgno]. Returns 0, or
 * ADVDB_ECORRUPT / ADVDB_ENOTDB / ... with a message naming the file in
 * msg (ADVDB_MSG_MAX bytes). */
int lmdb_check(struct advdb *db, uint64_t last_pgno, unsigned psize,
               char *msg);

/* A stored adv_info as the public kind (unknown values: OTHER). */
static inline advdb_kind db_kind(uint8_t info)
{
	switch (info) {
	case ADV_INFO_NONE:         return ADVDB_KIND_VULNERABILITY;
	case ADV_INFO_UNMAINTAINED: return ADVDB_KIND_UNMAINTAINED;
	case ADV_INFO_UNSOUND:      return ADVDB_KIND_UNSOUND;
	case ADV_INFO_NOTICE:       return ADVDB_KIND_NOTICE;
	default:                    return ADVDB_KIND_OTHER;
	}
}

#endif
