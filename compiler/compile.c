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
	writer *w;                  /* NULL while changes are only read */
	diag_list *d;
} run;

/*
 * One slot read and parsed, before anything goes into the writer: what
 * to add, and what to record as skipped. Parsing needs no writer, so an
 * update parses what changed while the previous index is still loading
 * (compile_changes_read); adding comes after (compile_changes_apply).
 */
typedef struct parsed {
	char *path;
	advisory *a;                /* to add; NULL: nothing to add */
	int64_t modified;
	int skip;                   /* keep_going: the file goes unlisted */
	char *skip_id, *skip_msg;   /* writer_skip's id and message */
	unsigned skip_line;
	int oom;                    /* the skip could not be recorded */
} parsed;

static void parsed_free(parsed *p)
{
	free(p->path);
	advisory_free(p->a);
	free(p->skip_id);
	free(p->skip_msg);
	memset(p, 0, sizeof(*p));
}

static void tick(const run *r)
{
	if (r->o->beat)
		(*r->o->beat)++;
}

/* Under keep_going, remember that the file is to be recorded as skipped
 * (writer_skip, when it is added). */
static void want_skip(parsed *p, const char *id, unsigned line,
                      const char *msg)
{
	free(p->skip_id);
	free(p->skip_msg);
	p->skip = 1;
	p->skip_line = line;
	p->skip_id = strdup(id ? id : "");
	p->skip_msg = strdup(msg);
	p->oom = !p->skip_id || !p->skip_msg;
}

/* A problem with one file: an error, or under keep_going a warning and
 * the file recorded as skipped (id "" when unknown). */
static void problem(run *r, parsed *p, const char *id, const char *msg)
{
	const char *path = p->path;
	size_t pl = strlen(path);

	/* Messages from the writer and gitsrc may already name the file. */
	if (strncmp(msg, path, pl) == 0 && msg[pl] == ':' && msg[pl + 1] == ' ')
		msg += pl + 2;
	diag_add(r->d, r->o->keep_going ? DIAG_WARNING : DIAG_ERROR, path, 0,
	         "%s", msg);
	if (r->o->keep_going)
		want_skip(p, id, 0, msg);
}

/*
 * Under keep_going the parser's errors for this file become warnings
 * (every entry added since (n0, e0) belongs to it, including the ones
 * the list could not keep, which are only counted), and the file is
 * recorded as skipped with its first error.
 */
static void skip_parsed(run *r, parsed *p, const char *id, size_t n0,
                        size_t e0)
{
	const diag_entry *first = diag_first_error(r->d, n0);
	size_t nerr = r->d->errors - e0;

	want_skip(p, id, first ? first->line : 0,
	          first ? first->text + first->msg
	                : "invalid advisory (details not kept)");
	diag_demote(r->d, n0, e0);
	diag_add(r->d, DIAG_WARNING, p->path, 0, "skipped (%zu error%s)", nerr,
	         nerr == 1 ? "" : "s");
}

/* Read and parse one slot, dated `modified` (0: unknown), into *p (its
 * path already set). Touches no writer. */
static void parse_entry(run *r, const gitsrc_entry *e, int64_t modified,
                        parsed *p)
{
	char err[ERR_MAX], id[ADVISORY_ID_KEEP];
	char *text = NULL;
	size_t len = 0;
	advisory *a = NULL;

	p->modified = modified;
	if (e->bad && e->stray) {   /* same words as a warning or an error */
		snprintf(err, sizeof(err), "%s (rustsec skips it; its linter "
		         "refuses it)", e->bad);
		if (r->o->strict)
			problem(r, p, "", err);
		else
			diag_add(r->d, DIAG_WARNING, e->path, 0, "%s", err);
		return;
	}
	if (e->bad) {
		problem(r, p, "", e->bad);
		return;
	}
	tick(r);
	if (gitsrc_load(&text, &len, r->src, e, err, sizeof(err)) != 0) {
		problem(r, p, "", err);
		return;
	}
	size_t n0 = r->d->n, e0 = r->d->errors;
	int pr = advisory_parse_ex(&a, r->o->source, e->path, text, len,
	                           r->o->strict ? ADVISORY_STRICT : 0, id, r->d);
	if (pr < 0 && r->d->errors == e0)   /* defensive: never fail silently */
		diag_add(r->d, DIAG_ERROR, e->path, 0, "invalid advisory");
	if (pr < 0) {
		if (r->o->keep_going)
			skip_parsed(r, p, id, n0, e0);
		advisory_free(a);
	} else if (!advisory_unindexed(a)) {
		p->a = a;
	} else {
		advisory_free(a);
	}
	free(text);
}

