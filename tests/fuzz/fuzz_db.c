/*
 * fuzz_db.c — libadvdb on damaged index files: "a missing, truncated,
 * foreign or newer-schema DB file is a clear error, never a crash".
 *
 * Random bytes almost never look like an LMDB file, so the input is a
 * list of damages applied to the good sample index of fuzz_index.h:
 *   byte 0, bit 0      truncate the file, to size * (u16 at bytes 1-2) /
 *                      65536 bytes
 *   then 4 bytes each  set the byte at offset (u24 LE) mod size to the
 *                      4th byte (at most FD_PATCHES_MAX of them)
 * The damaged copy is written to a file and opened. A failed open must
 * return a documented code and a message; an open one must answer every
 * call (lookups in every scope, advisories by id and alias, both
 * iterators, info) with a documented code and never crash, hang or read
 * outside what it owns. The compiler reads the same file through the
 * same reader (query/reader.h): its whole-index checks and --update's
 * load of a previous index must give 0/1 or an error with a message.
 * With no damage, the answers must be the known ones (so the target
 * tests something).
 */
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_index.h"
#include "advdb.h"
#include "reader.h"

#define FD_PATCHES_MAX 64
#define FD_ITER_MAX 10000

static uint8_t *fdb_base;
static size_t fdb_size;

