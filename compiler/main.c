/*
 * main.c — advdb-compile: the command line around one compile run
 * (compile.h: gitsrc -> advisory -> writer).
 *
 * Owns: option parsing, the choice between a full compile, an update and
 * an install (--install: an index compiled elsewhere put in place), the
 * watchdog, and every line the program prints. The modules below never
 * print.
 *
 * Invariants:
 *   - The target DB is replaced only when the run found no error (or
 *     --keep-going turned them into warnings); otherwise the writer is
 *     closed without commit and the old file stays byte for byte.
 *   - With --history every record added carries the time of the last
 *     commit that changed its file; an update dates only what it re-adds
 *     (walking just the commits since the previous one), which is why
 *     --history has to be given again with --update.
 */
#include <errno.h>
#include <getopt.h>
#include <git2.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "advdb.h"            /* ADVDB_VERSION: the project's version */
#include "compile.h"
#include "cratesrc.h"
#include "dbpath.h"
#include "diag.h"
#include "escape.h"
#include "gitsrc.h"
#include "layout.h"
#include "sign.h"
#include "srcopt.h"
#include "writer.h"
#include "stdfds.h"

#define PROG "advdb-compile"
#define SOURCE "rustsec"
#define ERR_MAX 1024

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 2,            /* bad usage, bad input, or I/O error */
};

/*
 * Watchdog. libgit2 1.5 spins forever on a truncated loose object
 * (libgit2 issue #7342, fixed upstream after 1.5), and a hostile
 * repository must not hang us: while git objects are read, an alarm
 * every third of the limit checks that `beat` moved, and after three
 * quiet periods the program gives up (exit 2). The limit is 30 seconds,
 * or $ADVDB_COMPILE_WATCHDOG (1..3600) for tests and slow disks. The index
 * file is not yet touched then: the writer creates its temporary file
 * only at commit, after the watchdog is off. These are the program's only
 * globals; a signal handler can reach nothing else.
 */
#define WATCHDOG_IDLE 3
static volatile sig_atomic_t beat, beat_seen, idle_periods;
static unsigned watchdog_period = 10;

static void watchdog(int sig)
{
	static const char msg[] = "\n" "advdb-compile: no progress reading the "
	    "repository; a git object is probably corrupt (try `git fsck`); "
	    "giving up\n";

	(void)sig;
	if (beat != beat_seen) {
		beat_seen = beat;
		idle_periods = 0;
	} else if (++idle_periods >= WATCHDOG_IDLE) {
		ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
		(void)w;
		_exit(2);               /* EXIT_FAILED */
	}
	alarm(watchdog_period);
}

static void watchdog_start(void)
{
	struct sigaction sa;
	const char *env = getenv("ADVDB_COMPILE_WATCHDOG");

	if (env && *env) {
		char *end;
		long v = strtol(env, &end, 10);
		if (*end == '\0' && v >= 1 && v <= 3600)
			watchdog_period = (unsigned)(v + WATCHDOG_IDLE - 1) /
			                  WATCHDOG_IDLE;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watchdog;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGALRM, &sa, NULL) == 0)
		alarm(watchdog_period);
}

static void watchdog_stop(void)
{
	alarm(0);
}

typedef struct options {
	const char *db;             /* -o; NULL: the default location */
	const char *ref;            /* --ref; NULL: HEAD */
	const char *repo;
	const char *install;        /* --install SRC: no compile */
	const char *sign_key;       /* --sign SECRET_KEY */
	const char *trust_key;      /* --trust-key PUBLIC_KEY (--install) */
	int sign_only;              /* --sign-only: sign DB as it is */
	int pass_fd;                /* --passphrase-fd N; -1: the terminal */
	int update, keep_going, quiet, history, strict;
	srcopts src;                /* --source: OSV sources after REPO */
	const char *crates;         /* --crates-index PATH */
	const char *crates_ref;     /* --crates-ref REF; NULL: HEAD */
} options;

