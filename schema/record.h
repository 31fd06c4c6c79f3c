/*
 * record.h — the two value formats of the index, shared by the compiler
 * (which encodes) and libadvdb (which decodes). SCHEMA.md describes every
 * byte; this file and record.c are the only code that knows them.
 *
 *  - The full advisory record (`advisories` sub-database, before zstd):
 *    every field of an advisory, in a fixed order.
 *  - The hot package record (`packages` and `toolchain` sub-databases):
 *    per package, for each advisory, just what deciding "affected" needs:
 *    id, flags, informational kind, severity, os/arch lists, and the
 *    vulnerable ranges as version keys. Never compressed.
 *
 * Invariants:
 *   - Decoders never read outside [buf, buf+len), whatever the bytes; any
 *     inconsistency is -1 (corrupt), never a crash or a loop.
 *   - Every string in a decoded adv_record is NUL-terminated and points
 *     into the record's own block; record_free() releases all of it.
 *   - Vulnerable ranges travel as version structs (range, req.h) from
 *     the requirement parse to the record and back; the record holds them
 *     as canonical text, formatted once by record_encode and parsed once
 *     by record_decode, which also hands out that text (range_text) for
 *     whoever prints it.
 *   - hot_iter hands out views into the caller's buffer: valid as long as
 *     that buffer is (for LMDB, until the read transaction ends).
 */
#ifndef ADVDB_SCHEMA_RECORD_H
#define ADVDB_SCHEMA_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "limit.h"   /* RECORD_*_MAX, HOT_*_MAX, ADV_ID_MAX */
#include "req.h"

#define RECORD_FORMAT 1          /* first byte of both record kinds */

typedef enum adv_collection {
	ADV_CRATES = 0,
	ADV_RUST = 1
} adv_collection;

typedef enum adv_info {          /* `informational` */
	ADV_INFO_NONE = 0,           /* a vulnerability */
	ADV_INFO_UNMAINTAINED = 1,
	ADV_INFO_UNSOUND = 2,
	ADV_INFO_NOTICE = 3,
	ADV_INFO_OTHER = 4           /* any other word; the text is kept */
} adv_info;

/* The kind an `informational` word names (RustSec's words, which OSV
 * files carry in database_specific.informational too): NULL is a
 * vulnerability, any word not listed ADV_INFO_OTHER. */
adv_info record_info_of(const char *word);

typedef enum adv_severity {      /* CVSS qualitative rating */
	ADV_SEV_NONE = 0,            /* no cvss, or score 0.0 */
	ADV_SEV_LOW = 1,
	ADV_SEV_MEDIUM = 2,
	ADV_SEV_HIGH = 3,
	ADV_SEV_CRITICAL = 4
} adv_severity;

typedef struct strlist {
	const char **v;
	uint32_t n;
} strlist;

typedef struct adv_function {    /* [affected.functions] entry */
	const char *path;            /* "crate::module::fn" */
	strlist reqs;                /* requirement strings, as written */
} adv_function;

typedef struct adv_record {
	const char *id;              /* RUSTSEC-2023-0001, CVE-..., GHSA-... */
	const char *package;
	const char *source;          /* source name, e.g. "rustsec" */
	const char *path;            /* path of the file in its source */
	const char *date;            /* YYYY-MM-DD */
	const char *withdrawn;       /* YYYY-MM-DD, or NULL */
	const char *url;             /* or NULL */
	const char *title;
	const char *description;     /* Markdown, after the title line */
	const char *license;         /* or NULL (rustsec's default CC0-1.0) */
	const char *informational;   /* text as written, or NULL */
	const char *cvss;            /* vector as written, or NULL */
	int64_t modified;            /* unix time of the last commit that
	                                changed the file; 0 when unknown */
	uint16_t cvss_score10;       /* base score * 10 (0..100); 0 if none */
	uint8_t collection;          /* adv_collection */
	uint8_t info;                /* adv_info */
	uint8_t severity;            /* adv_severity */
	uint8_t expect_deleted;      /* `expect-deleted = true` */
	strlist aliases, related, categories, keywords, references;
	strlist os, arch;            /* [affected] */
	strlist patched, unaffected; /* requirement strings, as written */
	adv_function *functions;
	uint32_t nfunctions;
	range *ranges;               /* vulnerable ranges, computed */
	uint32_t nranges;
	const char *const *range_text; /* set by record_decode only (NULL
	                                otherwise, and record_encode ignores
	                                it): 2 per range, introduced then
	                                fixed, the canonical text the record
	                                holds (version_format of the range's
	                                versions); NULL when unbounded */
} adv_record;

/* Encode r into a new malloc'd buffer (*out, *len). Returns 0 or -1
 * (out of memory, or a list/string past its cap). */
int record_encode(const adv_record *r, uint8_t **out, size_t *len);

/* Decode len bytes into a new record (one allocation). Returns 0, or -1
 * when the bytes are not a well-formed record (*out stays NULL). */
int record_decode(adv_record **out, const void *buf, size_t len);

/* record_decode without the copy: the record's strings point into buf,
 * which must stay as it is, and allocated, until record_free(*out). For
 * a caller that keeps the bytes anyway (the compiler's entries). */
int record_decode_view(adv_record **out, const void *buf, size_t len);
void record_free(adv_record *r);

/* ---- hot package records ---- */

#define HOT_WITHDRAWN      0x01
#define HOT_HAS_OS         0x02
#define HOT_HAS_ARCH       0x04
#define HOT_HAS_FUNCTIONS  0x08
#define HOT_EXPECT_DELETED 0x10

typedef struct hot_entry {
	const char *id;              /* NOT NUL-terminated: use id_len */
	uint8_t id_len;
	uint8_t flags;               /* HOT_* */
	uint8_t info;                /* adv_info */
	uint8_t severity;            /* adv_severity */
	uint16_t cvss_score10;
	uint8_t n_os, n_arch;
	const uint8_t *os;           /* n_os times: u8 len, bytes */
	const uint8_t *arch;         /* n_arch times: u8 len, bytes */
	uint16_t n_ranges;
	const uint8_t *ranges;       /* n_ranges times: u8 len, lo key,
	                                u8 len, hi key (len 0: unbounded) */
	const uint8_t *end;          /* one past this entry */
} hot_entry;

typedef struct hot_iter {
	const uint8_t *p, *end;
	uint32_t left;
} hot_iter;

/* Encode the hot record for one package from its n advisories (ordered
 * by id). Returns 0 or -1 (out of memory, or a field past its cap). */
int hot_encode(const adv_record *const *recs, size_t n,
               uint8_t **out, size_t *len);

/* Start iterating a hot record. Returns 0, or -1 when the header is bad. */
int hot_iter_init(hot_iter *it, const void *buf, size_t len);

/* Next entry: 1 and *e filled, 0 at the end, -1 when corrupt. */
int hot_iter_next(hot_iter *it, hot_entry *e);

/* Is the version with key (vkey, vlen) inside one of e's ranges?
 * 1 yes, 0 no, -1 corrupt. */
int hot_entry_affects(const hot_entry *e, const uint8_t *vkey, size_t vlen);

/* Does e's os (or arch) list contain name? An empty list matches any.
 * 1 yes, 0 no. */
int hot_entry_has_os(const hot_entry *e, const char *name, size_t len);
int hot_entry_has_arch(const hot_entry *e, const char *name, size_t len);

#endif
