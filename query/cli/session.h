/*
 * session.h — one run's read-only context over an open index: the handle,
 * the lookup scope (--os/--arch), the --ignore list resolved to advisory
 * ids, the index's info, and (for scans) the decision cache.
 *
 * Invariant: after session_open() nothing in a session changes until
 * session_close(), so scan workers share one without locking (the handle
 * and the cache are thread-safe themselves).
 */
#ifndef ADVDB_CLI_SESSION_H
#define ADVDB_CLI_SESSION_H

#include <stddef.h>
#include "advdb.h"
#include "buf.h"
#include "cache.h"
#include "cli.h"

typedef struct session {
	const cli_opts *opts;
	advdb *db;
	advdb_query q;
	advdb_info info;
	char (*ignored)[ADVDB_ID_MAX];  /* ids given and ids they resolve to */
	size_t nignored;
	dcache *cache;                  /* NULL unless asked for */
	struct rcache *rcache;          /* rendered advisories (JSON or text,
	                                   as opts->json says); NULL unless
	                                   a cache was asked for */
	struct sarif_run *sarif;        /* --format sarif: the run's rules
	                                   and notifications (sarif.h; set by
	                                   the command, thread-safe) */
	advdb_signature *sig;           /* who signed the index, verified
	                                   (--trust-key); NULL without a key */
	char *path;                     /* the index's path */
	int crates;                     /* use the crates.io index: yanked
	                                   versions (scan, bin: unless
	                                   --no-yanked) and latest ones
	                                   (reqs); session_crates */
} session;

/* with_cache values for session_open. */
enum {
	SESSION_NO_CACHE = 0,
	SESSION_CACHE = 1,          /* decisions and rendered advisories (scan) */
	SESSION_DECISIONS = 2       /* decisions only, at most
	                               SESSION_DECISIONS_MAX of them (advdb-serve:
	                               memory stays bounded whatever the clients
	                               send; batch keeps whole answers instead,
	                               cache.h's answer cache) */
};
#define SESSION_DECISIONS_MAX (1u << 16)
#define SESSION_DECISIONS_BYTES ((size_t)16 << 20)
#define SESSION_CACHE_MAX (4u << 20)            /* scan: decisions */
#define SESSION_CACHE_BYTES ((size_t)256 << 20)

/* The index's path: given (-d), else the default one (dbpath.h) written
 * into buf; NULL, with the message printed, when there is neither. */
const char *session_db_path(const char *given, char *buf, size_t cap);

/* Open the index named by o (-d, else the default path; verified first
 * when o->trust_key is set, trust.h), read its info,
 * resolve --ignore, check --max-age; with_cache (above) makes a decision
 * cache and, for SESSION_CACHE, a rendered-advisory cache.
 * Prints its own errors. Returns EXIT_CLEAN or EXIT_ERROR. */
int session_open(session *s, const cli_opts *o, int with_cache);
void session_close(session *s);

/* After session_open, for the checks that need a crates.io index
 * (what: "yanked" for scan and bin, "outdated" for reqs): turn s->crates
 * on when the index has one (and, for yanked, --no-yanked was not
 * given). Without one, says once on stderr how to add one (not with
 * --json); --deny yanked is then an error (it cannot be checked):
 * EXIT_ERROR. Else EXIT_CLEAN. */
int session_crates(session *s, const char *what);

/* An index compiled with --keep-going that skipped advisories is
 * incomplete: a package may read as clean only because its advisory is
 * missing. Commands that answer from the index (check, scan, batch, reqs,
 * export-osv) say so once on stderr with this call (nothing when the
 * index is complete), and in their JSON with session_json_incomplete():
 * the member "index_incomplete": {"skipped": N}, only when N > 0. */
/* Returns 1 when the incompleteness fails the run (exit 2, and the
 * human summary never says "ok"): always, unless --allow-incomplete. */
int session_warn_incomplete(const session *s);
int session_incomplete(const session *s);
struct json;
void session_json_incomplete(struct json *j, const session *s);
/* The age of the index's source commit against this machine's clock.
 * A commit up to SESSION_SKEW_MAX seconds ahead is clock skew (age 0);
 * further ahead it is suspicious (a wrong clock, or a forged date that
 * would pass any --max-age): SOURCE_FUTURE with *days how far ahead. */
#define SESSION_SKEW_MAX 86400
typedef enum source_age {
	SOURCE_UNKNOWN,             /* the index records no commit time */
	SOURCE_PAST,                /* *days whole days ago (>= 0) */
	SOURCE_FUTURE               /* *days whole days ahead (>= 1) */
} source_age;
source_age session_source_age(const advdb_info *in, int64_t *days);
/* The same for any commit time t (the crates index's). */
source_age session_time_age(int64_t t, int64_t *days);
/* The warning for a SOURCE_FUTURE age. */
void session_warn_future(int64_t days);

/* `info --json`'s object for the session's index, with a newline
 * (info.c; advdb-serve's /v1/info carries it too). Returns ADVDB_OK, or
 * a libadvdb error when the skipped list cannot be read. */
int info_json(buf *out, const session *s);

/* Is this advisory id ignored? */
int session_ignored(const session *s, const char *id);

/* Lower-case names of advdb_kind and advdb_severity. */
const char *kind_name(advdb_kind k);
const char *severity_name(advdb_severity s);

#endif
