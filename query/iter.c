/*
 * iter.c — iterators over package names (the keys of `packages`, the
 * crates collection) and advisory ids (the records inside the blocks of
 * `advisories`, one block decompressed at a time).
 *
 * An iterator owns a read transaction and a cursor on it, so it sees one
 * snapshot however long it lives; with MDB_NOLOCK a long-lived reader
 * costs nothing, since the index is never written in place.
 *
 * Invariants: the name handed out is a NUL-terminated copy in the
 * iterator's own buffer (keys are at most DB_KEY_MAX bytes), valid
 * until the next call or _free(); after the end or an error, every next
 * call repeats that result (an error with its message, so an _ex call
 * after a plain one still learns why).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db_internal.h"
#include "block.h"

struct advdb_iter {
	advdb *db;
	MDB_txn *txn;
	MDB_cursor *cur;
	const char *what;            /* for messages */
	int started;
	int done;                    /* 0, or the code every next returns */
	int blocks;                  /* keys are inside blocks (advisories) */
	void *buf;                   /* the current block, decompressed */
	size_t len, off;
	char name[DB_KEY_MAX + 1];
	char msg[ADVDB_MSG_MAX];     /* of the error in done, to repeat it */
};

static int iter_new(advdb_iter **out, advdb *db, db_id id, int blocks,
                    advdb_error_info *err)
{
	const char *what = db_name(id);
	advdb_iter *it;
	int rc, ret;

	if (out)
		*out = NULL;
	if ((ret = err_check(db, err, "iterator")) != 0)
		return ret;
	if (!out)
		return db_fail(db, err, ADVDB_EINVAL, "iterator: NULL argument");
	it = calloc(1, sizeof *it);
	if (!it)
		return db_fail(db, err, ADVDB_ENOMEM, "iterator: out of memory");
	it->db = db;
	it->what = what;
	it->blocks = blocks;
	if ((ret = db_row_checked(db, id, err)) != 0 ||
	    (ret = db_read_begin(&it->txn, db, err)) != 0) {
		free(it);
		return ret;
	}
	rc = mdb_cursor_open(it->txn, db->dbi[id], &it->cur);
	if (rc != 0) {
		ret = db_fail(db, err, db_map_mdb(rc), "%s: %s: %s", db->path,
		              what, mdb_strerror(rc));
		mdb_txn_abort(it->txn);
		free(it);
		return ret;
	}
	*out = it;
	return ADVDB_OK;
}

int advdb_packages_iter_ex(advdb_iter **out, advdb *db,
                           advdb_error_info *err)
{
	return iter_new(out, db, DBI_PACKAGES, 0, err);
}

int advdb_advisories_iter_ex(advdb_iter **out, advdb *db,
                             advdb_error_info *err)
{
	return iter_new(out, db, DBI_ADVISORIES, 1, err);
}

int advdb_packages_iter(advdb_iter **out, advdb *db)
{
	return iter_new(out, db, DBI_PACKAGES, 0, NULL);
}

int advdb_advisories_iter(advdb_iter **out, advdb *db)
{
	return iter_new(out, db, DBI_ADVISORIES, 1, NULL);
}

/* The next key of the sub-database into k: 0, or an advdb code. */
static int next_key(MDB_val *k, MDB_val *v, advdb_iter *it,
                    advdb_error_info *err)
{
	int rc = mdb_cursor_get(it->cur, k, v,
	                        it->started ? MDB_NEXT : MDB_FIRST);

	it->started = 1;
	if (rc == MDB_NOTFOUND)
		return ADVDB_ENOTFOUND;
	if (rc != 0)
		return db_fail(it->db, err, db_map_mdb(rc), "%s: %s: %s",
		               it->db->path, it->what, mdb_strerror(rc));
	return ADVDB_OK;
}

/* The next id inside the advisory blocks into k (pointing into buf). */
static int next_in_block(MDB_val *k, advdb_iter *it, advdb_error_info *err)
{
	MDB_val bk, bv;
	blk_item item;
	int rc;

	for (;;) {
		if (it->buf) {
			rc = blk_item_next(&item, it->buf, it->len, &it->off);
			if (rc == 0) {
				k->mv_data = (void *)item.id;
				k->mv_size = item.id_len;
				return ADVDB_OK;
			}
			free(it->buf);
			it->buf = NULL;
			if (rc < 0)
				return db_fail(it->db, err, ADVDB_ECORRUPT, "%s: %s: "
				               "damaged block", it->db->path, it->what);
		}
		if ((rc = next_key(&bk, &bv, it, err)) != 0)
			return rc;
		rc = db_inflate(&it->buf, &it->len, it->db, &bv, 1, it->what, err);
		if (rc != 0)
			return rc;
		it->off = 0;
		/* a block holds at least one record, the first its key */
		if (blk_item_next(&item, it->buf, it->len, &it->off) != 0 ||
		    item.id_len != bk.mv_size ||
		    memcmp(item.id, bk.mv_data, bk.mv_size) != 0)
			return db_fail(it->db, err, ADVDB_ECORRUPT, "%s: %s: damaged "
			               "block", it->db->path, it->what);
		it->off = 0;
	}
}

int advdb_iter_next_ex(const char **name, advdb_iter *it,
                       advdb_error_info *err)
{
	MDB_val k, v;
	int rc;

	if (name)
		*name = NULL;
	if ((rc = err_check(it ? it->db : NULL, err, "advdb_iter_next")) != 0)
		return rc;
	if (!name)
		return db_fail(it->db, err, ADVDB_EINVAL, "advdb_iter_next: NULL "
		               "argument");
	if (it->done) {
		/* the same end again; an error again, with its message */
		if (it->done != ADVDB_ENOTFOUND)
			return db_fail(it->db, err, it->done, "%s", it->msg);
		return it->done;
	}
	rc = it->blocks ? next_in_block(&k, it, err) : next_key(&k, &v, it, err);
	if (rc == 0 && (k.mv_size == 0 || k.mv_size > DB_KEY_MAX ||
	                memchr(k.mv_data, '\0', k.mv_size)))
		rc = db_fail(it->db, err, ADVDB_ECORRUPT, "%s: %s: damaged key",
		             it->db->path, it->what);
	if (rc != 0) {
		it->done = rc;
		snprintf(it->msg, sizeof it->msg, "%s",
		         err ? err->message : advdb_last_error(it->db));
		return it->done;
	}
	memcpy(it->name, k.mv_data, k.mv_size);
	it->name[k.mv_size] = '\0';
	*name = it->name;
	return ADVDB_OK;
}

int advdb_iter_next(const char **name, advdb_iter *it)
{
	return advdb_iter_next_ex(name, it, NULL);
}

void advdb_iter_free(advdb_iter *it)
{
	if (!it)
		return;
	free(it->buf);
	mdb_cursor_close(it->cur);
	mdb_txn_abort(it->txn);
	free(it);
}
