/*
 * writer_int.h — the writer's internal state, shared by writer.c (entries
 * and the public calls), writer_load.c (reading a previous index) and
 * writer_commit.c (writing the new one). Not for use outside the writer.
 *
 * Invariants:
 *   - An entry owns its encoded record (enc) and its decoded view (rec,
 *     made by record_decode_view from enc, so enc == record_encode(rec)
 *     and rec's strings point into enc). An entry loaded from a previous
 *     DB names the block it was in (pblock, an index into writer.pblk);
 *     its enc is a view into that block's decompressed bytes
 *     (prev_block.raw, freed with the blocks, after every entry), not
 *     its own allocation (enc_shared). The block's frame is valid only
 *     under the previous dictionary (writer.dict).
 *   - At most one live entry per id and per (source, path). Replaced and
 *     removed entries stay in the array, dead, until the writer is closed:
 *     the maps skip dead entries, except wr_map_find's want_prev.
 *   - by_pkg counts the live entries of each (collection, package), so
 *     no package ever has more than HOT_ENTRIES_MAX: an entry turns alive
 *     or dead only through wr_entry_push and wr_set_alive.
 */
#ifndef ADVDB_COMPILER_WRITER_INT_H
#define ADVDB_COMPILER_WRITER_INT_H

#include <stddef.h>
#include <stdint.h>
#include "advdb.h"
#include "dbfile.h"
#include "errbuf.h"
#include "limit.h"
#include "writer.h"

#ifndef ZLEVEL
#define ZLEVEL 12                 /* measured: see SCHEMA.md, Figures */
#endif
#ifndef ZLEVEL_UPDATE
#define ZLEVEL_UPDATE 2           /* blocks an update recompresses */
#endif
#ifndef DICT_CAP
#define DICT_CAP (32u << 10)      /* trained dictionary size (measured) */
#endif
#define DICT_MIN_SAMPLES 64       /* fewer records: no dictionary */
#ifndef DICT_BLOCK_MAX
#define DICT_BLOCK_MAX (64u << 10) /* a dictionary only when the mean block
                                     is smaller (measured, SCHEMA.md:
                                     it pays for itself on small frames
                                     only) */
#endif
/* SOURCE_NAME_MAX, SOURCES_MAX and the other shared limits: limit.h */

typedef struct entry {
	char *key;                /* "<source>:<path>": the file it came from */
	const char *id;           /* inside rec */
	int alive;
	int from_prev;            /* loaded by writer_load_previous */
	uint8_t *enc;             /* encoded full record */
	size_t enc_len;
	int enc_shared;           /* enc is in a prev_block's raw: not freed */
	adv_record *rec;          /* decoded from enc, pointing into it */
	long pblock;              /* previous DB's block, or -1 */
	uint32_t hid, hkey;       /* map hashes of id and key (wr_entry_push) */
} entry;

typedef struct pblock {       /* a block of the previous DB */
	uint8_t *z;               /* its frame, as stored */
	size_t zlen;
	uint8_t *raw;             /* its items decompressed: its entries' enc */
	size_t count;             /* records in it */
} prev_block;

typedef struct prev_alias {  /* an alias block of the previous DB */
	char *key;                /* its first alias, NUL-terminated */
	uint8_t *z;               /* its frame, as stored */
	size_t zlen;
	uint8_t *raw;             /* decompressed */
	size_t rawlen;
} prev_alias;

typedef struct strmap {       /* open addressing; a slot: the key's hash
                                 << 32 | entry index + 1 (0: empty), so
                                 probes and growth read no entry */
	uint64_t *slot;
	size_t cap, used;
} strmap;

typedef struct pkgcount {    /* live entries of one package */
	char *name;               /* collection byte, then the package name */
	uint32_t n;
} pkgcount;

typedef struct pkgmap {       /* open addressing on name */
	pkgcount *slot;
	size_t cap, used;
} pkgmap;

typedef struct source_info {
	char name[SOURCE_NAME_MAX + 1];
	char commit[41];
	int64_t time;
	int has_tz;               /* tz is known (META_COMMIT_TZ) */
	int32_t tz;               /* committer's UTC offset, minutes */
} source_info;

typedef struct crate_item {   /* one crate of the crates.io index */
	char *name;               /* the `crates` key */
	uint8_t *rec;             /* its crate record; NULL: deleted */
	size_t len;
	size_t seq;               /* 0 loaded; else order of the put */
} crate_item;

typedef struct skip_item {    /* an advisory --keep-going left out */
	char *source, *path, *id, *msg;   /* cut to skiplist.h's caps */
	uint32_t line;
} skip_item;

