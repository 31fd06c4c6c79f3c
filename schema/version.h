/*
 * version.h — semver 2.0 versions as Cargo's `semver` crate reads them,
 * and version keys: an order-preserving byte encoding of a version.
 *
 * Invariants:
 *   - A parsed version owns its text (fixed buffers, no allocation), so a
 *     version can live on the stack and be copied with '='.
 *   - Prerelease and build texts are capped (VERSION_PRE_MAX,
 *     VERSION_BUILD_MAX); longer input is an error, never truncated.
 *   - For any two versions a, b:
 *       sign(version_cmp(a, b)) == sign(memcmp of their keys, shorter first)
 *     where version_key_cmp() does the memcmp-then-length comparison.
 *     Build metadata is ignored by both and is not stored in a key.
 *
 * Key layout (SCHEMA.md repeats this):
 *   num(major) num(minor) num(patch) tail
 *   num(x)   = one byte n (0..8, the count of significant bytes of x),
 *              then x in n big-endian bytes (0 is the single byte 0x00)
 *   tail     = 0xFF for a release (no prerelease); otherwise each
 *              identifier in order, then 0x00:
 *                numeric      0x01 num(value)
 *                alphanumeric 0x02 bytes 0x00
 *   0x00 < 0x01 < 0x02 < 0xFF gives: shorter prerelease first, numeric
 *   identifiers below alphanumeric, any prerelease below the release.
 */
#ifndef ADVDB_SCHEMA_VERSION_H
#define ADVDB_SCHEMA_VERSION_H

#include <stddef.h>
#include <stdint.h>
#include "limit.h"   /* VERSION_*_MAX, VKEY_MAX */

typedef struct version {
	uint64_t major, minor, patch;
	uint16_t pre_len;               /* 0: a release */
	uint16_t build_len;
	char pre[VERSION_PRE_MAX + 1];  /* NUL-terminated, dot-separated */
	char build[VERSION_BUILD_MAX + 1];
} version;

/*
 * Parse exactly `len` bytes of `s` as a full semver version
 * (MAJOR.MINOR.PATCH[-PRE][+BUILD]); no surrounding whitespace, no 'v'.
 * Numbers: no leading zeros, at most 2^64-1. Identifiers: non-empty,
 * [0-9A-Za-z-]; numeric prerelease identifiers without leading zeros
 * (build identifiers may have them), and within 2^64-1 too, so that the
 * key can hold them (the semver crate has no such limit; no real version
 * needs more).
 * Returns 0 and fills *out, or -1 and sets *err to a static message.
 */
int version_parse(version *out, const char *s, size_t len, const char **err);

/* Like version_parse, but MINOR and PATCH may be missing ("1", "1.2"),
 * filled with 0; *nparts receives 1, 2 or 3. Used by requirements. */
int version_parse_partial(version *out, int *nparts, const char *s,
                          size_t len, const char **err);

/* The release MAJOR.MINOR.PATCH into *out; with pre0, its least
 * prerelease MAJOR.MINOR.PATCH-0 instead (the exclusive upper bound that
 * caret and tilde requirements carry). */
void version_set(version *out, uint64_t major, uint64_t minor,
                 uint64_t patch, int pre0);

/* Semver precedence: <0, 0, >0. Build metadata is ignored. */
int version_cmp(const version *a, const version *b);

/* Canonical text (with build, if any) into buf; returns the length that
 * the full text needs, like snprintf. Never writes more than cap bytes and
 * always NUL-terminates when cap > 0. */
size_t version_format(const version *v, char *buf, size_t cap);

/* The least version strictly greater than v under precedence, as rustsec
 * computes it for an exclusive bound: a release gets patch+1 with
 * prerelease "0" (1.2.3 -> 1.2.4-0); a prerelease gets a ".0" identifier
 * appended (1.2.3-rc.1 -> 1.2.3-rc.1.0). Returns -1 when that does not
 * fit (patch overflow or prerelease cap). */
int version_next(version *out, const version *v);

/* Encode v's key into out (VKEY_MAX bytes of room); returns its length
 * (1..VKEY_MAX), or 0 if the key would not fit (cannot happen for a
 * version that version_parse accepted). */
size_t version_key_encode(const version *v, uint8_t *out);

/* Decode a key back to a version (without build). Returns 0, or -1 when
 * the bytes are not a well-formed key; never reads past len. */
int version_key_decode(version *out, const uint8_t *key, size_t len);

/* memcmp order of two keys, the shorter first when one is a prefix. */
int version_key_cmp(const uint8_t *a, size_t alen,
                    const uint8_t *b, size_t blen);

#endif
