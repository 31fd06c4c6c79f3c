/*
 * report.c — human and JSON reports of findings (see report.h).
 *
 * JSON: rustsec's Report (rustsec/src/report.rs and the serde types it
 * holds: advisory::Metadata, Versions, Affected, cargo_lock::Package,
 * Warning), key for key and in its order, so cargo-audit's readers read
 * ours; tests/golden/cargo-audit/report.shape is that shape, checked by
 * tests/e2e/audit.sh. Keys advdb adds: lockfile.path, binary,
 * index_incomplete, error/errors, and advdb-dependency-paths per finding.
 * Text: cargo-audit's presenter (cargo-audit/src/presenter.rs): the
 * package, the advisory, the solution, the inverted dependency tree once
 * per package; then a summary line that never says "ok" when anything
 * fails the run.
 *
 * Deciding never needs the full advisory, rendering does: it is fetched
 * (and decompressed) per finding, or once per run when the session has a
 * rendered-advisory cache (scan), which then holds the advisory's part of
 * the output.
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cargo_req.h"
#include "cli.h"
#include "escape.h"
#include "rcache.h"
#include "sarif.h"
#include "scope.h"
#include "version.h"
#include "rfc3339.h"

#define C_RED    "1;31"
#define C_YELLOW "1;33"
#define C_GREEN  "1;32"
#define C_BOLD   "1"

const advdb_kind report_warning_order[3] = {
	ADVDB_KIND_NOTICE, ADVDB_KIND_UNMAINTAINED, ADVDB_KIND_UNSOUND
};

void report_color(buf *out, int on, const char *code, const char *text)
{
	if (on)
		buf_printf(out, "\033[%sm", code);
	report_text(out, text, 0);
	if (on)
		buf_puts(out, "\033[0m");
}

void report_text(buf *out, const char *s, int keep_nl)
{
	unsigned flags = keep_nl ? ESCAPE_MULTILINE : 0;
	size_t n, i = 0;

	if (!s)
		return;
	n = strlen(s);
	while (i < n) {
		size_t run = escape_span(s + i, n - i, flags);
		buf_put(out, s + i, run);
		i += run;
		if (i < n) {
			char e[ESCAPE_SEQ_MAX];
			size_t el;
			i += escape_one(e, &el, s + i, n - i);
			buf_put(out, e, el);
		}
	}
}

const char *report_req(char *out, size_t cap, const char *raw)
{
	cargo_req r;
	char err[8];

	if (!raw || cargo_req_parse(&r, raw, strlen(raw), err, sizeof err) < 0 ||
	    cargo_req_format(out, cap, &r) >= cap)
		return raw;
	return out;
}

const char *report_advisory_url(char *out, size_t cap,
                                const advdb_advisory *a)
{
	static const struct { const char *prefix, *base; } pages[] = {
		{ "RUSTSEC-", "https://rustsec.org/advisories/" },
		{ "CVE-", "https://www.cve.org/CVERecord?id=" },
		{ "GHSA-", "https://github.com/advisories/" },
		{ "TALOS-", "https://www.talosintelligence.com/reports/" },
	};
	const char *id = advdb_advisory_field(a, ADVDB_F_ID);
	const char *url = advdb_advisory_field(a, ADVDB_F_URL);
	const char *lic = advdb_advisory_field(a, ADVDB_F_LICENSE);

	if (url && lic && !strcmp(lic, "CC-BY-4.0"))
		return url;
	for (size_t i = 0; id && i < sizeof pages / sizeof pages[0]; i++)
		if (!strncmp(id, pages[i].prefix, strlen(pages[i].prefix)) &&
		    strcmp(id, "RUSTSEC-0000-0000") != 0) {
			int w = snprintf(out, cap, "%s%s", pages[i].base, id);
			if (w > 0 && (size_t)w < cap)
				return out;
		}
	return url;
}

/* ---- JSON ---- */

static void json_list(json *j, const advdb_advisory *a, advdb_list l)
{
	size_t n = advdb_advisory_list_len(a, l);

	json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		const char *s = advdb_advisory_list_at(a, l, i);
		if (s)
			json_str(j, s);
	}
	json_arr_end(j);
}

