/*
 * reload.c — the current generation and its watcher (see reload.h).
 */
#include "reload.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int reload_init(reload *r, const gen_source *src, char *err, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->src = *src;
	pthread_mutex_init(&r->mu, NULL);
	pthread_mutex_init(&r->stop_mu, NULL);
	/* a monotonic sleep: a clock set back must not stop the watcher */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->stop_cv, &ca);
	pthread_condattr_destroy(&ca);
	r->serial = 1;
	if (gen_load(&r->cur, &r->src, r->serial, err, cap) < 0)
		return -1;
	return 0;
}

serve_gen *reload_acquire(reload *r)
{
	serve_gen *g;

	pthread_mutex_lock(&r->mu);
	g = r->cur;
	gen_hold(g);
	pthread_mutex_unlock(&r->mu);
	return g;
}

static void describe(char *out, size_t cap, const serve_gen *g)
{
	const advdb_info *in = &g->s.info;

	snprintf(out, cap, "commit %.12s, digest %.16s, %" PRIu64
	         " advisories%s", in->source_commit[0] ? in->source_commit
	         : "unknown", in->digest, in->advisory_count,
	         g->s.sig ? ", signature verified" : "");
}

int reload_check(reload *r, int force)
{
	gen_ident id, sig;
	serve_gen *cur, *next = NULL, *old;
	char err[1024], what[256];
	unsigned long serial;

	gen_ident_now(&id, &sig, &r->src);
	pthread_mutex_lock(&r->mu);
	cur = r->cur;
	int same = gen_ident_same(&id, &cur->ident) &&
	           gen_ident_same(&sig, &cur->sig_ident);
	int known_bad = r->have_bad && gen_ident_same(&id, &r->bad) &&
	                gen_ident_same(&sig, &r->bad_sig);
	serial = r->serial + 1;
	pthread_mutex_unlock(&r->mu);
	if (!force && (same || known_bad))
		return 0;
	if (!id.exists) {
		cli_error("%s: the index file is gone; still serving generation "
		          "%lu", r->src.path, cur->serial);
		goto refused;
	}
	/* Loading happens here, beside the current generation; requests go
	 * on meanwhile. Only one thread checks (the watcher; SIGHUP pokes
	 * it), so cur cannot be dropped by anyone else while in use here. */
	if (gen_load(&next, &r->src, serial, err, sizeof(err)) < 0) {
		if (err[0])
			cli_error("%s", err);
		describe(what, sizeof(what), cur);
		cli_error("%s: the new file is not served; still serving "
		          "generation %lu (%s)", r->src.path, cur->serial, what);
		goto refused;
	}
	pthread_mutex_lock(&r->mu);
	old = r->cur;
	r->cur = next;
	r->serial = serial;
	r->have_bad = 0;
	pthread_mutex_unlock(&r->mu);
	describe(what, sizeof(what), next);
	cli_note("serving generation %lu of %s (%s)", serial, r->src.path,
	         what);
	gen_release(old);
	return 1;
refused:
	pthread_mutex_lock(&r->mu);
	r->bad = id;
	r->bad_sig = sig;
	r->have_bad = 1;
	r->failures++;
	pthread_mutex_unlock(&r->mu);
	return -1;
}

static void *watch(void *arg)
{
	reload *r = arg;

	pthread_mutex_lock(&r->stop_mu);
	while (!r->stop) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_nsec += (long)RELOAD_POLL_MS * 1000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		while (!r->stop && !r->force &&
		       pthread_cond_timedwait(&r->stop_cv, &r->stop_mu, &t) == 0)
			;
		if (r->stop)
			break;
		int force = r->force;
		r->force = 0;
		pthread_mutex_unlock(&r->stop_mu);
		reload_check(r, force);
		pthread_mutex_lock(&r->stop_mu);
	}
	pthread_mutex_unlock(&r->stop_mu);
	return NULL;
}

int reload_watch(reload *r)
{
	int e = pthread_create(&r->watcher, NULL, watch, r);

	if (e) {
		errno = e;
		return -1;
	}
	r->watching = 1;
	return 0;
}

void reload_poke(reload *r)
{
	pthread_mutex_lock(&r->stop_mu);
	r->force = 1;
	pthread_cond_signal(&r->stop_cv);
	pthread_mutex_unlock(&r->stop_mu);
}

void reload_counts(reload *r, unsigned long *generations,
                   unsigned long *failures)
{
	pthread_mutex_lock(&r->mu);
	*generations = r->serial;
	*failures = r->failures;
	pthread_mutex_unlock(&r->mu);
}

void reload_fini(reload *r)
{
	if (r->watching) {
		pthread_mutex_lock(&r->stop_mu);
		r->stop = 1;
		pthread_cond_signal(&r->stop_cv);
		pthread_mutex_unlock(&r->stop_mu);
		pthread_join(r->watcher, NULL);
		r->watching = 0;
	}
	gen_release(r->cur);
	r->cur = NULL;
	pthread_mutex_destroy(&r->mu);
	pthread_mutex_destroy(&r->stop_mu);
	pthread_cond_destroy(&r->stop_cv);
}
