/*
 * writer.c — the writer's entries and its public calls (writer.h): open,
 * add, remove, sources, close. The previous index is read by
 * writer_load.c and the new one written by writer_commit.c; the state they
 * share, and its invariants, are in writer_int.h.
 *
 * Everything is kept in memory until writer_commit(), so the DB file is a
 * pure function of the live entries, the sources, the dictionary and the
 * compile time.
 */
#include "writer_int.h"
#include "block.h"
#include "rfc3339.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- string -> entry maps ---- */

static uint32_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return (uint32_t)(h ^ (h >> 32));
}

static const char *map_key(const writer *w, const strmap *m, uint32_t i)
{
	return m == &w->by_id ? w->v[i].id : w->v[i].key;
}

/* A slot for the hash and value (hash << 32 | index + 1) v. */
static void map_place(strmap *m, uint64_t v)
{
	/* map_reserve (or map_grow) left a free slot: the probe ends */
	assert(m->cap && m->used < m->cap);
	size_t mask = m->cap - 1;
	size_t i = (size_t)(v >> 32) & mask;
	while (m->slot[i])
		i = (i + 1) & mask;
	m->slot[i] = v;
	m->used++;
}

static int map_grow(writer *w, strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	uint64_t *old = m->slot;
	size_t oldcap = m->cap;

	m->slot = calloc(cap, sizeof(*m->slot));
	if (!m->slot) {
		m->slot = old;
		return -1;
	}
	m->cap = cap;
	m->used = 0;
	/* dead entries are dropped, except the previous DB's (still found
	 * by wr_map_find's want_prev) */
	for (size_t i = 0; i < oldcap; i++) {
		const entry *e = old[i] ? &w->v[(uint32_t)old[i] - 1] : NULL;
		if (e && (e->alive || e->from_prev))
			map_place(m, old[i]);
	}
	free(old);
	return 0;
}

/* Room for one more key; after this, map_insert cannot fail. */
static int map_reserve(writer *w, strmap *m)
{
	if ((m->used + 1) * 2 > m->cap)
		return map_grow(w, m);
	return 0;
}

static void map_insert(writer *w, strmap *m, size_t idx)
{
	const entry *e = &w->v[idx];
	uint32_t h = m == &w->by_id ? e->hid : e->hkey;
	map_place(m, (uint64_t)h << 32 | ((uint32_t)idx + 1));
}

/* The entry with this key: alive ones, or (want_prev) one from the
 * previous DB, dead or alive. -1 when none. */
long wr_map_find(const writer *w, const strmap *m, const char *key,
                     int want_prev)
{
	if (!m->cap)
		return -1;
	size_t mask = m->cap - 1;
	uint32_t h = hash_str(key);
	for (size_t i = (size_t)h & mask; m->slot[i]; i = (i + 1) & mask) {
		if ((uint32_t)(m->slot[i] >> 32) != h)
			continue;
		uint32_t e = (uint32_t)m->slot[i] - 1;
		const entry *x = &w->v[e];
		int ok = want_prev ? x->from_prev : x->alive;
		if (ok && strcmp(map_key(w, m, e), key) == 0)
			return (long)e;
	}
	return -1;
}

/* ---- live entries per package ---- */

/* Room for a package's map key on the stack: every package name within
 * the index's cap fits (a longer one gets an allocation). */
#define PKG_KEY_BUF (ADV_PACKAGE_MAX + 2)

/* The map key of r's package: its collection byte, then its name, in
 * buf (PKG_KEY_BUF bytes) when it fits, else in a new allocation (NULL
 * when out of memory). Give it back with pkg_key_done. */
static char *pkg_key(const adv_record *r, char *buf)
{
	size_t n = strlen(r->package);
	char *k = n + 2 <= PKG_KEY_BUF ? buf : malloc(n + 2);

	if (!k)
		return NULL;
	k[0] = (char)('0' + r->collection);
	memcpy(k + 1, r->package, n + 1);
	return k;
}

static void pkg_key_done(char *k, const char *buf)
{
	if (k != buf)
		free(k);
}

