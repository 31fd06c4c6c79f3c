/*
 * scan.c — `advdb-query scan LOCKFILE|DIR|-...`: many lockfiles on all
 * cores, reports printed in argument order.
 *
 * Work is handed out by index under one mutex; each worker reads, decides
 * and renders a lockfile into that item's own buffers. The worker that
 * completes the oldest unprinted item prints it and every finished one
 * after it (under the mutex, so output stays in order and no thread is
 * woken per item). Decisions go through the session's cache, so a
 * (crate, version) pair is looked up once per run.
 *
 * Memory held for ordered output is bounded in bytes, whatever the order
 * of completion: the report bytes of every unprinted item (done or being
 * rendered) count against SCAN_HOLD_MAX. Past it, a worker neither
 * starts an item nor renders further into one that is not the oldest
 * unprinted (the head); it waits until printing frees room or its item
 * becomes the head. The head never waits: it prints its report as it
 * renders it (SCAN_STREAM_CHUNK at a time), since everything before it
 * is out. (Counted every SCAN_TICK_BYTES of a report, not after each
 * finding: the bound holds within that much per item being rendered.) So a slow first input (a FIFO) no longer makes the others pile
 * up, and one huge report is never held whole. Workers also never run
 * more than SCAN_WINDOW items ahead of printing.
 *
 * A directory operand stands for every file named Cargo.lock below it
 * (symlinks not followed, .git skipped, depth capped, sorted per
 * directory). A place the walk cannot search (a folder it may not open
 * or read, an entry it cannot stat, a path past PATH_BUF, a folder
 * deeper than SCAN_DEPTH_MAX) is an item of its own, in walk order: an
 * error of the run, on stderr and as a JSON line {"folder":{"path":..},
 * "error":..}, never skipped in silence. A bad lockfile is reported as
 * "path:line: message" and the others go on; its JSON line carries an
 * "error" key. A lockfile some of whose packages could not be checked
 * is reported as incomplete (audit.h).
 *
 * `bin` runs the same machinery over binaries (bin.h says which files of
 * a folder count); `scan` hands a file operand whose first bytes say
 * binary to bin.c too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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
#include "errbuf.h"
#include "jobs.h"
#include "json.h"
#include "lockdeps.h"
#include "lockfile.h"
#include "report.h"
#include "sarif.h"
#include "session.h"

/* Items done but not yet printed hold their report (~50 KB of JSON for a
 * real lockfile): 256 of them were up to 13 MB when one thread stalled on
 * a big file; 8 keep both cores busy just as well as 32 did, and the
 * reports held while the other thread works through a big file stay
 * out of its heap (32 cost ~1.5 MB more peak RSS on the bench). The byte
 * budget below is the bound that holds whatever the reports weigh (a
 * hostile lockfile's report can be 60 MB). */
#define SCAN_WINDOW 8
#define SCAN_HOLD_MAX ((size_t)64 << 20)
#define SCAN_STREAM_CHUNK ((size_t)1 << 20)
#define SCAN_DEPTH_MAX 32
#define PATH_BUF 4096

typedef struct item {
	char *path;
	char *skip;                 /* a place not searched: why (else NULL) */
	buf out, err;
	size_t held;                /* out + err bytes counted in scan.held */
	int status;
	int done;
	int streamed;               /* the head printed part of out already */
} item;

typedef struct entry {
	char *path, *skip;
} entry;

typedef struct paths {
	entry *v;
	size_t n, cap;
	int bin;                        /* walk for binaries, not Cargo.lock */
	size_t nlocks;              /* entries that are lockfiles */
} paths;

typedef struct scan {
	const session *s;
	item *items;
	size_t n;
	pthread_mutex_t mu;
	pthread_cond_t all_cv, room_cv;
	size_t next, printed;           /* handed out; printed so far */
	size_t held;                    /* bytes of unprinted reports */
	int worst, write_failed, progress_shown;
	int sarif_started;              /* a SARIF result was printed */
} scan;

