/*
 * writer.c — builds the LMDB index (writer.h, layout.h, SCHEMA.md).
 *
 * Everything is kept in memory until writer_commit(), which derives every
 * sub-database from the set of live entries and writes them in one write
 * transaction into "<target>.tmp.<pid>", then syncs and renames it over
 * the target. The DB file is therefore a pure function of the entries, the
 * sources, the dictionary and the compile time.
 *
 * Invariants:
 *   - An entry owns its encoded record (enc), a decoded copy (rec, made by
 *     record_decode from enc, so enc == record_encode(rec)), and possibly
 *     the zstd frame of enc from a previous DB (zf), valid only under the
 *     previous dictionary (w->dict).
 *   - At most one live entry per id and per (source, path). Replaced and
 *     removed entries stay in the array, dead, until the writer is closed:
 *     the maps skip dead entries; the previous DB's blob ids stay readable.
 *   - The digest covers only the live encoded records, in id order, so it
 *     is the same for a full compile and an update of the same content.
 *   - The target is touched only by the final rename; on any failure the
 *     temporary file is unlinked. MDB_NOLOCK: no "-lock" file is created.
 *
 * libgit2: writer_commit() calls git_libgit2_init()/git_libgit2_shutdown()
 * around its one use (git_odb_hash); both are reference counted, so a
 * caller that holds its own init is unaffected.
 */
#include "writer.h"
#include "layout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <lmdb.h>
#include <zstd.h>
#define ZDICT_STATIC_LINKING_ONLY   /* fixed fastCover parameters */
#include <zdict.h>

#ifndef ZLEVEL
#define ZLEVEL 9                  /* measured: see SCHEMA.md, Figures */
#endif
#ifndef DICT_CAP
#define DICT_CAP (16u << 10)      /* trained dictionary size (measured) */
#endif
#define DICT_MIN_SAMPLES 64       /* fewer records: no dictionary */
#define FRAME_MAX (64u << 20)     /* largest decompressed record accepted */
#define SOURCE_NAME_MAX 64
#define SOURCES_MAX 16

typedef struct entry {
	char *key;                /* "<source>:<path>", the sources DB key */
	const char *id;           /* inside rec */
	uint8_t blob[20];
	int has_blob;
	int alive;
	int from_prev;            /* loaded by writer_load_previous */
	uint8_t *enc;             /* encoded full record */
	size_t enc_len;
	adv_record *rec;          /* decoded from enc */
	uint8_t *zf;              /* frame of enc (previous dict), or NULL */
	size_t zlen;
} entry;

typedef struct strmap {       /* open addressing, values: entry index + 1 */
	uint32_t *slot;
	size_t cap, used;
} strmap;

typedef struct source_info {
	char name[SOURCE_NAME_MAX + 1];
	char commit[41];
	int64_t time;
} source_info;

struct writer {
	char *target, *tmp;
	entry *v;
	size_t n, cap;
	strmap by_id, by_key;
	source_info src[SOURCES_MAX];
	size_t nsrc;
	uint8_t *dict;            /* previous DB's dictionary (update) */
	size_t dict_len;
	int have_prev;            /* entries came from a previous DB */
	int history;
	int finished;             /* writer_commit ran */
	int committed;            /* ... and renamed the file into place */
};

static void seterr(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (!err || !cap)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		snprintf(err, cap, "writer: error");
}

/* ---- string -> entry maps ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static const char *map_key(const writer *w, const strmap *m, uint32_t i)
{
	return m == &w->by_id ? w->v[i].id : w->v[i].key;
}

static int map_insert(writer *w, strmap *m, size_t idx);

static int map_grow(writer *w, strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	uint32_t *old = m->slot;
	size_t oldcap = m->cap;

	m->slot = calloc(cap, sizeof(*m->slot));
	if (!m->slot) {
		m->slot = old;
		return -1;
	}
	m->cap = cap;
	m->used = 0;
	for (size_t i = 0; i < oldcap; i++)   /* dead entries are dropped */
		if (old[i] && w->v[old[i] - 1].alive)
			map_insert(w, m, old[i] - 1);
	free(old);
	return 0;
}

