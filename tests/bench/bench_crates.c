/*
 * bench_crates.c — the crates.io index figures of `make bench` (issue 20):
 * a synthetic mirror the size of crates.io's (170,000 crates, about 1.7
 * million versions, unless --crates N), made here with git fast-import
 * (never committed), then
 *   - compile time and the size it adds to the index,
 *   - --update after a commit that changes 1,000 crates (git diff: only
 *     those files are read again),
 *   - lookups and one-shot checks with and without a crates index, and a
 *     crate look-up (advdb_crate_get).
 * Each crate has 1 to 19 versions (10 on average), one in 33 yanked, one
 * crate in 20 a newer pre-release; lines carry a dependency and the other
 * keys a real index line has, so the JSON parsed is about as long.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advdb.h"
#include "bench.h"

#define CHANGED 1000

/* A crate's own generator, so that commit 2 can write a file again. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static void crate_name(char *out, long i)
{
	static const char d[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char tmp[16];
	int n = 0;
	do {
		tmp[n++] = d[i % 36];
		i /= 36;
	} while (i);
	for (int k = 0; k < n; k++)
		out[k] = tmp[n - 1 - k];
	out[n] = '\0';
}

static void crate_path(char *out, size_t cap, const char *name)
{
	size_t n = strlen(name);
	if (n <= 2)
		snprintf(out, cap, "%zu/%s", n, name);
	else if (n == 3)
		snprintf(out, cap, "3/%c/%s", name[0], name);
	else
		snprintf(out, cap, "%.2s/%.2s/%s", name, name + 2, name);
}

/* The file of crate i (with `extra` more versions), into buf. */
static size_t crate_file(char *buf, size_t cap, long i, int extra,
                         long *nversions)
{
	char name[16];
	uint64_t s = mix((uint64_t)i + 1);
	int k = 1 + (int)(s % 19) + extra;
	size_t off = 0;

	crate_name(name, i);
	for (int j = 0; j < k; j++) {
		uint64_t r = mix(s + (uint64_t)j);
		char vers[32];
		if (j == k - 1 && i % 20 == 0)
			snprintf(vers, sizeof(vers), "%d.0.0-rc.1", j);
		else
			snprintf(vers, sizeof(vers), "0.%d.%d", j, (int)(r % 4));
		int w = snprintf(buf + off, cap - off,
		    "{\"name\":\"%s\",\"vers\":\"%s\",\"deps\":[{\"name\":\"serde\","
		    "\"req\":\"^1.0\",\"features\":[],\"optional\":false,"
		    "\"default_features\":true,\"target\":null,\"kind\":\"normal\"}],"
		    "\"cksum\":\"%016llx%016llx%016llx%016llx\",\"features\":{},"
		    "\"yanked\":%s}\n", name, vers,
		    (unsigned long long)r, (unsigned long long)mix(r),
		    (unsigned long long)mix(r + 1), (unsigned long long)mix(r + 2),
		    r % 33 == 0 ? "true" : "false");
		if (w < 0 || (size_t)w >= cap - off)
			die("crate file too long");
		off += (size_t)w;
	}
	*nversions += k;
	return off;
}

/* The mirror as a bare git repository: commit 1 with n crates, commit 2
 * with CHANGED of them one version longer. Returns the versions of 1. */
static long make_mirror(const char *dir, long n)
{
	char cmd[3 * 4096 + 128], path[64], buf[16384];
	long nv = 0, nv2 = 0;

	int w = snprintf(cmd, sizeof(cmd), "rm -rf '%s' && git init -q --bare "
	                 "'%s' && git -C '%s' fast-import --quiet", dir, dir, dir);
	if (w < 0 || (size_t)w >= sizeof(cmd))
		die("path too long");
	FILE *f = popen(cmd, "w");
	if (!f)
		die("cannot start git fast-import");
	for (int c = 0; c < 2; c++) {
		fprintf(f, "commit refs/heads/master\ncommitter bench "
		        "<bench@localhost> %d +0000\ndata 5\nbench\n",
		        1700000000 + c * 86400);
		long to = c ? CHANGED : n, step = n / CHANGED ? n / CHANGED : 1;
		for (long i = 0; i < to && i < n; i++) {
			long crate = c ? (i * step) % n : i;
			char name[16];
			crate_name(name, crate);
			crate_path(path, sizeof(path), name);
			size_t len = crate_file(buf, sizeof(buf), crate, c,
			                        c ? &nv2 : &nv);
			fprintf(f, "M 100644 inline %s\ndata %zu\n", path, len);
			fwrite(buf, 1, len, f);
			fputc('\n', f);
		}
		fputc('\n', f);
	}
	if (pclose(f) != 0)
		die("git fast-import failed");
	return nv;
}

/* p50 of advdb_lookup (and of advdb_crate_get when crates) over the
 * corpus's pairs, in ns. */
