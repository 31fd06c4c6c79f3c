/*
 * crates.c — libadvdb's side of the crates.io index (advdb.h,
 * advdb_crate_get / advdb_crates_info_get; SCHEMA.md "crates").
 *
 * A lookup is one mdb_get of the crate's record in the thread's read
 * transaction and a walk of its yanked keys with memcmp (crates.h);
 * the version asked about is encoded once. The record is checked whole
 * (crate_rec_decode) before anything in it is used, so a damaged one is
 * ADVDB_ECORRUPT, never a wrong answer. An index without `crates` (an
 * older one, or compiled without --crates-index) is ADVDB_ENOINDEX, and
 * costs the advisory lookups nothing: they never touch this file.
 */
#include <string.h>

#include "crates.h"
#include "db_internal.h"
#include "version.h"

/* A version key decoded to text: 3 numbers of at most 20 digits, two
 * dots, '-', the prerelease text, NUL. */
_Static_assert(3 * 20 + 2 + 1 + VERSION_PRE_MAX + 1 <= ADVDB_CRATE_VERSION_MAX,
               "advdb_crate's version texts hold any key");

static void key_text(char *out, const uint8_t *key, size_t len)
{
	version v;

	out[0] = '\0';
	if (key && version_key_decode(&v, key, len) == 0)
		version_format(&v, out, ADVDB_CRATE_VERSION_MAX);
}

int advdb_crates_info_init(advdb_crates_info *ci, unsigned version)
{
	return struct_init(ci, sizeof *ci, version, ADVDB_CRATES_INFO_VERSION);
}

int advdb_crate_init(advdb_crate *c, unsigned version)
{
	return struct_init(c, sizeof *c, version, ADVDB_CRATE_STRUCT_VERSION);
}

int advdb_crates_info_get(advdb_crates_info *out, advdb *db)
{
	return advdb_crates_info_get_ex(out, db, NULL);
}

int advdb_crates_info_get_ex(advdb_crates_info *out, advdb *db,
                             advdb_error_info *e)
{
	MDB_txn *txn;
	MDB_val v;
	crates_meta m;
	int rc;

	if ((rc = err_check(db, e, "advdb_crates_info_get")) != 0)
		return rc;
	if ((rc = struct_out(db, e, "advdb_crates_info_get", out, sizeof *out,
	                     ADVDB_CRATES_INFO_VERSION, "advdb_crates_info",
	                     "ADVDB_CRATES_INFO_INIT")) != 0)
		return rc;
	if ((rc = db_read_begin(&txn, db, e)) != 0)
		return rc;
	int g = meta_get(&v, txn, db, META_CRATES_INDEX);
	if (g < 0)
		rc = db_fail(db, e, ADVDB_ECORRUPT, "%s: cannot read meta `%s`",
		             db->path, META_CRATES_INDEX);
	else if (g > 0 || !db->has[DBI_CRATES])
		rc = db_fail(db, e, ADVDB_ENOTFOUND, "%s: no crates.io index",
		             db->path);
	else if (crates_meta_parse(&m, v.mv_data, v.mv_size) < 0)
		rc = db_fail(db, e, ADVDB_ECORRUPT, "%s: damaged meta `%s`",
		             db->path, META_CRATES_INDEX);
	else {
		memcpy(out->commit, m.commit, sizeof(out->commit));
		out->commit_time = m.time;
		out->crates = m.crates;
		out->versions = m.versions;
		out->bad = m.bad;
	}
	mdb_txn_abort(txn);
	return rc;
}

int advdb_crate_get(advdb_crate *out, advdb *db, const char *name,
                    size_t name_len, const char *version_text,
                    size_t version_len)
{
	return advdb_crate_get_ex(out, db, name, name_len, version_text,
	                          version_len, NULL);
}

int advdb_crate_get_ex(advdb_crate *out, advdb *db, const char *name,
                       size_t name_len, const char *version_text,
                       size_t version_len, advdb_error_info *e)
{
	char key[ADV_PACKAGE_MAX];
	uint8_t vkey[VKEY_MAX];
	size_t vklen = 0;
	version ver;
	const char *why;
	MDB_txn *txn;
	db_slot *slot;
	MDB_val k, val;
	crate_rec r;
	int rc;

	if ((rc = err_check(db, e, "advdb_crate_get")) != 0)
		return rc;
	if (!name)
		return db_fail(db, e, ADVDB_EINVAL, "advdb_crate_get: NULL "
		               "argument");
	if ((rc = struct_out(db, e, "advdb_crate_get", out, sizeof *out,
	                     ADVDB_CRATE_STRUCT_VERSION, "advdb_crate",
	                     "ADVDB_CRATE_INIT")) != 0)
		return rc;
	if (!db->has[DBI_CRATES])
		return db_fail(db, e, ADVDB_ENOINDEX, "%s: no crates.io index "
		               "(compile it with advdb-compile --crates-index)",
		               db->path);
	if (crate_key_fold(key, name, name_len) == 0)
		return db_fail(db, e, ADVDB_EINVAL, "advdb_crate_get: a crate "
		               "name is 1 to %d bytes", ADV_PACKAGE_MAX);
	if (version_text) {
		if (version_parse(&ver, version_text, version_len, &why) < 0)
			return db_fail(db, e, ADVDB_EVERSION, "%.*s: %s",
			               (int)(version_len > 64 ? 64 : version_len),
			               version_text, why);
		vklen = version_key_encode(&ver, vkey);
	}
	if ((rc = db_row_checked(db, DBI_CRATES, e)) != 0 ||
	    (rc = db_snapshot(&txn, &slot, db, e)) != 0)
		return rc;
	k.mv_size = name_len;
	k.mv_data = key;
	int mrc = mdb_get(txn, db->dbi[DBI_CRATES], &k, &val);
	if (mrc == MDB_NOTFOUND) {
		rc = ADVDB_ENOTFOUND;   /* not an error: no message */
	} else if (mrc != 0) {
		rc = db_fail(db, e, db_map_mdb(mrc), "%s: reading crate `%.*s`: "
		             "%s", db->path, (int)name_len, key, mdb_strerror(mrc));
	} else if (crate_rec_decode(&r, val.mv_data, val.mv_size) < 0) {
		rc = db_fail(db, e, ADVDB_ECORRUPT, "%s: damaged crate record "
		             "`%.*s`", db->path, (int)name_len, key);
	} else {
		out->versions = r.versions;
		out->yanked_count = r.n_yanked;
		out->yanked = vklen && crate_rec_yanked(&r, vkey, vklen);
		key_text(out->latest, r.latest, r.latest_len);
		key_text(out->latest_pre, r.pre, r.pre_len);
	}
	db_snapshot_end(txn, slot);
	return rc;
}