static int map_insert(writer *w, strmap *m, size_t idx)
{
	if ((m->used + 1) * 2 > m->cap && map_grow(w, m) < 0)
		return -1;
	size_t mask = m->cap - 1;
	size_t i = (size_t)hash_str(map_key(w, m, (uint32_t)idx)) & mask;
	while (m->slot[i])
		i = (i + 1) & mask;
	m->slot[i] = (uint32_t)idx + 1;
	m->used++;
	return 0;
}

/* The entry with this key: alive ones, or (want_prev) one from the
 * previous DB, dead or alive. -1 when none. */
static long map_find(const writer *w, const strmap *m, const char *key,
                     int want_prev)
{
	if (!m->cap)
		return -1;
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)hash_str(key) & mask; m->slot[i];
	     i = (i + 1) & mask) {
		uint32_t e = m->slot[i] - 1;
		const entry *x = &w->v[e];
		int ok = want_prev ? x->from_prev : x->alive;
		if (ok && strcmp(map_key(w, m, e), key) == 0)
			return (long)e;
	}
	return -1;
}

/* ---- entries ---- */

static char *make_key(const char *source, const char *path)
{
	size_t a = strlen(source), b = strlen(path);
	char *k = malloc(a + b + 2);
	if (!k)
		return NULL;
	memcpy(k, source, a);
	k[a] = ':';
	memcpy(k + a + 1, path, b + 1);
	return k;
}

static void entry_free(entry *e)
{
	free(e->key);
	free(e->enc);
	record_free(e->rec);
	free(e->zf);
	memset(e, 0, sizeof(*e));
}

static void drop_all(writer *w)
{
	for (size_t i = 0; i < w->n; i++)
		entry_free(&w->v[i]);
	free(w->v);
	free(w->by_id.slot);
	free(w->by_key.slot);
	free(w->dict);
	w->v = NULL;
	w->n = w->cap = 0;
	memset(&w->by_id, 0, sizeof(w->by_id));
	memset(&w->by_key, 0, sizeof(w->by_key));
	w->dict = NULL;
	w->dict_len = 0;
	w->have_prev = 0;
	w->nsrc = 0;
}

/* Take ownership of e (enc, rec, key, zf) as a new live entry. */
static int entry_push(writer *w, entry *e)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		if (cap > UINT32_MAX / 2)
			return -1;
		entry *v = realloc(w->v, cap * sizeof(*v));
		if (!v)
			return -1;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n] = *e;
	w->v[w->n].alive = 1;
	if (map_insert(w, &w->by_id, w->n) < 0 ||
	    map_insert(w, &w->by_key, w->n) < 0) {
		/* the maps may hold the index: keep it, but dead */
		w->v[w->n].alive = 0;
		w->n++;
		return -1;
	}
	w->n++;
	memset(e, 0, sizeof(*e));
	return 0;
}

int writer_open(writer **out, const char *target, char *err, size_t errcap)
{
	*out = NULL;
	if (!target || !*target) {
		seterr(err, errcap, "writer: no output path");
		return -1;
	}
	writer *w = calloc(1, sizeof(*w));
	if (!w)
		goto oom;
	size_t n = strlen(target);
	w->target = strdup(target);
	w->tmp = malloc(n + 32);
	if (!w->target || !w->tmp)
		goto oom;
	int k = snprintf(w->tmp, n + 32, "%s.tmp.%ld", target, (long)getpid());
	if (k < 0 || (size_t)k >= n + 32)
		goto oom;
	*out = w;
	return 0;
oom:
	if (w) {
		free(w->target);
		free(w->tmp);
		free(w);
	}
	seterr(err, errcap, "%s: out of memory", target);
	return -1;
}

int writer_set_history(writer *w, int on)
{
	w->history = on ? 1 : 0;
	return 0;
}

static source_info *source_slot(writer *w, const char *name, int create)
{
	for (size_t i = 0; i < w->nsrc; i++)
		if (strcmp(w->src[i].name, name) == 0)
			return &w->src[i];
	if (!create || w->nsrc == SOURCES_MAX || strlen(name) > SOURCE_NAME_MAX)
		return NULL;
	source_info *s = &w->src[w->nsrc++];
	memset(s, 0, sizeof(*s));
	strcpy(s->name, name);
	return s;
}

