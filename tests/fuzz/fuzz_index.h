/*
 * fuzz_index.h — a small sample index for the targets that need an open
 * database (fuzz_batch, fuzz_db), built once per process with the
 * compiler's own advisory parser and writer from the advisories below
 * (written for this file), in a temporary folder under $TMPDIR (else
 * /tmp) removed at exit — when the process ends normally: libFuzzer's
 * own exits skip atexit, hence run.sh points TMPDIR into $BUILD.
 *
 * The lazily built path is the only static state of the fuzz targets;
 * it is set once and then only read. Static functions rather than a .c
 * file: the replay test includes every target into one translation unit
 * and the Makefile links one .c per test.
 */
#ifndef ADVDB_FUZZ_INDEX_H
#define ADVDB_FUZZ_INDEX_H

#include <unistd.h>

#include "fuzz.h"
#include "advisory.h"
#include "diag.h"
#include "writer.h"

static const struct fuzz_sample_adv {
	const char *path, *text;
} fuzz_sample_advs[] = {
	{ "crates/tokio/RUSTSEC-2023-0001.md",
	  "```toml\n[advisory]\nid = \"RUSTSEC-2023-0001\"\npackage = \"tokio\"\n"
	  "date = \"2023-01-04\"\naliases = [\"CVE-2023-22466\"]\n"
	  "cvss = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"\n\n"
	  "[affected]\nfunctions = { \"tokio::net::Pipe::new\" = "
	  "[\">= 1.7.0\"] }\n\n"
	  "[versions]\npatched = [\">= 1.18.4, < 1.19.0\", \">= 1.23.1\"]\n"
	  "unaffected = [\"< 1.7.0\"]\n```\n\n"
	  "# A fuzzing sample\n\nAffects 1.7.0 up to 1.18.4.\n" },
	{ "crates/tokio/RUSTSEC-2024-0002.md",
	  "```toml\n[advisory]\nid = \"RUSTSEC-2024-0002\"\npackage = \"tokio\"\n"
	  "date = \"2024-02-01\"\n\n[affected]\nos = [\"windows\"]\n"
	  "arch = [\"x86_64\"]\n\n"
	  "[versions]\npatched = [\"^1.2.3-rc.1\"]\n```\n\n"
	  "# Only on Windows\n\nA sample with an os list and a prerelease.\n" },
	{ "crates/ansi_term/RUSTSEC-2021-0139.md",
	  "```toml\n[advisory]\nid = \"RUSTSEC-2021-0139\"\n"
	  "package = \"ansi_term\"\ndate = \"2021-08-18\"\n"
	  "informational = \"unmaintained\"\n\n[versions]\npatched = []\n```\n\n"
	  "# Unmaintained\n\nA warning, never a vulnerability.\n" },
	{ "crates/smallvec/RUSTSEC-2019-0009.md",
	  "```toml\n[advisory]\nid = \"RUSTSEC-2019-0009\"\n"
	  "package = \"smallvec\"\ndate = \"2019-06-06\"\n"
	  "withdrawn = \"2019-07-01\"\n\n[versions]\npatched = [\">= 0.6.10\"]\n"
	  "```\n\n# Withdrawn\n\nNever reported.\n" },
	{ "rust/std/CVE-2018-1000657.md",
	  "```toml\n[advisory]\nid = \"CVE-2018-1000657\"\npackage = \"std\"\n"
	  "date = \"2018-08-20\"\n\n[versions]\npatched = [\">= 1.22.0\"]\n"
	  "unaffected = [\"< 1.3.0\"]\n```\n\n"
	  "# A toolchain sample\n\nIn the rust collection.\n" },
};

#define FUZZ_NSAMPLES (sizeof fuzz_sample_advs / sizeof fuzz_sample_advs[0])

static advisory *fuzz_index_advs_[FUZZ_NSAMPLES];
static char fuzz_index_dir_[160];
static char fuzz_index_db_[192];
static int fuzz_index_state_;   /* 0 not tried, 1 ready, -1 failed */

