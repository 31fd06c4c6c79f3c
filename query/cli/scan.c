/*
 * scan.c — `advdb-query scan LOCKFILE|DIR|-...`: many lockfiles on all
 * cores, reports printed in argument order.
 *
 * Work is handed out by index under one mutex; each worker reads, decides
 * and renders a lockfile into that item's own buffers. The worker that
 * completes the oldest unprinted item prints it and every finished one
 * after it (under the mutex, so output stays in order and no thread is
 * woken per item). Workers never run more than SCAN_WINDOW items ahead of
 * printing, so memory stays bounded however many lockfiles there are. Decisions go through the session's cache, so
 * a (crate, version) pair is looked up once per run.
 *
 * A directory operand stands for every file named Cargo.lock below it
 * (symlinks not followed, .git skipped, depth capped, sorted per
 * directory). A bad lockfile is reported as "path:line: message" and the
 * others go on; its JSON line carries an "error" key.
 *
 * `bin` runs the same machinery over binaries (bin.h says which files of
 * a folder count); `scan` hands a file operand whose first bytes say
 * binary to bin.c too.
 */
#include <dirent.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "bin.h"
#include "cli.h"
#include "json.h"
#include "lockfile.h"
#include "report.h"
#include "session.h"

/* Items done but not yet printed hold their report (~50 KB of JSON for a
 * real lockfile): 256 of them were up to 13 MB when one thread stalled on
 * a big file; 32 keep both cores busy just as well (measured). */
#define SCAN_WINDOW 32
#define SCAN_THREADS_MAX 64
#define SCAN_DEPTH_MAX 32

typedef struct item {
	char *path;
	buf out, err;
	int status;
	int done;
} item;

typedef struct paths {
	char **v;
	size_t n, cap;
	int bin;                        /* walk for binaries, not Cargo.lock */
} paths;

typedef struct scan {
	const session *s;
	item *items;
	size_t n;
	pthread_mutex_t mu;
	pthread_cond_t all_cv, window_cv;
	size_t next, printed;           /* handed out; printed so far */
	int worst, write_failed, progress_shown;
} scan;

static int paths_add(paths *p, const char *path)
{
	if (p->n >= CLI_ARGS_MAX) {
		cli_error("more than %d lockfiles", CLI_ARGS_MAX);
		return -1;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		char **v = realloc(p->v, cap * sizeof(*v));
		if (!v)
			goto oom;
		p->v = v;
		p->cap = cap;
	}
	if (!(p->v[p->n] = strdup(path)))
		goto oom;
	p->n++;
	return 0;
oom:
	cli_error("out of memory");
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every Cargo.lock below dir, in name order at each level. */
static int walk(paths *p, const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	paths names = { 0 };
	int rc = 0;

	if (depth > SCAN_DEPTH_MAX) {
		/* A tree this deep is a mistake or a trap: say where we stopped
		 * rather than let a lockfile below go unscanned in silence. */
		cli_warn("%s: more than %d folders deep, not searched", dir,
		         SCAN_DEPTH_MAX);
		return 0;
	}
	if (!(d = opendir(dir))) {
		cli_warn("%s: %s", dir, strerror(errno));
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, ".git"))
			continue;
		if (paths_add(&names, e->d_name) < 0) {
			rc = -1;
			break;
		}
	}
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		char sub[4096];
		struct stat st;
		int w = snprintf(sub, sizeof(sub), "%s%s%s", dir,
		                 dir[strlen(dir) - 1] == '/' ? "" : "/",
		                 names.v[i]);
		if (w < 0 || (size_t)w >= sizeof(sub) || lstat(sub, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = walk(p, sub, depth + 1);
		else if (S_ISREG(st.st_mode) &&
		         (p->bin ? bin_walk_wants(sub, names.v[i], &st)
		                 : strcmp(names.v[i], "Cargo.lock") == 0))
			rc = paths_add(p, sub);
	}
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	return rc;
}

