/*
 * fleet.c — `advdb-query report FILE...|-`: the summary of a fleet's scan
 * output (definitions in fleet.h). Reads the lines, adds each to the
 * aggregate, ranks, and writes text, Markdown or JSON (HTML: html.c).
 *
 * Lines are read in chunks with a cap per line (FLEET_LINE_MAX): a line
 * past it is refused whole without being held. A malformed line is
 * `FILE:LINE: message` on stderr and counted (`rejected`); the report is
 * still written from the other lines, says it is incomplete, and the exit
 * status is 2. Exit otherwise: 2 when the fleet has errors (error lines,
 * incomplete reports, an incomplete index unless --allow-incomplete) or no
 * report at all; 1 when it has vulnerabilities (or warnings of a --deny
 * kind); 0 when it is clean.
 *
 * Memory is proportional to the distinct advisories, crates, lockfiles
 * and error messages, not to the lines: each line is parsed, added and
 * freed before the next.
 */
#include "fleet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cvss.h"
#include "json.h"
#include "lockfile.h"
#include "markup.h"
#include "report.h"
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

#define FLEET_MSG_MAX 512       /* an error message kept, in bytes */
#define READ_CHUNK ((size_t)1 << 20)

/* ---- a string -> index hash table (open addressing) ---- */

typedef struct strmap {
	const char **keys;          /* borrowed from the element it indexes */
	size_t *vals;
	size_t cap, n;
} strmap;

typedef struct pairkey {        /* (crate, advisory) -> findings */
	size_t crate, adv, count;
	char *key;                  /* "crate\x01id", owned */
} pairkey;

typedef struct maps {
	strmap adv, crate, pair;
	pairkey *pairs;
	size_t npairs, cappairs;
} maps;

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;      /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static int strmap_grow(strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	const char **keys = calloc(cap, sizeof(*keys));
	size_t *vals = calloc(cap, sizeof(*vals));
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			size_t j = hash(m->keys[i]) & (cap - 1);
			while (keys[j])
				j = (j + 1) & (cap - 1);
			keys[j] = m->keys[i];
			vals[j] = m->vals[i];
		}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

/* The index stored for key, or (size_t)-1. */
static size_t strmap_get(const strmap *m, const char *key)
{
	if (!m->cap)
		return (size_t)-1;
	for (size_t j = hash(key) & (m->cap - 1); m->keys[j];
	     j = (j + 1) & (m->cap - 1))
		if (!strcmp(m->keys[j], key))
			return m->vals[j];
	return (size_t)-1;
}

/* key must stay valid as long as the map (the element owns it). */
static int strmap_put(strmap *m, const char *key, size_t val)
{
	if ((m->n + 1) * 2 > m->cap && strmap_grow(m) < 0)
		return -1;
	size_t j = hash(key) & (m->cap - 1);
	while (m->keys[j])
		j = (j + 1) & (m->cap - 1);
	m->keys[j] = key;
	m->vals[j] = val;
	m->n++;
	return 0;
}

