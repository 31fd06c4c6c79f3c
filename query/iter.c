/*
 * iter.c — iterators over the keys of one sub-database: package names
 * (`packages`, the crates collection) and advisory ids (`advisories`).
 *
 * An iterator owns a read transaction and a cursor on it, so it sees one
 * snapshot however long it lives; with MDB_NOLOCK a long-lived reader
 * costs nothing, since the index is never written in place.
 *
 * Invariants: the name handed out is a NUL-terminated copy in the
 * iterator's own buffer (keys are at most ADVDB_KEY_MAX bytes), valid
 * until the next call or _free(); after the end or an error, every next
 * call repeats that result.
 */
#include <stdlib.h>
#include <string.h>
#include "db_internal.h"

struct advdb_iter {
	advdb *db;
	MDB_txn *txn;
	MDB_cursor *cur;
	const char *what;            /* for messages */
	int started;
	int done;                    /* 0, or the code every next returns */
	char name[ADVDB_KEY_MAX + 1];
};

static int iter_new(advdb_iter **out, advdb *db, MDB_dbi dbi,
                    const char *what)
{
	advdb_iter *it;
	int rc, err;

	if (!db)
		return ADVDB_EINVAL;
	if (!out)
		return db_fail(db, ADVDB_EINVAL, "iterator: NULL argument");
	*out = NULL;
	it = calloc(1, sizeof *it);
	if (!it)
		return db_fail(db, ADVDB_ENOMEM, "iterator: out of memory");
	it->db = db;
	it->what = what;
	if ((err = db_read_begin(&it->txn, db)) != 0) {
		free(it);
		return err;
	}
	rc = mdb_cursor_open(it->txn, dbi, &it->cur);
	if (rc != 0) {
		err = db_fail(db, db_map_mdb(rc), "%s: %s: %s", db->path, what,
		              mdb_strerror(rc));
		mdb_txn_abort(it->txn);
		free(it);
		return err;
	}
	*out = it;
	return ADVDB_OK;
}

int advdb_packages_iter(advdb_iter **out, advdb *db)
{
	return iter_new(out, db, db ? db->packages : 0, "packages");
}

int advdb_advisories_iter(advdb_iter **out, advdb *db)
{
	return iter_new(out, db, db ? db->advisories : 0, "advisories");
}

int advdb_iter_next(const char **name, advdb_iter *it)
{
	MDB_val k, v;
	int rc;

	if (!it || !name) {
		if (name)
			*name = NULL;
		return ADVDB_EINVAL;
	}
	*name = NULL;
	if (it->done)
		return it->done;
	rc = mdb_cursor_get(it->cur, &k, &v, it->started ? MDB_NEXT : MDB_FIRST);
	it->started = 1;
	if (rc == MDB_NOTFOUND) {
		it->done = ADVDB_ENOTFOUND;
		return it->done;
	}
	if (rc != 0) {
		it->done = db_fail(it->db, db_map_mdb(rc), "%s: %s: %s",
		                   it->db->path, it->what, mdb_strerror(rc));
		return it->done;
	}
	if (k.mv_size == 0 || k.mv_size > ADVDB_KEY_MAX ||
	    memchr(k.mv_data, '\0', k.mv_size)) {
		it->done = db_fail(it->db, ADVDB_ECORRUPT, "%s: %s: damaged key",
		                   it->db->path, it->what);
		return it->done;
	}
	memcpy(it->name, k.mv_data, k.mv_size);
	it->name[k.mv_size] = '\0';
	*name = it->name;
	return ADVDB_OK;
}

void advdb_iter_free(advdb_iter *it)
{
	if (!it)
		return;
	mdb_cursor_close(it->cur);
	mdb_txn_abort(it->txn);
	free(it);
}
