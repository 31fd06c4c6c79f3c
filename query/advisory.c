/*
 * advisory.c — one full advisory: fetch by id or alias, decompress,
 * decode, and the accessors of advdb_advisory.
 *
 * The stored value is a zstd frame (with the index's dictionary when it
 * has one) of a record.h full record. Its declared content size is
 * checked — known, at most ADVDB_RECORD_MAX — before anything is
 * allocated, and the frame must decompress to exactly that size.
 * Decompression contexts come from a small pool in the handle (taken and
 * returned under db->lock; a context is used by one thread at a time), so
 * repeated fetches do not pay for a new context each time.
 *
 * Invariants: an advdb_advisory owns its decoded record (one block, from
 * record_decode) and one more block with the ranges as text; every string
 * an accessor returns lives in one of the two until advdb_advisory_free().
 */
#include <stdlib.h>
#include <string.h>
#include "db_internal.h"
#include "record.h"
#include "version.h"

struct advdb_advisory {
	adv_record *rec;
	const char **range_text;     /* 2 per range: introduced, fixed; NULL
	                                when unbounded. Same block holds text. */
};

static ZSTD_DCtx *dctx_take(advdb *db)
{
	ZSTD_DCtx *c = NULL;

	pthread_mutex_lock(&db->lock);
	if (db->npool > 0)
		c = db->pool[--db->npool];
	pthread_mutex_unlock(&db->lock);
	return c ? c : ZSTD_createDCtx();
}

static void dctx_give(advdb *db, ZSTD_DCtx *c)
{
	pthread_mutex_lock(&db->lock);
	if (db->npool < ADVDB_DCTX_POOL) {
		db->pool[db->npool++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&db->lock);
	ZSTD_freeDCtx(c);
}

/* Decompress the frame in val into a new buffer of exactly *len bytes. */
static int inflate(void **out, size_t *len, advdb *db, const MDB_val *val,
                   const char *id)
{
	unsigned long long size;
	unsigned frame_dict;
	ZSTD_DCtx *dctx;
	void *buf;
	size_t got;

	*out = NULL;
	size = ZSTD_getFrameContentSize(val->mv_data, val->mv_size);
	if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
	    size == 0 || size > ADVDB_RECORD_MAX)
		return db_fail(db, ADVDB_ECORRUPT, "%s: advisory %s: bad or "
		               "oversized compressed record", db->path, id);
	frame_dict = ZSTD_getDictID_fromFrame(val->mv_data, val->mv_size);
	if (frame_dict != 0 && frame_dict != db->dict_id)
		return db_fail(db, ADVDB_ECORRUPT, "%s: advisory %s: compressed "
		               "with dictionary %u, the index has %u", db->path,
		               id, frame_dict, db->dict_id);
	buf = malloc((size_t)size);
	dctx = buf ? dctx_take(db) : NULL;
	if (!dctx) {
		free(buf);
		return db_fail(db, ADVDB_ENOMEM, "advisory %s: out of memory", id);
	}
	if (db->ddict)
		got = ZSTD_decompress_usingDDict(dctx, buf, (size_t)size,
		                                 val->mv_data, val->mv_size,
		                                 db->ddict);
	else
		got = ZSTD_decompressDCtx(dctx, buf, (size_t)size, val->mv_data,
		                          val->mv_size);
	dctx_give(db, dctx);
	if (ZSTD_isError(got) || got != size) {
		free(buf);
		return db_fail(db, ADVDB_ECORRUPT, "%s: advisory %s: damaged "
		               "compressed record%s%s", db->path, id,
		               ZSTD_isError(got) ? ": " : "",
		               ZSTD_isError(got) ? ZSTD_getErrorName(got) : "");
	}
	*out = buf;
	*len = got;
	return ADVDB_OK;
}

