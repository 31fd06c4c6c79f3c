/*
 * db.c — opening, validating and closing an index; error codes.
 *
 * advdb_open() decides, before any LMDB page is touched through the map,
 * whether the file is safe to read: it must be a regular, non-empty file
 * that LMDB accepts (magic, version), at least as long as the pages the
 * newest meta page claims — a truncated file would otherwise make the
 * first read past EOF a SIGBUS — and every page a lookup can reach must
 * be well-formed (lmdbcheck.c), since liblmdb itself trusts its pages;
 * the rows only some calls read (DB_WALK_ON_USE: the advisory and alias
 * blocks, crates) are walked by db_row_checked() on their first use.
 * Only then are the sub-databases opened, our magic and schema version
 * checked, and the zstd dictionary loaded.
 *
 * The environment is opened MDB_RDONLY|MDB_NOLOCK: the compiler never
 * modifies an index in place (it renames a new file over the old), so no
 * lock file is needed and a read-only location works.
 *
 * Invariants: a failed open leaves nothing allocated and *out NULL; every
 * open-time message names the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "db_internal.h"
#include "errbuf.h"
#include "layout.h"

void advdb_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = ADVDB_VERSION_MAJOR;
	if (minor)
		*minor = ADVDB_VERSION_MINOR;
	if (patch)
		*patch = ADVDB_VERSION_PATCH;
}

int db_map_mdb(int rc)
{
	switch (rc) {
	case 0:                 return ADVDB_OK;
	case MDB_NOTFOUND:      return ADVDB_ENOTFOUND;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_INCOMPATIBLE:  return ADVDB_ECORRUPT;
	case MDB_BAD_VALSIZE:   return ADVDB_EINVAL;
	case ENOMEM:            return ADVDB_ENOMEM;
	default:                return ADVDB_ERROR;
	}
}

int db_read_begin(MDB_txn **out, struct advdb *db, advdb_error_info *err)
{
	int rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, out);

	if (rc != 0) {
		*out = NULL;
		return db_fail(db, err, db_map_mdb(rc), "%s: cannot begin a read: "
		               "%s", db->path, mdb_strerror(rc));
	}
	return ADVDB_OK;
}

int meta_get(MDB_val *out, MDB_txn *txn, const struct advdb *db,
             const char *key)
{
	MDB_val k = { strlen(key), (void *)key };
	int rc = mdb_get(txn, db->dbi[DBI_META], &k, out);

	if (rc == MDB_NOTFOUND)
		return 1;
	return rc == 0 ? 0 : -1;
}

int meta_u64(uint64_t *out, MDB_txn *txn, const struct advdb *db,
             const char *key)
{
	MDB_val v;
	const unsigned char *p;
	uint64_t x = 0;
	size_t i;
	int rc = meta_get(&v, txn, db, key);

	*out = 0;
	if (rc != 0)
		return rc;
	p = v.mv_data;
	if (v.mv_size == 0 || v.mv_size > 20)
		return -1;
	for (i = 0; i < v.mv_size; i++) {
		unsigned d = (unsigned)p[i] - '0';

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*out = x;
	return 0;
}

/* Is the file (already open in env) long enough for the pages in use,
 * and is every page a reader can reach well-formed? */
static int check_pages(struct advdb *db, char *errbuf, size_t errcap)
{
	MDB_envinfo info;
	MDB_stat st;
	struct stat sb;
	mdb_filehandle_t fd;
	unsigned long long need;
	char msg[ADVDB_MSG_MAX];
	int rc;

	if ((rc = mdb_env_info(db->env, &info)) != 0 ||
	    (rc = mdb_env_stat(db->env, &st)) != 0 ||
	    (rc = mdb_env_get_fd(db->env, &fd)) != 0)
		return buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
		                "%s: cannot read the LMDB header: %s", db->path,
		                mdb_strerror(rc));
	if (fstat(fd, &sb) != 0)
		return buf_fail(errbuf, errcap, ADVDB_ERROR, "%s: %s", db->path,
		                strerror(errno));
	if (st.ms_psize == 0 ||
	    (unsigned long long)info.me_last_pgno >= ULLONG_MAX / st.ms_psize)
		return buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
		                "%s: damaged LMDB header", db->path);
	need = ((unsigned long long)info.me_last_pgno + 1) * st.ms_psize;
	if ((unsigned long long)sb.st_size < need)
		return buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
		                "%s: truncated index: %lld bytes, its pages need "
		                "%llu", db->path, (long long)sb.st_size, need);
	db->last_pgno = info.me_last_pgno;
	db->psize = st.ms_psize;
	rc = lmdb_check(db, info.me_last_pgno, st.ms_psize, DB_WALK_AT_OPEN,
	                msg);
	if (rc != 0)
		return buf_fail(errbuf, errcap, rc, "%s", msg);
	return ADVDB_OK;
}

