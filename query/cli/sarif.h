/*
 * sarif.h — `--format sarif`: SARIF 2.1.0 for GitHub code scanning and
 * other dashboards. One log with one run for the whole command, however
 * many lockfiles and binaries it read (cargo-audit 0.22 writes one log
 * per lockfile, each finding at line 1: cargo-audit/src/sarif.rs):
 *
 *   tool.driver      name "advdb", version, informationUri, and a rule
 *                    per advisory reported: id, name, shortDescription
 *                    (title), fullDescription (description), helpUri and
 *                    help (the advisory's page), defaultConfiguration
 *                    level, properties: tags ("security", then
 *                    "vulnerability", or "warning" and the informational
 *                    kind), precision, and "security-severity" (the CVSS
 *                    score, "7.5") when the advisory has a vector.
 *   results          one per finding: ruleId, level "error" for a
 *                    vulnerability and "warning" for an informational
 *                    advisory, a message naming package, version, id and
 *                    title, the location (the lockfile, at the line of
 *                    the package's [[package]]; a binary, no line), and
 *                    partialFingerprints "advdb/v1": a hash of id,
 *                    package name, version and path, stable from run to
 *                    run.
 *   invocations      executionSuccessful false, and one error
 *                    notification each, for whatever could not be
 *                    checked (an input, a look-up, an incomplete index):
 *                    a dashboard never sees a partial run as clean.
 *
 * The log is written as it goes: sarif_begin, then each input's results
 * (sarif_results; each result starts with a comma, which the first
 * printed one drops: sarif_print), then sarif_end with the rules of
 * every advisory seen. Members are in that order (results before tool):
 * JSON objects are unordered, and the results need not be held.
 *
 * Thread safety: a sarif_run collects rule ids and notifications under
 * its own mutex; scan workers render results at once.
 */
#ifndef ADVDB_CLI_SARIF_H
#define ADVDB_CLI_SARIF_H

#include <stdio.h>
#include "buf.h"
#include "report.h"

#define SARIF_NOTES_MAX 100     /* notifications kept (all are counted) */

typedef struct sarif_run sarif_run;

int sarif_run_new(sarif_run **out);
void sarif_run_free(sarif_run *r);

/* The results of one input (s->sarif collects its rules). Returns 0 or
 * a libadvdb error, as report_json. */
int sarif_results(buf *out, const session *s, const report_in *r);

/* Something of the run that could not be checked (path may be NULL). */
void sarif_error(sarif_run *run, const char *path, const char *msg);

/* The log up to the results array, and from its end to the end. */
void sarif_begin(buf *out);
int sarif_end(buf *out, const session *s, sarif_run *run);

/* Write out to f, dropping a leading comma when nothing was printed
 * before (*started 0); sets *started once something is. -1 on a write
 * error. */
int sarif_print(const buf *out, FILE *f, int *started);

#endif