static pkgcount *pkg_find(const pkgmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)hash_str(key) & mask; m->slot[i].name;
	     i = (i + 1) & mask)
		if (strcmp(m->slot[i].name, key) == 0)
			return &m->slot[i];
	return NULL;
}

static void pkg_place(pkgmap *m, pkgcount pc)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)hash_str(pc.name) & mask;

	while (m->slot[i].name)
		i = (i + 1) & mask;
	m->slot[i] = pc;
	m->used++;
}

/* r's counter, made (at 0) when absent; NULL when out of memory. */
static pkgcount *pkg_slot(pkgmap *m, const adv_record *r)
{
	char buf[PKG_KEY_BUF];
	char *key = pkg_key(r, buf);
	pkgcount *pc = key ? pkg_find(m, key) : NULL;

	if (!key || pc) {
		pkg_key_done(key, buf);
		return pc;
	}
	if (key == buf && !(key = strdup(buf)))   /* the map keeps it */
		return NULL;
	if ((m->used + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		pkgcount *old = m->slot;
		size_t oldcap = m->cap;

		m->slot = calloc(cap, sizeof(*m->slot));
		if (!m->slot) {
			m->slot = old;
			free(key);
			return NULL;
		}
		m->cap = cap;
		m->used = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].name)
				pkg_place(m, old[i]);
		free(old);
	}
	pkg_place(m, (pkgcount){ key, 0 });
	return pkg_find(m, key);
}

static void pkg_free(pkgmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slot[i].name);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

uint32_t wr_package_count(const writer *w, const adv_record *r)
{
	char buf[PKG_KEY_BUF];
	char *key = pkg_key(r, buf);
	const pkgcount *pc = key ? pkg_find(&w->by_pkg, key) : NULL;

	pkg_key_done(key, buf);
	return pc ? pc->n : 0;
}

void wr_set_alive(writer *w, size_t i, int alive)
{
	entry *e = &w->v[i];

	if (!e->alive == !alive)
		return;
	e->alive = alive ? 1 : 0;
	/* the counter exists: wr_entry_push made it */
	char buf[PKG_KEY_BUF];
	char *key = pkg_key(e->rec, buf);
	pkgcount *pc = key ? pkg_find(&w->by_pkg, key) : NULL;
	pkg_key_done(key, buf);
	if (pc)
		pc->n += alive ? 1 : (uint32_t)-1;
}

/* ---- entries ---- */

char *wr_make_key(const char *source, const char *path)
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

void wr_entry_free(entry *e)
{
	free(e->key);
	record_free(e->rec);      /* a view into enc: first */
	if (!e->enc_shared)
		free(e->enc);
	memset(e, 0, sizeof(*e));
	e->pblock = -1;
}

void wr_drop_all(writer *w)
{
	for (size_t i = 0; i < w->n; i++)
		wr_entry_free(&w->v[i]);
	free(w->v);
	free(w->by_id.slot);
	free(w->by_key.slot);
	free(w->dict);
	for (size_t i = 0; i < w->npblk; i++) {   /* after the entries */
		free(w->pblk[i].z);
		free(w->pblk[i].raw);
	}
	free(w->pblk);
	w->pblk = NULL;
	w->npblk = 0;
	for (size_t i = 0; i < w->npalias; i++) {
		free(w->palias[i].key);
		free(w->palias[i].z);
		free(w->palias[i].raw);
	}
	free(w->palias);
	w->palias = NULL;
	w->npalias = 0;
	w->v = NULL;
	w->n = w->cap = 0;
	memset(&w->by_id, 0, sizeof(w->by_id));
	memset(&w->by_key, 0, sizeof(w->by_key));
	w->dict = NULL;
	w->dict_len = 0;
	w->have_prev = 0;
	w->nsrc = 0;
	pkg_free(&w->by_pkg);
	wr_skip_free(w);
	wr_crates_free(w);
}

