/*
 * report.h — rendering findings: the human report and the JSON report in
 * the shape of `cargo audit --json` (rustsec's Report: database, lockfile,
 * settings, vulnerabilities {found, count, list}, warnings {kind: [...]}).
 * Also the pieces `show` reuses: one advisory as JSON, or as text.
 *
 * Everything is rendered into a buf, never straight to stdout, so scans
 * can render in parallel and print in order. Text from the index is
 * treated as hostile: in human output it is escaped (escape.h: controls,
 * C1 and bidi controls); JSON strings are escaped by json.c.
 */
#ifndef ADVDB_CLI_REPORT_H
#define ADVDB_CLI_REPORT_H

#include <stddef.h>
#include "advdb.h"
#include "audit.h"
#include "buf.h"
#include "json.h"
#include "session.h"

/* What a binary's report adds (bin.c; rendered by report_bin.c): the
 * container, and the embedded dependency graph that says which path from
 * the root pulls a finding's package in. */
typedef struct report_bin {
	const char *format;         /* "ELF 64-bit LSB", "PE32+", ... */
	size_t nslices, nodata;     /* slices; slices without data */
	const lock_pkg *pkgs;       /* the array the findings point into */
	size_t npkgs;
	size_t root;                /* the root package, when parent is set */
	const size_t *parent;       /* parent[i] pulls pkgs[i] in, on a
	                               shortest path from the root;
	                               (size_t)-1 for the root and packages
	                               it does not reach; NULL: no tree */
	const char *tree_error;     /* why there is no tree */
} report_bin;

typedef struct report_in {
	const char *path;           /* lockfile path; NULL for `check` */
	size_t ndeps;               /* packages in the lockfile / given */
	const findings *f;
	const report_bin *bin;      /* a binary's; NULL for a lockfile */
	/* Called (when not NULL) after each finding is rendered, with ctx:
	 * scan's hook to bound the memory of reports not yet printed (it may
	 * print and empty the output buffer, or wait). */
	void (*tick)(void *ctx);
	void *tick_ctx;
	int summary_only;           /* text: the summary line alone (--quiet) */
} report_in;

/* One JSON report and a newline. A set with errors (findings.nerr) is
 * reported as incomplete: "error" and "errors" (the messages) in the
 * report object, and "found" null unless vulnerabilities were found.
 * Returns 0, or a libadvdb error when an advisory cannot be fetched
 * (message via advdb_last_error): the caller then drops what was
 * rendered and reports the error instead. */
int report_json(buf *out, const session *s, const report_in *r);

/* The human report; its summary line starts "error: incomplete" for a
 * set with errors, never "ok". Returns as report_json. */
int report_human(buf *out, const session *s, const report_in *r);

/* The pieces of a report that `diff` shares (diff.c): the header
 * (database, lockfile, settings); the "vulnerabilities" and "warnings"
 * members of r->f in cargo-audit's shape ("found" null when r->f->nerr
 * and nothing was found); the text blocks of r->f's findings,
 * vulnerabilities first. Return as report_json. */
void report_header_json(json *j, const session *s, const report_in *r);
int report_findings_json(json *j, const session *s, const report_in *r);
int report_findings_human(buf *out, const session *s, const report_in *r);

/* report_bin.c: the parts of a binary's report (JSON: a "binary" object
 * after "lockfile", and "dependency-path" in each finding; text: the
 * header lines and a "Path:" line per finding), and the line of a binary
 * skipped under --allow-no-data. */
void report_bin_json(json *j, const report_bin *b);
void report_bin_path_json(json *j, const report_bin *b, const lock_pkg *p);
void report_bin_header_text(buf *out, const report_in *r);
void report_bin_path_text(buf *out, const report_bin *b, const lock_pkg *p);
void report_bin_skipped(buf *out, const session *s, const char *path,
                        const char *format, const char *why);
/* {"name": ..., "version": ...} of a package (a dependency path's step,
 * an added package's dependent in `diff`). */
void report_pkg_ref_json(json *j, const lock_pkg *p);

/* rustsec's advisory Metadata object, Versions object, and Affected
 * object (null when the advisory restricts nothing) as JSON values. */
void report_advisory_json(json *j, const advdb_advisory *a);
void report_versions_json(json *j, const advdb_advisory *a);
void report_affected_json(json *j, const advdb_advisory *a);

/* Text from the index or an input, escaped for the terminal (escape.h;
 * newlines and tabs kept when keep_nl). */
void report_text(buf *out, const char *s, int keep_nl);

/* ANSI colour around text when on. */
void report_color(buf *out, int on, const char *code, const char *text);

#endif
