/*
 * osv_range.c — OSV `ranges` events and `versions` lists to vulnerable
 * ranges, and the patched/unaffected requirement strings derived back
 * from them (osv.h states the rules; osv_int.h the shared context).
 *
 * Invariants:
 *   - Events of one range are taken in version order, stably: equal
 *     versions keep the file's order, so RustSec's empty ranges
 *     (introduced v, fixed v) come back as they were exported.
 *   - At most REQ_RANGES_MAX ranges per record (the record format's cap)
 *     and EVENTS_MAX events per range; past either, one clear error.
 *   - Every range and string lives in the osv's arena; the one scratch
 *     array (events, or the sorted copy of ranges) is freed on every path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osv_int.h"
#include "osvmap.h"
#include "req.h"

#define EVENTS_MAX 1024          /* events in one range */

static int rl_push(osv_ctx *c, osv_rlist *l, const range *r)
{
	if (l->n == l->cap) {
		if (l->cap >= REQ_RANGES_MAX) {  /* the record format's cap */
			osv_err(c, NULL, "more than %d vulnerable ranges (ranges and "
			    "versions not inside a range)", REQ_RANGES_MAX);
			return -1;
		}
		size_t cap = l->cap ? l->cap * 2 : 8;
		range *v = osv_alloc(c->o, cap * sizeof(*v));
		if (!v) {
			osv_oom(c);
			return -1;
		}
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *r;
	return 0;
}

typedef struct event {
	osv_event kind;
	int zero;                    /* "0": before every version */
	version v;
	const ynode *at;
} event;

/* A version of an event: "0" (zero), full semver, or partial (1.2). */
static int event_version(osv_ctx *c, event *e, const ynode *n)
{
	const char *why = NULL;
	int parts;

	if (n->kind != YNODE_SCALAR) {
		osv_err(c, n, "an event's version must be a string");
		return -1;
	}
	if (n->len == 1 && n->s[0] == '0') {
		e->zero = 1;
		return 0;
	}
	if (n->len > VERSION_TEXT_MAX ||
	    (version_parse(&e->v, n->s, n->len, &why) < 0 &&
	     version_parse_partial(&e->v, &parts, n->s, n->len, &why) < 0)) {
		osv_err(c, n, "bad version \"%.64s\": %s", n->s, why ? why : "too long");
		return -1;
	}
	if (e->v.major == 0 && e->v.minor == 0 && e->v.patch == 0 &&
	    strcmp(e->v.pre, "0") == 0 && e->kind == OSV_EV_INTRODUCED)
		e->zero = 1;             /* OSV_VERSION_ZERO, the least version */
	return 0;
}

static int ev_cmp(const event *a, const event *b)
{
	if (a->zero && b->zero)
		return 0;
	if (a->zero || b->zero)
		return a->zero ? -1 : 1;
	return version_cmp(&a->v, &b->v);
}

void osv_range_events(osv_ctx *c, const ynode *rg, osv_rlist *out)
{
	const char *type = osv_get_str(c, rg, OSV_TYPE);
	const ynode *evs = osv_get_seq(c, rg, OSV_EVENTS);

	if (!type) {
		osv_err(c, rg, "a range needs a `type`");
		return;
	}
	if (strcmp(type, OSV_RANGE_SEMVER) != 0 &&
	    strcmp(type, OSV_RANGE_ECOSYSTEM) != 0) {
		osv_warn(c, rg, "%.20s range skipped (only SEMVER and ECOSYSTEM "
		     "ranges are read)", type);
		return;
	}
	if (!evs || evs->n == 0) {
		osv_err(c, rg, "a range needs `events`");
		return;
	}
	if (evs->n > EVENTS_MAX) {
		osv_err(c, evs, "more than %d events", EVENTS_MAX);
		return;
	}
	event *ev = calloc(evs->n, sizeof(*ev));
	size_t n = 0;
	if (!ev) {
		osv_oom(c);
		return;
	}
	for (const ynode *e = evs->first; e; e = e->next) {
		if (e->kind != YNODE_MAP || e->n != 2) {
			osv_err(c, e, "an event must be a map with one key");
			continue;
		}
		const ynode *k = e->first;
		int kind = k->kind == YNODE_SCALAR ? osvmap_event(k->s) : -1;
		if (kind < 0) {
			osv_err(c, k, "unknown event \"%.32s\"", k->s);
			continue;
		}
		ev[n].kind = (osv_event)kind;
		ev[n].at = k->next;
		if (kind == OSV_EV_LIMIT && k->next->kind == YNODE_SCALAR &&
		    strcmp(k->next->s, OSV_LIMIT_NONE) == 0)
			continue;            /* limit "*": no limit */
		if (event_version(c, &ev[n], k->next) == 0)
			n++;
	}
	/* stable insertion sort: equal versions keep the file's order, so
	 * an empty range [v, v) written as introduced v, fixed v stays */
	for (size_t i = 1; i < n; i++) {
		event t = ev[i];
		size_t j = i;
		for (; j > 0 && ev_cmp(&ev[j - 1], &t) > 0; j--)
			ev[j] = ev[j - 1];
		ev[j] = t;
	}
	range cur;
	int open = 0;
	memset(&cur, 0, sizeof(cur));
	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind == OSV_EV_INTRODUCED) {
			if (open)
				continue;
			memset(&cur, 0, sizeof(cur));
			cur.has_introduced = !ev[i].zero;
			cur.introduced = ev[i].v;
			open = 1;
			continue;
		}
		if (!open || ev[i].zero)
			continue;
		cur.has_fixed = 1;
		cur.fixed = ev[i].v;
		if (ev[i].kind == OSV_EV_LAST_AFFECTED &&
		    version_next(&cur.fixed, &ev[i].v) < 0) {
			osv_err(c, ev[i].at, "last_affected version has no next version");
			break;
		}
		open = 0;
		if (rl_push(c, out, &cur) < 0)
			break;
	}
	if (open) {
		cur.has_fixed = 0;
		rl_push(c, out, &cur);
	}
	free(ev);
}