static int collect(paths *p, const cli_opts *o)
{
	p->bin = o->bin;
	for (size_t i = 0; i < o->nargs; i++) {
		struct stat st;
		const char *a = o->args[i];
		if (strcmp(a, "-") != 0 && stat(a, &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			size_t before = p->n;
			if (walk(p, a, 0) < 0)
				return -1;
			if (p->n == before)
				cli_warn("%s: no %s below it", a,
				         o->bin ? "binary" : "Cargo.lock");
		} else if (paths_add(p, a) < 0)
			return -1;
	}
	return 0;
}

static void error_json(item *it, const char *msg)
{
	json j;

	json_init(&j, &it->out);
	json_obj_begin(&j);
	json_key(&j, "lockfile");
	json_obj_begin(&j);
	json_key(&j, "path");
	json_str(&j, it->path);
	json_obj_end(&j);
	json_key(&j, "error");
	json_str(&j, msg);
	json_obj_end(&j);
	buf_putc(&it->out, '\n');
}

static void scan_one(const session *s, item *it)
{
	const cli_opts *o = s->opts;
	const char *name = strcmp(it->path, "-") ? it->path : "<stdin>";
	lockfile lf;
	lock_error lerr;
	findings f = { 0 };
	char msg[512];
	int rc = ADVDB_OK;

	if (o->bin || bin_is_binary(it->path)) {
		if (bin_report(&it->out, &it->status, s, it->path, name, msg,
		               sizeof(msg)) == 0)
			return;
		goto fail;
	}
	if (lockfile_read(&lf, it->path, &lerr) < 0) {
		if (lerr.line)
			snprintf(msg, sizeof(msg), "%s:%u: %s", name, lerr.line,
			         lerr.msg);
		else
			snprintf(msg, sizeof(msg), "%s: %s", name, lerr.msg);
		goto fail;
	}
	for (size_t i = 0; rc == ADVDB_OK && i < lf.npkgs; i++)
		rc = audit_pkg(&f, s, &lf.pkgs[i]);
	if (rc == ADVDB_OK) {
		report_in r = { name, lf.npkgs, &f, NULL };
		rc = o->json ? report_json(&it->out, s, &r)
		             : report_human(&it->out, s, &r);
	}
	if (rc != ADVDB_OK) {
		snprintf(msg, sizeof(msg), "%s: %s", name,
		         audit_strerror(rc, s));
		buf_reset(&it->out);
		findings_free(&f);
		lockfile_free(&lf);
		goto fail;
	}
	it->status = findings_exit(&f, o->deny);
	findings_free(&f);
	lockfile_free(&lf);
	return;
fail:
	/* The path may come from walking a tree nobody vetted: control
	 * characters become \xNN, as in cli_error(). */
	buf_puts(&it->err, "advdb-query: ");
	for (const unsigned char *c = (const unsigned char *)msg; *c; c++) {
		if (*c < 0x20 || *c == 0x7f)
			buf_printf(&it->err, "\\x%02x", *c);
		else
			buf_putc(&it->err, (char)*c);
	}
	buf_putc(&it->err, '\n');
	if (o->json)
		error_json(it, msg);
	it->status = EXIT_ERROR;
}

/* Print every finished item at the head of the queue, in order. Runs
 * under sc->mu, in whichever worker completed the head item: nobody
 * wakes up just to print. */
static void emit_ready(scan *sc)
{
	const cli_opts *o = sc->s->opts;

	while (sc->printed < sc->n && sc->items[sc->printed].done) {
		item *it = &sc->items[sc->printed];
		if (sc->progress_shown) {
			/* Off the terminal before anything else is written
			 * there; wait_all redraws it. */
			fputs("\r\033[K", stderr);
			sc->progress_shown = 0;
		}
		buf_write(&it->err, stderr);
		if (!o->json && sc->printed > 0 && it->out.len)
			putchar('\n');
		if (buf_write(&it->out, stdout) < 0)
			sc->write_failed = 1;
		if (o->line_buffered)
			fflush(stdout);
		if (it->status == EXIT_ERROR || sc->worst == EXIT_ERROR)
			sc->worst = EXIT_ERROR;
		else if (it->status == EXIT_FOUND)
			sc->worst = EXIT_FOUND;
		buf_free(&it->out);
		buf_free(&it->err);
		sc->printed++;
	}
}

static void *worker(void *arg)
{
	scan *sc = arg;

	pthread_mutex_lock(&sc->mu);
	for (;;) {
		while (sc->next < sc->n &&
		       sc->next >= sc->printed + SCAN_WINDOW)
			pthread_cond_wait(&sc->window_cv, &sc->mu);
		if (sc->next >= sc->n)
			break;
		size_t i = sc->next++;
		pthread_mutex_unlock(&sc->mu);

		scan_one(sc->s, &sc->items[i]);

		pthread_mutex_lock(&sc->mu);
		sc->items[i].done = 1;
		if (i == sc->printed) {
			emit_ready(sc);
			pthread_cond_broadcast(&sc->window_cv);
			if (sc->printed == sc->n)
				pthread_cond_signal(&sc->all_cv);
		}
	}
	pthread_mutex_unlock(&sc->mu);
	return NULL;
}

/* Each lockfile's text and TOML arena are ~100 KiB blocks, above glibc's
 * default mmap threshold: every file would then map, fault in and unmap
 * fresh pages, and in a threaded process each munmap takes the address
 * space lock and shoots down the other cores' TLBs, so a second thread
 * made the scan no faster. Keeping such blocks on the heap, untrimmed,
 * lets each thread reuse its memory; RSS stays at the largest working set. */
static void keep_heap(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 16 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int nthreads(const cli_opts *o, size_t n)
{
	long c = o->jobs > 0 ? o->jobs : sysconf(_SC_NPROCESSORS_ONLN);
	if (c < 1)
		c = 1;
	if (c > SCAN_THREADS_MAX)
		c = SCAN_THREADS_MAX;
	if ((size_t)c > n)
		c = (long)n;
	return (int)c;
}

/* Wait for the workers to print everything; meanwhile a progress line on
 * a TTY stderr once the run has taken more than a second. */
static void wait_all(scan *sc)
{
	int progress = isatty(STDERR_FILENO) && sc->n > 1;
	double start = now_s();

	pthread_mutex_lock(&sc->mu);
	while (sc->printed < sc->n) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&sc->all_cv, &sc->mu, &ts);
		if (progress && sc->printed < sc->n && now_s() - start > 1.0) {
			fprintf(stderr, "\radvdb-query: scanned %zu of %zu "
			        "%s", sc->printed, sc->n,
			        sc->s->opts->bin ? "binaries" : "lockfiles");
			sc->progress_shown = 1;
		}
	}
	if (sc->progress_shown)
		fputs("\r\033[K", stderr);
	pthread_mutex_unlock(&sc->mu);
}

