/*
 * fuzz_packages.c — the public packages-from-a-buffer call
 * (advdb_packages_read, advdb.h) on arbitrary bytes: read as it chooses
 * (a binary by its magic, else a Cargo.lock), and read again forced to be
 * a lockfile.
 *
 * A refusal must be a documented code (ADVDB_EINPUT, ADVDB_ENODATA,
 * ADVDB_ENOMEM) with *out NULL and the error struct filled: that code, a
 * non-empty NUL-terminated message, a line within the input. An accepted
 * input must keep advdb.h's promises: at least one package for a
 * lockfile, each with a non-empty name and a semver version; every
 * dependency index in range, and either every list complete
 * (graph_error NULL) or every list empty; source_kind crates.io exactly
 * for the crates.io sources; a format; NULL past the end. Differential:
 * a lockfile gives the packages lockfile_parse gives, in order.
 */
#include "fuzz.h"
#include "advdb.h"
#include "lockfile.h"

static void fp_check_refused(int rc, const advdb_packages *p,
                             const advdb_error_info *e, unsigned lines)
{
	FUZZ_CHECK(rc == ADVDB_EINPUT || rc == ADVDB_ENODATA ||
	           rc == ADVDB_ENOMEM, "advdb_packages_read = %d", rc);
	FUZZ_CHECK(p == NULL, "a refusal left *out set");
	FUZZ_CHECK(e->code == rc, "err.code %d, returned %d", e->code, rc);
	FUZZ_CHECK(memchr(e->message, '\0', sizeof e->message) != NULL &&
	           e->message[0] != '\0', "refused without a message");
	FUZZ_CHECK(e->line <= lines, "error on line %u of %u", e->line, lines);
}

static void fp_check_accepted(const advdb_packages *p, size_t size)
{
	size_t n = advdb_packages_count(p);
	const char *graph = advdb_packages_graph_error(p);
	const char *why = NULL;
	version v;

	FUZZ_CHECK(advdb_packages_format(p)[0] != '\0', "no format");
	FUZZ_CHECK(advdb_packages_at(p, n) == NULL, "a package past the end");
	if (advdb_packages_input(p) == ADVDB_INPUT_LOCKFILE)
		FUZZ_CHECK(n > 0, "a lockfile with nothing to check");
	for (size_t i = 0; i < n; i++) {
		const advdb_package *k = advdb_packages_at(p, i);
		FUZZ_CHECK(k && k->name && k->name[0] && k->version,
		           "package %zu lacks a name or version", i);
		FUZZ_CHECK(version_parse(&v, k->version, strlen(k->version),
		                         &why) == 0, "package %zu: version \"%s\"",
		           i, k->version);
		FUZZ_CHECK(!graph || k->ndeps == 0, "package %zu has %zu "
		           "dependencies beside a graph error", i, k->ndeps);
		FUZZ_CHECK((k->ndeps == 0) == (k->deps == NULL),
		           "package %zu: ndeps %zu, deps %p", i, k->ndeps,
		           (const void *)k->deps);
		for (size_t d = 0; d < k->ndeps; d++)
			FUZZ_CHECK(k->deps[d] < n, "package %zu: dependency %zu "
			           "out of range", i, k->deps[d]);
		if (advdb_packages_input(p) == ADVDB_INPUT_LOCKFILE) {
			FUZZ_CHECK((k->source_kind == ADVDB_SOURCE_CRATES_IO) ==
			           (lockfile_source_is_crates_io(k->source) != 0),
			           "package %zu: kind %d for source \"%s\"", i,
			           (int)k->source_kind,
			           k->source ? k->source : "(none)");
			FUZZ_CHECK(k->line > 0 && k->root == 0, "package %zu: line "
			           "%u, root %d", i, k->line, k->root);
			FUZZ_CHECK(strlen(k->name) <= size, "a name past the input");
		} else {
			FUZZ_CHECK(k->source && k->checksum == NULL && k->line == 0,
			           "binary package %zu: source, checksum or line",
			           i);
		}
	}
}

/* The same packages as the internal reader, in the same order. */
static void fp_against_lockfile(const advdb_packages *p,
                                const uint8_t *data, size_t size)
{
	lockfile lf;
	lock_error le;

	FUZZ_CHECK(lockfile_parse(&lf, (const char *)data, size, &le) == 0,
	           "accepted by the library, refused by lockfile_parse: %s",
	           le.msg);
	FUZZ_CHECK(lf.npkgs == advdb_packages_count(p), "%zu packages, the "
	           "reader found %zu", advdb_packages_count(p), lf.npkgs);
	for (size_t i = 0; i < lf.npkgs; i++) {
		const advdb_package *k = advdb_packages_at(p, i);
		FUZZ_CHECK(strcmp(k->name, lf.pkgs[i].name) == 0 &&
		           strcmp(k->version, lf.pkgs[i].version) == 0,
		           "package %zu is %s %s, the reader's %s %s", i, k->name,
		           k->version, lf.pkgs[i].name, lf.pkgs[i].version);
	}
	lockfile_free(&lf);
}

static void fp_read(const uint8_t *data, size_t size, unsigned flags,
                    unsigned lines)
{
	advdb_packages *p = (advdb_packages *)&p;    /* must be overwritten */
	advdb_error_info e = ADVDB_ERROR_INFO_INIT;
	int rc = advdb_packages_read(&p, data, size, flags, &e);

	if (rc != ADVDB_OK) {
		fp_check_refused(rc, p, &e, lines);
		return;
	}
	FUZZ_CHECK(p != NULL, "ADVDB_OK without packages");
	fp_check_accepted(p, size);
	if (advdb_packages_input(p) == ADVDB_INPUT_LOCKFILE)
		fp_against_lockfile(p, data, size);
	advdb_packages_free(p);
}

int fuzz_packages(const uint8_t *data, size_t size)
{
	unsigned lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	fp_read(data, size, 0, lines);
	fp_read(data, size, ADVDB_READ_LOCKFILE, lines);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_packages(data, size);
}
#endif