#define SYNOPSIS \
	"usage: " PROG " [-o DB] [--ref REF] [--update] [--keep-going] " \
	"[--strict]\n" \
	"       [--history] [--quiet] [--crates-index PATH [--crates-ref REF]]\n" \
	"       [--source osv[:NAME][@REF] PATH]... [REPO]\n" \
	"       " PROG " [-o DB] [--quiet] --install SRC [--trust-key PUB]\n" \
	"       " PROG " [-o DB] --sign SECRET_KEY --sign-only\n" \
	"  (--sign SECRET_KEY [--passphrase-fd N] also signs a compile or an\n" \
	"   install)\n"

/* Misuse gets the synopsis on stderr; --help the whole text on stdout. */
static void usage(FILE *f, int full)
{
	fputs(SYNOPSIS, f);
	if (!full) {
		fputs("Try '" PROG " --help' for more.\n", f);
		return;
	}
	fprintf(f,
	    "\n"
	    "Compile the RustSec advisories of a git repository (bare or not;\n"
	    "read from git objects, never from the working tree) into one\n"
	    "LMDB index file.\n"
	    "\n"
	    "  -o, --output DB     index to write (default: $ADVDB_DB, else\n"
	    "                      $XDG_DATA_HOME/advdb/advdb.lmdb, else\n"
	    "                      ~/.local/share/advdb/advdb.lmdb)\n"
	    "  -r, --ref REF       commit to compile: branch, tag, remote\n"
	    "                      branch, commit id (default: HEAD)\n"
	    "  -u, --update        start from the existing index; re-read only\n"
	    "                      the advisories changed since its commit\n"
	    "  -k, --keep-going    skip bad advisories with a warning and still\n"
	    "                      write the index (it lists what it skipped:\n"
	    "                      advdb-query info)\n"
	    "      --strict        what only rustsec's linter rejects (unknown\n"
	    "                      keys, the id's year against the date, ...)\n"
	    "                      is an error, not a warning: for maintainers\n"
	    "                      of an advisory repository\n"
	    "  -q, --quiet         no summary line unless there were errors\n"
	    "      --history       date each advisory by the last commit that\n"
	    "                      changed it (OSV `modified`; walks the whole\n"
	    "                      history, a few hundred ms); give it again\n"
	    "                      with --update to keep those dates\n"
	    "      --source osv[:NAME][@REF] PATH\n"
	    "                      also import the OSV advisories (*.json,\n"
	    "                      *.yaml, *.yml; crates.io entries) of PATH:\n"
	    "                      a git repository (at REF, default HEAD) or\n"
	    "                      a plain folder. Repeatable; sources are\n"
	    "                      named osv, osv2, ... unless NAME is given.\n"
	    "                      The same vulnerability (equal id or alias)\n"
	    "                      is kept once: the earlier source wins (REPO\n"
	    "                      first), a disagreement is a warning. REPO\n"
	    "                      may be left out. With --source, --update\n"
	    "                      compiles everything again.\n"
	    "      --crates-index PATH\n"
	    "                      also read a crates.io index mirror: a git\n"
	    "                      repository (crates.io-index, bare or not) or\n"
	    "                      a plain folder in its layout (1/a, 2/ab,\n"
	    "                      3/a/abc, ab/cd/abcd...). Gives advdb-query the\n"
	    "                      yanked versions (scan, bin) and the latest\n"
	    "                      ones (reqs). Malformed lines are warnings\n"
	    "                      (errors with --strict). With --update only\n"
	    "                      the files changed since the previous\n"
	    "                      mirror commit are read; an --update without\n"
	    "                      --crates-index keeps the previous crates\n"
	    "      --crates-ref REF commit of the mirror (default: HEAD)\n"
	    "      --install SRC   no compile: put the index file SRC (made\n"
	    "                      elsewhere) in place of DB, safely for\n"
	    "                      running readers: SRC is read whole and\n"
	    "                      checked, copied beside DB, and renamed\n"
	    "                      over it with DB's mode and owner (never\n"
	    "                      cp over a live index: its readers crash);\n"
	    "                      SRC.minisig, when there is one, goes along\n"
	    "      --trust-key PUB with --install: SRC.minisig must be there and\n"
	    "                      verify with the minisign public key PUB\n"
	    "      --sign KEY      sign the index with the minisign secret key\n"
	    "                      KEY (minisign -G): writes DB.minisig with it,\n"
	    "                      which minisign -V and advdb-query --trust-key\n"
	    "                      check\n"
	    "      --sign-only     with --sign: no compile; sign DB as it is\n"
	    "                      (read whole and checked first, as --install)\n"
	    "      --passphrase-fd N  read KEY's passphrase from descriptor N\n"
	    "                      (default: ask on the terminal)\n"
	    "  -h, --help          this text\n"
	    "  -V, --version       program and schema version\n"
	    "\n"
	    "Exit status: 0 index written, 2 errors (the old index is kept).\n"
	    "A symbolic link at DB is followed: its target is replaced.\n");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* -o must name a file in an existing folder; the default location is
 * created on demand. 0 ok, -1 after a message. */
static int check_target(const char *db, int is_default)
{
	char dir[4096];
	struct stat st;
	size_t len = strlen(db);

	if (len == 0 || len >= sizeof(dir)) {
		fprintf(stderr, PROG ": %s: bad index path\n", db);
		return -1;
	}
	if (is_default && dbpath_make_parent(db) < 0) {
		fprintf(stderr, PROG ": %s: cannot create its folder: %s\n", db,
		        strerror(errno));
		return -1;
	}
	memcpy(dir, db, len + 1);
	char *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, PROG ": %s: folder %s does not exist\n", db, dir);
		return -1;
	}
	if (stat(db, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, PROG ": %s: is a folder, not an index file\n", db);
		return -1;
	}
	/* The rename would replace a device node or FIFO (as root, `-o
	 * /dev/null` would lose /dev/null), and --update would block reading
	 * a FIFO. A symlink is followed for this check only. */
	if (stat(db, &st) == 0 && !S_ISREG(st.st_mode)) {
		fprintf(stderr, PROG ": %s: exists and is not a regular file "
		        "(a device, FIFO or socket): not replaced\n", db);
		return -1;
	}
	return 0;
}

