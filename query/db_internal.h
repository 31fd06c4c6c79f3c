/*
 * db_internal.h — the inside of an advdb handle, shared by the files of
 * libadvdb (db.c, lmdbcheck.c, snapshot.c, error.c, lookup.c, advisory.c,
 * blockread.c, iter.c, info.c, reader.c) and by nothing else.
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
 *   - Nothing is kept per thread. What changes after open is the pool of
 *     read transactions (slots: each taken by one call at a time with an
 *     atomic flag, no lock: see snapshot.c) and, behind `lock`, the pool
 *     of decompression contexts and the message of advdb_last_error().
 *     The lookup path never takes `lock`.
 */
#ifndef ADVDB_QUERY_DB_INTERNAL_H
#define ADVDB_QUERY_DB_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <lmdb.h>
#include <zstd.h>
#include "advdb.h"
#include "layout.h"
#include "limit.h"
#include "record.h"

#define ADVDB_MSG_MAX   512          /* one error message, with its NUL */
#define ADVDB_DCTX_POOL 8            /* idle decompression contexts kept */
#define DB_PARTIAL_MAX  (4u << 20)   /* the largest decoded block a handle
                                        keeps for the next fetch (db_partial,
                                        blockread.c) */
#define DB_SLOTS        32           /* reusable read transactions: more
                                        lookups at once than this each
                                        begin (and allocate) their own */

/* The public header's sizes follow the shared limits (limit.h). */
_Static_assert(ADVDB_ID_MAX == ADV_ID_MAX + 1,
               "advdb_match.id holds the longest id and its NUL");
_Static_assert(ADVDB_MSG_MAX == ADVDB_ERROR_MSG_MAX,
               "a message fits advdb_error_info.message");

/* One reusable read transaction: taken by one call at a time (busy),
 * open from its first use to advdb_close() (the file never changes). A
 * cache line each, so threads on different slots do not share one. */
typedef struct db_slot {
	_Alignas(64) atomic_int busy;
	MDB_txn *txn;                /* NULL until first used */
} db_slot;

struct advdb {
	MDB_env *env;
	MDB_dbi dbi[DBI_COUNT];       /* the table of layout.h, by db_id */
	unsigned char has[DBI_COUNT]; /* 0: an optional one is absent
	                                 (`crates`: also when meta has no
	                                 crates_index: an empty row) */
	unsigned schema_version;
	unsigned dict_id;
	ZSTD_DDict *ddict;

	db_slot *slots;              /* DB_SLOTS of them (snapshot.c) */
	pthread_mutex_t lock;        /* guards pool, npool, partial, msg */
	ZSTD_DCtx *pool[ADVDB_DCTX_POOL];
	size_t npool;
	struct db_partial *partial;  /* the block fetched last, as far as it
	                                was decoded (blockread.c) */
	char msg[ADVDB_MSG_MAX];     /* advdb_last_error() */

	char *path;                  /* as given to advdb_open, for messages */

	/* db_row_checked: the rows walked on first use (DB_WALK_ON_USE) */
	uint64_t last_pgno;          /* as at open (the file never changes) */
	unsigned psize;
	_Atomic int row_state[DBI_COUNT]; /* 0 not walked, 1 sound, <0 its
	                                     error */
	char row_msg[DBI_COUNT][ADVDB_MSG_MAX]; /* that error's message; set
	                                  before row_state (under lock) */
};

/* ---- snapshot.c ---- */

/* Make / free the pool of read transactions. db_slots_fini() aborts
 * them: call it before mdb_env_close(). */
int db_slots_init(struct advdb *db);
void db_slots_fini(struct advdb *db);

/* A read transaction on db for one call, from the pool when a slot is
 * free (*slot: it), else a fresh one (*slot NULL). End it with
 * db_snapshot_end(txn, *slot). */
int db_snapshot(MDB_txn **out, db_slot **slot, struct advdb *db,
                advdb_error_info *err);
void db_snapshot_end(MDB_txn *txn, db_slot *slot);

/* ---- the versioned public structs (advdb_*_init) ---- */

/* Clear the struct s of `size` bytes, whose first member is its
 * `unsigned version`, and set that to version: ADVDB_OK, or ADVDB_EINVAL
 * (nothing written) when s is NULL or version is not `known`, the one
 * this library was built with. */
static inline int struct_init(void *s, size_t size, unsigned version,
                              unsigned known)
{
	if (!s || version != known)
		return ADVDB_EINVAL;
	memset(s, 0, size);
	*(unsigned *)s = version;    /* a struct's first member is at its start */
	return ADVDB_OK;
}

/* ---- error.c ---- */

/* The preamble of a getter that fills a versioned public struct: out
 * (of `size` bytes, named `type`) must be given and carry the version
 * this library knows (`known`, set by the `init` macro); then it is
 * cleared as struct_init does. ADVDB_OK, or ADVDB_EINVAL reported on db
 * as `who: ...` (out untouched). */
int struct_out(struct advdb *db, advdb_error_info *err, const char *who,
               void *out, size_t size, unsigned known, const char *type,
               const char *init);

/* Report a failure of a call on db and return code, so a failure reads
 * `return db_fail(db, err, ADVDB_ECORRUPT, "...", ...);`. The message
 * goes into err when the caller gave one (an _ex call), else into the
 * handle for advdb_last_error(). Never fails itself. */
