/*
 * fuzz_lockfile.c — the Cargo.lock reader (query/lockfile.c) on
 * arbitrary bytes.
 *
 * A rejected file must carry a message and a plausible line. An accepted
 * one must keep lockfile.h's invariants: format 1..4, at least one and at
 * most LOCKFILE_PKGS_MAX packages, each with a non-empty name and a version
 * that version_parse accepts, neither holding a NUL within the input's
 * length, lines within the file, and `crates_io` set exactly when
 * lockfile_source_is_crates_io says so. Differential: the same bytes
 * must parse as TOML, with one package per [[package]] entry (plus the
 * v1 [root] table), names and versions equal and in document order.
 */
#include "fuzz.h"
#include "lockfile.h"
#include "toml.h"

static void fl_check_pkg(const lock_pkg *p, size_t i, unsigned lines,
                         size_t size)
{
	const char *err = NULL;
	version v;

	FUZZ_CHECK(p->name != NULL && p->version != NULL,
	           "package %zu lacks name or version", i);
	size_t nl = strnlen(p->name, size + 1);
	size_t vl = strnlen(p->version, size + 1);
	FUZZ_CHECK(nl > 0 && nl <= size, "package %zu: name of %zu bytes",
	           i, nl);
	FUZZ_CHECK(vl <= size, "package %zu: version longer than the file", i);
	FUZZ_CHECK(version_parse(&v, p->version, vl, &err) == 0,
	           "package %zu (%s): version \"%s\" is not semver: %s", i,
	           p->name, p->version, err ? err : "");
	if (p->source)
		FUZZ_CHECK(strnlen(p->source, size + 1) <= size,
		           "package %zu: source longer than the file", i);
	if (p->checksum)
		FUZZ_CHECK(strnlen(p->checksum, size + 1) <= size,
		           "package %zu: checksum longer than the file", i);
	FUZZ_CHECK(p->line <= lines, "package %zu on line %u of %u", i,
	           p->line, lines);
	FUZZ_CHECK(p->crates_io == (lockfile_source_is_crates_io(p->source)
	                            != 0),
	           "package %zu: crates_io %u for source \"%s\"", i,
	           (unsigned)p->crates_io, p->source ? p->source : "(none)");
	if (!p->source)
		FUZZ_CHECK(!p->crates_io, "path package %zu marked crates.io", i);
}

static void fl_same_pkg(const lock_pkg *p, const toml_value *t, size_t i)
{
	const toml_value *n = toml_table_get(t, "name");
	const toml_value *v = toml_table_get(t, "version");
	FUZZ_CHECK(n && v && toml_kind(n) == TOML_STRING &&
	           toml_kind(v) == TOML_STRING, "package %zu: the TOML entry "
	           "lacks a string name or version", i);
	FUZZ_CHECK(strcmp(toml_string(n, NULL), p->name) == 0 &&
	           strcmp(toml_string(v, NULL), p->version) == 0,
	           "package %zu is %s %s, its TOML entry %s %s", i, p->name,
	           p->version, toml_string(n, NULL), toml_string(v, NULL));
}

static void fl_against_toml(const lockfile *lf, const uint8_t *data,
                            size_t size)
{
	toml_doc *doc = NULL;
	toml_error terr;

	FUZZ_CHECK(toml_parse(&doc, (const char *)data, size, &terr) == 0,
	           "an accepted lockfile is not TOML: %u:%u: %s", terr.line,
	           terr.col, terr.msg);
	const toml_value *root = toml_root(doc);
	const toml_value *pk = toml_table_get(root, "package");
	const toml_value *rt = toml_table_get(root, "root");
	size_t n = pk && toml_kind(pk) == TOML_ARRAY ? toml_array_len(pk) : 0;
	size_t k = 0;
	if (rt && toml_kind(rt) == TOML_TABLE)
		k = 1;
	FUZZ_CHECK(lf->npkgs == n + k, "%zu packages, but %zu [[package]] "
	           "entries%s", lf->npkgs, n, k ? " and a [root]" : "");
	if (k)
		fl_same_pkg(&lf->pkgs[0], rt, 0);
	for (size_t i = 0; i < n; i++)
		fl_same_pkg(&lf->pkgs[k + i], toml_array_at(pk, i), k + i);
	toml_free(doc);
}

int fuzz_lockfile(const uint8_t *data, size_t size)
{
	lockfile lf;
	lock_error err;
	unsigned lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&lf, 0x55, sizeof lf);
	memset(&err, 0x55, sizeof err);
	if (lockfile_parse(&lf, (const char *)data, size, &err) != 0) {
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL &&
		           err.msg[0] != '\0', "rejected without a message");
		FUZZ_CHECK(err.line <= lines, "error on line %u of %u", err.line,
		           lines);
		FUZZ_CHECK(lf.npkgs == 0 && lf.pkgs == NULL && lf.doc == NULL,
		           "a failed parse did not zero *out");
		lockfile_free(&lf);   /* zeroed: must be harmless */
		return 0;
	}
	FUZZ_CHECK(lf.format >= 1 && lf.format <= 4, "format %u", lf.format);
	FUZZ_CHECK(lf.npkgs <= LOCKFILE_PKGS_MAX, "%zu packages", lf.npkgs);
	FUZZ_CHECK(lf.npkgs > 0 && lf.pkgs != NULL,
	           "accepted with nothing to check");
	for (size_t i = 0; i < lf.npkgs; i++)
		fl_check_pkg(&lf.pkgs[i], i, lines, size);
	fl_against_toml(&lf, data, size);
	lockfile_free(&lf);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lockfile(data, size);
}
#endif