/* Take ownership of e (enc, rec, key) as a new live entry. */
int wr_entry_push(writer *w, entry *e)
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
	pkgcount *pc = NULL;
	if (map_reserve(w, &w->by_id) < 0 || map_reserve(w, &w->by_key) < 0 ||
	    !(pc = pkg_slot(&w->by_pkg, e->rec)))
		return -1;
	pc->n++;
	w->v[w->n] = *e;
	w->v[w->n].alive = 1;
	w->v[w->n].hid = hash_str(e->id);
	w->v[w->n].hkey = hash_str(e->key);
	map_insert(w, &w->by_id, w->n);
	map_insert(w, &w->by_key, w->n);
	w->n++;
	memset(e, 0, sizeof(*e));
	e->pblock = -1;
	return 0;
}

int writer_open(writer **out, const char *target, char *err, size_t errcap)
{
	*out = NULL;
	if (!target || !*target) {
		errbuf_set(err, errcap, "writer: no output path");
		return -1;
	}
	writer *w = calloc(1, sizeof(*w));
	if (!w) {
		errbuf_set(err, errcap, "%s: out of memory", target);
		return -1;
	}
	if (dbfile_open(&w->file, target, err, errcap) < 0) {
		dbfile_close(&w->file);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

int writer_set_history(writer *w, int on)
{
	w->history = on ? 1 : 0;
	return 0;
}

source_info *wr_source_slot(writer *w, const char *name, int create)
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
	    strlen(commit) != 40 || !is_hex40(commit) || commit_time < 0)
		return -1;
	source_info *s = wr_source_slot(w, source, 1);
	if (!s)
		return -1;
	memcpy(s->commit, commit, 41);
	s->time = commit_time;
	return 0;
}

int writer_set_source_tz(writer *w, const char *source, int minutes)
{
	source_info *s = wr_source_slot(w, source, 0);

	if (!s || minutes < -RFC3339_OFFSET_MAX ||
	    minutes > RFC3339_OFFSET_MAX)
		return -1;
	s->has_tz = 1;
	s->tz = minutes;
	return 0;
}

int writer_remove(writer *w, const char *source, const char *path)
{
	char *key = wr_make_key(source, path);
	if (!key)
		return -1;
	long i = wr_map_find(w, &w->by_key, key, 0);
	free(key);
	if (i >= 0)
		wr_set_alive(w, (size_t)i, 0);
	wr_skip_drop(w, source, path);
	return 0;
}

/* An os or arch list that fits the hot record: 0, or -1 with err. */
static int check_names(const strlist *l, const char *what, const char *path,
                       char *err, size_t errcap)
{
	if (l->n > HOT_NAMES_MAX) {
		errbuf_set(err, errcap, "%s: %u %s names, more than the %d the "
		          "index holds", path, l->n, what, HOT_NAMES_MAX);
		return -1;
	}
	for (uint32_t i = 0; i < l->n; i++) {
		size_t n = l->v[i] ? strlen(l->v[i]) : 0;
		if (n == 0 || n > HOT_NAME_MAX) {
			errbuf_set(err, errcap, "%s: %s name \"%.40s%s\" %s", path,
			          what, n ? l->v[i] : "", n > 40 ? "..." : "",
			          n ? "longer than 255 bytes" : "is empty");
			return -1;
		}
	}
	return 0;
}

/*
 * Every cap of limit.h that r must fit: ids and aliases, the package
 * name, the hot record's os and arch lists. The importers check ids and
 * aliases with the line; this is the backstop every record passes, so
 * no index ever holds a value a reader refuses. 0, or -1 with err.
 */
static int check_caps(const adv_record *r, const char *path, char *err,
                      size_t errcap)
{
	char msg[256];
	size_t pl = strlen(r->package);

	if (limit_id_check("id", r->id, msg, sizeof(msg)) < 0) {
		errbuf_set(err, errcap, "%s: %s", path, msg);
		return -1;
	}
	for (uint32_t i = 0; i < r->aliases.n; i++)
		if (limit_id_check("alias", r->aliases.v[i], msg, sizeof(msg)) < 0) {
			errbuf_set(err, errcap, "%s: %s", path, msg);
			return -1;
		}
	if (pl > ADV_PACKAGE_MAX) {
		errbuf_set(err, errcap, "%s: package name too long (%zu bytes, "
		          "limit %d)", path, pl, ADV_PACKAGE_MAX);
		return -1;
	}
	return check_names(&r->os, "os", path, err, errcap) < 0 ||
	       check_names(&r->arch, "arch", path, err, errcap) < 0 ? -1 : 0;
}

