/*
 * writer_commit.c — writer_commit(): derives every sub-database from the
 * live entries and writes them in one LMDB write transaction into the
 * temporary file beside the target (dbfile.h), which then replaces it.
 *
 * Invariants:
 *   - The digest covers only the live encoded records, in id order, so it
 *     is the same for a full compile and an update of the same content.
 *   - Advisories go in blocks of BLOCK_RECORDS in id order (an update
 *     keeps the previous cuts: see make_groups), aliases in blocks of
 *     ALIAS_BLOCK; a block is cut earlier rather than grow past
 *     BLOCK_BYTES, so none exceeds BLOCK_MAX (writer_add refuses a record
 *     that alone would).
 *   - Keys go in in sorted order with MDB_APPEND: pages are filled, and no
 *     page is ever freed, so the file needs no compaction.
 *   - The target is touched only by the final rename; on any failure the
 *     temporary file goes when the writer is closed. MDB_NOLOCK: no
 *     "-lock" file is created.
 *
 * The digest is OpenSSL's SHA-1 (libcrypto), the git blob id of the
 * stream SCHEMA.md gives.
 */
#include "writer_int.h"
#include "crates.h"
#include "layout.h"
#include "block.h"
#include "le.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>
/* SHA1_Init/Update/Final: deprecated in OpenSSL 3 for EVP, whose first
 * use loads providers and configuration (~10 ms); these call the
 * implementation directly. */
#define OPENSSL_API_COMPAT 10101
#include <openssl/sha.h>
#define ZSTD_STATIC_LINKING_ONLY   /* ZSTD_createCDict_advanced */
#include <zstd.h>
#define ZDICT_STATIC_LINKING_ONLY   /* fixed fastCover parameters */
#include <zdict.h>

static int cmp_id(const void *a, const void *b)
{
	const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
	return strcmp(x->id, y->id);
}

/* live[0..n) in id order. An update's entries are mostly in order
 * already (the previous records as loaded, then the few added): the
 * sorted run at the front is kept, the rest sorted and merged into it,
 * rather than sorting all of them again. 0, or -1 out of memory. */
static int sort_by_id(entry **live, size_t n)
{
	size_t k = 1;

	while (k < n && strcmp(live[k - 1]->id, live[k]->id) < 0)
		k++;
	if (k >= n)
		return 0;
	qsort(live + k, n - k, sizeof(*live), cmp_id);
	entry **run = malloc(k * sizeof(*run));
	if (!run)
		return -1;
	memcpy(run, live, k * sizeof(*run));
	size_t i = 0, j = k, o = 0;
	while (i < k && j < n)
		live[o++] = strcmp(run[i]->id, live[j]->id) <= 0 ? run[i++]
		                                                : live[j++];
	while (i < k)
		live[o++] = run[i++];
	free(run);
	return 0;
}

static int cmp_package(const void *a, const void *b)
{
	const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
	if (x->rec->collection != y->rec->collection)
		return x->rec->collection < y->rec->collection ? -1 : 1;
	int c = strcmp(x->rec->package, y->rec->package);
	return c ? c : strcmp(x->id, y->id);
}

typedef struct alias_pair {
	const char *alias, *id;
} alias_pair;

static int cmp_alias(const void *a, const void *b)
{
	const alias_pair *x = a, *y = b;
	int c = strcmp(x->alias, y->alias);
	return c ? c : strcmp(x->id, y->id);
}

/*
 * The digest: SHA-1, as a git blob id, of the stream
 *   for each live record in id order: u32 LE length, encoded record.
 * Hashed as it goes (no copy of the stream), with OpenSSL's SHA-1, which
 * uses the CPU's SHA instructions: ~1 ms for advdb-db's 1.3 MB, where
 * git_odb_hash's collision-detecting SHA-1 took ~10 (and was the longest
 * branch of an update). The digest names content; it authenticates
 * nothing (the signature covers the file's BLAKE2b).
 */
int wr_digest(char hex[41], entry *const *live, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t total = 0;
	char head[48];
	unsigned char md[SHA_DIGEST_LENGTH];
	SHA_CTX c;

	for (size_t i = 0; i < n; i++)
		total += 4 + (uint64_t)live[i]->enc_len;
	int hl = snprintf(head, sizeof(head), "blob %llu",
	                  (unsigned long long)total);
	if (hl < 0 || (size_t)hl >= sizeof(head) || !SHA1_Init(&c) ||
	    !SHA1_Update(&c, head, (size_t)hl + 1))   /* with its NUL */
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint8_t len[4];
		le32_put(len, (uint32_t)live[i]->enc_len);
		if (!SHA1_Update(&c, len, 4) ||
		    !SHA1_Update(&c, live[i]->enc, live[i]->enc_len))
			return -1;
	}
	if (!SHA1_Final(md, &c))
		return -1;
	for (size_t i = 0; i < SHA_DIGEST_LENGTH; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[40] = 0;
	return 0;
}

