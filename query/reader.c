/*
 * reader.c — whole-index reads for the compiler (reader.h): meta values,
 * every advisory block, every hot record and alias block, through the
 * handle, the block decoder and the walkers libadvdb's lookups use.
 *
 * Each call runs in its own read transaction, so what it hands out
 * (views into the map) is valid only inside it: meta values are copied,
 * blocks are given to a callback.
 */
#include <stdlib.h>
#include <string.h>
#include "block.h"
#include "crates.h"
#include "db_internal.h"
#include "reader.h"

int reader_meta(char **out, size_t *len, advdb *db, const char *key)
{
	MDB_txn *txn;
	MDB_val v;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = db_read_begin(&txn, db, NULL)) != 0)
		return rc;
	rc = meta_get(&v, txn, db, key);
	if (rc > 0)
		rc = ADVDB_ENOTFOUND;
	else if (rc < 0)
		rc = db_fail(db, NULL, ADVDB_ECORRUPT, "%s: damaged index: cannot read "
		             "meta `%s`", db->path, key);
	else if (!(*out = malloc(v.mv_size + 1)))
		rc = db_fail(db, NULL, ADVDB_ENOMEM, "%s: out of memory", db->path);
	else {
		memcpy(*out, v.mv_data, v.mv_size);
		(*out)[v.mv_size] = '\0';
		*len = v.mv_size;
	}
	mdb_txn_abort(txn);
	return rc;
}

/* Every value of sub-database id decompressed and handed to fn, as
 * reader.h says; for `advisories` (with the dictionary) each block must
 * start with its key. */
static int walk_blocks(advdb *db, db_id id,
                       int (*fn)(void *arg, reader_block *b), void *arg)
{
	MDB_txn *txn;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	void *raw = NULL;
	size_t len, off;
	blk_item first;
	int adv = id == DBI_ADVISORIES, rc, mrc;

	/* the row's pages walked before any value is read (db.c) */
	if ((rc = db_row_checked(db, id, NULL)) != 0 ||
	    (rc = db_read_begin(&txn, db, NULL)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, db->dbi[id], &cur)) != 0) {
		rc = db_fail(db, NULL, db_map_mdb(mrc), "%s: %s: %s", db->path,
		             db_name(id), mdb_strerror(mrc));
		goto done;
	}
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		rc = db_inflate(&raw, &len, db, &v, adv, db_name(id), NULL);
		if (rc != 0)
			goto done;
		off = 0;
		if (adv && (blk_item_next(&first, raw, len, &off) != 0 ||
		            first.id_len != k.mv_size ||
		            memcmp(first.id, k.mv_data, k.mv_size) != 0)) {
			rc = db_fail(db, NULL, ADVDB_ECORRUPT, "%s: damaged index: the "
			             "advisory block `%.*s` does not start with its "
			             "key", db->path,
			             (int)(k.mv_size > ADV_ID_MAX ? ADV_ID_MAX
			                                          : k.mv_size),
			             (const char *)k.mv_data);
			goto done;
		}
		reader_block b = { k.mv_data, k.mv_size, v.mv_data, v.mv_size,
		                   raw, len };
		rc = fn(arg, &b);
		raw = b.raw;            /* NULL when fn kept it */
		if (rc != 0)
			goto done;
		free(raw);
		raw = NULL;
	}
	rc = mrc == MDB_NOTFOUND ? ADVDB_OK :
	     db_fail(db, NULL, db_map_mdb(mrc), "%s: %s: %s", db->path,
	             db_name(id), mdb_strerror(mrc));
done:
	free(raw);
	if (cur)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

int reader_blocks(advdb *db, int (*fn)(void *arg, reader_block *b),
                  void *arg)
{
	return walk_blocks(db, DBI_ADVISORIES, fn, arg);
}

int reader_aliases(advdb *db, int (*fn)(void *arg, reader_block *b),
                   void *arg)
{
	return db->has[DBI_ALIASES] ? walk_blocks(db, DBI_ALIASES, fn, arg)
	                            : ADVDB_OK;
}

/* Every value of dbi a well-formed hot record, walked to its end. */
static int check_hot(advdb *db, MDB_txn *txn, db_id id)
{
	const char *what = db_name(id);
	MDB_cursor *cur;
	MDB_val k, v;
	hot_iter it;
	hot_entry e;
	int mrc, r;

	if ((r = db_row_checked(db, id, NULL)) != 0)
		return r;
	if ((mrc = mdb_cursor_open(txn, db->dbi[id], &cur)) != 0)
		return db_fail(db, NULL, db_map_mdb(mrc), "%s: %s: %s", db->path,
		               what, mdb_strerror(mrc));
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		r = k.mv_size == 0 || k.mv_size > ADV_PACKAGE_MAX ||
		    hot_iter_init(&it, v.mv_data, v.mv_size) != 0 ? -1 : 1;
		while (r == 1)
			r = hot_iter_next(&it, &e);
		if (r < 0) {
			mdb_cursor_close(cur);
			return db_fail(db, NULL, ADVDB_ECORRUPT, "%s: damaged record of "
			               "package `%.*s` (%s)", db->path,
			               (int)(k.mv_size > ADV_PACKAGE_MAX ?
			                     ADV_PACKAGE_MAX : k.mv_size),
			               (const char *)k.mv_data, what);
		}
	}
	mdb_cursor_close(cur);
	if (mrc != MDB_NOTFOUND)
		return db_fail(db, NULL, db_map_mdb(mrc), "%s: %s: %s", db->path, what,
		               mdb_strerror(mrc));
	return ADVDB_OK;
}