/* "advdb-compile: DB: message", without naming DB twice when the
 * writer's message already starts with it. */
static void fail_db(const char *db, const char *msg)
{
	size_t dl = strlen(db);

	if (strncmp(msg, db, dl) == 0 && msg[dl] == ':')
		fprintf(stderr, PROG ": %s\n", msg);
	else
		fprintf(stderr, PROG ": %s: %s\n", db, msg);
}

/* One message on one line, whatever bytes a hostile repository put in
 * a file name: escaped (escape.h), never sent to the terminal raw. */
static void print_line(const char *prefix, const char *text)
{
	fputs(prefix, stderr);
	escape_fputs(text, 0, stderr);
	fputc('\n', stderr);
}

/* "path:line: message" for an error, "path:line: warning: message" for
 * a warning (the form compilers use, which editors and CI logs know). */
static void print_diags(const diag_list *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const diag_entry *e = &d->v[i];
		if (e->level != DIAG_WARNING || e->msg < 2) {
			print_line(e->level == DIAG_WARNING ? "warning: " : "",
			           e->text);
			continue;
		}
		escape_fwrite(e->text, e->msg - 2, 0, stderr);       /* the place, no ": " */
		fputs(": warning: ", stderr);
		print_line("", e->text + e->msg);
	}
	if (d->dropped)
		fprintf(stderr, PROG ": %zu more problems not shown\n", d->dropped);
}

/* Long options without a letter. */
enum { OPT_SIGN = 256, OPT_SIGN_ONLY, OPT_PASS_FD, OPT_TRUST_KEY,
       OPT_CRATES, OPT_CRATES_REF };

