/*
 * fleet_out.c — the fleet aggregate (after fleet_rank) as text, Markdown
 * and JSON (HTML: html.c), and the wording all of them share: the
 * verdict line and the plurals. Strings from the input go through
 * markup.h in Markdown and through the JSON writer's escaping in JSON;
 * text prints them as scan prints paths.
 */
#include "fleet_int.h"

#include <stdio.h>
#include <string.h>

#include "json.h"
#include "markup.h"
#include "report.h"

size_t fleet_errors(const fleet *fl)
{
	return fl->error_lines + fl->incomplete;
}

/* Whether the fleet can be called clean of errors at all. */
int fleet_failed(const fleet *fl, int allow_incomplete)
{
	return fl->rejected || fleet_errors(fl) || fl->reports == 0 ||
	       (fl->index_incomplete && !allow_incomplete);
}

const char *fleet_pl(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void fleet_verdict(buf *out, const fleet *fl)
{
	if (fl->rejected)
		buf_printf(out, "error: incomplete: %zu %s rejected (see stderr); ",
		           fl->rejected, fleet_pl(fl->rejected, "line or input was",
		                            "lines or inputs were"));
	if (fleet_errors(fl))
		buf_printf(out, "error: %zu %s in the fleet (not checked); ",
		           fleet_errors(fl), fleet_pl(fleet_errors(fl), "error", "errors"));
	if (fl->index_incomplete)
		buf_printf(out, "%zu %s from an incomplete index; ",
		           fl->index_incomplete,
		           fleet_pl(fl->index_incomplete, "report", "reports"));
	if (!fl->reports)
		buf_puts(out, "error: no report in the input");
	else if (fl->vulns || fl->warns)
		buf_printf(out, "%zu %s and %zu %s in %zu of %zu %s",
		           fl->vulns, fleet_pl(fl->vulns, "vulnerability",
		                         "vulnerabilities"),
		           fl->warns, fleet_pl(fl->warns, "warning", "warnings"),
		           fl->with_vulns + fl->with_warns_only, fl->reports,
		           fleet_pl(fl->reports, "lockfile", "lockfiles"));
	else if (fleet_failed(fl, 1))
		buf_printf(out, "no findings in %zu %s", fl->reports,
		           fleet_pl(fl->reports, "lockfile", "lockfiles"));
	else
		buf_printf(out, "ok: no findings in %zu %s", fl->reports,
		           fleet_pl(fl->reports, "lockfile", "lockfiles"));
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
	           fleet_pl(fl->reports, "lockfile", "lockfiles"), fl->asof);
	buf_printf(out, "Lockfiles:   %zu with vulnerabilities, %zu with "
	           "warnings only, %zu clean; %zu %s, %zu skipped\n",
	           fl->with_vulns, fl->with_warns_only, fl->clean,
	           fleet_errors(fl), fleet_pl(fleet_errors(fl), "error", "errors"),
	           fl->skipped);
	buf_printf(out, "Packages:    %llu\n", (unsigned long long)fl->packages);
	buf_printf(out, "Findings:    %zu (%zu %s, %zu %s) of %zu %s\n",
	           fl->findings, fl->vulns,
	           fleet_pl(fl->vulns, "vulnerability", "vulnerabilities"), fl->warns,
	           fleet_pl(fl->warns, "warning", "warnings"), fl->nadv,
	           fleet_pl(fl->nadv, "advisory", "advisories"));
	buf_puts(out, "Severity:   ");
	for (int s = FLEET_SEVS - 1; s >= 0; s--)
		buf_printf(out, " %s %zu", fleet_sev_names[s], fl->by_sev[s]);
	buf_puts(out, " (vulnerabilities)\nKind:       ");
	for (int k = 0; k < FK_COUNT; k++)
		buf_printf(out, " %s %zu", fleet_kind_names[k], fl->by_kind[k]);
	buf_putc(out, '\n');

	buf_puts(out, "\nTop advisories (lockfiles affected):\n");
	for (size_t i = 0; i < fleet_min(fl->nadv, FLEET_TOP); i++) {
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
		           fleet_pl(a->findings, "finding", "findings"));
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
		           fleet_pl(c->findings, "finding", "findings"), c->lockfiles,
		           fleet_pl(c->lockfiles, "lockfile", "lockfiles"), c->nadvs,
		           fleet_pl(c->nadvs, "advisory", "advisories"));
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
		           fleet_pl(k->vulns, "vulnerability  ", "vulnerabilities"));
		text_lock_sevs(out, k);
		buf_printf(out, ", %zu %s  ", k->warns,
		           fleet_pl(k->warns, "warning", "warnings"));
		report_text(out, k->name, 0);
		buf_putc(out, '\n');
		shown++;
	}
	if (!shown)
		buf_puts(out, "  none\n");

	if (fl->nrepo > 1) {
		buf_puts(out, "\nRepositories (lockfiles, with vulnerabilities, "
		         "vulnerabilities, warnings, errors):\n");
		for (size_t i = 0; i < fleet_min(fl->nrepo, FLEET_REPOS_SHOWN); i++) {
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
		           fl->age[b][0], fleet_pl(fl->age[b][0], "vulnerability",
		                             "vulnerabilities"),
		           fl->age[b][1], fleet_pl(fl->age[b][1], "warning", "warnings"));

	if (fl->nerr) {
		buf_printf(out, "\nErrors (%zu):\n", fl->nerr);
		for (size_t i = 0; i < fleet_min(fl->nerr, FLEET_ERRORS_KEPT); i++) {
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
	           fleet_pl(fl->reports, "lockfile", "lockfiles"), fl->asof);
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
	for (size_t i = 0; i < fleet_min(fl->nadv, FLEET_TOP); i++) {
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
	for (size_t i = 0; i < fleet_min(fl->ncrate, FLEET_TOP); i++) {
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
	for (size_t i = 0; i < fleet_min(fl->nlock, FLEET_TOP); i++) {
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
		for (size_t i = 0; i < fleet_min(fl->nrepo, FLEET_REPOS_SHOWN); i++) {
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
		for (size_t i = 0; i < fleet_min(fl->nerr, FLEET_ERRORS_KEPT); i++) {
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
	for (size_t i = 0; i < fleet_min(fl->nlock, FLEET_TOP); i++) {
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
	for (size_t i = 0; i < fleet_min(fl->nerr, FLEET_ERRORS_KEPT); i++) {
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