/* Whether n records (in blocks of BLOCK_RECORDS) want a dictionary: enough
 * of them to train on, and blocks small enough for it to pay for its own
 * bytes. On advisory-db (SCHEMA.md, Figures) blocks of 32 records (~33 KB)
 * take 139 pages with one and 149 without, 64 (~65 KB) 130 and 131, 128
 * (~130 KB) 124 and 121: past ~64 KB a frame has its own context, and
 * the dictionary costs its 32 KiB and its set-up in every reader that
 * decodes. */
static int dict_pays(entry *const *live, size_t n)
{
	size_t total = 0;

	if (n < DICT_MIN_SAMPLES || DICT_CAP == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		total += blk_item_size(live[i]->enc_len);
	return total / ((n + BLOCK_RECORDS - 1) / BLOCK_RECORDS) < DICT_BLOCK_MAX;
}

/* Train a dictionary on the records; 0 with *dict NULL when it would not
 * pay (dict_pays) or training fails (a dictionary is only an
 * optimisation). -1 only when out of memory. */
static int dict_train(uint8_t **dict, size_t *dict_len,
                      entry *const *live, size_t n)
{
	*dict = NULL;
	*dict_len = 0;
	if (!dict_pays(live, n))
		return 0;
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += live[i]->enc_len;
	uint8_t *samples = malloc(total);
	size_t *sizes = malloc(n * sizeof(*sizes));
	uint8_t *d = malloc(DICT_CAP);
	if (!samples || !sizes || !d) {
		free(samples);
		free(sizes);
		free(d);
		return -1;
	}
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(samples + off, live[i]->enc, live[i]->enc_len);
		sizes[i] = live[i]->enc_len;
		off += live[i]->enc_len;
	}
	/* fixed fastCover parameters: the default trainer's search costs
	 * ~50 ms for no gain on this corpus (measured, SCHEMA.md) */
	ZDICT_fastCover_params_t p;
	memset(&p, 0, sizeof(p));
	p.k = 1000;
	p.d = 8;
	p.f = 16;
	p.accel = 4;
	p.zParams.compressionLevel = ZLEVEL;
	size_t r = ZDICT_trainFromBuffer_fastCover(d, DICT_CAP, samples, sizes,
	                                           (unsigned)n, p);
	free(samples);
	free(sizes);
	if (ZDICT_isError(r) || ZDICT_getDictID(d, r) == 0) {
		free(d);
		return 0;
	}
	*dict = d;
	*dict_len = r;
	return 0;
}

/* A run of live records (in id order) stored as one block. */
typedef struct group {
	size_t first, count;      /* in live[] */
	long reuse;               /* previous block written as it was, or -1 */
	uint8_t *z;               /* new frame (when reuse < 0) */
	size_t zlen;
} group;

/* The end of a block starting at live[i] that would end at j, pulled in
 * so that its items stay within BLOCK_BYTES (one record at least). */
static size_t cut_bytes(entry *const *live, size_t i, size_t j)
{
	size_t k = i + 1, bytes = blk_item_size(live[i]->enc_len);

	while (k < j && bytes + blk_item_size(live[k]->enc_len) <= BLOCK_BYTES)
		bytes += blk_item_size(live[k++]->enc_len);
	return k;
}

/*
 * Cut the live records into blocks. A full compile cuts every
 * BLOCK_RECORDS records. An update keeps the previous cuts (a record goes
 * to the last previous block whose first record is not after it), so a
 * change touches only the blocks it falls in and every other block keeps
 * its frame; a block grown past BLOCK_RECORDS_MAX is cut again every
 * BLOCK_RECORDS records. Either way a block ends before BLOCK_BYTES.
 */