void osv_range_versions(osv_ctx *c, const ynode *vs, osv_rlist *out)
{
	for (const ynode *n = vs->first; n; n = n->next) {
		const char *why = NULL;
		range r;
		memset(&r, 0, sizeof(r));
		if (n->kind != YNODE_SCALAR || n->len > VERSION_TEXT_MAX ||
		    version_parse(&r.introduced, n->s, n->len, &why) < 0) {
			osv_err(c, n, "bad version in `versions`: %.64s", n->kind ==
			    YNODE_SCALAR ? n->s : "(not a string)");
			continue;
		}
		if (ranges_contain(out->v, out->n, &r.introduced))
			continue;
		r.has_introduced = r.has_fixed = 1;
		if (version_next(&r.fixed, &r.introduced) < 0) {
			osv_err(c, n, "version %.64s has no next version", n->s);
			continue;
		}
		if (rl_push(c, out, &r) < 0)
			return;
	}
}

/* ---- requirements derived from the ranges ---- */

static int rng_empty(const range *r)
{
	return r->has_introduced && r->has_fixed &&
	       version_cmp(&r->introduced, &r->fixed) >= 0;
}

static int rng_cmp_lo(const range *a, const range *b)
{
	if (!a->has_introduced || !b->has_introduced)
		return b->has_introduced - a->has_introduced;
	return version_cmp(&a->introduced, &b->introduced);
}

/* One requirement string ">= lo[, < hi]" or "< hi" into the arena. */
static const char *req_text(osv_ctx *c, const version *lo, const version *hi)
{
	char a[VERSION_TEXT_MAX + 1], b[VERSION_TEXT_MAX + 1];
	char t[2 * VERSION_TEXT_MAX + 16];

	if (lo)
		version_format(lo, a, sizeof(a));
	if (hi)
		version_format(hi, b, sizeof(b));
	if (lo && hi)
		snprintf(t, sizeof(t), ">= %s, < %s", a, b);
	else if (lo)
		snprintf(t, sizeof(t), ">= %s", a);
	else
		snprintf(t, sizeof(t), "< %s", b);
	return osv_str(c->o, t, strlen(t));
}

/*
 * patched / unaffected, derived from the ranges so reports can say what
 * to upgrade to: between and after the vulnerable ranges (from a fixed
 * bound) is patched, before the first one is unaffected. Left empty when
 * the ranges overlap (several entries or versions lists mixed).
 */
void osv_range_derive(osv_ctx *c, adv_record *r)
{
	size_t n = 0;
	range *v = r->nranges ? calloc(r->nranges, sizeof(*v)) : NULL;

	if (!v)
		return;
	for (uint32_t i = 0; i < r->nranges; i++)
		if (!rng_empty(&r->ranges[i]))
			v[n++] = r->ranges[i];
	for (size_t i = 1; i < n; i++) {     /* insertion sort by lower bound */
		range t = v[i];
		size_t j = i;
		for (; j > 0 && rng_cmp_lo(&v[j - 1], &t) > 0; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	for (size_t i = 0; i + 1 < n; i++)
		if (!v[i].has_fixed || !v[i + 1].has_introduced ||
		    version_cmp(&v[i].fixed, &v[i + 1].introduced) > 0)
			n = 0;                       /* overlapping: no derivation */
	const char **pt = n ? osv_alloc(c->o, n * sizeof(*pt)) : NULL;
	const char **ua = n ? osv_alloc(c->o, sizeof(*ua)) : NULL;
	if (n && pt && ua) {
		if (v[0].has_introduced &&
		    (ua[0] = req_text(c, NULL, &v[0].introduced)) != NULL) {
			r->unaffected.v = ua;
			r->unaffected.n = 1;
		}
		r->patched.v = pt;
		for (size_t i = 0; i < n; i++) {
			if (!v[i].has_fixed)
				continue;
			const version *hi = i + 1 < n ? &v[i + 1].introduced : NULL;
			if (hi && !version_cmp(hi, &v[i].fixed))
				continue;                /* touching ranges: no gap */
			const char *t = req_text(c, &v[i].fixed, hi);
			if (t)
				pt[r->patched.n++] = t;
		}
	}
	free(v);
}
