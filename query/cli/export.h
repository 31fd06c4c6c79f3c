/*
 * export.h — one advisory as an OSV JSON object, in the shape of
 * RustSec's own OSV export: what `advdb-query export-osv` writes into
 * each file, and what advdb-serve answers (query/serve/). One renderer,
 * so a file and an HTTP answer about the same advisory are the same
 * bytes.
 */
#ifndef ADVDB_CLI_EXPORT_H
#define ADVDB_CLI_EXPORT_H

#include <stdint.h>
#include "advdb.h"
#include "buf.h"

/* Append the OSV object of a (compact JSON, no newline) to out.
 * fallback: the `modified` time (unix seconds) when the index recorded
 * no history for a, normally the source commit's time. */
void export_osv_record(buf *out, const advdb_advisory *a, int64_t fallback);

/* The record's `modified` text as export_osv_record() writes it (RFC
 * 3339, UTC), or "" when neither a time nor a date is known (the record
 * then carries the date as it is). */
void export_osv_modified(char out[32], const advdb_advisory *a,
                         int64_t fallback);

/* Unix seconds as RFC 3339 in UTC ("2024-01-31T12:00:00Z"), or "" for
 * 0, a negative time or one gmtime cannot take. */
void export_rfc3339(char out[32], int64_t t);

#endif
