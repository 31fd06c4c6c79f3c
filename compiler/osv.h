/*
 * osv.h — one OSV advisory file (JSON or YAML, read through ytree.h /
 * libyaml) to adv_records, for the `affected` entries whose ecosystem is
 * `crates.io`.
 *
 * The field mapping is schema/osvmap.h's, the one the export
 * (query/cli/osvout.c) writes with, so that importing RustSec's own OSV
 * export, or ours, gives back the records it came from. What reading
 * adds to it (fallbacks, and the forms other databases write):
 *   id, aliases, related             as they are
 *   summary -> title, details -> description (summary missing: the id)
 *   published -> date (its YYYY-MM-DD part; missing: modified's)
 *   modified -> record.modified (unix time), withdrawn -> its date part
 *   severity[] CVSS_V3/CVSS_V4 score, or database_specific.cvss of the
 *       entry -> cvss (scored through cvss.h)
 *   affected[].database_specific {categories, cvss, informational}
 *   affected[].ecosystem_specific.affects {arch, os, functions}
 *       (functions keep their paths; OSV carries no requirement per path)
 *   references[]: the first crates.io PACKAGE link of the package and
 *       the first rustsec.org ADVISORY link of this id are dropped (export
 *       writes them back); the first other reference becomes url, the
 *       rest references
 *   database_specific.license -> license
 *   ranges: SEMVER and ECOSYSTEM events, taken in version order (stable:
 *       equal versions keep their order). `introduced` opens a vulnerable
 *       range ("0" or "0.0.0-0": from the first version); `fixed` and
 *       `limit` close it before their version; `last_affected` closes it
 *       after (fixed = the next version, as version_next). Events that
 *       open an open range or close a closed one change nothing. GIT
 *       ranges are skipped with a warning.
 *   versions[]: each v not already inside a range -> [v, next(v)).
 *   patched / unaffected: OSV has no requirement strings, so they are
 *       derived from the ranges, for reports ("upgrade to"): ">= fixed"
 *       or ">= fixed, < next introduced" for each gap after a range, and
 *       "< first introduced" as unaffected. Empty ranges are ignored;
 *       overlapping ranges (mixed entries or versions lists) derive none.
 *       They are informative only: the ranges decide.
 *
 * One adv_record per crates.io package: several `affected` entries of
 * the same package add their ranges to one record, in the file's order.
 * The index holds one package per id, so a file naming several crates.io
 * packages gives several records, all with the file's id: the caller
 * keeps the first and reports the others (osv_count says how many).
 * Entries of other ecosystems are skipped and counted (osv_skipped).
 *
 * Errors go to d as "path:line: message", all of them; warnings too.
 * Ownership: an osv owns every string its records point to, until
 * osv_free(). text is not referenced after osv_parse returns.
 */
#ifndef ADVDB_COMPILER_OSV_H
#define ADVDB_COMPILER_OSV_H

#include <stddef.h>
#include "diag.h"
#include "record.h"

#define OSV_PACKAGES_MAX 64     /* crates.io packages in one file */

typedef struct osv osv;

/* Parse len bytes of text, the file at path in source `source`.
 * Returns 0 and *out (possibly with no crates.io record at all), or -1
 * when the file had at least one error (*out NULL). */
int osv_parse(osv **out, const char *source, const char *path,
              const char *text, size_t len, diag_list *d);

size_t osv_count(const osv *o);                 /* crates.io records */
const adv_record *osv_record(const osv *o, size_t i);
size_t osv_skipped(const osv *o);               /* other ecosystems */

void osv_free(osv *o);

#endif
