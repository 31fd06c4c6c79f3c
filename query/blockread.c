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
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#define ZSTD_STATIC_LINKING_ONLY   /* the buffer-less block API */
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
                  MDB_dbi dbi, const char *k, size_t klen, const char *what)
{
	MDB_cursor *cur;
	int rc;

	rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc != 0)
		return db_fail(db, db_map_mdb(rc), "%s: %s: %s", db->path, what,
		               mdb_strerror(rc));
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
		return db_fail(db, db_map_mdb(rc), "%s: %s: %s", db->path, what,
		               mdb_strerror(rc));
	return 0;
}

/*
 * What both decoders check before touching a frame: a declared content
 * size within BLOCK_MAX (so the one allocation is bounded) and the
 * dictionary the index has. Then the output buffer and a context.
 */
static int frame_start(unsigned long long *size, void **buf,
                       ZSTD_DCtx **dctx, advdb *db, const MDB_val *val,
                       int with_dict, const char *what)
{
	unsigned frame_dict;

	/* db_internal.h: a dictionary exactly when its id is not 0 */
	assert((db->ddict == NULL) == (db->dict_id == 0));
	*size = ZSTD_getFrameContentSize(val->mv_data, val->mv_size);
	if (*size == ZSTD_CONTENTSIZE_ERROR || *size == ZSTD_CONTENTSIZE_UNKNOWN ||
	    *size == 0 || *size > BLOCK_MAX)
		return db_fail(db, ADVDB_ECORRUPT, "%s: %s: bad or oversized "
		               "compressed block", db->path, what);
	frame_dict = ZSTD_getDictID_fromFrame(val->mv_data, val->mv_size);
	if (frame_dict != 0 && (!with_dict || frame_dict != db->dict_id))
		return db_fail(db, ADVDB_ECORRUPT, "%s: %s: compressed with "
		               "dictionary %u, the index has %u", db->path, what,
		               frame_dict, with_dict ? db->dict_id : 0);
	*buf = malloc((size_t)*size);
	*dctx = *buf ? dctx_take(db) : NULL;
	if (!*dctx) {
		free(*buf);
		*buf = NULL;
		return db_fail(db, ADVDB_ENOMEM, "%s: out of memory", what);
	}
	return ADVDB_OK;
}

/*
 * Block by block, with zstd's buffer-less API: each zstd block is decoded
 * straight from the map into our buffer (no window buffer, no copy), and
 * after each one `enough` says whether the caller has what it needs. The
 * work saved is the blocks after the one that completes the caller's
 * record (the writer ends a zstd block every BLOCK_FLUSH records).
 */
int db_inflate_until(void **out, size_t *len, advdb *db,
                     const MDB_val *val, int with_dict, const char *what,
                     int (*enough)(const uint8_t *buf, size_t n, void *arg),
                     void *arg)
{
	unsigned long long size;
	void *vbuf;
	int rc;
	ZSTD_DCtx *dctx;
	uint8_t *buf;
	const uint8_t *src = val->mv_data;
	size_t r, in = 0, pos = 0;
	int done = 0;

	*out = NULL;
	*len = 0;
	if ((rc = frame_start(&size, &vbuf, &dctx, db, val, with_dict, what)) != 0)
		return rc;
	buf = vbuf;
	r = with_dict && db->ddict ? ZSTD_decompressBegin_usingDDict(dctx,
	                                                            db->ddict)
	                           : ZSTD_decompressBegin(dctx);
	while (!ZSTD_isError(r) && !done) {
		size_t need = ZSTD_nextSrcSizeToDecompress(dctx);
		if (need == 0) {                    /* the frame is complete */
			done = 1;
			break;
		}
		if (need > val->mv_size - in)
			break;                          /* truncated */
		r = ZSTD_decompressContinue(dctx, buf + pos, (size_t)size - pos,
		                            src + in, need);
		if (ZSTD_isError(r))
			break;
		in += need;
		pos += r;
		if (r > 0 && pos < size && enough(buf, pos, arg))
			done = 2;
	}
	dctx_give(db, dctx);
	if (!done || (done == 1 && pos != size)) {
		free(buf);
		return db_fail(db, ADVDB_ECORRUPT, "%s: %s: damaged compressed "
		               "block%s%s", db->path, what,
		               ZSTD_isError(r) ? ": " : "",
		               ZSTD_isError(r) ? ZSTD_getErrorName(r) : "");
	}
	*out = buf;
	*len = pos;
	return ADVDB_OK;
}

int db_inflate(void **out, size_t *len, advdb *db, const MDB_val *val,
               int with_dict, const char *what)
{
	unsigned long long size;
	int rc;
	ZSTD_DCtx *dctx;
	void *buf;
	size_t got;

	*out = NULL;
	*len = 0;
	if ((rc = frame_start(&size, &buf, &dctx, db, val, with_dict, what)) != 0)
		return rc;
	if (with_dict && db->ddict)
		got = ZSTD_decompress_usingDDict(dctx, buf, (size_t)size,
		                                 val->mv_data, val->mv_size,
		                                 db->ddict);
	else
		got = ZSTD_decompressDCtx(dctx, buf, (size_t)size, val->mv_data,
		                          val->mv_size);
	dctx_give(db, dctx);
	if (ZSTD_isError(got) || got != size) {
		free(buf);
		return db_fail(db, ADVDB_ECORRUPT, "%s: %s: damaged compressed "
		               "block%s%s", db->path, what,
		               ZSTD_isError(got) ? ": " : "",
		               ZSTD_isError(got) ? ZSTD_getErrorName(got) : "");
	}
	*out = buf;
	*len = got;
	return ADVDB_OK;
}
