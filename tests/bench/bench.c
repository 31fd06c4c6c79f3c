/*
 * bench.c — `make bench`: every figure of the benchmark table, measured in
 * one run so that the ratios between them hold on a noisy machine.
 *
 *   advdb-bench --build DIR --work DIR --repo REPO --update-repo REPO
 *               --markdown FILE --lockfiles DIR --scan-dir DIR
 *               [--bin-dir DIR] [--runs N] [--lookups N]
 *               [--batch-lines N] [--crowd N] [--sign-key KEY --trust-key PUB]
 *               [--crates N] [--label TEXT]
 *
 * tests/bench/run.sh prepares the inputs (a bare clone of the advisory-db
 * bundle, or data/; a clone with one extra commit that changes 10
 * advisories; all the Markdown concatenated; the lockfiles replicated to
 * 5,000 files; binaries with cargo-auditable data, for --bin-dir) and
 * calls this program (which also scans that folder once to time
 * `report`, the reduce step, over its output), which times the real
 * programs as
 * child processes (wall clock, peak RSS from wait4) and the library
 * in-process (clock_gettime around each call).
 *
 * Benchmarks are not tests: nothing here fails because a machine is slow.
 * It exits 2 only when a program it drives fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>
#include <jansson.h>

#include "advdb.h"
#include "api.h"
#include "jsonmem.h"
#include "layout.h"
#include "qfast.h"
#include "version.h"
#include "writer.h"
#include "bench.h"

extern char **environ;



double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void die(const char *what)
{
	fprintf(stderr, "advdb-bench: %s\n", what);
	exit(2);
}

/* Run argv with stdin from in_path (or /dev/null) and stdout to out_path
 * (or /dev/null); stderr is kept. */
/* tools/peak_rss and its output file, when run() measures through it
 * (run_measure_rss); set once in main before any run. */
static const char *rss_tool, *rss_file;

void run_measure_rss(const char *tool, const char *file)
{
	rss_tool = tool;
	rss_file = file;
}

run_result run(char *const argv[], const char *in_path,
                      const char *out_path)
{
	posix_spawn_file_actions_t fa;
	run_result r = { 0, 0, 0, 0 };
	struct rusage ru;
	pid_t pid;
	int st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in_path ? in_path : "/dev/null",
	                                 O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null",
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	/* through peak_rss: argv after its two words */
	char *wrapped[64];
	size_t na = 0;
	while (argv[na])
		na++;
	if (rss_tool && na + 3 <= 64) {
		wrapped[0] = (char *)rss_tool;
		wrapped[1] = (char *)rss_file;
		for (size_t i = 0; i <= na; i++)
			wrapped[i + 2] = argv[i];
		argv = wrapped;
	}
	double t0 = now_ms();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		fprintf(stderr, "advdb-bench: cannot run %s: %s\n", argv[0],
		        strerror(errno));
		exit(2);
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4 failed");
	r.ms = now_ms() - t0;
	r.cpu_ms = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
	           ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
	r.rss_kb = ru.ru_maxrss;
	if (argv == wrapped) {
		FILE *f = fopen(rss_file, "r");
		/* its own figures of the program: peak_rss's start and its
		 * write of the file are not the program's time */
		if (!f || fscanf(f, "%ld %lf %lf", &r.rss_kb, &r.ms, &r.cpu_ms) != 3)
			die("no figures from tools/peak_rss");
		fclose(f);
	}
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	posix_spawn_file_actions_destroy(&fa);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

void path_join(char *out, size_t cap, const char *a, const char *b)
{
	int n = snprintf(out, cap, "%s/%s", a, b);
	if (n < 0 || (size_t)n >= cap)
		die("path too long");
}

void copy_file(const char *from, const char *to)
{
	char *argv[] = { "/bin/cp", (char *)from, (char *)to, NULL };
	if (run(argv, NULL, NULL).status != 0)
		die("cp failed");
}

/* ---- the table ---- */

void row(const char *figure, const char *value, const char *target,
                const char *met)
{
	printf("| %-38s | %-22s | %-22s | %-4s |\n", figure, value, target, met);
}

const char *yes(int ok) { return ok ? "yes" : "no"; }

double median_runs(char *const argv[], int runs, const char *what)
{
	double t[9];

	if (runs > 9)
		runs = 9;
	for (int i = 0; i < runs; i++) {
		run_result r = run(argv, NULL, NULL);
		if (r.status != 0)
			die(what);
		t[i] = r.ms;
	}
	return median(t, runs);
}

/* Median wall times of the programs a and b (each a one-shot check:
 * exit 0 or 1), run in turn `runs` times so both see the same machine. */
void alternate(double *ma, double *mb, char *const a[],
                      char *const b[], int runs)
{
	double ta[64], tb[64];
	char msg[4200];

	if (runs > 64)
		runs = 64;
	for (int i = 0; i < runs; i++)
		for (int k = 0; k < 2; k++) {
			char *const *argv = k ? b : a;
			run_result r = run(argv, NULL, NULL);
			if (r.status == 2) {
				snprintf(msg, sizeof(msg), "%s failed (exit 2)", argv[0]);
				die(msg);
			}
			(k ? tb : ta)[i] = r.ms;
		}
	*ma = median(ta, runs);
	*mb = median(tb, runs);
}

/* ---- signatures ---- */

/* The index signed (advdb-compile --sign --sign-only: the copy beside
 * it, same bytes), then in-process: advdb_open_verified() against
 * advdb_open() of the same file, medians of many; then one-shot checks
 * with and without --trust-key as child processes. */
static void sign_figures(const opts *o, const char *comp, const char *q,
                         const char *db)
{
	enum { N = 201 };
	static double tv[N], to[N];
	char val[96], err[1024];
	advdb_key *key = NULL;

	char *sargv[] = { (char *)comp, "--quiet", "-o", (char *)db, "--sign",
	                  (char *)o->sign_key, "--sign-only", NULL };
	if (run(sargv, NULL, NULL).status != 0)
		die("advdb-compile --sign --sign-only failed");
	if (advdb_key_load(&key, o->trust_key, err, sizeof(err)) != ADVDB_OK)
		die(err);
	for (int i = 0; i < N; i++) {
		advdb *h = NULL;
		double t0 = now_ms();
		if (advdb_open_verified(&h, db, key, NULL, err, sizeof(err)) != 0)
			die(err);
		tv[i] = now_ms() - t0;
		advdb_close(h);
		t0 = now_ms();
		if (advdb_open(&h, db, 0, err, sizeof(err)) != 0)
			die(err);
		to[i] = now_ms() - t0;
		advdb_close(h);
	}
	advdb_key_free(key);
	double mv = median(tv, N), mo = median(to, N);
	snprintf(val, sizeof(val), "%.2f ms (open alone %.2f)", mv, mo);
	row("open + verify signature, in-process", val, "verify <= 2 ms",
	    yes(mv - mo <= 2.0));

	char *qargv[] = { (char *)q, "-d", (char *)db, "check", "tokio@1.18.3",
	                  NULL };
	char *vargv[] = { (char *)q, "-d", (char *)db, "--trust-key",
	                  (char *)o->trust_key, "check", "tokio@1.18.3", NULL };
	double mq, mt;
	alternate(&mq, &mt, qargv, vargv, o->runs);
	snprintf(val, sizeof(val), "%.2f ms (without %.2f)", mt, mq);
	row("one-shot check --trust-key (median)", val, "", "");
}

/* ---- (name, version) pairs from the lockfile corpus ---- */



void pairs_add(pairs *p, const char *name, const char *version)
{
	if (strlen(name) >= sizeof(p->v[0].name) ||
	    strlen(version) >= sizeof(p->v[0].version))
		return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->v = realloc(p->v, p->cap * sizeof(*p->v));
		if (!p->v)
			die("out of memory");
	}
	snprintf(p->v[p->n].name, sizeof(p->v[0].name), "%s", name);
	snprintf(p->v[p->n].version, sizeof(p->v[0].version), "%s", version);
	p->n++;
}

