/*
 * gen.h — one generation of the served index: the file opened (and,
 * with a trusted key, verified) once, its info, and every crates.io
 * advisory already rendered as the OSV object `export-osv` writes, so an
 * answer copies bytes instead of decompressing and formatting.
 *
 * Lifetime: a generation is immutable once gen_load() returns it and is
 * shared by every request that started while it was current (reload.h
 * swaps the current one). It is reference-counted: gen_load() hands out
 * one reference, gen_hold() takes another, gen_release() drops one and
 * the last drop closes the index. Everything a generation hands out
 * (records, texts, the session) stays valid while a reference is held.
 *
 * Memory: the rendered records of the real advisory-db take about 3 MiB.
 * At most GEN_RENDER_MAX bytes are kept; past that (an index of hundreds
 * of thousands of advisories) a record is rendered on demand instead,
 * with the same bytes.
 */
#ifndef ADVDB_SERVE_GEN_H
#define ADVDB_SERVE_GEN_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "advdb.h"
#include "buf.h"
#include "cli.h"
#include "rfc3339.h"
#include "session.h"

#define GEN_RENDER_MAX ((size_t)256 << 20)

typedef struct gen_record {
	char id[ADVDB_ID_MAX];
	char modified[RFC3339_MAX]; /* as in the record (osvout.h) */
	const char *json;           /* the OSV object (no newline), or NULL
	                               when past GEN_RENDER_MAX */
	size_t len;
} gen_record;

/* What a file was when it was read: a replacement (a rename over it)
 * changes the inode; a write in place (never to be done) the times. */
typedef struct gen_ident {
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
} gen_ident;

typedef struct serve_gen {
	cli_opts opts;              /* the session points at it */
	session s;                  /* db, info, signature, path */
	gen_record *recs;           /* sorted by id */
	size_t nrecs;
	uint32_t *slots;            /* hash of id -> recs index + 1 (0 empty) */
	size_t nslots;              /* a power of two, > 2 * nrecs */
	char *text;                 /* the rendered records, end to end */
	gen_ident ident, sig_ident; /* the index and DB.minisig, as loaded */
	int64_t loaded_at;          /* unix seconds */
	unsigned long serial;       /* 1 for the first generation, then +1 */
	atomic_uint refs;
} serve_gen;

/* What to open: the index path, the trusted key (NULL: none) and where
 * it came from (for messages), whether an incomplete index (advisories
 * skipped at compile time) may be served. */
typedef struct gen_source {
	const char *path;
	const char *trust_key, *trust_from;
	int allow_incomplete;
} gen_source;

/* The identities of src's index and signature file now. */
void gen_ident_now(gen_ident *index, gen_ident *sig, const gen_source *src);
int gen_ident_same(const gen_ident *a, const gen_ident *b);

/*
 * Open src's index (advdb_open, or advdb_open_verified with the key),
 * read its info and render its records. The identities are taken before
 * the file is opened, so a replacement racing the load is seen again by
 * the next check rather than missed. Returns 0 with *out holding one
 * reference, or -1 with a message in err naming the file (an incomplete
 * index without allow_incomplete is refused here), or "" when the
 * failure to open or verify the file was logged already (session.h
 * prints its own errors).
 */
int gen_load(serve_gen **out, const gen_source *src, unsigned long serial,
             char *err, size_t cap);

void gen_hold(serve_gen *g);
void gen_release(serve_gen *g);

/* The record of advisory id (by its own id, not an alias), or NULL. */
const gen_record *gen_find(const serve_gen *g, const char *id, size_t len);

/*
 * Append the OSV object of advisory id (its own id or an alias; crates
 * collection only) to out and, when modified is not NULL, copy its
 * modified text there. Returns ADVDB_OK, ADVDB_ENOTFOUND, or another
 * libadvdb error (a damaged record).
 */
int gen_render(buf *out, char *modified, const serve_gen *g, const char *id);

/* The modified text of a matched advisory (from its record, else read
 * from the index into tmp). NULL when the index cannot give it. */
const char *gen_modified(const serve_gen *g, const char *id,
                         char tmp[RFC3339_MAX]);

#endif
