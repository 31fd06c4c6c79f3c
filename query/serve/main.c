/*
 * main.c — advdb-serve's command line, signals and lifetime. Everything
 * else has its own file: api.c answers, http.c speaks HTTP, reload.c
 * swaps index generations, gen.c loads one.
 *
 * Start-up fails (exit 2, with a message) when the index cannot be
 * served or the address cannot be listened on; once listening, it
 * prints "listening on http://ADDR:PORT" on stdout (the address bound,
 * so `--listen 127.0.0.1:0` tells which free port it got) and serves
 * until SIGTERM or SIGINT (exit 0). SIGHUP loads the index again now,
 * whether or not the file changed. Signals are taken by this thread
 * alone (sigwait); the workers and the watcher never see them.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advdb.h"
#include "jsonmem.h"
#include "cli.h"
#include "guard.h"
#include "http.h"
#include "reload.h"
#include "session.h"
#include "stdfds.h"
#include "trust.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"

static void usage(FILE *f)
{
	fputs(
"usage: advdb-serve [-d DB] [--listen ADDR:PORT] [--threads N]\n"
"                   [--trust-key PUB] [--allow-incomplete]\n"
"\n"
"Answers the OSV API v1 (POST /v1/query, POST /v1/querybatch,\n"
"GET /v1/vulns/ID) from an advdb index, plus GET /v1/info and\n"
"GET /healthz; serves a replaced index file within a second.\n"
"\n"
"options:\n"
"  -d, --db DB            the index (default: $ADVDB_DB, else\n"
"                         $XDG_DATA_HOME/advdb/advdb.lmdb or\n"
"                         ~/.local/share/advdb/advdb.lmdb)\n"
"  -l, --listen ADDR:PORT where to listen (default " DEFAULT_LISTEN ";\n"
"                         [ADDR]:PORT for IPv6; port 0: any free one)\n"
"  -t, --threads N        worker threads (default: one per core)\n"
"      --trust-key PUB    serve only an index signed with this minisign\n"
"                         public key, checked at every load (default:\n"
"                         $ADVDB_TRUST_KEY); a replacement that fails is\n"
"                         not served and the old index stays\n"
"      --allow-incomplete serve an index that skipped advisories at\n"
"                         compile time (advdb-compile --keep-going)\n"
"  -h, --help             this text\n"
"  -V, --version          the version\n"
"\n"
"signals: SIGTERM or SIGINT stop it (exit 0); SIGHUP loads the index\n"
"again. exit status 2: the index or the address could not be used.\n",
	      f);
}

enum { OPT_TRUST_KEY = 256, OPT_ALLOW_INCOMPLETE };

static const struct option longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "listen", required_argument, NULL, 'l' },
	{ "threads", required_argument, NULL, 't' },
	{ "trust-key", required_argument, NULL, OPT_TRUST_KEY },
	{ "allow-incomplete", no_argument, NULL, OPT_ALLOW_INCOMPLETE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int usage_error(const char *fmt, const char *arg)
{
	return cli_usage_error(usage, fmt, arg);
}

int main(int argc, char **argv)
{
	cli_opts o;             /* for trust_choose: where the key came from */
	const char *db = NULL, *listen = DEFAULT_LISTEN, *trust = NULL;
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	int allow_incomplete = 0, c;
	char path[4096], err[1024];

	cli_set_program("advdb-serve");
	if (stdfds_open() < 0)
		return EXIT_ERROR;
	guard_install();        /* an index overwritten in place: exit 2 */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:l:t:hV", longopts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 't':
			errno = 0;
			threads = strtol(optarg, &end, 10);
			if (errno || !*optarg || *end || threads < 1 ||
			    threads > HTTP_THREADS_MAX)
				return usage_error("--threads %s: expected 1..64",
				                   optarg);
			break;
		case OPT_TRUST_KEY:
			trust = optarg;
			break;
		case OPT_ALLOW_INCOMPLETE:
			allow_incomplete = 1;
			break;
		default:        /* -h, -V, a missing value, a bad option */
			return cli_getopt_end(c, argv, usage);
		}
	}
	if (optind < argc)
		return usage_error("unexpected operand '%s'", argv[optind]);
	if (threads < 1)
		threads = 1;
	if (threads > HTTP_THREADS_MAX)
		threads = HTTP_THREADS_MAX;
	if (!(db = session_db_path(db, path, sizeof(path))))
		return EXIT_ERROR;
	memset(&o, 0, sizeof(o));
	trust_choose(&o, trust, NULL);

	/* Every thread made from here on inherits this mask: only sigwait
	 * below takes these signals. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);       /* a client gone mid-answer */
	jsonmem_install();

	reload r;
	gen_source src = { db, o.trust_key, o.trust_from, allow_incomplete };
	if (reload_init(&r, &src, err, sizeof(err)) < 0) {
		if (err[0])
			cli_error("%s", err);
		return EXIT_ERROR;
	}
	http_server *h = NULL;
	if (http_start(&h, &r, listen, (unsigned)threads, HTTP_TIMEOUT_S, err,
	               sizeof(err)) < 0) {
		cli_error("%s", err);
		reload_fini(&r);
		return EXIT_ERROR;
	}
	if (reload_watch(&r) < 0) {
		cli_error("cannot start the index watcher: %s", strerror(errno));
		http_stop(h);
		reload_fini(&r);
		return EXIT_ERROR;
	}
	serve_gen *g = reload_acquire(&r);
	cli_note("serving %s (generation 1: %llu advisories%s) with %ld "
	         "threads", db, (unsigned long long)g->s.info.advisory_count,
	         g->s.sig ? ", signature verified" : "", threads);
	gen_release(g);
	printf("listening on http://%s\n", http_bound(h));
	if (fflush(stdout) != 0)
		cli_warn("cannot write the address to stdout");

	int sig = 0;
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			cli_note("SIGHUP: loading %s again", db);
			reload_poke(&r);
			continue;
		}
		break;
	}
	cli_note("stopping (signal %d)", sig);
	http_stop(h);
	reload_fini(&r);
	return EXIT_CLEAN;
}
