/*
 * snapshot.c — the read transactions of a handle's calls: a small pool of
 * reusable ones, shared by every thread, with no lock and no per-thread
 * state.
 *
 * Why a pool: mdb_txn_begin allocates, and a lookup should not. The
 * index is opened MDB_NOLOCK|MDB_NOTLS, so a read transaction is tied to
 * no thread, and the file is never written in place (db.c), so a read
 * transaction's snapshot never goes stale: a slot's transaction stays
 * open from its first use to advdb_close(), and a call takes it as it
 * is. (Resetting and renewing it on every call also marked every named
 * database stale, so each lookup searched the main database again
 * before its own: a quarter of a lookup's time.) (Keeping one per thread
 * took a pthread key per handle, which tied errors to threads and ran
 * out of keys at about a thousand open handles.)
 *
 * How: DB_SLOTS slots, each a cache line with an atomic busy flag and a
 * transaction (made on the slot's first use). A call takes the first
 * free slot, probing from a start derived from its stack address: each
 * thread's stack lies in its own region, so threads tend to start at
 * different slots and keep using theirs, and no cache line is written by
 * two threads in the steady state. The start is only a hint; correctness
 * rests on the atomic exchange alone. When every slot is busy the call
 * begins a transaction of its own and aborts it at the end (it works,
 * and allocates).
 *
 * Invariants: a slot's transaction is used only by the call that set its
 * busy flag, and stays open (active) whether the flag is set or not;
 * db_slots_fini() runs when no call is in flight (advdb_close() must not
 * race with other calls), so it may abort every transaction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "db_internal.h"

int db_slots_init(struct advdb *db)
{
	size_t i;

	db->slots = aligned_alloc(_Alignof(db_slot), DB_SLOTS * sizeof(db_slot));
	if (!db->slots)
		return ADVDB_ENOMEM;
	for (i = 0; i < DB_SLOTS; i++) {
		atomic_init(&db->slots[i].busy, 0);
		db->slots[i].txn = NULL;
	}
	return ADVDB_OK;
}

void db_slots_fini(struct advdb *db)
{
	size_t i;

	if (!db->slots)
		return;
	for (i = 0; i < DB_SLOTS; i++)
		if (db->slots[i].txn)
			mdb_txn_abort(db->slots[i].txn);
	free(db->slots);
	db->slots = NULL;
}

/* Where this call starts probing: a hash of its stack region (64 KiB
 * granules: the same thread lands on the same slot from any nearby call
 * depth, threads' stacks are megabytes apart). */
static size_t slot_hint(void)
{
	char here;
	uint64_t h = (uint64_t)((uintptr_t)&here >> 16);

	h *= UINT64_C(0x9E3779B97F4A7C15);       /* Fibonacci hashing */
	return (size_t)(h >> 32) % DB_SLOTS;
}

static db_slot *slot_take(struct advdb *db)
{
	size_t start = slot_hint(), i;

	for (i = 0; i < DB_SLOTS; i++) {
		db_slot *s = &db->slots[(start + i) % DB_SLOTS];

		/* read first: a busy slot costs no write to its line */
		if (!atomic_load_explicit(&s->busy, memory_order_relaxed) &&
		    !atomic_exchange_explicit(&s->busy, 1, memory_order_acquire))
			return s;
	}
	return NULL;
}

static void slot_give(db_slot *s)
{
	atomic_store_explicit(&s->busy, 0, memory_order_release);
}

int db_snapshot(MDB_txn **out, db_slot **slot, struct advdb *db,
                advdb_error_info *err)
{
	db_slot *s = slot_take(db);
	MDB_txn *t = NULL;
	int rc;

	*out = NULL;
	*slot = s;
	if (!s)
		return db_read_begin(out, db, err);
	if (s->txn)
		rc = 0;         /* still open: the file has not changed */
	else if ((rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &t)) == 0)
		s->txn = t;
	if (rc != 0) {
		if (s->txn) {
			mdb_txn_abort(s->txn);
			s->txn = NULL;
		}
		slot_give(s);
		*slot = NULL;
		return db_fail(db, err, db_map_mdb(rc), "%s: cannot begin a read: "
		               "%s", db->path, mdb_strerror(rc));
	}
	*out = s->txn;
	return ADVDB_OK;
}

void db_snapshot_end(MDB_txn *txn, db_slot *slot)
{
	if (slot) {
		slot_give(slot);        /* its transaction stays open */
	} else if (txn) {
		mdb_txn_abort(txn);
	}
}