static int parse_args(options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "ref", required_argument, NULL, 'r' },
		{ "update", no_argument, NULL, 'u' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "history", no_argument, NULL, 'H' },
		{ "strict", no_argument, NULL, 'S' },
		{ "install", required_argument, NULL, 'I' },
		{ "sign", required_argument, NULL, OPT_SIGN },
		{ "sign-only", no_argument, NULL, OPT_SIGN_ONLY },
		{ "passphrase-fd", required_argument, NULL, OPT_PASS_FD },
		{ "trust-key", required_argument, NULL, OPT_TRUST_KEY },
		{ "crates-index", required_argument, NULL, OPT_CRATES },
		{ "crates-ref", required_argument, NULL, OPT_CRATES_REF },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->pass_fd = -1;
	char serr[ERR_MAX];
	if (srcopt_take(&o->src, &argc, argv, serr, sizeof(serr)) < 0) {
		fprintf(stderr, PROG ": %s\n", serr);
		usage(stderr, 0);
		return -1;
	}
	while ((c = getopt_long(argc, argv, "o:r:ukqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->db = optarg; break;
		case 'r': o->ref = optarg; break;
		case 'u': o->update = 1; break;
		case 'k': o->keep_going = 1; break;
		case 'q': o->quiet = 1; break;
		case 'H': o->history = 1; break;
		case 'S': o->strict = 1; break;
		case 'I': o->install = optarg; break;
		case OPT_SIGN: o->sign_key = optarg; break;
		case OPT_SIGN_ONLY: o->sign_only = 1; break;
		case OPT_TRUST_KEY: o->trust_key = optarg; break;
		case OPT_CRATES: o->crates = optarg; break;
		case OPT_CRATES_REF: o->crates_ref = optarg; break;
		case OPT_PASS_FD: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 0 || v > 1000000) {
				fprintf(stderr, PROG ": --passphrase-fd %s: expected a "
				        "descriptor number\n", optarg);
				return -1;
			}
			o->pass_fd = (int)v;
			break;
		}
		case 'h': usage(stdout, 1); return 1;
		case 'V':
			printf(PROG " " ADVDB_VERSION " (index schema %d, libgit2 %s)\n",
			       ADVDB_SCHEMA_VERSION, LIBGIT2_VERSION);
			return 1;
		default:
			usage(stderr, 0);
			return -1;
		}
	}
	if ((o->sign_key && !*o->sign_key) || (o->trust_key && !*o->trust_key) ||
	    (o->sign_only && !o->sign_key) || (o->trust_key && !o->install) ||
	    (o->sign_only && o->install) || (o->pass_fd >= 0 && !o->sign_key)) {
		fprintf(stderr, PROG ": --sign-only needs --sign KEY, --trust-key "
		        "goes with --install, --passphrase-fd with --sign\n");
		usage(stderr, 0);
		return -1;
	}
	if ((o->crates && !*o->crates) || (o->crates_ref && !*o->crates_ref) ||
	    (o->crates_ref && !o->crates) ||
	    (o->crates && (o->install || o->sign_only))) {
		fprintf(stderr, PROG ": --crates-index needs a PATH, --crates-ref "
		        "goes with it, and neither with --install or --sign-only\n");
		usage(stderr, 0);
		return -1;
	}
	if (o->sign_only) {
		if (argc - optind || o->src.n || o->ref || o->update ||
		    o->keep_going || o->history || o->strict) {
			fprintf(stderr, PROG ": --sign-only takes only -o DB, --sign, "
			        "--passphrase-fd and --quiet\n");
			usage(stderr, 0);
			return -1;
		}
		return 0;
	}
	if (o->install) {
		if (argc - optind || o->src.n || o->ref || o->update ||
		    o->keep_going || o->history || !*o->install ||
		    (o->db && !*o->db)) {
			fprintf(stderr, PROG ": --install SRC takes only -o DB, "
			        "--quiet, --trust-key and --sign\n");
			usage(stderr, 0);
			return -1;
		}
		return 0;
	}
	if (argc - optind == 0 && o->src.n)
		return 0;               /* only --source: no RustSec REPO */
	if (argc - optind != 1) {
		fprintf(stderr, PROG ": %s\n", argc - optind ? "one REPO only"
		                                            : "missing REPO");
		usage(stderr, 0);
		return -1;
	}
	o->repo = argv[optind];
	if (!*o->repo || (o->db && !*o->db) || (o->ref && !*o->ref)) {
		fprintf(stderr, PROG ": empty argument\n");
		usage(stderr, 0);
		return -1;
	}
	return 0;
}

/*
 * writer_open and, for --update, the previous index (writer_load_begin,
 * then writer_load_finish): what the run needs of the old index,
 * independent of the repository. It runs on a second core; once the
 * previous commit is known (begun), the main thread can read and parse
 * what changed since while the records load.
 */
