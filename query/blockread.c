/*
 * blockread.c — reading schema 2's blocks (SCHEMA.md): finding the block
 * that holds a key, and decompressing a block.
 *
 * A block's key is the first key it holds, so the block of k is the one
 * with the last key <= k: one cursor seek, no separate index.
 *
 * A frame's declared content size is checked — known, at most BLOCK_MAX
 * — before anything is allocated, and the frame must decompress to
 * exactly that size. Decompression contexts come from a small pool in the
 * handle (taken and returned under db->lock; a context is used by one
 * thread at a time), so repeated reads do not pay for a new context.
 *
 * Only zstd's stable API is used (no ZSTD_STATIC_LINKING_ONLY): this file
 * is part of libadvdb.so, which links the system's libzstd.so, and zstd
 * keeps the experimental calls' ABI only for static linking.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "db_internal.h"
#include "block.h"

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

int db_block_seek(MDB_val *key, MDB_val *val, advdb *db, MDB_txn *txn,
                  MDB_dbi dbi, const char *k, size_t klen, const char *what,
                  advdb_error_info *err)
{
	MDB_cursor *cur;
	int rc;

	rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc != 0)
		return db_fail(db, err, db_map_mdb(rc), "%s: %s: %s", db->path,
		               what, mdb_strerror(rc));
	key->mv_size = klen;
	key->mv_data = (void *)k;
	rc = mdb_cursor_get(cur, key, val, MDB_SET_RANGE);
	if (rc == 0 && (key->mv_size != klen ||
	                memcmp(key->mv_data, k, klen) != 0))
		rc = mdb_cursor_get(cur, key, val, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, key, val, MDB_LAST);
	mdb_cursor_close(cur);
	if (rc == MDB_NOTFOUND)
		return 1;
	if (rc != 0)
		return db_fail(db, err, db_map_mdb(rc), "%s: %s: %s", db->path,
		               what, mdb_strerror(rc));
	return 0;
}

/*
 * What both decoders check before touching a frame: a declared content
 * size within BLOCK_MAX (so the one allocation is bounded) and the
 * dictionary the index has. Then the output buffer and a context, reset
 * and given the index's dictionary when with_dict (a pooled context
 * keeps its last dictionary otherwise, which would decode a frame made
 * without one into garbage).
 */
static int frame_start(unsigned long long *size, void **buf,
                       ZSTD_DCtx **dctx, advdb *db, const MDB_val *val,
                       int with_dict, const char *what,
                       advdb_error_info *err)
{
	unsigned frame_dict;

	/* db_internal.h: a dictionary exactly when its id is not 0 */
	assert((db->ddict == NULL) == (db->dict_id == 0));
	*size = ZSTD_getFrameContentSize(val->mv_data, val->mv_size);
	if (*size == ZSTD_CONTENTSIZE_ERROR || *size == ZSTD_CONTENTSIZE_UNKNOWN ||
	    *size == 0 || *size > BLOCK_MAX)
		return db_fail(db, err, ADVDB_ECORRUPT, "%s: %s: bad or oversized "
		               "compressed block", db->path, what);
	frame_dict = ZSTD_getDictID_fromFrame(val->mv_data, val->mv_size);
	if (frame_dict != 0 && (!with_dict || frame_dict != db->dict_id))
		return db_fail(db, err, ADVDB_ECORRUPT, "%s: %s: compressed with "
		               "dictionary %u, the index has %u", db->path, what,
		               frame_dict, with_dict ? db->dict_id : 0);
	*buf = malloc((size_t)*size);
	*dctx = *buf ? dctx_take(db) : NULL;
	if (*dctx &&
	    (ZSTD_isError(ZSTD_DCtx_reset(*dctx,
	                                  ZSTD_reset_session_and_parameters)) ||
	     (with_dict && db->ddict &&
	      ZSTD_isError(ZSTD_DCtx_refDDict(*dctx, db->ddict))))) {
		ZSTD_freeDCtx(*dctx);
		*dctx = NULL;
	}
	if (!*dctx) {
		free(*buf);
		*buf = NULL;
		return db_fail(db, err, ADVDB_ENOMEM, "%s: out of memory", what);
	}
	return ADVDB_OK;
}

