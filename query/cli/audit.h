/*
 * audit.h — deciding packages: for each crates.io package, the advisories
 * in scope that affect it (vulnerabilities and warnings), minus ignored
 * ones. The policy lives here: withdrawn never (libadvdb's default
 * scope), informational kinds as warnings, non-crates.io packages skipped.
 *
 * Ownership: a finding borrows its package's strings (from the lockfile or
 * the command line); the findings array is owned by the caller and freed
 * with findings_free().
 *
 * A set of findings is clean only when every input was read and every
 * look-up succeeded. Whatever could not be checked is counted in it
 * (findings_fail; audit_pkg does it for a failed look-up) and reaches
 * the exit status (findings_exit: 2, whatever was found), the summary
 * line and the JSON of that input (report.c: "error", "errors",
 * "found": null): never "ok" or "found": false beside an error.
 */
#ifndef ADVDB_CLI_AUDIT_H
#define ADVDB_CLI_AUDIT_H

#include <stddef.h>
#include "advdb.h"
#include "lockfile.h"
#include "session.h"

#define FINDINGS_MAX 100000
#define FINDINGS_ERRS_KEPT 100  /* messages kept per set; all counted */

typedef struct finding {
	const lock_pkg *pkg;
	advdb_match m;
} finding;

typedef struct findings {
	finding *v;
	size_t n, cap;
	size_t nvuln, nwarn;
	unsigned warn_kinds;        /* DENY_* bits of the warnings found */
	size_t nerr;                /* what could not be checked: 0 = clean */
	char **errs;                /* the first FINDINGS_ERRS_KEPT messages */
	size_t nerrs;
	char *lib_error;            /* libadvdb's own message of the last
	                               failing look-up (NULL if none) */
	/* yanked versions (session.crates): warnings of their own kind,
	 * DENY_YANKED, counted in nwarn; packages whose crate the crates
	 * index does not know are not yanked: only counted, first kept */
	const lock_pkg **yanked;
	size_t nyanked, capyanked;
	size_t nunknown;
	const lock_pkg *unknown_first;
} findings;

/* Returned by audit_pkg when FINDINGS_MAX findings are already held
 * (outside libadvdb's range of codes). */
#define AUDIT_ECAP (-100)

/* Decide one package and append what affects it. Returns ADVDB_OK, or a
 * libadvdb error, ADVDB_ENOMEM, or AUDIT_ECAP when the findings cap is
 * reached; a failure is also counted in f with its message
 * ("NAME@VERSION: why", or the cap's), which is this call's own (safe
 * from any number of threads on one session). */
int audit_pkg(findings *f, const session *s, const lock_pkg *p);

/* audit_pkg of p[0..n) in order, stopping at the first AUDIT_ECAP or
 * ADVDB_ENOMEM (every later package would fail the same way); with the
 * session's decision cache, look-ups ahead are prefetched. Returns the
 * last audit_pkg's code. */
int audit_pkgs(findings *f, const session *s, const lock_pkg *p, size_t n);

/* Append one finding (package p, matched m) and count it as a
 * vulnerability or a warning of its kind. Returns ADVDB_OK, ADVDB_ENOMEM
 * or AUDIT_ECAP. audit_pkg calls it; `diff` builds its introduced and
 * resolved sets with it from the findings of the two lockfiles. */
int findings_add(findings *f, const lock_pkg *p, const advdb_match *m);

/* Count something of this set that could not be checked (an operand, a
 * package, a rendering), keeping the message (copied; printed escaped).
 * The set is then not clean, whatever else it holds. */
void findings_fail(findings *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The message for a failing audit_pkg (or report) code: the cap, else
 * libadvdb's last message on the session's handle, else the code's text.
 * Static or owned by the handle: valid until the next call on it. */
const char *audit_strerror(int rc, const session *s);

void findings_free(findings *f);

/* EXIT_ERROR when something could not be checked (an error wins over
 * findings: the report is incomplete), else EXIT_FOUND when there are
 * vulnerabilities or denied warnings, else EXIT_CLEAN. */
/* incomplete: the index skipped advisories at compile time and the run
 * did not accept that (session_incomplete): nothing is clean then. */
int findings_exit(const findings *f, unsigned deny, int incomplete);

/* The DENY_* bit of an informational kind (0 for vulnerabilities). */
unsigned kind_bit(advdb_kind k);

#endif
