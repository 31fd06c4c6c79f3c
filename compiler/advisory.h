/*
 * advisory.h — one advisory file (Markdown with TOML front matter) to an
 * adv_record, validated as RustSec's linter validates it.
 *
 * Flow: text -> frontmatter split (frontmatter.h) -> TOML tree (toml.h) ->
 * checked fields -> adv_record with computed vulnerable ranges (req.h) and
 * CVSS score (cvss.h).
 *
 * Ownership: an advisory owns every string its record points to; the
 * record is valid until advisory_free().
 */
#ifndef ADVDB_COMPILER_ADVISORY_H
#define ADVDB_COMPILER_ADVISORY_H

#include <stddef.h>
#include <stdint.h>
#include "record.h"
#include "diag.h"

#define ADVISORY_FILE_MAX (1u << 20)  /* bytes of one advisory file */

typedef struct advisory advisory;

/*
 * Parse `len` bytes of `text`, the file at `path` (e.g.
 * "crates/tokio/RUSTSEC-2023-0001.md" or "rust/std/CVE-2018-1000657.md")
 * in source `source` (e.g. "rustsec").
 * Checks, among others: required id/package/date, unknown keys in every
 * section, id form and that the file name is "<id>.md", that the folder is
 * the package (crates/) or the component (rust/), dates, categories, cvss,
 * every requirement, overlapping ranges.
 * Every problem goes to d as "path:line: message" (all of them, not just
 * the first). Returns 0 and *out, or -1 when there was at least one error
 * (*out NULL). Warnings alone do not fail.
 *
 * Details callers may rely on:
 *   - line is the line of the FILE (not of the front matter) where the
 *     offending key or value is written; 0 ("path: message") only for
 *     whole-file problems (empty, too big) and for the path itself.
 *   - A diagnostic is always one line: control characters from the file
 *     are escaped (\n, \t, \xHH).
 *   - The only warning: an `informational` kind other than unmaintained,
 *     unsound or notice (kept as written, info = ADV_INFO_OTHER).
 *   - Every CVSS vector (3.0, 3.1, 4.0) gets cvss_score10 and severity
 *     (cvss.h says which score of a 4.0 vector that is).
 *   - record.modified is 0; the caller (who knows the history) sets it.
 *   - text need not be NUL-terminated and is not referenced after the
 *     call; path and source are copied.
 */
int advisory_parse(advisory **out, const char *source, const char *path,
                   const char *text, size_t len, diag_list *d);

const adv_record *advisory_record(const advisory *a);

/* Set record.modified (unix time of the last commit that changed the
 * file), which only the caller walking the history can know. */
void advisory_set_modified(advisory *a, int64_t when);

void advisory_free(advisory *a);

#endif
