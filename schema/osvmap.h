/*
 * osvmap.h — the OSV format (https://ossf.github.io/osv-schema/) as advdb
 * maps it to and from its advisory record (record.h): the one place for
 * OSV's field names, the ecosystem and its package URL, the severity
 * types, the range type and event names, the reference types and the two
 * links advdb derives, the dates, the license default and the id
 * charset. Both sides read it: the OSV import (compiler/osv.c,
 * osv_range.c: files to records) and the OSV export
 * (query/cli/osvout.c: a record to one OSV JSON object, for export-osv
 * and any server of OSV answers). One table on both sides is what makes
 * the export match RustSec's own OSV export and import(export(r)) give
 * r's advisory back.
 *
 *   OSV                                    advdb's record
 *   id, aliases, related                   id, aliases, related
 *   summary, details                       title, description
 *   published, withdrawn (a date's noon)   date, withdrawn (YYYY-MM-DD)
 *   modified (RFC 3339)                    modified (unix time)
 *   severity[] {type CVSS_V3/_V4, score}   cvss
 *   affected[] (one, ecosystem crates.io):
 *     package {ecosystem, name, purl}      package (purl: pkg:cargo/NAME)
 *     ecosystem_specific.affects           arch, os, functions (paths)
 *       {arch, os, functions}
 *     database_specific                    categories, cvss, informational
 *       {categories, cvss, informational}
 *     ranges[] {type SEMVER, events[]}     ranges: introduced (0.0.0-0 when
 *                                          unbounded), fixed
 *   references[] {type, url}               url, then references; the
 *                                          crates.io PACKAGE link and the
 *                                          rustsec.org ADVISORY link are
 *                                          derived from package and id
 *   database_specific.license              license (absent: CC0-1.0)
 */
#ifndef ADVDB_SCHEMA_OSVMAP_H
#define ADVDB_SCHEMA_OSVMAP_H

#include <stddef.h>

/* ---- field names ---- */
#define OSV_ID                  "id"
#define OSV_MODIFIED            "modified"
#define OSV_PUBLISHED           "published"
#define OSV_WITHDRAWN           "withdrawn"
#define OSV_ALIASES             "aliases"
#define OSV_RELATED             "related"
#define OSV_SUMMARY             "summary"
#define OSV_DETAILS             "details"
#define OSV_SEVERITY            "severity"
#define OSV_TYPE                "type"     /* of a severity, range, reference */
#define OSV_SCORE               "score"
#define OSV_AFFECTED            "affected"
#define OSV_PACKAGE             "package"
#define OSV_ECOSYSTEM           "ecosystem"
#define OSV_NAME                "name"
#define OSV_PURL                "purl"
#define OSV_ECOSYSTEM_SPECIFIC  "ecosystem_specific"
#define OSV_AFFECTS             "affects"
#define OSV_ARCH                "arch"
#define OSV_OS                  "os"
#define OSV_FUNCTIONS           "functions"
#define OSV_AFFECTED_FUNCTIONS  "affected_functions"  /* rustsec: null */
#define OSV_DATABASE_SPECIFIC   "database_specific"
#define OSV_CATEGORIES          "categories"
#define OSV_CVSS                "cvss"
#define OSV_INFORMATIONAL       "informational"
#define OSV_RANGES              "ranges"
#define OSV_EVENTS              "events"
#define OSV_VERSIONS            "versions"
#define OSV_REFERENCES          "references"
#define OSV_URL                 "url"
#define OSV_LICENSE             "license"

/* ---- values ---- */
#define OSV_CRATES_IO           "crates.io"  /* the ecosystem of records */
#define OSV_RANGE_SEMVER        "SEMVER"     /* written; read with: */
#define OSV_RANGE_ECOSYSTEM     "ECOSYSTEM"
#define OSV_VERSION_ZERO        "0.0.0-0"    /* introduced: from the first
                                                version ("0" is read too) */
#define OSV_LIMIT_NONE          "*"          /* limit "*": no limit */
#define OSV_LICENSE_DEFAULT     "CC0-1.0"    /* rustsec's default */
#define OSV_REF_PACKAGE         "PACKAGE"
#define OSV_REF_ADVISORY        "ADVISORY"
#define OSV_LINK_MAX            512          /* a derived link or purl */

typedef enum osv_event {        /* the events of a range */
	OSV_EV_INTRODUCED, OSV_EV_FIXED, OSV_EV_LAST_AFFECTED, OSV_EV_LIMIT,
	OSV_EV_COUNT
} osv_event;

/* The event a name stands for, or -1. */
int osvmap_event(const char *name);
const char *osvmap_event_name(osv_event e);

/* The severity type of a CVSS vector: CVSS_V4 for "CVSS:4...", else
 * CVSS_V3 (rustsec's two). */
const char *osvmap_severity_type(const char *vector);
/* Does a severity of this type hold a CVSS vector advdb reads? */
int osvmap_severity_is_cvss(const char *type);

/* The type of a reference by its URL, as rustsec guesses it: REPORT
 * (an issue), ADVISORY, PACKAGE (crates.io) or WEB. */
const char *osvmap_reference_type(const char *url);

/* The links and package URL derived from a package and an id, into buf
 * (cap bytes; OSV_LINK_MAX holds them): 0, or -1 when cut. */
int osvmap_package_link(char *buf, size_t cap, const char *package);
int osvmap_advisory_link(char *buf, size_t cap, const char *id);
int osvmap_purl(char *buf, size_t cap, const char *package);

/* A YYYY-MM-DD date as the time OSV gives it (noon UTC, as rustsec
 * publishes): 0, or -1 (buf "") when date is not 10 bytes. */
int osvmap_date_time(char *buf, size_t cap, const char *date);

/* An id made of [A-Za-z0-9._-], not empty, not starting with '.': the
 * ids advdb imports, and so safe as a file name of the export. */
int osvmap_id_ok(const char *id);

#endif
