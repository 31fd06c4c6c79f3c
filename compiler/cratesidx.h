/*
 * cratesidx.h — one file of a crates.io index mirror: its place in the
 * index layout and its JSON lines, read into a crate record (crates.h).
 *
 * The index (the `crates.io-index` git repository, or a folder of its
 * files) holds one file per crate at a path made from the crate's name
 * in lower case: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcdef`; each line of
 * it is one JSON object per published version (`name`, `vers`, `cksum`,
 * `yanked`, and more that is not read here).
 *
 * Hostile input: every line is bounded (CRATES_LINE_MAX) and parsed
 * alone, so a malformed line (not JSON, a name that is not the file's,
 * an invalid version or checksum, a version twice) is reported through
 * the caller's callback with its line number, counted, and left out;
 * the rest of the file still counts. Nothing here prints or keeps state.
 */
#ifndef ADVDB_COMPILER_CRATESIDX_H
#define ADVDB_COMPILER_CRATESIDX_H

#include <stddef.h>
#include <stdint.h>
#include "limit.h"

typedef struct cratesidx_file {
	uint8_t *rec;               /* the crate record (crates.h), malloc'd;
	                               NULL when no line was valid */
	size_t rec_len;
	uint32_t versions;          /* valid lines */
	uint32_t yanked;            /* of them yanked */
	size_t bad;                 /* malformed lines */
} cratesidx_file;

/* Called for each malformed line (line 0: about the whole file). */
typedef void (*cratesidx_report)(void *arg, unsigned line, const char *msg);

/*
 * The crate a path of the index names: 1 and its name in name (NUL-
 * terminated, ADV_PACKAGE_MAX + 1 bytes); 0 for a path outside the
 * layout that an index holds besides its crates (a file at the top, such
 * as config.json, or anything under a folder whose name starts with
 * '.'); -1 for a path in the layout's folders that no crate name fits,
 * with *why saying so.
 */
int cratesidx_path(char *name, const char *path, const char **why);

/*
 * Parse text[0..len) as the index file of crate `name` (as from
 * cratesidx_path) into *out. Returns 0 (out->rec NULL and a report at
 * line 0 when no line was valid), or -1 out of memory. Free with
 * cratesidx_file_free.
 */
int cratesidx_parse(cratesidx_file *out, const char *name, const char *text,
                    size_t len, cratesidx_report fn, void *arg);
void cratesidx_file_free(cratesidx_file *f);

#endif