/* A deliberately simple reading of `name = "x"` / `version = "y"` lines:
 * the bench only needs realistic names, not a lockfile parser. */
void read_pairs(pairs *p, const char *dir)
{
	char cmd[4096], line[512], name[128] = "";
	int n = snprintf(cmd, sizeof(cmd),
	                 "cat '%s'/*.lock '%s'/Cargo.lock 2>/dev/null", dir, dir);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		die("lockfile path too long");
	FILE *f = popen(cmd, "r");
	if (!f)
		die("cannot read lockfiles");
	while (fgets(line, sizeof(line), f)) {
		char val[128];
		if (sscanf(line, "name = \"%127[^\"]\"", val) == 1)
			snprintf(name, sizeof(name), "%s", val);
		else if (sscanf(line, "version = \"%127[^\"]\"", val) == 1 && *name) {
			pairs_add(p, name, val);
			*name = '\0';
		}
	}
	pclose(f);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ---- in-process lookups ---- */

/* Every advisory fetched as a library user does (advdb_advisory_get and
 * its ranges), and the whole index exported as OSV files. */
char **advisory_ids(advdb *db, size_t *count)
{
	advdb_iter *it = NULL;
	const char *id;
	char **ids = NULL;
	size_t n = 0, cap = 0;

	if (advdb_advisories_iter(&it, db) != ADVDB_OK)
		die("cannot list the advisories");
	while (advdb_iter_next(&id, it) == ADVDB_OK) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			ids = realloc(ids, cap * sizeof(*ids));
			if (!ids)
				die("out of memory");
		}
		if (!(ids[n++] = strdup(id)))
			die("out of memory");
	}
	advdb_iter_free(it);
	*count = n;
	return ids;
}

static void advisory_figures(const opts *o, const char *db_path)
{
	advdb *db;
	char err[512], val[64], fig[96], out[4096];
	char **ids;
	size_t n;
	double total = 0, worst = 0, t[9];

	if (advdb_open(&db, db_path, 0, err, sizeof(err)) != ADVDB_OK)
		die(err);
	ids = advisory_ids(db, &n);
	for (size_t i = 0; i < n; i++) {
		advdb_advisory *a;
		const char *in, *fx;
		double t0 = now_ms();
		if (advdb_advisory_get(&a, db, ids[i]) != ADVDB_OK)
			die(advdb_last_error(db));
		for (size_t k = 0; k < advdb_advisory_range_count(a); k++)
			if (advdb_advisory_range(&in, &fx, a, k) != ADVDB_OK)
				die("a range went missing");
		advdb_advisory_free(a);
		double dt = now_ms() - t0;
		total += dt;
		if (dt > worst)
			worst = dt;
		free(ids[i]);
	}
	free(ids);
	advdb_close(db);
	snprintf(fig, sizeof(fig), "advisory fetch, every id (%zu): mean / max",
	         n);
	snprintf(val, sizeof(val), "%.1f / %.0f us", n ? 1000 * total / n : 0,
	         1000 * worst);
	row(fig, val, "", "");

	path_join(out, sizeof(out), o->work, "osv-export");
	char q[4096];
	path_join(q, sizeof(q), o->build, "advdb-query");
	char *eargv[] = { q, "-d", (char *)db_path, "export-osv", out, NULL };
	for (int i = 0; i < o->runs; i++) {
		run_result r = run(eargv, NULL, NULL);
		if (r.status != 0)
			die("advdb-query export-osv failed");
		t[i] = r.ms;
	}
	snprintf(fig, sizeof(fig), "export-osv, every advisory (median of %d)",
	         o->runs);
	snprintf(val, sizeof(val), "%.1f ms", median(t, o->runs));
	row(fig, val, "", "");
}

