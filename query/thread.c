/*
 * thread.c — what a handle keeps per thread: the last error message
 * (advdb_last_error) and a reusable read transaction (the lookup path),
 * without any global state.
 *
 * How: advdb_open() creates a pthread key owned by the handle. A thread's
 * first failing call, or first lookup, allocates its advdb_thread and
 * stores it under the key; later calls reuse it: failures overwrite the
 * message, lookups renew and reset the same read transaction, so a
 * steady-state lookup allocates nothing (mdb_txn_begin would malloc). A
 * state is freed by the key's destructor when its thread exits, or by
 * advdb_close() for threads still alive then: every state sits in the
 * handle's list (under db->lock) so close can find them.
 *
 * Invariants:
 *   - A state is in the list iff it is live; exactly one of the
 *     destructor or thread_fini() frees it (and aborts its transaction,
 *     which is always reset, never active, between calls).
 *   - Lookups touch the list only on a thread's first call; successful
 *     calls never write the message.
 *   - advdb_close() deletes the key before freeing the list, so no
 *     destructor starts after that. (What a caller must not do is close a
 *     handle while a thread that used it is exiting; that is covered by
 *     "close must not race with other use".)
 *   - Without memory for a state, calls still work: a lookup uses a
 *     transaction of its own, a failure keeps no message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db_internal.h"
#include "errbuf.h"

static void thread_unlink(advdb_thread *t)
{
	struct advdb *db = t->db;

	if (t->prev)
		t->prev->next = t->next;
	else
		db->threads = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = t->next = NULL;
}

/* Key destructor: the thread exits while the handle is still open. */
static void thread_state_free(void *p)
{
	advdb_thread *t = p;
	struct advdb *db;

	if (!t)
		return;
	db = t->db;
	pthread_mutex_lock(&db->lock);
	thread_unlink(t);
	pthread_mutex_unlock(&db->lock);
	if (t->txn)
		mdb_txn_abort(t->txn);
	free(t);
}

int thread_init(struct advdb *db)
{
	db->threads = NULL;
	if (pthread_key_create(&db->tkey, thread_state_free) != 0)
		return ADVDB_ERROR;
	return ADVDB_OK;
}

void thread_fini(struct advdb *db)
{
	advdb_thread *t, *next;

	pthread_key_delete(db->tkey);
	pthread_mutex_lock(&db->lock);
	for (t = db->threads; t; t = next) {
		next = t->next;
		if (t->txn)
			mdb_txn_abort(t->txn);
		free(t);
	}
	db->threads = NULL;
	pthread_mutex_unlock(&db->lock);
}

static advdb_thread *thread_state(struct advdb *db)
{
	advdb_thread *t = pthread_getspecific(db->tkey);

	if (t)
		return t;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->db = db;
	if (pthread_setspecific(db->tkey, t) != 0) {
		free(t);
		return NULL;
	}
	pthread_mutex_lock(&db->lock);
	t->next = db->threads;
	if (db->threads)
		db->threads->prev = t;
	db->threads = t;
	pthread_mutex_unlock(&db->lock);
	return t;
}

int db_snapshot(MDB_txn **out, advdb_thread **state, struct advdb *db)
{
	advdb_thread *t = thread_state(db);
	int rc;

	*out = NULL;
	*state = t;
	if (!t)
		return db_read_begin(out, db);
	if (t->txn)
		rc = mdb_txn_renew(t->txn);
	else
		rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &t->txn);
	if (rc != 0) {
		if (t->txn) {
			mdb_txn_abort(t->txn);
			t->txn = NULL;
		}
		return db_fail(db, db_map_mdb(rc), "%s: cannot begin a read: %s",
		               db->path, mdb_strerror(rc));
	}
	*out = t->txn;
	return ADVDB_OK;
}

void db_snapshot_end(MDB_txn *txn, advdb_thread *state)
{
	if (state)
		mdb_txn_reset(txn);
	else if (txn)
		mdb_txn_abort(txn);
}

int db_fail(struct advdb *db, int code, const char *fmt, ...)
{
	advdb_thread *t = thread_state(db);
	va_list ap;

	if (!t)
		return code;
	va_start(ap, fmt);
	errbuf_vset(t->msg, sizeof t->msg, advdb_strerror(code), fmt, ap);
	va_end(ap);
	return code;
}

const char *advdb_last_error(const advdb *db)
{
	const advdb_thread *t;

	if (!db)
		return "no database handle";
	t = pthread_getspecific(db->tkey);
	return t ? t->msg : "";
}