/* Add a lockfile (skip NULL) or a place not searched (skip: why). */
static int paths_put(paths *p, const char *path, const char *skip)
{
	if (p->n >= CLI_ARGS_MAX) {
		cli_error("more than %d lockfiles", CLI_ARGS_MAX);
		return -1;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		entry *v = realloc(p->v, cap * sizeof(*v));
		if (!v)
			goto oom;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].path = strdup(path);
	p->v[p->n].skip = skip ? strdup(skip) : NULL;
	if (!p->v[p->n].path || (skip && !p->v[p->n].skip)) {
		free(p->v[p->n].path);
		free(p->v[p->n].skip);
		goto oom;
	}
	p->nlocks += skip == NULL;
	p->n++;
	return 0;
oom:
	cli_error("out of memory");
	return -1;
}

static int paths_add(paths *p, const char *path)
{
	return paths_put(p, path, NULL);
}

/* A place the walk could not search: an error item, "PATH: why". */
static int paths_skip(paths *p, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int paths_skip(paths *p, const char *path, const char *fmt, ...)
{
	char why[600];
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(why, sizeof(why), "not searched", fmt, ap);
	va_end(ap);
	return paths_put(p, path, why);
}

static void paths_free(paths *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].path);
		free(p->v[i].skip);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* Names in a folder, each with its readdir type (DT_UNKNOWN when the
 * file system does not say): the walk stats only what the type leaves
 * open, so a folder of lockfile folders costs no stat per entry. */
typedef struct dname {
	char *name;
	unsigned char type;
} dname;

typedef struct names {
	dname *v;
	size_t n, cap;
} names;

static int names_add(names *nm, const char *name, unsigned char type)
{
	if (nm->n >= CLI_ARGS_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? nm->cap * 2 : 64;
		dname *v = realloc(nm->v, cap * sizeof(*v));
		if (!v)
			return -1;
		nm->v = v;
		nm->cap = cap;
	}
	if (!(nm->v[nm->n].name = strdup(name)))
		return -1;
	nm->v[nm->n].type = type;
	nm->n++;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const dname *)a)->name, ((const dname *)b)->name);
}

/* Every Cargo.lock below dir, in name order at each level; every place
 * that cannot be searched becomes an error item where it was met.
 * Returns -1 only when the run cannot go on (out of memory). */
