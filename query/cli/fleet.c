/*
 * fleet.c — report's aggregate (definitions in fleet.h): each line is
 * added to the totals and to the tables of advisories, crates, lockfiles
 * and errors, found again by name through strmap.h. Ranking is
 * fleet_rank.c, rendering fleet_out.c and html.c, the command and its
 * inputs fleet_cmd.c.
 *
 * Memory is proportional to the distinct advisories, crates, lockfiles
 * and error messages, not to the lines: each line is parsed, added and
 * freed before the next (fleet_feed).
 */
#include "fleet_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cvss.h"
#include "rfc3339.h"
#include "vec.h"

const char *const fleet_kind_names[FK_COUNT] = {
	"vulnerability", "unmaintained", "unsound", "notice", "yanked", "other"
};
const char *const fleet_sev_names[FLEET_SEVS] = {
	"none", "low", "medium", "high", "critical"
};
const char *const fleet_age_names[FLEET_AGES] = {
	"< 30 days", "30-89 days", "90-364 days", "1-2 years", "2-5 years",
	"5 years or more", "no date"
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* ---- adding a line ---- */

int fleet_oom(void)
{
	cli_error("out of memory");
	return -1;
}

static int add_error(fleet *fl, const char *where, const char *msg)
{
	if (vec_reserve((void **)&fl->err, &fl->caperr, fl->nerr, sizeof(*fl->err)) < 0)
		return -1;
	char cut[FLEET_MSG_MAX];
	snprintf(cut, sizeof(cut), "%s", msg ? msg : "error");
	fl->err[fl->nerr].where = strdup(where);
	fl->err[fl->nerr].msg = strdup(cut);
	if (!fl->err[fl->nerr].where || !fl->err[fl->nerr].msg) {
		free(fl->err[fl->nerr].where);
		free(fl->err[fl->nerr].msg);
		return -1;
	}
	fl->nerr++;
	return 0;
}

static fleet_lock *add_lock(fleet *fl, const char *name)
{
	if (vec_reserve((void **)&fl->lock, &fl->caplock, fl->nlock,
	         sizeof(*fl->lock)) < 0)
		return NULL;
	fleet_lock *k = &fl->lock[fl->nlock];
	if (!(k->name = strdup(name)))
		return NULL;
	fl->nlock++;
	return k;
}

static int severity_of(const char *vector, unsigned *score10)
{
	cvss cv;
	char err[128];

	*score10 = 0;
	if (!vector || cvss_parse(&cv, vector, strlen(vector), err,
	                          sizeof(err)) < 0 || !cv.has_score)
		return 0;
	*score10 = cv.score10;
	return cvss_severity(cv.score10);
}

/* The vulnerable ranges of an advisory's requirements; NULL when one does
 * not parse (no upgrade can then be computed from it). */
static range *ranges_of(const fleet_finding_in *f, size_t *n)
{
	size_t nr = f->npatched + f->nunaffected;
	interval *iv = calloc(nr ? nr : 1, sizeof(*iv));
	range *r = calloc(nr + 1, sizeof(*r));
	char err[256];

	*n = 0;
	if (!iv || !r)
		goto bad;
	for (size_t i = 0; i < nr; i++)
		if (req_parse(&iv[i], f->reqs[i], strlen(f->reqs[i]), err,
		              sizeof(err)) < 0)
			goto bad;
	if (req_vulnerable(r, nr + 1, n, iv, nr, err, sizeof(err)) < 0)
		goto bad;
	free(iv);
	return r;
bad:
	free(iv);
	free(r);
	*n = 0;
	return NULL;
}

static void adv_details_free(fleet_adv *a)
{
	free(a->package);
	free(a->title);
	free(a->date);
	free(a->url);
	free(a->updated);
	free(a->ranges);
	a->package = a->title = a->date = a->url = a->updated = NULL;
	a->ranges = NULL;
	a->nranges = 0;
}

/* Details of an advisory come from the line with the newest index
 * (first such line on ties: the lines of one index agree). */
static int adv_details(fleet_adv *a, const fleet_finding_in *f,
                       const char *updated)
{
	const char *u = updated ? updated : "";
	if (a->updated && strcmp(u, a->updated) <= 0)
		return 0;
	adv_details_free(a);
	a->kind = f->kind;
	a->sev = f->kind == FK_VULN ? severity_of(f->cvss, &a->score10) : 0;
	if (f->kind != FK_VULN)
		severity_of(f->cvss, &a->score10);
	a->package = dup_or_null(f->package);
	a->title = dup_or_null(f->title);
	a->date = dup_or_null(f->date);
	a->url = dup_or_null(f->url);
	a->updated = strdup(u);
	a->ranges = ranges_of(f, &a->nranges);
	if ((f->package && !a->package) || (f->title && !a->title) ||
	    (f->date && !a->date) || (f->url && !a->url) || !a->updated)
		return -1;
	return 0;
}

static size_t adv_index(fleet *fl, maps *mp, const char *id)
{
	size_t i = strmap_get(&mp->adv, id);
	if (i != STRMAP_NONE)
		return i;
	if (vec_reserve((void **)&fl->adv, &fl->capadv, fl->nadv, sizeof(*fl->adv)) < 0)
		return STRMAP_NONE;
	fleet_adv *a = &fl->adv[fl->nadv];
	if (!(a->id = strdup(id)))
		return STRMAP_NONE;
	if (strmap_put(&mp->adv, a->id, fl->nadv) < 0) {
		free(a->id);
		a->id = NULL;
		return STRMAP_NONE;
	}
	return fl->nadv++;
}

static size_t crate_index(fleet *fl, maps *mp, const char *name)
{
	size_t i = strmap_get(&mp->crate, name);
	if (i != STRMAP_NONE)
		return i;
	if (vec_reserve((void **)&fl->crate, &fl->capcrate, fl->ncrate,
	         sizeof(*fl->crate)) < 0)
		return STRMAP_NONE;
	fleet_crate *c = &fl->crate[fl->ncrate];
	if (!(c->name = strdup(name)))
		return STRMAP_NONE;
	if (strmap_put(&mp->crate, c->name, fl->ncrate) < 0) {
		free(c->name);
		c->name = NULL;
		return STRMAP_NONE;
	}
	return fl->ncrate++;
}

static int count_pair(maps *mp, size_t crate, size_t adv, const char *name,
                      const char *id)
{
	size_t nl = strlen(name), il = strlen(id);
	char *key = malloc(nl + il + 2);
	if (!key)
		return -1;
	memcpy(key, name, nl);
	key[nl] = '\x01';
	memcpy(key + nl + 1, id, il + 1);
	size_t i = strmap_get(&mp->pair, key);
	if (i != STRMAP_NONE) {
		free(key);
		mp->pairs[i].count++;
		return 0;
	}
	if (vec_reserve((void **)&mp->pairs, &mp->cappairs, mp->npairs,
	         sizeof(*mp->pairs)) < 0 ||
	    strmap_put(&mp->pair, key, mp->npairs) < 0) {
		free(key);
		return -1;
	}
	mp->pairs[mp->npairs] = (pairkey){ crate, adv, 1, key };
	mp->npairs++;
	return 0;
}

static int add_finding(fleet *fl, maps *mp, fleet_lock *k, size_t report,
                       const fleet_finding_in *f, const char *updated)
{
	fl->findings++;
	fl->by_kind[f->kind]++;
	if (f->kind == FK_VULN) {
		fl->vulns++;
		k->vulns++;
	} else {
		fl->warns++;
		k->warns++;
	}
	size_t c = crate_index(fl, mp, f->name);
	if (c == STRMAP_NONE)
		return -1;
	fleet_crate *cr = &fl->crate[c];
	cr->findings++;
	if (cr->last_report != report + 1) {
		cr->last_report = report + 1;
		cr->lockfiles++;
	}
	version v;
	const char *verr;
	if (version_parse(&v, f->version, strlen(f->version), &verr) == 0 &&
	    (!cr->has_max || version_cmp(&v, &cr->max) > 0)) {
		cr->max = v;
		cr->has_max = 1;
	}
	if (!f->id) {
		/* no advisory (a yanked crate): an age of "no date" */
		fl->age[FLEET_AGES - 1][f->kind != FK_VULN]++;
		return 0;
	}
	size_t ai = adv_index(fl, mp, f->id);
	if (ai == STRMAP_NONE)
		return -1;
	fleet_adv *a = &fl->adv[ai];
	if (adv_details(a, f, updated) < 0)
		return -1;
	a->findings++;
	if (a->last_report != report + 1) {
		a->last_report = report + 1;
		a->lockfiles++;
	}
	if (f->kind == FK_VULN) {
		unsigned s10;
		int sev = severity_of(f->cvss, &s10);
		fl->by_sev[sev]++;
		k->sev[sev]++;
	}
	return count_pair(mp, c, ai, f->name, f->id);
}

/* The report date: the newest database.last-updated (its date part). */
static void note_updated(fleet *fl, const char *updated)
{
	int64_t d;

	if (updated && rfc3339_day(&d, updated) == 0 &&
	    strncmp(updated, fl->asof, 10) > 0) {
		memcpy(fl->asof, updated, 10);
		fl->asof[10] = '\0';
	}
}

static int add_line(fleet *fl, const fleet_line *l, const char *where)
{
	maps *mp = fl->maps;
	const char *name = l->path ? l->path : where;
	fleet_lock *k;

	fl->lines++;
	if (l->type == FL_SKIPPED) {
		fl->skipped++;
		return 0;
	}
	if (!(k = add_lock(fl, name)))
		return -1;
	k->pathless = l->path == NULL;
	if (l->type == FL_ERROR) {
		fl->error_lines++;
		k->error = 1;
		return add_error(fl, name, l->error);
	}
	size_t report = fl->reports++;
	fl->packages += l->deps;
	note_updated(fl, l->updated);
	if (l->index_incomplete)
		fl->index_incomplete++;
	if (l->error) {
		fl->incomplete++;
		k->error = 1;
		if (add_error(fl, name, l->error) < 0)
			return -1;
	}
	for (size_t i = 0; i < l->nf; i++) {
		/* add_lock may have moved the array: the lock is the last one */
		k = &fl->lock[fl->nlock - 1];
		if (add_finding(fl, mp, k, report, &l->f[i], l->updated) < 0)
			return -1;
	}
	k = &fl->lock[fl->nlock - 1];
	if (!k->error) {
		if (k->vulns)
			fl->with_vulns++;
		else if (k->warns)
			fl->with_warns_only++;
		else
			fl->clean++;
	} else if (k->vulns) {
		fl->with_vulns++;
	} else if (k->warns) {
		fl->with_warns_only++;
	}
	return 0;
}

/* ---- reading ---- */

void fleet_parse(fleet_parsed *p, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
		i++;
	if (i == len)
		p->state = FP_BLANK;
	else if (fleet_line_parse(&p->l, text, len, p->err, sizeof(p->err)) < 0)
		p->state = FP_BAD;
	else
		p->state = FP_LINE;
}

int fleet_add(fleet *fl, fleet_parsed *p, const char *file, size_t lineno)
{
	char where[4200];
	int rc = 0;

	if (p->state == FP_BLANK)
		return 0;
	snprintf(where, sizeof(where), "%s:%zu", file, lineno);
	if (p->state == FP_BAD) {
		cli_error("%s: %s", where, p->err);
		fl->rejected++;
	} else {
		rc = add_line(fl, &p->l, where);
		fleet_line_free(&p->l);
	}
	p->state = FP_BLANK;            /* nothing left to free */
	return rc < 0 ? fleet_oom() : 0;
}

int fleet_feed(fleet *fl, const char *text, size_t len, const char *file,
               size_t lineno)
{
	fleet_parsed p;

	fleet_parse(&p, text, len);
	return fleet_add(fl, &p, file, lineno);
}

int fleet_init(fleet *fl)
{
	memset(fl, 0, sizeof(*fl));
	if (!(fl->maps = calloc(1, sizeof(maps))))
		return fleet_oom();
	return 0;
}

void fleet_free(fleet *fl)
{
	maps *mp = fl->maps;

	for (size_t i = 0; i < fl->nadv; i++) {
		adv_details_free(&fl->adv[i]);
		free(fl->adv[i].id);
	}
	for (size_t i = 0; i < fl->ncrate; i++)
		free(fl->crate[i].name);
	for (size_t i = 0; i < fl->nlock; i++)
		free(fl->lock[i].name);
	for (size_t i = 0; i < fl->nrepo; i++)
		free(fl->repo[i].name);
	for (size_t i = 0; i < fl->nerr; i++) {
		free(fl->err[i].where);
		free(fl->err[i].msg);
	}
	if (mp) {
		for (size_t i = 0; i < mp->npairs; i++)
			free(mp->pairs[i].key);
		free(mp->pairs);
		strmap_free(&mp->adv);
		strmap_free(&mp->crate);
		strmap_free(&mp->pair);
		free(mp);
	}
	free(fl->adv);
	free(fl->crate);
	free(fl->lock);
	free(fl->repo);
	free(fl->err);
	free(fl->adv_rank);
	free(fl->crate_rank);
	free(fl->lock_rank);
	free(fl->repo_rank);
	memset(fl, 0, sizeof(*fl));
}
