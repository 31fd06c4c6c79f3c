/*
 * scope.h — which of the advisories the index matches a run reports:
 * what rustsec's Query and report Settings do past the version test
 * (rustsec/src/database/query.rs `Query::matches`, report.rs
 * `find_warnings`), from the command line and audit.toml alike:
 *
 *   - withdrawn advisories never; ignored ones (--ignore, audit.toml)
 *     never;
 *   - targets: an advisory restricted to some oses applies when any os
 *     of the run's list is among them (no list: every os); arch alike,
 *     independently of os. The session's single look-up (advdb_query)
 *     holds one os and one arch: a list of one is that look-up; a longer
 *     list looks up without it and keeps a match when the look-up of some
 *     (os, arch) pair of the lists has it too. Only packages with a match
 *     pay for that (a few look-ups of a quarter microsecond each);
 *   - severity threshold: an advisory with a CVSS vector rated below it
 *     is dropped; one without a vector never is (rustsec:
 *     `advisory.severity()` is None then);
 *   - informational advisories: reported (as warnings) only when their
 *     kind is one of the run's informational kinds (default notice,
 *     unmaintained, unsound; --deny adds what it denies), and never when
 *     the kind is another word (rustsec's WarningKind has no such kind).
 *
 * Stateless: everything comes from the session, which stays read-only,
 * so scan workers call this at once.
 */
#ifndef ADVDB_CLI_SCOPE_H
#define ADVDB_CLI_SCOPE_H

#include <stddef.h>
#include "advdb.h"
#include "session.h"

/* The informational kinds reported when nothing says otherwise:
 * cargo-audit's default informational_warnings. */
#define SCOPE_INFO_DEFAULT 0x07    /* DENY_UNMAINTAINED|UNSOUND|NOTICE */

/* Keep, in place and in order, the matches of m[0..*n) that the run
 * reports for crate `name` at `version` (NULL: any version, for
 * requirement questions). Returns ADVDB_OK (and the new *n), or a
 * libadvdb error of a look-up, its message in *e (the _ex calls' error
 * struct: scan workers share the handle), or with e NULL in the handle
 * (advdb_last_error); *n is then unchanged. */
int scope_filter(advdb_match *m, size_t *n, const session *s,
                 const char *name, const char *version,
                 advdb_error_info *e);

/* The DENY_* bits of the informational kinds the run reports. */
unsigned scope_info_kinds(const cli_opts *o);

#endif