static int walk(paths *p, const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	names nm = { 0 };
	int rc = 0, searched = 0;

	if (depth > SCAN_DEPTH_MAX)
		/* A tree this deep is a mistake or a trap: say where we stopped
		 * rather than let a lockfile below go unscanned in silence. */
		return paths_skip(p, dir, "more than %d folders deep: not "
		                  "searched", SCAN_DEPTH_MAX);
	if (!(d = opendir(dir)))
		return paths_skip(p, dir, "cannot open the folder (%s): not "
		                  "searched", strerror(errno));
	for (;;) {
		errno = 0;
		if ((e = readdir(d)) == NULL) {
			if (errno)
				rc = paths_skip(p, dir, "cannot read the folder "
				                "(%s): not searched whole",
				                strerror(errno));
			break;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, ".git"))
			continue;
		if (names_add(&nm, e->d_name, e->d_type) < 0) {
			rc = paths_skip(p, dir, "cannot list the folder (%s): not "
			                "searched whole", strerror(errno));
			break;
		}
	}
	if (nm.n)
		qsort(nm.v, nm.n, sizeof(*nm.v), cmp_name);
	for (size_t i = 0; rc == 0 && i < nm.n; i++) {
		char sub[PATH_BUF];
		struct stat st;
		const char *ent = nm.v[i].name;
		unsigned char type = nm.v[i].type;
		int w = snprintf(sub, sizeof(sub), "%s%s%s", dir,
		                 dir[strlen(dir) - 1] == '/' ? "" : "/", ent);
		if (w < 0 || (size_t)w >= sizeof(sub)) {
			rc = paths_skip(p, dir, "the path of `%.200s` in it is "
			                "longer than %d bytes: not searched",
			                ent, PATH_BUF - 1);
			continue;
		}
		/* The first entry is looked at (stat): that tells whether the
		 * folder can be searched at all, which holds for every entry
		 * in it. Past it, what readdir's type settles needs no stat: a
		 * folder is walked, a lockfile taken, a link, FIFO, socket or
		 * device neither (a file the binary walk weighs needs its
		 * mode: bin_walk_wants). */
		if (searched && type != DT_UNKNOWN && !(type == DT_REG && p->bin)) {
			if (type == DT_DIR)
				rc = walk(p, sub, depth + 1);
			else if (type == DT_REG && strcmp(ent, "Cargo.lock") == 0)
				rc = paths_add(p, sub);
			continue;
		}
		if (fstatat(dirfd(d), ent, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = paths_skip(p, sub, "cannot look at it (%s): not "
			                "searched", strerror(errno));
			continue;
		}
		searched = 1;
		if (S_ISDIR(st.st_mode))
			rc = walk(p, sub, depth + 1);
		else if (S_ISREG(st.st_mode) &&
		         (p->bin ? bin_walk_wants(sub, ent, &st)
		                 : strcmp(ent, "Cargo.lock") == 0))
			rc = paths_add(p, sub);
	}
	closedir(d);
	for (size_t i = 0; i < nm.n; i++)
		free(nm.v[i].name);
	free(nm.v);
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

/* The JSON line of an input that has no report: {"lockfile": {"path"}} or
 * {"folder": {"path"}} for a place not searched, and its "error". */
static void error_json(buf *out, const char *what, const char *path,
                       const char *msg)
{
	json j;

	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, what);
	json_obj_begin(&j);
	json_key(&j, "path");
	json_str(&j, path);
	json_obj_end(&j);
	json_key(&j, "error");
	json_str(&j, msg);
	json_obj_end(&j);
	buf_putc(out, '\n');
}

/* "advdb-query: NAME: msg" into an item's stderr text. The path may come
 * from walking a tree nobody vetted: escaped, as in cli_error(). */
static void err_line(buf *err, const char *name, const char *msg)
{
	buf_puts(err, "advdb-query: ");
	if (name) {
		report_text(err, name, 0);
		buf_puts(err, ": ");
	}
	report_text(err, msg, 0);
	buf_putc(err, '\n');
}

/* Called by the renderer after each finding: counts the item's bytes
 * against the budget, streams the head, holds back the others. */
typedef struct ticket {
	scan *sc;
	size_t idx;
} ticket;

static void clear_progress(scan *sc)
{
	if (sc->progress_shown) {
		/* Off the terminal before anything else is written there;
		 * wait_all redraws it. */
		fputs("\r\033[K", stderr);
		sc->progress_shown = 0;
	}
}

/* An item's report to stdout: as it is, or as SARIF results that join
 * the run's one array. Under sc->mu. */
static void print_out(scan *sc, const buf *out)
{
	int bad = sc->s->opts->sarif
	          ? sarif_print(out, stdout, &sc->sarif_started)
	          : buf_write(out, stdout);
	if (bad < 0)
		sc->write_failed = 1;
}

/* Print what the head item has so far. Under sc->mu. */
static void stream_head(scan *sc, item *it)
{
	clear_progress(sc);
	if (!it->streamed) {
		buf_write(&it->err, stderr);
		buf_reset(&it->err);
		if (!sc->s->opts->json && !sc->s->opts->sarif && sc->printed > 0)
			putchar('\n');
		it->streamed = 1;
	}
	print_out(sc, &it->out);
	buf_reset(&it->out);
	sc->held -= it->held;
	it->held = 0;
}

static void count_bytes(scan *sc, item *it)
{
	size_t now = it->out.len + it->err.len;

	sc->held = sc->held - it->held + now;
	it->held = now;
}

