/*
 * report.c — human and JSON reports of findings (see report.h).
 *
 * JSON: the keys and nesting of cargo-audit's report, so its readers read
 * ours. Text: cargo-audit's order, package first, then the advisory.
 * Deciding never needs the full advisory, rendering does: it is fetched
 * (and decompressed) per finding, or once per run when the session has a
 * rendered-advisory cache (scan), which then holds the advisory's part of
 * the output.
 */
#include "report.h"

#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "rcache.h"
#include "rfc3339.h"

#define C_RED    "1;31"
#define C_YELLOW "1;33"
#define C_GREEN  "1;32"
#define C_BOLD   "1"

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
	json_key(j, "id");
	json_str(j, advdb_advisory_field(a, ADVDB_F_ID));
	json_key(j, "package");
	json_str(j, advdb_advisory_field(a, ADVDB_F_PACKAGE));
	json_key(j, "title");
	json_str(j, advdb_advisory_field(a, ADVDB_F_TITLE));
	json_key(j, "description");
	json_str(j, advdb_advisory_field(a, ADVDB_F_DESCRIPTION));
	json_key(j, "date");
	json_str(j, advdb_advisory_field(a, ADVDB_F_DATE));
	json_key(j, "aliases");
	json_list(j, a, ADVDB_L_ALIASES);
	json_key(j, "related");
	json_list(j, a, ADVDB_L_RELATED);
	json_key(j, "collection");
	json_str(j, col ? col : "crates");
	json_key(j, "categories");
	json_list(j, a, ADVDB_L_CATEGORIES);
	json_key(j, "keywords");
	json_list(j, a, ADVDB_L_KEYWORDS);
	json_key(j, "cvss");
	json_str(j, advdb_advisory_field(a, ADVDB_F_CVSS));
	json_key(j, "informational");
	json_str(j, advdb_advisory_field(a, ADVDB_F_INFORMATIONAL));
	json_key(j, "references");
	json_list(j, a, ADVDB_L_REFERENCES);
	/* rustsec's `source` is the package's registry (null: crates.io);
	 * the index's source name is something else, so it stays out. */
	json_key(j, "source");
	json_str(j, NULL);
	json_key(j, "url");
	json_str(j, advdb_advisory_field(a, ADVDB_F_URL));
	json_key(j, "withdrawn");
	json_str(j, advdb_advisory_field(a, ADVDB_F_WITHDRAWN));
	json_key(j, "license");
	json_str(j, lic ? lic : "CC0-1.0");
	json_obj_end(j);
}

void report_versions_json(json *j, const advdb_advisory *a)
{
	json_obj_begin(j);
	json_key(j, "patched");
	json_list(j, a, ADVDB_L_PATCHED);
	json_key(j, "unaffected");
	json_list(j, a, ADVDB_L_UNAFFECTED);
	json_obj_end(j);
}

void report_affected_json(json *j, const advdb_advisory *a)
{
	size_t nf = advdb_advisory_function_count(a);

	if (!nf && !advdb_advisory_list_len(a, ADVDB_L_OS) &&
	    !advdb_advisory_list_len(a, ADVDB_L_ARCH)) {
		json_str(j, NULL);
		return;
	}
	json_obj_begin(j);
	json_key(j, "arch");
	json_list(j, a, ADVDB_L_ARCH);
	json_key(j, "os");
	json_list(j, a, ADVDB_L_OS);
	json_key(j, "functions");
	json_obj_begin(j);
	for (size_t i = 0; i < nf; i++) {
		size_t nr = 0;
		const char *const *reqs = NULL;
		const char *path = advdb_advisory_function(a, i, &nr, &reqs);
		if (!path)
			continue;
		json_key(j, path);
		json_arr_begin(j);
		for (size_t k = 0; reqs && k < nr; k++)
			json_str(j, reqs[k]);
		json_arr_end(j);
	}
	json_obj_end(j);
	json_obj_end(j);
}

static void package_json(json *j, const lock_pkg *p)
{
	json_obj_begin(j);
	json_key(j, "name");
	json_str(j, p->name);
	json_key(j, "version");
	json_str(j, p->version);
	json_key(j, "source");
	json_str(j, p->source);
	json_key(j, "checksum");
	json_str(j, p->checksum);
	json_obj_end(j);
}