int cmd_scan(const cli_opts *o)
{
	paths p = { 0 };
	session s;
	scan sc;
	pthread_t th[SCAN_THREADS_MAX];
	int nth = 0, status = EXIT_ERROR;
	size_t nfound = 0, nerr = 0;

	if (o->nargs == 0) {
		cli_error(o->bin ? "bin: no binary given"
		                 : "scan: no lockfile given (use - for stdin)");
		return EXIT_ERROR;
	}
	if (collect(&p, o) < 0)
		goto out_paths;
	if (p.n == 0) {
		cli_error(o->bin ? "bin: no binary found"
		                 : "scan: no lockfile found");
		goto out_paths;
	}
	if (session_open(&s, o, 1) != EXIT_CLEAN)
		goto out_paths;
	session_warn_incomplete(&s);
	memset(&sc, 0, sizeof(sc));
	sc.s = &s;
	sc.n = p.n;
	sc.items = calloc(p.n, sizeof(*sc.items));
	if (!sc.items) {
		cli_error("out of memory");
		goto out_session;
	}
	for (size_t i = 0; i < p.n; i++)
		sc.items[i].path = p.v[i];
	pthread_mutex_init(&sc.mu, NULL);
	pthread_cond_init(&sc.all_cv, NULL);
	pthread_cond_init(&sc.window_cv, NULL);

	int want = nthreads(o, p.n);
	keep_heap();
	for (nth = 0; nth < want; nth++)
		if (pthread_create(&th[nth], NULL, worker, &sc) != 0)
			break;
	if (nth == 0) {
		cli_error("cannot start a thread");
		status = EXIT_ERROR;
	} else {
		wait_all(&sc);
		status = sc.worst;
	}
	for (int t = 0; t < nth; t++)
		pthread_join(th[t], NULL);
	for (size_t i = 0; i < p.n; i++) {
		nfound += sc.items[i].status == EXIT_FOUND;
		nerr += sc.items[i].status == EXIT_ERROR;
		buf_free(&sc.items[i].out);
		buf_free(&sc.items[i].err);
	}
	if (!o->json && p.n > 1)
		printf("\n%zu %s scanned: %zu with findings, %zu with "
		       "errors\n", p.n, o->bin ? "binaries" : "lockfiles",
		       nfound, nerr);
	if (fflush(stdout) != 0 || sc.write_failed) {
		cli_error("cannot write the report");
		status = EXIT_ERROR;
	}
	pthread_cond_destroy(&sc.window_cv);
	pthread_cond_destroy(&sc.all_cv);
	pthread_mutex_destroy(&sc.mu);
	free(sc.items);
out_session:
	session_close(&s);
out_paths:
	for (size_t i = 0; i < p.n; i++)
		free(p.v[i]);
	free(p.v);
	return status;
}
