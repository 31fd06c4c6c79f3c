/*
 * cvss.h — CVSS vector strings as RustSec advisories carry them: parsing,
 * validation, the score and the qualitative rating.
 *
 *   CVSS:3.0/... and CVSS:3.1/...  the 8 base metrics AV AC PR UI S C I A,
 *       each exactly once, in any order; temporal and environmental
 *       metrics (E RL RC CR IR AR MAV MAC MPR MUI MS MC MI MA) accepted
 *       and validated, at most once each, but only the base score is
 *       computed (FIRST CVSS v3.1 spec, section 7.1, with its Roundup;
 *       3.0 vectors use the same formulas).
 *   CVSS:4.0/...  the 11 base metrics AV AC AT PR UI VC VI VA SC SI SA
 *       exactly once each, plus the optional threat, environmental and
 *       supplemental metrics, validated, at most once each, in any order.
 *       The score is FIRST's CVSS v4.0 score of the whole vector (macro
 *       vectors, lookup table, severity distances; cvss4.c): CVSS-B for a
 *       base vector, CVSS-BT/BE/BTE when threat or environmental metrics
 *       are set, as FIRST's calculator and rustsec's cvss crate (so
 *       cargo-audit) score it. Supplemental metrics never change it.
 *
 * No allocation, no state; error messages name the offending metric.
 *
 * In schema/ because both sides read vectors: the compiler scores each
 * advisory's into its record, and `advdb-query report` rates the vectors
 * of scan --json lines, which carry the vector alone (cargo-audit's shape).
 */
#ifndef ADVDB_SCHEMA_CVSS_H
#define ADVDB_SCHEMA_CVSS_H

#include <stddef.h>
#include <stdint.h>

#define CVSS_TEXT_MAX 256    /* longest vector accepted */

typedef struct cvss {
	uint8_t major, minor;    /* 3.0, 3.1 or 4.0 */
	uint8_t has_score;       /* 1: every accepted version is scored */
	uint16_t score10;        /* score * 10, 0..100 (see above) */
	uint8_t severity;        /* adv_severity (record.h) */
} cvss;

/* Parse exactly len bytes of s. Returns 0 and fills *out, or -1 with a
 * NUL-terminated message in err (at most errcap bytes). */
int cvss_parse(cvss *out, const char *s, size_t len, char *err,
               size_t errcap);

/* Rating of a score*10: 0 none, 1..39 low, 40..69 medium, 70..89 high,
 * 90..100 critical (adv_severity values). */
int cvss_severity(unsigned score10);

#endif