void report_advisory_json(json *j, const advdb_advisory *a)
{
	const char *lic = advdb_advisory_field(a, ADVDB_F_LICENSE);
	const char *col = advdb_advisory_field(a, ADVDB_F_COLLECTION);

	json_obj_begin(j);
	json_key_lit(j, "id");
	json_str(j, advdb_advisory_field(a, ADVDB_F_ID));
	json_key_lit(j, "package");
	json_str(j, advdb_advisory_field(a, ADVDB_F_PACKAGE));
	json_key_lit(j, "title");
	json_str(j, advdb_advisory_field(a, ADVDB_F_TITLE));
	json_key_lit(j, "description");
	json_str(j, advdb_advisory_field(a, ADVDB_F_DESCRIPTION));
	json_key_lit(j, "date");
	json_str(j, advdb_advisory_field(a, ADVDB_F_DATE));
	json_key_lit(j, "aliases");
	json_list(j, a, ADVDB_L_ALIASES);
	json_key_lit(j, "related");
	json_list(j, a, ADVDB_L_RELATED);
	json_key_lit(j, "collection");
	json_str(j, col ? col : "crates");
	json_key_lit(j, "categories");
	json_list(j, a, ADVDB_L_CATEGORIES);
	json_key_lit(j, "keywords");
	json_list(j, a, ADVDB_L_KEYWORDS);
	json_key_lit(j, "cvss");
	json_str(j, advdb_advisory_field(a, ADVDB_F_CVSS));
	json_key_lit(j, "informational");
	json_str(j, advdb_advisory_field(a, ADVDB_F_INFORMATIONAL));
	json_key_lit(j, "references");
	json_list(j, a, ADVDB_L_REFERENCES);
	/* rustsec's `source` is the package's registry (null: crates.io);
	 * the index's source name is something else, so it stays out. */
	json_key_lit(j, "source");
	json_str(j, NULL);
	json_key_lit(j, "url");
	json_str(j, advdb_advisory_field(a, ADVDB_F_URL));
	json_key_lit(j, "withdrawn");
	json_str(j, advdb_advisory_field(a, ADVDB_F_WITHDRAWN));
	json_key_lit(j, "license");
	json_str(j, lic ? lic : "CC0-1.0");
	json_key_lit(j, "expect-deleted");
	json_bool(j, advdb_advisory_expect_deleted(a));
	json_obj_end(j);
}

static void json_reqs(json *j, const advdb_advisory *a, advdb_list l)
{
	size_t n = advdb_advisory_list_len(a, l);
	char t[REQ_TEXT_MAX + 64];

	json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		const char *s = advdb_advisory_list_at(a, l, i);
		if (s)
			json_str(j, report_req(t, sizeof t, s));
	}
	json_arr_end(j);
}

void report_versions_json(json *j, const advdb_advisory *a)
{
	json_obj_begin(j);
	json_key_lit(j, "patched");
	json_reqs(j, a, ADVDB_L_PATCHED);
	json_key_lit(j, "unaffected");
	json_reqs(j, a, ADVDB_L_UNAFFECTED);
	json_obj_end(j);
}

/* rustsec keeps functions in a BTreeMap keyed by FunctionPath, a list of
 * identifiers: ordered segment by segment, bytewise. */
static int cmp_path(const char *a, const char *b)
{
	for (;;) {
		size_t la = strcspn(a, ":"), lb = strcspn(b, ":");
		int c = memcmp(a, b, la < lb ? la : lb);
		if (c || la != lb)
			return c ? c : (la < lb ? -1 : 1);
		a += la;
		b += lb;
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
		a += a[1] == ':' ? 2 : 1;
		b += b[1] == ':' ? 2 : 1;
	}
}

typedef struct fn_ref {
	const char *path;
	size_t i;
} fn_ref;

static int cmp_fn(const void *x, const void *y)
{
	return cmp_path(((const fn_ref *)x)->path, ((const fn_ref *)y)->path);
}

void report_affected_json(json *j, const advdb_advisory *a)
{
	size_t nf = advdb_advisory_function_count(a), m = 0;
	char t[REQ_TEXT_MAX + 64];
	fn_ref *v;

	if (!nf && !advdb_advisory_list_len(a, ADVDB_L_OS) &&
	    !advdb_advisory_list_len(a, ADVDB_L_ARCH)) {
		json_str(j, NULL);
		return;
	}
	json_obj_begin(j);
	json_key_lit(j, "arch");
	json_list(j, a, ADVDB_L_ARCH);
	json_key_lit(j, "os");
	json_list(j, a, ADVDB_L_OS);
	json_key_lit(j, "functions");
	json_obj_begin(j);
	if (nf && (v = malloc(nf * sizeof(*v))) != NULL) {
		for (size_t i = 0; i < nf; i++)
			if ((v[m].path = advdb_advisory_function(a, i, NULL, NULL)))
				v[m++].i = i;
		qsort(v, m, sizeof(*v), cmp_fn);
		for (size_t k = 0; k < m; k++) {
			size_t nr = 0;
			const char *const *reqs = NULL;
			advdb_advisory_function(a, v[k].i, &nr, &reqs);
			json_key(j, v[k].path);
			json_arr_begin(j);
			for (size_t r = 0; reqs && r < nr; r++)
				json_str(j, report_req(t, sizeof t, reqs[r]));
			json_arr_end(j);
		}
		free(v);
	} else if (nf) {
		j->out->failed = 1;     /* out of memory: the report fails */
	}
	json_obj_end(j);
	json_obj_end(j);
}

