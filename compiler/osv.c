/*
 * osv.c — see osv.h. Reads OSV's fields (their names and derived values
 * are schema/osvmap.h's, shared with the export): which are required,
 * their types, the fallbacks, and how references become the record's url
 * and references.
 *
 * The ranges themselves (events, versions lists, derived requirements)
 * are osv_range.c's; the parts both share are in osv_int.h.
 *
 * Invariants:
 *   - Every string and array a record points to lives in the osv's arena;
 *     the ytree and the caller's text are released before osv_parse
 *     returns.
 *   - Every check that fails adds an error and moves on; -1 is returned
 *     iff an error was added here. Unknown keys are allowed (OSV is
 *     extensible: database_specific, schema_version, credits ...).
 *   - A wrong type is an error naming the key, never a crash: every node
 *     is looked at through its kind first.
 */
#include "osv.h"
#include "osv_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvss.h"
#include "errbuf.h"
#include "limit.h"
#include "osvmap.h"
#include "req.h"
#include "rfc3339.h"
#include "ytree.h"

void *osv_alloc(osv *o, size_t n)
{
	return arena_alloc(&o->mem, n);
}

const char *osv_str(osv *o, const char *s, size_t len)
{
	return arena_strn(&o->mem, s, len);
}

void osv_free(osv *o)
{
	if (!o)
		return;
	arena_free(&o->mem);
	free(o->recs);
	free(o);
}

size_t osv_count(const osv *o) { return o ? o->n : 0; }
size_t osv_skipped(const osv *o) { return o ? o->skipped : 0; }

const adv_record *osv_record(const osv *o, size_t i)
{
	return o && i < o->n ? &o->recs[i] : NULL;
}