static int is_hex40(const char *s)
{
	for (int i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[40] == 0;
}

int writer_set_source(writer *w, const char *source, const char *commit,
                      int64_t commit_time)
{
	if (!source || !*source || strpbrk(source, " :\n") || !commit ||
	    strlen(commit) != 40 || !is_hex40(commit))
		return -1;
	source_info *s = source_slot(w, source, 1);
	if (!s)
		return -1;
	memcpy(s->commit, commit, 41);
	s->time = commit_time;
	return 0;
}

int writer_previous_blob(writer *w, const char *source, const char *path,
                         uint8_t blob[20])
{
	char *key = make_key(source, path);
	if (!key)
		return 0;
	long i = map_find(w, &w->by_key, key, 1);
	free(key);
	if (i < 0 || !w->v[i].has_blob)
		return 0;
	memcpy(blob, w->v[i].blob, 20);
	return 1;
}

int writer_remove(writer *w, const char *source, const char *path)
{
	char *key = make_key(source, path);
	if (!key)
		return -1;
	long i = map_find(w, &w->by_key, key, 0);
	free(key);
	if (i >= 0)
		w->v[i].alive = 0;
	return 0;
}

int writer_add(writer *w, const adv_record *r, const char *source,
               const char *path, const uint8_t blob[20],
               char *err, size_t errcap)
{
	entry e;
	adv_record copy;
	uint8_t *hot;
	size_t hot_len;

	memset(&e, 0, sizeof(e));
	if (w->finished || !r || !source || !path || !*source || !*path ||
	    strpbrk(source, " :\n")) {
		seterr(err, errcap, "%s: bad arguments to writer_add",
		       path ? path : "-");
		return -1;
	}
	if (!r->id || !*r->id || !r->package || !*r->package) {
		seterr(err, errcap, "%s: advisory without id or package", path);
		return -1;
	}
	/* the record names its own file, so a loaded DB knows its entries */
	copy = *r;
	copy.source = source;
	copy.path = path;
	/* everything the hot record needs must fit its caps (ids, os names) */
	const adv_record *one = &copy;
	if (hot_encode(&one, 1, &hot, &hot_len) < 0) {
		seterr(err, errcap, "%s: %s: a field is too long for the index",
		       path, r->id);
		return -1;
	}
	free(hot);
	if (strlen(r->package) > 255) {
		seterr(err, errcap, "%s: package name too long", path);
		return -1;
	}
	if (record_encode(&copy, &e.enc, &e.enc_len) < 0 ||
	    record_decode(&e.rec, e.enc, e.enc_len) < 0) {
		seterr(err, errcap, "%s: %s: cannot encode the record "
		       "(out of memory or a list past its cap)", path, r->id);
		goto fail;
	}
	e.key = make_key(source, path);
	if (!e.key)
		goto oom;
	e.id = e.rec->id;
	if (blob) {
		memcpy(e.blob, blob, 20);
		e.has_blob = 1;
	}
	long same_path = map_find(w, &w->by_key, e.key, 0);
	long same_id = map_find(w, &w->by_id, e.id, 0);
	if (same_id >= 0 && same_id != same_path) {
		seterr(err, errcap, "%s: id %s is already used by %s", path, e.id,
		       strchr(w->v[same_id].key, ':') + 1);
		goto fail;
	}
	if (same_path >= 0)
		w->v[same_path].alive = 0;
	if (entry_push(w, &e) < 0) {
		if (same_path >= 0)
			w->v[same_path].alive = 1;
		goto oom;
	}
	return 0;
oom:
	seterr(err, errcap, "%s: out of memory", path);
fail:
	entry_free(&e);
	return -1;
}

void writer_close(writer *w)
{
	if (!w)
		return;
	if (!w->committed)
		(void)unlink(w->tmp);   /* harmless when it was never made */
	drop_all(w);
	free(w->target);
	free(w->tmp);
	free(w);
}


/* ---- reading a previous index (--update) ---- */

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

static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t x = 0;
	if (!*s || strlen(s) > 19)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*out = x;
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
		if (parse_u64(sp2 + 1 + neg, &t) < 0 ||
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
		e.key = make_key(r->source, r->path);
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
		if (map_find(w, &w->by_key, e.key, 0) >= 0 ||
		    map_find(w, &w->by_id, e.id, 0) >= 0 || entry_push(w, &e) < 0)
			goto done;
	}
	rc = mrc == MDB_NOTFOUND ? 0 : -1;
done:
	entry_free(&e);
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
		seterr(err, errcap, "%s: load the previous index first", w->target);
		return -1;
	}
	if (stat(w->target, &st) < 0) {
		if (errno == ENOENT)
			return 1;
		seterr(err, errcap, "%s: %s", w->target, strerror(errno));
		return -1;
	}
	if ((e = mdb_env_create(&env)) != 0 ||
	    (e = mdb_env_set_maxdbs(env, DB_MAXDBS)) != 0 ||
	    (e = mdb_env_open(env, w->target, MDB_NOSUBDIR | MDB_RDONLY |
	                      MDB_NOLOCK, 0644)) != 0 ||
	    (e = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (e = mdb_dbi_open(txn, DB_META, 0, &meta)) != 0) {
		seterr(err, errcap, "%s: not an advdb index (%s)", w->target,
		       mdb_strerror(e));
		goto done;
	}
	if (meta_get(txn, meta, META_MAGIC, buf, sizeof(buf)) < 0 ||
	    strcmp(buf, ADVDB_MAGIC) != 0) {
		seterr(err, errcap, "%s: not an advdb index (no magic)", w->target);
		goto done;
	}
	/* another schema: its records may mean other things; rebuild */
	if (meta_get(txn, meta, META_SCHEMA, buf, sizeof(buf)) < 0 ||
	    parse_u64(buf, &x) < 0 || x != ADVDB_SCHEMA_VERSION) {
		rc = 1;
		goto done;
	}
	if (meta_get(txn, meta, META_SOURCES, buf, sizeof(buf)) < 0 ||
	    parse_sources(w, buf) < 0) {
		seterr(err, errcap, "%s: damaged meta %s", w->target, META_SOURCES);
		goto done;
	}
	source_info *s = source_slot(w, source, 0);
	if (!s) {
		rc = 1;
		goto done;
	}
	memcpy(commit, s->commit, 41);
	if (meta_get(txn, meta, META_DICT_ID, buf, sizeof(buf)) < 0 ||
	    parse_u64(buf, &x) < 0 || x > UINT32_MAX) {
		seterr(err, errcap, "%s: damaged meta %s", w->target, META_DICT_ID);
		goto done;
	}
	if (x) {
		MDB_val k = { strlen(META_DICT), META_DICT }, v;
		if (mdb_get(txn, meta, &k, &v) != 0 || v.mv_size > (4u << 20) ||
		    ZDICT_getDictID(v.mv_data, v.mv_size) != x ||
		    !(w->dict = malloc(v.mv_size))) {
			seterr(err, errcap, "%s: damaged zstd dictionary", w->target);
			goto done;
		}
		memcpy(w->dict, v.mv_data, v.mv_size);
		w->dict_len = v.mv_size;
		ddict = ZSTD_createDDict(w->dict, w->dict_len);
		if (!ddict) {
			seterr(err, errcap, "%s: damaged zstd dictionary", w->target);
			goto done;
		}
	}
	if (meta_get(txn, meta, META_HISTORY, buf, sizeof(buf)) == 0)
		w->history = strcmp(buf, "1") == 0;
	if (load_records(w, txn, ddict) < 0) {
		seterr(err, errcap, "%s: damaged index (advisories or sources)",
		       w->target);
		goto done;
	}
	w->have_prev = 1;
	rc = 0;
done:
	if (rc != 0) {
		drop_all(w);
		memcpy(w->src, saved, sizeof(saved));
		w->nsrc = nsaved;
		w->history = 0;
		commit[0] = 0;
	}
	ZSTD_freeDDict(ddict);
	if (txn)
		mdb_txn_abort(txn);
	if (env)
		mdb_env_close(env);
	return rc;
}

