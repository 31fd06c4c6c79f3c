/*
 * reader_loop.c — a libadvdb reader for the crash-safety tests: asks one
 * question over and over while something else replaces the index.
 *
 *   reader_loop [--keep | --trust-key PUB] DB NAME VERSION SECONDS STOPFILE
 *
 * Each round opens DB (or, with --keep, reuses the handle opened at the
 * start), looks NAME@VERSION up, fetches every matching advisory (so the
 * compressed records are read too), and closes. The answer of a round is
 * its match ids joined by ','. It stops when STOPFILE exists or after
 * SECONDS. With --trust-key each round opens DB with
 * advdb_open_verified() and that key instead. Output, one line each: "rounds N", "errors N", then
 * "answer COUNT IDS" per distinct answer (IDS "-" for none), and the first
 * error's message. Exit: 0 no round failed, 1 some did, 2 usage.
 *
 * The property under test: a reader sees the old index or the new one,
 * whole, never an error, however the rename falls between its calls
 * (and, verifying, never a refusal while an index and its signature are
 * replaced one after the other).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "advdb.h"

#define ANSWERS_MAX 16
#define MATCH_MAX 64

typedef struct answer {
	char ids[MATCH_MAX * ADVDB_ID_MAX];
	unsigned long count;
} answer;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One round on db: the answer's ids into out. Returns 0, or an advdb
 * error with the message in msg. */
static int ask(char *out, size_t cap, advdb *db, const char *name,
               const char *version, char *msg, size_t msgcap)
{
	advdb_match m[MATCH_MAX];
	size_t n = 0, len = 0;
	int rc = advdb_lookup(m, MATCH_MAX, &n, db, name, version, NULL);

	if (rc != ADVDB_OK) {
		snprintf(msg, msgcap, "lookup: %s: %.500s", advdb_strerror(rc),
		         advdb_last_error(db));
		return rc;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		advdb_advisory *a = NULL;
		rc = advdb_advisory_get(&a, db, m[i].id);
		if (rc != ADVDB_OK) {
			snprintf(msg, msgcap, "advisory %.63s: %s: %.400s", m[i].id,
			         advdb_strerror(rc), advdb_last_error(db));
			return rc;
		}
		const char *id = advdb_advisory_field(a, ADVDB_F_ID);
		int same = id && strcmp(id, m[i].id) == 0;
		advdb_advisory_free(a);
		if (!same) {
			snprintf(msg, msgcap, "advisory %.63s: record has another id",
			         m[i].id);
			return ADVDB_ECORRUPT;
		}
		int w = snprintf(out + len, cap - len, "%s%s", i ? "," : "",
		                 m[i].id);
		if (w < 0 || (size_t)w >= cap - len)
			return snprintf(msg, msgcap, "answer too long"), ADVDB_ERROR;
		len += (size_t)w;
	}
	if (len == 0)
		snprintf(out, cap, "-");
	return ADVDB_OK;
}

static void tally(answer *v, size_t *nv, const char *ids)
{
	for (size_t i = 0; i < *nv; i++)
		if (strcmp(v[i].ids, ids) == 0) {
			v[i].count++;
			return;
		}
	if (*nv < ANSWERS_MAX) {
		snprintf(v[*nv].ids, sizeof(v[*nv].ids), "%s", ids);
		v[(*nv)++].count = 1;
	}
}

int main(int argc, char **argv)
{
	static answer seen[ANSWERS_MAX];
	static char ids[MATCH_MAX * ADVDB_ID_MAX];
	char msg[600], first[600] = "";
	size_t nseen = 0;
	unsigned long rounds = 0, errors = 0;
	advdb *kept = NULL;
	advdb_key *key = NULL;
	int keep = argc > 1 && strcmp(argv[1], "--keep") == 0;
	struct stat st;

	if (argc > 2 && strcmp(argv[1], "--trust-key") == 0) {
		if (advdb_key_load(&key, argv[2], msg, sizeof(msg)) != ADVDB_OK) {
			printf("rounds 0\nerrors 1\nerror %s\n", msg);
			return 1;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc - keep != 6) {
		fprintf(stderr, "usage: reader_loop [--keep | --trust-key PUB] DB "
		        "NAME VERSION SECONDS STOPFILE\n");
		return 2;
	}
	const char *path = argv[1 + keep], *name = argv[2 + keep],
	           *version = argv[3 + keep], *stop = argv[5 + keep];
	double until = now_s() + atof(argv[4 + keep]);

	if (keep && advdb_open(&kept, path, 0, msg, sizeof(msg)) != ADVDB_OK) {
		printf("rounds 0\nerrors 1\nerror %s\n", msg);
		return 1;
	}
	while (now_s() < until && stat(stop, &st) != 0) {
		advdb *db = kept;
		int rc = ADVDB_OK;
		rounds++;
		if (!db && key)
			rc = advdb_open_verified(&db, path, key, NULL, msg,
			                         sizeof(msg));
		else if (!db)
			rc = advdb_open(&db, path, 0, msg, sizeof(msg));
		if (rc == ADVDB_OK)
			rc = ask(ids, sizeof(ids), db, name, version, msg,
			         sizeof(msg));
		if (db != kept)
			advdb_close(db);
		if (rc != ADVDB_OK) {
			if (!errors++)
				snprintf(first, sizeof(first), "%s", msg);
			continue;
		}
		tally(seen, &nseen, ids);
	}
	advdb_close(kept);
	advdb_key_free(key);
	printf("rounds %lu\nerrors %lu\n", rounds, errors);
	for (size_t i = 0; i < nseen; i++)
		printf("answer %lu %s\n", seen[i].count, seen[i].ids);
	if (errors)
		printf("error %s\n", first);
	return errors ? 1 : 0;
}