int db_fail(struct advdb *db, advdb_error_info *err, int code,
            const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* The same without a handle (err NULL: nothing is recorded), with the
 * input line of a lockfile (0: none). */
int err_fail(advdb_error_info *err, int code, unsigned line,
             const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* The same into a caller's `char *buf, size_t cap` (advdb_open,
 * advdb_key_load, advdb_open_verified: calls before there is a handle),
 * through errbuf (cut with "...", the code's text when formatting
 * fails); returns code. */
int buf_fail(char *buf, size_t cap, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* At the start of a call `who` on db: a handle, and an err that is NULL
 * or of a version this library knows? 0, or ADVDB_EINVAL reported where
 * it can be (err of an unknown version is never written into; its
 * reason goes to db, when there is one). */
int err_check(struct advdb *db, const advdb_error_info *err,
              const char *who);

/* ---- db.c ---- */

/* Map an LMDB return code to an advdb code (never 0 for rc != 0). */
int db_map_mdb(int rc);

/* Begin a read transaction on db; on failure report it (db_fail). */
int db_read_begin(MDB_txn **out, struct advdb *db, advdb_error_info *err);

/* The value of meta key `key`: 0 found, 1 absent, -1 read error. The
 * value points into the map: valid until txn ends. */
int meta_get(MDB_val *out, MDB_txn *txn, const struct advdb *db,
             const char *key);

/* A decimal meta value (1..20 digits, no sign, no overflow): 0 found,
 * 1 absent (*out 0), -1 malformed or unreadable. */
int meta_u64(uint64_t *out, MDB_txn *txn, const struct advdb *db,
             const char *key);

/* ---- lookup.c ---- */

/* The checks every call taking an advdb_query makes (q NULL is fine):
 * 0, or ADVDB_EINVAL reported as `who: ...`. */
int db_query_check(struct advdb *db, const advdb_query *q, const char *who,
                   advdb_error_info *err);

/* ---- blockread.c ---- */

/* The block holding key k in row id (`advisories` or `aliases`, walked
 * first: db_row_checked): the one with the last key <= k. 0 (key and val
 * point into the map), 1 when every key is after k (or the row is
 * empty), or an error with a message. */
int db_block_seek(MDB_val *key, MDB_val *val, struct advdb *db,
                  MDB_txn *txn, db_id id, const char *k, size_t klen,
                  const char *what, advdb_error_info *err);

/* Decompress a block's frame (with the index's dictionary when
 * with_dict) into a new buffer of exactly *len bytes; `what` names it in
 * messages. */
int db_inflate(void **out, size_t *len, struct advdb *db, const MDB_val *val,
               int with_dict, const char *what, advdb_error_info *err);

/* The same, stopping early: after each step of output, enough(buf, n,
 * arg) sees the first n bytes and returns nonzero when it has what it
 * needs. *out is then the bytes decoded so far (all of them when enough
 * never said so), *len of them, in a buffer the handle keeps: read it,
 * copy out what you need, then db_inflate_done(db, *hold) (also after an
 * error: *hold is then NULL). The next call on the same frame resumes
 * where this one stopped (a check's findings often share a block). */
typedef struct db_partial db_partial;
int db_inflate_until(const uint8_t **out, size_t *len, db_partial **hold,
                     struct advdb *db, const MDB_val *val, int with_dict,
                     const char *what,
                     int (*enough)(const uint8_t *buf, size_t n, void *arg),
                     void *arg, advdb_error_info *err);
void db_inflate_done(struct advdb *db, db_partial *hold);
/* advdb_close: the kept block, if any. */
void db_partial_free(db_partial *p);

/* ---- lmdbcheck.c ---- */

/* Before mdb_env_open: the meta pages name a sane page size (liblmdb
 * divides by it). 0 or ADVDB_ECORRUPT with msg (ADVDB_MSG_MAX bytes). */
int lmdb_check_header(int fd, const char *path, char *msg);
/* Walk every page a reader can reach (see lmdbcheck.c) in the main tree
 * and in the sub-databases whose bit (1u << db_id) is in `which`. The
 * file must already be known to hold pages [0, last_pgno]. Returns 0, or
 * ADVDB_ECORRUPT / ADVDB_ENOTDB / ... with a message naming the file in
 * msg (ADVDB_MSG_MAX bytes). */
int lmdb_check(struct advdb *db, uint64_t last_pgno, unsigned psize,
               unsigned which, char *msg);

/* The rows walked on their first use, by db_row_checked(), rather than
 * at open: those a lookup never reads. The advisory and alias blocks
 * (most of the file's pages, scattered through it: a clean one-shot
 * check read them only to walk them, 7 of its 57 page faults) are read
 * only to show a finding or an advisory; `crates` (thousands of pages)
 * only by a crates-index question. Every other row, and any row added
 * later, is walked at open. */
#define DB_WALK_ON_USE ((1u << DBI_ADVISORIES) | (1u << DBI_ALIASES) | \
                        (1u << DBI_CRATES))
#define DB_WALK_AT_OPEN (((1u << DBI_COUNT) - 1) & ~DB_WALK_ON_USE)
_Static_assert(!(DB_WALK_ON_USE & ((1u << DBI_META) | (1u << DBI_PACKAGES) |
                                   (1u << DBI_TOOLCHAIN))),
               "meta and the hot records are read (db_meta_get, lookup.c) "
               "without db_row_checked: they must be walked at open");

/* Row `id` walked (once per handle, on first use: lmdbcheck.c) before
 * any of its pages is read: call it before every cursor or get on a row
 * of DB_WALK_ON_USE (for the others it returns at once). ADVDB_OK, or
 * the walk's error, with its message for the calling thread, on this and
 * every later call. */
int db_row_checked(struct advdb *db, db_id id, advdb_error_info *err);

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
