/*
 * rfc3339.h — RFC 3339 times as text, both ways: what OSV files say in
 * `modified` and `published` (read by the OSV import, written by
 * export-osv) and what reports say of the index (`last-updated`, `info`).
 * Always UTC when written ("2024-01-02T03:04:05Z"); any offset and
 * fraction when read.
 */
#ifndef ADVDB_SCHEMA_RFC3339_H
#define ADVDB_SCHEMA_RFC3339_H

#include <stdint.h>

#define RFC3339_MAX 32          /* a written time, with its NUL */

/* Unix time t as "YYYY-MM-DDTHH:MM:SSZ" in out; "" (and 0 returned) when
 * t is not after the epoch or does not convert. 1 when written. */
int rfc3339_format(char out[RFC3339_MAX], int64_t t);

/* "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" to unix time in *out
 * (before 1970: negative): 0, or -1 when s is not one. */
int rfc3339_parse(int64_t *out, const char *s);

/* Does s start with a date YYYY-MM-DD (month 1-12, day 1-31), alone or
 * followed by 'T', 't' or ' ' (a time)? */
int rfc3339_is_date(const char *s);

#endif
