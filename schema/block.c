/*
 * block.c — lays out and walks the uncompressed blocks of block.h.
 *
 * Advisory item:  u32 rec_len, then rec_len bytes of a full record.
 * Alias item:     u8 alias_len (1..ADV_ID_MAX), alias, u16 nids
 *                 (1..ALIAS_IDS_MAX), then nids times u8 id_len
 *                 (1..ADV_ID_MAX), id bytes.
 *
 * The walkers read only inside [buf, buf+len) and reject anything a
 * writer would not produce (zero lengths, ids and aliases past
 * ADV_ID_MAX, a record too short to name its id); record contents are
 * record_decode's job.
 */
#include "block.h"
#include "le.h"

#include <string.h>

/* Fixed part of a full record before its id string (record.h): format,
 * collection, info, severity, expect_deleted, u16 cvss, i64 modified. */
#define REC_ID_OFF 15u

size_t blk_item_size(size_t rec_len)
{
	return 4 + rec_len;
}

size_t blk_item_put(uint8_t *dst, const uint8_t *rec, size_t rec_len)
{
	le32_put(dst, (uint32_t)rec_len);
	memcpy(dst + 4, rec, rec_len);
	return 4 + rec_len;
}

int blk_item_next(blk_item *it, const uint8_t *buf, size_t len,
                  size_t *off)
{
	size_t o = *off, left;
	uint32_t rl, il;

	if (o == len)
		return 1;
	if (o > len || len - o < 4)
		return -1;
	rl = le32_get(buf + o);
	o += 4;
	left = len - o;
	if (rl > left || rl < REC_ID_OFF + 5)
		return -1;
	il = le32_get(buf + o + REC_ID_OFF);
	if (il == 0 || il > ADV_ID_MAX || il > rl - REC_ID_OFF - 5)
		return -1;
	it->rec = buf + o;
	it->rec_len = rl;
	it->id = (const char *)buf + o + REC_ID_OFF + 4;
	it->id_len = il;
	*off = o + rl;
	return 0;
}

size_t alias_item_size(size_t alias_len, const char *const *ids,
                       size_t nids)
{
	size_t n = 3 + alias_len;

	for (size_t i = 0; i < nids; i++)
		n += 1 + strlen(ids[i]);
	return n;
}

size_t alias_item_put(uint8_t *dst, const char *alias, size_t alias_len,
                      const char *const *ids, size_t nids)
{
	size_t o = 0;

	dst[o++] = (uint8_t)alias_len;
	memcpy(dst + o, alias, alias_len);
	o += alias_len;
	le16_put(dst + o, (uint16_t)nids);
	o += 2;
	for (size_t i = 0; i < nids; i++) {
		size_t l = strlen(ids[i]);
		dst[o++] = (uint8_t)l;
		memcpy(dst + o, ids[i], l);
		o += l;
	}
	return o;
}

int alias_item_next(alias_item *it, const uint8_t *buf, size_t len,
                    size_t *off)
{
	size_t o = *off;

	if (o == len)
		return 1;
	if (o > len || buf[o] == 0 || buf[o] > ADV_ID_MAX ||
	    len - o < 3u + buf[o])
		return -1;
	it->alias_len = buf[o];
	it->alias = (const char *)buf + o + 1;
	o += 1 + it->alias_len;
	it->nids = le16_get(buf + o);
	o += 2;
	if (it->nids == 0)
		return -1;
	it->ids = buf + o;
	for (size_t i = 0; i < it->nids; i++) {
		if (o >= len || buf[o] == 0 || buf[o] > ADV_ID_MAX ||
		    len - o - 1 < buf[o])
			return -1;
		o += 1u + buf[o];
	}
	it->ids_len = (size_t)(buf + o - it->ids);
	*off = o;
	return 0;
}

int alias_item_id(const char **id, size_t *id_len, const alias_item *it,
                  size_t i)
{
	size_t o = 0;

	if (i >= it->nids)
		return -1;
	for (size_t k = 0;; k++) {
		if (o >= it->ids_len || it->ids[o] == 0 ||
		    it->ids_len - o - 1 < it->ids[o])
			return -1;
		if (k == i) {
			*id = (const char *)it->ids + o + 1;
			*id_len = it->ids[o];
			return 0;
		}
		o += 1u + it->ids[o];
	}
}
