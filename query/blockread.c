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
 * zstd's stable API is used, and one experimental parameter
 * (ZSTD_d_stableOutBuffer, see stream_ready) only when the libzstd this
 * runs with is the very version it was compiled against: this file is
 * part of libadvdb.so, which links the system's libzstd.so, and zstd
 * keeps the experimental ABI only for static linking. Its value only
 * changes where zstd writes, never what: without it, the same bytes.
 */
#define ZSTD_STATIC_LINKING_ONLY        /* ZSTD_d_stableOutBuffer */
#include <zstd.h>
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
                  db_id id, const char *k, size_t klen, const char *what,
                  advdb_error_info *err)
{
	MDB_cursor *cur;
	int rc;

	if ((rc = db_row_checked(db, id, err)) != 0)
		return rc;
	rc = mdb_cursor_open(txn, db->dbi[id], &cur);
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
 * What every decoder checks before touching a frame: a declared content
 * size within BLOCK_MAX (so the one allocation is bounded) and the
 * dictionary the index has.
 */
static int frame_check(unsigned long long *size, advdb *db,
                       const MDB_val *val, int with_dict, const char *what,
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
	return ADVDB_OK;
}

/* A context (*dctx, or one from the pool when NULL) reset for a new
 * frame and given the index's dictionary when with_dict (a reused
 * context keeps its last dictionary otherwise, which would decode a
 * frame made without one into garbage). 0, or -1 with *dctx freed. */
static int dctx_ready(ZSTD_DCtx **dctx, advdb *db, int with_dict)
{
	if (!*dctx)
		*dctx = dctx_take(db);
	if (*dctx &&
	    (ZSTD_isError(ZSTD_DCtx_reset(*dctx,
	                                  ZSTD_reset_session_and_parameters)) ||
	     (with_dict && db->ddict &&
	      ZSTD_isError(ZSTD_DCtx_refDDict(*dctx, db->ddict))))) {
		ZSTD_freeDCtx(*dctx);
		*dctx = NULL;
	}
	return *dctx ? 0 : -1;
}

static int frame_start(unsigned long long *size, void **buf,
                       ZSTD_DCtx **dctx, advdb *db, const MDB_val *val,
                       int with_dict, const char *what,
                       advdb_error_info *err)
{
	int rc;

	if ((rc = frame_check(size, db, val, with_dict, what, err)) != 0)
		return rc;
	*buf = malloc((size_t)*size);
	*dctx = NULL;
	if (!*buf || dctx_ready(dctx, db, with_dict) != 0) {
		free(*buf);
		*buf = NULL;
		return db_fail(db, err, ADVDB_ENOMEM, "%s: out of memory", what);
	}
	return ADVDB_OK;
}

/*
 * A frame decoded in part, kept by the handle between fetches (one:
 * db->partial, under db->lock; a call takes it out while it works, so
 * two threads never share one). A check prints every advisory of a
 * crate, and one crate's advisories often share a block: the second
 * fetch resumes the decoder where the first one stopped (or finds its
 * record already decoded) instead of decoding the block's start again;
 * a fetch from another block reuses the buffer and the context (their
 * pages are already touched). The frame is named by where it lies in
 * the map, which never moves and whose bytes never change while the
 * handle is open (db.c: the file is never written in place); a frame
 * decodes to the same bytes however often it is decoded, so a resumed
 * decode gives what a fresh one would. A decode that fails is never
 * kept.
 */
struct db_partial {
	const void *src;             /* the frame: where, how long */
	size_t src_len;
	int with_dict;
	ZSTD_DCtx *dctx;             /* mid-frame; NULL once complete */
	uint8_t *buf;                /* cap bytes, the first pos decoded */
	size_t cap, size, pos;       /* size: the frame's content size */
	ZSTD_inBuffer in;            /* fed to zstd (size), read (pos) */
	size_t next;                 /* the input zstd asked for next */
	int complete;                /* the whole frame is in buf */
};

void db_partial_free(db_partial *p)
{
	if (!p)
		return;
	ZSTD_freeDCtx(p->dctx);
	free(p->buf);
	free(p);
}

void db_inflate_done(advdb *db, db_partial *p)
{
	db_partial *old;

	if (!p)
		return;
	if (p->cap > DB_PARTIAL_MAX) {     /* not worth keeping that much */
		db_partial_free(p);
		return;
	}
	pthread_mutex_lock(&db->lock);
	old = db->partial;
	db->partial = p;
	pthread_mutex_unlock(&db->lock);
	db_partial_free(old);
}

/* A streaming decode writes through a window buffer of zstd's own
 * (as large as the frame) and copies each block on to ours: twice the
 * memory touched, and on a one-shot check most of the extra is page
 * faults (tokio@1.18.3: 111 -> 94 faults, ~15% of the process's CPU).
 * With ZSTD_d_stableOutBuffer zstd decodes straight into our buffer,
 * which stays the same (p->buf, p->size) for the whole frame and whose
 * position only zstd moves: the parameter's contract. Set after every
 * dctx_ready (whose reset clears parameters); where it cannot be (another
 * libzstd, or it refuses), the decode stays buffered. */
static void stream_ready(ZSTD_DCtx *dctx)
{
	if (ZSTD_versionNumber() == ZSTD_VERSION_NUMBER)
		(void)ZSTD_DCtx_setParameter(dctx, ZSTD_d_stableOutBuffer, 1);
}

/* The handle's partial decode of val's frame: the kept one when it is
 * that frame, else a fresh start (in the kept one's memory when there
 * is one). */
static int partial_start(db_partial **out, advdb *db, const MDB_val *val,
                         int with_dict, const char *what,
                         advdb_error_info *err)
{
	unsigned long long size;
	db_partial *p;
	int rc;

	pthread_mutex_lock(&db->lock);
	p = db->partial;
	db->partial = NULL;
	pthread_mutex_unlock(&db->lock);
	*out = NULL;
	if (p && p->src == val->mv_data && p->src_len == val->mv_size &&
	    p->with_dict == with_dict) {
		*out = p;
		return ADVDB_OK;
	}
	if ((rc = frame_check(&size, db, val, with_dict, what, err)) != 0) {
		db_inflate_done(db, p);      /* still good for its own frame */
		return rc;
	}
	if (!p && !(p = calloc(1, sizeof *p)))
		goto nomem;
	if (p->cap < size) {
		free(p->buf);
		p->cap = 0;
		if (!(p->buf = malloc((size_t)size)))
			goto nomem;
		p->cap = (size_t)size;
	}
	if (dctx_ready(&p->dctx, db, with_dict) != 0)
		goto nomem;
	stream_ready(p->dctx);
	p->src = val->mv_data;
	p->src_len = val->mv_size;
	p->with_dict = with_dict;
	p->size = (size_t)size;
	p->pos = 0;
	p->in.src = val->mv_data;
	p->in.size = 0;
	p->in.pos = 0;
	p->next = 1;
	p->complete = 0;
	*out = p;
	return ADVDB_OK;
nomem:
	db_partial_free(p);
	return db_fail(db, err, ADVDB_ENOMEM, "%s: out of memory", what);
}

/*
 * Block by block, with zstd's streaming API: the frame is fed as zstd
 * asks for it (its return value is the size of what it needs next: the
 * frame header, then one block at a time), so each call decodes one zstd
 * block into our buffer, and after each one `enough` says whether the
 * caller has what it needs. The work saved is the blocks after the one
 * that completes the caller's record (the writer ends a zstd block every
 * BLOCK_FLUSH records), and, through db_partial, the blocks an earlier
 * fetch of the same frame decoded. zstd writes straight into our buffer
 * when stream_ready could set that up, else through its window buffer.
 */
int db_inflate_until(const uint8_t **out, size_t *len, db_partial **hold,
                     advdb *db, const MDB_val *val, int with_dict,
                     const char *what,
                     int (*enough)(const uint8_t *buf, size_t n, void *arg),
                     void *arg, advdb_error_info *err)
{
	db_partial *p;
	int rc, done = 0;
	size_t r, want;
	ZSTD_outBuffer ob;

	*out = NULL;
	*len = 0;
	*hold = NULL;
	if ((rc = partial_start(&p, db, val, with_dict, what, err)) != 0)
		return rc;
	if (p->complete)
		done = 1;
	else if (p->pos > 0 && enough(p->buf, p->pos, arg))
		done = 2;                       /* an earlier fetch decoded it */
	ob.dst = p->buf;
	ob.size = p->size;
	ob.pos = p->pos;
	r = p->next;
	while (!done) {
		size_t in0 = p->in.pos, out0 = ob.pos;

		/* feed what zstd asked for (r), never past the frame */
		want = r < p->src_len - p->in.size ? r : p->src_len - p->in.size;
		p->in.size += want;
		r = ZSTD_decompressStream(p->dctx, &ob, &p->in);
		if (ZSTD_isError(r))
			break;
		if (r == 0) {
			done = 1;                       /* the frame is complete */
			break;
		}
		if (ob.pos > out0 && ob.pos < ob.size &&
		    enough(p->buf, ob.pos, arg))
			done = 2;
		else if (p->in.pos == in0 && ob.pos == out0 &&
		         p->in.size == p->src_len)
			break;                          /* truncated: no progress */
	}
	p->pos = ob.pos;
	p->next = r;
	if (!done || (done == 1 && ob.pos != p->size)) {
		db_partial_free(p);
		return db_fail(db, err, ADVDB_ECORRUPT, "%s: %s: damaged "
		               "compressed block%s%s", db->path, what,
		               ZSTD_isError(r) ? ": " : "",
		               ZSTD_isError(r) ? ZSTD_getErrorName(r) : "");
	}
	if (done == 1 && !p->complete) {
		p->complete = 1;
		dctx_give(db, p->dctx);         /* nothing left for it to do */
		p->dctx = NULL;
	}
	*out = p->buf;
	*len = p->pos;
	*hold = p;
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
	/* the dictionary, if any, is the one dctx_ready referenced */
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
