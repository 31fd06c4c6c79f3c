/*
 * gen.c — loading one generation of the served index (see gen.h).
 *
 * The index is opened through the CLI's session (query/cli/session.h):
 * the same opening, verification with a trusted key (trust.h), info and
 * SIGBUS guard as every advdb-query command, whose messages it logs. Then
 * every advisory of the crates collection is read once and rendered with
 * osvout.h, the renderer of `export-osv`, into one block of text; a hash
 * of the ids finds a record in one probe or two. A record that cannot be
 * read fails the whole load: a damaged index is never served, even in
 * part.
 */
#include "gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "osvout.h"
#include "reader.h"

static void ident_of(gen_ident *id, const char *path)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (stat(path, &st) != 0)
		return;
	id->exists = 1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->size = st.st_size;
	id->mtime = st.st_mtim;
	id->ctime = st.st_ctim;
}

void gen_ident_now(gen_ident *index, gen_ident *sig, const gen_source *src)
{
	char p[4200];

	ident_of(index, src->path);
	memset(sig, 0, sizeof(*sig));
	if (src->trust_key &&
	    snprintf(p, sizeof(p), "%s.minisig", src->path) < (int)sizeof(p))
		ident_of(sig, p);
}

int gen_ident_same(const gen_ident *a, const gen_ident *b)
{
	if (a->exists != b->exists)
		return 0;
	return !a->exists ||
	       (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	        a->mtime.tv_sec == b->mtime.tv_sec &&
	        a->mtime.tv_nsec == b->mtime.tv_nsec &&
	        a->ctime.tv_sec == b->ctime.tv_sec &&
	        a->ctime.tv_nsec == b->ctime.tv_nsec);
}

/* FNV-1a: ids are short, and the table is built from the index, not
 * from what clients send (they only probe it). */
static uint64_t hash_id(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void gen_free(serve_gen *g)
{
	if (!g)
		return;
	session_close(&g->s);
	free(g->recs);
	free(g->slots);
	free(g->text);
	free(g);
}

/* The OSV object of rec, as export-osv writes it (without its newline). */
static void render(buf *out, const adv_record *rec, const serve_gen *g)
{
	json j;

	json_init(&j, out);
	osvout_advisory(&j, rec, g->s.info.source_time);
}

/* Read and render every crates advisory. Returns 0 or -1 with err. */
static int render_all(serve_gen *g, char *err, size_t cap)
{
	advdb *db = g->s.db;
	advdb_iter *it = NULL;
	buf text = BUF_INIT;
	size_t *off = NULL, rcap = 0;
	const char *id;
	int rc, ok = -1;

	rc = advdb_advisories_iter(&it, db);
	while (rc == ADVDB_OK && (rc = advdb_iter_next(&id, it)) == ADVDB_OK) {
		advdb_advisory *a = NULL;
		char idc[ADVDB_ID_MAX];
		size_t n = strlen(id);

		if (n >= sizeof(idc)) {
			snprintf(err, cap, "%s: an advisory id longer than %d bytes",
			         g->s.path, ADVDB_ID_MAX - 1);
			goto done;
		}
		memcpy(idc, id, n + 1);
		rc = advdb_advisory_get(&a, db, idc);
		if (rc != ADVDB_OK) {
			snprintf(err, cap, "%s: advisory %s: %s", g->s.path, idc,
			         advdb_last_error(db));
			goto done;
		}
		const adv_record *rec = reader_advisory_record(a);
		if (rec->collection != ADV_CRATES) {
			advdb_advisory_free(a);
			continue;
		}
		if (g->nrecs == rcap) {
			size_t nc = rcap ? rcap * 2 : 1024;
			gen_record *r = realloc(g->recs, nc * sizeof(*r));
			size_t *o = r ? realloc(off, nc * sizeof(*o)) : NULL;
			if (r)
				g->recs = r;
			if (!r || !o) {
				advdb_advisory_free(a);
				snprintf(err, cap, "%s: out of memory", g->s.path);
				goto done;
			}
			off = o;
			rcap = nc;
		}
		gen_record *r = &g->recs[g->nrecs];
		memset(r, 0, sizeof(*r));
		memcpy(r->id, idc, n + 1);
		(void)osvout_modified(r->modified, rec, g->s.info.source_time);
		off[g->nrecs] = SIZE_MAX;
		if (text.len < GEN_RENDER_MAX) {
			size_t at = text.len;
			render(&text, rec, g);
			off[g->nrecs] = at;
			r->len = text.len - at;
		}
		advdb_advisory_free(a);
		if (text.failed) {
			snprintf(err, cap, "%s: out of memory", g->s.path);
			goto done;
		}
		g->nrecs++;
	}
	if (rc != ADVDB_ENOTFOUND) {
		snprintf(err, cap, "%s: the advisories cannot be listed: %s",
		         g->s.path, advdb_last_error(db));
		goto done;
	}
	/* ids come sorted from the iterator; pointers only now, the text
	 * having stopped moving */
	g->text = text.p;
	text.p = NULL;
	for (size_t i = 0; i < g->nrecs; i++)
		g->recs[i].json = off[i] == SIZE_MAX ? NULL : g->text + off[i];
	g->nslots = 16;
	while (g->nslots <= 2 * g->nrecs)
		g->nslots *= 2;
	g->slots = calloc(g->nslots, sizeof(*g->slots));
	if (!g->slots) {
		snprintf(err, cap, "%s: out of memory", g->s.path);
		goto done;
	}
	for (size_t i = 0; i < g->nrecs; i++) {
		size_t mask = g->nslots - 1;
		size_t k = (size_t)hash_id(g->recs[i].id,
		                           strlen(g->recs[i].id)) & mask;
		while (g->slots[k])
			k = (k + 1) & mask;
		g->slots[k] = (uint32_t)i + 1;
	}
	ok = 0;
done:
	advdb_iter_free(it);
	buf_free(&text);
	free(off);
	return ok;
}

int gen_load(serve_gen **out, const gen_source *src, unsigned long serial,
             char *err, size_t cap)
{
	serve_gen *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g) {
		snprintf(err, cap, "%s: out of memory", src->path);
		return -1;
	}
	gen_ident_now(&g->ident, &g->sig_ident, src);
	g->opts.db_path = src->path;
	g->opts.trust_key = src->trust_key;
	g->opts.trust_from = src->trust_from;
	g->opts.allow_incomplete = src->allow_incomplete;
	g->opts.max_age_days = -1;
	/* session_open logs why it failed itself (libadvdb's message, the
	 * verification's refusal): nothing more to say here */
	if (session_open(&g->s, &g->opts, SESSION_DECISIONS) != EXIT_CLEAN) {
		if (cap)
			err[0] = '\0';
		free(g);
		return -1;
	}
	if (session_incomplete(&g->s)) {
		snprintf(err, cap, "%s: the index is incomplete: %llu advisories "
		         "were skipped at compile time (advdb-compile "
		         "--keep-going), so a package could read as clean only "
		         "because its advisory is missing: refused "
		         "(--allow-incomplete serves it)", src->path,
		         (unsigned long long)g->s.info.skipped_count);
		gen_free(g);
		return -1;
	}
	if (render_all(g, err, cap) < 0) {
		gen_free(g);
		return -1;
	}
	g->loaded_at = (int64_t)time(NULL);
	g->serial = serial;
	atomic_init(&g->refs, 1);
	*out = g;
	return 0;
}

