/*
 * fuzz_serve_gen.h — the sample index of fuzz_index.h loaded once as one
 * advdb-serve generation (gen.h), for the targets that answer requests
 * with it (fuzz_serve, fuzz_serve_fast). Like fuzz_index.h: static
 * functions and state set once, then only read, because the replay test
 * includes every target into one translation unit.
 */
#ifndef ADVDB_FUZZ_SERVE_GEN_H
#define ADVDB_FUZZ_SERVE_GEN_H

#include <string.h>

#include "api.h"
#include "fuzz.h"
#include "fuzz_index.h"
#include "gen.h"

static serve_gen *fuzz_serve_gen_;
static int fuzz_serve_gen_state_;   /* 0 not tried, 1 ready, -1 failed */

static inline void fuzz_serve_gen_cleanup(void)
{
	gen_release(fuzz_serve_gen_);
	fuzz_serve_gen_ = NULL;
}

/* The generation, or NULL when the sample index cannot be built. */
static inline serve_gen *fuzz_serve_gen(void)
{
	char err[512];
	const char *path;

	if (fuzz_serve_gen_state_ == 0) {
		fuzz_serve_gen_state_ = -1;
		gen_source src = { NULL, NULL, NULL, 0 };
		if ((path = fuzz_index_path()) != NULL) {
			src.path = path;
			if (gen_load(&fuzz_serve_gen_, &src, 1, err, sizeof err) == 0) {
				fuzz_serve_gen_state_ = 1;
				atexit(fuzz_serve_gen_cleanup);
			} else {
				fprintf(stderr, "fuzz: serve generation: %s\n", err);
			}
		}
	}
	return fuzz_serve_gen_state_ == 1 ? fuzz_serve_gen_ : NULL;
}

/* Check that two replies are the same status and body byte for byte, and
 * free both; what says which two (shown with both, cut at 300 bytes, when
 * they differ). */
static inline void fuzz_same_reply(serve_reply *a, serve_reply *b,
                                   const char *what)
{
	FUZZ_CHECK(a->status == b->status && a->body.len == b->body.len &&
	           memcmp(a->body.p, b->body.p, a->body.len) == 0,
	           "%s: (%u, %.*s) against (%u, %.*s)", what, a->status,
	           (int)(a->body.len < 300 ? a->body.len : 300),
	           a->body.p ? a->body.p : "", b->status,
	           (int)(b->body.len < 300 ? b->body.len : 300),
	           b->body.p ? b->body.p : "");
	serve_reply_free(a);
	serve_reply_free(b);
}

#endif