/* cargo_lock::Dependency: name, version, source (null: a path). */
static void dep_fields_json(json *j, const char *name, const char *version,
                            const char *source)
{
	const json_field f[] = {
		JSON_FIELD("name", name),
		JSON_FIELD("version", version),
		JSON_FIELD("source", source),
	};

	json_str_object(j, f, 3);
}

void report_dep_pkg_json(json *j, const lock_pkg *p)
{
	dep_fields_json(j, p->name, p->version, p->source);
}

/* An entry that names its package's own strings (lockdeps.c, bin.c) is
 * that package's dependency object, which t keeps rendered. */
static void dep_json(json *j, const dep_ref *d, const report_in *r,
                     deptree *t)
{
	const lock_pkg *p = t && d->to < r->graph->n ? &r->pkgs[d->to] : NULL;

	if (p && d->name == p->name && d->version == p->version &&
	    d->source == p->source)
		deptree_pkg_json(j, t, d->to, DEPTREE_DEP);
	else
		dep_fields_json(j, d->name, d->version, d->source);
}

/* cargo_lock::Package: name, version, source, checksum, dependencies
 * (left out when empty, as serde's skip_serializing_if), replace. t: the
 * report's tree, which keeps dependency objects rendered (or NULL). */
static void package_json(json *j, const report_in *r, const lock_pkg *p,
                         deptree *t)
{
	const depgraph *g = r->graph;
	size_t i = r->pkgs && p >= r->pkgs ? (size_t)(p - r->pkgs) : DEP_NONE;

	if (!g || !g->start || i >= g->n)
		i = DEP_NONE;
	const json_field f[] = {
		JSON_FIELD("name", p->name),
		JSON_FIELD("version", p->version),
		JSON_FIELD("source", p->source),
		JSON_FIELD("checksum", p->checksum),
	};

	json_obj_begin(j);
	json_str_members(j, f, 4);
	if (i != DEP_NONE && g->start[i + 1] > g->start[i]) {
		json_key_lit(j, "dependencies");
		json_arr_begin(j);
		for (size_t k = g->start[i]; k < g->start[i + 1]; k++)
			dep_json(j, &g->dep[k], r, t);
		json_arr_end(j);
	}
	json_key_lit(j, "replace");
	if (i != DEP_NONE && g->replace && g->replace[i].name)
		dep_json(j, &g->replace[i], r, NULL);
	else
		json_str(j, NULL);
	json_obj_end(j);
}

static void strings_json(json *j, const char *const *v, size_t n)
{
	json_arr_begin(j);
	for (size_t i = 0; i < n; i++)
		json_str(j, v[i]);
	json_arr_end(j);
}

void report_header_json(json *j, const session *s, const report_in *r)
{
	static const char *const info_default[] = {
		"unmaintained", "unsound", "notice"
	};
	const cli_opts *o = s->opts;
	char when[RFC3339_MAX];

	json_key_lit(j, "database");
	json_obj_begin(j);
	json_key_lit(j, "advisory-count");
	json_uint(j, s->info.advisory_count);
	json_key_lit(j, "last-commit");
	json_str(j, s->info.source_commit[0] ? s->info.source_commit : NULL);
	json_key_lit(j, "last-updated");
	rfc3339_format_offset(when, s->info.source_time,
	                      s->info.source_utc_offset);
	json_str(j, when[0] ? when : NULL);
	json_obj_end(j);

	json_key_lit(j, "lockfile");
	json_obj_begin(j);
	json_key_lit(j, "dependency-count");
	json_uint(j, r->ndeps);
	if (r->path) {
		json_key_lit(j, "path");
		json_str(j, r->path);
	}
	json_obj_end(j);
	if (r->bin)
		report_bin_json(j, r->bin);

	json_key_lit(j, "settings");
	json_obj_begin(j);
	json_key_lit(j, "target_arch");
	strings_json(j, o->arch, o->narch);
	json_key_lit(j, "target_os");
	strings_json(j, o->os, o->nos);
	json_key_lit(j, "severity");
	json_str(j, o->has_severity ? severity_name(o->severity) : NULL);
	json_key_lit(j, "ignore");
	strings_json(j, o->ignore, o->nignore);
	json_key_lit(j, "informational_warnings");
	if (o->info_set)
		strings_json(j, o->info, o->ninfo);
	else
		strings_json(j, info_default, 3);
	json_obj_end(j);
}