struct writer {
	dbfile file;              /* the index replaced on commit */
	entry *v;
	size_t n, cap;
	strmap by_id, by_key;
	pkgmap by_pkg;
	source_info src[SOURCES_MAX];
	size_t nsrc;
	prev_block *pblk;            /* previous DB's blocks, in key order */
	size_t npblk;
	prev_alias *palias;       /* previous DB's alias blocks, in key order */
	size_t npalias;
	uint8_t *dict;            /* previous DB's dictionary (update) */
	size_t dict_len;
	int have_prev;            /* entries came from a previous DB */
	int history;
	int finished;             /* writer_commit ran */
	int committed;            /* ... and renamed the file into place */
	writer_sign_fn sign;      /* writer_set_signature; NULL: none */
	void *sign_arg;
	skip_item *skip;          /* at most SKIP_KEEP_MAX, any order */
	size_t nskip, capskip;
	uint32_t skip_unlisted;   /* skipped past the cap: only counted */
	/* writer_crates.c: the `crates` sub-database */
	crate_item *cr;           /* loaded ones, then puts and deletes */
	size_t ncr, capcr, crseq;
	int crates_on;            /* the new index has a crates index */
	char crates_commit[41];
	int64_t crates_time;
	uint64_t crates_bad;
};

int wr_parse_u64(const char *s, uint64_t *out);

/* "<source>:<path>" in a new allocation, or NULL. */
char *wr_make_key(const char *source, const char *path);

/* Index of the live entry with this key (by_id or by_key), or with
 * want_prev of an entry loaded from the previous DB, dead or alive;
 * -1 when none. */
long wr_map_find(const writer *w, const strmap *m, const char *key,
                 int want_prev);

/* Take ownership of *e as a new live entry (then *e is zeroed); on
 * failure (-1, out of memory) *e is untouched and still the caller's. */
int wr_entry_push(writer *w, entry *e);

/* Entry i turns alive or dead (its package's count follows). */
void wr_set_alive(writer *w, size_t i, int alive);

/* Live entries of r's package (its collection and name). */
uint32_t wr_package_count(const writer *w, const adv_record *r);
void wr_entry_free(entry *e);

/* Read the index db (open on path, for messages) through libadvdb's
 * reader into the empty writer w: its sources, dictionary, block frames
 * and records. With source (--update), an index without that source is
 * 1 (nothing loaded) and commit gets the source's commit; without
 * (--install), commit may be NULL. 0, 1, or -1 with err naming path; w
 * is unchanged unless 0. */
int wr_load_index(writer *w, advdb *db, const char *path,
                  const char *source, char commit[41], char *err,
                  size_t errcap);

/* The content digest (SCHEMA.md) of n records in id order, as 40 hex
 * digits. 0 or -1 (out of memory, libgit2). */
int wr_digest(char hex[41], entry *const *live, size_t n);

/* Put the written temporary file in place of the target, with its
 * signature file when w->sign gives one (writer_sign.c). 0 (st->signature
 * set when st is not NULL) or -1 with err. */
int wr_put_in_place(writer *w, writer_stats *st, char *err, size_t errcap);

/* Forget every entry, the previous dictionary and the sources. */
void wr_drop_all(writer *w);

/* ---- writer_skip.c ---- */
/* Drop the skip entry of (source, path), if any. */
void wr_skip_drop(writer *w, const char *source, const char *path);
/* Replace the list with the one in a previous index's meta value. 0, or
 * -1 when it is malformed or memory ran out. */
int wr_skip_load(writer *w, const void *val, size_t len);
/* The list as the meta value (*out NULL, *len 0 when nothing was
 * skipped). 0, or -1 out of memory. */
int wr_skip_encode(writer *w, uint8_t **out, size_t *len);
void wr_skip_free(writer *w);

/* ---- writer_crates.c ---- */
/* Read the previous index's `crates` and its meta into w (nothing when
 * it has none). 0, or -1 with err naming path. */
int wr_crates_load(writer *w, advdb *db, const char *path, char *err,
                   size_t errcap);
/* The crates of the new index, sorted by name, the last put of each
 * winning and deletions dropped, into w->cr (w->ncr). Sums the versions
 * into *versions. 0 or -1 (out of memory). */
int wr_crates_final(writer *w, uint64_t *versions);
void wr_crates_free(writer *w);

/* The source named name; created when create and there is room. */
source_info *wr_source_slot(writer *w, const char *name, int create);

#endif