static int make_groups(group **out, size_t *ngroups, writer *w,
                       entry *const *live, size_t n, int reuse)
{
	group *g = malloc((n ? n : 1) * sizeof(*g));
	size_t ng = 0;

	*out = NULL;
	*ngroups = 0;
	if (!g)
		return -1;
	/* first record of each previous block, for the cuts */
	const char **cut = NULL;
	size_t ncut = 0;
	if (reuse && w->npblk) {
		cut = malloc(w->npblk * sizeof(*cut));
		if (!cut) {
			free(g);
			return -1;
		}
		for (size_t i = 0; i < w->n; i++)
			if (w->v[i].from_prev && w->v[i].pblock >= 0 &&
			    (size_t)w->v[i].pblock == ncut) {
				cut[ncut++] = w->v[i].id;
				if (ncut == w->npblk)
					break;
			}
	}
	size_t c = 0;               /* next cut not yet passed */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1, lim = BLOCK_RECORDS;
		if (ncut) {
			/* records up to the next cut after live[i] */
			while (c < ncut && strcmp(cut[c], live[i]->id) <= 0)
				c++;
			while (j < n &&
			       (c == ncut || strcmp(live[j]->id, cut[c]) < 0))
				j++;
			if (j - i > BLOCK_RECORDS_MAX)   /* grown: cut it again */
				j = i + lim;
		} else {
			while (j < n && j - i < lim)
				j++;
		}
		j = cut_bytes(live, i, j);
		g[ng] = (group){ i, j - i, -1, NULL, 0 };
		/* unchanged: exactly the previous block's records */
		long pb = live[i]->pblock;
		if (reuse && pb >= 0 && w->pblk[pb].count == j - i) {
			size_t k = i;
			while (k < j && live[k]->from_prev && live[k]->pblock == pb)
				k++;
			if (k == j)
				g[ng].reuse = pb;
		}
		ng++;
		i = j;
	}
	free(cut);
	*out = g;
	*ngroups = ng;
	return 0;
}

static void free_groups(group *g, size_t ng)
{
	for (size_t i = 0; g && i < ng; i++)
		free(g[i].z);
	free(g);
}

#ifndef ZTHREADS
#define ZTHREADS 2                /* compressing threads (1 or 2) */
#endif

/* One thread's share of the blocks to compress: the t-th block to
 * compress when t % nparts == part. The CDict is shared (read-only once
 * made). */
typedef struct zjob {
	group *g;
	size_t ng, part, nparts, bufcap;
	entry *const *live;
	const ZSTD_CDict *cdict;
	int level, rc;
} zjob;

static void *zjob_run(void *arg)
{
	zjob *j = arg;
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	uint8_t *buf = malloc(j->bufcap ? j->bufcap : 1);
	group *g = j->g;
	entry *const *live = j->live;

	j->rc = -1;
	if (!cctx || !buf)
		goto done;
	if (j->cdict ? ZSTD_isError(ZSTD_CCtx_refCDict(cctx, j->cdict)) :
	    ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel,
	                                        j->level)))
		goto done;
	/* The whole block is in buf and its frame fits in z: zstd reads and
	 * writes them in place, without its own window-sized copy of the
	 * input and of the output (a third of an update's page faults were
	 * those buffers and the tables). */
	if (ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_stableInBuffer, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_stableOutBuffer, 1)))
		goto done;
	for (size_t i = 0, t = 0; i < j->ng; i++) {
		if (g[i].reuse >= 0 || t++ % j->nparts != j->part)
			continue;
		size_t len = 0;
		for (size_t k = g[i].first; k < g[i].first + g[i].count; k++)
			len += blk_item_put(buf + len, live[k]->enc, live[k]->enc_len);
		/* each flush ends a zstd block: a few bytes of headers each */
		size_t cap = ZSTD_compressBound(len) + 64 +
		             16 * (g[i].count / BLOCK_FLUSH + 1);
		uint8_t *z = malloc(cap);
		if (!z)
			goto done;
		g[i].z = z;
		if (ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(cctx, len)))
			goto done;
		ZSTD_outBuffer out = { z, cap, 0 };
		/* stable input: one buffer whose size grows by a flush's worth */
		ZSTD_inBuffer in = { buf, 0, 0 };
		for (size_t k = 0; k < g[i].count; k += BLOCK_FLUSH) {
			size_t to = in.size;
			for (size_t x = k; x < k + BLOCK_FLUSH && x < g[i].count; x++)
				to += blk_item_size(live[g[i].first + x]->enc_len);
			int last = to == len;
			in.size = to;
			size_t r;
			do
				r = ZSTD_compressStream2(cctx, &out, &in,
				                         last ? ZSTD_e_end : ZSTD_e_flush);
			while (!ZSTD_isError(r) && r != 0 && out.pos < out.size);
			if (ZSTD_isError(r) || r != 0 || in.pos != in.size)
				goto done;
		}
		g[i].zlen = out.pos;
	}
	j->rc = 0;
done:
	free(buf);
	ZSTD_freeCCtx(cctx);
	return NULL;
}

/* Frames for the blocks that are new or changed: one zstd frame each,
 * with its content size, flushed every BLOCK_FLUSH records so that a
 * reader can stop decoding after the zstd block holding its record. Two
 * threads share the blocks (the compile's budget is a few blocks' worth
 * of level 12; an update's, a few at ZLEVEL_UPDATE). */