static void lookup_p50(const char *db_path, const pairs *p, long n,
                       uint64_t *look, uint64_t *crate)
{
	advdb *db;
	char err[512];
	advdb_match m[64];
	advdb_crate c = ADVDB_CRATE_INIT;
	size_t nm;
	uint64_t *t = malloc((size_t)n * sizeof(*t));

	if (!t || advdb_open(&db, db_path, 0, err, sizeof(err)) != ADVDB_OK)
		die("cannot open the index");
	for (int pass = 0; pass < 2; pass++) {
		for (long i = 0; i < n; i++) {
			const pair *x = &p->v[(size_t)i % p->n];
			uint64_t t0 = now_ns();
			if (pass == 0)
				(void)advdb_lookup(m, 64, &nm, db, x->name, x->version,
				                   NULL);
			else
				(void)advdb_crate_get(&c, db, x->name, strlen(x->name),
				                      x->version, strlen(x->version));
			t[i] = now_ns() - t0;
		}
		qsort(t, (size_t)n, sizeof(*t), cmp_u64);
		*(pass ? crate : look) = t[n / 2];
	}
	advdb_close(db);
	free(t);
}

void crates_figures(const opts *o, const char *comp, const char *q,
                    const char *db)
{
	char mirror[4096], cdb[4096], udb[4096], val[96], fig[96];
	char lock[4096];
	double t0;

	if (o->crates <= 0) {
		row("crates index figures", "skipped", "--crates 0", "");
		return;
	}
	path_join(mirror, sizeof(mirror), o->work, "crates-index.git");
	path_join(cdb, sizeof(cdb), o->work, "crates.lmdb");
	path_join(udb, sizeof(udb), o->work, "crates-update.lmdb");
	t0 = now_ms();
	long nv = make_mirror(mirror, o->crates);
	snprintf(fig, sizeof(fig), "synthetic mirror: %ld crates", o->crates);
	snprintf(val, sizeof(val), "%ld versions, %.0f s", nv,
	         (now_ms() - t0) / 1000);
	row(fig, val, "", "");

	/* compile: the advisories and the mirror at commit 1 */
	char *cargv[] = { (char *)comp, "--quiet", "-o", cdb, (char *)o->repo,
	                  "--crates-index", mirror, "--crates-ref", "master~1",
	                  NULL };
	run_result r = run(cargv, NULL, NULL);
	if (r.status != 0)
		die("advdb-compile --crates-index failed");
	snprintf(val, sizeof(val), "%.1f s, %.0f MB RSS", r.ms / 1000,
	         r.rss_kb / 1024.0);
	row("compile with the crates index", val, "", "");
	off_t with = file_size(cdb), without = file_size(db);
	snprintf(val, sizeof(val), "+%.1f MiB (%.1f MiB in all)",
	         (double)(with - without) / 1048576.0, with / 1048576.0);
	row("index size added by the crates index", val, "", "");

	/* --update after CHANGED crates changed: only those files read */
	double t[9];
	int runs = o->runs < 3 ? o->runs : 3;
	char *uargv[] = { (char *)comp, "--quiet", "--update", "-o", udb,
	                  (char *)o->repo, "--crates-index", mirror, NULL };
	for (int i = 0; i < runs; i++) {
		copy_file(cdb, udb);
		r = run(uargv, NULL, NULL);
		if (r.status != 0)
			die("advdb-compile --update --crates-index failed");
		t[i] = r.ms;
	}
	snprintf(fig, sizeof(fig), "--update after %d changed crates", CHANGED);
	snprintf(val, sizeof(val), "%.0f ms (median of %d)", median(t, runs),
	         runs);
	row(fig, val, "", "");

	/* lookups and one-shot checks: without a crates index, and with */
	pairs all = { 0 };
	read_pairs(&all, o->lockfiles);
	if (!all.n)
		die("no packages found in the lockfiles");
	uint64_t l0, l1, c0, c1;
	long n = o->lookups < 200000 ? o->lookups : 200000;
	lookup_p50(db, &all, n, &l0, &c0);
	lookup_p50(cdb, &all, n, &l1, &c1);
	snprintf(val, sizeof(val), "%llu / %llu ns", (unsigned long long)l0,
	         (unsigned long long)l1);
	row("lookup p50 without / with crates", val, "", "");
	snprintf(val, sizeof(val), "%llu ns", (unsigned long long)c1);
	row("advdb_crate_get p50 (yanked check)", val, "", "");
	free(all.v);

	char *qa[] = { (char *)q, "-d", (char *)db, "check", "tokio@1.18.3",
	               NULL };
	char *qb[] = { (char *)q, "-d", cdb, "check", "tokio@1.18.3", NULL };
	double ma, mb;
	alternate(&ma, &mb, qa, qb, o->runs);
	snprintf(val, sizeof(val), "%.2f / %.2f ms", ma, mb);
	row("one-shot check without / with crates", val, "", "");

	/* one lockfile of the corpus (the largest: most look-ups) */
	DIR *d = opendir(o->lockfiles);
	struct dirent *de;
	off_t best = -1;
	while (d && (de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		char cand[4096];
		if (nl < 5 || strcmp(de->d_name + nl - 5, ".lock"))
			continue;
		path_join(cand, sizeof(cand), o->lockfiles, de->d_name);
		if (file_size(cand) > best) {
			best = file_size(cand);
			memcpy(lock, cand, sizeof(lock));
		}
	}
	if (d)
		closedir(d);
	if (best < 0)
		die("no lockfile for the scan figure");
	char *sa[] = { (char *)q, "-d", (char *)db, "--no-yanked", "scan",
	               lock, NULL };
	char *sb[] = { (char *)q, "-d", cdb, "scan", lock, NULL };
	alternate(&ma, &mb, sa, sb, o->runs);
	snprintf(val, sizeof(val), "%.2f / %.2f ms", ma, mb);
	row("scan 1 lockfile without / with yanked", val, "", "");
}
