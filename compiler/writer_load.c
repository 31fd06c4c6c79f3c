/*
 * writer_load.c — reading an existing index into the writer: the previous
 * index an update starts from (writer_load_previous), and the index
 * `--install` checks before it puts it in place (writer_install.c).
 *
 * The file is read through libadvdb's reader (query/reader.h), never
 * with LMDB directly: advdb_open() proves the file holds the pages it
 * names and walks every page before anything is read through the map, so
 * a truncated, zero-filled or random file is an error here, not a SIGBUS.
 * Then every block is decompressed (by the reader's block decoder) and
 * each of its records decoded, so a damaged index is caught here, not
 * half-way through a commit; each block's frame is kept, to be written
 * again unchanged when neither its records nor the dictionary change,
 * and so are its decompressed bytes, which its entries point into (a
 * copy of every record, twice, was a fifth of an update's page faults).
 *
 * Policy: a previous index of another schema version, or without the
 * source asked for, is not an error but "no previous index" (1): the
 * caller compiles everything. A file that is not a readable index is an
 * error (-1): the update stops and says to compile without --update (a
 * full compile could silently drop records that an update keeps, such as
 * those of OSV sources given to an earlier compile). On any result but 0
 * the writer is left as it was before the call.
 */
#include "writer_int.h"
#include "block.h"
#include "layout.h"
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zdict.h>

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

/* One record of a previous block as a new entry of block b. */
static int load_item(writer *w, const blk_item *it, long b)
{
	entry e;
	int rc = -1;

	memset(&e, 0, sizeof(e));
	e.pblock = b;
	/* in w->pblk[b].raw, which this function's caller owns */
	e.enc = (uint8_t *)it->rec;
	e.enc_shared = 1;
	e.enc_len = it->rec_len;
	if (record_decode_view(&e.rec, e.enc, e.enc_len) < 0)
		goto done;
	const adv_record *r = e.rec;
	if (!r->id || strlen(r->id) != it->id_len || !r->source || !r->path ||
	    !r->package || !*r->source || strpbrk(r->source, " :\n"))
		goto done;
	e.id = r->id;
	e.key = wr_make_key(r->source, r->path);
	if (!e.key)
		goto done;
	e.from_prev = 1;
	if (wr_map_find(w, &w->by_key, e.key, 0) >= 0 ||
	    wr_map_find(w, &w->by_id, e.id, 0) >= 0 ||
	    wr_package_count(w, r) >= HOT_ENTRIES_MAX ||
	    wr_entry_push(w, &e) < 0)
		goto done;
	rc = 0;
done:
	wr_entry_free(&e);
	return rc;
}

typedef struct loader {
	writer *w;
	const char *last;            /* id of the last record loaded */
	size_t cap;                  /* of w->pblk (load_alias: w->palias) */
	const char *bad;             /* what was wrong, for the message */
} loader;

/* The array v of n elements of size bytes (capacity l->cap, doubled
 * from first) with room for one more, moved if need be; NULL with l->bad
 * set when out of memory (v is then still valid). */
static void *room(loader *l, void *v, size_t n, size_t size, size_t first)
{
	if (n < l->cap)
		return v;
	size_t nc = l->cap ? l->cap * 2 : first;
	void *nv = realloc(v, nc * size);
	if (!nv) {
		l->bad = "out of memory";
		return NULL;
	}
	l->cap = nc;
	return nv;
}

/* One block: its frame is kept (an unchanged block is written again
 * byte for byte), its records become entries. Ids must increase across
 * the whole sub-database (the reader checked that each block starts with
 * its key). */
static int load_block(void *arg, reader_block *b)
{
	loader *l = arg;
	writer *w = l->w;

	prev_block *nb = room(l, w->pblk, w->npblk, sizeof(*nb), 64);
	if (!nb)
		return 1;
	w->pblk = nb;
	prev_block *pb = &w->pblk[w->npblk];
	pb->z = malloc(b->frame_len);
	if (!pb->z) {
		l->bad = "out of memory";
		return 1;
	}
	memcpy(pb->z, b->frame, b->frame_len);
	pb->zlen = b->frame_len;
	pb->raw = b->raw;            /* kept: the entries point into it */
	b->raw = NULL;
	pb->count = 0;
	w->npblk++;
	blk_item it;
	size_t off = 0;
	int r;
	while ((r = blk_item_next(&it, pb->raw, b->raw_len, &off)) == 0) {
		if (load_item(w, &it, (long)(w->npblk - 1)) < 0) {
			l->bad = "a damaged or repeated record";
			return 1;
		}
		const char *id = w->v[w->n - 1].id;
		if (l->last && strcmp(l->last, id) >= 0) {
			l->bad = "records out of order";
			return 1;
		}
		l->last = id;
		pb->count++;
	}
	if (r < 0) {
		l->bad = "a damaged block";
		return 1;
	}
	return 0;
}

