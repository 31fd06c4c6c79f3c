/*
 * bench.h — what the files of advdb-bench share (bench.c owns them): the
 * options, running a program as a child and timing it, the table's rows,
 * and the (name, version) pairs of the lockfile corpus. bench_crates.c
 * measures the crates.io index with them.
 */
#ifndef ADVDB_BENCH_H
#define ADVDB_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include "advdb.h"
#include <sys/types.h>

typedef struct opts {
	const char *build, *work, *repo, *update_repo, *markdown;
	const char *lockfiles, *scan_dir, *bin_dir, *label;
	const char *sign_key, *trust_key;   /* minisign keys, or NULL */
	int runs;
	long lookups, batch_lines, crowd;
	long crates;                /* --crates N: synthetic mirror; 0 skips */
#define CURVE_MAX 6
	const char *curve[CURVE_MAX];   /* --curve K=PATH: a compiler built */
	long curve_k[CURVE_MAX];        /* with BLOCK_RECORDS K, ascending */
	int ncurve;
} opts;

typedef struct run_result {
	double ms;                  /* wall time */
	double cpu_ms;              /* user + system time of the child */
	long rss_kb;                /* peak resident set of the child */
	int status;                 /* exit status, or 128+signal */
} run_result;

typedef struct pair {
	char name[72];
	char version[48];
} pair;

typedef struct pairs {
	pair *v;
	size_t n, cap;
} pairs;

double now_ms(void);
uint64_t now_ns(void);
void die(const char *what) __attribute__((noreturn));
/* Run argv with stdin from in_path (or /dev/null) and stdout to out_path
 * (or /dev/null); stderr is kept. */
/* From now on run() starts every program through tool (tools/peak_rss),
 * which writes the program's own peak RSS, wall and CPU time to file:
 * run() reports those, not the wrapper's. */
void run_measure_rss(const char *tool, const char *file);
run_result run(char *const argv[], const char *in_path, const char *out_path);
int cmp_u64(const void *a, const void *b);
double median(double *v, int n);       /* sorts v */
off_t file_size(const char *path);
void path_join(char *out, size_t cap, const char *a, const char *b);
void copy_file(const char *from, const char *to);
void row(const char *figure, const char *value, const char *target,
         const char *met);
const char *yes(int ok);
/* Median wall time of `runs` (at most 9) runs of argv; each must exit 0,
 * else die(what). */
double median_runs(char *const argv[], int runs, const char *what);
/* Median wall times of the programs a and b, run in turn `runs` times. */
void alternate(double *ma, double *mb, char *const a[], char *const b[],
               int runs);
void pairs_add(pairs *p, const char *name, const char *version);
void read_pairs(pairs *p, const char *dir);
uint64_t rng(void);
/* Every advisory id of db, in id order (strdup'd; free each and the
 * array); dies when they cannot be listed. */
char **advisory_ids(advdb *db, size_t *count);

/* bench_crates.c: a synthetic crates.io index mirror (o->crates crates)
 * made with git fast-import, compiled beside the advisories of o->repo:
 * compile time, added size, --update after 1,000 changed crates, and
 * lookups and one-shot checks with and without it. db is the index
 * compiled without one. */
void crates_figures(const opts *o, const char *comp, const char *q,
                    const char *db);

/* bench_curve.c: the size / one-shot trade-off over block sizes: each
 * --curve compiler and this build's (comp) compile o->repo, q checks
 * the results; floor_bytes is the zstd -19 floor. */
void curve_figures(const opts *o, const char *comp, const char *q,
                   size_t floor_bytes);

#endif