static void lookup_figures(const opts *o, const char *db_path)
{
	pairs all = { 0 }, present = { 0 }, absent = { 0 };
	advdb *db;
	char err[512];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;

	read_pairs(&all, o->lockfiles);
	if (all.n == 0)
		die("no packages found in the lockfiles");
	if (advdb_open(&db, db_path, 0, err, sizeof(err)) != ADVDB_OK)
		die(err);
	if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, DB_MAXDBS) ||
	    mdb_env_open(env, db_path, MDB_RDONLY | MDB_NOSUBDIR | MDB_NOLOCK, 0) ||
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) ||
	    mdb_dbi_open(txn, db_name(DBI_PACKAGES), 0, &dbi))
		die("cannot open the DB with LMDB");
	for (size_t i = 0; i < all.n; i++) {
		MDB_val k = { strlen(all.v[i].name), all.v[i].name }, v;
		pairs_add(mdb_get(txn, dbi, &k, &v) == 0 ? &present : &absent,
		          all.v[i].name, all.v[i].version);
	}
	/* About half present: draw alternately from each pool. */
	size_t n = (size_t)o->lookups;
	pair **mix = malloc(n * sizeof(*mix));
	uint64_t *t_ours = malloc(n * sizeof(uint64_t));
	uint64_t *t_raw = malloc(n * sizeof(uint64_t));
	if (!mix || !t_ours || !t_raw)
		die("out of memory");
	size_t npresent = 0;
	for (size_t i = 0; i < n; i++) {
		pairs *pool = (i % 2 == 0 && present.n) || !absent.n ? &present : &absent;
		mix[i] = &pool->v[rng() % pool->n];
		npresent += pool == &present;
	}
	advdb_match m[64];
	size_t nm, hits = 0;
	for (size_t i = 0; i < n && i < 1000; i++)   /* warm the caches */
		advdb_lookup(m, 64, &nm, db, mix[i]->name, mix[i]->version, NULL);
	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		int rc = advdb_lookup(m, 64, &nm, db, mix[i]->name, mix[i]->version,
		                      NULL);
		t_ours[i] = now_ns() - t0;
		if (rc == ADVDB_OK && nm)
			hits++;
	}
	for (size_t i = 0; i < n; i++) {
		MDB_val k = { strlen(mix[i]->name), mix[i]->name }, v;
		uint64_t t0 = now_ns();
		int rc = mdb_get(txn, dbi, &k, &v);
		t_raw[i] = now_ns() - t0;
		(void)rc;
	}
	qsort(t_ours, n, sizeof(uint64_t), cmp_u64);
	qsort(t_raw, n, sizeof(uint64_t), cmp_u64);
	uint64_t p50 = t_ours[n / 2], p99 = t_ours[n * 99 / 100];
	uint64_t r50 = t_raw[n / 2], r99 = t_raw[n * 99 / 100];
	char val[64], fig[96];
	snprintf(fig, sizeof(fig), "lookup p50 / p99 (%zu keys, %.0f%% known)",
	         n, 100.0 * (double)npresent / (double)n);
	snprintf(val, sizeof(val), "%llu / %llu ns", (unsigned long long)p50,
	         (unsigned long long)p99);
	row(fig, val, "p50 <= 1000 ns", yes(p50 <= 1000));
	snprintf(val, sizeof(val), "%llu / %llu ns", (unsigned long long)r50,
	         (unsigned long long)r99);
	row("raw mdb_get p50 / p99 (same keys)", val, "", "");
	double ratio = r50 ? (double)p50 / (double)r50 : 0;
	snprintf(val, sizeof(val), "%.2fx", ratio);
	row("lookup p50 / raw mdb_get p50", val, "<= 2x", yes(ratio <= 2.0));
	fprintf(stderr, "advdb-bench: %zu of %zu lookups found an advisory\n",
	        hits, n);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	advdb_close(db);
	free(mix); free(t_ours); free(t_raw);
	free(all.v); free(present.v); free(absent.v);
}

/* ---- one crate with many advisories ---- */

/*
 * A crate with o->crowd advisories (10,000 unless --crowd) (the hot record once held at most 4,096;
 * now HOT_ENTRIES_MAX): advisory i is fixed in i.0.0. A lookup walks the
 * whole hot record whatever it finds, so the figures are the walk alone
 * (a version no advisory affects) and the walk plus filling every match.
 */
static void crowded_figures(const opts *o)
{
	char path[4096], err[512], id[32], file[64], val[64], fig[96];
	writer *w;
	advdb *db;
	range rg;
	const char *why;
	long crowd = o->crowd;
	advdb_match *m = malloc((size_t)crowd * sizeof(*m));
	uint64_t t_none[1000], t_all[1000];
	size_t nm;

	if (!m)
		die("out of memory");
	path_join(path, sizeof(path), o->work, "crowded.lmdb");
	if (writer_open(&w, path, err, sizeof(err)) < 0)
		die(err);
	for (long i = 1; i <= crowd; i++) {
		adv_record r;
		char fixed[32];
		memset(&r, 0, sizeof(r));
		memset(&rg, 0, sizeof(rg));
		snprintf(id, sizeof(id), "CROWD-%05ld", i);
		snprintf(file, sizeof(file), "crates/crowded/%s.md", id);
		snprintf(fixed, sizeof(fixed), "%ld.0.0", i);
		rg.has_fixed = 1;
		if (version_parse(&rg.fixed, fixed, strlen(fixed), &why) < 0)
			die("version");
		r.id = id;
		r.package = "crowded";
		r.date = "2024-01-01";
		r.title = "generated";
		r.description = "";
		r.ranges = &rg;
		r.nranges = 1;
		if (writer_add(w, &r, "bench", file, err, sizeof(err)) < 0)
			die(err);
	}
	if (writer_commit(w, NULL, err, sizeof(err)) < 0)
		die(err);
	writer_close(w);
	if (advdb_open(&db, path, 0, err, sizeof(err)) != ADVDB_OK)
		die(err);
	for (int i = 0; i < 1000; i++) {
		uint64_t t0 = now_ns();
		if (advdb_lookup(m, (size_t)crowd, &nm, db, "crowded", "99999.0.0",
		                 NULL)
		    != ADVDB_OK || nm != 0)
			die("crowded lookup (none)");
		t_none[i] = now_ns() - t0;
		t0 = now_ns();
		if (advdb_lookup(m, (size_t)crowd, &nm, db, "crowded", "0.1.0",
		                 NULL) != ADVDB_OK || nm != (size_t)crowd)
			die("crowded lookup (all)");
		t_all[i] = now_ns() - t0;
	}
	advdb_close(db);
	free(m);
	qsort(t_none, 1000, sizeof(uint64_t), cmp_u64);
	qsort(t_all, 1000, sizeof(uint64_t), cmp_u64);
	snprintf(fig, sizeof(fig), "lookup, 1 crate of %ld advisories: none / "
	         "all match (p50)", crowd);
	snprintf(val, sizeof(val), "%.0f / %.0f us", t_none[500] / 1e3,
	         t_all[500] / 1e3);
	row(fig, val, "", "");
}

