/*
 * fleet_rank.c — fleet_rank: after the last line, each table gets its
 * order (every ranking breaks ties down to a name, so the order depends
 * on the set of lines, never on their order), each lockfile its
 * repository, each crate its upgrade, and the age chart its counts (the
 * rules are fleet.h's).
 */
#include "fleet_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rfc3339.h"

/* The age bucket of a finding of an advisory published on date, on the
 * report's day asof: "no date" when either is not one. */
static int age_bucket(const char *asof, const char *date)
{
	static const int64_t upto[] = { 30, 90, 365, 730, 1825 };
	int64_t a, d;

	if (!date || rfc3339_day(&a, asof) < 0 || rfc3339_day(&d, date) < 0)
		return FLEET_AGES - 1;
	for (int i = 0; i < 5; i++)
		if (a - d < upto[i])
			return i;
	return 5;
}

/* OWNER/REPO from a file name OWNER__REPO__...; 0 when it is not one. */
static int corpus_repo(const char *base, char *out, size_t cap)
{
	const char *a = strstr(base, "__");
	if (!a || a == base)
		return 0;
	const char *b = strstr(a + 2, "__");
	if (!b || b == a + 2)
		return 0;
	int w = snprintf(out, cap, "%.*s/%.*s", (int)(a - base), base,
	                 (int)(b - a - 2), a + 2);
	return w > 0 && (size_t)w < cap;
}

static size_t dir_len(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? (size_t)(s - path) : 0;
}

/* Shrink the prefix (plen bytes of pre) to the folders it shares with
 * d[0..dlen): whole components only. */
static size_t common(const char *pre, size_t plen, const char *d, size_t dlen)
{
	size_t k = 0;
	while (k < plen && k < dlen && pre[k] == d[k])
		k++;
	while (k > 0 && !((k == plen || pre[k] == '/') &&
	                  (k == dlen || d[k] == '/')))
		k--;
	return k;
}

static int repo_named(fleet *fl, strmap *m, const char *name, size_t *out)
{
	size_t i = strmap_get(m, name);
	if (i == STRMAP_NONE) {
		fleet_repo *v = realloc(fl->repo, (fl->nrepo + 1) * sizeof(*v));
		if (!v)
			return -1;
		fl->repo = v;
		memset(&v[fl->nrepo], 0, sizeof(*v));
		if (!(v[fl->nrepo].name = strdup(name)) ||
		    strmap_put(m, v[fl->nrepo].name, fl->nrepo) < 0) {
			free(v[fl->nrepo].name);
			return -1;
		}
		i = fl->nrepo++;
	}
	*out = i;
	return 0;
}

static int assign_repos(fleet *fl)
{
	strmap m = { 0 };
	char name[512];
	const char *pre = NULL;
	size_t plen = 0;
	int rc = -1;

	for (size_t i = 0; i < fl->nlock; i++) {
		const fleet_lock *k = &fl->lock[i];
		const char *base = strrchr(k->name, '/');
		if (k->pathless ||
		    corpus_repo(base ? base + 1 : k->name, name, sizeof(name)))
			continue;
		size_t dl = dir_len(k->name);
		if (!pre) {
			pre = k->name;
			plen = dl;
		} else {
			plen = common(pre, plen, k->name, dl);
		}
	}
	for (size_t i = 0; i < fl->nlock; i++) {
		fleet_lock *k = &fl->lock[i];
		const char *base = strrchr(k->name, '/');
		if (k->pathless) {
			snprintf(name, sizeof(name), "(no path)");
		} else if (!corpus_repo(base ? base + 1 : k->name, name,
		                        sizeof(name))) {
			size_t dl = dir_len(k->name);
			const char *r = k->name + (plen < dl ? plen : dl);
			const char *end = k->name + dl;
			while (r < end && *r == '/')
				r++;
			const char *slash = memchr(r, '/', (size_t)(end - r));
			size_t n = (size_t)((slash ? slash : end) - r);
			snprintf(name, sizeof(name), "%.*s", (int)(n ? n : 1),
			         n ? r : ".");
		}
		size_t ri;
		if (repo_named(fl, &m, name, &ri) < 0)
			goto out;
		k->repo = ri;
		fleet_repo *rp = &fl->repo[ri];
		rp->lockfiles++;
		rp->with_vulns += k->vulns > 0;
		rp->vulns += k->vulns;
		rp->warns += k->warns;
		rp->errors += k->error;
	}
	rc = 0;
out:
	strmap_free(&m);
	return rc;
}

static int cmp_size_desc(size_t a, size_t b)
{
	return (a < b) - (a > b);
}

static int cmp_adv(const void *x, const void *y)
{
	const fleet_adv *a = *(fleet_adv *const *)x, *b = *(fleet_adv *const *)y;
	int c = cmp_size_desc(a->lockfiles, b->lockfiles);
	if (!c)
		c = cmp_size_desc(a->findings, b->findings);
	if (!c)
		c = cmp_size_desc((size_t)a->sev, (size_t)b->sev);
	return c ? c : strcmp(a->id, b->id);
}

static int cmp_crate(const void *x, const void *y)
{
	const fleet_crate *a = *(fleet_crate *const *)x;
	const fleet_crate *b = *(fleet_crate *const *)y;
	int c = cmp_size_desc(a->cleared, b->cleared);
	if (!c)
		c = cmp_size_desc(a->lockfiles, b->lockfiles);
	if (!c)
		c = cmp_size_desc(a->findings, b->findings);
	return c ? c : strcmp(a->name, b->name);
}

