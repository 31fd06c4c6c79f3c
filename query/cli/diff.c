/*
 * diff.c — `advdb-query diff OLD NEW`: what a change of Cargo.lock does
 * to its packages and its exposure, for a reviewer and for a merge gate.
 *
 * Both lockfiles are read (one of them may be `-`, stdin) and checked as
 * `scan` checks one, with the same session (index, --os/--arch, --ignore,
 * --deny): audit.c decides every package of each side. Then
 *   - the package changes come from pkgdiff.c (keys, the multi-version
 *     rule, dependents of added packages);
 *   - a finding is the triple (advisory id, package name, version); the
 *     change *introduces* the findings of NEW whose triple OLD has not,
 *     and *resolves* those of OLD that NEW has not. Vulnerabilities and
 *     warnings are kept apart (the advisory decides which a triple is).
 * The introduced and resolved sets are findings (audit.h) like a scan's,
 * so they are rendered by report.c exactly as `scan` renders findings:
 * the JSON objects of cargo-audit's report, the text blocks.
 *
 * Exit: 1 when the change introduces a vulnerability, or a warning of a
 * kind --deny names; 0 otherwise; 2 when a lockfile could not be read, a
 * package of either side could not be checked, an advisory could not be
 * rendered, or the index is incomplete (then never "ok").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "json.h"
#include "lockfile.h"
#include "markup.h"
#include "pkgdiff.h"
#include "report.h"
#include "session.h"

#define DIFF_DEPENDENTS_SHOWN 8     /* text and Markdown; JSON has all */

typedef struct side {
	const char *arg;            /* as given */
	const char *name;           /* for messages: "<stdin>" for "-" */
	lockfile lf;
	findings f;
} side;

typedef struct diff {
	const session *s;
	side old, new;
	pkgdiff pd;
	findings intro, resolved;   /* borrow the sides' packages */
	size_t nerr;                /* both sides' unchecked packages */
} diff;

/* ---- the findings sets ---- */

static int cmp_finding(const finding *a, const finding *b)
{
	int c = strcmp(a->m.id, b->m.id);
	if (!c)
		c = strcmp(a->pkg->name, b->pkg->name);
	if (!c)
		c = strcmp(a->pkg->version, b->pkg->version);
	return c;
}

static int cmp_finding_q(const void *x, const void *y)
{
	return cmp_finding(*(const finding *const *)x,
	                   *(const finding *const *)y);
}