/* ---- batch through a pipe ---- */

static void batch_figures(const opts *o, const char *db_path)
{
	pairs all = { 0 };
	char in_path[4096], out_path[4096], q[4096];
	read_pairs(&all, o->lockfiles);
	path_join(in_path, sizeof(in_path), o->work, "batch.in");
	path_join(out_path, sizeof(out_path), o->work, "batch.count");
	path_join(q, sizeof(q), o->build, "advdb-query");
	FILE *f = fopen(in_path, "w");
	if (!f)
		die("cannot write the batch input");
	for (long i = 0; i < o->batch_lines; i++) {
		const pair *p = &all.v[rng() % all.n];
		fprintf(f, "%s %s\n", p->name, p->version);
	}
	if (fclose(f) != 0)
		die("cannot write the batch input");
	/* stdin from a file is still a pipe-like stream to the reader; a real
	 * pipe through `cat` measures the same with one more process. */
	char cmd[12288];
	/* The answers go into a pipe too, read by another process (wc,
	 * whose count is checked below), as a driver reads them: written to
	 * a file instead, a third of the time was the kernel filling and
	 * then freeing 111 MB of page cache, which is not batch's work. */
	int n = snprintf(cmd, sizeof(cmd), "cat '%s' | '%s' -d '%s' batch | "
	                 "wc -l > '%s'", in_path, q, db_path, out_path);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		die("path too long");
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	double best = 1e30;
	long rss = 0;
	for (int i = 0; i < (o->runs < 3 ? o->runs : 3); i++) {
		run_result r = run(argv, NULL, NULL);
		if (r.status != 0)
			die("advdb-query batch failed");
		if (r.ms < best)
			best = r.ms;
		if (r.rss_kb > rss)
			rss = r.rss_kb;
	}
	/* Count the answers: one line per input line. */
	long lines = -1;
	FILE *g = fopen(out_path, "r");
	if (!g || fscanf(g, "%ld", &lines) != 1)
		die("no count of the batch output");
	fclose(g);
	if (lines != o->batch_lines)
		die("batch answered a different number of lines");
	char val[64];
	double rate = (double)o->batch_lines / (best / 1e3);
	snprintf(val, sizeof(val), "%.2f M lookups/s", rate / 1e6);
	char fig[96];
	snprintf(fig, sizeof(fig), "batch through a pipe (%ld lines)",
	         o->batch_lines);
	row(fig, val, ">= 5 M lookups/s", yes(rate >= 5e6));
	free(all.v);
	/* The floor: the same bytes through the same pipes with cat in
	 * batch's place (the answers are ~9x the input, so this is a floor,
	 * not a reachable figure). */
	n = snprintf(cmd, sizeof(cmd), "cat '%s' | cat | wc -l > '%s.floor'",
	             in_path, out_path);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		die("path too long");
	best = 1e30;
	for (int i = 0; i < (o->runs < 3 ? o->runs : 3); i++) {
		run_result r = run(argv, NULL, NULL);
		if (r.status != 0)
			die("the batch floor (cat) failed");
		if (r.ms < best)
			best = r.ms;
	}
	snprintf(val, sizeof(val), "%.1f M lines/s",
	         (double)o->batch_lines / (best / 1e3) / 1e6);
	row("batch floor: the pipe into cat", val, "", "");
	/* RSS of the batch process itself: run once without the shell. */
	char *argv2[] = { q, "-d", (char *)db_path, "batch", NULL };
	run_result r = run(argv2, in_path, "/dev/null");
	snprintf(val, sizeof(val), "%.1f MB", r.rss_kb / 1024.0);
	row("peak RSS, batch", val, "", "");
	(void)rss;
}

/* ---- advdb-serve's handler in-process: where a querybatch's time goes ---- */

/* This thread's CPU time: the figures below are what a request costs a
 * worker, whatever else loads the machine (as serve.sh's CPU rows). */
static uint64_t cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* One 1000-query batch of lockfile packages answered by serve_answer()
 * as a worker does (jansson in the per-thread arena), without HTTP; and
 * jansson's reading of the same body alone: the floor of any answer. The
 * HTTP figures (wrk) are tests/bench/serve.sh's rows, below these. */