static int compress_groups(group *g, size_t ng, entry *const *live,
                           const uint8_t *dict, size_t dict_len, int level)
{
	ZSTD_CDict *cdict = NULL;
	size_t bufcap = 0, total = 0, todo = 0;
	zjob jobs[2];
	pthread_t th;
	int rc = -1, threaded = 0;

	for (size_t i = 0; i < ng; i++) {
		if (g[i].reuse >= 0)
			continue;
		size_t sz = 0;
		for (size_t k = g[i].first; k < g[i].first + g[i].count; k++)
			sz += blk_item_size(live[k]->enc_len);
		if (sz > BLOCK_MAX)
			return -1;
		total += sz;
		todo++;
		if (sz > bufcap)
			bufcap = sz;
	}
	if (!todo)
		return 0;
	if (dict_len) {
		/* tables sized for one block of about the mean size, not for
		 * an input of unknown size (~16 MB of them) */
		ZSTD_compressionParameters cp =
		    ZSTD_getCParams(level, total / todo + 1, dict_len);
		cdict = ZSTD_createCDict_advanced(dict, dict_len,
		                                  ZSTD_dlm_byRef, ZSTD_dct_auto, cp,
		                                  ZSTD_defaultCMem);
		if (!cdict)
			return -1;
	}
	size_t nparts = todo > 1 && ZTHREADS > 1 ? 2 : 1;
	for (size_t p = 0; p < nparts; p++)
		jobs[p] = (zjob){ g, ng, p, nparts, bufcap, live, cdict, level, -1 };
	if (nparts == 2 && pthread_create(&th, NULL, zjob_run, &jobs[1]) == 0)
		threaded = 1;
	zjob_run(&jobs[0]);
	if (threaded)
		pthread_join(th, NULL);
	else if (nparts == 2)
		zjob_run(&jobs[1]);
	rc = jobs[0].rc == 0 && (nparts == 1 || jobs[1].rc == 0) ? 0 : -1;
	ZSTD_freeCDict(cdict);
	return rc;
}

typedef struct wctx {
	MDB_txn *txn;
	int mrc;                  /* first LMDB error */
	size_t bytes;             /* payload written, for the map size */
} wctx;

static void put(wctx *c, MDB_dbi dbi, const void *k, size_t kl,
                const void *v, size_t vl, unsigned flags)
{
	MDB_val key = { kl, (void *)k }, val = { vl, (void *)v };
	if (c->mrc)
		return;
	c->mrc = mdb_put(c->txn, dbi, &key, &val, flags);
}

static void put_meta(wctx *c, MDB_dbi dbi, const char *key, const char *val)
{
	put(c, dbi, key, strlen(key), val, strlen(val), 0);
}

static void put_meta_u64(wctx *c, MDB_dbi dbi, const char *key, int64_t x)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)x);
	put_meta(c, dbi, key, buf);
}

static int64_t compile_time(void)
{
	/* reproducible builds: https://reproducible-builds.org/specs/ */
	const char *s = getenv("SOURCE_DATE_EPOCH");
	uint64_t x;
	if (s && wr_parse_u64(s, &x) == 0 && x < (1ull << 62))
		return (int64_t)x;
	return (int64_t)time(NULL);
}

static int cmp_source(const void *a, const void *b)
{
	return strcmp(((const source_info *)a)->name,
	              ((const source_info *)b)->name);
}

/* A value made before the write transaction, put by write_db: a hot
 * record (its package name the key) or an alias block (its first alias).
 * The key points into a live entry's record. */
typedef struct kv {
	const char *key;
	uint8_t *val;
	size_t len;
	int toolchain;            /* a hot record of the rust collection */
} kv;

typedef struct kvlist {
	kv *v;
	size_t n, cap;
} kvlist;

static int kv_push(kvlist *l, const char *key, uint8_t *val, size_t len,
                   int toolchain)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		kv *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (kv){ key, val, len, toolchain };
	return 0;
}

static void kv_free(kvlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].val);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The hot records, in key order per collection; counts the crates
 * collection's keys. 0 or -1 (out of memory). */
static int build_hot(kvlist *out, entry *const *live, size_t n,
                     size_t *npackages)
{
	entry **byp = malloc((n ? n : 1) * sizeof(*byp));
	const adv_record **recs = malloc((n ? n : 1) * sizeof(*recs));
	int rc = -1;

	*npackages = 0;
	if (!byp || !recs)
		goto done;
	memcpy(byp, live, n * sizeof(*byp));
	qsort(byp, n, sizeof(*byp), cmp_package);
	for (size_t i = 0; i < n;) {
		size_t j = i, k = 0;
		const adv_record *first = byp[i]->rec;
		while (j < n && byp[j]->rec->collection == first->collection &&
		       strcmp(byp[j]->rec->package, first->package) == 0)
			recs[k++] = byp[j++]->rec;
		uint8_t *hot;
		size_t hl;
		if (hot_encode(recs, k, &hot, &hl) < 0)
			goto done;
		int crates = first->collection != ADV_RUST;
		if (kv_push(out, first->package, hot, hl, !crates) < 0) {
			free(hot);
			goto done;
		}
		if (crates)
			(*npackages)++;
		i = j;
	}
	rc = 0;
done:
	free(recs);
	free(byp);
	return rc;
}

