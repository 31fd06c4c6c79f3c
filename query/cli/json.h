/*
 * json.h — a small streaming JSON writer into a buf (compact output, one
 * document per line when the caller adds the newline).
 *
 * The writer tracks commas itself: callers emit keys and values in order
 * and never write separators. Strings are always valid JSON whatever the
 * bytes: `"` `\`, control characters, DEL, and the C1 and bidi controls
 * of escape.h are escaped (so JSON shown on a terminal is inert too), and
 * bytes that are not well-formed UTF-8 (overlongs, surrogates,
 * > U+10FFFF, truncated sequences) become U+FFFD.
 *
 * Invariants: nesting is capped at JSON_DEPTH_MAX; a call that would go
 * deeper, or close more than was opened, marks the buffer failed rather
 * than writing invalid JSON.
 */
#ifndef ADVDB_CLI_JSON_H
#define ADVDB_CLI_JSON_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

#define JSON_DEPTH_MAX 32

typedef struct json {
	buf *out;
	unsigned depth;
	unsigned after_key;             /* a key was written, a value is due */
	unsigned char has_item[JSON_DEPTH_MAX + 1];
} json;

void json_init(json *j, buf *out);

void json_obj_begin(json *j);
void json_obj_end(json *j);
void json_arr_begin(json *j);
void json_arr_end(json *j);
/* The key of the next member of the current object. */
void json_key(json *j, const char *key);

/* json_key of a string literal that needs no escaping (printable ASCII,
 * no `"` or `\`: every key the reports name in the code), quoted at
 * compile time: no strlen, no escaping, one copy of known size. */
#define json_key_lit(j, lit) \
	json_key_quoted((j), "\"" lit "\":", sizeof(lit) + 2)
void json_key_quoted(json *j, const char *quoted_colon, size_t n);

/* Values. json_str(NULL) writes null: the one way to write null (a
 * json_null() of our own would clash with jansson's, which
 * query/auditable.c links). */
void json_str(json *j, const char *s);
void json_strn(json *j, const char *s, size_t n);
void json_int(json *j, int64_t v);
void json_uint(json *j, uint64_t v);
void json_bool(json *j, int v);
/* A number with one decimal from a value scaled by ten (CVSS 7.5). */
void json_tenths(json *j, unsigned v10);

/* Members already rendered by a json writer ("k":v,"k":v), added to the
 * current object as if written one by one. */
void json_raw_members(json *j, const char *s, size_t n);

/* A value already rendered by a json writer (an object, an array),
 * added at the current place as if written piece by piece. */
void json_raw_value(json *j, const char *s, size_t n);

/* Members whose values are strings (or null), written at once: one
 * strlen and one reservation a member, no separator bookkeeping between
 * them. For the small objects a report repeats thousands of times (a
 * package, a dependency, a step of a path). Keys are literals quoted at
 * compile time: JSON_FIELD("name", value). */
typedef struct json_field {
	const char *key;            /* "\"name\":" */
	size_t klen;
	const char *val;            /* NULL: null */
} json_field;

#define JSON_FIELD(lit, v) { "\"" lit "\":", sizeof(lit) + 2, (v) }
#define JSON_FIELDS_MAX 8       /* more are written one by one */

/* f[0..n) as members of the current object. */
void json_str_members(json *j, const json_field *f, size_t n);
/* {f[0..n)} as a value. */
void json_str_object(json *j, const json_field *f, size_t n);

/* One line {"key":"value","error":"msg"} (key NULL: {"error":"msg"}):
 * the answer for an input that could not be answered. */
void json_error_line(buf *out, const char *key, const char *value,
                     const char *msg);

/* Append s[0..n) to out as the body of a JSON string (no quotes). */
void json_escape(buf *out, const char *s, size_t n);

#endif