static void serve_figures(const opts *o, const char *db_path)
{
	pairs all = { 0 };
	buf body = BUF_INIT;
	serve_gen *g = NULL;
	char err[1024], val[96];
	const int reps = 200;

	read_pairs(&all, o->lockfiles);
	if (all.n == 0)
		die("no lockfile packages for the serve figures");
	buf_puts(&body, "{\"queries\":[");
	for (size_t i = 0; i < SERVE_BATCH_MAX; i++) {
		const pair *p = &all.v[i % all.n];
		char q[256];
		snprintf(q, sizeof(q), "%s{\"package\":{\"name\":\"%s\","
		         "\"ecosystem\":\"crates.io\"},\"version\":\"%s\"}",
		         i ? "," : "", p->name, p->version);
		buf_puts(&body, q);
	}
	buf_puts(&body, "]}");
	if (body.failed)
		die("out of memory");
	gen_source src = { db_path, NULL, NULL, 0 };
	if (gen_load(&g, &src, 1, err, sizeof(err)) < 0)
		die(err[0] ? err : "advdb-serve cannot load the index");
	jsonmem_install();
	serve_request rq = { "POST", "/v1/querybatch", NULL, 0, body.p,
	                     body.len };
	uint64_t t0 = 0, handler = 0, parse = 0;
	for (int i = -10; i < reps; i++) {      /* 10 to warm up */
		serve_reply rep;
		if (i == 0)
			t0 = cpu_ns();
		jsonmem_begin();
		serve_answer(&rep, g, NULL, &rq);
		jsonmem_end();
		if (rep.status != 200)
			die("querybatch in-process: not 200");
		serve_reply_free(&rep);
	}
	handler = cpu_ns() - t0;
	for (int i = -10; i < reps; i++) {
		json_error_t e;
		if (i == 0)
			t0 = cpu_ns();
		jsonmem_begin();
		json_t *v = json_loadb(body.p, body.len, JSON_REJECT_DUPLICATES,
		                       &e);
		if (!v)
			die("jansson cannot read the batch");
		jsonmem_release(v);
		jsonmem_end();
	}
	parse = cpu_ns() - t0;
	double per = (double)handler / reps / SERVE_BATCH_MAX;     /* ns */
	snprintf(val, sizeof(val), "%.2f us/pkg CPU (%.0f k pkgs/CPU-s)",
	         per / 1e3, 1e9 / per / 1e3);
	row("serve in-process: batch x1000 handler", val, "", "");
	double pp = (double)parse / reps / SERVE_BATCH_MAX;
	snprintf(val, sizeof(val), "%.2f us/pkg CPU (%.0f%% of it)", pp / 1e3,
	         100.0 * pp / per);
	row("serve in-process: jansson reading it", val, "", "");
	/* the reader the handler uses for this shape (qfast.h) */
	for (int i = -10; i < reps; i++) {
		qfast fq;
		if (i == 0)
			t0 = cpu_ns();
		if (qfast_batch(&fq, body.p, body.len) != QFAST_OK)
			die("the fast reader does not read the batch");
		qfast_free(&fq);
	}
	pp = (double)(cpu_ns() - t0) / reps / SERVE_BATCH_MAX;
	snprintf(val, sizeof(val), "%.2f us/pkg CPU (%.0f%% of it)", pp / 1e3,
	         100.0 * pp / per);
	row("serve in-process: the fast reader reading it", val, "", "");
	gen_release(g);
	buf_free(&body);
	free(all.v);
}

/* ---- scan and bin: a folder of inputs ---- */

/* The median wall time of `advdb-query -d DB --jobs J --json CMD DIR`
 * (at most 5 runs); *rss grows to the largest peak RSS seen. */
static double folder_ms_with(const opts *o, const char *db_path,
                             const char *cmd, const char *dir, int jobs,
                             long *rss, char *const *extra, int nextra)
{
	char q[4096], j[16], what[64];
	path_join(q, sizeof(q), o->build, "advdb-query");
	snprintf(j, sizeof(j), "%d", jobs);
	char *argv[32] = { q, "-d", (char *)db_path, "--jobs", j, "--json",
	                   "--stale", "--no-config" };
	int a = 8;
	for (int k = 0; k < nextra && a < 28; k++)
		argv[a++] = extra[k];
	argv[a++] = (char *)cmd;
	argv[a++] = (char *)dir;
	argv[a] = NULL;
	double t[9];
	int runs = o->runs < 5 ? o->runs : 5;
	for (int i = 0; i < runs; i++) {
		run_result r = run(argv, NULL, NULL);
		if (r.status != 0 && r.status != 1) {
			snprintf(what, sizeof(what), "advdb-query %s failed", cmd);
			die(what);
		}
		t[i] = r.ms;
		if (r.rss_kb > *rss)
			*rss = r.rss_kb;
	}
	return median(t, runs);
}

static double folder_ms(const opts *o, const char *db_path, const char *cmd,
                        const char *dir, int jobs, long *rss)
{
	return folder_ms_with(o, db_path, cmd, dir, jobs, rss, NULL, 0);
}

/* cargo-audit's target lists (--target-os/--target-arch repeated): one
 * look-up per package without the lists, and for a package with a
 * match one per (os, arch) pair (query/cli/scope.c). The cost against
 * the same scan without them, one thread: runs alternate, and the
 * figure is the median of each pair's ratio, so a machine whose load
 * drifts during the runs still compares like with like. */
static void target_list_figures(const opts *o, const char *db_path)
{
	static char *lists[] = {
		"--target-os", "linux", "--target-os", "windows",
		"--target-os", "macos", "--target-arch", "x86_64",
		"--target-arch", "aarch64"
	};
	double ratio[9], plain[9];
	int runs = o->runs < 5 ? o->runs : 5;
	long rss = 0;
	opts one = *o;

	one.runs = 1;
	for (int i = 0; i < runs; i++) {
		plain[i] = folder_ms(&one, db_path, "scan", o->scan_dir, 1, &rss);
		ratio[i] = folder_ms_with(&one, db_path, "scan", o->scan_dir, 1,
		                          &rss, lists, 10) / plain[i];
	}
	char val[64];
	snprintf(val, sizeof(val), "%.2fx the time (median of %d pairs)",
	         median(ratio, runs), runs);
	row("scan, 3 target oses x 2 arches vs none, 1 thread", val, "", "");
}

