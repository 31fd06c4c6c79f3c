/*
 * errmsg.c — advdb_last_error(): one message per handle AND per thread,
 * without any global state.
 *
 * How: advdb_open() creates a pthread key owned by the handle. A thread's
 * first failing call on the handle allocates its advdb_thread (message
 * buffer) and stores it under the key; later failures overwrite that
 * buffer. Buffers are freed by the key's destructor when the thread
 * exits, or by advdb_close() for threads still alive then: every buffer
 * sits in the handle's list (under db->lock) so close can find them.
 *
 * Invariants:
 *   - A buffer is in the list iff it is live; exactly one of the
 *     destructor or errmsg_fini() frees it.
 *   - Calls that succeed never touch the key: the hot path stays free of
 *     locks and allocations.
 *   - advdb_close() deletes the key before freeing the list, so no
 *     destructor starts after that. (The one thing a caller must not do
 *     is close a handle while a thread that failed on it is exiting;
 *     that is covered by "close must not race with other use".)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db_internal.h"

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
	free(t);
}

int errmsg_init(struct advdb *db)
{
	db->threads = NULL;
	if (pthread_key_create(&db->tkey, thread_state_free) != 0)
		return ADVDB_ERROR;
	return ADVDB_OK;
}

void errmsg_fini(struct advdb *db)
{
	advdb_thread *t, *next;

	pthread_key_delete(db->tkey);
	pthread_mutex_lock(&db->lock);
	for (t = db->threads; t; t = next) {
		next = t->next;
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

int db_fail(struct advdb *db, int code, const char *fmt, ...)
{
	advdb_thread *t = thread_state(db);
	va_list ap;
	int n;

	if (!t)
		return code;
	va_start(ap, fmt);
	n = vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		snprintf(t->msg, sizeof t->msg, "%s", advdb_strerror(code));
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
