/*
 * fleet.h — `advdb-query report`: a summary of many `scan --json` (and
 * `bin --json`, `check --json`) lines, from one run or many machines'
 * runs concatenated. Its parts share this header:
 *
 *   fleet_read.c   one JSON line -> a fleet_line (jansson; the only code
 *                  here that reads outside input)
 *   fleet.c        the aggregate: lines added to the totals and tables
 *   fleet_rank.c   the rankings, repositories, upgrades and ages
 *   fleet_out.c    text, Markdown and JSON out
 *   html.c         the same aggregate as one self-contained HTML page with
 *                  inline SVG charts
 *   fleet_cmd.c    the command: inputs read line by line, the exit status
 * and fleet_int.h what they share and nothing else sees.
 *
 * Definitions (README, *report*, says the same for users):
 *   - a *report* is a line with a lockfile's (or binary's) findings; an
 *     *error* is a line for an input that could not be checked
 *     ({"lockfile"|"folder": {"path"}, "error"}, check's {"error"}) or a
 *     report marked incomplete ("error" beside its findings): both are
 *     errors of the fleet, counted and listed, never dropped; a binary
 *     skipped under --allow-no-data is counted apart;
 *   - a *finding* is one entry of a report's vulnerabilities list or of
 *     its warnings; its severity is the CVSS rating of the advisory's
 *     vector (schema/cvss.h), "none" without one; warnings are counted
 *     by kind;
 *   - the *age* of a finding is the days from its advisory's date to the
 *     report date: the newest `database.last-updated` among the lines
 *     (so the same lines always give the same report), today when no
 *     line has one;
 *   - the *repository* of a lockfile: OWNER/REPO when its file name is
 *     OWNER__REPO__... (the shared corpus' naming); else the first folder
 *     of its path below the folder prefix all lockfile paths share ("."
 *     for a lockfile in that folder itself);
 *   - *upgrade first*: for each crate with findings, the candidate
 *     versions are the fixed bounds of its advisories' vulnerable ranges
 *     (from versions.patched and versions.unaffected, read as rustsec
 *     reads them; a bound X.Y.Z-0 counts as X.Y.Z) that are not below the
 *     highest version of the crate in its findings; the upgrade is the
 *     candidate that clears the most of the crate's findings (a finding
 *     is cleared when the version is outside its advisory's ranges), the
 *     least such version on ties. Crates rank by findings cleared, then
 *     lockfiles, then name; a crate no candidate clears anything of has
 *     no upgrade (null).
 * Every ranking breaks ties down to a name, so the output depends on the
 * set of lines, never on their order: the reduce step of a fan-out gives
 * the same report as one machine's run.
 */
#ifndef ADVDB_CLI_FLEET_H
#define ADVDB_CLI_FLEET_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "req.h"
#include "version.h"

#define FLEET_LINE_MAX ((size_t)64 << 20)   /* bytes in one line */
#define FLEET_DEPTH_MAX 32                  /* JSON nesting in a line */
#define FLEET_FINDINGS_MAX 100000           /* findings in one line (scan's
                                               own cap, FINDINGS_MAX) */
#define FLEET_REQS_MAX 256                  /* patched + unaffected of one
                                               advisory (REQS_MAX) */
#define FLEET_TOP 10                        /* rows of each ranking */
#define FLEET_REPOS_SHOWN 50                /* rows of the repository table
                                               (JSON: all) */
#define FLEET_ERRORS_KEPT 100               /* error lines listed (all are
                                               counted) */

/* Finding kinds: a vulnerability or a warning's kind. */
enum { FK_VULN, FK_UNMAINTAINED, FK_UNSOUND, FK_NOTICE, FK_YANKED,
       FK_OTHER, FK_COUNT };
extern const char *const fleet_kind_names[FK_COUNT];

/* Severities: advdb_severity's values, none to critical. */
#define FLEET_SEVS 5
extern const char *const fleet_sev_names[FLEET_SEVS];

/* Age buckets (days): <30, <90, <365, <730, <1825, older, no date. */
#define FLEET_AGES 7
extern const char *const fleet_age_names[FLEET_AGES];

/* ---- one line, as read (fleet_read.c) ---- */

enum { FL_REPORT, FL_ERROR, FL_SKIPPED };

typedef struct fleet_finding_in {
	int kind;                       /* FK_* */
	const char *id;                 /* NULL: no advisory (yanked) */
	const char *package, *title, *date, *url, *cvss;
	const char *name, *version;     /* the package found */
	const char **reqs;              /* patched, then unaffected */
	size_t npatched, nunaffected;
} fleet_finding_in;

/* Strings point into the parsed document: valid until fleet_line_free. */
typedef struct fleet_line {
	int type;                       /* FL_* */
	const char *path;               /* lockfile/binary/folder; NULL for
	                                   check's report or error */
	const char *error;              /* FL_ERROR's message, or a report's
	                                   "incomplete" summary; else NULL */
	const char *updated;            /* database.last-updated or NULL */
	uint64_t deps;                  /* lockfile.dependency-count */
	int index_incomplete;
	fleet_finding_in *f;
	size_t nf;
	void *doc;                      /* the jansson document */
} fleet_line;