/* The previous index's alias blocks, for build_aliases: a block made
 * with the same key and the same bytes as one of them takes its frame
 * instead of being compressed again. */
typedef struct alias_prev {
	const prev_alias *v;
	size_t n, next;           /* both in key order: a forward scan */
} alias_prev;

/* One alias block (len bytes at val, first alias first), compressed, or
 * the previous index's frame of the same bytes. */
static int alias_block(kvlist *out, ZSTD_CCtx *cctx, int level,
                       alias_prev *ap, const char *first,
                       const uint8_t *val, size_t len)
{
	while (ap->next < ap->n && strcmp(ap->v[ap->next].key, first) < 0)
		ap->next++;
	const prev_alias *p = ap->next < ap->n ? &ap->v[ap->next] : NULL;
	if (p && strcmp(p->key, first) == 0 && p->rawlen == len &&
	    memcmp(p->raw, val, len) == 0) {
		uint8_t *z = malloc(p->zlen ? p->zlen : 1);
		if (!z)
			return -1;
		memcpy(z, p->z, p->zlen);
		if (kv_push(out, first, z, p->zlen, 0) < 0) {
			free(z);
			return -1;
		}
		return 0;
	}
	size_t cap = ZSTD_compressBound(len);
	uint8_t *z = malloc(cap);

	if (!z)
		return -1;
	size_t r = ZSTD_compressCCtx(cctx, z, cap, val, len, level);
	if (ZSTD_isError(r) || kv_push(out, first, z, r, 0) < 0) {
		free(z);
		return -1;
	}
	return 0;
}

/* Aliases in blocks of ALIAS_BLOCK (fewer when they would pass
 * BLOCK_BYTES), keyed by their first alias. They are few and small, so
 * every commit makes them all from the records; only a block whose bytes
 * differ from the previous index's block of the same key is compressed
 * (an update of a few advisories changes one or two of them). */
static int build_aliases(kvlist *out, entry *const *live, size_t n,
                         int level, alias_prev *ap, size_t *naliases)
{
	size_t np = 0;
	for (size_t i = 0; i < n; i++)
		np += live[i]->rec->aliases.n;
	alias_pair *v = malloc((np ? np : 1) * sizeof(*v));
	const char **ids = malloc((np ? np : 1) * sizeof(*ids));
	uint8_t *val = NULL;
	size_t valcap = 0, len = 0, inblock = 0;
	const char *first = NULL;
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	int rc = -1;
	if (!v || !ids || !cctx)
		goto done;
	np = 0;
	for (size_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < live[i]->rec->aliases.n; j++) {
			const char *a = live[i]->rec->aliases.v[j];
			/* writer_add and record_decode keep aliases to 1..ADV_ID_MAX */
			assert(*a && strlen(a) <= ADV_ID_MAX);
			v[np++] = (alias_pair){ a, live[i]->id };
		}
	qsort(v, np, sizeof(*v), cmp_alias);
	*naliases = 0;
	for (size_t i = 0; i < np;) {
		size_t j, nids = 0;
		for (j = i; j < np && strcmp(v[j].alias, v[i].alias) == 0; j++)
			if (j == i || strcmp(v[j].id, v[j - 1].id) != 0)
				ids[nids++] = v[j].id;   /* an alias listed twice by
				                            one advisory counts once */
		if (nids > ALIAS_IDS_MAX)
			nids = ALIAS_IDS_MAX;   /* the format's cap: the first ids
			                           (README, Limits) */
		size_t al = strlen(v[i].alias);
		size_t need = alias_item_size(al, ids, nids);
		if (inblock && len + need > BLOCK_BYTES) {
			if (alias_block(out, cctx, level, ap, first, val, len) < 0)
				goto done;
			len = 0;
			inblock = 0;
		}
		if (len + need > valcap) {
			size_t nc = (len + need) * 2;
			uint8_t *nv = realloc(val, nc);
			if (!nv)
				goto done;
			val = nv;
			valcap = nc;
		}
		if (!inblock)
			first = v[i].alias;
		len += alias_item_put(val + len, v[i].alias, al, ids, nids);
		inblock++;
		(*naliases)++;
		i = j;
		if (inblock == ALIAS_BLOCK || i == np) {
			if (alias_block(out, cctx, level, ap, first, val, len) < 0)
				goto done;
			len = 0;
			inblock = 0;
		}
	}
	rc = 0;
done:
	ZSTD_freeCCtx(cctx);
	free(val);
	free(ids);
	free(v);
	return rc;
}

