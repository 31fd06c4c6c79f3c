/*
 * auditable.h — the dependency data `cargo auditable` embeds in a binary:
 * zlib-compressed JSON (`{"format": N, "packages": [{"name", "version",
 * "source", "kind", "dependencies": [indices], "root"}]}`), decoded into
 * a list of packages and a validated dependency graph.
 *
 * The pipeline, each step usable alone:
 *   auditable_inflate      zlib -> bytes, at most AUDITABLE_INFLATE_MAX
 *   auditable_parse_json   bytes -> packages (jansson), validated
 *   auditable_decode       both
 *   auditable_from_binary  a whole file's buffer (binfmt.h finds the
 *                          .dep-v0 sections) -> packages; a universal
 *                          Mach-O gives the union of its slices
 *
 * Validation. Hard errors (the data is refused): not zlib, a bomb past
 * the cap, bytes after the zlib stream other than zero padding, JSON that
 * is not UTF-8 or not JSON, a duplicate key, nesting deeper than
 * AUDITABLE_DEPTH_MAX, more than AUDITABLE_VALUES_MAX values or
 * AUDITABLE_PKGS_MAX packages, a member of the wrong type, an empty name
 * or one longer than an index key holds (ADV_PACKAGE_MAX, limit.h), a version that is not semver (schema/version.h), a
 * `kind` other than "build"/"runtime", a dependency that is not a
 * non-negative integer. The graph is checked apart: exactly one root, no
 * dependency index out of range, no cycle. A graph that fails is not an
 * error: the packages are still good to check, but `tree_error` says why
 * there is no tree and `parent` is NULL.
 *
 * Sources: "crates.io" (and the schema's spelling "CratesIo") are
 * crates.io, the only source advisories apply to; "git", "local",
 * "registry" (or "Git", "Local", "Registry") and any other string or
 * {"Other": "..."} are kept as other sources.
 *
 * Ownership: an auditable owns all its memory (strings copied out of the
 * JSON); auditable_free() releases it. Nothing is global: calls on
 * different structs may run on any threads at once.
 */
#ifndef ADVDB_AUDITABLE_H
#define ADVDB_AUDITABLE_H

#include <stddef.h>
#include <stdint.h>

#include "binfmt.h"

#define AUDITABLE_INFLATE_MAX ((size_t)8 << 20)   /* as PARSING.md advises */
#define AUDITABLE_DEPTH_MAX   16        /* JSON nesting; real data has 4 */
#define AUDITABLE_VALUES_MAX  2000000   /* JSON values: bounds jansson's
                                           memory (~50 bytes each) */
#define AUDITABLE_PKGS_MAX    200000    /* == LOCKFILE_PKGS_MAX */
#define AUDITABLE_NONE        ((size_t)-1)

/* Return codes beside 0 and -1 (error, message set). */
#define AUDITABLE_ENODATA 1             /* no .dep-v0 data in the file */
/* What to say of a file without it (advdb-query bin, libadvdb). */
#define AUDITABLE_NO_DATA "no dependency data (not built with cargo auditable)"

typedef enum auditable_source {
	AUDITABLE_CRATES_IO = 0,
	AUDITABLE_GIT,
	AUDITABLE_LOCAL,
	AUDITABLE_REGISTRY,
	AUDITABLE_OTHER
} auditable_source;

typedef struct auditable_pkg {
	const char *name;               /* non-empty, no NUL */
	const char *version;            /* parses as semver */
	const char *source;             /* "crates.io", "git", "local",
	                                   "registry", or the other text */
	auditable_source source_kind;
	int build;                      /* kind "build" (only at build time) */
	int root;
	const size_t *deps;             /* indices as given (not yet checked
	                                   against npkgs: see tree_error) */
	size_t ndeps;
} auditable_pkg;

typedef struct auditable {
	uint32_t format;                /* "format", 0 when absent */
	size_t npkgs;
	auditable_pkg *pkgs;
	/* The graph: when tree_error[0] is '\0', root is the root package and
	 * parent[i] the package that pulls pkgs[i] in on a shortest path from
	 * the root (AUDITABLE_NONE for the root and for packages the root
	 * does not reach); else parent is NULL. */
	size_t root;
	size_t *parent;
	char tree_error[160];
	void *mem;                      /* owns the strings and arrays */
} auditable;

typedef struct auditable_error {
	char msg[240];
} auditable_error;

/* Inflate the zlib stream z[0..zlen) into a new buffer (*out, freed by
 * the caller; NUL-terminated for convenience, *outlen without it). More
 * than AUDITABLE_INFLATE_MAX bytes of output is an error, found without
 * producing them all. Returns 0 or -1. */
int auditable_inflate(unsigned char **out, size_t *outlen,
                      const unsigned char *z, size_t zlen,
                      auditable_error *err);

/* Parse and validate the JSON text[0..len). Returns 0 and fills *out, or
 * -1 with *out zeroed. */
int auditable_parse_json(auditable *out, const char *text, size_t len,
                         auditable_error *err);

/* auditable_inflate, then auditable_parse_json; messages start with
 * "dependency data: ". */
int auditable_decode(auditable *out, const unsigned char *z, size_t zlen,
                     auditable_error *err);

/*
 * The packages of a binary file p[0..len): its container is read with
 * binfmt_find (into *info, which the caller keeps for the format and
 * slices), each slice's data decoded. One slice with data: its packages
 * and graph as they are. Several (a universal file): the union, a package
 * (name, version, source) present in several slices listed once, and the
 * union of the slices' graphs, validated again (a slice whose own graph
 * failed fails the merged tree, saying which); all slices together are
 * held to AUDITABLE_PKGS_MAX packages and AUDITABLE_VALUES_MAX
 * dependencies, as one slice is. *nodata receives the
 * number of slices without data (the caller decides what that means).
 * Returns 0; AUDITABLE_ENODATA when no slice has data (*out zeroed); or
 * -1 with a message, prefixed with the slice for a universal file.
 */
int auditable_from_binary(auditable *out, binfmt_info *info,
                          size_t *nodata, const unsigned char *p,
                          size_t len, auditable_error *err);

void auditable_free(auditable *a);

#endif
