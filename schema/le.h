/*
 * le.h — the little-endian integers of the index formats (SCHEMA.md: "all
 * integers are little-endian and fixed width"): the one coding of u16 and
 * u32, used by the records (record.c), the blocks (block.c), the skipped
 * list (skiplist.c), the writer's digest stream and the reader's early
 * stop in a block, and by the readers of other little-endian formats
 * (binfmt.c, minisign.c's key ids and scrypt limits). Byte by byte, so
 * neither alignment nor the host's byte order matters.
 *
 * (LMDB's own pages are in the host's order: lmdbcheck.c reads those
 * with memcpy, on purpose.)
 */
#ifndef ADVDB_SCHEMA_LE_H
#define ADVDB_SCHEMA_LE_H

#include <stdint.h>

static inline uint16_t le16_get(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t le64_get(const uint8_t *p)
{
	return (uint64_t)le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

static inline void le16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void le32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif
