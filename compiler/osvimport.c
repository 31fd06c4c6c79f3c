/*
 * osvimport.c — see osvimport.h. Owns the merge of several sources: the
 * map from every alias of every record in the writer to that record's
 * id, and the test of "same vulnerability, same content".
 *
 * Invariant: the alias map holds, for each record of the earlier sources,
 * "package SOH id-or-alias" (keys) -> id (values), as owned copies, built
 * from the writer at the start of a run (so never pointing into it).
 * Records this run adds are not in it: one source's advisories are never
 * merged with each other.
 */
#include "osvimport.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osv.h"

#define ERR_MAX 1024

typedef struct amap {           /* open addressing: alias -> id */
	char **key, **val;
	size_t cap, used;
} amap;

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static void amap_free(amap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->key[i]);
		free(m->val[i]);
	}
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

static const char *amap_get(const amap *m, const char *k)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hash(k) & (m->cap - 1); m->key[i];
	     i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->key[i], k))
			return m->val[i];
	return NULL;
}

static int amap_put(amap *m, const char *k, const char *v);

static int amap_grow(amap *m)
{
	amap n = { .cap = m->cap ? m->cap * 2 : 1024 };

	n.key = calloc(n.cap, sizeof(char *));
	n.val = calloc(n.cap, sizeof(char *));
	if (!n.key || !n.val) {
		free(n.key);
		free(n.val);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->key[i] && amap_put(&n, m->key[i], m->val[i]) < 0) {
			amap_free(&n);
			return -1;
		}
	amap_free(m);
	*m = n;
	return 0;
}

/* The first record to claim an alias keeps it. */
static int amap_put(amap *m, const char *k, const char *v)
{
	if ((m->used + 1) * 2 > m->cap && amap_grow(m) < 0)
		return -1;
	size_t i = hash(k) & (m->cap - 1);
	for (; m->key[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->key[i], k))
			return 0;
	m->key[i] = strdup(k);
	m->val[i] = strdup(v);
	if (!m->key[i] || !m->val[i]) {
		free(m->key[i]);
		free(m->val[i]);
		m->key[i] = m->val[i] = NULL;
		return -1;
	}
	m->used++;
	return 0;
}

/* Keys are "package SOH alias": an alias links two records only for the
 * same package (one CVE may name several crates, each its own record). */
static char *pkg_key(const char *pkg, const char *alias)
{
	size_t pl = strlen(pkg), al = strlen(alias);
	char *k = malloc(pl + al + 2);

	if (k) {
		memcpy(k, pkg, pl);
		k[pl] = '\x01';
		memcpy(k + pl + 1, alias, al + 1);
	}
	return k;
}

static int amap_add_record(amap *m, const adv_record *r)
{
	for (uint32_t i = 0; i < r->aliases.n + 1; i++) {
		char *k = pkg_key(r->package, i ? r->aliases.v[i - 1] : r->id);
		int rc = k ? amap_put(m, k, r->id) : -1;
		free(k);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static const adv_record *amap_find(writer *w, const amap *m,
                                   const char *pkg, const char *alias)
{
	char *k = pkg_key(pkg, alias);
	const char *id = k ? amap_get(m, k) : NULL;

	free(k);
	return id ? writer_find(w, id) : NULL;
}

/* The record of an earlier source that is the same vulnerability as r:
 * the same id (whatever its package: a different one is a conflict), or
 * for the same package, an id or alias of r equal to its id or alias.
 * Records of r's own source are never merged (a repeated id there is the
 * writer's error). */
static const adv_record *same_vuln(writer *w, const amap *m,
                                   const adv_record *r, const char *source)
{
	const adv_record *e = writer_find(w, r->id);

	if (e && e->source && !strcmp(e->source, source))
		return NULL;
	if (!e)
		e = amap_find(w, m, r->package, r->id);
	for (uint32_t i = 0; !e && i < r->aliases.n; i++)
		e = amap_find(w, m, r->package, r->aliases.v[i]);
	return e;
}

static int same_range(const range *a, const range *b)
{
	return a->has_introduced == b->has_introduced &&
	       a->has_fixed == b->has_fixed &&
	       (!a->has_introduced ||
	        !version_cmp(&a->introduced, &b->introduced)) &&
	       (!a->has_fixed || !version_cmp(&a->fixed, &b->fixed));
}

/* Do a and b say the same about what is affected? Empty ranges
 * ([v, v), kept from rustsec's export) say nothing and are ignored. */
static int is_empty(const range *r)
{
	return r->has_introduced && r->has_fixed &&
	       version_cmp(&r->introduced, &r->fixed) >= 0;
}

static int same_content(const adv_record *a, const adv_record *b)
{
	if (strcmp(a->package, b->package) || !a->withdrawn != !b->withdrawn)
		return 0;
	uint32_t i = 0, j = 0;
	for (;;) {
		while (i < a->nranges && is_empty(&a->ranges[i]))
			i++;
		while (j < b->nranges && is_empty(&b->ranges[j]))
			j++;
		if (i == a->nranges || j == b->nranges)
			return i == a->nranges && j == b->nranges;
		if (!same_range(&a->ranges[i++], &b->ranges[j++]))
			return 0;
	}
}

static int has_str(const strlist *l, const char *s)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

/*
 * After a merge, e (the record kept) also answers to r's id and aliases:
 * they join e's aliases, so `show`, `--ignore` and the aliases index find
 * it by any of them. e is re-added under its own source and path.
 * Returns 0, or -1 with err.
 */
static int link_aliases(writer *w, const adv_record *e, const adv_record *r,
                        char *err, size_t errcap)
{
	const char **v = malloc((e->aliases.n + r->aliases.n + 1) *
	                        sizeof(*v));
	adv_record copy = *e;
	uint32_t n = 0;
	int rc = 0;

	if (!v) {
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	for (uint32_t i = 0; i < e->aliases.n; i++)
		v[n++] = e->aliases.v[i];
	for (uint32_t i = 0; i <= r->aliases.n; i++) {
		const char *a = i ? r->aliases.v[i - 1] : r->id;
		strlist have = { v, n };
		if (strcmp(a, e->id) && !has_str(&have, a) && n < RECORD_LIST_MAX)
			v[n++] = a;
	}
	if (n != e->aliases.n && e->source && e->path) {
		copy.aliases.v = v;
		copy.aliases.n = n;
		rc = writer_add(w, &copy, e->source, e->path, err, errcap);
	}
	free(v);
	return rc;
}

/* An error, or under keep_going a warning and the file recorded as
 * skipped (writer_skip), so the index says it is incomplete. */
static void problem(const osvimport_opts *o, writer *w, diag_list *d,
                    const char *path, const char *id, const char *msg)
{
	size_t pl = strlen(path);

	/* the writer's messages may already name the file */
	if (!strncmp(msg, path, pl) && msg[pl] == ':' && msg[pl + 1] == ' ')
		msg += pl + 2;
	diag_add(d, o->keep_going ? DIAG_WARNING : DIAG_ERROR, path, 0, "%s",
	         msg);
	if (o->keep_going && writer_skip(w, o->source, path, id, 0, msg) < 0)
		diag_add(d, DIAG_ERROR, path, 0, "out of memory");
}

static void one_file(const osvimport_opts *o, osvsrc *src, size_t i,
                     writer *w, amap *m, diag_list *d, osvimport_stats *st)
{
	char err[ERR_MAX];
	char *text = NULL;
	size_t len = 0;
	osv *x = NULL;
	const char *path = osvsrc_path(src, i);

	if (o->beat)
		(*o->beat)++;
	st->files++;
	if (osvsrc_load(&text, &len, src, i, err, sizeof(err)) < 0) {
		problem(o, w, d, path, "", err);
		st->bad++;
		return;
	}
	size_t n0 = d->n, e0 = d->errors;
	int pr = osv_parse(&x, o->source, path, text, len, d);
	free(text);
	if (pr < 0) {
		st->bad++;
		if (o->keep_going) {          /* its errors become warnings */
			const diag_entry *first = diag_first_error(d, n0);
			size_t moved = d->errors - e0;
			if (writer_skip(w, o->source, path, "",
			                first ? first->line : 0,
			                first ? first->text + first->msg
			                      : "invalid advisory (details not kept)")
			    < 0) {
				diag_add(d, DIAG_ERROR, path, 0, "out of memory");
				return;
			}
			diag_demote(d, n0, e0);
			diag_add(d, DIAG_WARNING, path, 0, "skipped (%zu error%s)",
			         moved, moved == 1 ? "" : "s");
		}
		return;
	}
	st->other_ecosystems += osv_skipped(x);
	for (size_t k = 1; k < osv_count(x); k++)
		diag_add(d, DIAG_WARNING, path, 0, "%s also names crate %s: only "
		         "%s is kept (one package per advisory id)",
		         osv_record(x, 0)->id, osv_record(x, k)->package,
		         osv_record(x, 0)->package);
	const adv_record *r = osv_record(x, 0);
	if (r) {
		const adv_record *e = same_vuln(w, m, r, o->source);
		if (e) {
			st->merged++;
			if (!same_content(e, r)) {
				st->conflicts++;
				diag_add(d, DIAG_WARNING, path, 0, "%s of source %s "
				         "conflicts with %s of source %s (%s): they "
				         "differ in package, ranges or withdrawn; "
				         "keeping %s's", r->id, o->source, e->id,
				         e->source ? e->source : "?",
				         e->path ? e->path : "?",
				         e->source ? e->source : "the earlier source");
			}
			if (link_aliases(w, e, r, err, sizeof(err)) < 0)
				problem(o, w, d, path, r->id, err);
		} else if (writer_add(w, r, o->source, path, err,
		                      sizeof(err)) < 0) {
			problem(o, w, d, path, r->id, err);
		} else {
			st->added++;
		}
	}
	osv_free(x);
}

int osvimport_run(const osvimport_opts *o, osvsrc *src, writer *w,
                  diag_list *d, osvimport_stats *st)
{
	amap m;
	size_t pos = 0;
	const adv_record *r;

	memset(st, 0, sizeof(*st));
	memset(&m, 0, sizeof(m));
	while ((r = writer_next(w, &pos)) != NULL)
		if (amap_add_record(&m, r) < 0) {
			amap_free(&m);
			diag_add(d, DIAG_ERROR, o->source, 0, "out of memory");
			return -1;
		}
	for (size_t i = 0; i < osvsrc_count(src); i++)
		one_file(o, src, i, w, &m, d, st);
	amap_free(&m);
	return 0;
}
