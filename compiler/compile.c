/*
 * compile.c — one compile run (compile.h): gitsrc slots -> advisory_parse
 * -> writer_add, problems into a diag list.
 *
 * Owns the per-file policy: what becomes an error, what a warning under
 * keep_going, and the order of work (path order; removals before
 * additions in an update). Holds no state of its own between calls.
 */
#include "compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"

#define ERR_MAX 1024

typedef struct run {
	const compile_opts *o;
	gitsrc *src;
	writer *w;
	diag_list *d;
} run;

static void tick(const run *r)
{
	if (r->o->beat)
		(*r->o->beat)++;
}

/* A problem with one file: an error, or under keep_going a warning and
 * the file recorded as skipped (id "" when unknown). */
static void problem(run *r, const char *path, const char *id,
                    const char *msg)
{
	size_t pl = strlen(path);

	/* Messages from the writer and gitsrc may already name the file. */
	if (strncmp(msg, path, pl) == 0 && msg[pl] == ':' && msg[pl + 1] == ' ')
		msg += pl + 2;
	diag_add(r->d, r->o->keep_going ? DIAG_WARNING : DIAG_ERROR, path, 0,
	         "%s", msg);
	if (r->o->keep_going && writer_skip(r->w, r->o->source, path, id, 0,
	                                    msg) < 0)
		diag_add(r->d, DIAG_ERROR, path, 0, "out of memory");
}

/*
 * Under keep_going the parser's errors for this file become warnings
 * (every entry added since (n0, e0) belongs to it, including the ones
 * the list could not keep, which are only counted), and the file is
 * recorded as skipped with its first error.
 */
static void skip_parsed(run *r, const char *path, const char *id,
                        size_t n0, size_t e0)
{
	const diag_entry *first = diag_first_error(r->d, n0);
	size_t nerr = r->d->errors - e0;

	if (writer_skip(r->w, r->o->source, path, id, first ? first->line : 0,
	                first ? first->text + first->msg
	                      : "invalid advisory (details not kept)") < 0) {
		diag_add(r->d, DIAG_ERROR, path, 0, "out of memory");
		return;
	}
	diag_demote(r->d, n0, e0);
	diag_add(r->d, DIAG_WARNING, path, 0, "skipped (%zu error%s)", nerr,
	         nerr == 1 ? "" : "s");
}

/* Parse one slot and add it to the index, dated `modified` (0: unknown). */
static void compile_entry(run *r, const gitsrc_entry *e, int64_t modified)
{
	char err[ERR_MAX], id[ADVISORY_ID_KEEP];
	char *text = NULL;
	size_t len = 0;
	advisory *a = NULL;

	if (e->bad && e->stray) {   /* same words as a warning or an error */
		snprintf(err, sizeof(err), "%s (rustsec skips it; its linter "
		         "refuses it)", e->bad);
		if (r->o->strict)
			problem(r, e->path, "", err);
		else
			diag_add(r->d, DIAG_WARNING, e->path, 0, "%s", err);
		return;
	}
	if (e->bad) {
		problem(r, e->path, "", e->bad);
		return;
	}
	tick(r);
	if (gitsrc_load(&text, &len, r->src, e, err, sizeof(err)) != 0) {
		problem(r, e->path, "", err);
		return;
	}
	size_t n0 = r->d->n, e0 = r->d->errors;
	int pr = advisory_parse_ex(&a, r->o->source, e->path, text, len,
	                           r->o->strict ? ADVISORY_STRICT : 0, id, r->d);
	if (pr < 0 && r->d->errors == e0)   /* defensive: never fail silently */
		diag_add(r->d, DIAG_ERROR, e->path, 0, "invalid advisory");
	if (pr < 0) {
		if (r->o->keep_going)
			skip_parsed(r, e->path, id, n0, e0);
	} else if (!advisory_unindexed(a)) {
		adv_record rec = *advisory_record(a);   /* shallow: a owns it */
		rec.modified = modified;
		if (writer_add(r->w, &rec, r->o->source, e->path, err,
		               sizeof(err)) < 0)
			problem(r, e->path, rec.id, err);
	}
	advisory_free(a);
	free(text);
}

/*
 * With history: when each of the n paths last changed (gitsrc_history),
 * in a new array. NULL without history, or after an error (then in d).
 */