void gen_hold(serve_gen *g)
{
	atomic_fetch_add_explicit(&g->refs, 1, memory_order_relaxed);
}

void gen_release(serve_gen *g)
{
	if (g && atomic_fetch_sub_explicit(&g->refs, 1,
	                                   memory_order_acq_rel) == 1)
		gen_free(g);
}

const gen_record *gen_find(const serve_gen *g, const char *id, size_t len)
{
	if (!g->nslots)
		return NULL;
	size_t mask = g->nslots - 1;
	size_t k = (size_t)hash_id(id, len) & mask;

	for (uint32_t s; (s = g->slots[k]) != 0; k = (k + 1) & mask) {
		const gen_record *r = &g->recs[s - 1];
		if (strncmp(r->id, id, len) == 0 && r->id[len] == '\0')
			return r;
	}
	return NULL;
}

int gen_render(buf *out, char *modified, const serve_gen *g, const char *id)
{
	const gen_record *r = gen_find(g, id, strlen(id));
	advdb_advisory *a = NULL;
	int rc;

	if (r && r->json) {
		buf_put(out, r->json, r->len);
		if (modified)
			memcpy(modified, r->modified, sizeof(r->modified));
		return ADVDB_OK;
	}
	/* an alias, or a record past GEN_RENDER_MAX */
	rc = advdb_advisory_get(&a, g->s.db, id);
	if (rc != ADVDB_OK)
		return rc;
	const adv_record *rec = reader_advisory_record(a);
	if (rec->collection != ADV_CRATES) {
		advdb_advisory_free(a);
		return ADVDB_ENOTFOUND;
	}
	r = gen_find(g, rec->id, strlen(rec->id));
	if (r && r->json)
		buf_put(out, r->json, r->len);
	else
		render(out, rec, g);
	if (modified)
		(void)osvout_modified(modified, rec, g->s.info.source_time);
	advdb_advisory_free(a);
	return ADVDB_OK;
}

const char *gen_modified(const serve_gen *g, const char *id,
                         char tmp[RFC3339_MAX])
{
	const gen_record *r = gen_find(g, id, strlen(id));
	advdb_advisory *a = NULL;

	if (r)
		return r->modified;
	if (advdb_advisory_get(&a, g->s.db, id) != ADVDB_OK)
		return NULL;
	(void)osvout_modified(tmp, reader_advisory_record(a),
	                      g->s.info.source_time);
	advdb_advisory_free(a);
	return tmp;
}
