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

/* --deny bits: which warning kinds turn into a failing exit. */
#define DENY_UNMAINTAINED 0x01
#define DENY_UNSOUND      0x02
#define DENY_NOTICE       0x04
#define DENY_OTHER        0x08
#define DENY_WARNINGS     0x0F

#define CLI_IGNORE_MAX 1024  /* --ignore options */
#define CLI_ARGS_MAX 1000000 /* operands (pairs, lockfiles) */

typedef struct cli_opts {
	const char *db_path;        /* -d, else $ADVDB_DB / default */
	int json;
	int color;                  /* stdout is a TTY and NO_COLOR unset */
	int line_buffered;
	const char *os, *arch;
	const char *ignore[CLI_IGNORE_MAX];
	size_t nignore;
	unsigned deny;              /* DENY_* */
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