void osv_err(osv_ctx *c, const ynode *at, const char *fmt, ...)
{
	char msg[DIAG_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(msg, sizeof(msg), "bad value", fmt, ap);
	va_end(ap);
	diag_add(c->d, DIAG_ERROR, c->path, at ? at->line : 0, "%s", msg);
	c->errors++;
}

void osv_warn(osv_ctx *c, const ynode *at, const char *fmt, ...)
{
	char msg[DIAG_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(msg, sizeof(msg), "warning", fmt, ap);
	va_end(ap);
	diag_add(c->d, DIAG_WARNING, c->path, at ? at->line : 0, "%s", msg);
}

void *osv_oom(osv_ctx *c)
{
	osv_err(c, NULL, "out of memory");
	return NULL;
}

/* The string at key of m: NULL when absent or null; an error when it is
 * not a scalar. */
const char *osv_get_str(osv_ctx *c, const ynode *m, const char *key)
{
	const ynode *v = ynode_get(m, key);

	if (!v || v->kind == YNODE_NULL)
		return NULL;
	if (v->kind != YNODE_SCALAR) {
		osv_err(c, v, "`%s` must be a string", key);
		return NULL;
	}
	const char *s = osv_str(c->o, v->s, v->len);
	return s ? s : osv_oom(c);
}

/* A sequence (or nothing) at key of m: NULL when absent or null. */
const ynode *osv_get_seq(osv_ctx *c, const ynode *m, const char *key)
{
	const ynode *v = ynode_get(m, key);

	if (!v || v->kind == YNODE_NULL)
		return NULL;
	if (v->kind != YNODE_SEQ) {
		osv_err(c, v, "`%s` must be a list", key);
		return NULL;
	}
	return v;
}

static const ynode *get_map(osv_ctx *c, const ynode *m, const char *key)
{
	const ynode *v = ynode_get(m, key);

	if (!v || v->kind == YNODE_NULL)
		return NULL;
	if (v->kind != YNODE_MAP) {
		osv_err(c, v, "`%s` must be a table (map)", key);
		return NULL;
	}
	return v;
}

/* A list of strings at key of m into *out (empty when absent). */
static void get_list(osv_ctx *c, const ynode *m, const char *key, strlist *out)
{
	const ynode *s = osv_get_seq(c, m, key);

	out->v = NULL;
	out->n = 0;
	if (!s || s->n == 0)
		return;
	if (s->n > RECORD_LIST_MAX) {
		osv_err(c, s, "`%s` has more than %d items", key, RECORD_LIST_MAX);
		return;
	}
	out->v = osv_alloc(c->o, s->n * sizeof(*out->v));
	if (!out->v) {
		osv_oom(c);
		return;
	}
	for (const ynode *k = s->first; k; k = k->next) {
		if (k->kind != YNODE_SCALAR) {
			osv_err(c, k, "`%s` items must be strings", key);
			continue;
		}
		const char *t = osv_str(c->o, k->s, k->len);
		if (!t) {
			osv_oom(c);
			return;
		}
		out->v[out->n++] = t;
	}
}

/* The items of list key of m (read by get_list into l) as ids: each
 * within the index's cap, or an error on its own line. */
static void check_ids(osv_ctx *c, const ynode *m, const char *key,
                      const strlist *l)
{
	const ynode *s = ynode_get(m, key);
	char msg[160];
	uint32_t i = 0;

	for (const ynode *k = s ? s->first : NULL; k && i < l->n; k = k->next) {
		if (k->kind != YNODE_SCALAR)
			continue;               /* get_list reported it */
		if (limit_id_check("alias", l->v[i++], msg, sizeof(msg)) < 0)
			osv_err(c, k, "%s", msg);
	}
}

/* The date part of key's value, or NULL (an error when malformed). */
static const char *get_date(osv_ctx *c, const ynode *m, const char *key)
{
	const char *s = osv_get_str(c, m, key);

	if (!s)
		return NULL;
	if (!rfc3339_is_date(s)) {
		osv_err(c, ynode_get(m, key), "`%s` is not a date: %.40s", key, s);
		return NULL;
	}
	const char *d = osv_str(c->o, s, 10);
	return d ? d : osv_oom(c);
}

/* ---- the record ---- */

static int is_crate_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

static void set_cvss(osv_ctx *c, adv_record *r, const char *v, const ynode *at)
{
	cvss cv;
	char e[128];

	if (!v)
		return;
	if (cvss_parse(&cv, v, strlen(v), e, sizeof(e)) < 0) {
		osv_err(c, at, "bad CVSS vector: %s", e);
		return;
	}
	r->cvss = v;
	r->cvss_score10 = cv.has_score ? cv.score10 : 0;
	r->severity = cv.has_score ? cv.severity : ADV_SEV_NONE;
}

/* The url and references of r from OSV references: drop the two links
 * export-osv derives from the package and the id, keep the rest. */
static void set_refs(osv_ctx *c, adv_record *r, const ynode *top)
{
	const ynode *refs = osv_get_seq(c, top, OSV_REFERENCES);
	char pkg[OSV_LINK_MAX], adv[OSV_LINK_MAX];
	int seen_pkg = 0, seen_adv = 0;

	if (!refs || refs->n == 0)
		return;
	osvmap_package_link(pkg, sizeof(pkg), r->package);
	osvmap_advisory_link(adv, sizeof(adv), r->id);
	r->references.v = osv_alloc(c->o, refs->n * sizeof(char *));
	if (!r->references.v) {
		osv_oom(c);
		return;
	}
	for (const ynode *x = refs->first; x; x = x->next) {
		if (x->kind != YNODE_MAP) {
			osv_err(c, x, "a reference must be a map");
			continue;
		}
		const char *url = osv_get_str(c, x, OSV_URL);
		const char *type = osv_get_str(c, x, OSV_TYPE);
		if (!url) {
			osv_err(c, x, "a reference needs a `url`");
			continue;
		}
		/* only their first appearance: the advisory's own url may be
		 * the same link again */
		if (!seen_pkg && type && !strcmp(type, OSV_REF_PACKAGE) &&
		    !strcmp(url, pkg)) {
			seen_pkg = 1;
			continue;
		}
		if (!seen_adv && type && !strcmp(type, OSV_REF_ADVISORY) &&
		    !strcmp(url, adv)) {
			seen_adv = 1;
			continue;
		}
		if (!r->url)
			r->url = url;
		else
			r->references.v[r->references.n++] = url;
	}
}

/* The functions of affects.functions: paths without requirements. */
static void set_functions(osv_ctx *c, adv_record *r, const ynode *affects)
{
	strlist f;

	get_list(c, affects, OSV_FUNCTIONS, &f);
	if (!f.n)
		return;
	r->functions = osv_alloc(c->o, f.n * sizeof(*r->functions));
	if (!r->functions) {
		osv_oom(c);
		return;
	}
	for (uint32_t i = 0; i < f.n; i++)
		r->functions[i].path = f.v[i];
	r->nfunctions = f.n;
}

/* The record of this entry's package: found, or a new one from base. */
static adv_record *package_record(osv_ctx *c, const adv_record *base,
                                  const char *name, const ynode *entry,
                                  const char *top_cvss, const ynode *top)
{
	osv *o = c->o;

	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->recs[i].package, name) == 0)
			return &o->recs[i];
	if (o->n == OSV_PACKAGES_MAX) {
		osv_err(c, entry, "more than %d crates.io packages", OSV_PACKAGES_MAX);
		return NULL;
	}
	if (!o->recs) {
		o->recs = calloc(OSV_PACKAGES_MAX, sizeof(*o->recs));
		if (!o->recs)
			return osv_oom(c);
	}
	adv_record *r = &o->recs[o->n++];
	*r = *base;
	r->package = name;
	const ynode *eco = get_map(c, entry, OSV_ECOSYSTEM_SPECIFIC);
	const ynode *aff = get_map(c, eco, OSV_AFFECTS);
	get_list(c, aff, OSV_OS, &r->os);
	get_list(c, aff, OSV_ARCH, &r->arch);
	set_functions(c, r, aff);
	const ynode *db = get_map(c, entry, OSV_DATABASE_SPECIFIC);
	get_list(c, db, OSV_CATEGORIES, &r->categories);
	r->informational = osv_get_str(c, db, OSV_INFORMATIONAL);
	r->info = (uint8_t)record_info_of(r->informational);
	const char *cv = osv_get_str(c, db, OSV_CVSS);
	set_cvss(c, r, cv ? cv : top_cvss, cv ? ynode_get(db, OSV_CVSS) : top);
	set_refs(c, r, top);
	return r;
}