/* Why LMDB could not map mapsize bytes for the new index (ENOMEM). */
static void map_error(const writer *w, size_t mapsize, char *err,
                      size_t errcap)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		errbuf_set(err, errcap, "%s: cannot map %zu MiB of address space "
		          "for the new index: the address-space limit (ulimit -v) "
		          "is %llu MiB", w->file.path, mapsize >> 20,
		          (unsigned long long)(rl.rlim_cur >> 20));
	else
		errbuf_set(err, errcap, "%s: cannot map %zu MiB of address space "
		          "for the new index: refused by the system (memory "
		          "overcommit or vm.max_map_count)", w->file.path,
		          mapsize >> 20);
}

/* Every sub-database of the table (layout.h): each exists in every
 * index, empty when nothing fills it. 0 or an LMDB error. */
static int open_dbs(MDB_txn *txn, MDB_dbi dbi[DBI_COUNT])
{
	int e = 0;

	for (int id = 0; id < DBI_COUNT && e == 0; id++) {
		/* a row filled from an input of its own (DB_BY_INPUT) has its
		 * writer code: `crates` in writer_crates.c, put below */
		assert(id == DBI_CRATES || db_specs[id].filled_by != DB_BY_INPUT);
		e = mdb_dbi_open(txn, db_name((db_id)id), MDB_CREATE, &dbi[id]);
	}
	return e;
}