static int64_t *dates(run *r, const char *const *paths, size_t n,
                      const char *since)
{
	char err[ERR_MAX];

	if (!r->o->history)
		return NULL;
	int64_t *t = calloc(n ? n : 1, sizeof(*t));
	tick(r);
	if (!t) {
		diag_add(r->d, DIAG_ERROR, r->o->label, 0, "out of memory");
		return NULL;
	}
	if (gitsrc_history(t, r->src, paths, n, since, err, sizeof(err)) < 0) {
		diag_add(r->d, DIAG_ERROR, r->o->label, 0, "%s", err);
		free(t);
		return NULL;
	}
	return t;
}

int compile_full(const compile_opts *o, gitsrc *src, writer *w,
                 diag_list *d)
{
	run r = { .o = o, .src = src, .w = w, .d = d };
	char err[ERR_MAX];
	size_t n;
	const gitsrc_entry *v;
	int64_t *t = NULL;

	if (gitsrc_list(&v, &n, src, err, sizeof(err)) < 0) {
		diag_add(d, DIAG_ERROR, o->label, 0, "%s", err);
		return 0;
	}
	tick(&r);
	if (o->history) {
		const char **paths = malloc((n ? n : 1) * sizeof(*paths));
		if (!paths) {
			diag_add(d, DIAG_ERROR, o->label, 0, "out of memory");
			return 0;
		}
		for (size_t i = 0; i < n; i++)
			paths[i] = v[i].path;
		t = dates(&r, paths, n, NULL);
		free(paths);
		if (!t)
			return 0;
	}
	for (size_t i = 0; i < n; i++)
		compile_entry(&r, &v[i], t ? t[i] : 0);
	free(t);
	return 0;
}

/* The changed paths plus the ones the previous index skipped, each
 * once, in a new array (*nextra: how many of them came from the skipped
 * list, at the end). NULL when out of memory. */
static char **with_skipped(run *r, char **paths, size_t n, size_t *total,
                           size_t *nextra)
{
	size_t pos = 0, m = 0;
	const char *p;

	while (writer_skipped_next(r->w, r->o->source, &pos))
		m++;
	char **all = malloc((n + m + 1) * sizeof(*all));
	if (!all)
		return NULL;
	if (n)
		memcpy(all, paths, n * sizeof(*all));
	*total = n;
	pos = 0;
	while ((p = writer_skipped_next(r->w, r->o->source, &pos)) != NULL) {
		int dup = 0;
		for (size_t i = 0; i < n && !dup; i++)
			dup = strcmp(paths[i], p) == 0;
		if (!dup && (all[*total] = strdup(p)) == NULL) {
			for (size_t i = n; i < *total; i++)
				free(all[i]);
			free(all);
			return NULL;
		}
		*total += !dup;
	}
	*nextra = *total - n;
	return all;
}

int compile_changes(const compile_opts *o, gitsrc *src, writer *w,
                    const char *prev, diag_list *d)
{
	run r = { .o = o, .src = src, .w = w, .d = d };
	char err[ERR_MAX];
	char **paths = NULL, **all = NULL;
	size_t n = 0, total = 0, extra = 0;

	int rc = gitsrc_diff(&paths, &n, src, prev, err, sizeof(err));
	if (rc == GITSRC_ENOTFOUND)
		return 1;
	tick(&r);
	if (rc < 0) {
		diag_add(d, DIAG_ERROR, o->label, 0, "%s", err);
		return 0;
	}
	if ((all = with_skipped(&r, paths, n, &total, &extra)) == NULL) {
		diag_add(d, DIAG_ERROR, o->label, 0, "out of memory");
		gitsrc_paths_free(paths, n);
		return 0;
	}
	for (size_t i = 0; i < total; i++)
		if (writer_remove(w, o->source, all[i]) < 0)
			diag_add(d, DIAG_ERROR, all[i], 0,
			         "cannot remove the previous record");
	/* Only commits since prev can have touched what changed since; a
	 * skipped file read again may be older than that. */
	int64_t *t = dates(&r, (const char *const *)all, n, prev);
	int64_t *t2 = extra ? dates(&r, (const char *const *)all + n, extra,
	                            NULL) : NULL;
	int dated = !o->history || (t && (t2 || !extra));
	for (size_t i = 0; i < total && dated; i++) {
		gitsrc_entry e;
		int lr = gitsrc_lookup(&e, src, all[i], err, sizeof(err));
		int64_t when = !o->history ? 0 : i < n ? t[i] : t2[i - n];
		if (lr > 0)
			compile_entry(&r, &e, when);
		else if (lr < 0)
			diag_add(d, DIAG_ERROR, all[i], 0, "%s", err);
	}
	free(t);
	free(t2);
	for (size_t i = n; i < total; i++)
		free(all[i]);
	free(all);
	gitsrc_paths_free(paths, n);
	return 0;
}