/* Bytes a report may grow by between two countings: a finding adds a
 * few KiB, and taking the run's mutex after each one had the two
 * workers trade its cache line ~30 times a lockfile. The budget is
 * then exceeded by at most this much per item being rendered, and the
 * head streams within this much of SCAN_STREAM_CHUNK. */
#define SCAN_TICK_BYTES ((size_t)64 << 10)

static void tick(void *arg)
{
	ticket *t = arg;
	scan *sc = t->sc;
	item *it = &sc->items[t->idx];

	/* it->held is this worker's to read: only the worker rendering the
	 * item and the printer of it (never at once: the printer waits
	 * for done) change it, under the mutex */
	if (it->out.len + it->err.len - it->held < SCAN_TICK_BYTES)
		return;
	pthread_mutex_lock(&sc->mu);
	count_bytes(sc, it);
	while (t->idx != sc->printed && sc->held > SCAN_HOLD_MAX)
		pthread_cond_wait(&sc->room_cv, &sc->mu);
	if (t->idx == sc->printed && it->out.len >= SCAN_STREAM_CHUNK) {
		stream_head(sc, it);
		pthread_cond_broadcast(&sc->room_cv);
	}
	pthread_mutex_unlock(&sc->mu);
}

static void scan_one(scan *sc, size_t idx)
{
	const session *s = sc->s;
	const cli_opts *o = s->opts;
	item *it = &sc->items[idx];
	const char *name = strcmp(it->path, "-") ? it->path : "<stdin>";
	ticket t = { sc, idx };
	lockfile lf;
	lock_error lerr;
	findings f = { 0 };
	char msg[512];
	int rc = ADVDB_OK;

	if (it->skip) {
		err_line(&it->err, it->path, it->skip);
		snprintf(msg, sizeof(msg), "%s", it->skip);
		if (o->json)
			error_json(&it->out, "folder", it->path, msg);
		sarif_error(s->sarif, it->path, msg);
		it->status = EXIT_ERROR;
		return;
	}
	/* A file whose first bytes say binary goes to bin.c; the lockfile
	 * reader asks that on its one open of the file (a peek of its own
	 * was four syscalls a lockfile). */
	int got = o->bin ? 1 : lockfile_read_or(&lf, it->path, &lerr,
	                                        bin_head_is_binary);
	if (got == 1) {
		if (bin_report(&it->out, &it->status, s, it->path, name, msg,
		               sizeof(msg)) == 0) {
			if (o->summary_only && !o->json && !o->sarif && sc->n > 1)
				buf_reset(&it->out);    /* the run's summary alone */
			return;
		}
		goto fail;
	}
	if (got < 0) {
		if (lerr.line)
			snprintf(msg, sizeof(msg), "%s:%u: %s", name, lerr.line,
			         lerr.msg);
		else
			snprintf(msg, sizeof(msg), "%s: %s", name, lerr.msg);
		goto fail;
	}
	audit_pkgs(&f, s, lf.pkgs, lf.npkgs);
	/* what could not be checked, on stderr before the report */
	for (size_t i = 0; i < f.nerrs; i++)
		err_line(&it->err, name, f.errs[i]);
	if (f.nerr > f.nerrs) {
		snprintf(msg, sizeof(msg), "%zu more errors not shown",
		         f.nerr - f.nerrs);
		err_line(&it->err, name, msg);
	}
	/* The dependency lists only matter to a report that names a
	 * package: most lockfiles of a bulk scan are read without them. */
	depgraph g = { 0 };
	int graph = f.n && !o->sarif && !o->summary_only;
	report_in r = { .path = name,
	                .ndeps = lf.npkgs - (size_t)lockdeps_has_root(&lf),
	                .f = &f, .pkgs = lf.pkgs, .graph = graph ? &g : NULL,
	                .tick = tick, .tick_ctx = &t,
	                .summary_only = o->summary_only };
	/* (a package that could not be checked is in f, not in rc) */
	if (o->summary_only && !o->json && !o->sarif && sc->n > 1)
		rc = ADVDB_OK;  /* --quiet: the run's summary line alone */
	else
		rc = graph && lockdeps_build(&g, &lf) < 0
		     ? ADVDB_ENOMEM : report_render(&it->out, s, &r);
	depgraph_free(&g);
	if (rc != ADVDB_OK) {
		/* An advisory could not be fetched to render: the report is
		 * dropped (or, when the head streamed part of it, cut short
		 * and ended by a newline) and the error reported instead. */
		snprintf(msg, sizeof(msg), "%s: %s", name, audit_strerror(rc, s));
		buf_reset(&it->out);
		pthread_mutex_lock(&sc->mu);
		if (it->streamed && !o->sarif)
			buf_puts(&it->out, o->json ? "\n" : "\n(report cut short)\n");
		pthread_mutex_unlock(&sc->mu);
		findings_free(&f);
		lockfile_free(&lf);
		goto fail;
	}
	it->status = findings_exit(&f, o->deny, session_incomplete(s));
	findings_free(&f);
	lockfile_free(&lf);
	return;
fail:
	err_line(&it->err, NULL, msg);
	if (o->json)
		error_json(&it->out, "lockfile", it->path, msg);
	sarif_error(s->sarif, it->path, msg);
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
		clear_progress(sc);
		buf_write(&it->err, stderr);
		if (!o->json && !o->sarif && sc->printed > 0 && it->out.len &&
		    !it->streamed)
			putchar('\n');
		print_out(sc, &it->out);
		if (o->line_buffered)
			fflush(stdout);
		if (it->status == EXIT_ERROR || sc->worst == EXIT_ERROR)
			sc->worst = EXIT_ERROR;
		else if (it->status == EXIT_FOUND)
			sc->worst = EXIT_FOUND;
		sc->held -= it->held;
		it->held = 0;
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
		/* the head is always taken; past it, only with room */
		while (sc->next < sc->n && sc->next != sc->printed &&
		       (sc->next >= sc->printed + SCAN_WINDOW ||
		        sc->held > SCAN_HOLD_MAX))
			pthread_cond_wait(&sc->room_cv, &sc->mu);
		if (sc->next >= sc->n)
			break;
		size_t i = sc->next++;
		pthread_mutex_unlock(&sc->mu);

		scan_one(sc, i);
		/* a report waits for the ones before it in its own size
		 * (report_render made room for its findings by an estimate) */
		buf_shrink(&sc->items[i].out);

		pthread_mutex_lock(&sc->mu);
		count_bytes(sc, &sc->items[i]);
		sc->items[i].done = 1;
		if (i == sc->printed) {
			emit_ready(sc);
			pthread_cond_broadcast(&sc->room_cv);
			if (sc->printed == sc->n)
				pthread_cond_signal(&sc->all_cv);
		}
	}
	pthread_mutex_unlock(&sc->mu);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Wait for the workers to print everything; meanwhile, for a run of more
 * than one input, a progress line on stderr:
 *   - a terminal: redrawn in place every 250 ms once the run has taken a
 *     second (unless --no-progress);
 *   - anything else (a CI log, a file): a whole line every
 *     PROGRESS_LOG_EVERY seconds with --progress; by default only once
 *     the run is long (PROGRESS_LOG_AUTO seconds, then as often), so a
 *     short scan's log stays as it was, and a long one shows it is alive.
 */