/* What parse_entry found, into the writer. */
static void add_entry(run *r, parsed *p)
{
	char err[ERR_MAX];

	if (p->skip && (p->oom || writer_skip(r->w, r->o->source, p->path,
	                                      p->skip_id, p->skip_line,
	                                      p->skip_msg) < 0))
		diag_add(r->d, DIAG_ERROR, p->path, 0, "out of memory");
	if (!p->a)
		return;
	adv_record rec = *advisory_record(p->a);   /* shallow: a owns it */
	rec.modified = p->modified;
	if (writer_add(r->w, &rec, r->o->source, p->path, err,
	               sizeof(err)) < 0) {
		parsed q = { .path = p->path };
		problem(r, &q, rec.id, err);
		if (q.skip && (q.oom || writer_skip(r->w, r->o->source, p->path,
		                                    q.skip_id, 0, q.skip_msg) < 0))
			diag_add(r->d, DIAG_ERROR, p->path, 0, "out of memory");
		q.path = NULL;
		parsed_free(&q);
	}
}

/* Parse one slot and add it to the index, dated `modified` (0: unknown). */
static void compile_entry(run *r, const gitsrc_entry *e, int64_t modified)
{
	parsed p = { 0 };

	if (!(p.path = strdup(e->path))) {
		diag_add(r->d, DIAG_ERROR, e->path, 0, "out of memory");
		return;
	}
	parse_entry(r, e, modified, &p);
	add_entry(r, &p);
	parsed_free(&p);
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

struct compile_stage {
	const compile_opts *o;
	gitsrc *src;
	char **paths;               /* changed slots, sorted (gitsrc_diff) */
	size_t n;
	parsed *p;                  /* n of them; NULL: not read (an error
	                               in d) */
};

void compile_stage_free(compile_stage *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->p && i < s->n; i++)
		parsed_free(&s->p[i]);
	free(s->p);
	gitsrc_paths_free(s->paths, s->n);
	free(s);
}

/* Read and parse the slots paths[0..n) (dated by t, or undated) into p
 * (n of them). */
static void parse_paths(run *r, char *const *paths, size_t n,
                        const int64_t *t, parsed *p)
{
	char err[ERR_MAX];

	for (size_t i = 0; i < n; i++) {
		gitsrc_entry e;
		if (!(p[i].path = strdup(paths[i]))) {
			diag_add(r->d, DIAG_ERROR, paths[i], 0, "out of memory");
			continue;
		}
		int lr = gitsrc_lookup(&e, r->src, paths[i], err, sizeof(err));
		if (lr > 0)
			parse_entry(r, &e, t ? t[i] : 0, &p[i]);
		else if (lr < 0)
			diag_add(r->d, DIAG_ERROR, paths[i], 0, "%s", err);
	}
}