/* ---- commit ---- */

static int cmp_id(const void *a, const void *b)
{
	const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
	return strcmp(x->id, y->id);
}

static int cmp_key(const void *a, const void *b)
{
	const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
	return strcmp(x->key, y->key);
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
 */
static int digest_hex(char hex[41], entry *const *live, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += 4 + live[i]->enc_len;
	uint8_t *buf = malloc(total ? total : 1), *p = buf;
	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint32_t l = (uint32_t)live[i]->enc_len;
		p[0] = (uint8_t)l;
		p[1] = (uint8_t)(l >> 8);
		p[2] = (uint8_t)(l >> 16);
		p[3] = (uint8_t)(l >> 24);
		memcpy(p + 4, live[i]->enc, live[i]->enc_len);
		p += 4 + live[i]->enc_len;
	}
	git_oid oid;
	int rc = -1;
	if (git_libgit2_init() >= 0) {
		if (git_odb_hash(&oid, buf, total, GIT_OBJECT_BLOB) == 0 &&
		    git_oid_tostr(hex, 41, &oid) != NULL && strlen(hex) == 40)
			rc = 0;
		git_libgit2_shutdown();
	}
	free(buf);
	return rc;
}

/* Train a dictionary on the records; 0 with *dict NULL when there are too
 * few to train on (or training fails: a dictionary is only an
 * optimisation). -1 only when out of memory. */