int db_row_checked(struct advdb *db, db_id id, advdb_error_info *err)
{
	if (!(DB_WALK_ON_USE & (1u << id)))
		return ADVDB_OK;                /* walked at open */
	int st = atomic_load_explicit(&db->row_state[id], memory_order_acquire);

	if (st == 0) {
		pthread_mutex_lock(&db->lock);
		st = atomic_load_explicit(&db->row_state[id], memory_order_relaxed);
		if (st == 0) {
			int rc = lmdb_check(db, db->last_pgno, db->psize, 1u << id,
			                    db->row_msg[id]);
			st = rc == 0 ? 1 : rc;
			atomic_store_explicit(&db->row_state[id], st,
			                      memory_order_release);
		}
		pthread_mutex_unlock(&db->lock);
	}
	if (st == 1)
		return ADVDB_OK;
	return db_fail(db, err, st, "%s", db->row_msg[id]);
}

static int open_dbi(MDB_dbi *out, unsigned char *present, MDB_txn *txn,
                    const char *name)
{
	int rc = mdb_dbi_open(txn, name, 0, out);

	if (rc == MDB_NOTFOUND) {
		*present = 0;
		return 0;
	}
	*present = rc == 0;
	return rc;
}

/* Our magic, schema version, sub-databases and dictionary. */
static int check_contents(struct advdb *db, char *errbuf, size_t errcap)
{
	MDB_txn *txn = NULL;
	MDB_val v, dict;
	uint64_t schema, dict_id;
	int rc, err = ADVDB_OK;

	rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn);
	if (rc != 0)
		return buf_fail(errbuf, errcap, db_map_mdb(rc),
		                "%s: cannot begin a read: %s", db->path,
		                mdb_strerror(rc));

	rc = open_dbi(&db->dbi[DBI_META], &db->has[DBI_META], txn,
	              db_name(DBI_META));
	if (rc != 0 || !db->has[DBI_META]) {
		err = buf_fail(errbuf, errcap, ADVDB_ENOTDB,
		               "%s: an LMDB file, but not an advdb index (no "
		               "`%s` database)", db->path, db_name(DBI_META));
		goto done;
	}
	rc = meta_get(&v, txn, db, META_MAGIC);
	if (rc != 0 || v.mv_size != strlen(ADVDB_MAGIC) ||
	    memcmp(v.mv_data, ADVDB_MAGIC, v.mv_size) != 0) {
		err = buf_fail(errbuf, errcap, ADVDB_ENOTDB,
		               "%s: an LMDB file, but not an advdb index (no "
		               "magic `%s`)", db->path, ADVDB_MAGIC);
		goto done;
	}
	rc = meta_u64(&schema, txn, db, META_SCHEMA);
	if (rc != 0) {
		err = buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
		               "%s: damaged index: %s `%s`", db->path,
		               rc > 0 ? "no" : "malformed", META_SCHEMA);
		goto done;
	}
	if (schema != ADVDB_SCHEMA_VERSION) {
		err = buf_fail(errbuf, errcap, ADVDB_ESCHEMA,
		               "%s: index has schema version %llu, %s than the "
		               "version %d this library reads: %s", db->path,
		               (unsigned long long)schema,
		               schema > ADVDB_SCHEMA_VERSION ? "newer" : "older",
		               ADVDB_SCHEMA_VERSION,
		               schema > ADVDB_SCHEMA_VERSION
		                   ? "upgrade advdb"
		                   : "recompile the index with this advdb");
		goto done;
	}
	db->schema_version = (unsigned)schema;

	/* the other rows of the table (layout.h), meta being open */
	for (int id = 0; id < DBI_COUNT; id++) {
		if (id == DBI_META)
			continue;
		if ((rc = open_dbi(&db->dbi[id], &db->has[id], txn,
		                   db_name((db_id)id))) != 0)
			goto dbi_fail;
		if (!db->has[id] && db_specs[id].need == DB_REQUIRED) {
			err = buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
			               "%s: damaged index: no sub-database `%s`",
			               db->path, db_name((db_id)id));
			goto done;
		}
	}

	/* `crates` exists in every index; it holds a crates.io index only
	 * when the meta line says so (one mdb_get here, none per lookup) */
	MDB_val cmeta;
	if (db->has[DBI_CRATES] &&
	    meta_get(&cmeta, txn, db, META_CRATES_INDEX) != 0)
		db->has[DBI_CRATES] = 0;

	rc = meta_u64(&dict_id, txn, db, META_DICT_ID);
	if (rc < 0 || dict_id > UINT32_MAX) {
		err = buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
		               "%s: damaged index: malformed `%s`", db->path,
		               META_DICT_ID);
		goto done;
	}
	db->dict_id = (unsigned)dict_id;
	if (dict_id != 0) {
		if (meta_get(&dict, txn, db, META_DICT) != 0 || dict.mv_size == 0) {
			err = buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
			               "%s: damaged index: dictionary %llu missing",
			               db->path, (unsigned long long)dict_id);
			goto done;
		}
		if (dict.mv_size > DICT_MAX) {
			err = buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
			               "%s: damaged index: a dictionary of %zu bytes "
			               "(at most %u)", db->path, dict.mv_size,
			               DICT_MAX);
			goto done;
		}
		/* A copy (ZSTD_createDDict_byReference, which would skip it,
		 * is not in zstd's stable API, the only one a shared library
		 * may use: see the README's libadvdb section). */
		db->ddict = ZSTD_createDDict(dict.mv_data, dict.mv_size);
		if (!db->ddict) {
			err = buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
			               "%s: damaged index: unusable zstd dictionary",
			               db->path);
			goto done;
		}
		if (ZSTD_getDictID_fromDDict(db->ddict) != db->dict_id) {
			err = buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
			               "%s: damaged index: dictionary id %u, meta "
			               "says %u", db->path,
			               ZSTD_getDictID_fromDDict(db->ddict),
			               db->dict_id);
			goto done;
		}
	}
	rc = mdb_txn_commit(txn);  /* commit keeps the dbi handles open */
	txn = NULL;
	if (rc != 0)
		err = buf_fail(errbuf, errcap, db_map_mdb(rc), "%s: %s", db->path,
		               mdb_strerror(rc));
	goto done;

