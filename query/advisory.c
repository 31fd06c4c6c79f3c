/*
 * advisory.c — one full advisory: fetch by id or alias, decompress,
 * decode, and the accessors of advdb_advisory.
 *
 * A record lives in an `advisories` block (block.h), found and
 * decompressed by blockread.c; an alias in an `aliases` block, which
 * names the id. The record found must carry the id asked for.
 *
 * Invariants: an advdb_advisory owns its decoded record (one block, from
 * record_decode); every string an accessor returns lives in it until
 * advdb_advisory_free(). The ranges are in it twice, as the versions the
 * internal users compare (reader_advisory_record) and as the canonical
 * text the record holds, which advdb_advisory_range() hands out: nothing
 * is formatted here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db_internal.h"
#include "block.h"
#include "le.h"
#include "reader.h"
#include "record.h"

struct advdb_advisory {
	adv_record *rec;             /* one block: record_decode's */
};

/* The first id listed under alias `alias`, copied into buf: 0, 1 none,
 * or an error. */
static int resolve_alias(char *buf, size_t cap, advdb *db, MDB_txn *txn,
                         const char *alias, size_t alen,
                         advdb_error_info *err)
{
	MDB_val k, v;
	void *raw = NULL;
	size_t len, off = 0;
	alias_item it;
	char what[DB_KEY_MAX + 16];
	int rc, r;

	if (!db->has[DBI_ALIASES])
		return 1;
	snprintf(what, sizeof what, "alias %s", alias);
	rc = db_block_seek(&k, &v, db, txn, DBI_ALIASES, alias, alen,
	                   what, err);
	if (rc != 0)
		return rc;
	if ((rc = db_inflate(&raw, &len, db, &v, 0, what, err)) != 0)
		return rc;
	rc = 1;
	while ((r = alias_item_next(&it, raw, len, &off)) == 0) {
		const char *id;
		size_t idlen;

		if (it.alias_len != alen || memcmp(it.alias, alias, alen) != 0)
			continue;
		if (alias_item_id(&id, &idlen, &it, 0) != 0 || idlen >= cap ||
		    memchr(id, '\0', idlen)) {
			r = -1;
			break;
		}
		memcpy(buf, id, idlen);
		buf[idlen] = '\0';
		rc = 0;
		break;
	}
	free(raw);
	if (r < 0)
		return db_fail(db, err, ADVDB_ECORRUPT, "%s: damaged alias block "
		               "of %s", db->path, alias);
	return rc;
}

/* What fetch_record looks for while its block is decoded. */
typedef struct want {
	const char *id;
	size_t idlen, off;           /* items before off were seen */
} want;

/* Whether the decoded prefix settles it: the record is whole in it, or
 * an id after ours (ids increase) or a malformed item came first. */
static int want_enough(const uint8_t *buf, size_t n, void *arg)
{
	want *w = arg;
	blk_item it;

	for (;;) {
		size_t o = w->off;
		if (n - o < 4)
			return 0;
		size_t rl = le32_get(buf + o);
		if (n - o - 4 < rl)
			return 0;
		if (blk_item_next(&it, buf, o + 4 + rl, &o) != 0)
			return 1;
		size_t m = it.id_len < w->idlen ? it.id_len : w->idlen;
		int c = memcmp(it.id, w->id, m);
		if (c > 0 || (c == 0 && it.id_len >= w->idlen))
			return 1;
		w->off = o;
	}
}

/* The encoded record of advisory `id`, copied out of its block into
 * *rec: 0, 1 when there is no such id, or an error. */
