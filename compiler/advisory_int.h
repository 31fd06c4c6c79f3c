/*
 * advisory_int.h — what the three files of the advisory parser share, and
 * nothing else includes:
 *
 *   advisory_ctx.c       the parse context: arena, diagnostics, typed
 *                        reading of TOML values
 *   advisory.c           [advisory], the file's place, the driver
 *   advisory_affected.c  [versions], [affected] and the vulnerable ranges
 *   advisory_forms.c     the forms of ids, dates, URLs, sources and
 *                        function paths, as rustsec's types read them
 *
 * Invariant: every string or array a record points to comes from
 * adv_alloc/adv_str, so it lives exactly as long as the advisory.
 */
#ifndef ADVDB_COMPILER_ADVISORY_INT_H
#define ADVDB_COMPILER_ADVISORY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "advisory.h"
#include "arena.h"
#include "req.h"
#include "toml.h"

struct advisory {
	adv_record rec;
	arena mem;                  /* everything rec points to */
	const char *unindexed;      /* advisory_unindexed() */
};

typedef struct ctx {
	advisory *a;
	const char *path;
	diag_list *d;
	int shift;          /* file line = TOML line + shift (at least 1) */
	unsigned errors;
	unsigned fence;     /* file line of the opening fence */
	unsigned flags;     /* ADVISORY_STRICT: warnings are errors */
} ctx;

/* Years rustsec accepts in dates and ids. */
#define ADV_YEAR_MIN 2000u
#define ADV_YEAR_MAX 2100u

typedef enum adv_id_kind {      /* rustsec's IdKind, by prefix */
	ADV_ID_RUSTSEC, ADV_ID_CVE, ADV_ID_TALOS, ADV_ID_GHSA, ADV_ID_OTHER
} adv_id_kind;

typedef struct adv_id {
	adv_id_kind kind;
	int placeholder;    /* ADVISORY_PLACEHOLDER_ID */
	int has_year;       /* RUSTSEC, CVE and TALOS ids (not the draft) */
	uint32_t year;
} adv_id;

/* Requirements of [versions], collected before the ranges are computed. */
typedef struct reqset {
	interval iv[REQ_RANGES_MAX];
	size_t n;
	int bad;            /* a requirement failed to parse */
} reqset;

/* ---- advisory_ctx.c ---- */

/* Zeroed arena memory / a NUL-terminated arena copy; NULL when out of
 * memory (the caller reports it with adv_oom). */
void *adv_alloc(advisory *a, size_t n);
const char *adv_str(advisory *a, const char *s, size_t len);

/* Report at a file line (control characters escaped); adv_err counts. */
void adv_err(ctx *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void adv_warn(ctx *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void adv_oom(ctx *c, unsigned line);

/* File line of a value, or of the i-th key of a table. */
unsigned adv_vline(const ctx *c, const toml_value *v);
unsigned adv_kline(const ctx *c, const toml_value *t, size_t i);
const char *adv_kind_name(toml_type k);   /* "a string", "an array", ... */

/* An arena copy of len bytes of text (the value of `what`, at `line`);
 * NUL characters become U+FFFD, with a warning. NULL when out of memory
 * (reported). */
const char *adv_text(ctx *c, const char *s, size_t len, const char *what,
                     unsigned line);

/* Typed reading: each reports what is wrong (naming `what`) itself.
 * adv_want_string: 0 with a view, or -1. adv_take_string: an arena copy
 * or NULL. adv_take_strlist: 0 (bad elements reported and left out), or
 * -1 when v is not an array. */
int adv_want_string(ctx *c, const toml_value *v, const char *what,
                    const char **s, size_t *len);
const char *adv_take_string(ctx *c, const toml_value *v, const char *what);
int adv_take_strlist(ctx *c, const toml_value *v, const char *what,
                     strlist *out);

/* Is s one of the NULL-terminated set? */
int adv_in_set(const char *s, const char *const *set);

/* ---- advisory_forms.c ----
 * Each takes exactly n bytes; on failure *why is a static reason. */

/* Rust's u32::from_str: optional '+', digits, at most 2^32-1. 0 / -1. */
int adv_rust_u32(const char *s, size_t n, uint32_t *out);
/* rustsec's Id::from_str (any prefix is an id; RUSTSEC-, CVE- and
 * TALOS- ones need PREFIX-YEAR-NUMBER, the year 2000 to 2100). */
int adv_id_parse(adv_id *out, const char *s, size_t n, const char **why);
/* rustsec's Date::from_str: jiff's Temporal date (YYYY-MM-DD, YYYYMMDD,
 * +YYYYYY-MM-DD, optionally a time and offset after T or a space, no
 * "Z"), year 2000 to 2100. out: the date as YYYY-MM-DD. */
int adv_date_parse(char out[11], const char *s, size_t n, const char **why);
/* The year rustsec's linter reads from a date: the text before the first
 * '-' as a u32. -1 when that is no number. */
int adv_date_year(const char *s, size_t n, uint32_t *year);
/* Would the url crate's Url::parse accept it (an absolute URL)? */
int adv_url_check(const char *s, size_t n, const char **why);
/* cargo-lock's SourceId::from_url (KIND+URL); *crates_io when it is
 * crates.io's (the default rustsec assumes). */
int adv_source_check(const char *s, size_t n, int *crates_io,
                     const char **why);
/* rustsec's FunctionPath: at least two "::"-separated identifiers of
 * [A-Za-z_<][A-Za-z0-9_<>,]*; *crate_len: bytes of the first one. */
int adv_fnpath_check(const char *s, size_t n, size_t *crate_len,
                     const char **why);

/* ---- advisory_affected.c ---- */

/* [versions]: patched/unaffected into the record and their intervals
 * into rs. [affected]: os, arch, functions. Then the vulnerable ranges
 * from rs (errors at `line`: the [versions] header). */
void adv_check_versions(ctx *c, const toml_value *t, unsigned hdr,
                        reqset *rs);
void adv_check_affected(ctx *c, const toml_value *t);
void adv_compute_ranges(ctx *c, const reqset *rs, unsigned line);

#endif
