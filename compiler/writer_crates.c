/*
 * writer_crates.c — the writer's `crates` sub-database (SCHEMA.md): the
 * crates.io index mirror's records, carried over from the previous index
 * by an update that does not read the mirror, replaced by one that does.
 *
 * Invariants:
 *   - w->cr holds first the loaded crates (seq 0, in key order), then
 *     every put and delete in call order (seq 1, 2, ...); wr_crates_final
 *     sorts by (name, seq) and keeps the last of each name, so a put
 *     replaces a loaded crate and a later call replaces an earlier one.
 *   - The new index has a crates index exactly when the previous one had
 *     one (update) or writer_crates_begin was called: crates_on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crates.h"
#include "layout.h"
#include "le.h"
#include "reader.h"
#include "writer_int.h"

static int push(writer *w, const char *name, size_t nlen, const uint8_t *rec,
                size_t len, size_t seq)
{
	if (w->ncr == w->capcr) {
		size_t nc = w->capcr ? w->capcr * 2 : 1024;
		crate_item *nv = realloc(w->cr, nc * sizeof(*nv));
		if (!nv)
			return -1;
		w->cr = nv;
		w->capcr = nc;
	}
	crate_item *it = &w->cr[w->ncr];
	it->name = malloc(nlen + 1);
	it->rec = rec ? malloc(len ? len : 1) : NULL;
	if (!it->name || (rec && !it->rec)) {
		free(it->name);
		free(it->rec);
		return -1;
	}
	memcpy(it->name, name, nlen);
	it->name[nlen] = '\0';
	if (rec)
		memcpy(it->rec, rec, len);
	it->len = rec ? len : 0;
	it->seq = seq;
	w->ncr++;
	return 0;
}

void wr_crates_free(writer *w)
{
	for (size_t i = 0; i < w->ncr; i++) {
		free(w->cr[i].name);
		free(w->cr[i].rec);
	}
	free(w->cr);
	w->cr = NULL;
	w->ncr = w->capcr = w->crseq = 0;
	w->crates_on = 0;
	w->crates_commit[0] = '\0';
	w->crates_time = 0;
	w->crates_bad = 0;
}

int writer_crates_begin(writer *w, int fresh, const char *commit,
                        int64_t time, uint64_t bad)
{
	if (fresh) {
		for (size_t i = 0; i < w->ncr; i++) {
			free(w->cr[i].name);
			free(w->cr[i].rec);
		}
		w->ncr = 0;
		w->crates_bad = 0;
	}
	w->crates_on = 1;
	snprintf(w->crates_commit, sizeof(w->crates_commit), "%s", commit);
	w->crates_time = time;
	w->crates_bad = fresh ? bad : w->crates_bad + bad;
	return 0;
}

int writer_crates_put(writer *w, const char *name, const uint8_t *rec,
                      size_t len)
{
	return push(w, name, strlen(name), rec, len, ++w->crseq);
}

int writer_crates_delete(writer *w, const char *name)
{
	return push(w, name, strlen(name), NULL, 0, ++w->crseq);
}

void writer_crates_move(writer *dst, writer *src)
{
	wr_crates_free(dst);
	dst->cr = src->cr;
	dst->ncr = src->ncr;
	dst->capcr = src->capcr;
	dst->crseq = src->crseq;
	dst->crates_on = src->crates_on;
	memcpy(dst->crates_commit, src->crates_commit, sizeof(dst->crates_commit));
	dst->crates_time = src->crates_time;
	dst->crates_bad = src->crates_bad;
	src->cr = NULL;
	src->ncr = src->capcr = src->crseq = 0;
	src->crates_on = 0;
}

const char *writer_crates_commit(const writer *w)
{
	return w->crates_on ? w->crates_commit : "";
}

static int cmp_item(const void *a, const void *b)
{
	const crate_item *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int wr_crates_final(writer *w, uint64_t *versions)
{
	size_t u = 0;

	*versions = 0;
	if (w->ncr > 1)
		qsort(w->cr, w->ncr, sizeof(*w->cr), cmp_item);
	for (size_t i = 0; i < w->ncr; i++) {
		crate_item it = w->cr[i];
		int last = i + 1 == w->ncr || strcmp(it.name, w->cr[i + 1].name);
		if (!last || !it.rec) {
			free(it.name);
			free(it.rec);
			continue;
		}
		it.seq = 0;
		w->cr[u++] = it;
		*versions += le32_get(it.rec + 1);   /* crates.h: after format */
	}
	w->ncr = u;
	w->crseq = 0;
	return 0;
}

typedef struct loader {
	writer *w;
	int oom;
} loader;

static int load_one(void *arg, const char *name, size_t nlen,
                    const uint8_t *rec, size_t len)
{
	loader *l = arg;
	if (push(l->w, name, nlen, rec, len, 0) < 0) {
		l->oom = 1;
		return 1;
	}
	return 0;
}

int wr_crates_load(writer *w, advdb *db, const char *path, char *err,
                   size_t errcap)
{
	char *text = NULL;
	size_t len;
	crates_meta m;
	loader l = { w, 0 };

	int e = reader_meta(&text, &len, db, META_CRATES_INDEX);
	if (e == ADVDB_ENOTFOUND)
		return 0;
	if (e != ADVDB_OK)
		return errbuf_fail(err, errcap, "%s", advdb_last_error(db));
	if (crates_meta_parse(&m, text, len) < 0) {
		free(text);
		return errbuf_fail(err, errcap, "%s: damaged index: meta `%s`",
		                   path, META_CRATES_INDEX);
	}
	free(text);
	e = reader_crates(db, load_one, &l);
	if (l.oom)
		return errbuf_fail(err, errcap, "%s: out of memory", path);
	if (e != ADVDB_OK)
		return errbuf_fail(err, errcap, "%s", advdb_last_error(db));
	w->crates_on = 1;
	memcpy(w->crates_commit, m.commit, sizeof(m.commit));
	w->crates_time = m.time;
	w->crates_bad = m.bad;
	return 0;
}
