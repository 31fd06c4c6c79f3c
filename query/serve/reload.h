/*
 * reload.h — which generation of the index answers, and replacing it
 * without a gap when the file is replaced.
 *
 * A watcher thread looks at the index file (and, with a trusted key, its
 * signature file) every RELOAD_POLL_MS. When either is another file than
 * the one loaded (a recompile or `advdb-compile --install` renamed a new
 * one into place), it loads the new file as a new generation (gen.h) and
 * makes it current. A request takes a reference to the current
 * generation when it starts and drops it when it ends, so requests in
 * flight finish on the generation they started with, and the old one is
 * closed when its last request ends. No request ever waits for a load:
 * loading happens on the watcher thread, beside the old generation.
 *
 * A file that cannot be served (it does not open, fails verification
 * with the trusted key, is incomplete, or a record in it is damaged) is
 * logged and the old generation stays current; that file is not tried
 * again until it changes. A missing file is logged too, and the old
 * generation keeps answering.
 *
 * Why a mutex and not a bare atomic pointer: between reading the pointer
 * and counting its reference, the watcher could swap it and drop the
 * last reference; taking both under one short lock closes that window
 * (tens of nanoseconds per request, no lock held while answering).
 */
#ifndef ADVDB_SERVE_RELOAD_H
#define ADVDB_SERVE_RELOAD_H

#include <pthread.h>
#include <stdint.h>

#include "gen.h"

#define RELOAD_POLL_MS 250

typedef struct reload {
	gen_source src;
	pthread_mutex_t mu;         /* guards cur and the counters */
	serve_gen *cur;
	unsigned long serial;       /* the last generation's number */
	unsigned long failures;     /* files that could not be served */
	gen_ident bad, bad_sig;     /* the last file refused, not retried */
	int have_bad;
	pthread_t watcher;
	int watching;
	pthread_mutex_t stop_mu;    /* with stop_cv: the watcher's sleep */
	pthread_cond_t stop_cv;
	int stop, force;
} reload;

/* Load the first generation (an error when it cannot be served: err).
 * Returns 0 or -1. */
int reload_init(reload *r, const gen_source *src, char *err, size_t cap);

/* Start the watcher thread. Returns 0 or -1 (errno). */
int reload_watch(reload *r);

/* The current generation, with a reference the caller drops with
 * gen_release(). Never NULL after reload_init(). */
serve_gen *reload_acquire(reload *r);

/* Look at the files now and load a new generation if they changed
 * (force: even if they did not). Returns 1 when a new generation became
 * current, 0 when nothing changed, -1 when a changed file was refused.
 * The watcher calls this; so may a signal handler's thread (SIGHUP). */
int reload_check(reload *r, int force);

/* Ask the watcher for a check now (SIGHUP), without waiting for it. */
void reload_poke(reload *r);

/* Counters for /v1/info. */
void reload_counts(reload *r, unsigned long *generations,
                   unsigned long *failures);

/* Stop the watcher and drop the current generation. */
void reload_fini(reload *r);

#endif
