/*
 * info.c — advdb_info_get(): the meta keys of layout.h as one struct.
 *
 * Absent keys read as zero / empty (an index may lack, e.g., a commit
 * when compiled from a plain folder); a present but malformed value is
 * ADVDB_ECORRUPT. Texts are copied only when they fit their field whole
 * and hold no control bytes, so a caller can print them as they are; the
 * `sources` lines are the exception: as many whole lines as fit are kept
 * (nsources counts those), since their number has no fixed bound.
 *
 * advdb_skipped_get(): the list of meta `skipped` (schema/skiplist.h),
 * walked to the i-th entry on each call (the list is small, at most
 * SKIP_KEEP_MAX entries, and read only by `info`).
 *
 * Invariant: on failure *out is left zeroed (but its version), never
 * half-filled.
 */
#include <assert.h>
#include <string.h>
#include "db_internal.h"
#include "layout.h"
#include "rfc3339.h"
#include "skiplist.h"

static int printable(const unsigned char *p, size_t n, int allow_lf)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && !(allow_lf && p[i] == '\n')) || p[i] == 0x7f)
			return 0;
	return 1;
}

/* Copy a text meta value into dst (cap bytes with the NUL): 0, 1 absent,
 * -1 too long or not printable. */
static int meta_text(char *dst, size_t cap, MDB_txn *txn,
                     const advdb *db, const char *key)
{
	MDB_val v;
	int rc = meta_get(&v, txn, db, key);

	dst[0] = '\0';
	if (rc != 0)
		return rc;
	if (v.mv_size >= cap)
		return -1;
	if (!printable(v.mv_data, v.mv_size, 0))
		return -1;
	memcpy(dst, v.mv_data, v.mv_size);
	dst[v.mv_size] = '\0';
	return 0;
}

/* The `sources` lines that fit whole into out->sources; -1 malformed. */
static int meta_sources(advdb_info *out, MDB_txn *txn, const advdb *db)
{
	MDB_val v;
	const char *p, *end, *nl;
	size_t used = 0, n;

	if (meta_get(&v, txn, db, META_SOURCES) != 0)
		return 0;
	if (!printable(v.mv_data, v.mv_size, 1))
		return -1;
	p = v.mv_data;
	end = p + v.mv_size;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0) {
			if (used + n + 2 > sizeof out->sources)
				break;
			memcpy(out->sources + used, p, n);
			used += n;
			out->sources[used++] = '\n';
			out->nsources++;
		}
		p += n + (nl != NULL);
	}
	out->sources[used] = '\0';
	return 0;
}

/* META_COMMIT_TZ: absent reads as 0 (UTC: what an older index meant);
 * present, a signed decimal of at most RFC3339_OFFSET_MAX minutes.
 * 0 or -1. */
static int meta_tz(int32_t *out, MDB_txn *txn, const advdb *db)
{
	char t[8], *p = t;
	int32_t m = 0;
	int rc = meta_text(t, sizeof t, txn, db, META_COMMIT_TZ);

	*out = 0;
	if (rc == 1)
		return 0;
	if (rc < 0)
		return -1;
	if (*p == '-')
		p++;
	if (!*p || (p[0] == '0' && p[1]))
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		m = m * 10 + (*p - '0');
		if (m > RFC3339_OFFSET_MAX)
			return -1;
	}
	*out = t[0] == '-' ? -m : m;
	return 0;
}

int advdb_info_init(advdb_info *info, unsigned version)
{
	return struct_init(info, sizeof *info, version, ADVDB_INFO_VERSION);
}

int advdb_skipped_init(advdb_skipped *sk, unsigned version)
{
	return struct_init(sk, sizeof *sk, version, ADVDB_SKIPPED_VERSION);
}

static int bad(advdb *db, advdb_info *out, const char *key,
               advdb_error_info *e)
{
	advdb_info_init(out, ADVDB_INFO_VERSION);
	return db_fail(db, e, ADVDB_ECORRUPT, "%s: damaged index: malformed "
	               "meta `%s`", db->path, key);
}