static int dict_train(uint8_t **dict, size_t *dict_len,
                      entry *const *live, size_t n)
{
	*dict = NULL;
	*dict_len = 0;
	if (n < DICT_MIN_SAMPLES)
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

/* Frames for every live record: reused from the previous DB when the
 * dictionary is the previous one, compressed otherwise. */
static int compress_all(entry *const *live, size_t n, const uint8_t *dict,
                        size_t dict_len, int reuse)
{
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	ZSTD_CDict *cdict = NULL;
	int rc = -1;

	if (!cctx)
		return -1;
	if (dict_len) {
		cdict = ZSTD_createCDict(dict, dict_len, ZLEVEL);
		if (!cdict)
			goto done;
	}
	for (size_t i = 0; i < n; i++) {
		entry *e = live[i];
		if (reuse && e->zf)
			continue;
		size_t cap = ZSTD_compressBound(e->enc_len);
		uint8_t *z = malloc(cap);
		if (!z)
			goto done;
		size_t r = cdict ?
		    ZSTD_compress_usingCDict(cctx, z, cap, e->enc, e->enc_len, cdict) :
		    ZSTD_compressCCtx(cctx, z, cap, e->enc, e->enc_len, ZLEVEL);
		if (ZSTD_isError(r)) {
			free(z);
			goto done;
		}
		free(e->zf);
		e->zf = z;
		e->zlen = r;
	}
	rc = 0;
done:
	ZSTD_freeCDict(cdict);
	ZSTD_freeCCtx(cctx);
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
	if (s && parse_u64(s, &x) == 0 && x < (1ull << 62))
		return (int64_t)x;
	return (int64_t)time(NULL);
}

static int cmp_source(const void *a, const void *b)
{
	return strcmp(((const source_info *)a)->name,
	              ((const source_info *)b)->name);
}

/* Hot records of one collection into dbi; counts the keys. */
static int write_hot(wctx *c, MDB_dbi pk, MDB_dbi tc, entry *const *byp,
                     size_t n, size_t *npackages)
{
	const adv_record **recs = malloc((n ? n : 1) * sizeof(*recs));
	if (!recs)
		return -1;
	*npackages = 0;
	for (size_t i = 0; i < n && !c->mrc;) {
		size_t j = i, k = 0;
		const adv_record *first = byp[i]->rec;
		while (j < n && byp[j]->rec->collection == first->collection &&
		       strcmp(byp[j]->rec->package, first->package) == 0)
			recs[k++] = byp[j++]->rec;
		uint8_t *hot;
		size_t hl;
		if (hot_encode(recs, k, &hot, &hl) < 0) {
			free(recs);
			return -1;
		}
		int crates = first->collection != ADV_RUST;
		put(c, crates ? pk : tc, first->package, strlen(first->package),
		    hot, hl, MDB_APPEND);
		free(hot);
		if (crates)
			(*npackages)++;
		i = j;
	}
	free(recs);
	return 0;
}

static int write_aliases(wctx *c, MDB_dbi dbi, entry *const *live, size_t n,
                         size_t *naliases)
{
	size_t np = 0;
	for (size_t i = 0; i < n; i++)
		np += live[i]->rec->aliases.n;
	alias_pair *v = malloc((np ? np : 1) * sizeof(*v));
	char *val = NULL;
	size_t valcap = 0;
	int rc = -1;
	if (!v)
		return -1;
	np = 0;
	for (size_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < live[i]->rec->aliases.n; j++) {
			const char *a = live[i]->rec->aliases.v[j];
			if (*a && strlen(a) <= 255)   /* LMDB keys are short */
				v[np++] = (alias_pair){ a, live[i]->id };
		}
	qsort(v, np, sizeof(*v), cmp_alias);
	*naliases = 0;
	for (size_t i = 0; i < np && !c->mrc;) {
		size_t len = 0, j;
		for (j = i; j < np && strcmp(v[j].alias, v[i].alias) == 0; j++)
			len += strlen(v[j].id) + 1;
		if (len > valcap) {
			char *nv = realloc(val, len);
			if (!nv)
				goto done;
			val = nv;
			valcap = len;
		}
		size_t off = 0;
		for (size_t k = i; k < j; k++) {
			if (k > i && strcmp(v[k].id, v[k - 1].id) == 0)
				continue;   /* an alias listed twice by one advisory */
			size_t l = strlen(v[k].id) + 1;
			memcpy(val + off, v[k].id, l);
			off += l;
		}
		put(c, dbi, v[i].alias, strlen(v[i].alias), val, off, MDB_APPEND);
		(*naliases)++;
		i = j;
	}
	rc = 0;
done:
	free(val);
	free(v);
	return rc;
}

static int fsync_path(const char *path, int dir)
{
	int fd = open(path, O_RDONLY | (dir ? O_DIRECTORY : 0));
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return fsync_path(".", 1);
	if (slash == path)
		return fsync_path("/", 1);
	size_t n = (size_t)(slash - path);
	char *dir = malloc(n + 1);
	if (!dir)
		return -1;
	memcpy(dir, path, n);
	dir[n] = 0;
	int rc = fsync_path(dir, 1);
	free(dir);
	return rc;
}

/* Write the whole index into w->tmp. */
static int write_db(writer *w, entry **live, size_t n, const char *digest,
                    const uint8_t *dict, size_t dict_len, unsigned dict_id,
                    writer_stats *st, char *err, size_t errcap)
{
	MDB_env *env = NULL;
	wctx c = {0};
	MDB_dbi meta, pk, tc, adv, al, src;
	size_t est = dict_len + (1u << 20);
	int rc = -1, e;

	for (size_t i = 0; i < n; i++)
		est += live[i]->zlen + live[i]->enc_len / 4 + 256;
	(void)unlink(w->tmp);   /* a stale one from a killed run of this pid */
	if ((e = mdb_env_create(&env)) != 0 ||
	    (e = mdb_env_set_maxdbs(env, DB_MAXDBS)) != 0 ||
	    (e = mdb_env_set_mapsize(env, est * 4 + (16u << 20))) != 0 ||
	    (e = mdb_env_open(env, w->tmp, MDB_NOSUBDIR | MDB_NOLOCK |
	                      MDB_NOSYNC, 0644)) != 0 ||
	    (e = mdb_txn_begin(env, NULL, 0, &c.txn)) != 0) {
		seterr(err, errcap, "%s: %s", w->tmp, mdb_strerror(e));
		goto done;
	}
	if ((e = mdb_dbi_open(c.txn, DB_META, MDB_CREATE, &meta)) ||
	    (e = mdb_dbi_open(c.txn, DB_PACKAGES, MDB_CREATE, &pk)) ||
	    (e = mdb_dbi_open(c.txn, DB_TOOLCHAIN, MDB_CREATE, &tc)) ||
	    (e = mdb_dbi_open(c.txn, DB_ADVISORIES, MDB_CREATE, &adv)) ||
	    (e = mdb_dbi_open(c.txn, DB_ALIASES, MDB_CREATE, &al)) ||
	    (e = mdb_dbi_open(c.txn, DB_SOURCES, MDB_CREATE, &src))) {
		seterr(err, errcap, "%s: %s", w->tmp, mdb_strerror(e));
		goto done;
	}

	/* advisories, in id order (live is sorted by id) */
	for (size_t i = 0; i < n; i++)
		put(&c, adv, live[i]->id, strlen(live[i]->id), live[i]->zf,
		    live[i]->zlen, MDB_APPEND);

	size_t npk = 0, nal = 0;
	entry **byp = malloc((n ? n : 1) * sizeof(*byp));
	if (!byp)
		goto oom;
	memcpy(byp, live, n * sizeof(*byp));
	qsort(byp, n, sizeof(*byp), cmp_package);
	int hrc = write_hot(&c, pk, tc, byp, n, &npk);
	qsort(byp, n, sizeof(*byp), cmp_key);
	for (size_t i = 0; i < n; i++)
		if (byp[i]->has_blob)
			put(&c, src, byp[i]->key, strlen(byp[i]->key), byp[i]->blob,
			    20, MDB_APPEND);
	free(byp);
	if (hrc < 0 || write_aliases(&c, al, live, n, &nal) < 0)
		goto oom;

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
	if (w->nsrc) {   /* the first by name is the primary source */
		put_meta(&c, meta, META_SOURCE_NAME, w->src[0].name);
		put_meta(&c, meta, META_COMMIT, w->src[0].commit);
		put_meta_u64(&c, meta, META_COMMIT_TIME, w->src[0].time);
	}
	put_meta_u64(&c, meta, META_COMPILE_TIME, compile_time());
	put_meta_u64(&c, meta, META_N_ADVISORIES, (int64_t)n);
	put_meta_u64(&c, meta, META_N_PACKAGES, (int64_t)npk);
	put_meta(&c, meta, META_DIGEST, digest);
	put_meta_u64(&c, meta, META_DICT_ID, dict_id);
	if (dict_len)
		put(&c, meta, META_DICT, strlen(META_DICT), dict, dict_len, 0);
	put_meta(&c, meta, META_HISTORY, w->history ? "1" : "0");

	if (c.mrc) {
		seterr(err, errcap, "%s: %s", w->tmp, mdb_strerror(c.mrc));
		goto done;
	}
	e = mdb_txn_commit(c.txn);
	c.txn = NULL;
	if (e || (e = mdb_env_sync(env, 1)) != 0) {
		seterr(err, errcap, "%s: %s", w->tmp, mdb_strerror(e));
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
	seterr(err, errcap, "%s: out of memory", w->tmp);
done:
	if (c.txn)
		mdb_txn_abort(c.txn);
	if (env)
		mdb_env_close(env);
	return rc;
}

int writer_commit(writer *w, writer_stats *st, char *err, size_t errcap)
{
	entry **live = NULL;
	uint8_t *newdict = NULL;
	size_t n = 0, newdict_len = 0;
	char digest[41];
	struct stat sb;
	int rc = -1;

	if (st)
		memset(st, 0, sizeof(*st));
	if (w->finished) {
		seterr(err, errcap, "%s: writer already committed", w->target);
		return -1;
	}
	w->finished = 1;
	live = malloc((w->n ? w->n : 1) * sizeof(*live));
	if (!live)
		goto oom;
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].alive)
			live[n++] = &w->v[i];
	qsort(live, n, sizeof(*live), cmp_id);
	if (digest_hex(digest, live, n) < 0) {
		seterr(err, errcap, "%s: cannot compute the digest", w->target);
		goto done;
	}

	/* An update keeps the previous dictionary (and so every unchanged
	 * frame) unless it had none and there is now enough to train on. */
	const uint8_t *dict;
	size_t dict_len;
	int reuse = w->have_prev && (w->dict_len || n < DICT_MIN_SAMPLES);
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
	if (compress_all(live, n, dict, dict_len, reuse) < 0)
		goto oom;
	if (write_db(w, live, n, digest, dict, dict_len, dict_id, st, err,
	             errcap) < 0)
		goto done;
	if (fsync_path(w->tmp, 0) < 0 || stat(w->tmp, &sb) < 0) {
		seterr(err, errcap, "%s: %s", w->tmp, strerror(errno));
		goto done;
	}
	if (rename(w->tmp, w->target) < 0) {
		seterr(err, errcap, "%s: cannot replace: %s", w->target,
		       strerror(errno));
		goto done;
	}
	w->committed = 1;
	(void)fsync_parent(w->target);   /* the rename is done either way */
	if (st) {
		st->db_bytes = (uint64_t)sb.st_size;
		memcpy(st->digest, digest, 41);
	}
	rc = 0;
	goto done;
oom:
	seterr(err, errcap, "%s: out of memory", w->target);
done:
	if (rc < 0)
		(void)unlink(w->tmp);
	free(newdict);
	free(live);
	return rc;
}