/* One alias block of the previous index: kept whole (key, frame and
 * bytes), for writer_commit to write its frame again when the block it
 * makes from the records has the same key and bytes. */
static int load_alias(void *arg, reader_block *b)
{
	loader *l = arg;
	writer *w = l->w;

	prev_alias *na = room(l, w->palias, w->npalias, sizeof(*na), 16);
	if (!na)
		return 1;
	w->palias = na;
	prev_alias *pa = &w->palias[w->npalias];
	memset(pa, 0, sizeof(*pa));
	pa->key = malloc(b->key_len + 1);
	pa->z = malloc(b->frame_len ? b->frame_len : 1);
	if (!pa->key || !pa->z) {
		free(pa->key);
		free(pa->z);
		l->bad = "out of memory";
		return 1;
	}
	memcpy(pa->key, b->key, b->key_len);
	pa->key[b->key_len] = 0;
	memcpy(pa->z, b->frame, b->frame_len);
	pa->zlen = b->frame_len;
	pa->raw = b->raw;            /* kept */
	pa->rawlen = b->raw_len;
	b->raw = NULL;
	w->npalias++;
	return 0;
}

/* What wr_load_meta leaves for wr_load_records: the sources as they were
 * before, to put back when the records fail. */
typedef struct load_state {
	source_info saved[SOURCES_MAX];
	size_t nsaved;
} load_state;

/* Undo a load that failed: the writer as it was before wr_load_meta. */
static void load_undo(writer *w, const load_state *ls, char commit[41])
{
	wr_drop_all(w);
	memcpy(w->src, ls->saved, sizeof(ls->saved));
	w->nsrc = ls->nsaved;
	if (commit)
		commit[0] = 0;
}

/* The first half of wr_load_index: sources, dictionary, skipped list.
 * 0, 1 (no such source: nothing loaded) or -1 with err; on 1 and -1 the
 * writer is as it was. */
static int wr_load_meta(writer *w, advdb *db, const char *path,
                        const char *source, char commit[41],
                        load_state *ls, char *err, size_t errcap)
{
	size_t len;
	char *text = NULL;
	int rc = -1, e;

	if (commit)
		commit[0] = 0;
	memcpy(ls->saved, w->src, sizeof(ls->saved));
	ls->nsaved = w->nsrc;
	if (w->n || w->have_prev) {
		errbuf_set(err, errcap, "%s: load the previous index first",
		          w->file.path);
		return -1;
	}
	/* absent or empty when the compile had no source */
	e = reader_meta(&text, &len, db, META_SOURCES);
	if (e == ADVDB_ENOTFOUND)
		e = 0;
	else if (e == ADVDB_OK && (strlen(text) != len ||
	                           parse_sources(w, text) < 0)) {
		errbuf_set(err, errcap, "%s: damaged index: meta `%s`", path,
		          META_SOURCES);
		goto done;
	}
	free(text);
	text = NULL;
	if (e != ADVDB_OK)
		goto reader_error;
	if (source) {
		source_info *s = wr_source_slot(w, source, 0);
		if (!s) {
			rc = 1;
			goto done;
		}
		memcpy(commit, s->commit, 41);
	}
	/* The dictionary the frames were made with: kept, so that an
	 * unchanged block is written again as it is. The reader checked
	 * that it is a zstd dictionary with the id meta names. */
	e = reader_meta(&text, &len, db, META_DICT);
	if (e == ADVDB_OK) {
		w->dict = (uint8_t *)text;
		w->dict_len = len;
		text = NULL;
		if (ZDICT_getDictID(w->dict, w->dict_len) == 0) {
			errbuf_set(err, errcap, "%s: damaged index: meta `%s` is not "
			          "a zstd dictionary", path, META_DICT);
			goto done;
		}
	} else if (e != ADVDB_ENOTFOUND) {
		goto reader_error;
	}
	/* What the previous compile skipped (writer_skip.c): an update reads
	 * those files again, and --install keeps the list. */
	e = reader_meta(&text, &len, db, META_SKIPPED);
	if (e == ADVDB_OK) {
		if (wr_skip_load(w, text, len) < 0) {
			errbuf_set(err, errcap, "%s: damaged index: meta `%s`", path,
			           META_SKIPPED);
			goto done;
		}
	} else if (e != ADVDB_ENOTFOUND) {
		goto reader_error;
	}
	rc = 0;
	goto done;
reader_error:
	errbuf_set(err, errcap, "%s", advdb_last_error(db));
done:
	if (rc != 0)
		load_undo(w, ls, commit);
	free(text);
	return rc;
}

