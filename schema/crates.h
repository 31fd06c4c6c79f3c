/*
 * crates.h — the crate record: what the `crates` sub-database holds for
 * one crate of a crates.io index mirror (SCHEMA.md, "crates"). The
 * compiler encodes it (compiler/cratesrc.c reads the mirror), libadvdb
 * decodes it (query/crates.c); this file and crates.c are the only code
 * that knows its bytes.
 *
 * Invariants:
 *   - Every version travels as a version key (version.h), so deciding
 *     "yanked" or "newer" is a memcmp walk: nothing is parsed at lookup.
 *   - The yanked keys are strictly increasing (memcmp order, shorter
 *     first), at most CRATE_YANKED_MAX of them.
 *   - crate_rec_decode never reads outside [buf, buf+len) and refuses
 *     anything that is not exactly one record (-1: damaged).
 *   - Keys are the crate's name in ASCII lower case, as the index names
 *     its files; crate_key_fold makes a lookup key the same way.
 */
#ifndef ADVDB_SCHEMA_CRATES_H
#define ADVDB_SCHEMA_CRATES_H

#include <stddef.h>
#include <stdint.h>
#include "limit.h"

#define CRATE_REC_FORMAT 1

typedef struct crate_rec {
	uint32_t versions;          /* versions published, yanked included */
	const uint8_t *latest;      /* newest non-yanked release; NULL: none */
	uint8_t latest_len;
	const uint8_t *pre;         /* newest non-yanked pre-release, when it
	                               is newer than latest; NULL: none */
	uint8_t pre_len;
	uint16_t n_yanked;
	const uint8_t *yanked;      /* n_yanked times: u8 len, key */
	size_t yanked_len;
} crate_rec;

/* Bytes crate_rec_encode needs for r (its yanked list already encoded
 * in r->yanked / r->yanked_len). */
size_t crate_rec_size(const crate_rec *r);

/* Encode r into out (crate_rec_size(r) bytes); returns that size. */
size_t crate_rec_encode(uint8_t *out, const crate_rec *r);

/* Decode the value buf[0..len) into *out (views into buf). 0, or -1
 * when it is not one well-formed record (a damaged index). Checks every
 * key (version_key_decode) and the yanked order. */
int crate_rec_decode(crate_rec *out, const uint8_t *buf, size_t len);

/* Is the version with key k in r's yanked list? 1 or 0. */
int crate_rec_yanked(const crate_rec *r, const uint8_t *k, size_t klen);

/* The lookup key of name[0..len): ASCII lower case into out
 * (ADV_PACKAGE_MAX bytes of room). Returns len, or 0 when len is 0 or
 * past ADV_PACKAGE_MAX. */
size_t crate_key_fold(char *out, const char *name, size_t len);

/* The meta value `crates_index` (layout.h): the mirror read, as
 * "commit SP time SP crates SP versions SP bad" in decimal. */
typedef struct crates_meta {
	char commit[41];            /* 40 lower-case hex digits */
	int64_t time;               /* commit time; 0: a folder (digest) */
	uint64_t crates, versions, bad;
} crates_meta;

#define CRATES_META_MAX (40 + 4 * 21 + 1)

/* Format m into buf (CRATES_META_MAX bytes); returns the length. */
size_t crates_meta_format(char *buf, const crates_meta *m);

/* Parse s[0..len); 0, or -1 when malformed. */
int crates_meta_parse(crates_meta *out, const char *s, size_t len);

#endif
