/*
 * writer_load.c — writer_load_previous(): reads the index an update starts
 * from. Every block is decompressed and each of its records decoded (so a
 * damaged previous DB is caught here, not half-way through a commit); the
 * block's frame is kept, to be written again unchanged when neither its
 * records nor the dictionary change.
 *
 * Policy: a previous DB of another schema version, or without the source
 * asked for, is not an error but "no previous DB" (1): the caller does a
 * full compile. A file that is not a readable index is an error (-1). On
 * any result but 0 the writer is left as it was before the call.
 */
#include "writer_int.h"
#include "layout.h"
#include "block.h"

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

/* Decompress one frame (with ddict when not NULL) into *buf, grown as
 * needed and reused from block to block: blocks are over malloc's mmap
 * threshold, and a fresh mapping per block cost its page faults each
 * time. */
static int unframe(uint8_t **buf, size_t *cap, size_t *len, ZSTD_DCtx *dctx,
                   const ZSTD_DDict *ddict, const void *src, size_t n)
{
	unsigned long long sz = ZSTD_getFrameContentSize(src, n);
	if (sz == ZSTD_CONTENTSIZE_UNKNOWN || sz == ZSTD_CONTENTSIZE_ERROR ||
	    sz == 0 || sz > BLOCK_MAX)
		return -1;
	if (sz > *cap) {
		uint8_t *nb = realloc(*buf, (size_t)sz);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = (size_t)sz;
	}
	size_t r = ddict ?
	    ZSTD_decompress_usingDDict(dctx, *buf, (size_t)sz, src, n, ddict) :
	    ZSTD_decompressDCtx(dctx, *buf, (size_t)sz, src, n);
	if (ZSTD_isError(r) || r != sz)
		return -1;
	*len = (size_t)sz;
	return 0;
}

/* One record of a previous block as a new entry of block b. */
static int load_item(writer *w, const blk_item *it, long b)
{
	entry e;
	int rc = -1;

	memset(&e, 0, sizeof(e));
	e.pblock = b;
	e.enc = malloc(it->rec_len);
	if (!e.enc)
		goto done;
	memcpy(e.enc, it->rec, it->rec_len);
	e.enc_len = it->rec_len;
	if (record_decode(&e.rec, e.enc, e.enc_len) < 0)
		goto done;
	const adv_record *r = e.rec;
	if (!r->id || strlen(r->id) != it->id_len || !r->source || !r->path ||
	    !*r->source || strpbrk(r->source, " :\n"))
		goto done;
	e.id = r->id;
	e.key = wr_make_key(r->source, r->path);
	if (!e.key)
		goto done;
	e.from_prev = 1;
	if (wr_map_find(w, &w->by_key, e.key, 0) >= 0 ||
	    wr_map_find(w, &w->by_id, e.id, 0) >= 0 || wr_entry_push(w, &e) < 0)
		goto done;
	rc = 0;
done:
	wr_entry_free(&e);
	return rc;
}

/* Every block: its frame is kept (an unchanged block is written again
 * byte for byte), its records become entries. Blocks must hold ids in
 * increasing order across the whole sub-database, the first one equal
 * to the block's key. */
static int load_records(writer *w, MDB_txn *txn, const ZSTD_DDict *ddict)
{
	MDB_dbi adv;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	uint8_t *buf = NULL;
	const char *last = NULL;
	size_t len, cap = 0, bufcap = 0;
	int rc = -1, mrc;

	if (!dctx || mdb_dbi_open(txn, DB_ADVISORIES, 0, &adv) != 0 ||
	    mdb_cursor_open(txn, adv, &cur) != 0)
		goto done;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (unframe(&buf, &bufcap, &len, dctx, ddict, v.mv_data,
		            v.mv_size) < 0)
			goto done;
		if (w->npblk == cap) {
			size_t nc = cap ? cap * 2 : 64;
			prev_block *nb = realloc(w->pblk, nc * sizeof(*nb));
			if (!nb)
				goto done;
			w->pblk = nb;
			cap = nc;
		}
		prev_block *pb = &w->pblk[w->npblk];
		pb->z = malloc(v.mv_size);
		if (!pb->z)
			goto done;
		memcpy(pb->z, v.mv_data, v.mv_size);
		pb->zlen = v.mv_size;
		pb->count = 0;
		w->npblk++;
		blk_item it;
		size_t off = 0;
		int r;
		while ((r = blk_item_next(&it, buf, len, &off)) == 0) {
			if (pb->count == 0 && (it.id_len != k.mv_size ||
			    memcmp(it.id, k.mv_data, k.mv_size) != 0))
				goto done;
			if (load_item(w, &it, (long)(w->npblk - 1)) < 0)
				goto done;
			const char *id = w->v[w->n - 1].id;
			if (last && strcmp(last, id) >= 0)
				goto done;
			last = w->v[w->n - 1].rec->id;
			pb->count++;
		}
		if (r < 0 || pb->count == 0)
			goto done;
	}
	rc = mrc == MDB_NOTFOUND ? 0 : -1;
done:
	free(buf);
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
		wr_seterr(err, errcap, "%s: damaged index (advisories)",
		       w->target);
		goto done;
	}
	MDB_val sk = { strlen(META_SKIPPED), META_SKIPPED }, sv;
	if ((e = mdb_get(txn, meta, &sk, &sv)) != 0 && e != MDB_NOTFOUND) {
		wr_seterr(err, errcap, "%s: %s", w->target, mdb_strerror(e));
		goto done;
	}
	if (e == 0 && wr_skip_load(w, sv.mv_data, sv.mv_size) < 0) {
		wr_seterr(err, errcap, "%s: damaged meta %s", w->target,
		          META_SKIPPED);
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
