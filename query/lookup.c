/*
 * lookup.c — the hot path: which advisories affect NAME@VERSION?
 *
 * One read transaction (a pooled one, renewed: see snapshot.c), one
 * mdb_get of the package's hot record, then a walk over its entries with
 * record.h's decoders: scope filters first (withdrawn, os, arch: cheap
 * byte compares), then the range test on version keys (a couple of
 * memcmp per range). Nothing is decompressed, and nothing is allocated
 * once the pool's transactions exist; matches are written into the
 * caller's array in the record's order, which is advisory id order.
 *
 * Invariants: the version key is encoded once per call; every byte of the
 * hot record is read through hot_iter_* / hot_entry_*, which never read
 * outside the value; a malformed record is ADVDB_ECORRUPT, never a crash.
 *
 * advdb_package_advisories() is the same walk without a version: every
 * advisory of the package in scope (for `advdb-query reqs`, which meets
 * requirements with whole ranges).
 */
#include <string.h>
#include "db_internal.h"
#include "record.h"
#include "version.h"

#define Q_KNOWN (ADVDB_Q_WITHDRAWN | ADVDB_Q_TOOLCHAIN)

static advdb_severity severity_of(uint8_t sev)
{
	return sev <= ADV_SEV_CRITICAL ? (advdb_severity)sev : ADVDB_SEV_NONE;
}

/* Does entry e apply in the scope of q (before looking at versions)? */
static int in_scope(const hot_entry *e, const advdb_query *q)
{
	if ((e->flags & HOT_WITHDRAWN) && !(q && (q->flags & ADVDB_Q_WITHDRAWN)))
		return 0;
	if (!q)
		return 1;
	/* No target given: the advisory applies; a target given: it must be
	 * in the advisory's list (an empty list matches any). */
	if (q->os && e->n_os > 0 && !hot_entry_has_os(e, q->os, strlen(q->os)))
		return 0;
	if (q->arch && e->n_arch > 0 &&
	    !hot_entry_has_arch(e, q->arch, strlen(q->arch)))
		return 0;
	return 1;
}

static void fill(advdb_match *m, const hot_entry *e)
{
	memcpy(m->id, e->id, e->id_len);
	m->id[e->id_len] = '\0';
	m->kind = db_kind(e->info);
	m->severity = severity_of(e->severity);
	m->cvss_score10 = e->cvss_score10;
	m->withdrawn = (e->flags & HOT_WITHDRAWN) != 0;
	m->has_functions = (e->flags & HOT_HAS_FUNCTIONS) != 0;
}

/* Walk one hot record; *n counts every match, the first cap are filled. */
static int scan(advdb_match *out, size_t cap, size_t *n, advdb *db,
                const MDB_val *val, const uint8_t *key, size_t klen,
                const advdb_query *q, const char *name, size_t name_len,
                advdb_error_info *err)
{
	hot_iter it;
	hot_entry e;
	int rc;

	if (hot_iter_init(&it, val->mv_data, val->mv_size) != 0)
		goto corrupt;
	while ((rc = hot_iter_next(&it, &e)) == 1) {
		if (!in_scope(&e, q))
			continue;
		/* no key: every advisory of the package (in scope) */
		rc = key ? hot_entry_affects(&e, key, klen) : 1;
		if (rc < 0)
			goto corrupt;
		if (rc == 0)
			continue;
		if (e.id_len == 0 || e.id_len > ADV_ID_MAX)  /* hot_iter_next's */
			goto corrupt;
		if (*n < cap)
			fill(&out[*n], &e);
		(*n)++;
	}
	if (rc < 0)
		goto corrupt;
	return ADVDB_OK;
corrupt:
	return db_fail(db, err, ADVDB_ECORRUPT, "%s: damaged record of package "
	               "`%.*s`", db->path, (int)name_len, name);
}

/* The hot record of `name`, walked by scan(): the common end of
 * advdb_lookup_n() and advdb_package_advisories(). key NULL: no version
 * test. Arguments are checked by the callers. */
static int fetch(advdb_match *out, size_t cap, size_t *nout, advdb *db,
                 const char *name, size_t name_len, const uint8_t *key,
                 size_t klen, const advdb_query *q,
                 const char *version_text, size_t version_len,
                 advdb_error_info *err)
{
	size_t n = 0;
	MDB_txn *txn;
	db_slot *slot;
	MDB_dbi dbi;
	MDB_val k, val;
	int rc, ret = 0;

	/* A name past the writer's cap cannot be in the index. */
	if (name_len > ADV_PACKAGE_MAX)
		return ADVDB_OK;
	if (q && (q->flags & ADVDB_Q_TOOLCHAIN)) {
		if (!db->has[DBI_TOOLCHAIN])
			return ADVDB_OK;
		dbi = db->dbi[DBI_TOOLCHAIN];
	} else {
		dbi = db->dbi[DBI_PACKAGES];
	}

	if ((ret = db_snapshot(&txn, &slot, db, err)) != 0)
		return ret;
	k.mv_size = name_len;
	k.mv_data = (void *)name;
	rc = mdb_get(txn, dbi, &k, &val);
	if (rc == 0)
		ret = scan(out, cap, &n, db, &val, key, klen, q, name, name_len,
		           err);
	else if (rc != MDB_NOTFOUND)
		ret = db_fail(db, err, db_map_mdb(rc), "%s: reading package "
		              "`%.*s`: %s", db->path, (int)name_len, name,
		              mdb_strerror(rc));
	db_snapshot_end(txn, slot);
	if (ret != 0)
		return ret;
	*nout = n;
	if (n > cap)
		return db_fail(db, err, ADVDB_EBUFS, "%.*s%s%.*s: %zu matches, "
		               "room for %zu", (int)name_len, name, key ? "@" : "",
		               (int)version_len, version_text, n, cap);
	return ADVDB_OK;
}

