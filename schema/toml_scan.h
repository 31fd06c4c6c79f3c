/*
 * toml_scan.h — internal to the TOML reader: the cursor over the input and
 * the lexing of its leaves (keys, strings, numbers, booleans, datetimes).
 * Only schema/toml*.c include it.
 *
 * Invariants:
 *   - `pos` never passes `len`; every read checks it first (the input is
 *     not NUL-terminated).
 *   - `line` and `bol` (offset of the first byte of that line) follow
 *     `pos`: whoever steps over a '\n' updates them, so an error at the
 *     cursor gets a 1-based line and a 1-based byte column.
 *   - Once tscan_check_text() has passed, the input is valid UTF-8 without
 *     control characters other than tab, LF and CR-LF; the lexers rely on
 *     that and do not look for them again.
 */
#ifndef ADVDB_SCHEMA_TOML_SCAN_H
#define ADVDB_SCHEMA_TOML_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "ascii.h"
#include "toml.h"

struct toml_arena;
/* From toml.c: bump allocation in the document's arena (NULL when out of
 * memory). Memory is 16-byte aligned and lives until toml_free(). */
void *toml_arena_alloc(struct toml_arena *a, size_t n);

typedef struct tscan {
	const char *s;
	size_t len, pos;
	size_t bol;             /* offset where the current line starts */
	unsigned line;          /* 1-based */
	toml_error *err;
	struct toml_arena *arena;
	int v11;                /* TOML 1.1 (TOML_1_1) */
} tscan;

/* A lexed leaf. For strings and datetimes, s/len point into the arena
 * (NUL-terminated); the other fields hold the number or boolean. */
typedef struct tscalar {
	toml_type type;
	const char *s;
	size_t len;
	int64_t i;
	double f;
	int b;
} tscalar;

/* A key segment: bare keys point into the input (not NUL-terminated,
 * `owned` 0); quoted keys are decoded into the arena (`owned` 1). */
typedef struct tkey {
	const char *s;
	size_t len;
	int owned;
	unsigned line, col;
} tkey;

/* Fill sc->err with a message at offset `at` (on the current line) or at
 * an explicit place. Both return -1, so callers can `return tscan_err(..)`. */
int tscan_err(tscan *sc, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int tscan_err_at(tscan *sc, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whole-input check: UTF-8 (no overlongs, surrogates or > U+10FFFF), no
 * control characters but tab and LF, CR only before LF. */
int tscan_check_text(tscan *sc);

/* Skip spaces and tabs. */
void tscan_ws(tscan *sc);
/* At '\n' or "\r\n": step over it and count the line; else return 0. */
int tscan_newline(tscan *sc);
/* At '#': skip to the end of the line (not over the newline). */
void tscan_comment(tscan *sc);

/* One key segment: bare, "basic" or 'literal'. */
int tscan_key(tscan *sc, tkey *out);
/* One leaf value at the cursor: string of any kind, integer, float,
 * boolean or datetime. The caller checks what follows. */
int tscan_scalar(tscan *sc, tscalar *out);
/* From toml_num.c: an integer, float or datetime at the cursor. */
int tscan_numeric(tscan *sc, tscalar *out);

static inline int tscan_is_digit(char c) { return c >= '0' && c <= '9'; }

/* Characters of bare keys; numbers are lexed as runs of these too. */
static inline int tscan_is_bare(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       tscan_is_digit(c) || c == '_' || c == '-';
}

/* Value of a hex digit, or -1. */
static inline int tscan_hexval(char c)
{
	return ascii_hexval((unsigned char)c);
}

#endif