/* Write the whole index into the writer's temporary file. */
static int write_db(writer *w, entry **live, size_t n, const group *g,
                    size_t ng, const char *digest, const kvlist *hot,
                    size_t npk, const kvlist *aliases, size_t nal,
                    const uint8_t *dict, size_t dict_len, unsigned dict_id,
                    writer_stats *st, char *err, size_t errcap)
{
	MDB_env *env = NULL;
	wctx c = {0};
	MDB_dbi dbi[DBI_COUNT];
	size_t est = dict_len + (1u << 20);
	int rc = -1, e;

	for (size_t i = 0; i < n; i++)
		est += live[i]->enc_len / 2 + 256;
	uint64_t crate_versions = 0;
	if (w->crates_on && wr_crates_final(w, &crate_versions) < 0)
		goto oom;
	for (size_t i = 0; i < w->ncr; i++)   /* a leaf node per key */
		est += w->cr[i].len + strlen(w->cr[i].name) + 64;
	size_t mapsize = est * 4 + (16u << 20);
	/* Our own file, made beside the target (dbfile.h); LMDB then opens
	 * it by name, which in a sticky folder nobody else can swap. */
	if (dbfile_create(&w->file, err, errcap) < 0)
		return -1;
	if ((e = mdb_env_create(&env)) != 0 ||
	    (e = mdb_env_set_maxdbs(env, DB_MAXDBS)) != 0 ||
	    (e = mdb_env_set_mapsize(env, mapsize)) != 0 ||
	    (e = mdb_env_open(env, w->file.tmp, MDB_NOSUBDIR | MDB_NOLOCK |
	                      MDB_NOSYNC, 0600)) != 0 ||
	    (e = mdb_txn_begin(env, NULL, 0, &c.txn)) != 0 ||
	    (e = open_dbs(c.txn, dbi)) != 0) {
		if (e == ENOMEM)
			map_error(w, mapsize, err, errcap);
		else
			dbfile_write_error(&w->file, e, err, errcap);
		goto done;
	}

	/* advisory blocks, keyed by their first id (live is sorted by id) */
	for (size_t i = 0; i < ng; i++) {
		const char *k = live[g[i].first]->id;
		assert(i == 0 || (g[i].first == g[i - 1].first + g[i - 1].count &&
		                  strcmp(live[g[i - 1].first]->id, k) < 0));
		if (g[i].reuse >= 0)
			put(&c, dbi[DBI_ADVISORIES], k, strlen(k),
			    w->pblk[g[i].reuse].z, w->pblk[g[i].reuse].zlen,
			    MDB_APPEND);
		else
			put(&c, dbi[DBI_ADVISORIES], k, strlen(k), g[i].z,
			    g[i].zlen, MDB_APPEND);
	}

	/* MDB_APPEND: build_hot and build_aliases made them in key order */
	for (size_t i = 0; i < hot->n; i++)
		put(&c, dbi[hot->v[i].toolchain ? DBI_TOOLCHAIN : DBI_PACKAGES],
		    hot->v[i].key, strlen(hot->v[i].key), hot->v[i].val,
		    hot->v[i].len, MDB_APPEND);
	for (size_t i = 0; i < aliases->n; i++)
		put(&c, dbi[DBI_ALIASES], aliases->v[i].key,
		    strlen(aliases->v[i].key), aliases->v[i].val, aliases->v[i].len,
		    MDB_APPEND);

	MDB_dbi meta = dbi[DBI_META];
	if (w->crates_on) {   /* writer_crates.c: sorted, one per name */
		crates_meta cm;
		char cmtext[CRATES_META_MAX];
		for (size_t i = 0; i < w->ncr; i++)
			put(&c, dbi[DBI_CRATES], w->cr[i].name, strlen(w->cr[i].name),
			    w->cr[i].rec, w->cr[i].len, MDB_APPEND);
		memcpy(cm.commit, w->crates_commit, sizeof(cm.commit));
		cm.time = w->crates_time;
		cm.crates = w->ncr;
		cm.versions = crate_versions;
		cm.bad = w->crates_bad;
		if (crates_meta_format(cmtext, &cm) == 0)
			goto oom;
		put_meta(&c, meta, META_CRATES_INDEX, cmtext);
	}
	put_meta(&c, meta, META_MAGIC, ADVDB_MAGIC);
	put_meta_u64(&c, meta, META_SCHEMA, ADVDB_SCHEMA_VERSION);
	qsort(w->src, w->nsrc, sizeof(w->src[0]), cmp_source);
	char srcs[SOURCES_MAX * (SOURCE_NAME_MAX + 64)];
	size_t off = 0;
	srcs[0] = 0;
	for (size_t i = 0; i < w->nsrc; i++) {
		int k = snprintf(srcs + off, sizeof(srcs) - off, "%s %s %lld\n",
		                 w->src[i].name, w->src[i].commit,
		                 (long long)w->src[i].time);
		if (k < 0 || (size_t)k >= sizeof(srcs) - off)
			goto oom;
		off += (size_t)k;
	}
	put_meta(&c, meta, META_SOURCES, srcs);
	if (w->nsrc) {   /* the primary source: rustsec, else the first by
	                    name (an index of imported OSV sources only) */
		const source_info *p = &w->src[0];
		for (size_t i = 0; i < w->nsrc; i++)
			if (!strcmp(w->src[i].name, "rustsec"))
				p = &w->src[i];
		put_meta(&c, meta, META_SOURCE_NAME, p->name);
		put_meta(&c, meta, META_COMMIT, p->commit);
		put_meta_u64(&c, meta, META_COMMIT_TIME, p->time);
		if (p->has_tz) {
			char tz[16];
			snprintf(tz, sizeof tz, "%d", (int)p->tz);
			put_meta(&c, meta, META_COMMIT_TZ, tz);
		}
	}
	put_meta_u64(&c, meta, META_COMPILE_TIME, compile_time());
	put_meta_u64(&c, meta, META_N_ADVISORIES, (int64_t)n);
	put_meta_u64(&c, meta, META_N_PACKAGES, (int64_t)npk);
	put_meta(&c, meta, META_DIGEST, digest);
	put_meta_u64(&c, meta, META_DICT_ID, dict_id);
	if (dict_len)
		put(&c, meta, META_DICT, strlen(META_DICT), dict, dict_len, 0);
	put_meta(&c, meta, META_HISTORY, w->history ? "1" : "0");
	uint8_t *skipped = NULL;            /* writer_skip.c */
	size_t skipped_len = 0;
	if (wr_skip_encode(w, &skipped, &skipped_len) < 0)
		goto oom;
	if (skipped)
		put(&c, meta, META_SKIPPED, strlen(META_SKIPPED), skipped,
		    skipped_len, 0);
	free(skipped);

	if (c.mrc) {
		if (c.mrc == MDB_MAP_FULL)   /* the estimate above was wrong */
			errbuf_set(err, errcap, "%s: the new index outgrew its map of "
			          "%zu MiB (a bug: please report it)", w->file.path,
			          mapsize >> 20);
		else
			dbfile_write_error(&w->file, c.mrc, err, errcap);
		goto done;
	}
	/* MDB_NOSYNC: LMDB's own syncs (commit ordering) protect a file that
	 * others may open mid-write; nobody opens this one before the rename,
	 * and writer_commit fsyncs it once, whole, before that. */
	e = mdb_txn_commit(c.txn);
	c.txn = NULL;
	if (e) {
		dbfile_write_error(&w->file, e, err, errcap);
		goto done;
	}
	if (st) {
		st->advisories = n;
		st->packages = npk;
		st->aliases = nal;
	}
	rc = 0;
	goto done;
oom:
	errbuf_set(err, errcap, "%s: out of memory", w->file.path);
done:
	if (c.txn)
		mdb_txn_abort(c.txn);
	if (env)
		mdb_env_close(env);
	return rc;
}

