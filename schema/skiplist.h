/*
 * skiplist.h — the list of advisories a compile skipped (meta `skipped`,
 * SCHEMA.md): written by the compiler under --keep-going, read by
 * libadvdb (advdb_skipped_get) and by the compiler's --update. This file
 * and skiplist.c are the only code that knows its bytes.
 *
 *     u8   format      = 1
 *     u32  total       advisories skipped (>= n: past SKIP_KEEP_MAX only
 *                      the count is kept)
 *     u32  n           entries that follow, sorted by (source, path),
 *                      no (source, path) twice
 *     n times:
 *       u8   source_len (1..64)    source name, e.g. "rustsec"
 *       u16  path_len (1..4096)    the file, e.g. "crates/x/RUSTSEC-..md"
 *       u8   id_len (0..255)       the advisory id when it was read
 *       u32  line                  of the first error; 0: the whole file
 *       u16  msg_len (1..512)      the first error's message (no path,
 *                                  no line)
 *
 * Integers little-endian; strings without NUL bytes, valid UTF-8. The
 * value ends exactly after the last entry.
 *
 * Invariants: the decoder never reads outside [buf, buf+len) and refuses
 * anything the encoder would not write (-1), so a damaged value is an
 * error, never a crash; views point into the caller's buffer.
 */
#ifndef ADVDB_SCHEMA_SKIPLIST_H
#define ADVDB_SCHEMA_SKIPLIST_H

#include <stddef.h>
#include <stdint.h>

#include "limit.h"                  /* SKIP_*_MAX: the caps below */

#define SKIP_FORMAT 1

typedef struct skip_view {           /* one entry: views, not terminated */
	const char *source, *path, *id, *msg;
	size_t source_len, path_len, id_len, msg_len;
	uint32_t line;
} skip_view;

typedef struct skip_iter {
	const uint8_t *p, *end;
	uint32_t total, n, i;
	skip_view prev;                  /* the entry before (order check) */
} skip_iter;

/* Check the header of buf (len bytes). 0, or -1 when malformed. */
int skiplist_open(skip_iter *it, const void *buf, size_t len);

/* The next entry: 1 with *out, 0 after the last one (the value then
 * ended exactly), -1 when malformed (out of order, a bad length, bytes
 * after the end). */
int skiplist_next(skip_iter *it, skip_view *out);

/*
 * Encode n entries (sorted by (source, path), unique, each within the
 * caps above: the caller cuts) and the total into a new buffer (free()).
 * Returns 0, or -1 out of memory or an entry out of range.
 */
int skiplist_encode(uint8_t **out, size_t *len, uint32_t total,
                    const skip_view *v, size_t n);

/* The length of the longest prefix of s[0..len) that fits cap bytes and
 * ends at a UTF-8 character boundary. */
size_t skiplist_cut(const char *s, size_t len, size_t cap);

#endif