/* Parse one line (len bytes, no newline). Returns 0, or -1 with a
 * message ("col N: why") in err. */
int fleet_line_parse(fleet_line *out, const char *text, size_t len,
                     char *err, size_t errcap);
void fleet_line_free(fleet_line *l);

/* Call once before threads parse lines: jansson seeds its hash function
 * on the first object it makes, and this makes it on the caller's
 * thread, so no two threads race to seed it. */
void fleet_read_init(void);

/* ---- the aggregate (fleet.c, fleet_rank.c) ---- */

typedef struct fleet_adv {
	char *id, *package, *title, *date, *url;
	int kind, sev;
	unsigned score10;               /* CVSS score * 10, 0: none */
	char *updated;                  /* last-updated of the line these
	                                   details came from */
	range *ranges;                  /* vulnerable; NULL when the
	                                   requirements did not parse */
	size_t nranges;
	size_t lockfiles, findings;
	size_t last_report;             /* counting lockfiles once */
} fleet_adv;

typedef struct fleet_crate {
	char *name;
	size_t findings, lockfiles, last_report;
	version max;                    /* highest version in its findings */
	int has_max;
	size_t nadvs;                   /* advisories with findings on it */
	/* the upgrade (fleet_rank) */
	char upgrade[64];               /* "" when none clears anything */
	size_t cleared;
} fleet_crate;

typedef struct fleet_lock {
	char *name;                     /* path, or FILE:LINE for check */
	size_t repo;
	size_t vulns, warns;
	size_t sev[FLEET_SEVS];         /* vulnerabilities by severity */
	int error;                      /* an error line, or incomplete */
	int pathless;                   /* named FILE:LINE (check's lines) */
} fleet_lock;

typedef struct fleet_repo {
	char *name;
	size_t lockfiles, with_vulns, vulns, warns, errors;
} fleet_repo;

typedef struct fleet_err {
	char *where, *msg;
} fleet_err;

typedef struct fleet {
	size_t lines, reports, skipped, error_lines, incomplete;
	size_t rejected;                /* malformed lines, unreadable files */
	size_t index_incomplete;
	uint64_t packages;
	size_t with_vulns, with_warns_only, clean;
	size_t findings, vulns, warns;
	size_t by_sev[FLEET_SEVS], by_kind[FK_COUNT];
	size_t age[FLEET_AGES][2];      /* [bucket][0 vulns, 1 warnings] */
	char asof[11];                  /* YYYY-MM-DD */
	fleet_adv *adv; size_t nadv, capadv;
	fleet_crate *crate; size_t ncrate, capcrate;
	fleet_lock *lock; size_t nlock, caplock;
	fleet_repo *repo; size_t nrepo;
	fleet_err *err; size_t nerr, caperr;
	size_t *adv_rank, *crate_rank, *lock_rank, *repo_rank;
	size_t nupgrades;               /* crates with an upgrade */
	void *maps;                     /* fleet.c's hash tables */
} fleet;

/* The aggregate: fleet_init, then fleet_feed for each line (len bytes,
 * no newline; FILE and LINENO name it in messages and for check's
 * reports, which have no path), then fleet_rank, then the renderers.
 * fleet_feed prints a malformed line's error and counts it; both return
 * -1 only out of memory. */
int fleet_init(fleet *fl);
int fleet_feed(fleet *fl, const char *text, size_t len, const char *file,
               size_t lineno);

/* fleet_feed in two steps, so that threads can parse lines while one
 * thread adds them, in input order (fleet_cmd.c): fleet_parse touches no
 * fleet and nothing shared; fleet_add adds a parsed line (or prints and
 * counts a malformed one, as fleet_feed does) and frees what fleet_parse
 * kept. */
enum { FP_BLANK, FP_LINE, FP_BAD };
typedef struct fleet_parsed {
	int state;                      /* FP_* */
	fleet_line l;                   /* FP_LINE */
	char err[512];                  /* FP_BAD: "col N: why" */
} fleet_parsed;
void fleet_parse(fleet_parsed *p, const char *text, size_t len);
int fleet_add(fleet *fl, fleet_parsed *p, const char *file, size_t lineno);
int fleet_rank(fleet *fl);
void fleet_free(fleet *fl);

/* Render the aggregate after fleet_rank (fleet_out.c). */
void fleet_text(buf *out, const fleet *fl);
void fleet_markdown(buf *out, const fleet *fl);
void fleet_json(buf *out, const fleet *fl);
void fleet_html(buf *out, const fleet *fl);   /* html.c */

/* A one-line verdict shared by every format: "N vulnerabilities in M of
 * K lockfiles", and whether the fleet had errors. */
void fleet_verdict(buf *out, const fleet *fl);

#endif
