/*
 * writer_load.c — writer_load_previous(): reads the index an update starts
 * from. Every record is decompressed and decoded (so a damaged previous DB
 * is caught here, not half-way through a commit); its frame is kept, to be
 * written again unchanged when the dictionary stays the same.
 *
 * Policy: a previous DB of another schema version, or without the source
 * asked for, is not an error but "no previous DB" (1): the caller does a
 * full compile. A file that is not a readable index is an error (-1). On
 * any result but 0 the writer is left as it was before the call.
 */
#include "writer_int.h"
#include "layout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lmdb.h>
#include <zstd.h>
#include <zdict.h>

/* A meta value as a NUL-terminated copy in buf; -1 when absent/too long. */
static int meta_get(MDB_txn *txn, MDB_dbi dbi, const char *key, char *buf,
                    size_t cap)
{
	MDB_val k = { strlen(key), (void *)key }, v;
	if (mdb_get(txn, dbi, &k, &v) != 0 || v.mv_size >= cap)
		return -1;
	memcpy(buf, v.mv_data, v.mv_size);
	buf[v.mv_size] = 0;
	return 0;
}

/* META_SOURCES: "name SP commit SP time LF" lines. */
static int parse_sources(writer *w, char *text)
{
	char *line = text, *nl;

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			return -1;
		*nl = 0;
		char *sp1 = strchr(line, ' ');
		char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (!sp2)
			return -1;
		*sp1 = *sp2 = 0;
		uint64_t t;
		int neg = sp2[1] == '-';
		if (wr_parse_u64(sp2 + 1 + neg, &t) < 0 ||
		    writer_set_source(w, line, sp1 + 1,
		                      neg ? -(int64_t)t : (int64_t)t) < 0)
			return -1;
	}
	return 0;
}

/* Decompress one frame (with ddict when not NULL) into a new buffer. */
static int unframe(uint8_t **out, size_t *len, ZSTD_DCtx *dctx,
                   const ZSTD_DDict *ddict, const void *src, size_t n)
{
	unsigned long long sz = ZSTD_getFrameContentSize(src, n);
	*out = NULL;
	if (sz == ZSTD_CONTENTSIZE_UNKNOWN || sz == ZSTD_CONTENTSIZE_ERROR ||
	    sz == 0 || sz > FRAME_MAX)
		return -1;
	uint8_t *buf = malloc((size_t)sz);
	if (!buf)
		return -1;
	size_t r = ddict ?
	    ZSTD_decompress_usingDDict(dctx, buf, (size_t)sz, src, n, ddict) :
	    ZSTD_decompressDCtx(dctx, buf, (size_t)sz, src, n);
	if (ZSTD_isError(r) || r != sz) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = (size_t)sz;
	return 0;
}

static int load_records(writer *w, MDB_txn *txn, const ZSTD_DDict *ddict)
{
	MDB_dbi adv, srcs;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	int rc = -1, mrc;
	entry e;

	memset(&e, 0, sizeof(e));
	if (!dctx || mdb_dbi_open(txn, DB_ADVISORIES, 0, &adv) != 0 ||
	    mdb_dbi_open(txn, DB_SOURCES, 0, &srcs) != 0 ||
	    mdb_cursor_open(txn, adv, &cur) != 0)
		goto done;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (unframe(&e.enc, &e.enc_len, dctx, ddict, v.mv_data,
		            v.mv_size) < 0 ||
		    record_decode(&e.rec, e.enc, e.enc_len) < 0)
			goto done;
		const adv_record *r = e.rec;
		if (!r->id || strlen(r->id) != k.mv_size ||
		    memcmp(r->id, k.mv_data, k.mv_size) != 0 || !r->source ||
		    !r->path || !*r->source || strpbrk(r->source, " :\n"))
			goto done;
		e.id = r->id;
		e.key = wr_make_key(r->source, r->path);
		e.zf = malloc(v.mv_size);
		if (!e.key || !e.zf)
			goto done;
		memcpy(e.zf, v.mv_data, v.mv_size);
		e.zlen = v.mv_size;
		e.from_prev = 1;
		MDB_val sk = { strlen(e.key), e.key }, sv;
		if (mdb_get(txn, srcs, &sk, &sv) == 0 && sv.mv_size == 20) {
			memcpy(e.blob, sv.mv_data, 20);
			e.has_blob = 1;
		}
		if (wr_map_find(w, &w->by_key, e.key, 0) >= 0 ||
		    wr_map_find(w, &w->by_id, e.id, 0) >= 0 || wr_entry_push(w, &e) < 0)
			goto done;
	}
	rc = mrc == MDB_NOTFOUND ? 0 : -1;