static int cmp_lock(const void *x, const void *y)
{
	const fleet_lock *a = *(fleet_lock *const *)x;
	const fleet_lock *b = *(fleet_lock *const *)y;
	int c = cmp_size_desc(a->vulns, b->vulns);
	for (int s = FLEET_SEVS - 1; !c && s >= 0; s--)
		c = cmp_size_desc(a->sev[s], b->sev[s]);
	if (!c)
		c = cmp_size_desc(a->warns, b->warns);
	return c ? c : strcmp(a->name, b->name);
}

static int cmp_repo(const void *x, const void *y)
{
	const fleet_repo *a = *(fleet_repo *const *)x;
	const fleet_repo *b = *(fleet_repo *const *)y;
	int c = cmp_size_desc(a->vulns, b->vulns);
	if (!c)
		c = cmp_size_desc(a->with_vulns, b->with_vulns);
	if (!c)
		c = cmp_size_desc(a->warns, b->warns);
	if (!c)
		c = cmp_size_desc(a->errors, b->errors);
	return c ? c : strcmp(a->name, b->name);
}

static int cmp_err(const void *x, const void *y)
{
	const fleet_err *a = x, *b = y;
	int c = strcmp(a->where, b->where);
	return c ? c : strcmp(a->msg, b->msg);
}

static int cmp_pair(const void *x, const void *y)
{
	const pairkey *a = x, *b = y;
	if (a->crate != b->crate)
		return a->crate < b->crate ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* Sort the elements through pointers and keep their indexes. */
static size_t *rank(void *base, size_t n, size_t size,
                    int (*cmp)(const void *, const void *))
{
	void **p = malloc((n ? n : 1) * sizeof(*p));
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	if (!p || !idx) {
		free(p);
		free(idx);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		p[i] = (char *)base + i * size;
	qsort(p, n, sizeof(*p), cmp);
	for (size_t i = 0; i < n; i++)
		idx[i] = (size_t)((char *)p[i] - (char *)base) / size;
	free(p);
	return idx;
}

/* The upgrade of one crate: pairs[0..n) are its (advisory, count). */
static void upgrade(fleet *fl, fleet_crate *cr, const pairkey *pairs, size_t n)
{
	size_t best = 0;
	version bv;

	memset(&bv, 0, sizeof(bv));
	cr->nadvs = n;
	for (size_t i = 0; i < n; i++) {
		const fleet_adv *a = &fl->adv[pairs[i].adv];
		for (size_t r = 0; a->ranges && r < a->nranges; r++) {
			if (!a->ranges[r].has_fixed)
				continue;
			version cand = a->ranges[r].fixed;
			if (cand.pre_len == 1 && cand.pre[0] == '0') {
				cand.pre_len = 0;   /* X.Y.Z-0: the release */
				cand.pre[0] = '\0';
			}
			if (cr->has_max && version_cmp(&cand, &cr->max) < 0)
				continue;
			size_t cleared = 0;
			for (size_t k = 0; k < n; k++) {
				const fleet_adv *b = &fl->adv[pairs[k].adv];
				if (b->ranges && !ranges_contain(b->ranges,
				                                 b->nranges, &cand))
					cleared += pairs[k].count;
			}
			if (cleared > best ||
			    (cleared == best && best && version_cmp(&cand, &bv) < 0)) {
				best = cleared;
				bv = cand;
			}
		}
	}
	cr->cleared = best;
	cr->upgrade[0] = '\0';
	if (best && version_format(&bv, cr->upgrade, sizeof(cr->upgrade)) >=
	            sizeof(cr->upgrade)) {
		cr->upgrade[0] = '\0';  /* cannot show it: no upgrade */
		cr->cleared = 0;
	}
}

int fleet_rank(fleet *fl)
{
	maps *mp = fl->maps;

	if (!fl->asof[0]) {             /* no line had a date: today */
		char now[RFC3339_MAX];
		if (rfc3339_format(now, (int64_t)time(NULL)))
			snprintf(fl->asof, sizeof(fl->asof), "%.10s", now);
	}
	for (size_t i = 0; i < fl->nadv; i++) {
		const fleet_adv *a = &fl->adv[i];
		int b = age_bucket(fl->asof, a->date);
		/* an advisory's findings are of its kind (one index: always) */
		fl->age[b][a->kind != FK_VULN] += a->findings;
	}
	if (mp->npairs)
		qsort(mp->pairs, mp->npairs, sizeof(*mp->pairs), cmp_pair);
	for (size_t i = 0; i < mp->npairs;) {
		size_t j = i;
		while (j < mp->npairs && mp->pairs[j].crate == mp->pairs[i].crate)
			j++;
		fleet_crate *cr = &fl->crate[mp->pairs[i].crate];
		upgrade(fl, cr, mp->pairs + i, j - i);
		fl->nupgrades += cr->cleared > 0;
		i = j;
	}
	if (assign_repos(fl) < 0)
		return fleet_oom();
	if (fl->nerr)
		qsort(fl->err, fl->nerr, sizeof(*fl->err), cmp_err);
	fl->adv_rank = rank(fl->adv, fl->nadv, sizeof(*fl->adv), cmp_adv);
	fl->crate_rank = rank(fl->crate, fl->ncrate, sizeof(*fl->crate),
	                      cmp_crate);
	fl->lock_rank = rank(fl->lock, fl->nlock, sizeof(*fl->lock), cmp_lock);
	fl->repo_rank = rank(fl->repo, fl->nrepo, sizeof(*fl->repo), cmp_repo);
	if (!fl->adv_rank || !fl->crate_rank || !fl->lock_rank ||
	    !fl->repo_rank)
		return fleet_oom();
	return 0;
}