static const finding **sorted(const findings *f)
{
	const finding **v = malloc((f->n ? f->n : 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < f->n; i++)
		v[i] = &f->v[i];
	qsort(v, f->n, sizeof(*v), cmp_finding_q);
	return v;
}

/* out gets the findings of a whose triple b lacks, each triple once, in
 * a's order (the lockfile's package order, as a scan lists them). */
static int minus(findings *out, const findings *a, const findings *b)
{
	const finding **sa = sorted(a), **sb = sorted(b);
	unsigned char *keep = calloc(a->n ? a->n : 1, 1);
	int rc = ADVDB_ENOMEM;
	size_t j = 0;

	if (!sa || !sb || !keep)
		goto out;
	for (size_t i = 0; i < a->n; i++) {
		if (i && cmp_finding(sa[i], sa[i - 1]) == 0)
			continue;       /* the same triple twice (two sources) */
		while (j < b->n && cmp_finding(sb[j], sa[i]) < 0)
			j++;
		if (j >= b->n || cmp_finding(sb[j], sa[i]) != 0)
			keep[sa[i] - a->v] = 1;
	}
	rc = ADVDB_OK;
	for (size_t i = 0; rc == ADVDB_OK && i < a->n; i++)
		if (keep[i])
			rc = findings_add(out, a->v[i].pkg, &a->v[i].m);
out:
	free(sa);
	free(sb);
	free(keep);
	return rc;
}

/* ---- reading and deciding one side ---- */

static int read_side(side *sd)
{
	lock_error lerr;

	if (lockfile_read(&sd->lf, sd->arg, &lerr) == 0)
		return 0;
	if (lerr.line)
		cli_error("%s:%u: %s", sd->name, lerr.line, lerr.msg);
	else
		cli_error("%s: %s", sd->name, lerr.msg);
	return -1;
}

static void audit_side(side *sd, const session *s)
{
	for (size_t i = 0; i < sd->lf.npkgs; i++) {
		int rc = audit_pkg(&sd->f, s, &sd->lf.pkgs[i]);
		if (rc == AUDIT_ECAP || rc == ADVDB_ENOMEM)
			break;
	}
	for (size_t i = 0; i < sd->f.nerrs; i++)
		cli_error("%s: %s", sd->name, sd->f.errs[i]);
	if (sd->f.nerr > sd->f.nerrs)
		cli_error("%s: %zu more errors not shown", sd->name,
		          sd->f.nerr - sd->f.nerrs);
}

/* ---- text ---- */

static void pkg_text(buf *out, const lock_pkg *p)
{
	report_text(out, p->name, 0);
	buf_putc(out, ' ');
	report_text(out, p->version, 0);
	if (!p->source)
		buf_puts(out, " (path)");
	else if (!p->crates_io) {
		buf_puts(out, " (");
		report_text(out, p->source, 0);
		buf_putc(out, ')');
	}
}

static void dependents_text(buf *out, const diff *d, const pkg_change *c)
{
	if (!c->nby)
		return;
	buf_puts(out, " (required by ");
	for (size_t k = 0; k < c->nby && k < DIFF_DEPENDENTS_SHOWN; k++) {
		const lock_pkg *p = d->pd.by[c->by + k];
		if (k)
			buf_puts(out, ", ");
		report_text(out, p->name, 0);
		buf_putc(out, ' ');
		report_text(out, p->version, 0);
	}
	if (c->nby > DIFF_DEPENDENTS_SHOWN)
		buf_printf(out, " and %zu more", c->nby - DIFF_DEPENDENTS_SHOWN);
	buf_putc(out, ')');
}

static void changes_text(buf *out, const diff *d)
{
	static const char *const mark[PKG_KINDS] = { "+", "-", "^", "v" };
	const pkgdiff *pd = &d->pd;

	buf_printf(out, "Packages: %zu added, %zu removed, %zu upgraded, %zu "
	           "downgraded\n", pd->count[PKG_ADDED], pd->count[PKG_REMOVED],
	           pd->count[PKG_UPGRADED], pd->count[PKG_DOWNGRADED]);
	for (size_t i = 0; i < pd->n; i++) {
		const pkg_change *c = &pd->v[i];
		buf_printf(out, "  %s %-10s ", mark[c->kind],
		           pkgdiff_kind_name(c->kind));
		if (c->kind == PKG_UPGRADED || c->kind == PKG_DOWNGRADED) {
			pkg_text(out, c->old);
			buf_puts(out, " -> ");
			report_text(out, c->new->version, 0);
		} else {
			pkg_text(out, c->new ? c->new : c->old);
			dependents_text(out, d, c);
		}
		buf_putc(out, '\n');
	}
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static int set_text(buf *out, const diff *d, const char *title,
                    const findings *f, const side *sd)
{
	buf_printf(out, "\n%s: %zu %s, %zu %s\n", title, f->nvuln,
	           plural(f->nvuln, "vulnerability", "vulnerabilities"),
	           f->nwarn, plural(f->nwarn, "warning", "warnings"));
	if (!f->n)
		return ADVDB_OK;
	buf_putc(out, '\n');
	report_in r = { .path = sd->name, .ndeps = sd->lf.npkgs, .f = f };
	return report_findings_human(out, d->s, &r);
}

static int denied(const diff *d)
{
	return (d->intro.warn_kinds & d->s->opts->deny) != 0;
}

/* "N vulnerabilities and M [denied] warnings; it resolves ..." (the
 * introduced vulnerabilities between em, Markdown's bold). */
static void counts(buf *out, const diff *d, const char *em)
{
	buf_printf(out, "%s%zu %s%s and %zu %s%s; it resolves %zu %s and %zu %s",
	           em, d->intro.nvuln, plural(d->intro.nvuln, "vulnerability",
	                                      "vulnerabilities"), em,
	           d->intro.nwarn, denied(d) ? "denied " : "",
	           plural(d->intro.nwarn, "warning", "warnings"),
	           d->resolved.nvuln, plural(d->resolved.nvuln, "vulnerability",
	                                     "vulnerabilities"),
	           d->resolved.nwarn, plural(d->resolved.nwarn, "warning",
	                                     "warnings"));
}

static int render_text(buf *out, const diff *d)
{
	const cli_opts *o = d->s->opts;
	int rc;

	buf_puts(out, "Comparing ");
	report_text(out, d->old.name, 0);
	buf_printf(out, " (%zu packages) with ", d->old.lf.npkgs);
	report_text(out, d->new.name, 0);
	buf_printf(out, " (%zu packages)\n\n", d->new.lf.npkgs);
	changes_text(out, d);
	if ((rc = set_text(out, d, "Introduced", &d->intro, &d->new)) != ADVDB_OK ||
	    (rc = set_text(out, d, "Resolved", &d->resolved, &d->old)) != ADVDB_OK)
		return rc;
	buf_putc(out, '\n');
	if (d->nerr) {
		report_color(out, o->color, "1;31", "error:");
		buf_printf(out, " incomplete: %zu %s (not checked, see above); "
		           "the change introduces at least", d->nerr,
		           plural(d->nerr, "error", "errors"));
	} else if (d->intro.nvuln || denied(d)) {
		report_color(out, o->color, "1;31", "error:");
		buf_puts(out, " the change introduces");
	} else if (session_incomplete(d->s)) {
		report_color(out, o->color, "1;31", "error:");
		buf_printf(out, " incomplete index (%llu skipped advisories): "
		           "the change introduces",
		           (unsigned long long)d->s->info.skipped_count);
	} else {
		report_color(out, o->color, "1;32", "ok:");
		buf_puts(out, " the change introduces");
	}
	buf_putc(out, ' ');
	counts(out, d, "");
	buf_putc(out, '\n');
	return ADVDB_OK;
}

/* ---- JSON ---- */

static void changes_json(json *j, const diff *d)
{
	json_key(j, "packages");
	json_obj_begin(j);
	for (int k = 0; k < PKG_KINDS; k++) {
		json_key(j, pkgdiff_kind_name((pkg_change_kind)k));
		json_arr_begin(j);
		for (size_t i = 0; i < d->pd.n; i++) {
			const pkg_change *c = &d->pd.v[i];
			const lock_pkg *p = c->new ? c->new : c->old;
			if ((int)c->kind != k)
				continue;
			json_obj_begin(j);
			json_key(j, "name");
			json_str(j, p->name);
			if (c->old && c->new) {
				json_key(j, "old");
				json_str(j, c->old->version);
				json_key(j, "new");
				json_str(j, c->new->version);
			} else {
				json_key(j, "version");
				json_str(j, p->version);
			}
			json_key(j, "source");
			json_str(j, p->source);
			if (c->kind == PKG_ADDED) {
				json_key(j, "dependents");
				json_arr_begin(j);
				for (size_t b = 0; b < c->nby; b++)
					report_pkg_ref_json(j, d->pd.by[c->by + b]);
				json_arr_end(j);
			}
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	json_obj_end(j);
}

static int set_json(json *j, const diff *d, const char *key,
                    const findings *f, const side *sd)
{
	report_in r = { .path = sd->name, .ndeps = sd->lf.npkgs, .f = f };
	json_key(j, key);
	json_obj_begin(j);
	int rc = report_findings_json(j, d->s, &r);
	json_obj_end(j);
	return rc;
}

static int render_json(buf *out, const diff *d)
{
	report_in r = { .path = d->new.name, .ndeps = d->new.lf.npkgs,
	                .f = &d->intro };
	json j;
	int rc;

	json_init(&j, out);
	json_obj_begin(&j);
	report_header_json(&j, d->s, &r);
	json_key(&j, "base");
	json_obj_begin(&j);
	json_key(&j, "dependency-count");
	json_uint(&j, d->old.lf.npkgs);
	json_key(&j, "path");
	json_str(&j, d->old.name);
	json_obj_end(&j);
	session_json_incomplete(&j, d->s);
	changes_json(&j, d);
	if ((rc = set_json(&j, d, "introduced", &d->intro, &d->new)) != ADVDB_OK ||
	    (rc = set_json(&j, d, "resolved", &d->resolved, &d->old)) != ADVDB_OK)
		return rc;
	if (d->nerr) {
		char what[96];
		snprintf(what, sizeof(what), "incomplete: %zu %s, not checked",
		         d->nerr, plural(d->nerr, "error", "errors"));
		json_key(&j, "error");
		json_str(&j, what);
		json_key(&j, "errors");
		json_arr_begin(&j);
		for (int k = 0; k < 2; k++) {
			const findings *f = k ? &d->new.f : &d->old.f;
			for (size_t i = 0; i < f->nerrs; i++)
				json_str(&j, f->errs[i]);
		}
		json_arr_end(&j);
	}
	json_obj_end(&j);
	buf_putc(out, '\n');
	return ADVDB_OK;
}

/* ---- Markdown (a pull-request comment) ---- */

static int set_md(buf *out, const diff *d, const char *title,
                  const findings *f)
{
	buf_printf(out, "\n### %s: %zu %s, %zu %s\n\n", title, f->nvuln,
	           plural(f->nvuln, "vulnerability", "vulnerabilities"),
	           f->nwarn, plural(f->nwarn, "warning", "warnings"));
	if (!f->n) {
		buf_puts(out, "None.\n");
		return ADVDB_OK;
	}
	buf_puts(out, "| Advisory | Package | Kind | Severity | Title |\n"
	              "|---|---|---|---|---|\n");
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < f->n; i++) {
			const finding *fd = &f->v[i];
			if ((fd->m.kind == ADVDB_KIND_VULNERABILITY) != (pass == 0))
				continue;
			advdb_advisory *a = NULL;
			int rc = advdb_advisory_get(&a, d->s->db, fd->m.id);
			if (rc != ADVDB_OK)
				return rc;
			char url[512];
			markup_advisory_url(url, sizeof(url), fd->m.id,
			                    advdb_advisory_field(a, ADVDB_F_URL));
			buf_puts(out, "| ");
			if (url[0]) {
				buf_putc(out, '[');
				markup_md(out, fd->m.id);
				buf_puts(out, "](");
				markup_url_md(out, url);
				buf_putc(out, ')');
			} else {
				markup_md(out, fd->m.id);
			}
			buf_puts(out, " | ");
			markup_md(out, fd->pkg->name);
			buf_putc(out, ' ');
			markup_md(out, fd->pkg->version);
			buf_printf(out, " | %s | ", kind_name(fd->m.kind));
			if (fd->m.cvss_score10)
				buf_printf(out, "%s %u.%u",
				           severity_name(fd->m.severity),
				           fd->m.cvss_score10 / 10,
				           fd->m.cvss_score10 % 10);
			else
				buf_puts(out, "-");
			buf_puts(out, " | ");
			markup_md(out, advdb_advisory_field(a, ADVDB_F_TITLE));
			buf_puts(out, " |\n");
			advdb_advisory_free(a);
		}
	return ADVDB_OK;
}

static void changes_md(buf *out, const diff *d)
{
	const pkgdiff *pd = &d->pd;

	buf_printf(out, "\n<details>\n<summary>Package changes: %zu added, %zu "
	           "removed, %zu upgraded, %zu downgraded</summary>\n\n",
	           pd->count[PKG_ADDED], pd->count[PKG_REMOVED],
	           pd->count[PKG_UPGRADED], pd->count[PKG_DOWNGRADED]);
	if (pd->n)
		buf_puts(out, "| Change | Package | Old | New | Required by |\n"
		              "|---|---|---|---|---|\n");
	else
		buf_puts(out, "No package changed.\n");
	for (size_t i = 0; i < pd->n; i++) {
		const pkg_change *c = &pd->v[i];
		const lock_pkg *p = c->new ? c->new : c->old;
		buf_printf(out, "| %s | ", pkgdiff_kind_name(c->kind));
		markup_md(out, p->name);
		buf_puts(out, " | ");
		if (c->old)
			markup_md(out, c->old->version);
		buf_puts(out, " | ");
		if (c->new)
			markup_md(out, c->new->version);
		buf_puts(out, " | ");
		for (size_t k = 0; k < c->nby && k < DIFF_DEPENDENTS_SHOWN; k++) {
			const lock_pkg *b = d->pd.by[c->by + k];
			if (k)
				buf_puts(out, ", ");
			markup_md(out, b->name);
			buf_putc(out, ' ');
			markup_md(out, b->version);
		}
		if (c->nby > DIFF_DEPENDENTS_SHOWN)
			buf_printf(out, " and %zu more",
			           c->nby - DIFF_DEPENDENTS_SHOWN);
		buf_puts(out, " |\n");
	}
	buf_puts(out, "\n</details>\n");
}

static int render_md(buf *out, const diff *d)
{
	int rc;

	buf_puts(out, "## advdb: advisories in this change\n\n");
	markup_md(out, d->old.name);
	buf_puts(out, " &rarr; ");
	markup_md(out, d->new.name);
	buf_puts(out, ": ");
	if (d->nerr)
		buf_printf(out, "**error: incomplete**, %zu %s could not be "
		           "checked; ", d->nerr,
		           plural(d->nerr, "package", "packages"));
	else if (session_incomplete(d->s))
		buf_printf(out, "**error: incomplete index** (%llu skipped "
		           "advisories); ",
		           (unsigned long long)d->s->info.skipped_count);
	buf_puts(out, "introduces ");
	counts(out, d, "**");
	buf_puts(out, ".\n");
	if ((rc = set_md(out, d, "Introduced", &d->intro)) != ADVDB_OK ||
	    (rc = set_md(out, d, "Resolved", &d->resolved)) != ADVDB_OK)
		return rc;
	changes_md(out, d);
	return ADVDB_OK;
}

/* ---- the command ---- */

static void diff_free(diff *d)
{
	findings_free(&d->intro);
	findings_free(&d->resolved);
	pkgdiff_free(&d->pd);
	findings_free(&d->old.f);
	findings_free(&d->new.f);
	lockfile_free(&d->old.lf);
	lockfile_free(&d->new.lf);
}

int cmd_diff(const cli_opts *o)
{
	diff d;
	session s;
	buf out = BUF_INIT;
	int status = EXIT_ERROR, rc;

	if (o->nargs != 2) {
		cli_error("diff: expected two lockfiles, OLD and NEW (a path, or - "
		          "for one of them)");
		return EXIT_ERROR;
	}
	if (!strcmp(o->args[0], "-") && !strcmp(o->args[1], "-")) {
		cli_error("diff: only one of OLD and NEW may be - (stdin)");
		return EXIT_ERROR;
	}
	memset(&d, 0, sizeof(d));
	d.old.arg = o->args[0];
	d.new.arg = o->args[1];
	d.old.name = strcmp(d.old.arg, "-") ? d.old.arg : "<stdin>";
	d.new.name = strcmp(d.new.arg, "-") ? d.new.arg : "<stdin>";
	int bad = read_side(&d.old) < 0;
	bad |= read_side(&d.new) < 0;       /* both reported */
	if (bad) {
		diff_free(&d);
		return EXIT_ERROR;
	}
	if (session_open(&s, o, SESSION_CACHE) != EXIT_CLEAN) {
		diff_free(&d);
		return EXIT_ERROR;
	}
	d.s = &s;
	session_warn_incomplete(&s);
	audit_side(&d.old, &s);
	audit_side(&d.new, &s);
	d.nerr = d.old.f.nerr + d.new.f.nerr;
	/* the sets carry the error count, so "found" is null in JSON when
	 * nothing was found but something went unchecked (report.h) */
	if (pkgdiff_build(&d.pd, &d.old.lf, &d.new.lf) < 0 ||
	    (rc = minus(&d.intro, &d.new.f, &d.old.f)) != ADVDB_OK ||
	    (rc = minus(&d.resolved, &d.old.f, &d.new.f)) != ADVDB_OK) {
		cli_error("out of memory");
		goto out;
	}
	d.intro.nerr = d.resolved.nerr = d.nerr;
	rc = o->format == FORMAT_JSON ? render_json(&out, &d)
	   : o->format == FORMAT_MARKDOWN ? render_md(&out, &d)
	   : render_text(&out, &d);
	if (rc != ADVDB_OK) {
		const char *m = audit_strerror(rc, &s);
		cli_error("%s", m);
		buf_reset(&out);
		if (o->format == FORMAT_JSON)
			json_error_line(&out, NULL, NULL, m);
		status = EXIT_ERROR;
	} else if (d.nerr || session_incomplete(&s)) {
		status = EXIT_ERROR;
	} else {
		status = d.intro.nvuln || denied(&d) ? EXIT_FOUND : EXIT_CLEAN;
	}
	if (buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
		cli_error("cannot write the report");
		status = EXIT_ERROR;
	}
out:
	buf_free(&out);
	diff_free(&d);
	session_close(&s);
	return status;
}