static void scan_figures(const opts *o, const char *db_path)
{
	char cmd[8192];
	/* Count files and bytes of the scan folder. */
	int n = snprintf(cmd, sizeof(cmd),
	                 "find '%s' -name Cargo.lock -o -name '*.lock' | wc -l; "
	                 "find '%s' -type f -exec cat {} + | wc -c",
	                 o->scan_dir, o->scan_dir);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		die("path too long");
	FILE *f = popen(cmd, "r");
	long files = 0, bytes = 0;
	if (!f || fscanf(f, "%ld %ld", &files, &bytes) != 2)
		die("cannot count the scan folder");
	pclose(f);
	long rss = 0;
	for (int jobs = 1; jobs <= 2; jobs++) {
		double ms = folder_ms(o, db_path, "scan", o->scan_dir, jobs, &rss);
		double fps = files / (ms / 1e3);
		char val[64], fig[96];
		snprintf(val, sizeof(val), "%.0f files/s, %.0f MB/s", fps,
		         bytes / 1e6 / (ms / 1e3));
		snprintf(fig, sizeof(fig), "scan %ld lockfiles, %d thread%s", files,
		         jobs, jobs > 1 ? "s" : "");
		row(fig, val, jobs == 2 ? ">= 5000 files/s" : "",
		    jobs == 2 ? yes(fps >= 5000) : "");
	}
	char val[64];
	snprintf(val, sizeof(val), "%.1f MB", rss / 1024.0);
	row("peak RSS, scan", val, "<= 10 MB", yes(rss <= 10 * 1024));
	/* The floor: a plain read of the same files, 2 processes at once
	 * (cat, in batches of files). */
	n = snprintf(cmd, sizeof(cmd),
	             "find '%s' -name Cargo.lock -print0 -o -name '*.lock' "
	             "-print0 | xargs -0 -P 2 -n 256 cat > /dev/null",
	             o->scan_dir);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		die("path too long");
	char *fargv[] = { "/bin/sh", "-c", cmd, NULL };
	double fms = median_runs(fargv, o->runs < 5 ? o->runs : 5,
	                         "the scan floor (find | xargs cat) failed");
	snprintf(val, sizeof(val), "%.0f files/s, %.0f MB/s", files / (fms / 1e3),
	         bytes / 1e6 / (fms / 1e3));
	row("scan floor: cat of the same files, 2 procs", val, "", "");
}

/* ---- report: the reduce step over a fleet's scan output ---- */

/* The scan output of the scan folder (one run, kept in the work folder),
 * then the median time of `advdb-query report` over it, in JSON and in
 * HTML: lockfile reports read, aggregated and rendered per second. */
static void report_figures(const opts *o, const char *db_path)
{
	char q[4096], lines[4096], fig[96], val[96];
	path_join(q, sizeof(q), o->build, "advdb-query");
	path_join(lines, sizeof(lines), o->work, "fleet.jsonl");
	char *sargv[] = { q, "-d", (char *)db_path, "--json", "scan",
	                  (char *)o->scan_dir, NULL };
	run_result sr = run(sargv, NULL, lines);
	if (sr.status != 0 && sr.status != 1)
		die("advdb-query scan (for report) failed");
	FILE *f = fopen(lines, "rb");
	long n = 0, bytes = 0;
	int c;
	if (!f)
		die("cannot read the scan output");
	while ((c = getc(f)) != EOF) {
		n += c == '\n';
		bytes++;
	}
	fclose(f);
	if (n <= 0)
		die("the scan output is empty");
	/* JSON on one and two threads (the parse is shared out, the sum is
	 * not), then the HTML page on two */
	static const struct { const char *format, *jobs; } cases[] = {
		{ "json", "1" }, { "json", "2" }, { "html", "2" },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *rargv[] = { q, "report", "--jobs", (char *)cases[k].jobs,
		                  "--format", (char *)cases[k].format, lines,
		                  NULL };
		double t[9], cpu[9];
		long rss = 0;
		int runs = o->runs < 5 ? o->runs : 5;
		for (int i = 0; i < runs; i++) {
			run_result r = run(rargv, NULL, NULL);
			if (r.status > 2 || r.status < 0)
				die("advdb-query report failed");
			t[i] = r.ms;
			cpu[i] = r.cpu_ms;
			if (r.rss_kb > rss)
				rss = r.rss_kb;
		}
		double ms = median(t, runs), cpu_ms = median(cpu, runs);
		snprintf(fig, sizeof(fig), "report --format %s, %ld scan reports "
		         "(%.0f MB), %s thread%s", cases[k].format, n, bytes / 1e6,
		         cases[k].jobs, strcmp(cases[k].jobs, "1") ? "s" : "");
		/* the CPU figure holds on a loaded machine, where wall time
		 * measures the other processes too */
		snprintf(val, sizeof(val), "%.0f reports/s, %.0f MB/s (%.0f per "
		         "CPU-second), %.1f MB RSS", n / (ms / 1e3),
		         bytes / 1e6 / (ms / 1e3), n / (cpu_ms / 1e3),
		         rss / 1024.0);
		row(fig, val, "", "");
	}
}

/* ---- bin: binaries with cargo-auditable data ---- */

static void bin_figures(const opts *o, const char *db_path)
{
	char cmd[8192];
	int n = snprintf(cmd, sizeof(cmd), "find '%s' -type f | wc -l",
	                 o->bin_dir);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		die("path too long");
	FILE *f = popen(cmd, "r");
	long files = 0;
	if (!f || fscanf(f, "%ld", &files) != 1 || files <= 0)
		die("cannot count the binaries");
	pclose(f);
	long rss = 0;
	for (int jobs = 1; jobs <= 2; jobs++) {
		double ms = folder_ms(o, db_path, "bin", o->bin_dir, jobs, &rss);
		char val[64], fig[96];
		snprintf(val, sizeof(val), "%.0f binaries/s", files / (ms / 1e3));
		snprintf(fig, sizeof(fig), "bin %ld binaries, %d thread%s", files,
		         jobs, jobs > 1 ? "s" : "");
		row(fig, val, "", "");
	}
	char val[64];
	snprintf(val, sizeof(val), "%.1f MB", rss / 1024.0);
	row("peak RSS, bin", val, "", "");
}

/* ---- the compression floor ---- */

/* Size of zstd -19 of buf, computed in a forked child: level 19 takes
 * tens of MB of tables, and the high-water mark of this process would
 * otherwise be carried by posix_spawn (vfork) into every child whose
 * peak RSS is reported after it. */