/* The ranges as text, in one block (pointers first, then the strings). */
static int ranges_text(advdb_advisory *a)
{
	const adv_record *r = a->rec;
	size_t i, total = 0, ptrs, left;
	char tmp[VERSION_TEXT_MAX + 1];
	char *block, *text;

	if (r->nranges == 0)
		return 0;
	for (i = 0; i < r->nranges; i++) {
		if (r->ranges[i].has_introduced)
			total += version_format(&r->ranges[i].introduced, tmp,
			                        sizeof tmp) + 1;
		if (r->ranges[i].has_fixed)
			total += version_format(&r->ranges[i].fixed, tmp,
			                        sizeof tmp) + 1;
	}
	ptrs = 2 * (size_t)r->nranges * sizeof(char *);
	block = malloc(ptrs + total);
	if (!block)
		return -1;
	a->range_text = (const char **)(void *)block;
	text = block + ptrs;
	left = total;
	for (i = 0; i < r->nranges; i++) {
		const range *g = &r->ranges[i];
		const version *side[2];
		int s;

		side[0] = g->has_introduced ? &g->introduced : NULL;
		side[1] = g->has_fixed ? &g->fixed : NULL;
		for (s = 0; s < 2; s++) {
			size_t n;

			a->range_text[2 * i + (size_t)s] = NULL;
			if (!side[s])
				continue;
			/* Sized above from the same versions: always fits. */
			n = version_format(side[s], text, left) + 1;
			a->range_text[2 * i + (size_t)s] = text;
			text += n;
			left -= n;
		}
	}
	return 0;
}

/* The id stored under alias `id`, copied into buf: 0, 1 none, or error. */
static int resolve_alias(char *buf, size_t cap, advdb *db, MDB_txn *txn,
                         const char *id, size_t idlen)
{
	MDB_val k = { idlen, (void *)id }, v;
	const char *p, *nul;
	int rc;

	if (!db->has_aliases)
		return 1;
	rc = mdb_get(txn, db->aliases, &k, &v);
	if (rc == MDB_NOTFOUND)
		return 1;
	if (rc != 0)
		return db_fail(db, db_map_mdb(rc), "%s: alias %s: %s", db->path,
		               id, mdb_strerror(rc));
	p = v.mv_data;
	nul = v.mv_size ? memchr(p, '\0', v.mv_size) : NULL;
	if (!nul || nul == p || (size_t)(nul - p) >= cap)
		return db_fail(db, ADVDB_ECORRUPT, "%s: damaged alias entry %s",
		               db->path, id);
	memcpy(buf, p, (size_t)(nul - p) + 1);
	return 0;
}

int advdb_advisory_get(advdb_advisory **out, advdb *db, const char *id)
{
	char real[ADVDB_KEY_MAX + 1];
	MDB_txn *txn = NULL;
	MDB_val k, v;
	void *raw = NULL;
	size_t rawlen = 0, idlen;
	advdb_advisory *a = NULL;
	int rc, err;

	if (!db)
		return ADVDB_EINVAL;
	if (!out || !id)
		return db_fail(db, ADVDB_EINVAL, "advdb_advisory_get: NULL "
		               "argument");
	*out = NULL;
	idlen = strlen(id);
	if (idlen == 0 || idlen > ADVDB_KEY_MAX)
		return db_fail(db, ADVDB_ENOTFOUND, "no advisory %.64s%s", id,
		               idlen > 64 ? "..." : "");
	if ((err = db_read_begin(&txn, db)) != 0)
		return err;
	k.mv_size = idlen;
	k.mv_data = (void *)id;
	rc = mdb_get(txn, db->advisories, &k, &v);
	if (rc == MDB_NOTFOUND) {
		err = resolve_alias(real, sizeof real, db, txn, id, idlen);
		if (err == 1)
			err = db_fail(db, ADVDB_ENOTFOUND, "no advisory %s", id);
		if (err != 0)
			goto done;
		k.mv_size = strlen(real);
		k.mv_data = real;
		id = real;
		rc = mdb_get(txn, db->advisories, &k, &v);
		if (rc == MDB_NOTFOUND) {
			err = db_fail(db, ADVDB_ECORRUPT, "%s: alias points to "
			              "missing advisory %s", db->path, real);
			goto done;
		}
	}
	if (rc != 0) {
		err = db_fail(db, db_map_mdb(rc), "%s: advisory %s: %s", db->path,
		              id, mdb_strerror(rc));
		goto done;
	}
	if ((err = inflate(&raw, &rawlen, db, &v, id)) != 0)
		goto done;
	a = calloc(1, sizeof *a);
	if (!a) {
		err = db_fail(db, ADVDB_ENOMEM, "advisory %s: out of memory", id);
		goto done;
	}
	if (record_decode(&a->rec, raw, rawlen) != 0) {
		err = db_fail(db, ADVDB_ECORRUPT, "%s: advisory %s: damaged "
		              "record", db->path, id);
		goto done;
	}
	if (ranges_text(a) != 0) {
		err = db_fail(db, ADVDB_ENOMEM, "advisory %s: out of memory", id);
		goto done;
	}
	*out = a;
	a = NULL;
done:
	if (txn)
		mdb_txn_abort(txn);
	free(raw);
	advdb_advisory_free(a);
	return err;
}