int writer_add(writer *w, const adv_record *r, const char *source,
               const char *path, char *err, size_t errcap)
{
	entry e;
	adv_record copy;
	uint8_t *hot;
	size_t hot_len;

	memset(&e, 0, sizeof(e));
	e.pblock = -1;
	if (w->finished || !r || !source || !path || !*source || !*path ||
	    strpbrk(source, " :\n")) {
		errbuf_set(err, errcap, "%s: bad arguments to writer_add",
		       path ? path : "-");
		return -1;
	}
	if (!r->id || !*r->id || !r->package || !*r->package) {
		errbuf_set(err, errcap, "%s: advisory without id or package", path);
		return -1;
	}
	if (check_caps(r, path, err, errcap) < 0)
		return -1;
	/* the record names its own file, so a loaded DB knows its entries */
	copy = *r;
	copy.source = source;
	copy.path = path;
	/* a backstop for the hot record's other fields (ranges, keys) */
	const adv_record *one = &copy;
	if (hot_encode(&one, 1, &hot, &hot_len) < 0) {
		errbuf_set(err, errcap, "%s: %s: a field is too long for the index",
		       path, r->id);
		return -1;
	}
	free(hot);
	if (record_encode(&copy, &e.enc, &e.enc_len) < 0 ||
	    record_decode_view(&e.rec, e.enc, e.enc_len) < 0) {
		errbuf_set(err, errcap, "%s: %s: cannot encode the record "
		       "(out of memory or a list past its cap)", path, r->id);
		goto fail;
	}
	if (blk_item_size(e.enc_len) > BLOCK_MAX) {
		errbuf_set(err, errcap, "%s: %s: a record of %zu bytes, more than "
		          "an index block holds (%u)", path, r->id, e.enc_len,
		          BLOCK_MAX);
		goto fail;
	}
	e.key = wr_make_key(source, path);
	if (!e.key)
		goto oom;
	e.id = e.rec->id;
	long same_path = wr_map_find(w, &w->by_key, e.key, 0);
	long same_id = wr_map_find(w, &w->by_id, e.id, 0);
	if (same_id >= 0 && same_id != same_path) {
		errbuf_set(err, errcap, "%s: id %s is already used by %s", path, e.id,
		       strchr(w->v[same_id].key, ':') + 1);
		goto fail;
	}
	/* The hot record of a package holds HOT_ENTRIES_MAX advisories;
	 * one replaced in place frees its own slot. */
	uint32_t have = wr_package_count(w, e.rec);
	if (same_path >= 0 && w->v[same_path].rec->collection ==
	    e.rec->collection && !strcmp(w->v[same_path].rec->package,
	                                 e.rec->package))
		have--;
	if (have >= HOT_ENTRIES_MAX) {
		errbuf_set(err, errcap, "%s: %s: package \"%s\" already has %u "
		          "advisories, the most the index holds for one package",
		          path, r->id, e.rec->package, (unsigned)have);
		goto fail;
	}
	if (same_path >= 0)
		wr_set_alive(w, (size_t)same_path, 0);
	if (wr_entry_push(w, &e) < 0) {
		if (same_path >= 0)
			wr_set_alive(w, (size_t)same_path, 1);
		goto oom;
	}
	return 0;
oom:
	errbuf_set(err, errcap, "%s: out of memory", path);
fail:
	wr_entry_free(&e);
	return -1;
}

const adv_record *writer_find(const writer *w, const char *id)
{
	long i = id ? wr_map_find(w, &w->by_id, id, 0) : -1;
	return i >= 0 ? w->v[i].rec : NULL;
}

const adv_record *writer_next(const writer *w, size_t *pos)
{
	while (*pos < w->n) {
		const entry *e = &w->v[(*pos)++];
		if (e->alive)
			return e->rec;
	}
	return NULL;
}

void writer_close(writer *w)
{
	if (!w)
		return;
	dbfile_close(&w->file);   /* removes the temporary file if any */
	wr_drop_all(w);
	free(w);
}

int wr_parse_u64(const char *s, uint64_t *out)
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

