/*
 * audit.h — deciding packages: for each crates.io package, the advisories
 * in scope that affect it (vulnerabilities and warnings), minus ignored
 * ones. The policy lives here: withdrawn never (libadvdb's default
 * scope), informational kinds as warnings, non-crates.io packages skipped.
 *
 * Ownership: a finding borrows its package's strings (from the lockfile or
 * the command line); the findings array is owned by the caller and freed
 * with findings_free().
 */
#ifndef ADVDB_CLI_AUDIT_H
#define ADVDB_CLI_AUDIT_H

#include <stddef.h>
#include "advdb.h"
#include "lockfile.h"
#include "session.h"

#define FINDINGS_MAX 100000

typedef struct finding {
	const lock_pkg *pkg;
	advdb_match m;
} finding;

typedef struct findings {
	finding *v;
	size_t n, cap;
	size_t nvuln, nwarn;
	unsigned warn_kinds;        /* DENY_* bits of the warnings found */
} findings;

/* Returned by audit_pkg when FINDINGS_MAX findings are already held
 * (outside libadvdb's range of codes). */
#define AUDIT_ECAP (-100)

/* Decide one package and append what affects it. Returns ADVDB_OK, or a
 * libadvdb error (message via advdb_last_error(s->db)), ADVDB_ENOMEM, or
 * AUDIT_ECAP when the findings cap is reached. */
int audit_pkg(findings *f, const session *s, const lock_pkg *p);

/* The message for a failing audit_pkg (or report) code: the cap, else
 * libadvdb's last message on the session's handle, else the code's text.
 * Static or owned by the handle: valid until the next call on it. */
const char *audit_strerror(int rc, const session *s);

void findings_free(findings *f);

/* EXIT_FOUND when there are vulnerabilities or denied warnings, else
 * EXIT_CLEAN. */
int findings_exit(const findings *f, unsigned deny);

/* The DENY_* bit of an informational kind (0 for vulnerabilities). */
unsigned kind_bit(advdb_kind k);

#endif