typedef struct preload {
	const char *db;
	int update;
	writer *w;
	int open_rc, load_rc;       /* read after the join */
	char prev[41], err[ERR_MAX];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int begun;                  /* under mu: begin_rc and begin_prev */
	int begin_rc;               /* 0: a previous index, being loaded */
	char begin_prev[41];
} preload;

static void *preload_run(void *arg)
{
	preload *p = arg;
	writer_prev *prev = NULL;
	int rc = 1;

	p->open_rc = writer_open(&p->w, p->db, p->err, sizeof(p->err));
	if (p->open_rc == 0 && p->update)
		rc = writer_load_begin(p->w, SOURCE, p->prev, &prev, p->err,
		                       sizeof(p->err));
	p->load_rc = rc;
	pthread_mutex_lock(&p->mu);
	p->begin_rc = p->open_rc == 0 ? rc : -1;
	memcpy(p->begin_prev, p->prev, sizeof(p->begin_prev));
	p->begun = 1;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (rc == 0)
		p->load_rc = writer_load_finish(p->w, prev, p->err, sizeof(p->err));
	return NULL;
}

/* The previous commit, once the preload knows it: 0 with the commit in
 * prev when there is a previous index to update. */
static int preload_wait(preload *p, char prev[41])
{
	pthread_mutex_lock(&p->mu);
	while (!p->begun)
		pthread_cond_wait(&p->cv, &p->mu);
	int ok = p->begin_rc == 0;
	if (ok)
		memcpy(prev, p->begin_prev, 41);
	pthread_mutex_unlock(&p->mu);
	return ok ? 0 : -1;
}

/* The signature line of a summary: what went beside db. */
static void print_signature(const options *opt, const sign_plan *p,
                            int what, const char *db)
{
	if (opt->quiet)
		return;
	if (what == WRITER_SIG_WRITTEN && !p->carried)
		fprintf(stderr, PROG ": signed with key %s -> %s.minisig\n",
		        p->key_id, db);
	else if (what == WRITER_SIG_WRITTEN)
		fprintf(stderr, PROG ": signature %s.minisig (key %s, %s) -> "
		        "%s.minisig\n", p->carry_from, p->key_id, p->verified
		        ? "verified" : "not verified: no --trust-key", db);
	else if (what == WRITER_SIG_REMOVED)
		fprintf(stderr, PROG ": %s.minisig removed: it signed the "
		        "previous index (sign the new one with --sign)\n", db);
}

/* --install: SRC checked, copied beside db and renamed over it. */
static int install(const options *opt, const char *db, sign_plan *plan)
{
	writer *w = NULL;
	writer_stats st;
	char err[ERR_MAX];
	double t0 = now_ms();
	int code = EXIT_FAILED;

	if (writer_open(&w, db, err, sizeof(err)) == 0)
		writer_set_signature(w, sign_plan_run, plan);
	if (!w || writer_install(w, opt->install, &st, err, sizeof(err)) < 0) {
		print_line(PROG ": ", err);
		fprintf(stderr, PROG ": nothing installed; %s left unchanged\n",
		        db);
	} else {
		code = EXIT_OK;
		if (!opt->quiet && !opt->sign_only)
			fprintf(stderr, PROG ": installed %s: %zu advisories, %zu "
			        "packages, %llu KiB, %.0f ms -> %s\n", opt->install,
			        st.advisories, st.packages,
			        (unsigned long long)((st.db_bytes + 1023) / 1024),
			        now_ms() - t0, db);
		print_signature(opt, plan, st.signature, db);
	}
	writer_close(w);
	return code;
}

