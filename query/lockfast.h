/*
 * lockfast.h — the fast Cargo.lock reader, and the pieces of lockfile.c
 * it shares with the general one. Internal to query/lockfile.c and
 * query/lockfast.c (and their tests): the interface is lockfile.h.
 *
 * The fast reader takes exactly the shape Cargo writes (v1-v4): `#`
 * comment lines, blank lines, `version = N` (1..4) before any table,
 * `[[package]]` and v1's `[root]` tables whose members are `name`,
 * `version`, `source`, `checksum`, `replace` = "text" and
 * `dependencies = [` then one ` "text",` a line, then `]`; v1's
 * `[metadata]` of `"key" = "text"` lines in Cargo's (sorted) order.
 * Every string is plain printable ASCII (no escape), every line ends
 * right after its value. It reads that into a lockfile with no tree,
 * cutting its strings out of the text in place.
 *
 * Invariant: it accepts only input the general reader (lockfile.c over
 * schema/toml.c) accepts, with the same packages, lines, entries and
 * format; on anything else (other bytes, spacing, keys, tables, types,
 * a duplicate key, a bad version, more than LOCKFAST_SIZE_MAX bytes) it
 * declines before it changes a byte, and the general reader decides,
 * error messages and lines included. tests/fuzz/fuzz_lockfile.c holds
 * it to that.
 */
#ifndef ADVDB_QUERY_LOCKFAST_H
#define ADVDB_QUERY_LOCKFAST_H

#include <stddef.h>
#include "lockfile.h"

/* Readable bytes past a text's end that the readers need, all NUL (the
 * fast reader loads 16 bytes at a time and stops at a NUL). */
#define LOCK_TEXT_PAD 64
/* Larger texts go to the general reader: under this, no tree the general
 * reader would build comes near TOML_MEMORY_MAX (an acceptance the fast
 * reader cannot see), and real lockfiles are a few hundred KiB. */
#define LOCKFAST_SIZE_MAX ((size_t)4 << 20)

/* t[0..len) followed by LOCK_TEXT_PAD NUL bytes, in a malloc'd block.
 * Returns 1 when read: *out filled and owning t. 0 when declined: *out
 * zeroed, t untouched and still the caller's. -1 out of memory after t
 * was cut up: *out zeroed, t freed. */
int lockfast_parse(lockfile *out, char *t, size_t len);

/* The general reader alone, as lockfile_parse() runs it on a declined
 * text (the same checks before it): for the tests that hold the two
 * readers to the same answers. */
int lock_parse_general(lockfile *out, const char *text, size_t len,
                       lock_error *err);

/* ---- shared with lockfile.c ---- */

/* Room for element n of the array *v of *cap elements of `size` bytes
 * (doubling); 0, or -1 out of memory (the array unchanged). */
int lock_grow(void **v, size_t *cap, size_t n, size_t size);

/* A growable array of lock_text: every package's `dependencies` entries
 * one after another, in package order. */
typedef struct lock_texts {
	lock_text *v;
	size_t n, cap;
} lock_texts;

/* Append one entry; -1 out of memory. (Inline: once per entry of a
 * lockfile.) */
static inline int lock_texts_push(lock_texts *v, const char *p, size_t n,
                                  unsigned line)
{
	if (v->n == v->cap &&
	    lock_grow((void **)&v->v, &v->cap, v->n, sizeof(*v->v)) < 0)
		return -1;
	v->v[v->n++] = (lock_text){ p, n, line };
	return 0;
}
/* Hand v's entries to lf (lf->texts) and point each package's dep_list
 * at its ndep_list entries; v is emptied. */
void lock_texts_attach(lockfile *lf, lock_texts *v);

/* A [metadata] member whose value is a string. */
typedef struct lock_meta {
	const char *key;
	size_t klen;
	const char *val;            /* NUL-terminated */
	size_t vlen;
} lock_meta;

/* v1's "checksum NAME VERSION (SOURCE)" keys among m[0..n) into the
 * packages' checksum; 0, or -1 out of memory (err set). Package strings
 * must be NUL-terminated. */
int lock_join_checksums(lockfile *lf, const lock_meta *m, size_t n,
                        lock_error *err);

#endif