static void header_json(json *j, const session *s, const report_in *r)
{
	const cli_opts *o = s->opts;
	char when[RFC3339_MAX];

	json_key(j, "database");
	json_obj_begin(j);
	json_key(j, "advisory-count");
	json_uint(j, s->info.advisory_count);
	json_key(j, "last-commit");
	json_str(j, s->info.source_commit[0] ? s->info.source_commit : NULL);
	json_key(j, "last-updated");
	rfc3339_format(when, s->info.source_time);
	json_str(j, when[0] ? when : NULL);
	json_obj_end(j);

	json_key(j, "lockfile");
	json_obj_begin(j);
	json_key(j, "dependency-count");
	json_uint(j, r->ndeps);
	if (r->path) {
		json_key(j, "path");
		json_str(j, r->path);
	}
	json_obj_end(j);
	if (r->bin)
		report_bin_json(j, r->bin);

	json_key(j, "settings");
	json_obj_begin(j);
	json_key(j, "target_arch");
	json_arr_begin(j);
	if (o->arch)
		json_str(j, o->arch);
	json_arr_end(j);
	json_key(j, "target_os");
	json_arr_begin(j);
	if (o->os)
		json_str(j, o->os);
	json_arr_end(j);
	json_key(j, "severity");
	json_str(j, NULL);
	json_key(j, "ignore");
	json_arr_begin(j);
	for (size_t i = 0; i < o->nignore; i++)
		json_str(j, o->ignore[i]);
	json_arr_end(j);
	json_key(j, "informational_warnings");
	json_arr_begin(j);
	json_str(j, "notice");
	json_str(j, "unmaintained");
	json_str(j, "unsound");
	json_arr_end(j);
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

/* "advisory", "versions" and "affected" of a finding. */
static void render_members(buf *out, const advdb_advisory *a,
                           const session *s, const finding *fd)
{
	json fj;

	(void)s;
	(void)fd;
	json_init(&fj, out);
	json_key(&fj, "advisory");
	report_advisory_json(&fj, a);
	json_key(&fj, "versions");
	report_versions_json(&fj, a);
	json_key(&fj, "affected");
	report_affected_json(&fj, a);
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

static int finding_json(json *j, const session *s, const report_in *r,
                        const finding *fd, int warning)
{
	int rc;

	json_obj_begin(j);
	if (warning) {
		json_key(j, "kind");
		json_str(j, kind_name(fd->m.kind));
		json_key(j, "package");
		package_json(j, fd->pkg);
	}
	rc = advisory_members(j, s, fd);
	if (!warning) {
		json_key(j, "package");
		package_json(j, fd->pkg);
	}
	if (r->bin)
		report_bin_path_json(j, r->bin, fd->pkg);
	json_obj_end(j);
	return rc;
}

int report_json(buf *out, const session *s, const report_in *r)
{
	const findings *f = r->f;
	json j;
	int rc = ADVDB_OK;

	json_init(&j, out);
	json_obj_begin(&j);
	header_json(&j, s, r);
	session_json_incomplete(&j, s);
	json_key(&j, "vulnerabilities");
	json_obj_begin(&j);
	json_key(&j, "found");
	if (f->nvuln || !f->nerr)
		json_bool(&j, f->nvuln > 0);
	else
		json_str(&j, NULL);          /* not known: something went unchecked */
	json_key(&j, "count");
	json_uint(&j, f->nvuln);
	json_key(&j, "list");
	json_arr_begin(&j);
	for (size_t i = 0; rc == ADVDB_OK && i < f->n; i++)
		if (f->v[i].m.kind == ADVDB_KIND_VULNERABILITY) {
			rc = finding_json(&j, s, r, &f->v[i], 0);
			if (r->tick)
				r->tick(r->tick_ctx);
		}
	json_arr_end(&j);
	json_obj_end(&j);

	/* Warnings grouped by kind, kinds in name order as rustsec's map. */
	static const advdb_kind order[] = {
		ADVDB_KIND_NOTICE, ADVDB_KIND_OTHER, ADVDB_KIND_UNMAINTAINED,
		ADVDB_KIND_UNSOUND
	};
	json_key(&j, "warnings");
	json_obj_begin(&j);
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		if (!(f->warn_kinds & kind_bit(order[k])))
			continue;
		json_key(&j, kind_name(order[k]));
		json_arr_begin(&j);
		for (size_t i = 0; rc == ADVDB_OK && i < f->n; i++)
			if (kind_bit(f->v[i].m.kind) == kind_bit(order[k])) {
				rc = finding_json(&j, s, r, &f->v[i], 1);
				if (r->tick)
					r->tick(r->tick_ctx);
			}
		json_arr_end(&j);
	}
	json_obj_end(&j);
	if (f->nerr) {
		char what[96];
		snprintf(what, sizeof(what), "incomplete: %zu %s, not checked",
		         f->nerr, f->nerr == 1 ? "error" : "errors");
		json_key(&j, "error");
		json_str(&j, what);
		json_key(&j, "errors");
		json_arr_begin(&j);
		for (size_t i = 0; i < f->nerrs; i++)
			json_str(&j, f->errs[i]);
		json_arr_end(&j);
	}
	json_obj_end(&j);
	buf_putc(out, '\n');
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

/* The advisory's part of a finding's text block. */
static void render_text(buf *out, const advdb_advisory *a, const session *s,
                        const finding *fd)
{
	int color = s->opts->color;

	field(out, "Title:", advdb_advisory_field(a, ADVDB_F_TITLE));
	field(out, "Date:", advdb_advisory_field(a, ADVDB_F_DATE));
	buf_printf(out, "%-11s", "ID:");
	report_color(out, color, fd->m.kind == ADVDB_KIND_VULNERABILITY
	                         ? C_RED : C_YELLOW, fd->m.id);
	buf_putc(out, '\n');
	if (fd->m.kind != ADVDB_KIND_VULNERABILITY)
		field(out, "Warning:", kind_name(fd->m.kind));
	if (fd->m.cvss_score10)
		buf_printf(out, "%-11s%u.%u (%s)\n", "Severity:",
		           fd->m.cvss_score10 / 10, fd->m.cvss_score10 % 10,
		           severity_name(fd->m.severity));
	field(out, "URL:", advdb_advisory_field(a, ADVDB_F_URL));
	list_line(out, "Aliases:", a, ADVDB_L_ALIASES, ", ", "");
	if (advdb_advisory_list_len(a, ADVDB_L_PATCHED))
		list_line(out, "Solution:", a, ADVDB_L_PATCHED, " OR ",
		          "upgrade to ");
	else
		field(out, "Solution:", "no fixed upgrade is available");
	list_line(out, "OS:", a, ADVDB_L_OS, ", ", "");
	list_line(out, "Arch:", a, ADVDB_L_ARCH, ", ", "");
}

static int advisory_text(buf *out, const session *s, const finding *fd)
{
	buf tmp = BUF_INIT;
	const char *frag;
	size_t len = 0;
	int rc = rendered(&frag, &len, &tmp, s, fd, render_text);

	if (rc == ADVDB_OK)
		buf_put(out, frag, len);
	buf_free(&tmp);
	return rc;
}

/* One finding, in cargo-audit's order: the package, then the advisory. */
static int finding_human(buf *out, const session *s, const report_in *r,
                         const finding *fd)
{
	field(out, "Crate:", fd->pkg->name);
	field(out, "Version:", fd->pkg->version);
	if (r->bin)
		report_bin_path_text(out, r->bin, fd->pkg);
	int rc = advisory_text(out, s, fd);
	buf_putc(out, '\n');
	return rc;
}

int report_human(buf *out, const session *s, const report_in *r)
{
	const findings *f = r->f;
	int color = s->opts->color, rc = ADVDB_OK;

	if (r->bin) {
		report_bin_header_text(out, r);
	} else if (r->path) {
		buf_puts(out, "Scanning ");
		report_text(out, r->path, 0);
		buf_printf(out, " (%zu %s)\n", r->ndeps,
		           r->ndeps == 1 ? "package" : "packages");
	}
	if (f->n)
		buf_putc(out, '\n');
	/* vulnerabilities first, then warnings */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; rc == ADVDB_OK && i < f->n; i++)
			if ((f->v[i].m.kind == ADVDB_KIND_VULNERABILITY) ==
			    (pass == 0)) {
				rc = finding_human(out, s, r, &f->v[i]);
				if (r->tick)
					r->tick(r->tick_ctx);
			}
	if (rc != ADVDB_OK)
		return rc;

	if (f->nerr) {
		/* never "ok": the set is incomplete */
		report_color(out, color, C_RED, "error:");
		buf_printf(out, " incomplete: %zu %s (not checked, see above); "
		           "%zu %s found", f->nerr,
		           f->nerr == 1 ? "error" : "errors", f->nvuln,
		           f->nvuln == 1 ? "vulnerability" : "vulnerabilities");
	} else if (f->nvuln) {
		report_color(out, color, C_RED, "error:");
		buf_printf(out, " %zu %s found", f->nvuln,
		           f->nvuln == 1 ? "vulnerability" : "vulnerabilities");
	} else if (session_incomplete(s)) {
		/* never "ok": advisories are missing from the index */
		report_color(out, color, C_RED, "error:");
		buf_printf(out, " incomplete index (%" PRIu64 " skipped "
		           "advisories): no vulnerabilities found",
		           s->info.skipped_count);
	} else {
		report_color(out, color, C_GREEN, "ok:");
		buf_puts(out, " no vulnerabilities found");
	}
	buf_printf(out, " in %zu %s", r->ndeps,
	           r->ndeps == 1 ? "package" : "packages");
	if (f->nwarn) {
		int denied = (f->warn_kinds & s->opts->deny) != 0;
		buf_printf(out, ", %zu %s%s", f->nwarn,
		           denied ? "denied " : "",
		           f->nwarn == 1 ? "warning" : "warnings");
	}
	buf_putc(out, '\n');
	return ADVDB_OK;
}
