/*
 * reqlex.h — the lexical pieces of a version requirement that its two
 * readings share: req.c reads an advisory's `patched`/`unaffected`
 * strings as rustsec does, cargo_req.c a Cargo.toml's requirement as
 * Cargo does. The syntax is the semver crate's for both (only spaces are
 * whitespace; a comparator is an optional operator, spaces, and a version
 * token that ends at a space or a comma; comparators are comma-joined);
 * what a comparator means stays with each reading.
 *
 * Messages quote the requirement escaped (escape.h) and cut, so hostile
 * text cannot garble a terminal or grow a message.
 */
#ifndef ADVDB_SCHEMA_REQLEX_H
#define ADVDB_SCHEMA_REQLEX_H

#include <stddef.h>

#define REQLEX_QUOTE_MAX 96     /* bytes of the requirement quoted */

typedef enum reqlex_op {
	REQLEX_NONE,                /* no operator: a bare version */
	REQLEX_EQ, REQLEX_CARET, REQLEX_TILDE,
	REQLEX_GT, REQLEX_GE, REQLEX_LT, REQLEX_LE
} reqlex_op;

/* "<message> in requirement "<s, escaped>"" into err (errbuf.h). -1. */
int reqlex_fail(char *err, size_t errcap, const char *s, size_t len,
                const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* `*`, `x` or `X`: a wildcard character. */
static inline int reqlex_is_wild(char c)
{
	return c == '*' || c == 'x' || c == 'X';
}

/* The first index at or after i that is not a space (len at most). */
static inline size_t reqlex_skip_spaces(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] == ' ')
		i++;
	return i;
}

/* The operator at s[*i], *i moved past it; REQLEX_NONE (*i unmoved) when
 * there is none. */
reqlex_op reqlex_op_at(const char *s, size_t len, size_t *i);

/* The end of the version token that starts at t: the first space or
 * comma, or len. */
size_t reqlex_token_end(const char *s, size_t len, size_t t);

/* Is s[k] a wildcard part of the token s[t..e): a wildcard character
 * alone between dots or the token's ends, before any '-' or '+'? (The
 * caller walks k from t and stops at '-' or '+': `1.0.0-a.x` is a
 * prerelease.) */
int reqlex_wild_part(const char *s, size_t t, size_t e, size_t k);

#endif