dbi_fail:
	err = buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
	               "%s: damaged index: %s", db->path, mdb_strerror(rc));
done:
	if (txn)
		mdb_txn_abort(txn);
	return err;
}

/* The file itself, before LMDB sees it. */
static int check_file(const char *path, char *errbuf, size_t errcap)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return buf_fail(errbuf, errcap, ADVDB_ENOTFOUND,
			                "%s: no such file (compile one with "
			                "advdb-compile)", path);
		return buf_fail(errbuf, errcap, ADVDB_ERROR, "%s: %s", path,
		                strerror(errno));
	}
	if (S_ISDIR(sb.st_mode))
		return buf_fail(errbuf, errcap, ADVDB_ENOTDB,
		                "%s: is a directory, not an advdb index file", path);
	if (!S_ISREG(sb.st_mode))
		return buf_fail(errbuf, errcap, ADVDB_ENOTDB,
		                "%s: not a regular file", path);
	if (sb.st_size == 0)
		return buf_fail(errbuf, errcap, ADVDB_ENOTDB,
		                "%s: empty file, not an advdb index", path);

	char msg[ADVDB_MSG_MAX];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return buf_fail(errbuf, errcap, errno == EACCES ? ADVDB_ERROR :
		                ADVDB_ENOTFOUND, "%s: %s", path, strerror(errno));
	int rc = lmdb_check_header(fd, path, msg);
	close(fd);
	if (rc != 0)
		return buf_fail(errbuf, errcap, rc, "%s", msg);
	return ADVDB_OK;
}