int advdb_query_init(advdb_query *q, unsigned version)
{
	return struct_init(q, sizeof *q, version, ADVDB_QUERY_VERSION);
}

int db_query_check(advdb *db, const advdb_query *q, const char *who,
                       advdb_error_info *err)
{
	if (!q)
		return ADVDB_OK;
	if (q->version != ADVDB_QUERY_VERSION)
		return db_fail(db, err, ADVDB_EINVAL, "%s: advdb_query version %u "
		               "(this library knows %d: use ADVDB_QUERY_INIT)",
		               who, q->version, ADVDB_QUERY_VERSION);
	if (q->flags & ~(unsigned)Q_KNOWN)
		return db_fail(db, err, ADVDB_EINVAL, "%s: unknown query flags "
		               "0x%x", who, q->flags & ~(unsigned)Q_KNOWN);
	return ADVDB_OK;
}

int advdb_lookup_ex(advdb_match *out, size_t cap, size_t *nout, advdb *db,
                    const char *name, size_t name_len,
                    const char *version_text, size_t version_len,
                    const advdb_query *q, advdb_error_info *err)
{
	version v;
	uint8_t key[VKEY_MAX];
	size_t klen;
	const char *why = NULL;
	int rc;

	if (nout)
		*nout = 0;
	if ((rc = err_check(db, err, "advdb_lookup")) != 0)
		return rc;
	if (!nout || (!out && cap > 0) || !name || !version_text)
		return db_fail(db, err, ADVDB_EINVAL, "advdb_lookup: NULL "
		               "argument");
	if ((rc = db_query_check(db, q, "advdb_lookup", err)) != 0)
		return rc;
	if (name_len == 0)
		return db_fail(db, err, ADVDB_EINVAL, "advdb_lookup: empty name");
	if (version_len > VERSION_TEXT_MAX)
		return db_fail(db, err, ADVDB_EVERSION, "bad version \"%.32s...\": "
		               "longer than %d bytes", version_text,
		               VERSION_TEXT_MAX);
	if (version_parse(&v, version_text, version_len, &why) != 0)
		return db_fail(db, err, ADVDB_EVERSION, "bad version \"%.*s\": %s",
		               (int)version_len, version_text,
		               why ? why : "not semver");
	klen = version_key_encode(&v, key);
	if (klen == 0)
		return db_fail(db, err, ADVDB_EVERSION, "bad version \"%.*s\": "
		               "does not fit a key", (int)version_len,
		               version_text);
	return fetch(out, cap, nout, db, name, name_len, key, klen, q,
	             version_text, version_len, err);
}

int advdb_lookup_n(advdb_match *out, size_t cap, size_t *nout, advdb *db,
                   const char *name, size_t name_len,
                   const char *version_text, size_t version_len,
                   const advdb_query *q)
{
	return advdb_lookup_ex(out, cap, nout, db, name, name_len,
	                       version_text, version_len, q, NULL);
}

int advdb_lookup(advdb_match *out, size_t cap, size_t *nout, advdb *db,
                 const char *name, const char *version_text,
                 const advdb_query *q)
{
	if (!db || !name || !version_text) {
		if (nout)
			*nout = 0;
		return db ? db_fail(db, NULL, ADVDB_EINVAL, "advdb_lookup: NULL "
		                    "argument") : ADVDB_EINVAL;
	}
	/* The caller's two strings are often cold (one cache miss each):
	 * the version's is fetched while the name is measured, not after. */
	__builtin_prefetch(version_text);
	size_t name_len = strlen(name);
	return advdb_lookup_ex(out, cap, nout, db, name, name_len,
	                       version_text, strlen(version_text), q, NULL);
}

int advdb_package_advisories_ex(advdb_match *out, size_t cap, size_t *nout,
                                advdb *db, const char *name,
                                size_t name_len, const advdb_query *q,
                                advdb_error_info *err)
{
	int rc;

	if (nout)
		*nout = 0;
	if ((rc = err_check(db, err, "advdb_package_advisories")) != 0)
		return rc;
	if (!nout || (!out && cap > 0) || !name)
		return db_fail(db, err, ADVDB_EINVAL, "advdb_package_advisories: "
		               "NULL argument");
	if ((rc = db_query_check(db, q, "advdb_package_advisories", err)) != 0)
		return rc;
	if (name_len == 0)
		return db_fail(db, err, ADVDB_EINVAL, "advdb_package_advisories: "
		               "empty name");
	return fetch(out, cap, nout, db, name, name_len, NULL, 0, q, "", 0,
	             err);
}

int advdb_package_advisories(advdb_match *out, size_t cap, size_t *nout,
                             advdb *db, const char *name,
                             const advdb_query *q)
{
	if (!db || !name) {
		if (nout)
			*nout = 0;
		return db ? db_fail(db, NULL, ADVDB_EINVAL,
		                    "advdb_package_advisories: NULL argument")
		          : ADVDB_EINVAL;
	}
	return advdb_package_advisories_ex(out, cap, nout, db, name,
	                                   strlen(name), q, NULL);
}