#define PROGRESS_LOG_EVERY 5.0
#define PROGRESS_LOG_AUTO 10.0

static void wait_all(scan *sc)
{
	int mode = sc->s->opts->progress, tty = isatty(STDERR_FILENO);
	int progress = mode != PROGRESS_OFF && sc->n > 1;
	double every = tty ? 0.25 : mode == PROGRESS_ON ? PROGRESS_LOG_EVERY
	                                                : PROGRESS_LOG_AUTO;
	double start = now_s(), next = start + (tty ? 1.0 : every);

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
		double now = now_s();
		if (!progress || sc->printed >= sc->n || now < next)
			continue;
		next = now + every;
		if (tty) {
			fprintf(stderr, "\radvdb-query: scanned %zu of %zu "
			        "%s", sc->printed, sc->n,
			        sc->s->opts->bin ? "binaries" : "lockfiles");
			sc->progress_shown = 1;
		} else {
			fprintf(stderr, "advdb-query: scanned %zu of %zu %s in "
			        "%.0f s\n", sc->printed, sc->n,
			        sc->s->opts->bin ? "binaries" : "lockfiles",
			        now - start);
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
	pthread_t th[JOBS_MAX];
	int nth = 0, status = EXIT_ERROR;
	size_t nfound = 0, nerr = 0, nskip = 0;

	if (o->nargs == 0) {
		cli_error(o->bin ? "bin: no binary given"
		                 : "scan: no lockfile given (use - for stdin)");
		return EXIT_ERROR;
	}
	/* The heap settings first: the walk may run a thread (walk_split),
	 * which would otherwise make an arena of its own that a worker
	 * then keeps (+1.5 MB peak RSS). */
	jobs_keep_heap();
	jobs_share_heap(jobs_count(o, 0));
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
	if (session_crates(&s, "yanked") != EXIT_CLEAN)
		goto out_session;
	if (o->sarif) {
		buf head = BUF_INIT;
		if (sarif_run_new(&s.sarif) < 0) {
			cli_error("out of memory");
			goto out_session;
		}
		sarif_begin(&head);
		buf_write(&head, stdout);
		buf_free(&head);
	}
	memset(&sc, 0, sizeof(sc));
	sc.s = &s;
	sc.n = p.n;
	sc.items = calloc(p.n, sizeof(*sc.items));
	if (!sc.items) {
		cli_error("out of memory");
		goto out_session;
	}
	for (size_t i = 0; i < p.n; i++) {
		sc.items[i].path = p.v[i].path;
		sc.items[i].skip = p.v[i].skip;
	}
	pthread_mutex_init(&sc.mu, NULL);
	pthread_cond_init(&sc.all_cv, NULL);
	pthread_cond_init(&sc.room_cv, NULL);

	int want = jobs_count(o, p.n);
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
		nskip += sc.items[i].skip != NULL;
		nfound += sc.items[i].status == EXIT_FOUND;
		nerr += sc.items[i].status == EXIT_ERROR && !sc.items[i].skip;
		buf_free(&sc.items[i].out);
		buf_free(&sc.items[i].err);
	}
	if (o->sarif) {
		/* the log's end: every advisory's rule, what was not checked */
		buf tail = BUF_INIT;
		if (sarif_end(&tail, &s, s.sarif) != ADVDB_OK) {
			cli_error("cannot write the SARIF rules: %s",
			          advdb_last_error(s.db));
			status = EXIT_ERROR;
		}
		if (buf_write(&tail, stdout) < 0)
			sc.write_failed = 1;
		buf_free(&tail);
	}
	if (!o->json && !o->sarif && p.n > 1) {
		printf("%s%zu %s scanned: %zu with findings, %zu with "
		       "errors", o->summary_only ? "" : "\n", p.nlocks,
		       o->bin ? "binaries" : "lockfiles",
		       nfound, nerr);
		if (nskip)
			printf("; %zu %s not searched (errors)", nskip,
			       nskip == 1 ? "place" : "places");
		putchar('\n');
	}
	if (fflush(stdout) != 0 || sc.write_failed) {
		cli_error("cannot write the report");
		status = EXIT_ERROR;
	}
	pthread_cond_destroy(&sc.room_cv);
	pthread_cond_destroy(&sc.all_cv);
	pthread_mutex_destroy(&sc.mu);
	free(sc.items);
out_session:
	sarif_run_free(s.sarif);
	s.sarif = NULL;
	session_close(&s);
out_paths:
	paths_free(&p);
	return status;
}