/* The first CVSS vector of the top-level severity list, or NULL. */
static const char *top_cvss(osv_ctx *c, const ynode *top)
{
	const ynode *sev = osv_get_seq(c, top, OSV_SEVERITY);

	for (const ynode *s = sev ? sev->first : NULL; s; s = s->next) {
		const char *type = osv_get_str(c, s, OSV_TYPE);
		const char *score = osv_get_str(c, s, OSV_SCORE);
		if (type && score && osvmap_severity_is_cvss(type))
			return score;
	}
	return NULL;
}

static void parse_top(osv_ctx *c, const ynode *top)
{
	adv_record base;

	memset(&base, 0, sizeof(base));
	if (top->kind != YNODE_MAP) {
		osv_err(c, top, "an OSV file must be a map");
		return;
	}
	base.source = c->source;
	base.path = osv_str(c->o, c->path, strlen(c->path));
	base.id = osv_get_str(c, top, OSV_ID);
	if (!base.id) {
		osv_err(c, top, "no `id`");
		return;
	}
	char msg[160];
	if (limit_id_check("id", base.id, msg, sizeof(msg)) < 0) {
		osv_err(c, ynode_get(top, OSV_ID), "%s", msg);   /* the index's cap */
		return;
	}
	if (!osvmap_id_ok(base.id)) {
		osv_err(c, ynode_get(top, OSV_ID), "bad id \"%.64s\" (letters, digits, "
		    "'-', '_', '.')", base.id);
		return;
	}
	const char *mod = osv_get_str(c, top, OSV_MODIFIED);
	if (mod) {
		if (rfc3339_parse(&base.modified, mod) < 0)
			osv_err(c, ynode_get(top, OSV_MODIFIED), "`modified` is not an "
			    "RFC 3339 time: %.40s", mod);
	}
	base.date = get_date(c, top, OSV_PUBLISHED);
	if (!base.date && mod && rfc3339_is_date(mod))
		base.date = osv_str(c->o, mod, 10);
	if (!base.date)
		osv_err(c, top, "no `published` or `modified` date");
	base.withdrawn = get_date(c, top, OSV_WITHDRAWN);
	get_list(c, top, OSV_ALIASES, &base.aliases);
	check_ids(c, top, OSV_ALIASES, &base.aliases);
	get_list(c, top, OSV_RELATED, &base.related);
	base.title = osv_get_str(c, top, OSV_SUMMARY);
	if (!base.title)
		base.title = base.id;
	base.description = osv_get_str(c, top, OSV_DETAILS);
	if (!base.description)
		base.description = "";
	base.license = osv_get_str(c, get_map(c, top, OSV_DATABASE_SPECIFIC),
	                           OSV_LICENSE);
	base.collection = ADV_CRATES;
	const char *tcv = top_cvss(c, top);

	const ynode *aff = osv_get_seq(c, top, OSV_AFFECTED);
	for (const ynode *e = aff ? aff->first : NULL; e; e = e->next) {
		if (e->kind != YNODE_MAP) {
			osv_err(c, e, "an `affected` entry must be a map");
			continue;
		}
		const ynode *pk = get_map(c, e, OSV_PACKAGE);
		const char *eco = osv_get_str(c, pk, OSV_ECOSYSTEM);
		const char *name = osv_get_str(c, pk, OSV_NAME);
		if (!eco || !name) {
			osv_err(c, e, "an `affected` entry needs package.ecosystem and "
			    "package.name");
			continue;
		}
		if (strcmp(eco, OSV_CRATES_IO) != 0) {
			c->o->skipped++;
			continue;
		}
		if (!is_crate_name(name)) {
			osv_err(c, ynode_get(pk, OSV_NAME), "bad crate name \"%.64s\"", name);
			continue;
		}
		adv_record *r = package_record(c, &base, name, e, tcv, top);
		if (!r)
			continue;
		osv_rlist rl = { .v = r->ranges, .n = r->nranges, .cap = r->nranges };
		const ynode *rgs = osv_get_seq(c, e, OSV_RANGES);
		for (const ynode *g = rgs ? rgs->first : NULL; g; g = g->next) {
			if (g->kind != YNODE_MAP)
				osv_err(c, g, "a range must be a map");
			else
				osv_range_events(c, g, &rl);
		}
		const ynode *vs = osv_get_seq(c, e, OSV_VERSIONS);
		if (vs)
			osv_range_versions(c, vs, &rl);
		if (!rgs && !vs)
			osv_warn(c, e, "%s: no ranges and no versions: affects nothing",
			     name);
		r->ranges = rl.v;
		r->nranges = (uint32_t)rl.n;
	}
	for (size_t i = 0; i < c->o->n; i++)
		osv_range_derive(c, &c->o->recs[i]);
}

int osv_parse(osv **out, const char *source, const char *path,
              const char *text, size_t len, diag_list *d)
{
	char e[DIAG_MSG_MAX];
	ytree *t = NULL;

	*out = NULL;
	osv *o = calloc(1, sizeof(*o));
	if (!o) {
		diag_add(d, DIAG_ERROR, path, 0, "out of memory");
		return -1;
	}
	osv_ctx c = { .o = o, .source = source, .path = path, .d = d };
	if (ytree_parse(&t, text, len, e, sizeof(e)) < 0) {
		unsigned long line = 0;
		const char *msg = e;
		if (sscanf(e, "line %lu:", &line) == 1) {
			msg = strchr(e, ':') + 1;
			msg += *msg == ' ';
		}
		diag_add(d, DIAG_ERROR, path, (unsigned)line, "%s", msg);
		osv_free(o);
		return -1;
	}
	parse_top(&c, ytree_root(t));
	ytree_free(t);
	if (c.errors) {
		osv_free(o);
		return -1;
	}
	*out = o;
	return 0;
}