static int fdb_load(void)
{
	const char *path = fuzz_index_path();
	if (!path)
		return -1;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0) {
		fclose(f);
		return -1;
	}
	long n = ftell(f);
	if (n <= 0 || n > (64L << 20) || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	fdb_base = malloc((size_t)n);
	if (!fdb_base || fread(fdb_base, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(fdb_base);
		fdb_base = NULL;
		return -1;
	}
	fclose(f);
	fdb_size = (size_t)n;
	return 0;
}

static int fdb_code_ok(int rc)
{
	return rc <= 0 && rc >= ADVDB_EBUFS;
}

static void fdb_advisory(advdb *db, const char *id, int pristine)
{
	advdb_advisory *a = NULL;
	int rc = advdb_advisory_get(&a, db, id);

	FUZZ_CHECK(fdb_code_ok(rc), "advdb_advisory_get(%s) = %d", id, rc);
	if (pristine)
		FUZZ_CHECK(rc == ADVDB_OK || strcmp(id, "RUSTSEC-0000-0000") == 0,
		           "undamaged index: advisory %s: %d %s", id, rc,
		           advdb_last_error(db));
	if (rc != ADVDB_OK) {
		FUZZ_CHECK(a == NULL, "failed get left *out set");
		return;
	}
	volatile size_t sink = 0;
	for (int f = ADVDB_F_ID; f <= ADVDB_F_COLLECTION; f++) {
		const char *s = advdb_advisory_field(a, (advdb_field)f);
		if (s)
			sink += strlen(s);
	}
	for (int l = ADVDB_L_ALIASES; l <= ADVDB_L_UNAFFECTED; l++) {
		size_t n = advdb_advisory_list_len(a, (advdb_list)l);
		for (size_t i = 0; i < n; i++) {
			const char *s = advdb_advisory_list_at(a, (advdb_list)l, i);
			FUZZ_CHECK(s != NULL, "list %d item %zu of %zu is NULL", l, i,
			           n);
			sink += strlen(s);
		}
		FUZZ_CHECK(advdb_advisory_list_at(a, (advdb_list)l, n) == NULL,
		           "list %d has an item past its end", l);
	}
	(void)advdb_advisory_kind(a);
	(void)advdb_advisory_severity(a);
	(void)advdb_advisory_cvss_score10(a);
	(void)advdb_advisory_modified(a);
	size_t nr = advdb_advisory_range_count(a);
	for (size_t i = 0; i < nr; i++) {
		const char *in = NULL, *fx = NULL;
		int r = advdb_advisory_range(&in, &fx, a, i);
		FUZZ_CHECK(fdb_code_ok(r), "advdb_advisory_range = %d", r);
		if (in)
			sink += strlen(in);
		if (fx)
			sink += strlen(fx);
	}
	size_t nf = advdb_advisory_function_count(a);
	for (size_t i = 0; i < nf; i++) {
		size_t nreq = 0;
		const char *const *reqs = NULL;
		const char *p = advdb_advisory_function(a, i, &nreq, &reqs);
		if (p)
			sink += strlen(p);
		for (size_t k = 0; k < nreq && reqs; k++)
			sink += strlen(reqs[k]);
	}
	(void)sink;
	advdb_advisory_free(a);
}

static size_t fdb_lookup(advdb *db, const char *name, const char *ver,
                         const advdb_query *q, size_t cap)
{
	advdb_match m[8];
	size_t n = (size_t)-1;

	int rc = advdb_lookup(m, cap, &n, db, name, ver, q);
	FUZZ_CHECK(fdb_code_ok(rc), "advdb_lookup(%s@%s) = %d", name, ver, rc);
	if (rc == ADVDB_OK)
		FUZZ_CHECK(n <= cap, "%zu matches in %zu slots", n, cap);
	if (rc == ADVDB_EBUFS)
		FUZZ_CHECK(n > cap, "EBUFS with %zu matches for %zu slots", n, cap);
	if (rc != ADVDB_OK && rc != ADVDB_EBUFS)
		return 0;
	for (size_t i = 0; i < n && i < cap; i++)
		FUZZ_CHECK(memchr(m[i].id, '\0', sizeof m[i].id) != NULL,
		           "match id not NUL-terminated");
	return n;
}

static void fdb_iter(advdb *db, int packages)
{
	advdb_iter *it = NULL;
	const char *name;
	int rc = packages ? advdb_packages_iter(&it, db)
	                  : advdb_advisories_iter(&it, db);

	FUZZ_CHECK(fdb_code_ok(rc), "iterator = %d", rc);
	if (rc != ADVDB_OK)
		return;
	unsigned n = 0;
	while ((rc = advdb_iter_next(&name, it)) == ADVDB_OK) {
		FUZZ_CHECK(++n <= FD_ITER_MAX, "iterator does not end");
		FUZZ_CHECK(name != NULL, "iterator gave NULL");
		(void)strlen(name);
	}
	FUZZ_CHECK(rc == ADVDB_ENOTFOUND || fdb_code_ok(rc),
	           "advdb_iter_next = %d", rc);
	advdb_iter_free(it);
}

static void fdb_queries(advdb *db, int pristine)
{
	advdb_query win = { ADVDB_QUERY_VERSION, "windows", "x86_64", 0 };
	advdb_query all = { ADVDB_QUERY_VERSION, NULL, NULL, ADVDB_Q_WITHDRAWN };
	advdb_query rust = { ADVDB_QUERY_VERSION, NULL, NULL, ADVDB_Q_TOOLCHAIN };

	size_t a = fdb_lookup(db, "tokio", "1.10.0", NULL, 8);
	advdb_query lin = { ADVDB_QUERY_VERSION, "linux", NULL, 0 };
	size_t b = fdb_lookup(db, "tokio", "1.2.0", &win, 8);
	size_t b2 = fdb_lookup(db, "tokio", "1.2.0", &lin, 8);
	fdb_lookup(db, "tokio", "1.10.0", &win, 1);
	size_t d0 = fdb_lookup(db, "smallvec", "0.6.0", NULL, 8);
	size_t c = fdb_lookup(db, "ansi_term", "0.12.1", NULL, 8);
	size_t d = fdb_lookup(db, "smallvec", "0.6.0", &all, 8);
	size_t e = fdb_lookup(db, "std", "1.10.0", &rust, 8);
	fdb_lookup(db, "nope", "1.0.0", NULL, 8);
	fdb_lookup(db, "tokio", "not-a-version", NULL, 8);
	if (pristine)
		FUZZ_CHECK(a == 1 && b == 1 && b2 == 0 && c == 1 && d0 == 0 &&
		           d == 1 && e == 1, "undamaged index gives %zu %zu %zu "
		           "%zu %zu %zu %zu matches", a, b, b2, c, d0, d, e);
	static const char *const ids[] = {
		"RUSTSEC-2023-0001", "RUSTSEC-2024-0002", "RUSTSEC-2021-0139",
		"RUSTSEC-2019-0009", "CVE-2018-1000657", "CVE-2023-22466",
		"RUSTSEC-0000-0000"
	};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		fdb_advisory(db, ids[i], pristine);
	fdb_iter(db, 1);
	fdb_iter(db, 0);
	advdb_info info = ADVDB_INFO_INIT;
	int rc = advdb_info_get(&info, db);
	FUZZ_CHECK(fdb_code_ok(rc), "advdb_info_get = %d", rc);
	if (rc == ADVDB_OK)
		FUZZ_CHECK(memchr(info.source_commit, '\0',
		                  sizeof info.source_commit) &&
		           memchr(info.digest, '\0', sizeof info.digest) &&
		           memchr(info.sources, '\0', sizeof info.sources),
		           "info strings not NUL-terminated");
	if (rc != ADVDB_OK)
		return;
	FUZZ_CHECK(!pristine || info.skipped_count == 0,
	           "the sample index skipped %llu advisories",
	           (unsigned long long)info.skipped_count);
	advdb_skipped sk = ADVDB_SKIPPED_INIT;
	for (size_t i = 0; i <= info.skipped_count && i < 16; i++) {
		rc = advdb_skipped_get(&sk, db, i);
		FUZZ_CHECK(fdb_code_ok(rc), "advdb_skipped_get = %d", rc);
		if (rc != ADVDB_OK)
			break;
		FUZZ_CHECK(memchr(sk.path, '\0', sizeof sk.path) &&
		           memchr(sk.message, '\0', sizeof sk.message),
		           "skipped strings not NUL-terminated");
	}
}

int fuzz_db(const uint8_t *data, size_t size)
{
	if (!fdb_base)
		FUZZ_CHECK(fdb_load() == 0, "cannot build the sample index");

	uint8_t *img = malloc(fdb_size);
	FUZZ_CHECK(img != NULL, "out of memory");
	memcpy(img, fdb_base, fdb_size);
	size_t len = fdb_size;
	size_t pos = 0;
	if (size >= 3 && (data[0] & 1)) {
		len = (size_t)((uint64_t)fdb_size * (data[1] | data[2] << 8) /
		               65536u);
		pos = 3;
	} else if (size >= 1) {
		pos = 1;
	}
	int pristine = len == fdb_size;
	for (unsigned k = 0; k < FD_PATCHES_MAX && size - pos >= 4; k++) {
		size_t off = ((size_t)data[pos] | (size_t)data[pos + 1] << 8 |
		              (size_t)data[pos + 2] << 16) % fdb_size;
		if (img[off] != data[pos + 3])
			pristine = 0;
		img[off] = data[pos + 3];
		pos += 4;
	}

	char path[224];
	snprintf(path, sizeof path, "%s/damaged.lmdb", fuzz_index_dir());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FUZZ_CHECK(fd >= 0, "cannot write %s", path);
	FUZZ_CHECK(write(fd, img, len) == (ssize_t)len, "short write");
	close(fd);
	free(img);

	/* advdb-compile --update over it: loaded, or a clear error */
	writer *w = NULL;
	char commit[41], werr[1024];
	FUZZ_CHECK(writer_open(&w, path, werr, sizeof werr) == 0,
	           "writer_open: %s", werr);
	werr[0] = '\0';
	int lr = writer_load_previous(w, "rustsec", commit, werr, sizeof werr);
	FUZZ_CHECK(lr >= -1 && lr <= 1, "writer_load_previous = %d", lr);
	FUZZ_CHECK(lr >= 0 || werr[0], "failed load without a message");
	if (pristine)
		FUZZ_CHECK(lr == 0, "undamaged index does not load: %s", werr);
	writer_close(w);

	advdb *db = (advdb *)(uintptr_t)1;
	char err[256];
	memset(err, 0x55, sizeof err);
	int rc = advdb_open(&db, path, 0, err, sizeof err);
	if (pristine)
		FUZZ_CHECK(rc == ADVDB_OK, "undamaged index does not open: %s",
		           err);
	if (rc != ADVDB_OK) {
		FUZZ_CHECK(fdb_code_ok(rc), "advdb_open = %d", rc);
		FUZZ_CHECK(db == NULL, "failed open left *out set");
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL && err[0],
		           "failed open without a message");
		return 0;
	}
	fdb_queries(db, pristine);
	rc = reader_check_lookups(db);
	FUZZ_CHECK(fdb_code_ok(rc), "reader_check_lookups = %d", rc);
	if (pristine)
		FUZZ_CHECK(rc == ADVDB_OK, "undamaged index fails its check: %s",
		           advdb_last_error(db));
	advdb_close(db);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_db(data, size);
}
#endif
