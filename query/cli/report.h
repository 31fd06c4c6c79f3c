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
#include "tree.h"

/* What a binary's report adds (bin.c; rendered by report_bin.c): the
 * container, and whether the graph cargo-auditable embeds holds (its
 * paths are the tree module's, as a lockfile's are). */
typedef struct report_bin {
	const char *format;         /* "ELF 64-bit LSB", "PE32+", ... */
	size_t nslices, nodata;     /* slices; slices without data */
	const char *tree_error;     /* why there is no tree; NULL: there is */
} report_bin;

typedef struct report_in {
	const char *path;           /* lockfile path; NULL for `check` */
	size_t ndeps;               /* packages in the lockfile / given */
	const findings *f;
	const report_bin *bin;      /* a binary's; NULL for a lockfile */
	const lock_pkg *pkgs;       /* the input's packages, which findings
	                               point into; NULL for `check` */
	const depgraph *graph;      /* their dependencies (tree.h); NULL for
	                               `check` */
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

/* The report in the run's format: report_json, report_human, or the
 * input's SARIF results (sarif_results; the command writes the log
 * around them). */
int report_render(buf *out, const session *s, const report_in *r);

/* The pieces of a report that `diff` shares (diff.c): the header
 * (database, lockfile, settings); the "vulnerabilities" and "warnings"
 * members of r->f in cargo-audit's shape ("found" null when r->f->nerr
 * and nothing was found); the text blocks of r->f's findings,
 * vulnerabilities first. Return as report_json. */
void report_header_json(json *j, const session *s, const report_in *r);
int report_findings_json(json *j, const session *s, const report_in *r);
int report_findings_human(buf *out, const session *s, const report_in *r);

/* report_bin.c: the parts of a binary's report (JSON: a "binary"
 * object after "lockfile"; text: the header lines), and the line of a
 * binary skipped under --allow-no-data. */
void report_bin_json(json *j, const report_bin *b);
void report_bin_header_text(buf *out, const report_in *r);
void report_bin_skipped(buf *out, const session *s, const char *path,
                        const char *format, const char *why);
/* {"name": ..., "version": ...} of a package (a dependency path's step,
 * an added package's dependent in `diff`). */
void report_pkg_ref_json(json *j, const lock_pkg *p);
/* cargo_lock::Dependency naming package p: {"name","version","source"}. */
void report_dep_pkg_json(json *j, const lock_pkg *p);

/* rustsec's advisory Metadata object, Versions object, and Affected
 * object (null when the advisory restricts nothing) as JSON values.
 * Requirements are written as the semver crate's Display writes them
 * (`>=1.5.5`, `>=1.18.4, <1.19.0`: report_req), functions in path order. */
void report_advisory_json(json *j, const advdb_advisory *a);
void report_versions_json(json *j, const advdb_advisory *a);
void report_affected_json(json *j, const advdb_advisory *a);

/* A requirement string of an advisory in the semver crate's Display
 * form, into out (cap bytes); the text as stored when it does not parse
 * (it always does in an index the compiler wrote). Returns out. */
const char *report_req(char *out, size_t cap, const char *raw);

/* The URL cargo-audit shows for an advisory: the advisory's own page
 * (rustsec.org for RUSTSEC ids, cve.org, GitHub, Talos), or its `url`
 * when it has no such page or is under CC-BY-4.0 (whose `url` must be
 * kept). Into out; NULL when there is none. */
const char *report_advisory_url(char *out, size_t cap,
                                const advdb_advisory *a);

/* The warning kinds of a report in rustsec's order (its WarningKind:
 * notice, unmaintained, unsound), and how many. */
extern const advdb_kind report_warning_order[3];

/* Text from the index or an input, escaped for the terminal (escape.h;
 * newlines and tabs kept when keep_nl). */
void report_text(buf *out, const char *s, int keep_nl);

/* ANSI colour around text when on. */
void report_color(buf *out, int on, const char *code, const char *text);

#endif
