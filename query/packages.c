/*
 * packages.c — advdb_packages_read() and its accessors: the packages of a
 * Cargo.lock (lockfile.h) or of a binary with cargo-auditable data
 * (binfmt.h, auditable.h), as the public advdb_package list.
 *
 * The readers are the ones advdb-query's scan and bin use, called the
 * same way, so a buffer reads here exactly as that file reads there; this
 * file only chooses the reader, maps sources to advdb_source_kind and
 * errors to advdb codes, and lays the packages out as advdb_package.
 *
 * Ownership: an advdb_packages keeps the reader's own result (the
 * lockfile's TOML document, or the auditable's block), which owns every
 * string; the advdb_package array points into it. Nothing points into
 * the caller's buffer.
 *
 * Invariants: every deps index is < n; either every dependency list is
 * complete and graph_error is "", or every ndeps is 0 and graph_error says
 * why (an incomplete list never looks complete).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auditable.h"
#include "binfmt.h"
#include "db_internal.h"
#include "lockfile.h"

#define READ_KNOWN (ADVDB_READ_LOCKFILE | ADVDB_READ_BINARY | \
                    ADVDB_READ_PARTIAL)

struct advdb_packages {
	advdb_input input;
	char format[48];
	char graph_error[200];       /* "" when the lists are complete */
	size_t n;
	advdb_package *pkgs;
	lockfile lf;                 /* ADVDB_INPUT_LOCKFILE */
	auditable aud;               /* ADVDB_INPUT_BINARY */
};

static advdb_source_kind lock_source_kind(const lock_pkg *p)
{
	if (!p->source)
		return ADVDB_SOURCE_PATH;
	if (p->crates_io)
		return ADVDB_SOURCE_CRATES_IO;
	if (strncmp(p->source, "git+", 4) == 0)
		return ADVDB_SOURCE_GIT;
	if (strncmp(p->source, "registry+", 9) == 0 ||
	    strncmp(p->source, "sparse+", 7) == 0)
		return ADVDB_SOURCE_REGISTRY;
	return ADVDB_SOURCE_OTHER;
}

static advdb_source_kind bin_source_kind(auditable_source s)
{
	switch (s) {
	case AUDITABLE_CRATES_IO: return ADVDB_SOURCE_CRATES_IO;
	case AUDITABLE_GIT:       return ADVDB_SOURCE_GIT;
	case AUDITABLE_LOCAL:     return ADVDB_SOURCE_PATH;
	case AUDITABLE_REGISTRY:  return ADVDB_SOURCE_REGISTRY;
	default:                  return ADVDB_SOURCE_OTHER;
	}
}

static int read_lockfile(advdb_packages *p, const char *buf, size_t len,
                         advdb_error_info *err)
{
	lock_error lerr;
	int r;

	if (lockfile_parse(&p->lf, buf, len, &lerr) < 0)
		return lerr.line
		    ? err_fail(err, ADVDB_EINPUT, lerr.line, "line %u: %s",
		               lerr.line, lerr.msg)
		    : err_fail(err, ADVDB_EINPUT, 0, "%s", lerr.msg);
	p->input = ADVDB_INPUT_LOCKFILE;
	snprintf(p->format, sizeof p->format, "Cargo.lock v%u", p->lf.format);
	if (!(p->pkgs = calloc(p->lf.npkgs, sizeof *p->pkgs)))
		return err_fail(err, ADVDB_ENOMEM, 0, "out of memory");
	r = lockfile_deps(&p->lf, p->graph_error, sizeof p->graph_error);
	if (r < 0)
		return err_fail(err, ADVDB_ENOMEM, 0, "out of memory");
	p->n = p->lf.npkgs;
	for (size_t i = 0; i < p->n; i++) {
		const lock_pkg *l = &p->lf.pkgs[i];
		advdb_package *o = &p->pkgs[i];

		o->name = l->name;
		o->version = l->version;
		o->source = l->source;
		o->source_kind = lock_source_kind(l);
		o->checksum = l->checksum;
		o->deps = l->deps;
		o->ndeps = l->ndeps;
		o->line = l->line;
	}
	return ADVDB_OK;
}