void advdb_advisory_free(advdb_advisory *a)
{
	if (!a)
		return;
	free((void *)a->range_text);
	record_free(a->rec);
	free(a);
}

const char *advdb_advisory_field(const advdb_advisory *a, advdb_field f)
{
	const adv_record *r;

	if (!a)
		return NULL;
	r = a->rec;
	switch (f) {
	case ADVDB_F_ID:            return r->id;
	case ADVDB_F_PACKAGE:       return r->package;
	case ADVDB_F_TITLE:         return r->title;
	case ADVDB_F_DESCRIPTION:   return r->description;
	case ADVDB_F_DATE:          return r->date;
	case ADVDB_F_WITHDRAWN:     return r->withdrawn;
	case ADVDB_F_URL:           return r->url;
	case ADVDB_F_LICENSE:       return r->license;
	case ADVDB_F_INFORMATIONAL: return r->informational;
	case ADVDB_F_CVSS:          return r->cvss;
	case ADVDB_F_SOURCE:        return r->source;
	case ADVDB_F_PATH:          return r->path;
	case ADVDB_F_COLLECTION:
		return r->collection == ADV_RUST ? "rust" : "crates";
	default:                    return NULL;
	}
}

static const strlist *list_of(const adv_record *r, advdb_list l)
{
	switch (l) {
	case ADVDB_L_ALIASES:    return &r->aliases;
	case ADVDB_L_RELATED:    return &r->related;
	case ADVDB_L_CATEGORIES: return &r->categories;
	case ADVDB_L_KEYWORDS:   return &r->keywords;
	case ADVDB_L_REFERENCES: return &r->references;
	case ADVDB_L_OS:         return &r->os;
	case ADVDB_L_ARCH:       return &r->arch;
	case ADVDB_L_PATCHED:    return &r->patched;
	case ADVDB_L_UNAFFECTED: return &r->unaffected;
	default:                 return NULL;
	}
}

size_t advdb_advisory_list_len(const advdb_advisory *a, advdb_list l)
{
	const strlist *s = a ? list_of(a->rec, l) : NULL;

	return s ? s->n : 0;
}

const char *advdb_advisory_list_at(const advdb_advisory *a, advdb_list l,
                                   size_t i)
{
	const strlist *s = a ? list_of(a->rec, l) : NULL;

	return s && i < s->n ? s->v[i] : NULL;
}

advdb_kind advdb_advisory_kind(const advdb_advisory *a)
{
	return a ? db_kind(a->rec->info) : ADVDB_KIND_VULNERABILITY;
}

advdb_severity advdb_advisory_severity(const advdb_advisory *a)
{
	if (!a || a->rec->severity > ADV_SEV_CRITICAL)
		return ADVDB_SEV_NONE;
	return (advdb_severity)a->rec->severity;
}

uint16_t advdb_advisory_cvss_score10(const advdb_advisory *a)
{
	return a ? a->rec->cvss_score10 : 0;
}

int64_t advdb_advisory_modified(const advdb_advisory *a)
{
	return a ? a->rec->modified : 0;
}

size_t advdb_advisory_range_count(const advdb_advisory *a)
{
	return a ? a->rec->nranges : 0;
}

int advdb_advisory_range(const char **introduced, const char **fixed,
                         const advdb_advisory *a, size_t i)
{
	if (introduced)
		*introduced = NULL;
	if (fixed)
		*fixed = NULL;
	if (!a || i >= a->rec->nranges)
		return ADVDB_ENOTFOUND;
	if (introduced)
		*introduced = a->range_text[2 * i];
	if (fixed)
		*fixed = a->range_text[2 * i + 1];
	return ADVDB_OK;
}

size_t advdb_advisory_function_count(const advdb_advisory *a)
{
	return a ? a->rec->nfunctions : 0;
}

const char *advdb_advisory_function(const advdb_advisory *a, size_t i,
                                    size_t *nreqs, const char *const **reqs)
{
	const adv_function *f;

	if (nreqs)
		*nreqs = 0;
	if (reqs)
		*reqs = NULL;
	if (!a || i >= a->rec->nfunctions)
		return NULL;
	f = &a->rec->functions[i];
	if (nreqs)
		*nreqs = f->reqs.n;
	if (reqs)
		*reqs = f->reqs.v;
	return f->path;
}