int compile_changes_read(compile_stage **out, const compile_opts *o,
                         gitsrc *src, const char *prev, diag_list *d)
{
	run r = { .o = o, .src = src, .w = NULL, .d = d };
	char err[ERR_MAX];
	compile_stage *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s) {
		diag_add(d, DIAG_ERROR, o->label, 0, "out of memory");
		return 0;
	}
	s->o = o;
	s->src = src;
	*out = s;
	int rc = gitsrc_diff(&s->paths, &s->n, src, prev, err, sizeof(err));
	if (rc == GITSRC_ENOTFOUND) {
		compile_stage_free(s);
		*out = NULL;
		return 1;
	}
	tick(&r);
	if (rc < 0) {
		diag_add(d, DIAG_ERROR, o->label, 0, "%s", err);
		return 0;
	}
	if (!(s->p = calloc(s->n ? s->n : 1, sizeof(*s->p)))) {
		diag_add(d, DIAG_ERROR, o->label, 0, "out of memory");
		return 0;
	}
	/* Only commits since prev can have touched what changed since. */
	int64_t *t = dates(&r, (const char *const *)s->paths, s->n, prev);
	if (!o->history || t)
		parse_paths(&r, s->paths, s->n, t, s->p);
	else {   /* not dated (an error in d): nothing is added */
		free(s->p);
		s->p = NULL;
	}
	free(t);
	return 0;
}

/* The paths the previous index skipped that are not among the changed
 * ones, in a new array (*m of them). NULL when out of memory. */
static char **skipped_paths(run *r, char *const *paths, size_t n,
                            size_t *m)
{
	size_t pos = 0, k = 0;
	const char *p;

	*m = 0;
	while (writer_skipped_next(r->w, r->o->source, &pos))
		k++;
	char **v = malloc((k + 1) * sizeof(*v));
	if (!v)
		return NULL;
	pos = 0;
	while ((p = writer_skipped_next(r->w, r->o->source, &pos)) != NULL) {
		int dup = 0;
		for (size_t i = 0; i < n && !dup; i++)
			dup = strcmp(paths[i], p) == 0;
		if (!dup && (v[*m] = strdup(p)) == NULL) {
			gitsrc_paths_free(v, *m);
			*m = 0;
			return NULL;
		}
		*m += !dup;
	}
	return v;
}

void compile_changes_apply(compile_stage *s, writer *w, diag_list *d)
{
	run r = { .o = s->o, .src = s->src, .w = w, .d = d };
	size_t m = 0;
	char **extra = skipped_paths(&r, s->paths, s->n, &m);

	if (!extra) {
		diag_add(d, DIAG_ERROR, s->o->label, 0, "out of memory");
		compile_stage_free(s);
		return;
	}
	/* every removal before any addition: a moved file is not its own
	 * duplicate */
	for (size_t i = 0; i < s->n + m; i++) {
		const char *path = i < s->n ? s->paths[i] : extra[i - s->n];
		if (writer_remove(w, s->o->source, path) < 0)
			diag_add(d, DIAG_ERROR, path, 0,
			         "cannot remove the previous record");
	}
	for (size_t i = 0; s->p && i < s->n; i++)
		add_entry(&r, &s->p[i]);
	/* A skipped file read again may be older than the previous commit:
	 * its date comes from the whole history. */
	int64_t *t = m ? dates(&r, (const char *const *)extra, m, NULL) : NULL;
	parsed *p = m ? calloc(m, sizeof(*p)) : NULL;
	if (m && !p)
		diag_add(d, DIAG_ERROR, s->o->label, 0, "out of memory");
	else if (m && (!s->o->history || t) && s->p) {
		parse_paths(&r, extra, m, t, p);
		for (size_t i = 0; i < m; i++)
			add_entry(&r, &p[i]);
	}
	for (size_t i = 0; p && i < m; i++)
		parsed_free(&p[i]);
	free(p);
	free(t);
	gitsrc_paths_free(extra, m);
	compile_stage_free(s);
}

int compile_changes(const compile_opts *o, gitsrc *src, writer *w,
                    const char *prev, diag_list *d)
{
	compile_stage *s;

	if (compile_changes_read(&s, o, src, prev, d) == 1)
		return 1;
	if (s)
		compile_changes_apply(s, w, d);
	return 0;
}
