/*
 * cli.h — what the commands of advdb-query share: the parsed command line,
 * the exit codes, and one entry point per command. main.c fills a cli_opts
 * and calls a command; every command returns an exit code and prints its
 * own errors (prefixed "advdb-query: ") to stderr.
 *
 * Invariant: a cli_opts is read-only once a command starts, so scan
 * workers share it without locking.
 */
#ifndef ADVDB_CLI_CLI_H
#define ADVDB_CLI_CLI_H

#include <stddef.h>
#include <stdio.h>

typedef enum cli_exit {
	EXIT_CLEAN = 0,     /* nothing found */
	EXIT_FOUND = 1,     /* vulnerabilities, or denied warnings */
	EXIT_ERROR = 2      /* usage or data error */
} cli_exit;

/* Kind bits: the informational kinds of advisories (and yanked crates),
 * used for --deny, for the kinds a run reports, and for the warnings a
 * report found. cargo-audit's deny kinds are warnings (= unmaintained,
 * unsound and yanked), unmaintained, unsound and yanked: a notice is
 * reported but never fails a run, and an informational kind other than
 * these three is never reported (rustsec has no warning kind for it). */
#define DENY_UNMAINTAINED 0x01
#define DENY_UNSOUND      0x02
#define DENY_NOTICE       0x04  /* a kind, never denied */
#define DENY_OTHER        0x08  /* a kind, never reported */
#define DENY_YANKED       0x10  /* a yanked version (the crates index) */
#define DENY_WARNINGS     (DENY_UNMAINTAINED | DENY_UNSOUND | DENY_YANKED)

#define CLI_IGNORE_MAX 1024  /* --ignore options and audit.toml ignores */
#define CLI_TARGETS_MAX 64   /* names in the os (arch) list */
#define CLI_INFO_MAX 32      /* informational_warnings entries */
#define CLI_DENY_MAX 32      /* --deny options and audit.toml deny entries */

/* --format (and audit.toml's [output] format): how a report is written.
 * --json is FORMAT_JSON; SARIF is for check, scan, bin and audit;
 * Markdown for `diff` and `report`, HTML for `report` only. UNSET: the
 * command line said nothing (config.c then reads audit.toml). */
enum { FORMAT_UNSET = -1, FORMAT_TEXT = 0, FORMAT_JSON, FORMAT_SARIF,
       FORMAT_MARKDOWN, FORMAT_HTML };

/* --progress / --no-progress (scan.c says when the default shows it) */
enum { PROGRESS_AUTO = 0, PROGRESS_ON, PROGRESS_OFF };
#define CLI_ARGS_MAX 1000000 /* operands (pairs, lockfiles) */
#define CLI_STALE_DAYS 90    /* an index older than this is stale (rustsec's
                                STALE_AFTER) */

/* --deny / [output] deny entries, in the order given. */
enum { DENYOPT_WARNINGS, DENYOPT_UNMAINTAINED, DENYOPT_UNSOUND,
       DENYOPT_YANKED };

typedef struct cli_opts {
	const char *db_path;        /* -d, else $ADVDB_DB, else audit.toml's
	                               [database] path, else the default */
	const char *db_origin;      /* "FILE:LINE" when db_path came from
	                               audit.toml (for messages), else NULL */
	int format;                 /* FORMAT_* (never UNSET after config) */
	int json;                   /* format == FORMAT_JSON */
	int sarif;                  /* format == FORMAT_SARIF */
	int color;                  /* -c/--color, CARGO_TERM_COLOR, else a
	                               TTY stdout without NO_COLOR */
	int quiet;                  /* -q, [output] quiet: no header, no
	                               tree, no "ok" line */
	int summary_only;           /* -q with advdb's own scan or bin: the
	                               summary line alone */
	int progress;               /* PROGRESS_* */
	int no_tree;                /* no dependency tree in text reports
	                               (--no-tree, -q, show_tree = false) */
	int line_buffered;
	const char *os[CLI_TARGETS_MAX];    /* --target-os/--os or [target]
	                                       os: any of them matches */
	size_t nos;
	const char *arch[CLI_TARGETS_MAX];
	size_t narch;
	const char *ignore[CLI_IGNORE_MAX]; /* audit.toml's, then --ignore */
	size_t nignore;
	unsigned deny;              /* DENY_* bits that fail the run */
	unsigned char denyv[CLI_DENY_MAX];  /* DENYOPT_*, in order (audit.toml's,
	                                       then --deny) */
	size_t ndeny;
	int deny_yanked;            /* yanked denied by name (not only as
	                               one of the warnings): unchecked is
	                               then an error */
	int no_yanked;              /* --no-yanked, [yanked] enabled = false */
	int has_severity;           /* a severity threshold is set: */
	int severity;               /* an advdb_severity */
	const char *info[CLI_INFO_MAX];     /* informational_warnings, as
	                                       given, then what --deny adds */
	size_t ninfo;
	int info_set;               /* info_kinds holds the kinds reported;
	                               else cargo-audit's default (notice,
	                               unmaintained, unsound) */
	unsigned info_kinds;        /* DENY_* bits of the kinds reported */
	int ignore_source;          /* --ignore-source: every source matches */
	long max_age_days;          /* -1: no check */
	int max_age_strict;
	int jobs;                   /* scan threads; 0: one per core */
	const char *trust_key;      /* public key the index must be signed
	                               with, or NULL (trust.h) */
	const char *trust_from;     /* where it came from, for messages */
	int bin;                    /* `bin`: operands are binaries */
	int allow_no_data;          /* a binary without data is no error */
	int allow_incomplete;       /* an index that skipped advisories at
	                               compile time is no error */
	char *const *args;          /* operands after the command */
	size_t nargs;
} cli_opts;

int cmd_check(const cli_opts *o);
int cmd_scan(const cli_opts *o);
int cmd_batch(const cli_opts *o);
int cmd_show(const cli_opts *o);
int cmd_info(const cli_opts *o);
int cmd_export_osv(const cli_opts *o);
int cmd_reqs(const cli_opts *o);        /* reqs.c: Cargo.toml requirements */
int cmd_diff(const cli_opts *o);        /* diff.c: two lockfiles */
int cmd_report(const cli_opts *o);      /* fleet.c: over scan --json lines */

/* The program named at the start of every message: "advdb-query" unless
 * set (once, in main, before any thread starts). */
void cli_set_program(const char *name);
const char *cli_program(void);

/* Print "advdb-query: " (the program's name) and the message to stderr,
 * as one line. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line of news that is neither (advdb-serve's reloads). */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* usage.c: a usage error, fmt with one string argument (its message,
 * then usage(stderr)); returns EXIT_ERROR. */
int cli_usage_error(void (*usage)(FILE *), const char *fmt, const char *arg);
/* The end of every getopt_long loop (optstring starting with ':'): for
 * c 'h' the usage on stdout, 'V' the program and version, ':' a missing
 * value, anything else a bad option. Returns the exit status. */
int cli_getopt_end(int c, char **argv, void (*usage)(FILE *));

#endif
