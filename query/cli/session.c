/*
 * session.c — opening the index for a command (see session.h). Every way
 * the index can fail to open is EXIT_ERROR with libadvdb's message, never
 * a finding.
 */
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "dbpath.h"
#include "json.h"
#include "guard.h"
#include "rcache.h"
#include "trust.h"

const char *kind_name(advdb_kind k)
{
	switch (k) {
	case ADVDB_KIND_VULNERABILITY: return "vulnerability";
	case ADVDB_KIND_UNMAINTAINED: return "unmaintained";
	case ADVDB_KIND_UNSOUND: return "unsound";
	case ADVDB_KIND_NOTICE: return "notice";
	default: return "other";
	}
}

const char *severity_name(advdb_severity s)
{
	switch (s) {
	case ADVDB_SEV_LOW: return "low";
	case ADVDB_SEV_MEDIUM: return "medium";
	case ADVDB_SEV_HIGH: return "high";
	case ADVDB_SEV_CRITICAL: return "critical";
	default: return "none";
	}
}

static int add_ignored(session *s, const char *id)
{
	if (strlen(id) >= ADVDB_ID_MAX)
		return 0;               /* no id is that long: matches nothing */
	for (size_t i = 0; i < s->nignored; i++)
		if (strcmp(s->ignored[i], id) == 0)
			return 0;
	memcpy(s->ignored[s->nignored++], id, strlen(id) + 1);
	return 0;
}

/* Each --ignore counts as itself and, when it names an advisory or an
 * alias of one, as that advisory's id. */
static int resolve_ignores(session *s, const cli_opts *o)
{
	if (!o->nignore)
		return 0;
	s->ignored = calloc(o->nignore * 2, sizeof(*s->ignored));
	if (!s->ignored) {
		cli_error("out of memory");
		return -1;
	}
	for (size_t i = 0; i < o->nignore; i++) {
		advdb_advisory *a = NULL;
		add_ignored(s, o->ignore[i]);
		int rc = advdb_advisory_get(&a, s->db, o->ignore[i]);
		if (rc == ADVDB_OK) {
			const char *id = advdb_advisory_field(a, ADVDB_F_ID);
			if (id)
				add_ignored(s, id);
			advdb_advisory_free(a);
		} else if (rc == ADVDB_ENOTFOUND) {
			cli_warn("--ignore %s: no such advisory or alias in the "
			         "index", o->ignore[i]);
		} else {
			cli_error("--ignore %s: %s", o->ignore[i],
			          advdb_last_error(s->db));
			return -1;
		}
	}
	return 0;
}

/* cargo-audit's database path (-d, [database] path) names its clone of
 * advisory-db; here it names the index compiled from one. */
static void db_hint(const char *p, int rc)
{
	if (config_is_git_repo(p))
		cli_error("%s is a git repository (an advisory-db clone, as "
		          "cargo-audit reads), not an advdb index: compile it "
		          "once with `advdb-compile -o INDEX %s` and name INDEX "
		          "with -d or [database] path", p, p);
	else if (rc == ADVDB_ENOTFOUND && p[0] == '~')
		cli_error("%s: `~` is not expanded (cargo-audit does not expand "
		          "it either): write the home folder out", p);
}

/* --max-age (by default CLI_STALE_DAYS for the commands that audit):
 * is the source commit at most that old? Warns when not. A date ahead
 * of the clock would pass any --max-age: it is not fresh but unknown,
 * so it fails the strict check too. */
static int fresh_enough(const advdb_info *in, const cli_opts *o)
{
	int64_t days;

	switch (session_source_age(in, &days)) {
	case SOURCE_UNKNOWN:
		cli_warn("the index does not record its source's commit time, "
		         "so its age (--max-age %ld) is not known", o->max_age_days);
		return 0;
	case SOURCE_FUTURE:
		session_warn_future(days);
		return 0;
	default:
		if (days <= o->max_age_days)
			return 1;
		cli_warn("the advisories are %lld days old (more than %ld: %s); "
		         "compile a newer advisory-db, or --stale to accept it",
		         (long long)days, o->max_age_days,
		         o->max_age_days == CLI_STALE_DAYS ? "a stale index"
		                                          : "--max-age");
		return 0;
	}
}

const char *session_db_path(const char *given, char *buf, size_t cap)
{
	if (given)
		return given;
	if (dbpath_default(buf, cap) < 0) {
		cli_error("no index given: use -d DB or set ADVDB_DB (HOME is not "
		          "set either)");
		return NULL;
	}
	return buf;
}