static int env_open(struct advdb *db, char *errbuf, size_t errcap)
{
	int rc;

	rc = mdb_env_create(&db->env);
	if (rc != 0) {
		db->env = NULL;
		return buf_fail(errbuf, errcap, db_map_mdb(rc), "%s: %s",
		                db->path, mdb_strerror(rc));
	}
	if ((rc = mdb_env_set_maxdbs(db->env, DB_MAXDBS)) != 0)
		return buf_fail(errbuf, errcap, ADVDB_ERROR, "%s: %s", db->path,
		                mdb_strerror(rc));
	rc = mdb_env_open(db->env, db->path,
	                  MDB_RDONLY | MDB_NOSUBDIR | MDB_NOLOCK | MDB_NOTLS |
	                  MDB_NORDAHEAD, 0444);
	switch (rc) {
	case 0:
		return ADVDB_OK;
	case MDB_INVALID:
	case ENOENT:  /* LMDB's word for "nothing at offset 0" */
		return buf_fail(errbuf, errcap, ADVDB_ENOTDB,
		                "%s: not an advdb index (not an LMDB file)",
		                db->path);
	case MDB_VERSION_MISMATCH:
		return buf_fail(errbuf, errcap, ADVDB_ENOTDB,
		                "%s: not an advdb index (LMDB file of another "
		                "LMDB format version)", db->path);
	case MDB_CORRUPTED:
		return buf_fail(errbuf, errcap, ADVDB_ECORRUPT,
		                "%s: damaged index: %s", db->path,
		                mdb_strerror(rc));
	default:
		return buf_fail(errbuf, errcap, db_map_mdb(rc), "%s: %s",
		                db->path, mdb_strerror(rc));
	}
}

int advdb_open(advdb **out, const char *path, unsigned flags,
               char *errbuf, size_t errcap)
{
	struct advdb *db;
	int err;

	if (errbuf && errcap > 0)
		errbuf[0] = '\0';
	if (!out)
		return buf_fail(errbuf, errcap, ADVDB_EINVAL,
		                "advdb_open: no place for the handle");
	*out = NULL;
	if (!path || !*path)
		return buf_fail(errbuf, errcap, ADVDB_EINVAL,
		                "advdb_open: no path given");
	if (flags != 0)
		return buf_fail(errbuf, errcap, ADVDB_EINVAL,
		                "%s: unknown open flags 0x%x", path, flags);
	if ((err = check_file(path, errbuf, errcap)) != 0)
		return err;

	db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return buf_fail(errbuf, errcap, ADVDB_ENOMEM, "%s: out of memory",
		                path);
	}
	if (pthread_mutex_init(&db->lock, NULL) != 0) {
		free(db->path);
		free(db);
		return buf_fail(errbuf, errcap, ADVDB_ERROR,
		                "%s: cannot create a mutex", path);
	}
	if (db_slots_init(db) != 0) {
		pthread_mutex_destroy(&db->lock);
		free(db->path);
		free(db);
		return buf_fail(errbuf, errcap, ADVDB_ENOMEM, "%s: out of memory",
		                path);
	}
	if ((err = env_open(db, errbuf, errcap)) != 0 ||
	    (err = check_pages(db, errbuf, errcap)) != 0 ||
	    (err = check_contents(db, errbuf, errcap)) != 0) {
		advdb_close(db);
		return err;
	}
	*out = db;
	return ADVDB_OK;
}

void advdb_close(advdb *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->npool; i++)
		ZSTD_freeDCtx(db->pool[i]);
	db_partial_free(db->partial);
	ZSTD_freeDDict(db->ddict);
	db_slots_fini(db);  /* aborts the pooled transactions: before the env */
	if (db->env)
		mdb_env_close(db->env);
	pthread_mutex_destroy(&db->lock);
	free(db->path);
	free(db);
}