static int read_binary(advdb_packages *p, const unsigned char *buf,
                       size_t len, unsigned flags, advdb_error_info *err)
{
	binfmt_info info;
	auditable_error aerr;
	size_t nodata = 0;
	int rc;

	rc = auditable_from_binary(&p->aud, &info, &nodata, buf, len, &aerr);
	if (rc < 0)
		return err_fail(err, ADVDB_EINPUT, 0, "%s", aerr.msg);
	if (rc == AUDITABLE_ENODATA)
		return info.nslices > 1
		    ? err_fail(err, ADVDB_ENODATA, 0, "%s in any of its %zu "
		               "slices", AUDITABLE_NO_DATA, info.nslices)
		    : err_fail(err, ADVDB_ENODATA, 0, "%s", AUDITABLE_NO_DATA);
	if (nodata && !(flags & ADVDB_READ_PARTIAL))
		return err_fail(err, ADVDB_ENODATA, 0, "%zu of %zu slices: %s",
		                nodata, info.nslices, AUDITABLE_NO_DATA);
	p->input = ADVDB_INPUT_BINARY;
	snprintf(p->format, sizeof p->format, "%s", info.format);
	if (p->aud.tree_error[0])
		snprintf(p->graph_error, sizeof p->graph_error, "%s",
		         p->aud.tree_error);
	if (!(p->pkgs = calloc(p->aud.npkgs ? p->aud.npkgs : 1,
	                       sizeof *p->pkgs)))
		return err_fail(err, ADVDB_ENOMEM, 0, "out of memory");
	p->n = p->aud.npkgs;
	for (size_t i = 0; i < p->n; i++) {
		const auditable_pkg *a = &p->aud.pkgs[i];
		advdb_package *o = &p->pkgs[i];

		o->name = a->name;
		o->version = a->version;
		o->source = a->source;
		o->source_kind = bin_source_kind(a->source_kind);
		o->root = a->root != 0;
		o->build_only = a->build != 0;
		if (!p->graph_error[0] && a->ndeps > 0) {
			o->deps = a->deps;
			o->ndeps = a->ndeps;
		}
	}
	return ADVDB_OK;
}

int advdb_packages_read(advdb_packages **out, const void *buf, size_t len,
                        unsigned flags, advdb_error_info *err)
{
	advdb_packages *p;
	int rc, binary;

	if (out)
		*out = NULL;
	if (err && err->version != ADVDB_ERROR_INFO_VERSION)
		return ADVDB_EINVAL;    /* of an unknown layout: not written */
	if (!out || (!buf && len > 0))
		return err_fail(err, ADVDB_EINVAL, 0, "advdb_packages_read: NULL "
		                "argument");
	if (flags & ~(unsigned)READ_KNOWN)
		return err_fail(err, ADVDB_EINVAL, 0, "advdb_packages_read: "
		                "unknown flags 0x%x", flags & ~(unsigned)READ_KNOWN);
	if ((flags & ADVDB_READ_LOCKFILE) && (flags & ADVDB_READ_BINARY))
		return err_fail(err, ADVDB_EINVAL, 0, "advdb_packages_read: "
		                "ADVDB_READ_LOCKFILE and ADVDB_READ_BINARY "
		                "together");
	if (flags & ADVDB_READ_LOCKFILE)
		binary = 0;
	else
		binary = (flags & ADVDB_READ_BINARY) ||
		         binfmt_detect(buf, len) != BINFMT_UNKNOWN;
	if (!(p = calloc(1, sizeof *p)))
		return err_fail(err, ADVDB_ENOMEM, 0, "out of memory");
	rc = binary ? read_binary(p, buf ? buf : "", len, flags, err)
	            : read_lockfile(p, buf ? buf : "", len, err);
	if (rc != ADVDB_OK) {
		advdb_packages_free(p);
		return rc;
	}
	*out = p;
	return ADVDB_OK;
}

void advdb_packages_free(advdb_packages *p)
{
	if (!p)
		return;
	free(p->pkgs);
	lockfile_free(&p->lf);
	auditable_free(&p->aud);
	free(p);
}

size_t advdb_packages_count(const advdb_packages *p)
{
	return p ? p->n : 0;
}

const advdb_package *advdb_packages_at(const advdb_packages *p, size_t i)
{
	return p && i < p->n ? &p->pkgs[i] : NULL;
}

advdb_input advdb_packages_input(const advdb_packages *p)
{
	return p ? p->input : ADVDB_INPUT_LOCKFILE;
}

const char *advdb_packages_format(const advdb_packages *p)
{
	return p ? p->format : "";
}

const char *advdb_packages_graph_error(const advdb_packages *p)
{
	return p && p->graph_error[0] ? p->graph_error : NULL;
}

int advdb_packages_lookup(advdb_match *out, size_t cap, size_t *nout,
                          advdb *db, const advdb_packages *p, size_t i,
                          const advdb_query *q, advdb_error_info *err)
{
	const advdb_package *pk;
	int rc;

	if (nout)
		*nout = 0;
	if ((rc = err_check(db, err, "advdb_packages_lookup")) != 0)
		return rc;
	if (!p || i >= p->n)
		return db_fail(db, err, ADVDB_EINVAL, "advdb_packages_lookup: no "
		               "package %zu", i);
	pk = &p->pkgs[i];
	if (pk->source_kind == ADVDB_SOURCE_CRATES_IO)
		return advdb_lookup_ex(out, cap, nout, db, pk->name,
		                       strlen(pk->name), pk->version,
		                       strlen(pk->version), q, err);
	/* advisories do not apply; the arguments are checked all the same */
	if (!nout || (!out && cap > 0))
		return db_fail(db, err, ADVDB_EINVAL, "advdb_packages_lookup: "
		               "NULL argument");
	return db_query_check(db, q, "advdb_packages_lookup", err);
}