int session_open(session *s, const cli_opts *o, int with_cache)
{
	char path[4096], err[512];
	const char *p;
	int rc;

	memset(s, 0, sizeof(*s));
	s->opts = o;
	advdb_query_init(&s->q, ADVDB_QUERY_VERSION);
	advdb_info_init(&s->info, ADVDB_INFO_VERSION);
	/* one look-up per package holds one os and one arch; longer lists
	 * are scope.c's */
	s->q.os = o->nos == 1 ? o->os[0] : NULL;
	s->q.arch = o->narch == 1 ? o->arch[0] : NULL;
	if (!(p = session_db_path(o->db_path, path, sizeof(path))))
		return EXIT_ERROR;
	err[0] = '\0';
	guard_index_path(p);
	rc = trust_open(&s->db, &s->sig, o, p, err, sizeof(err));
	if (rc != ADVDB_OK) {
		cli_error("%s%s%s", o->db_origin ? o->db_origin : "",
		          o->db_origin ? ": [database] path: " : "",
		          err[0] ? err : advdb_strerror(rc));
		db_hint(p, rc);
		s->db = NULL;
		return EXIT_ERROR;
	}
	if (!(s->path = strdup(p))) {
		cli_error("out of memory");
		goto fail;
	}
	rc = advdb_info_get(&s->info, s->db);
	if (rc != ADVDB_OK) {
		cli_error("%s: %s", p, advdb_last_error(s->db));
		goto fail;
	}
	if (resolve_ignores(s, o) < 0)
		goto fail;
	if (o->max_age_days >= 0 && !fresh_enough(&s->info, o) &&
	    o->max_age_strict)
		goto fail;
	if (with_cache &&
	    (dcache_new(&s->cache, s->db, &s->q,
	                with_cache == SESSION_DECISIONS ? SESSION_DECISIONS_MAX
	                                                : SESSION_CACHE_MAX,
	                with_cache == SESSION_DECISIONS ? SESSION_DECISIONS_BYTES
	                                                : SESSION_CACHE_BYTES)
	         != ADVDB_OK ||
	     (with_cache == SESSION_CACHE && rcache_new(&s->rcache) < 0))) {
		cli_error("out of memory");
		goto fail;
	}
	return EXIT_CLEAN;
fail:
	session_close(s);
	return EXIT_ERROR;
}

void session_close(session *s)
{
	dcache_free(s->cache);
	rcache_free(s->rcache);
	free(s->ignored);
	free(s->sig);
	free(s->path);
	if (s->db)
		advdb_close(s->db);
	memset(s, 0, sizeof(*s));
}

int session_incomplete(const session *s)
{
	return s->info.skipped_count && !s->opts->allow_incomplete;
}

int session_warn_incomplete(const session *s)
{
	uint64_t n = s->info.skipped_count;

	if (n)
		cli_warn("the index is incomplete: %llu advisor%s skipped at "
		         "compile time for errors (advdb-compile --keep-going); a "
		         "package may read as clean only because its advisory is "
		         "missing: `advdb-query info` lists them%s",
		         (unsigned long long)n, n == 1 ? "y was" : "ies were",
		         s->opts->allow_incomplete ? "" : " (an error: exit 2; "
		         "--allow-incomplete to accept it)");
	return session_incomplete(s);
}

void session_json_incomplete(struct json *j, const session *s)
{
	if (!s->info.skipped_count)
		return;
	json_key(j, "index_incomplete");
	json_obj_begin(j);
	json_key(j, "skipped");
	json_uint(j, s->info.skipped_count);
	json_obj_end(j);
}

void session_warn_future(int64_t days)
{
	cli_warn("the advisories' source commit is dated %lld %s in the "
	         "future: the clock or the repository is wrong",
	         (long long)days, days == 1 ? "day" : "days");
}

int session_crates(session *s, const char *what)
{
	advdb_crates_info ci = ADVDB_CRATES_INFO_INIT;
	int yanked = !strcmp(what, "yanked");

	s->crates = 0;
	if (yanked && s->opts->no_yanked)
		return EXIT_CLEAN;
	int rc = advdb_crates_info_get(&ci, s->db);
	if (rc == ADVDB_OK) {
		s->crates = 1;
		return EXIT_CLEAN;
	}
	if (rc != ADVDB_ENOTFOUND) {
		cli_error("%s", advdb_last_error(s->db));
		return EXIT_ERROR;
	}
	if (yanked && s->opts->deny_yanked) {
		cli_error("--deny yanked: the index has no crates.io index to "
		          "check against; compile one in with advdb-compile "
		          "--crates-index PATH (a crates.io-index mirror)");
		return EXIT_ERROR;
	}
	if (!s->opts->json)
		cli_warn("no %s check: the index has no crates.io index "
		         "(advdb-compile --crates-index PATH adds one%s)", what,
		         yanked ? "; --no-yanked silences this" : "");
	return EXIT_CLEAN;
}

source_age session_source_age(const advdb_info *in, int64_t *days)
{
	return session_time_age(in->source_time, days);
}

source_age session_time_age(int64_t t, int64_t *days)
{
	int64_t now = (int64_t)time(NULL);

	*days = 0;
	if (t <= 0)
		return SOURCE_UNKNOWN;
	if (t - now > SESSION_SKEW_MAX) {
		*days = (t - now + 86399) / 86400;
		return SOURCE_FUTURE;
	}
	*days = t > now ? 0 : (now - t) / 86400;
	return SOURCE_PAST;
}

int session_ignored(const session *s, const char *id)
{
	for (size_t i = 0; i < s->nignored; i++)
		if (strcmp(s->ignored[i], id) == 0)
			return 1;
	return 0;
}