static inline void fuzz_index_cleanup(void)
{
	char p[224];

	if (fuzz_index_db_[0]) {
		unlink(fuzz_index_db_);
		snprintf(p, sizeof p, "%s-lock", fuzz_index_db_);
		unlink(p);
	}
	for (size_t i = 0; i < FUZZ_NSAMPLES; i++)
		advisory_free(fuzz_index_advs_[i]);
	if (fuzz_index_dir_[0]) {
		/* what fuzz_db writes beside it */
		snprintf(p, sizeof p, "%s/damaged.lmdb", fuzz_index_dir_);
		unlink(p);
		rmdir(fuzz_index_dir_);
	}
}

static inline int fuzz_index_build(void)
{
	char err[512];
	writer *w = NULL;
	writer_stats st;
	int ok = 0;

	const char *tmp = getenv("TMPDIR");
	if (!tmp || !tmp[0])
		tmp = "/tmp";
	int wn = snprintf(fuzz_index_dir_, sizeof fuzz_index_dir_,
	                 "%s/advdb-fuzz.XXXXXX", tmp);
	if (wn < 0 || (size_t)wn >= sizeof fuzz_index_dir_ ||
	    !mkdtemp(fuzz_index_dir_)) {
		fuzz_index_dir_[0] = '\0';
		return -1;
	}
	snprintf(fuzz_index_db_, sizeof fuzz_index_db_, "%s/index.lmdb",
	         fuzz_index_dir_);
	atexit(fuzz_index_cleanup);
	if (writer_open(&w, fuzz_index_db_, err, sizeof err) != 0) {
		fprintf(stderr, "fuzz index: writer_open: %s\n", err);
		return -1;
	}
	for (size_t i = 0; i < sizeof fuzz_sample_advs /
	                       sizeof fuzz_sample_advs[0]; i++) {
		const struct fuzz_sample_adv *s = &fuzz_sample_advs[i];
		advisory *a = NULL;
		diag_list d;
		diag_init(&d);
		if (advisory_parse(&a, "rustsec", s->path, s->text,
		                   strlen(s->text), &d) != 0) {
			for (size_t k = 0; k < d.n; k++)
				fprintf(stderr, "fuzz index: %s\n", d.v[k].text);
			diag_free(&d);
			goto done;
		}
		diag_free(&d);
		int rc = writer_add(w, advisory_record(a), "rustsec", s->path,
		                    err, sizeof err);
		fuzz_index_advs_[i] = a;      /* kept: fuzz_index_expect */
		if (rc != 0) {
			fprintf(stderr, "fuzz index: writer_add: %s\n", err);
			goto done;
		}
	}
	if (writer_set_source(w, "rustsec",
	                      "0123456789abcdef0123456789abcdef01234567",
	                      1700000000) != 0)
		goto done;
	if (writer_commit(w, &st, err, sizeof err) != 0) {
		fprintf(stderr, "fuzz index: writer_commit: %s\n", err);
		goto done;
	}
	ok = 1;
done:
	writer_close(w);
	return ok ? 0 : -1;
}

/* Path of the sample index (built on first use), or NULL when it could
 * not be built. */
static inline const char *fuzz_index_path(void)
{
	if (fuzz_index_state_ == 0)
		fuzz_index_state_ = fuzz_index_build() == 0 ? 1 : -1;
	return fuzz_index_state_ == 1 ? fuzz_index_db_ : NULL;
}

/* What the default scope (crates, no target, withdrawn skipped) must
 * answer for crate name@v, from the compiler's own records of the sample:
 * *vuln when a vulnerability matches, *warn when an informational one
 * does. Valid after fuzz_index_path() succeeded. */
static inline void fuzz_index_expect(int *vuln, int *warn, const char *name,
                                     size_t nlen, const version *v)
{
	*vuln = *warn = 0;
	for (size_t i = 0; i < FUZZ_NSAMPLES; i++) {
		const adv_record *r = fuzz_index_advs_[i]
		                      ? advisory_record(fuzz_index_advs_[i]) : NULL;
		if (!r || r->collection != ADV_CRATES || r->withdrawn ||
		    strlen(r->package) != nlen || memcmp(r->package, name, nlen))
			continue;
		if (!fuzz_in_ranges(r->ranges, r->nranges, v))
			continue;
		if (r->info == ADV_INFO_NONE)
			*vuln = 1;
		else
			*warn = 1;
	}
}

/* The folder the index lives in (valid after fuzz_index_path()). */
static inline const char *fuzz_index_dir(void)
{
	return fuzz_index_dir_;
}

#endif