/* The digest, the hot records and the alias blocks are made on a
 * second core while the advisory frames are compressed: all of them
 * only read the entries. */
typedef struct side_job {
	entry *const *live;
	size_t n;
	alias_prev ap;            /* the previous index's alias blocks */
	int level;                /* of the alias blocks */
	int rc;
	char hex[41];
	kvlist hot, aliases;
	size_t npk, nal;
} side_job;

static void *side_run(void *arg)
{
	side_job *j = arg;
	j->rc = wr_digest(j->hex, j->live, j->n) < 0 ||
	        build_hot(&j->hot, j->live, j->n, &j->npk) < 0 ||
	        build_aliases(&j->aliases, j->live, j->n, j->level, &j->ap,
	                      &j->nal) < 0
	        ? -1 : 0;
	return NULL;
}

int writer_commit(writer *w, writer_stats *st, char *err, size_t errcap)
{
	entry **live = NULL;
	group *groups = NULL;
	size_t ngroups = 0;
	uint8_t *newdict = NULL;
	size_t n = 0, newdict_len = 0;
	char digest[41];
	struct stat sb;
	side_job sj;
	pthread_t sth;
	int sthread = 0, rc = -1;

	memset(&sj, 0, sizeof(sj));
	if (st)
		memset(st, 0, sizeof(*st));
	if (w->finished) {
		errbuf_set(err, errcap, "%s: writer already committed",
		          w->file.path);
		return -1;
	}
	w->finished = 1;
	live = malloc((w->n ? w->n : 1) * sizeof(*live));
	if (!live)
		goto oom;
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].alive)
			live[n++] = &w->v[i];
	if (sort_by_id(live, n) < 0)
		goto oom;
	/* An update keeps the previous dictionary (and so every unchanged
	 * frame) unless it had none and one would now pay (dict_pays). */
	const uint8_t *dict;
	size_t dict_len;
	int reuse = w->have_prev && (w->dict_len || !dict_pays(live, n));
	/* An update recompresses the blocks it touched, and the alias
	 * blocks, at ZLEVEL_UPDATE (2): the bench's update of 10 advisories
	 * spent ~40 % of its CPU at level 12, ~20 % at 6 (SCHEMA.md,
	 * Figures); the file is ~3 % bigger until the next full compile. */
	int level = reuse ? ZLEVEL_UPDATE : ZLEVEL;
	sj.live = live;
	sj.n = n;
	sj.ap = (alias_prev){ w->palias, w->npalias, 0 };
	sj.level = level;
	sj.rc = -1;
	if (pthread_create(&sth, NULL, side_run, &sj) == 0)
		sthread = 1;
	else
		side_run(&sj);
	if (reuse) {
		dict = w->dict;
		dict_len = w->dict_len;
	} else {
		if (dict_train(&newdict, &newdict_len, live, n) < 0)
			goto oom;
		dict = newdict;
		dict_len = newdict_len;
	}
	unsigned dict_id = dict_len ? ZDICT_getDictID(dict, dict_len) : 0;
	if (make_groups(&groups, &ngroups, w, live, n, reuse) < 0)
		goto oom;
	if (compress_groups(groups, ngroups, live, dict, dict_len, level) < 0)
		goto oom;
	if (sthread) {
		pthread_join(sth, NULL);
		sthread = 0;
	}
	if (sj.rc < 0)
		goto oom;   /* the digest, hot records or aliases */
	memcpy(digest, sj.hex, sizeof(digest));
	if (write_db(w, live, n, groups, ngroups, digest, &sj.hot, sj.npk,
	             &sj.aliases, sj.nal, dict, dict_len, dict_id, st, err,
	             errcap) < 0)
		goto done;
	if (fstat(w->file.fd, &sb) < 0) {
		errbuf_set(err, errcap, "%s: %s", w->file.tmp, strerror(errno));
		goto done;
	}
	if (wr_put_in_place(w, st, err, errcap) < 0)
		goto done;
	w->committed = 1;
	if (st) {
		st->db_bytes = (uint64_t)sb.st_size;
		memcpy(st->digest, digest, 41);
	}
	rc = 0;
	goto done;
oom:
	errbuf_set(err, errcap, "%s: out of memory", w->file.path);
done:
	if (sthread)
		pthread_join(sth, NULL);
	kv_free(&sj.hot);
	kv_free(&sj.aliases);
	free_groups(groups, ngroups);
	free(newdict);
	free(live);
	return rc;
}