int advdb_info_get_ex(advdb_info *out, advdb *db, advdb_error_info *e)
{
	MDB_txn *txn;
	uint64_t x;
	int err;

	if ((err = err_check(db, e, "advdb_info_get")) != 0)
		return err;
	if ((err = struct_out(db, e, "advdb_info_get", out, sizeof *out,
	                      ADVDB_INFO_VERSION, "advdb_info",
	                      "ADVDB_INFO_INIT")) != 0)
		return err;
	if ((err = db_read_begin(&txn, db, e)) != 0)
		return err;

	out->schema_version = db->schema_version;
	if (meta_text(out->source_commit, sizeof out->source_commit, txn, db,
	              META_COMMIT) < 0) {
		err = bad(db, out, META_COMMIT, e);
		goto done;
	}
	if (meta_u64(&x, txn, db, META_COMMIT_TIME) < 0 || x > INT64_MAX) {
		err = bad(db, out, META_COMMIT_TIME, e);
		goto done;
	}
	out->source_time = (int64_t)x;
	if (meta_tz(&out->source_utc_offset, txn, db) < 0) {
		err = bad(db, out, META_COMMIT_TZ, e);
		goto done;
	}
	if (meta_u64(&x, txn, db, META_COMPILE_TIME) < 0 || x > INT64_MAX) {
		err = bad(db, out, META_COMPILE_TIME, e);
		goto done;
	}
	out->compile_time = (int64_t)x;
	if (meta_u64(&out->advisory_count, txn, db, META_N_ADVISORIES) < 0) {
		err = bad(db, out, META_N_ADVISORIES, e);
		goto done;
	}
	if (meta_u64(&out->package_count, txn, db, META_N_PACKAGES) < 0) {
		err = bad(db, out, META_N_PACKAGES, e);
		goto done;
	}
	if (meta_text(out->digest, sizeof out->digest, txn, db, META_DIGEST)
	    < 0) {
		err = bad(db, out, META_DIGEST, e);
		goto done;
	}
	if (meta_sources(out, txn, db) < 0) {
		err = bad(db, out, META_SOURCES, e);
		goto done;
	}
	if (meta_u64(&x, txn, db, META_HISTORY) < 0) {
		err = bad(db, out, META_HISTORY, e);
		goto done;
	}
	out->history = x != 0;
	MDB_val sv;
	skip_iter it;
	int sr = meta_get(&sv, txn, db, META_SKIPPED);
	if (sr < 0 || (sr == 0 && skiplist_open(&it, sv.mv_data, sv.mv_size)
	                          < 0)) {
		err = bad(db, out, META_SKIPPED, e);
		goto done;
	}
	out->skipped_count = sr == 0 ? it.total : 0;
done:
	mdb_txn_abort(txn);
	return err;
}

int advdb_info_get(advdb_info *out, advdb *db)
{
	return advdb_info_get_ex(out, db, NULL);
}

_Static_assert(sizeof(((advdb_skipped *)0)->source) == SKIP_SOURCE_MAX + 1 &&
               sizeof(((advdb_skipped *)0)->path) == SKIP_PATH_MAX + 1 &&
               sizeof(((advdb_skipped *)0)->id) == SKIP_ID_MAX + 1 &&
               sizeof(((advdb_skipped *)0)->message) == SKIP_MSG_MAX + 1,
               "advdb_skipped holds every entry skiplist.h allows");

static void copy_view(char *dst, size_t cap, const char *s, size_t n)
{
	assert(n < cap);         /* the caps match skiplist.h (above) */
	if (n >= cap)            /* stays defined under NDEBUG */
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int advdb_skipped_get_ex(advdb_skipped *out, advdb *db, size_t i,
                         advdb_error_info *e)
{
	MDB_txn *txn;
	MDB_val v;
	skip_iter it;
	skip_view sv;
	int err, r = 0;

	if ((err = err_check(db, e, "advdb_skipped_get")) != 0)
		return err;
	if ((err = struct_out(db, e, "advdb_skipped_get", out, sizeof *out,
	                      ADVDB_SKIPPED_VERSION, "advdb_skipped",
	                      "ADVDB_SKIPPED_INIT")) != 0)
		return err;
	if ((err = db_read_begin(&txn, db, e)) != 0)
		return err;
	int mr = meta_get(&v, txn, db, META_SKIPPED);
	if (mr == 1) {
		mdb_txn_abort(txn);
		return db_fail(db, e, ADVDB_ENOTFOUND, "%s: no skipped advisory "
		               "%zu", db->path, i);
	}
	if (mr < 0 || skiplist_open(&it, v.mv_data, v.mv_size) < 0)
		goto corrupt;
	/* Walk (and so check) every entry up to i; the end is only "no
	 * more" when the value ends exactly there. */
	for (size_t k = 0; k <= i; k++)
		if ((r = skiplist_next(&it, &sv)) != 1)
			break;
	if (r < 0)
		goto corrupt;
	if (r == 0) {
		mdb_txn_abort(txn);
		return db_fail(db, e, ADVDB_ENOTFOUND, "%s: no skipped advisory "
		               "%zu", db->path, i);
	}
	copy_view(out->source, sizeof out->source, sv.source, sv.source_len);
	copy_view(out->path, sizeof out->path, sv.path, sv.path_len);
	copy_view(out->id, sizeof out->id, sv.id, sv.id_len);
	copy_view(out->message, sizeof out->message, sv.msg, sv.msg_len);
	out->line = sv.line;
	mdb_txn_abort(txn);
	return ADVDB_OK;
corrupt:
	mdb_txn_abort(txn);
	advdb_skipped_init(out, ADVDB_SKIPPED_VERSION);
	return db_fail(db, e, ADVDB_ECORRUPT, "%s: damaged index: malformed "
	               "meta `%s`", db->path, META_SKIPPED);
}

int advdb_skipped_get(advdb_skipped *out, advdb *db, size_t i)
{
	return advdb_skipped_get_ex(out, db, i, NULL);
}