int main(int argc, char **argv)
{
	options opt;
	gitsrc *src = NULL;
	writer *w = NULL;
	diag_list d;
	char db[4096], err[ERR_MAX], prev[41];
	writer_stats st;
	int code = EXIT_FAILED;
	double t0 = now_ms();

	/* One malloc arena, grown 4 MiB at a time. glibc gives each thread
	 * its own arena and grows it a page at a time, each step an
	 * mprotect: an --update's preload thread made ~860 of them (of 1,450
	 * system calls; 560 with this). */
	(void)mallopt(M_ARENA_MAX, 1);
	(void)mallopt(M_TOP_PAD, 4 << 20);
	if (stdfds_open() < 0)
		return EXIT_FAILED;
	/* A file size limit (ulimit -f) is then EFBIG, reported, not a
	 * signal that kills the compile without a word. */
	signal(SIGXFSZ, SIG_IGN);
	int pa = parse_args(&opt, argc, argv);
	if (pa != 0)
		return pa > 0 ? EXIT_OK : EXIT_FAILED;
	if (opt.update && opt.src.n) {
		if (!opt.quiet)
			fprintf(stderr, PROG ": --source given: compiling everything "
			        "(no --update)\n");
		opt.update = 0;
	}
	compile_opts co = { .source = SOURCE,
	                    .label = opt.repo ? opt.repo : "-",
	                    .keep_going = opt.keep_going,
	                    .strict = opt.strict,
	                    .history = opt.history, .beat = &beat };
	if (opt.db) {
		if (snprintf(db, sizeof(db), "%s", opt.db) >= (int)sizeof(db)) {
			fprintf(stderr, PROG ": index path too long\n");
			return EXIT_FAILED;
		}
	} else if (dbpath_default(db, sizeof(db)) < 0) {
		fprintf(stderr, PROG ": no index location: give -o DB, or set "
		        "ADVDB_DB, XDG_DATA_HOME or HOME\n");
		return EXIT_FAILED;
	}
	if (check_target(db, !opt.db) < 0)
		return EXIT_FAILED;
	/* Keys first: a wrong passphrase stops the run before any work. */
	sign_plan plan = { .carry_from = opt.install };
	advdb_key *trust = NULL;
	if (opt.trust_key) {
		if (advdb_key_load(&trust, opt.trust_key, err, sizeof(err)) != 0) {
			print_line(PROG ": ", err);
			return EXIT_FAILED;
		}
		plan.trust = trust;
	}
	if (opt.sign_key &&
	    signer_load(&plan.signer, opt.sign_key, opt.pass_fd, err,
	                sizeof(err)) < 0) {
		print_line(PROG ": ", err);
		advdb_key_free(trust);
		return EXIT_FAILED;
	}
	if (opt.sign_only)
		opt.install = db;       /* the index put in place of itself */
	if (opt.install) {
		code = install(&opt, db, &plan);
		signer_free(plan.signer);
		advdb_key_free(trust);
		return code;
	}

	diag_init(&d);
	/* The previous index loads on a second core while libgit2 starts
	 * (it parses the system's CA certificates) and opens the repository. */
	preload pl = { .db = db, .update = opt.update,
	               .mu = PTHREAD_MUTEX_INITIALIZER,
	               .cv = PTHREAD_COND_INITIALIZER };
	pthread_t plth;
	int plthread = pthread_create(&plth, NULL, preload_run, &pl) == 0;
	if (!plthread)
		preload_run(&pl);
	if (gitsrc_start() < 0) {
		fprintf(stderr, PROG ": cannot start libgit2\n");
		if (plthread)
			pthread_join(plth, NULL);
		writer_close(pl.w);
		return EXIT_FAILED;
	}
	watchdog_start();
	int gs = opt.repo ? gitsrc_open(&src, opt.repo, opt.ref, err,
	                                sizeof(err)) : 0;
	/* What changed since the previous commit, read and parsed while
	 * the previous records load; added to them after the join. */
	compile_stage *stage = NULL;
	int changes = -1;           /* 0 staged, 1 previous commit unknown */
	if (gs == 0 && src && opt.update && preload_wait(&pl, prev) == 0)
		changes = compile_changes_read(&stage, &co, src, prev, &d);
	if (plthread)
		pthread_join(plth, NULL);
	w = pl.w;
	if (gs < 0) {
		print_line(PROG ": ", err);     /* names a ref, a path */
		goto done;
	}
	if (pl.open_rc < 0) {
		fail_db(db, pl.err);
		goto done;
	}
	int full = 1;
	if (opt.update) {
		int lp = pl.load_rc;
		memcpy(prev, pl.prev, sizeof(prev));
		if (lp < 0) {
			fail_db(db, pl.err);
			goto done;
		}
		if (lp == 0) {
			/* staged above: lp == 0 means the preload had the commit */
			full = changes == 1;
			if (stage) {
				compile_changes_apply(stage, w, &d);
				stage = NULL;
			}
			if (full) {
				/* The old commit is unknown here (another clone, or
				 * history rewritten), so deleted files cannot be told
				 * apart: start from an empty index and compile it all. */
				if (!opt.quiet)
					fprintf(stderr, PROG ": %s: previous commit %.12s not "
					        "in this repository; compiling everything\n",
					        opt.repo, prev);
				writer *fresh = NULL;
				if (writer_open(&fresh, db, err, sizeof(err)) < 0) {
					fail_db(db, err);
					goto done;
				}
				/* the crates index is not the advisories' to lose */
				writer_crates_move(fresh, w);
				writer_close(w);
				w = fresh;
			}
		}
	}
	if (full && src)
		compile_full(&co, src, w, &d);
	char (*slines)[256] = NULL;
	if (opt.src.n && (slines = calloc(opt.src.n, sizeof(*slines))) == NULL)
		diag_add(&d, DIAG_ERROR, db, 0, "out of memory");
	else if (opt.src.n)
		(void)srcopt_run(&opt.src, w, opt.keep_going, &beat, &d, slines);
	cratesrc_stats cst;
	if (opt.crates && cratesrc_read(w, opt.crates, opt.crates_ref,
	                                opt.update, opt.strict, &d, &cst, &beat,
	                                err, sizeof(err)) < 0)
		diag_add(&d, DIAG_ERROR, opt.crates, 0, "%s", err);
	watchdog_stop();
	for (size_t i = 0; slines && !opt.quiet && i < opt.src.n; i++)
		if (slines[i][0])
			fprintf(stderr, PROG ": %s\n", slines[i]);
	free(slines);
	if (opt.history && writer_set_history(w, 1) < 0)
		diag_add(&d, DIAG_ERROR, db, 0, "cannot record --history");
	print_diags(&d);
	if (d.errors) {
		fprintf(stderr, PROG ": %zu error%s, %zu warning%s, %.0f ms; %s "
		        "left unchanged\n", d.errors, d.errors == 1 ? "" : "s",
		        d.warnings, d.warnings == 1 ? "" : "s", now_ms() - t0,
		        db);
		goto done;
	}
	if (src && writer_set_source(w, SOURCE, gitsrc_commit(src),
	                             gitsrc_commit_time(src)) < 0) {
		fprintf(stderr, PROG ": %s: cannot record the source commit\n", db);
		goto done;
	}
	/* An offset git allows but no RFC 3339 time holds is left out. */
	if (src)
		(void)writer_set_source_tz(w, SOURCE, gitsrc_commit_tz(src));
	if (plan.signer)
		writer_set_signature(w, sign_plan_run, &plan);
	if (writer_commit(w, &st, err, sizeof(err)) < 0) {
		fail_db(db, err);
		goto done;
	}
	code = EXIT_OK;
	if (!opt.quiet)
		fprintf(stderr, PROG ": %zu advisories, %zu packages, %zu "
		        "warning%s, %llu KiB, %.0f ms -> %s\n", st.advisories,
		        st.packages, d.warnings, d.warnings == 1 ? "" : "s",
		        (unsigned long long)((st.db_bytes + 1023) / 1024),
		        now_ms() - t0, db);
	if (opt.crates && !opt.quiet)
		fprintf(stderr, PROG ": crates index %s %.12s: %s%zu files read, "
		        "%zu crates, %llu versions (%llu yanked), %llu malformed "
		        "lines, %llu bad files\n", cst.git ? "commit" : "folder",
		        cst.commit, cst.incremental ? "changed since the previous: "
		        : "", cst.files, cst.crates,
		        (unsigned long long)cst.versions,
		        (unsigned long long)cst.yanked,
		        (unsigned long long)cst.bad_lines,
		        (unsigned long long)cst.bad_files);
	print_signature(&opt, &plan, st.signature, db);
done:
	watchdog_stop();
	compile_stage_free(stage);
	writer_close(w);
	gitsrc_close(src);
	git_libgit2_shutdown();
	diag_free(&d);
	signer_free(plan.signer);
	return code;
}