static void strmap_free(strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* ---- dates ---- */

/* Days since 1970-01-01 of a YYYY-MM-DD prefix; -1 when s has none. */
static int64_t day_number(const char *s)
{
	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	            (s[2] - '0') * 10 + (s[3] - '0');
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	/* days from civil (proleptic Gregorian), Howard Hinnant's method */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int age_bucket(int64_t asof, const char *date)
{
	static const int64_t upto[] = { 30, 90, 365, 730, 1825 };
	int64_t d = day_number(date);

	if (d < 0 || asof < 0)
		return FLEET_AGES - 1;
	int64_t days = asof - d;
	for (int i = 0; i < 5; i++)
		if (days < upto[i])
			return i;
	return 5;
}

/* ---- adding a line ---- */

static int fail_oom(void)
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
	if (i != (size_t)-1)
		return i;
	if (vec_reserve((void **)&fl->adv, &fl->capadv, fl->nadv, sizeof(*fl->adv)) < 0)
		return (size_t)-1;
	fleet_adv *a = &fl->adv[fl->nadv];
	if (!(a->id = strdup(id)))
		return (size_t)-1;
	if (strmap_put(&mp->adv, a->id, fl->nadv) < 0) {
		free(a->id);
		a->id = NULL;
		return (size_t)-1;
	}
	return fl->nadv++;
}

static size_t crate_index(fleet *fl, maps *mp, const char *name)
{
	size_t i = strmap_get(&mp->crate, name);
	if (i != (size_t)-1)
		return i;
	if (vec_reserve((void **)&fl->crate, &fl->capcrate, fl->ncrate,
	         sizeof(*fl->crate)) < 0)
		return (size_t)-1;
	fleet_crate *c = &fl->crate[fl->ncrate];
	if (!(c->name = strdup(name)))
		return (size_t)-1;
	if (strmap_put(&mp->crate, c->name, fl->ncrate) < 0) {
		free(c->name);
		c->name = NULL;
		return (size_t)-1;
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
	if (i != (size_t)-1) {
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
	if (c == (size_t)-1)
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
	if (ai == (size_t)-1)
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
	if (updated && day_number(updated) >= 0 &&
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

int fleet_feed(fleet *fl, const char *text, size_t len, const char *file,
               size_t lineno)
{
	fleet_line l;
	char err[512], where[4200];
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
		i++;
	if (i == len)
		return 0;               /* a blank line */
	snprintf(where, sizeof(where), "%s:%zu", file, lineno);
	if (fleet_line_parse(&l, text, len, err, sizeof(err)) < 0) {
		cli_error("%s: %s", where, err);
		fl->rejected++;
		return 0;
	}
	int rc = add_line(fl, &l, where);
	fleet_line_free(&l);
	return rc < 0 ? fail_oom() : 0;
}

static int feed_line(fleet *fl, char *b, size_t start, size_t end,
                     const char *name, size_t lineno)
{
	size_t n = end - start;
	if (n && b[start + n - 1] == '\r')
		n--;
	return fleet_feed(fl, b + start, n, name, lineno);
}

static void too_long(fleet *fl, const char *name, size_t lineno)
{
	cli_error("%s:%zu: longer than %zu MiB", name, lineno,
	          FLEET_LINE_MAX >> 20);
	fl->rejected++;
}

/* Every line of f. A line past FLEET_LINE_MAX is refused without being
 * held: once the buffer is full of it, the rest up to its newline is read
 * and dropped. Returns -1 only when the run cannot go on (memory). */
static int read_input(fleet *fl, FILE *f, const char *name)
{
	size_t cap = READ_CHUNK, len = 0, lineno = 0;
	char *b = malloc(cap);
	int skipping = 0;

	if (!b)
		return fail_oom();
	for (;;) {
		if (len == cap) {       /* one partial line fills the buffer */
			if (skipping || len > FLEET_LINE_MAX) {
				skipping = 1;
				len = 0;
			} else {
				size_t nc = cap * 2 > FLEET_LINE_MAX + 1
				            ? FLEET_LINE_MAX + 1 : cap * 2;
				char *nb = realloc(b, nc);
				if (!nb) {
					free(b);
					return fail_oom();
				}
				b = nb;
				cap = nc;
			}
		}
		size_t got = fread(b + len, 1, cap - len, f);
		if (got == 0) {
			if (ferror(f)) {
				cli_error("%s: %s", name, strerror(errno));
				fl->rejected++;
			}
			break;
		}
		size_t start = 0, from = len;
		len += got;
		char *nl;
		while ((nl = memchr(b + from, '\n', len - from)) != NULL) {
			size_t end = (size_t)(nl - b);
			lineno++;
			if (skipping) {
				too_long(fl, name, lineno);
				skipping = 0;
			} else if (feed_line(fl, b, start, end, name, lineno) < 0) {
				free(b);
				return -1;
			}
			start = from = end + 1;
		}
		if (start) {
			memmove(b, b + start, len - start);
			len -= start;
		}
	}
	int rc = 0;
	if (skipping)
		too_long(fl, name, ++lineno);
	else if (len)                   /* a last line without a newline */
		rc = feed_line(fl, b, 0, len, name, ++lineno);
	free(b);
	return rc;
}

/* ---- ranking ---- */

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
	if (i == (size_t)-1) {
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
	int64_t asof;

	if (!fl->asof[0]) {
		time_t now = time(NULL);
		struct tm tm;
		if (gmtime_r(&now, &tm))
			strftime(fl->asof, sizeof(fl->asof), "%Y-%m-%d", &tm);
	}
	asof = day_number(fl->asof);
	for (size_t i = 0; i < fl->nadv; i++) {
		const fleet_adv *a = &fl->adv[i];
		int b = age_bucket(asof, a->date);
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
		return fail_oom();
	if (fl->nerr)
		qsort(fl->err, fl->nerr, sizeof(*fl->err), cmp_err);
	fl->adv_rank = rank(fl->adv, fl->nadv, sizeof(*fl->adv), cmp_adv);
	fl->crate_rank = rank(fl->crate, fl->ncrate, sizeof(*fl->crate),
	                      cmp_crate);
	fl->lock_rank = rank(fl->lock, fl->nlock, sizeof(*fl->lock), cmp_lock);
	fl->repo_rank = rank(fl->repo, fl->nrepo, sizeof(*fl->repo), cmp_repo);
	if (!fl->adv_rank || !fl->crate_rank || !fl->lock_rank ||
	    !fl->repo_rank)
		return fail_oom();
	return 0;
}

int fleet_init(fleet *fl)
{
	memset(fl, 0, sizeof(*fl));
	if (!(fl->maps = calloc(1, sizeof(maps))))
		return fail_oom();
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

/* ---- rendering: shared pieces ---- */

static size_t fleet_errors(const fleet *fl)
{
	return fl->error_lines + fl->incomplete;
}

/* Whether the fleet can be called clean of errors at all. */
static int fleet_failed(const fleet *fl, int allow_incomplete)
{
	return fl->rejected || fleet_errors(fl) || fl->reports == 0 ||
	       (fl->index_incomplete && !allow_incomplete);
}

static const char *pl(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void fleet_verdict(buf *out, const fleet *fl)
{
	if (fl->rejected)
		buf_printf(out, "error: incomplete: %zu %s rejected (see stderr); ",
		           fl->rejected, pl(fl->rejected, "line or input was",
		                            "lines or inputs were"));
	if (fleet_errors(fl))
		buf_printf(out, "error: %zu %s in the fleet (not checked); ",
		           fleet_errors(fl), pl(fleet_errors(fl), "error", "errors"));
	if (fl->index_incomplete)
		buf_printf(out, "%zu %s from an incomplete index; ",
		           fl->index_incomplete,
		           pl(fl->index_incomplete, "report", "reports"));
	if (!fl->reports)
		buf_puts(out, "error: no report in the input");
	else if (fl->vulns || fl->warns)
		buf_printf(out, "%zu %s and %zu %s in %zu of %zu %s",
		           fl->vulns, pl(fl->vulns, "vulnerability",
		                         "vulnerabilities"),
		           fl->warns, pl(fl->warns, "warning", "warnings"),
		           fl->with_vulns + fl->with_warns_only, fl->reports,
		           pl(fl->reports, "lockfile", "lockfiles"));
	else if (fleet_failed(fl, 1))
		buf_printf(out, "no findings in %zu %s", fl->reports,
		           pl(fl->reports, "lockfile", "lockfiles"));
	else
		buf_printf(out, "ok: no findings in %zu %s", fl->reports,
		           pl(fl->reports, "lockfile", "lockfiles"));
}

static void score_text(buf *out, const fleet_adv *a)
{
	if (a->score10)
		buf_printf(out, "%s %u.%u", fleet_sev_names[a->sev],
		           a->score10 / 10, a->score10 % 10);
	else if (a->kind == FK_VULN)
		buf_puts(out, "none");
	else
		buf_puts(out, fleet_kind_names[a->kind]);
}

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ---- text ---- */

static void text_lock_sevs(buf *out, const fleet_lock *k)
{
	int first = 1;
	for (int s = FLEET_SEVS - 1; s >= 0; s--)
		if (k->sev[s]) {
			buf_printf(out, "%s%s %zu", first ? " (" : ", ",
			           fleet_sev_names[s], k->sev[s]);
			first = 0;
		}
	if (!first)
		buf_putc(out, ')');
}

void fleet_text(buf *out, const fleet *fl)
{
	buf_printf(out, "Fleet report: %zu %s, as of %s\n\n", fl->reports,
	           pl(fl->reports, "lockfile", "lockfiles"), fl->asof);
	buf_printf(out, "Lockfiles:   %zu with vulnerabilities, %zu with "
	           "warnings only, %zu clean; %zu %s, %zu skipped\n",
	           fl->with_vulns, fl->with_warns_only, fl->clean,
	           fleet_errors(fl), pl(fleet_errors(fl), "error", "errors"),
	           fl->skipped);
	buf_printf(out, "Packages:    %llu\n", (unsigned long long)fl->packages);
	buf_printf(out, "Findings:    %zu (%zu %s, %zu %s) of %zu %s\n",
	           fl->findings, fl->vulns,
	           pl(fl->vulns, "vulnerability", "vulnerabilities"), fl->warns,
	           pl(fl->warns, "warning", "warnings"), fl->nadv,
	           pl(fl->nadv, "advisory", "advisories"));
	buf_puts(out, "Severity:   ");
	for (int s = FLEET_SEVS - 1; s >= 0; s--)
		buf_printf(out, " %s %zu", fleet_sev_names[s], fl->by_sev[s]);
	buf_puts(out, " (vulnerabilities)\nKind:       ");
	for (int k = 0; k < FK_COUNT; k++)
		buf_printf(out, " %s %zu", fleet_kind_names[k], fl->by_kind[k]);
	buf_putc(out, '\n');

	buf_puts(out, "\nTop advisories (lockfiles affected):\n");
	for (size_t i = 0; i < min_sz(fl->nadv, FLEET_TOP); i++) {
		const fleet_adv *a = &fl->adv[fl->adv_rank[i]];
		buf_printf(out, "  %5zu  ", a->lockfiles);
		report_text(out, a->id, 0);
		buf_puts(out, "  ");
		report_text(out, a->package ? a->package : "?", 0);
		buf_puts(out, "  ");
		score_text(out, a);
		buf_puts(out, "  ");
		report_text(out, a->title, 0);
		buf_printf(out, " (%zu %s)\n", a->findings,
		           pl(a->findings, "finding", "findings"));
	}
	if (!fl->nadv)
		buf_puts(out, "  none\n");

	buf_puts(out, "\nCrates to upgrade first:\n");
	size_t shown = 0;
	for (size_t i = 0; i < fl->ncrate && shown < FLEET_TOP; i++) {
		const fleet_crate *c = &fl->crate[fl->crate_rank[i]];
		if (!c->cleared)
			break;
		buf_puts(out, "  ");
		report_text(out, c->name, 0);
		buf_puts(out, " -> ");
		report_text(out, c->upgrade, 0);
		buf_printf(out, ": clears %zu of %zu %s in %zu %s (%zu %s)\n",
		           c->cleared, c->findings,
		           pl(c->findings, "finding", "findings"), c->lockfiles,
		           pl(c->lockfiles, "lockfile", "lockfiles"), c->nadvs,
		           pl(c->nadvs, "advisory", "advisories"));
		shown++;
	}
	if (!shown)
		buf_puts(out, "  none (no finding has a fixed version)\n");

	buf_puts(out, "\nWorst lockfiles:\n");
	shown = 0;
	for (size_t i = 0; i < fl->nlock && shown < FLEET_TOP; i++) {
		const fleet_lock *k = &fl->lock[fl->lock_rank[i]];
		if (!k->vulns && !k->warns)
			break;
		buf_printf(out, "  %3zu %s", k->vulns,
		           pl(k->vulns, "vulnerability  ", "vulnerabilities"));
		text_lock_sevs(out, k);
		buf_printf(out, ", %zu %s  ", k->warns,
		           pl(k->warns, "warning", "warnings"));
		report_text(out, k->name, 0);
		buf_putc(out, '\n');
		shown++;
	}
	if (!shown)
		buf_puts(out, "  none\n");

	if (fl->nrepo > 1) {
		buf_puts(out, "\nRepositories (lockfiles, with vulnerabilities, "
		         "vulnerabilities, warnings, errors):\n");
		for (size_t i = 0; i < min_sz(fl->nrepo, FLEET_REPOS_SHOWN); i++) {
			const fleet_repo *r = &fl->repo[fl->repo_rank[i]];
			buf_printf(out, "  %6zu %6zu %6zu %6zu %6zu  ", r->lockfiles,
			           r->with_vulns, r->vulns, r->warns, r->errors);
			report_text(out, r->name, 0);
			buf_putc(out, '\n');
		}
		if (fl->nrepo > FLEET_REPOS_SHOWN)
			buf_printf(out, "  ... and %zu more\n",
			           fl->nrepo - FLEET_REPOS_SHOWN);
	}

	buf_puts(out, "\nAge of the open findings (since the advisory's "
	         "date):\n");
	for (int b = 0; b < FLEET_AGES; b++)
		buf_printf(out, "  %-16s %6zu %s, %zu %s\n", fleet_age_names[b],
		           fl->age[b][0], pl(fl->age[b][0], "vulnerability",
		                             "vulnerabilities"),
		           fl->age[b][1], pl(fl->age[b][1], "warning", "warnings"));

	if (fl->nerr) {
		buf_printf(out, "\nErrors (%zu):\n", fl->nerr);
		for (size_t i = 0; i < min_sz(fl->nerr, FLEET_ERRORS_KEPT); i++) {
			buf_puts(out, "  ");
			report_text(out, fl->err[i].where, 0);
			buf_puts(out, ": ");
			report_text(out, fl->err[i].msg, 0);
			buf_putc(out, '\n');
		}
		if (fl->nerr > FLEET_ERRORS_KEPT)
			buf_printf(out, "  ... and %zu more\n",
			           fl->nerr - FLEET_ERRORS_KEPT);
	}
	buf_putc(out, '\n');
	fleet_verdict(out, fl);
	buf_putc(out, '\n');
}

/* ---- Markdown ---- */

static void md_adv_link(buf *out, const fleet_adv *a)
{
	char url[512];
	markup_advisory_url(url, sizeof(url), a->id, a->url);
	if (url[0]) {
		buf_putc(out, '[');
		markup_md(out, a->id);
		buf_puts(out, "](");
		markup_url_md(out, url);
		buf_putc(out, ')');
	} else {
		markup_md(out, a->id);
	}
}

void fleet_markdown(buf *out, const fleet *fl)
{
	buf_printf(out, "# Fleet report: %zu %s, as of %s\n\n", fl->reports,
	           pl(fl->reports, "lockfile", "lockfiles"), fl->asof);
	buf_puts(out, "**");
	{
		buf v = BUF_INIT;
		fleet_verdict(&v, fl);
		markup_md(out, v.p);
		buf_free(&v);
	}
	buf_puts(out, "**\n\n");
	buf_puts(out, "| | |\n|---|---|\n");
	buf_printf(out, "| Lockfiles | %zu |\n| with vulnerabilities | %zu |\n"
	           "| with warnings only | %zu |\n| clean | %zu |\n"
	           "| errors | %zu |\n| skipped | %zu |\n| packages | %llu |\n"
	           "| findings | %zu |\n| vulnerabilities | %zu |\n"
	           "| warnings | %zu |\n| advisories | %zu |\n",
	           fl->reports, fl->with_vulns, fl->with_warns_only, fl->clean,
	           fleet_errors(fl), fl->skipped,
	           (unsigned long long)fl->packages, fl->findings, fl->vulns,
	           fl->warns, fl->nadv);

	buf_puts(out, "\n## Findings by severity and kind\n\n"
	         "| Severity (vulnerabilities) | Findings |\n|---|---|\n");
	for (int s = FLEET_SEVS - 1; s >= 0; s--)
		buf_printf(out, "| %s | %zu |\n", fleet_sev_names[s], fl->by_sev[s]);
	buf_puts(out, "\n| Kind | Findings |\n|---|---|\n");
	for (int k = 0; k < FK_COUNT; k++)
		buf_printf(out, "| %s | %zu |\n", fleet_kind_names[k],
		           fl->by_kind[k]);

	buf_puts(out, "\n## Top advisories\n\n| Advisory | Crate | Severity | "
	         "Lockfiles | Findings | Title |\n|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < min_sz(fl->nadv, FLEET_TOP); i++) {
		const fleet_adv *a = &fl->adv[fl->adv_rank[i]];
		buf_puts(out, "| ");
		md_adv_link(out, a);
		buf_puts(out, " | ");
		markup_md(out, a->package);
		buf_puts(out, " | ");
		score_text(out, a);
		buf_printf(out, " | %zu | %zu | ", a->lockfiles, a->findings);
		markup_md(out, a->title);
		buf_puts(out, " |\n");
	}

	buf_puts(out, "\n## Crates to upgrade first\n\n| Crate | Upgrade to | "
	         "Clears | Findings | Lockfiles | Advisories |\n"
	         "|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < min_sz(fl->ncrate, FLEET_TOP); i++) {
		const fleet_crate *c = &fl->crate[fl->crate_rank[i]];
		if (!c->cleared)
			break;
		buf_puts(out, "| ");
		markup_md(out, c->name);
		buf_puts(out, " | ");
		markup_md(out, c->upgrade);
		buf_printf(out, " | %zu | %zu | %zu | %zu |\n", c->cleared,
		           c->findings, c->lockfiles, c->nadvs);
	}

	buf_puts(out, "\n## Worst lockfiles\n\n| Lockfile | Vulnerabilities | "
	         "Critical | High | Medium | Low | Warnings |\n"
	         "|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < min_sz(fl->nlock, FLEET_TOP); i++) {
		const fleet_lock *k = &fl->lock[fl->lock_rank[i]];
		if (!k->vulns && !k->warns)
			break;
		buf_puts(out, "| ");
		markup_md(out, k->name);
		buf_printf(out, " | %zu | %zu | %zu | %zu | %zu | %zu |\n",
		           k->vulns, k->sev[4], k->sev[3], k->sev[2], k->sev[1],
		           k->warns);
	}

	if (fl->nrepo > 1) {
		buf_puts(out, "\n## Repositories\n\n| Repository | Lockfiles | "
		         "With vulnerabilities | Vulnerabilities | Warnings | "
		         "Errors |\n|---|---|---|---|---|---|\n");
		for (size_t i = 0; i < min_sz(fl->nrepo, FLEET_REPOS_SHOWN); i++) {
			const fleet_repo *r = &fl->repo[fl->repo_rank[i]];
			buf_puts(out, "| ");
			markup_md(out, r->name);
			buf_printf(out, " | %zu | %zu | %zu | %zu | %zu |\n",
			           r->lockfiles, r->with_vulns, r->vulns,
			           r->warns, r->errors);
		}
		if (fl->nrepo > FLEET_REPOS_SHOWN)
			buf_printf(out, "\n... and %zu more repositories.\n",
			           fl->nrepo - FLEET_REPOS_SHOWN);
	}

	buf_puts(out, "\n## Age of the open findings\n\n| Since the advisory | "
	         "Vulnerabilities | Warnings |\n|---|---|---|\n");
	for (int b = 0; b < FLEET_AGES; b++)
		buf_printf(out, "| %s | %zu | %zu |\n", fleet_age_names[b],
		           fl->age[b][0], fl->age[b][1]);

	if (fl->nerr) {
		buf_printf(out, "\n## Errors (%zu)\n\n| Input | Error |\n"
		           "|---|---|\n", fl->nerr);
		for (size_t i = 0; i < min_sz(fl->nerr, FLEET_ERRORS_KEPT); i++) {
			buf_puts(out, "| ");
			markup_md(out, fl->err[i].where);
			buf_puts(out, " | ");
			markup_md(out, fl->err[i].msg);
			buf_puts(out, " |\n");
		}
		if (fl->nerr > FLEET_ERRORS_KEPT)
			buf_printf(out, "\n... and %zu more errors.\n",
			           fl->nerr - FLEET_ERRORS_KEPT);
	}
}

/* ---- JSON ---- */

static void json_sevs(json *j, const size_t *sev)
{
	json_obj_begin(j);
	for (int s = FLEET_SEVS - 1; s >= 0; s--) {
		json_key(j, fleet_sev_names[s]);
		json_uint(j, sev[s]);
	}
	json_obj_end(j);
}

static void json_count(json *j, const char *key, uint64_t n)
{
	json_key(j, key);
	json_uint(j, n);
}

void fleet_json(buf *out, const fleet *fl)
{
	json j;

	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "as-of");
	json_str(&j, fl->asof);
	json_count(&j, "lines", fl->lines);
	json_count(&j, "reports", fl->reports);
	json_count(&j, "skipped", fl->skipped);
	json_count(&j, "errors", fleet_errors(fl));
	json_count(&j, "error-lines", fl->error_lines);
	json_count(&j, "incomplete", fl->incomplete);
	json_count(&j, "rejected", fl->rejected);
	json_count(&j, "index-incomplete", fl->index_incomplete);
	json_key(&j, "lockfiles");
	json_obj_begin(&j);
	json_count(&j, "with-vulnerabilities", fl->with_vulns);
	json_count(&j, "with-warnings-only", fl->with_warns_only);
	json_count(&j, "clean", fl->clean);
	json_obj_end(&j);
	json_count(&j, "packages", fl->packages);
	json_key(&j, "findings");
	json_obj_begin(&j);
	json_count(&j, "total", fl->findings);
	json_count(&j, "vulnerabilities", fl->vulns);
	json_count(&j, "warnings", fl->warns);
	json_key(&j, "by-severity");
	json_sevs(&j, fl->by_sev);
	json_key(&j, "by-kind");
	json_obj_begin(&j);
	for (int k = 0; k < FK_COUNT; k++)
		json_count(&j, fleet_kind_names[k], fl->by_kind[k]);
	json_obj_end(&j);
	json_obj_end(&j);

	json_key(&j, "advisories");
	json_arr_begin(&j);
	for (size_t i = 0; i < fl->nadv; i++) {
		const fleet_adv *a = &fl->adv[fl->adv_rank[i]];
		json_obj_begin(&j);
		json_key(&j, "id");
		json_str(&j, a->id);
		json_key(&j, "package");
		json_str(&j, a->package);
		json_key(&j, "kind");
		json_str(&j, fleet_kind_names[a->kind]);
		json_key(&j, "severity");
		json_str(&j, a->kind == FK_VULN ? fleet_sev_names[a->sev] : NULL);
		json_key(&j, "cvss-score");
		if (a->score10)
			json_tenths(&j, a->score10);
		else
			json_str(&j, NULL);
		json_key(&j, "title");
		json_str(&j, a->title);
		json_key(&j, "date");
		json_str(&j, a->date);
		json_key(&j, "url");
		json_str(&j, a->url);
		json_count(&j, "lockfiles", a->lockfiles);
		json_count(&j, "findings", a->findings);
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_key(&j, "upgrades");
	json_arr_begin(&j);
	for (size_t i = 0; i < fl->ncrate; i++) {
		const fleet_crate *c = &fl->crate[fl->crate_rank[i]];
		json_obj_begin(&j);
		json_key(&j, "crate");
		json_str(&j, c->name);
		json_key(&j, "to");
		json_str(&j, c->cleared ? c->upgrade : NULL);
		json_count(&j, "clears", c->cleared);
		json_count(&j, "findings", c->findings);
		json_count(&j, "lockfiles", c->lockfiles);
		json_count(&j, "advisories", c->nadvs);
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_key(&j, "worst");
	json_arr_begin(&j);
	for (size_t i = 0; i < min_sz(fl->nlock, FLEET_TOP); i++) {
		const fleet_lock *k = &fl->lock[fl->lock_rank[i]];
		if (!k->vulns && !k->warns)
			break;
		json_obj_begin(&j);
		json_key(&j, "path");
		json_str(&j, k->name);
		json_key(&j, "repository");
		json_str(&j, fl->repo[k->repo].name);
		json_count(&j, "vulnerabilities", k->vulns);
		json_key(&j, "by-severity");
		json_sevs(&j, k->sev);
		json_count(&j, "warnings", k->warns);
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_key(&j, "repositories");
	json_arr_begin(&j);
	for (size_t i = 0; i < fl->nrepo; i++) {
		const fleet_repo *r = &fl->repo[fl->repo_rank[i]];
		json_obj_begin(&j);
		json_key(&j, "name");
		json_str(&j, r->name);
		json_count(&j, "lockfiles", r->lockfiles);
		json_count(&j, "with-vulnerabilities", r->with_vulns);
		json_count(&j, "vulnerabilities", r->vulns);
		json_count(&j, "warnings", r->warns);
		json_count(&j, "errors", r->errors);
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_key(&j, "ages");
	json_arr_begin(&j);
	for (int b = 0; b < FLEET_AGES; b++) {
		json_obj_begin(&j);
		json_key(&j, "age");
		json_str(&j, fleet_age_names[b]);
		json_count(&j, "vulnerabilities", fl->age[b][0]);
		json_count(&j, "warnings", fl->age[b][1]);
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_key(&j, "error-list");
	json_arr_begin(&j);
	for (size_t i = 0; i < min_sz(fl->nerr, FLEET_ERRORS_KEPT); i++) {
		json_obj_begin(&j);
		json_key(&j, "input");
		json_str(&j, fl->err[i].where);
		json_key(&j, "error");
		json_str(&j, fl->err[i].msg);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "verdict");
	{
		buf v = BUF_INIT;
		fleet_verdict(&v, fl);
		json_str(&j, v.p ? v.p : "");
		buf_free(&v);
	}
	json_obj_end(&j);
	buf_putc(out, '\n');
}

/* ---- the command ---- */

/* One operand: a file, a pipe or "-", opened as scan opens a lockfile
 * (lockfile_open_input: no device, a silent FIFO times out). */
static int read_arg(fleet *fl, const char *arg)
{
	lock_error err;
	FILE *f;
	int fd;

	memset(&err, 0, sizeof(err));
	if (lockfile_open_input(&fd, arg, &err) < 0) {
		cli_error("%s: %s", arg, err.msg);
		fl->rejected++;
		return 0;
	}
	if (fd == 0)
		return read_input(fl, stdin, "<stdin>");
	if (!(f = fdopen(fd, "rb"))) {
		cli_error("%s: %s", arg, strerror(errno));
		close(fd);
		fl->rejected++;
		return 0;
	}
	int rc = read_input(fl, f, arg);
	fclose(f);
	return rc;
}

static int denied_warnings(const fleet *fl, unsigned deny)
{
	static const struct { int kind; unsigned bit; } map[] = {
		{ FK_UNMAINTAINED, DENY_UNMAINTAINED }, { FK_UNSOUND, DENY_UNSOUND },
		{ FK_NOTICE, DENY_NOTICE }, { FK_OTHER, DENY_OTHER },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((deny & map[i].bit) && fl->by_kind[map[i].kind])
			return 1;
	return 0;
}

int cmd_report(const cli_opts *o)
{
	fleet fl;
	buf out = BUF_INIT;
	int status;

	if (o->nargs == 0) {
		cli_error("report: no input given (scan --json output files, or - "
		          "for stdin)");
		return EXIT_ERROR;
	}
	if (fleet_init(&fl) < 0)
		return EXIT_ERROR;
	for (size_t i = 0; i < o->nargs; i++)
		if (read_arg(&fl, o->args[i]) < 0) {
			fleet_free(&fl);
			return EXIT_ERROR;
		}
	if (fleet_rank(&fl) < 0) {
		fleet_free(&fl);
		return EXIT_ERROR;
	}
	switch (o->format) {
	case FORMAT_JSON: fleet_json(&out, &fl); break;
	case FORMAT_MARKDOWN: fleet_markdown(&out, &fl); break;
	case FORMAT_HTML: fleet_html(&out, &fl); break;
	default: fleet_text(&out, &fl); break;
	}
	if (fleet_failed(&fl, o->allow_incomplete))
		status = EXIT_ERROR;
	else if (fl.vulns || denied_warnings(&fl, o->deny))
		status = EXIT_FOUND;
	else
		status = EXIT_CLEAN;
	if (out.failed || buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
		cli_error("cannot write the report");
		status = EXIT_ERROR;
	}
	buf_free(&out);
	fleet_free(&fl);
	return status;
}