/* Every alias block decompressed (never with the dictionary) and
 * walked, each alias and id well-formed. */
static int check_aliases(advdb *db, MDB_txn *txn)
{
	MDB_cursor *cur;
	MDB_val k, v;
	alias_item it;
	void *raw;
	size_t len, off, i, idlen;
	const char *id;
	int mrc, r, rc = ADVDB_OK;

	if ((rc = db_row_checked(db, DBI_ALIASES, NULL)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, db->dbi[DBI_ALIASES], &cur)) != 0)
		return db_fail(db, NULL, db_map_mdb(mrc), "%s: aliases: %s",
		               db->path, mdb_strerror(mrc));
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && !rc;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if ((rc = db_inflate(&raw, &len, db, &v, 0,
		                     db_name(DBI_ALIASES), NULL)) != 0)
			break;
		off = 0;
		while ((r = alias_item_next(&it, raw, len, &off)) == 0)
			for (i = 0; i < it.nids && r == 0; i++)
				r = alias_item_id(&id, &idlen, &it, i);
		free(raw);
		if (r < 0)
			rc = db_fail(db, NULL, ADVDB_ECORRUPT, "%s: damaged alias block",
			             db->path);
	}
	mdb_cursor_close(cur);
	if (!rc && mrc != MDB_NOTFOUND)
		rc = db_fail(db, NULL, db_map_mdb(mrc), "%s: aliases: %s", db->path,
		             mdb_strerror(mrc));
	return rc;
}

int reader_crates(advdb *db, int (*fn)(void *arg, const char *name,
                  size_t name_len, const uint8_t *rec, size_t rec_len),
                  void *arg)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	crate_rec r;
	char folded[ADV_PACKAGE_MAX];
	int mrc, rc = ADVDB_OK;

	if (!db->has[DBI_CRATES])
		return ADVDB_OK;
	if ((rc = db_row_checked(db, DBI_CRATES, NULL)) != 0 ||
	    (rc = db_read_begin(&txn, db, NULL)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, db->dbi[DBI_CRATES], &cur)) != 0) {
		rc = db_fail(db, NULL, db_map_mdb(mrc), "%s: %s: %s", db->path,
		             db_name(DBI_CRATES), mdb_strerror(mrc));
		goto done;
	}
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && !rc;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		/* a key is a name as crate_key_fold makes it */
		if (crate_key_fold(folded, k.mv_data, k.mv_size) == 0 ||
		    memcmp(folded, k.mv_data, k.mv_size) != 0 ||
		    memchr(k.mv_data, 0, k.mv_size) ||
		    crate_rec_decode(&r, v.mv_data, v.mv_size) < 0) {
			rc = db_fail(db, NULL, ADVDB_ECORRUPT, "%s: damaged crate record "
			             "`%.*s` in `%s`", db->path,
			             (int)(k.mv_size > ADV_PACKAGE_MAX ?
			                   ADV_PACKAGE_MAX : k.mv_size),
			             (const char *)k.mv_data, db_name(DBI_CRATES));
			break;
		}
		if (fn)
			rc = fn(arg, k.mv_data, k.mv_size, v.mv_data, v.mv_size);
	}
	mdb_cursor_close(cur);
	if (!rc && mrc != MDB_NOTFOUND)
		rc = db_fail(db, NULL, db_map_mdb(mrc), "%s: %s: %s", db->path,
		             db_name(DBI_CRATES), mdb_strerror(mrc));
done:
	mdb_txn_abort(txn);
	return rc;
}

int reader_check_lookups(advdb *db)
{
	MDB_txn *txn;
	int rc;

	if ((rc = db_read_begin(&txn, db, NULL)) != 0)
		return rc;
	rc = check_hot(db, txn, DBI_PACKAGES);
	if (!rc && db->has[DBI_TOOLCHAIN])
		rc = check_hot(db, txn, DBI_TOOLCHAIN);
	if (!rc && db->has[DBI_ALIASES])
		rc = check_aliases(db, txn);
	mdb_txn_abort(txn);
	if (!rc)
		rc = reader_crates(db, NULL, NULL);
	return rc;
}
