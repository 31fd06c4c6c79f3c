/*
 * toml.h — a TOML 1.0 reader, and TOML 1.1 on request: text in, an
 * immutable tree out.
 *
 * Used for advisory front matter (TOML 1.1: the rustsec crate reads
 * advisories with the `toml` crate 1.x, which speaks TOML 1.1), Cargo.lock
 * and Cargo.toml (TOML 1.0). The whole tree
 * of one document lives in one arena owned by the toml_doc; toml_free()
 * releases it at once, and every pointer handed out (values, keys, string
 * bytes) stays valid exactly until then.
 *
 * Invariants:
 *   - Strings are decoded (escapes resolved), valid UTF-8, and
 *     NUL-terminated; `len` excludes the NUL and may count embedded NULs
 *     from \u0000, so use the length, not strlen.
 *   - Tables keep their keys in document order and never hold a key twice.
 *   - Every value records the 1-based line and column where it starts, so
 *     callers can report `path:line: message`. Columns count bytes.
 *   - Multi-line strings hold LF where the document has CR-LF.
 *   - Nesting is capped at TOML_DEPTH_MAX: no value sits more than that
 *     many tables/arrays below the root (whether made by headers, dotted
 *     keys, arrays or inline tables), and a key has at most that many
 *     parts. The parser never recurses deeper, whatever the input, so a
 *     caller walking the tree recursively is bounded too.
 *   - Keys are NUL-terminated like strings (and may hold NULs too; see
 *     key_len). Datetime text: see toml_string().
 */
#ifndef ADVDB_SCHEMA_TOML_H
#define ADVDB_SCHEMA_TOML_H

#include <stddef.h>
#include <stdint.h>

#define TOML_DEPTH_MAX 128          /* nested arrays/inline tables/keys */
#define TOML_INPUT_MAX (16u << 20)  /* bytes of one document */
#define TOML_MEMORY_MAX (256u << 20) /* bytes of one document's tree */

typedef enum toml_type {
	TOML_STRING = 1,
	TOML_INTEGER,
	TOML_FLOAT,
	TOML_BOOL,
	TOML_DATETIME,       /* offset date-time: 1979-05-27T07:32:00Z */
	TOML_DATETIME_LOCAL, /* 1979-05-27T07:32:00 */
	TOML_DATE_LOCAL,     /* 1979-05-27 */
	TOML_TIME_LOCAL,     /* 07:32:00 */
	TOML_ARRAY,
	TOML_TABLE
} toml_type;

typedef struct toml_value toml_value;
typedef struct toml_doc toml_doc;

typedef struct toml_error {
	unsigned line, col;     /* 1-based; 0 when not tied to a place */
	char msg[160];
} toml_error;

/*
 * Parse `len` bytes of `text` (need not be NUL-terminated).
 * Returns 0 and sets *out, or -1 with *err filled (and *out NULL).
 * Rejects, with line and column: syntax errors, duplicate keys, redefined
 * tables, invalid UTF-8, bare control characters, out-of-range numbers and
 * dates, nesting past TOML_DEPTH_MAX, input past TOML_INPUT_MAX, a tree
 * past TOML_MEMORY_MAX (only hostile input comes near it: a Cargo.lock
 * takes about ten times its size). err->msg
 * carries no place; callers prefix "path:line:col: " themselves. Out of
 * memory and oversized input are reported with line 0. A UTF-8 byte order
 * mark at the start is skipped. err may be NULL.
 */
int toml_parse(toml_doc **out, const char *text, size_t len, toml_error *err);

/* toml_parse_ex flags. */
#define TOML_1_1 0x01   /* TOML 1.1.0: newlines, comments and a trailing
                           comma inside inline tables; \xHH and \e escapes
                           in basic strings; times without seconds (read
                           as :00) */

/* toml_parse with flags (0: exactly toml_parse). */
int toml_parse_ex(toml_doc **out, const char *text, size_t len,
                  unsigned flags, toml_error *err);
/* Free a document and everything handed out from it (NULL is fine). */
void toml_free(toml_doc *doc);

/* The root table. */
const toml_value *toml_root(const toml_doc *doc);

toml_type toml_kind(const toml_value *v);
unsigned toml_line(const toml_value *v);
unsigned toml_col(const toml_value *v);

/* Tables: number of keys, the i-th key and value (document order), and a
 * look-up by key (NULL when absent). key_len may be NULL. */
size_t toml_table_len(const toml_value *t);
const char *toml_table_key(const toml_value *t, size_t i, size_t *key_len);
const toml_value *toml_table_value(const toml_value *t, size_t i);
const toml_value *toml_table_get(const toml_value *t, const char *key);
/* Line of the i-th key of a table (where it was written). */
unsigned toml_table_key_line(const toml_value *t, size_t i);

/* Arrays: number of elements and the i-th one. */
size_t toml_array_len(const toml_value *a);
const toml_value *toml_array_at(const toml_value *a, size_t i);

/* Scalars. Each returns the value when v has that type, and NULL / 0
 * otherwise; callers check toml_kind() first. For datetimes, toml_string()
 * returns the text as written in the document (e.g.
 * "1979-05-27T07:32:00Z", fractional seconds kept), normalised in two ways
 * only: the date/time separator ('t' or space) becomes 'T' and a 'z' offset
 * becomes 'Z'. Dates and times are range-checked (leap years included,
 * seconds up to 60). Every accessor accepts NULL and returns NULL / 0. */
const char *toml_string(const toml_value *v, size_t *len);
int64_t toml_integer(const toml_value *v);
double toml_float(const toml_value *v);
int toml_bool(const toml_value *v);

#endif
