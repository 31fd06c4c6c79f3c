/*
 * writer_int.h — the writer's internal state, shared by writer.c (entries
 * and the public calls), writer_load.c (reading a previous index) and
 * writer_commit.c (writing the new one). Not for use outside the writer.
 *
 * Invariants:
 *   - An entry owns its encoded record (enc) and a decoded copy (rec, made
 *     by record_decode from enc, so enc == record_encode(rec)). An entry
 *     loaded from a previous DB names the block it was in (pblock, an
 *     index into writer.pblk); that block's frame is valid only under the
 *     previous dictionary (writer.dict).
 *   - At most one live entry per id and per (source, path). Replaced and
 *     removed entries stay in the array, dead, until the writer is closed:
 *     the maps skip dead entries, except wr_map_find's want_prev.
 */
#ifndef ADVDB_COMPILER_WRITER_INT_H
#define ADVDB_COMPILER_WRITER_INT_H

#include <stddef.h>
#include <stdint.h>
#include "writer.h"

#ifndef ZLEVEL
#define ZLEVEL 12                 /* measured: see SCHEMA.md, Figures */
#endif
#ifndef ZLEVEL_UPDATE
#define ZLEVEL_UPDATE 6           /* blocks an update recompresses */
#endif
#ifndef DICT_CAP
#define DICT_CAP (32u << 10)      /* trained dictionary size (measured) */
#endif
#define DICT_MIN_SAMPLES 64       /* fewer records: no dictionary */
#define FRAME_MAX (64u << 20)     /* largest decompressed record accepted */
#define SOURCE_NAME_MAX 64
#define KEY_MAX 480               /* LMDB's default key limit is 511 */
#define SOURCES_MAX 16

typedef struct entry {
	char *key;                /* "<source>:<path>": the file it came from */
	const char *id;           /* inside rec */
	int alive;
	int from_prev;            /* loaded by writer_load_previous */
	uint8_t *enc;             /* encoded full record */
	size_t enc_len;
	adv_record *rec;          /* decoded from enc */
	long pblock;              /* previous DB's block, or -1 */
} entry;

typedef struct pblock {       /* a block of the previous DB */
	uint8_t *z;               /* its frame, as stored */
	size_t zlen;
	size_t count;             /* records in it */
} prev_block;

typedef struct strmap {       /* open addressing, values: entry index + 1 */
	uint32_t *slot;
	size_t cap, used;
} strmap;

typedef struct source_info {
	char name[SOURCE_NAME_MAX + 1];
	char commit[41];
	int64_t time;
} source_info;

typedef struct skip_item {    /* an advisory --keep-going left out */
	char *source, *path, *id, *msg;   /* cut to skiplist.h's caps */
	uint32_t line;
} skip_item;

struct writer {
	char *target, *tmp;
	entry *v;
	size_t n, cap;
	strmap by_id, by_key;
	source_info src[SOURCES_MAX];
	size_t nsrc;
	prev_block *pblk;            /* previous DB's blocks, in key order */
	size_t npblk;
	uint8_t *dict;            /* previous DB's dictionary (update) */
	size_t dict_len;
	int have_prev;            /* entries came from a previous DB */
	int history;
	int finished;             /* writer_commit ran */
	int committed;            /* ... and renamed the file into place */
	skip_item *skip;          /* at most SKIP_KEEP_MAX, any order */
	size_t nskip, capskip;
	uint32_t skip_unlisted;   /* skipped past the cap: only counted */
};

void wr_seterr(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
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
void wr_entry_free(entry *e);

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

/* The source named name; created when create and there is room. */
source_info *wr_source_slot(writer *w, const char *name, int create);

#endif