/* The second half: every block and record, then the crates. 0, or -1
 * with err and the writer as it was before wr_load_meta. */
static int wr_load_records(writer *w, advdb *db, const char *path,
                           const load_state *ls, char *err, size_t errcap)
{
	loader l = { w, NULL, 0, NULL };
	int e = reader_blocks(db, load_block, &l);

	if (e > 0) {
		errbuf_set(err, errcap, "%s: damaged index: %s in the advisories",
		          path, l.bad);
		goto fail;
	}
	if (e != ADVDB_OK) {
		errbuf_set(err, errcap, "%s", advdb_last_error(db));
		goto fail;
	}
	loader la = { w, NULL, 0, NULL };
	e = reader_aliases(db, load_alias, &la);
	if (e > 0) {
		errbuf_set(err, errcap, "%s: %s", path, la.bad);
		goto fail;
	}
	if (e != ADVDB_OK) {
		errbuf_set(err, errcap, "%s", advdb_last_error(db));
		goto fail;
	}
	if (wr_crates_load(w, db, path, err, errcap) < 0)
		goto fail;
	w->have_prev = 1;
	return 0;
fail:
	load_undo(w, ls, NULL);
	return -1;
}

int wr_load_index(writer *w, advdb *db, const char *path,
                  const char *source, char commit[41], char *err,
                  size_t errcap)
{
	load_state ls;
	int rc = wr_load_meta(w, db, path, source, commit, &ls, err, errcap);

	if (rc == 0 && wr_load_records(w, db, path, &ls, err, errcap) < 0) {
		if (commit)
			commit[0] = 0;
		rc = -1;
	}
	return rc;
}

/* The previous index between writer_load_begin and writer_load_finish. */
struct writer_prev {
	advdb *db;
	load_state ls;
};

/* How an update says that its previous index cannot be read. */
static void previous_error(char *err, size_t errcap, const char *msg)
{
	errbuf_set(err, errcap, "%s (the previous index, which --update "
	          "starts from: compile without --update to write a new "
	          "one)", msg);
}

int writer_load_begin(writer *w, const char *source, char commit[41],
                      writer_prev **out, char *err, size_t errcap)
{
	struct stat st;
	char msg[768];
	int rc;

	*out = NULL;
	commit[0] = 0;
	if (w->finished) {
		errbuf_set(err, errcap, "%s: writer already committed",
		          w->file.path);
		return -1;
	}
	if (stat(w->file.target, &st) < 0) {
		if (errno == ENOENT)
			return 1;
		errbuf_set(err, errcap, "%s: %s", w->file.path, strerror(errno));
		return -1;
	}
	writer_prev *p = calloc(1, sizeof(*p));
	if (!p) {
		errbuf_set(err, errcap, "%s: out of memory", w->file.path);
		return -1;
	}
	rc = advdb_open(&p->db, w->file.target, 0, msg, sizeof(msg));
	if (rc == ADVDB_ESCHEMA) {
		free(p);
		return 1;   /* its records may mean other things: rebuild */
	}
	if (rc == ADVDB_OK)
		rc = wr_load_meta(w, p->db, w->file.target, source, commit, &p->ls,
		                  msg, sizeof(msg));
	else
		rc = -1;
	if (rc != 0) {
		advdb_close(p->db);
		free(p);
		if (rc < 0)
			previous_error(err, errcap, msg);
		return rc;
	}
	*out = p;
	return 0;
}

int writer_load_finish(writer *w, writer_prev *p, char *err, size_t errcap)
{
	char msg[768];
	int rc = wr_load_records(w, p->db, w->file.target, &p->ls, msg,
	                         sizeof(msg));

	advdb_close(p->db);
	free(p);
	if (rc < 0)
		previous_error(err, errcap, msg);
	return rc;
}

int writer_load_previous(writer *w, const char *source, char commit[41],
                         char *err, size_t errcap)
{
	writer_prev *p;
	int rc = writer_load_begin(w, source, commit, &p, err, errcap);

	if (rc == 0 && (rc = writer_load_finish(w, p, err, errcap)) < 0)
		commit[0] = 0;
	return rc;
}
