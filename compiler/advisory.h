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

/* The id of a draft: rustsec loads such an advisory but never indexes it
 * (advisory_unindexed() says so). */
#define ADVISORY_PLACEHOLDER_ID "RUSTSEC-0000-0000"

/* advisory_parse_ex flags. */
#define ADVISORY_STRICT 0x01    /* every warning is an error: the rules
                                   only rustsec's linter applies, for the
                                   maintainers of an advisory repository */

#define ADVISORY_ID_KEEP 256    /* room for the id handed back on failure */

typedef struct advisory advisory;

/*
 * Parse `len` bytes of `text`, the file at `path` (e.g.
 * "crates/tokio/RUSTSEC-2023-0001.md" or "rust/std/CVE-2018-1000657.md")
 * in source `source` (e.g. "rustsec").
 *
 * What is an error is exactly what makes the rustsec crate refuse the
 * advisory when it loads a database (Advisory::from_str, and the file's
 * place as Database::open checks it): the split of the file, TOML syntax,
 * the type of every known key, required id/package/date and [versions]
 * patched, the forms of ids, aliases, dates, URLs, sources and function
 * paths, cvss, every requirement and overlapping ranges, a title or
 * description set in the front matter, a collection key that disagrees
 * with the folder, and a file name that is not "<id>.md" or a folder that
 * is not the package. What only rustsec's linter rejects is a warning:
 * unknown keys and sections, a front matter without its [advisory]
 * header, the year of the id against the date, unknown categories,
 * licenses, informational kinds, architectures, empty os names, a
 * function path not starting with the crate, a url not https, an explicit
 * collection, the draft name, the deprecated `yanked`, a bare @mention in
 * the Markdown. A few warnings are
 * advdb's own: a date written in another form than YYYY-MM-DD (stored as
 * YYYY-MM-DD), a NUL character (stored as U+FFFD), an advisory for a
 * registry other than crates.io (not indexed).
 *
 * Every problem goes to d as "path:line: message" (all of them, not just
 * the first). Returns 0 and *out, or -1 when there was at least one error
 * (*out NULL). Warnings alone do not fail, unless flags has
 * ADVISORY_STRICT. When id is not NULL it receives the advisory's id as
 * written (even when the parse fails; "" when none was read or it does
 * not fit ADVISORY_ID_KEEP bytes).
 *
 * Details callers may rely on:
 *   - line is the line of the FILE (not of the front matter) where the
 *     offending key or value is written; 0 ("path: message") only for
 *     whole-file problems (empty, too big) and for the path itself.
 *   - A diagnostic is always one line: control characters from the file
 *     are escaped (\n, \t, \xHH).
 *   - An `informational` kind other than unmaintained, unsound or notice
 *     is kept as written (info = ADV_INFO_OTHER), with a warning.
 *   - Every CVSS vector (3.0, 3.1, 4.0) gets cvss_score10 and severity
 *     (cvss.h says which score of a 4.0 vector that is).
 *   - record.modified is 0; the caller (who knows the history) sets it.
 *   - text need not be NUL-terminated and is not referenced after the
 *     call; path and source are copied.
 */
int advisory_parse_ex(advisory **out, const char *source, const char *path,
                      const char *text, size_t len, unsigned flags,
                      char *id, diag_list *d);

/* advisory_parse_ex without flags or id. */
int advisory_parse(advisory **out, const char *source, const char *path,
                   const char *text, size_t len, diag_list *d);

/* Why a parsed advisory must not go into the index, or NULL: a draft
 * (ADVISORY_PLACEHOLDER_ID; rustsec loads it and leaves it out), or an
 * advisory whose `source` is another registry than crates.io (rustsec
 * never reports it for a crates.io package, the only kind advdb
 * indexes; a warning said so). */
const char *advisory_unindexed(const advisory *a);

const adv_record *advisory_record(const advisory *a);

void advisory_free(advisory *a);

#endif