static int fetch(advdb_advisory **a, const session *s, const finding *fd)
{
	return advdb_advisory_get(a, s->db, fd->m.id);
}

/*
 * The part of a finding that depends only on its advisory is the same for
 * every package it is reported on: take it from the session's cache, or
 * fetch the advisory, render it into tmp with `render` and cache it.
 * On ADVDB_OK *frag and *len hold the text, valid until tmp is freed (the
 * caller frees tmp either way).
 */
typedef void render_fn(buf *out, const advdb_advisory *a, const session *s,
                       const finding *fd);

static int rendered(const char **frag, size_t *len, buf *tmp,
                    const session *s, const finding *fd, render_fn *render)
{
	advdb_advisory *a = NULL;
	int rc;

	if (s->rcache && (*frag = rcache_get(s->rcache, fd->m.id, len)))
		return ADVDB_OK;
	if ((rc = fetch(&a, s, fd)) != ADVDB_OK)
		return rc;
	render(tmp, a, s, fd);
	advdb_advisory_free(a);
	if (tmp->failed)
		return ADVDB_ENOMEM;
	if (s->rcache)
		rcache_put(s->rcache, fd->m.id, tmp->p, tmp->len, len);
	*frag = tmp->p;
	*len = tmp->len;
	return ADVDB_OK;
}

/* "advisory", "versions" and "affected" of a vulnerability (rustsec's
 * Vulnerability order); "advisory", "affected", "versions" of a warning
 * (Warning's). An advisory is one or the other, so one cached fragment
 * per id serves every finding of it. */
static void render_members(buf *out, const advdb_advisory *a,
                           const session *s, const finding *fd)
{
	json fj;
	int vuln = fd->m.kind == ADVDB_KIND_VULNERABILITY;

	(void)s;
	json_init(&fj, out);
	json_key_lit(&fj, "advisory");
	report_advisory_json(&fj, a);
	if (vuln) {
		json_key_lit(&fj, "versions");
		report_versions_json(&fj, a);
	}
	json_key_lit(&fj, "affected");
	report_affected_json(&fj, a);
	if (!vuln) {
		json_key_lit(&fj, "versions");
		report_versions_json(&fj, a);
	}
}

static int advisory_members(json *j, const session *s, const finding *fd)
{
	buf tmp = BUF_INIT;
	const char *frag;
	size_t len = 0;
	int rc = rendered(&frag, &len, &tmp, s, fd, render_members);

	if (rc == ADVDB_OK)
		json_raw_members(j, frag, len);
	buf_free(&tmp);
	return rc;
}

static size_t pkg_index(const report_in *r, const lock_pkg *p)
{
	if (!r->pkgs || !r->graph || p < r->pkgs || p >= r->pkgs + r->graph->n)
		return DEP_NONE;
	return (size_t)(p - r->pkgs);
}

/* The package object of the last finding: a package with several
 * advisories has its findings one after another, each naming it whole
 * (with its dependencies). */
typedef struct pkg_memo {
	const lock_pkg *p;          /* NULL: none yet */
	buf text;
} pkg_memo;

/* package_json, or the last one's text again when it is p's. Called
 * right after the key, so the value is what the writer adds. */
static void package_memo_json(json *j, const report_in *r, const lock_pkg *p,
                              deptree *t, pkg_memo *m)
{
	if (m->p == p && !m->text.failed) {
		json_raw_value(j, m->text.p, m->text.len);
		return;
	}
	size_t at = j->out->len;
	package_json(j, r, p, t);
	m->p = NULL;
	if (!j->out->failed) {
		buf_reset(&m->text);
		buf_put(&m->text, j->out->p + at, j->out->len - at);
		m->p = p;
	}
}

/* Vulnerability: advisory, versions, affected, package. Warning: kind,
 * package, advisory, affected, versions. Then advdb's paths. */