static size_t zstd19_size(const void *buf, size_t n)
{
	int fds[2];
	pid_t pid;
	unsigned long long zn = 0;

	if (pipe(fds) != 0)
		die("pipe failed");
	pid = fork();
	if (pid < 0)
		die("fork failed");
	if (pid == 0) {
		size_t cap = ZSTD_compressBound(n);
		void *z = malloc(cap);
		size_t r = z ? ZSTD_compress(z, cap, buf, n, 19) : 0;
		unsigned long long v = !z || ZSTD_isError(r) ? 0 : r;
		ssize_t w = write(fds[1], &v, sizeof(v));
		_exit(w == (ssize_t)sizeof(v) ? 0 : 1);
	}
	close(fds[1]);
	ssize_t got = read(fds[0], &zn, sizeof(zn));
	close(fds[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid failed");
	if (got != (ssize_t)sizeof(zn) || zn == 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		die("zstd -19 failed");
	return (size_t)zn;
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr,
	        "usage: advdb-bench --build DIR --work DIR --repo REPO "
	        "--update-repo REPO --markdown FILE --lockfiles DIR "
	        "--scan-dir DIR [--bin-dir DIR] [--runs N] [--lookups N] "
	        "[--batch-lines N] [--crowd N] [--sign-key KEY --trust-key PUB] "
	        "[--crates N] [--curve K=COMPILER ...] [--label TEXT]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	opts o = { 0 };
	o.runs = 7;
	o.lookups = 200000;
	o.crowd = 10000;
	o.crates = 170000;
	o.batch_lines = 1000000;
	o.label = "";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		if (!strcmp(a, "--build")) o.build = v;
		else if (!strcmp(a, "--work")) o.work = v;
		else if (!strcmp(a, "--repo")) o.repo = v;
		else if (!strcmp(a, "--update-repo")) o.update_repo = v;
		else if (!strcmp(a, "--markdown")) o.markdown = v;
		else if (!strcmp(a, "--lockfiles")) o.lockfiles = v;
		else if (!strcmp(a, "--scan-dir")) o.scan_dir = v;
		else if (!strcmp(a, "--bin-dir")) o.bin_dir = v;
		else if (!strcmp(a, "--label")) o.label = v;
		else if (!strcmp(a, "--sign-key")) o.sign_key = v;
		else if (!strcmp(a, "--trust-key")) o.trust_key = v;
		else if (!strcmp(a, "--runs")) o.runs = atoi(v);
		else if (!strcmp(a, "--lookups")) o.lookups = atol(v);
		else if (!strcmp(a, "--crowd")) o.crowd = atol(v);
		else if (!strcmp(a, "--batch-lines")) o.batch_lines = atol(v);
		else if (!strcmp(a, "--crates")) o.crates = atol(v);
		else if (!strcmp(a, "--curve")) {
			char *end;
			long k = strtol(v, &end, 10);
			if (o.ncurve == CURVE_MAX || k < 1 || *end != '=' ||
			    (o.ncurve && k <= o.curve_k[o.ncurve - 1]))
				usage();
			o.curve_k[o.ncurve] = k;
			o.curve[o.ncurve++] = end + 1;
		}
		else usage();
		i++;
	}
	if (!o.build || !o.work || !o.repo || !o.update_repo || !o.markdown ||
	    !o.lockfiles || !o.scan_dir || o.runs < 1 || o.runs > 9 ||
	    o.lookups < 100 || o.batch_lines < 1 || o.crowd < 1 ||
	    o.crowd > 65535 || o.crates < 0 || o.crates > 1000000)
		usage();

	char comp[4096], q[4096], naive[4096], db[4096], old_db[4096], upd_db[4096];
	path_join(comp, sizeof(comp), o.build, "advdb-compile");
	path_join(q, sizeof(q), o.build, "advdb-query");
	path_join(naive, sizeof(naive), o.build, "tools/naive_check");
	static char rss_tool_path[4096], rss_out[4096];
	path_join(rss_tool_path, sizeof(rss_tool_path), o.build,
	          "tools/peak_rss");
	path_join(rss_out, sizeof(rss_out), o.work, "peak_rss.out");
	if (access(rss_tool_path, X_OK) != 0)
		die("tools/peak_rss is not built (make bench builds it)");
	run_measure_rss(rss_tool_path, rss_out);
	path_join(db, sizeof(db), o.work, "full.lmdb");
	path_join(old_db, sizeof(old_db), o.work, "old.lmdb");
	path_join(upd_db, sizeof(upd_db), o.work, "update.lmdb");

	printf("advdb benchmark: %s\n\n", o.label);
	row("figure", "value", "target", "met");
	printf("|%s|%s|%s|%s|\n", "----------------------------------------",
	       "------------------------", "------------------------", "------");

	/* 1. full compile, and --update after a commit changing 10 advisories */
	double t[9];
	long rss_compile = 0;
	char *cargv[] = { comp, "--quiet", "-o", db, (char *)o.repo, NULL };
	for (int i = 0; i < o.runs; i++) {
		run_result r = run(cargv, NULL, NULL);
		if (r.status != 0)
			die("advdb-compile failed");
		t[i] = r.ms;
		if (r.rss_kb > rss_compile)
			rss_compile = r.rss_kb;
	}
	char val[96], fig[96];
	double ms = median(t, o.runs);
	snprintf(fig, sizeof(fig), "full compile (median of %d)", o.runs);
	snprintf(val, sizeof(val), "%.1f ms", ms);
	row(fig, val, "<= 250 ms", yes(ms <= 250));

	char *oargv[] = { comp, "--quiet", "--ref", "HEAD~1", "-o", old_db,
	                  (char *)o.update_repo, NULL };
	if (run(oargv, NULL, NULL).status != 0)
		die("advdb-compile of HEAD~1 failed");
	double tc[9];
	char *uargv[] = { comp, "--quiet", "--update", "-o", upd_db,
	                  (char *)o.update_repo, NULL };
	for (int i = 0; i < o.runs; i++) {
		copy_file(old_db, upd_db);
		run_result r = run(uargv, NULL, NULL);
		if (r.status != 0)
			die("advdb-compile --update failed");
		t[i] = r.ms;
		tc[i] = r.cpu_ms;
	}
	ms = median(t, o.runs);
	snprintf(val, sizeof(val), "%.1f ms (CPU %.1f ms)", ms, median(tc, o.runs));
	row("--update after 10 changed advisories", val, "<= 10 ms",
	    yes(ms <= 10));
	/* Its floors: the same binary's start (--version), and the git work
	 * no update can skip (tools/git_floor: the update's own libgit2 start,
	 * open at HEAD and comparison of the two commits' trees). */
	char gf[4096];
	path_join(gf, sizeof(gf), o.build, "tools/git_floor");
	char *cvargv[] = { comp, "--version", NULL };
	char *gargv[] = { gf, (char *)o.update_repo, NULL };
	double tv[9], tg[9];
	for (int i = 0; i < o.runs; i++) {
		run_result rv = run(cvargv, NULL, NULL), rg = run(gargv, NULL, NULL);
		if (rv.status != 0 || rg.status != 0)
			die("advdb-compile --version or tools/git_floor failed");
		tv[i] = rv.ms;
		tg[i] = rg.ms;
	}
	snprintf(val, sizeof(val), "%.1f / %.1f ms", median(tv, o.runs),
	         median(tg, o.runs));
	row("--update floors: --version / git work (start, open, compare)", val, "", "");

	/* 2. sizes */
	off_t dbsize = file_size(db), mdsize = file_size(o.markdown);
	if (dbsize <= 0 || mdsize <= 0)
		die("cannot stat the DB or the Markdown");
	char *md = malloc((size_t)mdsize);
	FILE *f = fopen(o.markdown, "rb");
	if (!md || !f || fread(md, 1, (size_t)mdsize, f) != (size_t)mdsize)
		die("cannot read the Markdown");
	fclose(f);
	size_t zn = zstd19_size(md, (size_t)mdsize);
	free(md);
	snprintf(val, sizeof(val), "%.0f KiB", dbsize / 1024.0);
	row("DB file size", val, "", "");
	snprintf(val, sizeof(val), "%.0f KiB (DB is %.2fx)", mdsize / 1024.0,
	         (double)dbsize / (double)mdsize);
	row("raw Markdown", val, "", "");
	double floor_ratio = (double)dbsize / (double)zn;
	snprintf(val, sizeof(val), "%.0f KiB (DB is %.2fx)", zn / 1024.0,
	         floor_ratio);
	row("zstd -19 of all Markdown (floor)", val, "DB <= 1.5x floor",
	    yes(floor_ratio <= 1.5));

	/* posix_spawn shares this process's memory until exec, and Linux
	 * carries that high-water mark into the child's ru_maxrss; so the
	 * runs whose RSS is reported go before this process grows (the
	 * lookup arrays below). */
	/* 4. batch */
	batch_figures(&o, db);

	/* 5. scan, and binaries */
	scan_figures(&o, db);
	target_list_figures(&o, db);
	report_figures(&o, db);
	if (o.bin_dir)
		bin_figures(&o, db);

	/* 3. in-process lookups against raw mdb_get; a crowded crate */
	lookup_figures(&o, db);
	crowded_figures(&o);
	advisory_figures(&o, db);

	/* 6. one-shot check, 7. the naive way */
	char *qargv[] = { q, "-d", db, "--stale", "check", "tokio@1.18.3",
	                  NULL };
	char *nargv[] = { naive, (char *)o.repo, "tokio", "1.18.3", NULL };
	double mq, mn;
	alternate(&mq, &mn, qargv, nargv, o.runs);
	snprintf(val, sizeof(val), "%.2f ms", mq);
	row("one-shot check tokio@1.18.3 (median)", val, "<= 3 ms",
	    yes(mq <= 3));
	snprintf(val, sizeof(val), "%.1f ms", mn);
	row("naive: parse every advisory, match", val, "", "");
	snprintf(val, sizeof(val), "%.0fx", mn / mq);
	row("one-shot speedup over the naive way", val, ">= 30x",
	    yes(mn / mq >= 30));
	/* Against the floor: the same binary's --version (process start,
	 * nothing opened), runs alternating; an affected crate (one advisory
	 * printed) and a clean one. */
	char *vargv[] = { q, "--version", NULL };
	char *cargv2[] = { q, "-d", db, "--stale", "check", "serde@1.0.200",
	                   NULL };
	double mv, mc;
	alternate(&mq, &mv, qargv, vargv, 41);
	snprintf(val, sizeof(val), "%.2fx (%.2f / %.2f ms)", mq / mv, mq, mv);
	row("one-shot check, affected / --version", val, "<= 1.2x",
	    yes(mq / mv <= 1.2));
	alternate(&mc, &mv, cargv2, vargv, 41);
	snprintf(val, sizeof(val), "%.2fx (%.2f / %.2f ms)", mc / mv, mc, mv);
	row("one-shot check, clean / --version", val, "<= 1.2x",
	    yes(mc / mv <= 1.2));

	/* 7b. what the block size trades: index size against the one-shot */
	curve_figures(&o, comp, q, zn);

	/* 8. signatures: verification, and a one-shot check with it */
	if (o.sign_key && o.trust_key)
		sign_figures(&o, comp, q, db);
	else
		row("signature figures", "skipped", "needs minisign", "");

	/* 9. a crates.io index mirror (bench_crates.c) */
	crates_figures(&o, comp, q, db);
	/* 10. advdb-serve's handler (its HTTP rows: tests/bench/serve.sh) */
	serve_figures(&o, db);

	/* 10. peak RSS of compile (batch and scan above) */
	snprintf(val, sizeof(val), "%.1f MB", rss_compile / 1024.0);
	row("peak RSS, compile", val, "", "");
	return 0;
}