/*
 * Block by block, with zstd's streaming API: the frame is fed as zstd
 * asks for it (its return value is the size of what it needs next: the
 * frame header, then one block at a time), so each call decodes one zstd
 * block into our buffer, and after each one `enough` says whether the
 * caller has what it needs. The work saved is the blocks after the one
 * that completes the caller's record (the writer ends a zstd block every
 * BLOCK_FLUSH records). zstd copies each block through its window buffer
 * on the way (the buffer-less API, which writes straight into ours, is
 * experimental); tests/bench measures advisory_get either way.
 */
int db_inflate_until(void **out, size_t *len, advdb *db,
                     const MDB_val *val, int with_dict, const char *what,
                     int (*enough)(const uint8_t *buf, size_t n, void *arg),
                     void *arg, advdb_error_info *err)
{
	unsigned long long size;
	void *buf;
	int rc, done = 0;
	ZSTD_DCtx *dctx;
	ZSTD_inBuffer in = { val->mv_data, 0, 0 };
	ZSTD_outBuffer ob;
	size_t r = 1, want = 0;

	*out = NULL;
	*len = 0;
	if ((rc = frame_start(&size, &buf, &dctx, db, val, with_dict, what,
	                      err)) != 0)
		return rc;
	ob.dst = buf;
	ob.size = (size_t)size;
	ob.pos = 0;
	while (!done) {
		size_t in0 = in.pos, out0 = ob.pos;

		/* feed what zstd asked for (r), never past the frame */
		want = r < val->mv_size - in.size ? r : val->mv_size - in.size;
		in.size += want;
		r = ZSTD_decompressStream(dctx, &ob, &in);
		if (ZSTD_isError(r))
			break;
		if (r == 0) {
			done = 1;                       /* the frame is complete */
			break;
		}
		if (ob.pos > out0 && ob.pos < ob.size &&
		    enough(buf, ob.pos, arg))
			done = 2;
		else if (in.pos == in0 && ob.pos == out0 &&
		         in.size == val->mv_size)
			break;                          /* truncated: no progress */
	}
	dctx_give(db, dctx);
	if (!done || (done == 1 && ob.pos != size)) {
		free(buf);
		return db_fail(db, err, ADVDB_ECORRUPT, "%s: %s: damaged "
		               "compressed block%s%s", db->path, what,
		               ZSTD_isError(r) ? ": " : "",
		               ZSTD_isError(r) ? ZSTD_getErrorName(r) : "");
	}
	*out = buf;
	*len = ob.pos;
	return ADVDB_OK;
}

int db_inflate(void **out, size_t *len, advdb *db, const MDB_val *val,
               int with_dict, const char *what, advdb_error_info *err)
{
	unsigned long long size;
	int rc;
	ZSTD_DCtx *dctx;
	void *buf;
	size_t got;

	*out = NULL;
	*len = 0;
	if ((rc = frame_start(&size, &buf, &dctx, db, val, with_dict, what,
	                      err)) != 0)
		return rc;
	/* the dictionary, if any, is the one frame_start referenced */
	got = ZSTD_decompressDCtx(dctx, buf, (size_t)size, val->mv_data,
	                          val->mv_size);
	dctx_give(db, dctx);
	if (ZSTD_isError(got) || got != size) {
		free(buf);
		return db_fail(db, err, ADVDB_ECORRUPT, "%s: %s: damaged "
		               "compressed block%s%s", db->path, what,
		               ZSTD_isError(got) ? ": " : "",
		               ZSTD_isError(got) ? ZSTD_getErrorName(got) : "");
	}
	*out = buf;
	*len = got;
	return ADVDB_OK;
}