static int finding_json(json *j, const session *s, const report_in *r,
                        deptree *t, const finding *fd, int warning,
                        pkg_memo *m)
{
	int rc;

	json_obj_begin(j);
	if (warning) {
		json_key_lit(j, "kind");
		json_str(j, kind_name(fd->m.kind));
		json_key_lit(j, "package");
		package_memo_json(j, r, fd->pkg, t, m);
	}
	rc = advisory_members(j, s, fd);
	if (!warning) {
		json_key_lit(j, "package");
		package_memo_json(j, r, fd->pkg, t, m);
	}
	if (t)
		deptree_json(j, t, pkg_index(r, fd->pkg));
	json_obj_end(j);
	return rc;
}

/* The tree of a report with findings over a graph; NULL when there is
 * none to draw (check) or no memory (the report then fails). */
static int tree_for(deptree **t, const report_in *r)
{
	*t = NULL;
	if (!r->graph || !r->pkgs || !r->f->n)
		return ADVDB_OK;
	return deptree_new(t, r->graph, r->pkgs) < 0 ? ADVDB_ENOMEM : ADVDB_OK;
}

int report_findings_json(json *j, const session *s, const report_in *r)
{
	const findings *f = r->f;
	deptree *t = NULL;
	pkg_memo m = { NULL, BUF_INIT };
	int rc = tree_for(&t, r);
	json_key_lit(j, "vulnerabilities");
	json_obj_begin(j);
	json_key_lit(j, "found");
	if (f->nvuln || !f->nerr)
		json_bool(j, f->nvuln > 0);
	else
		json_str(j, NULL);          /* not known: something went unchecked */
	json_key_lit(j, "count");
	json_uint(j, f->nvuln);
	json_key_lit(j, "list");
	json_arr_begin(j);
	for (size_t i = 0; rc == ADVDB_OK && i < f->n; i++)
		if (f->v[i].m.kind == ADVDB_KIND_VULNERABILITY) {
			rc = finding_json(j, s, r, t, &f->v[i], 0, &m);
			if (r->tick)
				r->tick(r->tick_ctx);
		}
	json_arr_end(j);
	json_obj_end(j);

	/* Warnings grouped by kind, in rustsec's WarningKind order. */
	json_key_lit(j, "warnings");
	json_obj_begin(j);
	for (size_t k = 0; k < 3; k++) {
		advdb_kind kind = report_warning_order[k];
		if (!(f->warn_kinds & kind_bit(kind)))
			continue;
		json_key(j, kind_name(kind));
		json_arr_begin(j);
		for (size_t i = 0; rc == ADVDB_OK && i < f->n; i++)
			if (f->v[i].m.kind == kind) {
				rc = finding_json(j, s, r, t, &f->v[i], 1, &m);
				if (r->tick)
					r->tick(r->tick_ctx);
			}
		json_arr_end(j);
	}
	if (f->nyanked) {   /* cargo-audit's yanked warning: no advisory */
		json_key_lit(j, "yanked");
		json_arr_begin(j);
		for (size_t i = 0; i < f->nyanked; i++) {
			json_obj_begin(j);
			json_key_lit(j, "kind");
			json_str(j, "yanked");
			json_key_lit(j, "package");
			package_json(j, r, f->yanked[i], t);
			json_key_lit(j, "advisory");
			json_str(j, NULL);
			json_key_lit(j, "affected");
			json_str(j, NULL);
			json_key_lit(j, "versions");
			json_str(j, NULL);
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	json_obj_end(j);
	buf_free(&m.text);
	deptree_free(t);
	return rc;
}

int report_json(buf *out, const session *s, const report_in *r)
{
	const findings *f = r->f;
	json j;
	int rc;

	json_init(&j, out);
	json_obj_begin(&j);
	report_header_json(&j, s, r);
	session_json_incomplete(&j, s);
	rc = report_findings_json(&j, s, r);
	if (s->crates) {    /* what the crates index could not tell */
		json_key_lit(&j, "crates_index");
		json_obj_begin(&j);
		json_key_lit(&j, "unknown");
		json_uint(&j, f->nunknown);
		json_key_lit(&j, "unknown_first");
		json_str(&j, f->unknown_first ? f->unknown_first->name : NULL);
		json_obj_end(&j);
	}
	if (f->nerr) {
		char what[96];
		snprintf(what, sizeof(what), "incomplete: %zu %s, not checked",
		         f->nerr, f->nerr == 1 ? "error" : "errors");
		json_key_lit(&j, "error");
		json_str(&j, what);
		json_key_lit(&j, "errors");
		json_arr_begin(&j);
		for (size_t i = 0; i < f->nerrs; i++)
			json_str(&j, f->errs[i]);
		json_arr_end(&j);
	}
	json_obj_end(&j);
	buf_putc(out, '\n');
	if (rc == ADVDB_OK && out->failed)
		rc = ADVDB_ENOMEM;
	return rc;
}

/* ---- human ---- */

static void field(buf *out, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	buf_printf(out, "%-11s", label);
	report_text(out, value, 0);
	buf_putc(out, '\n');
}

static void list_line(buf *out, const char *label, const advdb_advisory *a,
                      advdb_list l, const char *sep, const char *lead)
{
	size_t n = advdb_advisory_list_len(a, l);

	if (!n)
		return;
	buf_printf(out, "%-11s%s", label, lead);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(out, sep);
		report_text(out, advdb_advisory_list_at(a, l, i), 0);
	}
	buf_putc(out, '\n');
}

/* cargo-audit's permits_newer: does req admit some version above v?
 * Probes the next releases and each comparator's own bounds. */
static int permits_newer(const cargo_req *q, const version *v)
{
	version c[3 + 3 * CARGO_CMP_MAX];
	size_t n = 0;

	for (int k = 0; k < 3; k++) {
		memset(&c[n], 0, sizeof(c[n]));
		c[n].major = v->major + (k == 2);
		c[n].minor = k == 2 ? 0 : v->minor + (k == 1);
		c[n].patch = k == 0 ? v->patch + 1 : 0;
		n++;
	}
	for (size_t i = 0; i < q->n; i++)
		for (int k = 0; k < 3; k++) {
			const version *b = &q->c[i].v;
			memset(&c[n], 0, sizeof(c[n]));
			c[n].major = b->major;
			c[n].minor = b->minor + (k == 2);
			c[n].patch = k == 2 ? 0 : b->patch + (k == 1);
			n++;
		}
	for (size_t i = 0; i < n; i++)
		if (version_cmp(&c[i], v) > 0 && cargo_req_matches(q, &c[i]))
			return 1;
	return 0;
}

/* cargo-audit's Solution line of a vulnerability: the patched versions;
 * else the unaffected ones above the version in use; else none. */
static void solution(buf *out, const advdb_advisory *a, const char *ver)
{
	size_t np = advdb_advisory_list_len(a, ADVDB_L_PATCHED);
	size_t nu = advdb_advisory_list_len(a, ADVDB_L_UNAFFECTED), shown = 0;
	char t[REQ_TEXT_MAX + 64];
	version v;
	const char *why;

	if (np) {
		buf_printf(out, "%-11sUpgrade to ", "Solution:");
		for (size_t i = 0; i < np; i++) {
			if (i)
				buf_puts(out, " OR ");
			report_text(out, report_req(t, sizeof t,
			            advdb_advisory_list_at(a, ADVDB_L_PATCHED, i)), 0);
		}
		buf_puts(out, " (patched)\n");
		return;
	}
	if (ver && version_parse(&v, ver, strlen(ver), &why) == 0)
		for (size_t i = 0; i < nu; i++) {
			const char *s = advdb_advisory_list_at(a, ADVDB_L_UNAFFECTED,
			                                       i);
			cargo_req q;
			char e[8];
			if (!s || cargo_req_parse(&q, s, strlen(s), e, sizeof e) < 0 ||
			    !permits_newer(&q, &v))
				continue;
			if (!shown++)
				buf_printf(out, "%-11sUpgrade to ", "Solution:");
			else
				buf_puts(out, " OR ");
			report_text(out, report_req(t, sizeof t, s), 0);
		}
	if (shown)
		buf_puts(out, " (unaffected)\n");
	else
		field(out, "Solution:", "No fixed upgrade is available!");
}

/* The advisory's part of a finding's text block, as cargo-audit's
 * print_metadata (Title, Date, ID, URL, Severity), then what advdb adds
 * (Aliases, OS, Arch), then a vulnerability's Solution. The first byte
 * says whether the Solution depends on the version in use (only
 * unaffected ranges): such a fragment is rendered for each finding. */
static void render_text(buf *out, const advdb_advisory *a, const session *s,
                        const finding *fd)
{
	int color = s->opts->color, vuln = fd->m.kind == ADVDB_KIND_VULNERABILITY;
	int per_version = vuln && !advdb_advisory_list_len(a, ADVDB_L_PATCHED) &&
	                  advdb_advisory_list_len(a, ADVDB_L_UNAFFECTED);
	char url[256];

	buf_putc(out, per_version ? '1' : '0');
	field(out, "Title:", advdb_advisory_field(a, ADVDB_F_TITLE));
	field(out, "Date:", advdb_advisory_field(a, ADVDB_F_DATE));
	buf_printf(out, "%-11s", "ID:");
	report_color(out, color, vuln ? C_RED : C_YELLOW, fd->m.id);
	buf_putc(out, '\n');
	field(out, "URL:", report_advisory_url(url, sizeof url, a));
	if (fd->m.cvss_score10)
		buf_printf(out, "%-11s%u.%u (%s)\n", "Severity:",
		           fd->m.cvss_score10 / 10, fd->m.cvss_score10 % 10,
		           severity_name(fd->m.severity));
	list_line(out, "Aliases:", a, ADVDB_L_ALIASES, ", ", "");
	list_line(out, "OS:", a, ADVDB_L_OS, ", ", "");
	list_line(out, "Arch:", a, ADVDB_L_ARCH, ", ", "");
	if (vuln)
		solution(out, a, per_version ? fd->pkg->version : NULL);
}

static int advisory_text(buf *out, const session *s, const finding *fd)
{
	buf tmp = BUF_INIT;
	const char *frag;
	size_t len = 0;
	int rc = rendered(&frag, &len, &tmp, s, fd, render_text);

	if (rc == ADVDB_OK && len && frag[0] == '1' && frag != tmp.p) {
		/* cached by another finding: the Solution is not ours */
		advdb_advisory *a = NULL;
		buf_reset(&tmp);
		if ((rc = fetch(&a, s, fd)) == ADVDB_OK) {
			render_text(&tmp, a, s, fd);
			advdb_advisory_free(a);
			frag = tmp.p;
			len = tmp.len;
			rc = tmp.failed ? ADVDB_ENOMEM : ADVDB_OK;
		}
	}
	if (rc == ADVDB_OK && len)
		buf_put(out, frag + 1, len - 1);
	buf_free(&tmp);
	return rc;
}

/* One finding, in cargo-audit's order: the package, then the advisory,
 * then its tree. */
static int finding_human(buf *out, const session *s, const report_in *r,
                         deptree *t, const finding *fd)
{
	field(out, "Crate:", fd->pkg->name);
	field(out, "Version:", fd->pkg->version);
	if (fd->m.kind != ADVDB_KIND_VULNERABILITY)
		field(out, "Warning:", kind_name(fd->m.kind));
	int rc = advisory_text(out, s, fd);
	if (t && !s->opts->no_tree)
		deptree_text(out, t, pkg_index(r, fd->pkg));
	buf_putc(out, '\n');
	return rc;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

int report_findings_human(buf *out, const session *s, const report_in *r)
{
	const findings *f = r->f;
	deptree *t = NULL;
	int rc = tree_for(&t, r);

	/* vulnerabilities first, then warnings by kind (rustsec's order) */
	for (size_t i = 0; rc == ADVDB_OK && i < f->n; i++)
		if (f->v[i].m.kind == ADVDB_KIND_VULNERABILITY) {
			rc = finding_human(out, s, r, t, &f->v[i]);
			if (r->tick)
				r->tick(r->tick_ctx);
		}
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; rc == ADVDB_OK && i < f->n; i++)
			if (f->v[i].m.kind == report_warning_order[k]) {
				rc = finding_human(out, s, r, t, &f->v[i]);
				if (r->tick)
					r->tick(r->tick_ctx);
			}
	deptree_free(t);
	for (size_t i = 0; rc == ADVDB_OK && i < f->nyanked; i++) {
		field(out, "Crate:", f->yanked[i]->name);
		field(out, "Version:", f->yanked[i]->version);
		buf_printf(out, "%-11s", "Warning:");
		report_color(out, s->opts->color, C_YELLOW, "yanked");
		buf_puts(out, "\n\n");
	}
	if (rc == ADVDB_OK && f->nunknown) {  /* once per report */
		buf_printf(out, "note: %zu %s not in the crates.io index (",
		           f->nunknown, f->nunknown == 1 ? "package is" :
		           "packages are");
		report_text(out, f->unknown_first->name, 0);
		buf_printf(out, "%s): whether %s yanked is unknown\n",
		           f->nunknown > 1 ? ", ..." : "",
		           f->nunknown == 1 ? "it is" : "they are");
	}
	return rc;
}

int report_human(buf *out, const session *s, const report_in *r)
{
	const findings *f = r->f;
	const cli_opts *o = s->opts;
	int color = o->color;
	int rc;

	if (!o->quiet && !r->summary_only) {
		if (r->bin) {
			report_bin_header_text(out, r);
		} else if (r->path) {
			buf_puts(out, "Scanning ");
			report_text(out, r->path, 0);
			buf_printf(out, " (%zu %s)\n", r->ndeps,
			           plural(r->ndeps, "package", "packages"));
			if (f->n && r->graph && r->graph->error[0] && !o->no_tree) {
				buf_puts(out, "warning: no dependency tree: ");
				report_text(out, r->graph->error, 0);
				buf_putc(out, '\n');
			}
		}
	}
	if ((f->n || f->nyanked) && !o->quiet && !r->summary_only)
		buf_putc(out, '\n');
	/* --quiet on advdb's scan: the summary line below, nothing else */
	if (!r->summary_only &&
	    (rc = report_findings_human(out, s, r)) != ADVDB_OK)
		return rc;

	size_t denied = 0;
	for (size_t i = 0; i < f->n; i++)
		denied += (kind_bit(f->v[i].m.kind) & o->deny) != 0;
	if (o->deny & DENY_YANKED)
		denied += f->nyanked;
	if (f->nerr) {
		/* never "ok": the set is incomplete */
		report_color(out, color, C_RED, "error:");
		buf_printf(out, " incomplete: %zu %s (not checked, see above); "
		           "%zu %s found", f->nerr, plural(f->nerr, "error",
		           "errors"), f->nvuln, plural(f->nvuln, "vulnerability",
		           "vulnerabilities"));
	} else if (f->nvuln) {
		report_color(out, color, C_RED, "error:");
		buf_printf(out, " %zu %s found", f->nvuln,
		           plural(f->nvuln, "vulnerability", "vulnerabilities"));
	} else if (session_incomplete(s)) {
		/* never "ok": advisories are missing from the index */
		report_color(out, color, C_RED, "error:");
		buf_printf(out, " incomplete index (%" PRIu64 " skipped "
		           "advisories): no vulnerabilities found",
		           s->info.skipped_count);
	} else if (denied) {
		/* never "ok": --deny makes these fail the run */
		report_color(out, color, C_RED, "error:");
		buf_printf(out, " %zu denied %s found (no vulnerabilities)",
		           denied, plural(denied, "warning", "warnings"));
	} else if (o->quiet) {
		return ADVDB_OK;        /* cargo-audit -q: nothing when clean */
	} else {
		report_color(out, color, C_GREEN, "ok:");
		buf_puts(out, " no vulnerabilities found");
	}
	buf_printf(out, " in %zu %s", r->ndeps,
	           plural(r->ndeps, "package", "packages"));
	if (f->nerr || f->nvuln || session_incomplete(s)) {
		if (denied)
			buf_printf(out, ", %zu denied %s", denied,
			           plural(denied, "warning", "warnings"));
	}
	if (f->nwarn > denied)
		buf_printf(out, ", %zu %s", f->nwarn - denied,
		           plural(f->nwarn - denied, "warning", "warnings"));
	buf_putc(out, '\n');
	return ADVDB_OK;
}

/* Room for a report of r's findings before it is written: a JSON
 * finding takes 2-3.2 KB (a tenth of the bench's reports 3.2 KB a
 * finding or more), a text one about 1 KB. Grown by doubling from
 * empty, a scan's report was ten reallocs and their copies, 4% of a
 * lockfile's instructions. Capped: past it the buffer grows as
 * before (and scan streams the head's report by the MiB anyway). */
#define REPORT_ROOM_JSON 3300
#define REPORT_ROOM_TEXT 1100
#define REPORT_ROOM_MAX ((size_t)1 << 20)

static void reserve(buf *out, const session *s, const report_in *r)
{
	size_t each = s->opts->json ? REPORT_ROOM_JSON : REPORT_ROOM_TEXT;
	size_t n = r->f->n + r->f->nyanked;
	size_t want = n < REPORT_ROOM_MAX / each ? (n + 1) * each
	                                         : REPORT_ROOM_MAX;

	if (out->cap - out->len < want)
		(void)buf_room(out, want);  /* a failure shows in out->failed */
}

int report_render(buf *out, const session *s, const report_in *r)
{
	if (!s->opts->sarif && !r->summary_only)
		reserve(out, s, r);
	if (s->opts->sarif)
		return sarif_results(out, s, r);
	return s->opts->json ? report_json(out, s, r) : report_human(out, s, r);
}
