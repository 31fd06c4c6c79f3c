/*
 * block.h — the uncompressed contents of schema 2's blocks (SCHEMA.md):
 * an `advisories` value holds a run of full records in id order, an
 * `aliases` value a run of aliases in key order. Compression is the
 * caller's; this module only lays out and walks the bytes.
 *
 * Invariants: the walkers check every length against the bytes left and
 * never read past `len`; an item they hand out points into the caller's
 * buffer. Writers size their output with the *_size() helpers first.
 */
#ifndef ADVDB_SCHEMA_BLOCK_H
#define ADVDB_SCHEMA_BLOCK_H

#include <stddef.h>
#include <stdint.h>
#include "limit.h"   /* BLOCK_*, ALIAS_BLOCK, ALIAS_IDS_MAX, ADV_ID_MAX */

/* One record of an advisory block. */
typedef struct blk_item {
	const uint8_t *rec;          /* encoded full record (record.h) */
	size_t rec_len;
	const char *id;              /* inside rec; not NUL-terminated */
	size_t id_len;
} blk_item;

/* Bytes one item takes. */
size_t blk_item_size(size_t rec_len);

/* Lay one item out at dst (blk_item_size bytes). */
size_t blk_item_put(uint8_t *dst, const uint8_t *rec, size_t rec_len);

/* The item at *off: 0 (item filled, *off moved past it), 1 at the end
 * of the block, -1 when the bytes are malformed. */
int blk_item_next(blk_item *it, const uint8_t *buf, size_t len,
                  size_t *off);

/* One alias of an alias block and the ids listing it. */
typedef struct alias_item {
	const char *alias;           /* not NUL-terminated */
	size_t alias_len;
	const uint8_t *ids;          /* nids times: u8 len, len bytes */
	size_t ids_len, nids;
} alias_item;

/* Bytes one alias takes, with these ids (1..ALIAS_IDS_MAX of them, each
 * 1..ADV_ID_MAX bytes). */
size_t alias_item_size(size_t alias_len, const char *const *ids,
                       size_t nids);
size_t alias_item_put(uint8_t *dst, const char *alias, size_t alias_len,
                      const char *const *ids, size_t nids);
int alias_item_next(alias_item *it, const uint8_t *buf, size_t len,
                    size_t *off);

/* The i-th id of an alias item (i < nids): 0, or -1 when malformed. */
int alias_item_id(const char **id, size_t *id_len, const alias_item *it,
                  size_t i);

#endif
