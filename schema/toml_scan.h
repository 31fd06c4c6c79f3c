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

#include "toml_tree.h"     /* the arena's bump allocation, inline */

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

/* The three below run between every two tokens: inline, so a Cargo.lock
 * line does not pay a call per blank. */

/* Skip spaces and tabs. */
static inline void tscan_ws(tscan *sc)
{
	const char *s = sc->s;
	size_t p = sc->pos, n = sc->len;

	while (p < n && (s[p] == ' ' || s[p] == '\t'))
		p++;
	sc->pos = p;
}

/* At '\n' or "\r\n": step over it and count the line; else return 0. */
static inline int tscan_newline(tscan *sc)
{
	size_t p = sc->pos;

	if (p < sc->len && sc->s[p] == '\r' && p + 1 < sc->len &&
	    sc->s[p + 1] == '\n')
		p++;
	if (p < sc->len && sc->s[p] == '\n') {
		sc->pos = p + 1;
		sc->bol = sc->pos;
		sc->line++;
		return 1;
	}
	return 0;
}

/* At '#': skip to the end of the line (not over the newline). */
void tscan_comment_skip(tscan *sc);
static inline void tscan_comment(tscan *sc)
{
	if (sc->pos < sc->len && sc->s[sc->pos] == '#')
		tscan_comment_skip(sc);
}

/* One key segment: bare, "basic" or 'literal'. */
int tscan_key(tscan *sc, tkey *out);
/* One leaf value at the cursor: string of any kind, integer, float,
 * boolean or datetime. The caller checks what follows. */
int tscan_scalar(tscan *sc, tscalar *out);
/* From toml_num.c: an integer, float or datetime at the cursor. */
int tscan_numeric(tscan *sc, tscalar *out);

static inline int tscan_is_digit(char c) { return c >= '0' && c <= '9'; }

/* Characters of bare keys (A-Z a-z 0-9 _ -), one byte each: keys and
 * numbers are lexed as runs of these. */
extern const unsigned char tscan_bare[256];
static inline int tscan_is_bare(char c)
{
	return tscan_bare[(unsigned char)c];
}

/* Value of a hex digit, or -1. */
static inline int tscan_hexval(char c)
{
	return ascii_hexval((unsigned char)c);
}

#endif