done:
	wr_entry_free(&e);
	if (cur)
		mdb_cursor_close(cur);
	ZSTD_freeDCtx(dctx);
	return rc;
}

int writer_load_previous(writer *w, const char *source, char commit[41],
                         char *err, size_t errcap)
{
	struct stat st;
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi meta;
	ZSTD_DDict *ddict = NULL;
	source_info saved[SOURCES_MAX];
	size_t nsaved = w->nsrc;
	char buf[2048];
	uint64_t x;
	int rc = -1, e;

	commit[0] = 0;
	memcpy(saved, w->src, sizeof(saved));
	if (w->n || w->have_prev || w->finished) {
		wr_seterr(err, errcap, "%s: load the previous index first", w->target);
		return -1;
	}
	if (stat(w->target, &st) < 0) {
		if (errno == ENOENT)
			return 1;
		wr_seterr(err, errcap, "%s: %s", w->target, strerror(errno));
		return -1;
	}
	if ((e = mdb_env_create(&env)) != 0 ||
	    (e = mdb_env_set_maxdbs(env, DB_MAXDBS)) != 0 ||
	    (e = mdb_env_open(env, w->target, MDB_NOSUBDIR | MDB_RDONLY |
	                      MDB_NOLOCK, 0644)) != 0 ||
	    (e = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (e = mdb_dbi_open(txn, DB_META, 0, &meta)) != 0) {
		wr_seterr(err, errcap, "%s: not an advdb index (%s)", w->target,
		       mdb_strerror(e));
		goto done;
	}
	if (meta_get(txn, meta, META_MAGIC, buf, sizeof(buf)) < 0 ||
	    strcmp(buf, ADVDB_MAGIC) != 0) {
		wr_seterr(err, errcap, "%s: not an advdb index (no magic)", w->target);
		goto done;
	}
	/* another schema: its records may mean other things; rebuild */
	if (meta_get(txn, meta, META_SCHEMA, buf, sizeof(buf)) < 0 ||
	    wr_parse_u64(buf, &x) < 0 || x != ADVDB_SCHEMA_VERSION) {
		rc = 1;
		goto done;
	}
	if (meta_get(txn, meta, META_SOURCES, buf, sizeof(buf)) < 0 ||
	    parse_sources(w, buf) < 0) {
		wr_seterr(err, errcap, "%s: damaged meta %s", w->target, META_SOURCES);
		goto done;
	}
	source_info *s = wr_source_slot(w, source, 0);
	if (!s) {
		rc = 1;
		goto done;
	}
	memcpy(commit, s->commit, 41);
	if (meta_get(txn, meta, META_DICT_ID, buf, sizeof(buf)) < 0 ||
	    wr_parse_u64(buf, &x) < 0 || x > UINT32_MAX) {
		wr_seterr(err, errcap, "%s: damaged meta %s", w->target, META_DICT_ID);
		goto done;
	}
	if (x) {
		MDB_val k = { strlen(META_DICT), META_DICT }, v;
		if (mdb_get(txn, meta, &k, &v) != 0 || v.mv_size > (4u << 20) ||
		    ZDICT_getDictID(v.mv_data, v.mv_size) != x ||
		    !(w->dict = malloc(v.mv_size))) {
			wr_seterr(err, errcap, "%s: damaged zstd dictionary", w->target);
			goto done;
		}
		memcpy(w->dict, v.mv_data, v.mv_size);
		w->dict_len = v.mv_size;
		ddict = ZSTD_createDDict(w->dict, w->dict_len);
		if (!ddict) {
			wr_seterr(err, errcap, "%s: damaged zstd dictionary", w->target);
			goto done;
		}
	}
	if (load_records(w, txn, ddict) < 0) {
		wr_seterr(err, errcap, "%s: damaged index (advisories or sources)",
		       w->target);
		goto done;
	}
	w->have_prev = 1;
	rc = 0;
done:
	if (rc != 0) {
		wr_drop_all(w);
		memcpy(w->src, saved, sizeof(saved));
		w->nsrc = nsaved;
		commit[0] = 0;
	}
	ZSTD_freeDDict(ddict);
	if (txn)
		mdb_txn_abort(txn);
	if (env)
		mdb_env_close(env);
	return rc;
}