static int fetch_record(void **rec, size_t *rec_len, advdb *db,
                        MDB_txn *txn, const char *id, size_t idlen,
                        advdb_error_info *err)
{
	MDB_val k, v;
	const uint8_t *raw;
	db_partial *hold;
	size_t len, off = 0;
	blk_item it;
	char what[DB_KEY_MAX + 16];
	int rc, r;

	*rec = NULL;
	snprintf(what, sizeof what, "advisory %s", id);
	rc = db_block_seek(&k, &v, db, txn, DBI_ADVISORIES, id, idlen,
	                   what, err);
	if (rc != 0)
		return rc;
	want wt = { id, idlen, 0 };
	if ((rc = db_inflate_until(&raw, &len, &hold, db, &v, 1, what,
	                           want_enough, &wt, err)) != 0)
		return rc;
	rc = 1;
	while ((r = blk_item_next(&it, raw, len, &off)) == 0) {
		size_t m = it.id_len < idlen ? it.id_len : idlen;
		int c = memcmp(it.id, id, m);
		if (c > 0 || (c == 0 && it.id_len > idlen))
			break;          /* past it: the decoded prefix ends here */
		if (c != 0 || it.id_len != idlen)
			continue;
		/* copied out: the block's buffer stays with the handle */
		if (!(*rec = malloc(it.rec_len ? it.rec_len : 1))) {
			rc = -2;
			break;
		}
		memcpy(*rec, it.rec, it.rec_len);
		*rec_len = it.rec_len;
		rc = 0;
		break;
	}
	db_inflate_done(db, hold);
	if (rc == -2)
		return db_fail(db, err, ADVDB_ENOMEM, "%s: out of memory", what);
	if (r < 0)
		return db_fail(db, err, ADVDB_ECORRUPT, "%s: damaged advisory "
		               "block of %s", db->path, id);
	return rc;
}

int advdb_advisory_get_ex(advdb_advisory **out, advdb *db, const char *id,
                          advdb_error_info *err)
{
	char real[ADV_ID_MAX + 1];
	MDB_txn *txn = NULL;
	db_slot *slot = NULL;
	void *raw = NULL;
	size_t rawlen = 0, idlen;
	advdb_advisory *a = NULL;
	int rc;

	if (out)
		*out = NULL;
	if ((rc = err_check(db, err, "advdb_advisory_get")) != 0)
		return rc;
	if (!out || !id)
		return db_fail(db, err, ADVDB_EINVAL, "advdb_advisory_get: NULL "
		               "argument");
	idlen = strlen(id);
	if (idlen == 0 || idlen > ADV_ID_MAX)   /* cannot be in the index */
		return db_fail(db, err, ADVDB_ENOTFOUND, "no advisory %.64s%s", id,
		               idlen > 64 ? "..." : "");
	if ((rc = db_snapshot(&txn, &slot, db, err)) != 0)
		return rc;
	rc = fetch_record(&raw, &rawlen, db, txn, id, idlen, err);
	if (rc == 1) {
		rc = resolve_alias(real, sizeof real, db, txn, id, idlen, err);
		if (rc == 1)
			rc = db_fail(db, err, ADVDB_ENOTFOUND, "no advisory %s", id);
		if (rc != 0)
			goto done;
		id = real;
		rc = fetch_record(&raw, &rawlen, db, txn, real, strlen(real), err);
		if (rc == 1) {
			rc = db_fail(db, err, ADVDB_ECORRUPT, "%s: alias points to "
			             "missing advisory %s", db->path, real);
			goto done;
		}
	}
	if (rc != 0)
		goto done;
	a = calloc(1, sizeof *a);
	if (!a) {
		rc = db_fail(db, err, ADVDB_ENOMEM, "advisory %s: out of memory",
		             id);
		goto done;
	}
	if (record_decode(&a->rec, raw, rawlen) != 0) {
		rc = db_fail(db, err, ADVDB_ECORRUPT, "%s: advisory %s: damaged "
		             "record", db->path, id);
		goto done;
	}
	if (a->rec->id == NULL || strcmp(a->rec->id, id) != 0) {
		rc = db_fail(db, err, ADVDB_ECORRUPT, "%s: advisory %s: record "
		             "names another id", db->path, id);
		goto done;
	}
	*out = a;
	a = NULL;
done:
	db_snapshot_end(txn, slot);
	free(raw);
	advdb_advisory_free(a);
	return rc;
}

int advdb_advisory_get(advdb_advisory **out, advdb *db, const char *id)
{
	return advdb_advisory_get_ex(out, db, id, NULL);
}

void advdb_advisory_free(advdb_advisory *a)
{
	if (!a)
		return;
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

int advdb_advisory_expect_deleted(const advdb_advisory *a)
{
	return a ? a->rec->expect_deleted != 0 : 0;
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
		*introduced = a->rec->range_text[2 * i];
	if (fixed)
		*fixed = a->rec->range_text[2 * i + 1];
	return ADVDB_OK;
}

const adv_record *reader_advisory_record(const advdb_advisory *a)
{
	return a ? a->rec : NULL;
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
