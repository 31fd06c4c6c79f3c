/*
 * html.c — `report --format html`: the fleet aggregate (fleet.h) as one
 * self-contained HTML page, to be opened inside a closed network: inline
 * CSS, inline SVG charts (findings by severity and kind, the top
 * advisories, the age of the open findings), no script, no font, no
 * image, no link to fetch. A Content-Security-Policy meta tag forbids
 * loading anything (default-src 'none'), so a string that slipped through
 * could not fetch either; and every string from the input (paths,
 * advisory ids, titles, URLs, messages) goes through markup.h.
 *
 * Charts are drawn from counts only; each bar's length is its count over
 * the largest of its chart, so a chart is readable whatever the fleet's
 * size. Each <svg> has an id (chart-severity, chart-advisories,
 * chart-age) and a <title>, which the tests look for in the rendered DOM.
 */
#include "fleet_int.h"

#include <stdio.h>
#include <string.h>

#include "markup.h"

static const char *const sev_colors[FLEET_SEVS] = {
	"#9e9e9e", "#fbc02d", "#f57c00", "#d32f2f", "#7b1fa2"
};
#define COLOR_VULN "#d32f2f"
#define COLOR_WARN "#f9a825"

static const char STYLE[] =
"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;"
"color:#222;max-width:72em}"
"h1{margin-bottom:0}.asof{color:#666;margin-top:.2em}"
".verdict{padding:.6em 1em;border-radius:4px;font-weight:600}"
".bad{background:#fdecea;color:#8e1b10}.good{background:#e8f5e9;color:#1b5e20}"
".cards{display:flex;flex-wrap:wrap;gap:1em;margin:1em 0}"
".card{border:1px solid #ddd;border-radius:4px;padding:.6em 1em;min-width:8em}"
".card b{display:block;font-size:1.6em}"
"table{border-collapse:collapse;margin:.5em 0 1.5em}"
"th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;"
"vertical-align:top}"
"td.n{text-align:right;font-variant-numeric:tabular-nums}"
"th{background:#f5f5f5}svg{display:block;margin:.5em 0}"
"svg text{font-size:12px;fill:#222}td a{white-space:nowrap}";

static void td_n(buf *out, size_t n)
{
	buf_printf(out, "<td class=\"n\">%zu</td>", n);
}

static void td_text(buf *out, const char *s)
{
	buf_puts(out, "<td>");
	markup_html(out, s);
	buf_puts(out, "</td>");
}

static void adv_link(buf *out, const fleet_adv *a)
{
	char url[512];
	markup_advisory_url(url, sizeof(url), a->id, a->url);
	if (url[0]) {
		buf_puts(out, "<a href=\"");
		markup_url_html(out, url);
		buf_puts(out, "\">");
		markup_html(out, a->id);
		buf_puts(out, "</a>");
	} else {
		markup_html(out, a->id);
	}
}

/* ---- charts ---- */

/* Bars from the bottom: n bars, one or two stacked values each. */
static void vbars(buf *out, const char *id, const char *title, size_t n,
                  const char *const *labels, const size_t *a, const size_t *b,
                  const char *const *colors_a, const char *color_b)
{
	const int W = 640, H = 240, top = 20, bottom = 40, left = 10;
	size_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (a[i] + (b ? b[i] : 0) > max)
			max = a[i] + (b ? b[i] : 0);
	int slot = (W - left * 2) / (int)n, bw = slot * 3 / 5;
	int plot = H - top - bottom;

	buf_printf(out, "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
	           "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	           "role=\"img\"><title>", id, W, H, W, H);
	markup_html(out, title);
	buf_puts(out, "</title>");
	buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	           "stroke=\"#999\"/>", left, H - bottom, W - left, H - bottom);
	for (size_t i = 0; i < n; i++) {
		int x = left + (int)i * slot + (slot - bw) / 2;
		int ha = (int)((double)a[i] / (double)max * plot + 0.5);
		int hb = b ? (int)((double)b[i] / (double)max * plot + 0.5) : 0;
		int y = H - bottom - ha;
		buf_printf(out, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" "
		           "height=\"%d\" fill=\"%s\"/>", x, y, bw, ha,
		           colors_a[i]);
		if (b) {
			y -= hb;
			buf_printf(out, "<rect class=\"bar\" x=\"%d\" y=\"%d\" "
			           "width=\"%d\" height=\"%d\" fill=\"%s\"/>", x, y,
			           bw, hb, color_b);
		}
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
		           x + bw / 2, y - 4);
		if (b)
			buf_printf(out, "%zu / %zu", a[i], b[i]);
		else
			buf_printf(out, "%zu", a[i]);
		buf_printf(out, "</text><text x=\"%d\" y=\"%d\" "
		           "text-anchor=\"middle\">", x + bw / 2, H - bottom + 16);
		markup_html(out, labels[i]);
		buf_puts(out, "</text>");
	}
	buf_puts(out, "</svg>\n");
}

static void chart_advisories(buf *out, const fleet *fl)
{
	size_t n = fleet_min(fl->nadv, FLEET_TOP);
	const int W = 640, row = 22, left = 150, right = 60;
	int H = (int)n * row + 10;
	size_t max = 1;

	for (size_t i = 0; i < n; i++)
		if (fl->adv[fl->adv_rank[i]].lockfiles > max)
			max = fl->adv[fl->adv_rank[i]].lockfiles;
	buf_printf(out, "<svg id=\"chart-advisories\" "
	           "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	           "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
	           "<title>Top advisories by lockfiles affected</title>",
	           W, H < 30 ? 30 : H, W, H < 30 ? 30 : H);
	if (!n)
		buf_puts(out, "<text x=\"10\" y=\"20\">no advisory</text>");
	for (size_t i = 0; i < n; i++) {
		const fleet_adv *a = &fl->adv[fl->adv_rank[i]];
		int y = 5 + (int)i * row;
		int w = (int)((double)a->lockfiles / (double)max *
		              (W - left - right) + 0.5);
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		           left - 6, y + 14);
		markup_html(out, a->id);
		buf_printf(out, "</text><rect class=\"bar\" x=\"%d\" y=\"%d\" "
		           "width=\"%d\" height=\"%d\" fill=\"%s\"/>", left, y,
		           w, row - 6, a->kind == 0 ? sev_colors[a->sev]
		                                    : COLOR_WARN);
		buf_printf(out, "<text x=\"%d\" y=\"%d\">%zu</text>",
		           left + w + 4, y + 14, a->lockfiles);
	}
	buf_puts(out, "</svg>\n");
}

/* ---- the page ---- */

static void card(buf *out, const char *label, size_t n)
{
	buf_printf(out, "<div class=\"card\"><b>%zu</b>", n);
	markup_html(out, label);
	buf_puts(out, "</div>");
}

static void tables(buf *out, const fleet *fl)
{
	buf_puts(out, "<table id=\"advisories\"><tr><th>Advisory</th>"
	         "<th>Crate</th><th>Severity</th><th>Lockfiles</th>"
	         "<th>Findings</th><th>Title</th></tr>\n");
	for (size_t i = 0; i < fleet_min(fl->nadv, FLEET_TOP); i++) {
		const fleet_adv *a = &fl->adv[fl->adv_rank[i]];
		buf_puts(out, "<tr><td>");
		adv_link(out, a);
		buf_puts(out, "</td>");
		td_text(out, a->package);
		buf_puts(out, "<td>");
		if (a->score10)
			buf_printf(out, "%s %u.%u", fleet_sev_names[a->sev],
			           a->score10 / 10, a->score10 % 10);
		else
			buf_puts(out, a->kind == 0 ? "none"
			                           : fleet_kind_names[a->kind]);
		buf_puts(out, "</td>");
		td_n(out, a->lockfiles);
		td_n(out, a->findings);
		td_text(out, a->title);
		buf_puts(out, "</tr>\n");
	}
	buf_puts(out, "</table>\n");

	buf_puts(out, "<h2>Crates to upgrade first</h2>\n<table id=\"upgrades\">"
	         "<tr><th>Crate</th><th>Upgrade to</th><th>Clears</th>"
	         "<th>Findings</th><th>Lockfiles</th><th>Advisories</th></tr>\n");
	for (size_t i = 0; i < fleet_min(fl->ncrate, FLEET_TOP); i++) {
		const fleet_crate *c = &fl->crate[fl->crate_rank[i]];
		if (!c->cleared)
			break;
		buf_puts(out, "<tr>");
		td_text(out, c->name);
		td_text(out, c->upgrade);
		td_n(out, c->cleared);
		td_n(out, c->findings);
		td_n(out, c->lockfiles);
		td_n(out, c->nadvs);
		buf_puts(out, "</tr>\n");
	}
	buf_puts(out, "</table>\n");

	buf_puts(out, "<h2>Worst lockfiles</h2>\n<table id=\"worst\"><tr>"
	         "<th>Lockfile</th><th>Vulnerabilities</th><th>Critical</th>"
	         "<th>High</th><th>Medium</th><th>Low</th><th>Warnings</th>"
	         "</tr>\n");
	for (size_t i = 0; i < fleet_min(fl->nlock, FLEET_TOP); i++) {
		const fleet_lock *k = &fl->lock[fl->lock_rank[i]];
		if (!k->vulns && !k->warns)
			break;
		buf_puts(out, "<tr>");
		td_text(out, k->name);
		td_n(out, k->vulns);
		for (int s = FLEET_SEVS - 1; s >= 1; s--)
			td_n(out, k->sev[s]);
		td_n(out, k->warns);
		buf_puts(out, "</tr>\n");
	}
	buf_puts(out, "</table>\n");

	if (fl->nrepo > 1) {
		buf_puts(out, "<h2>Repositories</h2>\n<table id=\"repositories\">"
		         "<tr><th>Repository</th><th>Lockfiles</th><th>With "
		         "vulnerabilities</th><th>Vulnerabilities</th>"
		         "<th>Warnings</th><th>Errors</th></tr>\n");
		for (size_t i = 0; i < fleet_min(fl->nrepo, FLEET_REPOS_SHOWN); i++) {
			const fleet_repo *r = &fl->repo[fl->repo_rank[i]];
			buf_puts(out, "<tr>");
			td_text(out, r->name);
			td_n(out, r->lockfiles);
			td_n(out, r->with_vulns);
			td_n(out, r->vulns);
			td_n(out, r->warns);
			td_n(out, r->errors);
			buf_puts(out, "</tr>\n");
		}
		buf_puts(out, "</table>\n");
		if (fl->nrepo > FLEET_REPOS_SHOWN)
			buf_printf(out, "<p>... and %zu more repositories.</p>\n",
			           fl->nrepo - FLEET_REPOS_SHOWN);
	}

	if (fl->nerr) {
		buf_printf(out, "<h2>Errors (%zu)</h2>\n<table id=\"errors\"><tr>"
		           "<th>Input</th><th>Error</th></tr>\n", fl->nerr);
		for (size_t i = 0; i < fleet_min(fl->nerr, FLEET_ERRORS_KEPT); i++) {
			buf_puts(out, "<tr>");
			td_text(out, fl->err[i].where);
			td_text(out, fl->err[i].msg);
			buf_puts(out, "</tr>\n");
		}
		buf_puts(out, "</table>\n");
		if (fl->nerr > FLEET_ERRORS_KEPT)
			buf_printf(out, "<p>... and %zu more errors.</p>\n",
			           fl->nerr - FLEET_ERRORS_KEPT);
	}
}

void fleet_html(buf *out, const fleet *fl)
{
	buf verdict = BUF_INIT;
	int bad = fl->rejected || fl->error_lines || fl->incomplete ||
	          fl->vulns || !fl->reports;

	fleet_verdict(&verdict, fl);
	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	         "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-"
	         "Policy\" content=\"default-src 'none'; style-src "
	         "'unsafe-inline'\">\n<meta name=\"viewport\" content=\""
	         "width=device-width, initial-scale=1\">\n<title>Fleet report, "
	         "as of ");
	markup_html(out, fl->asof);
	buf_printf(out, "</title>\n<style>%s</style></head>\n<body>\n"
	           "<h1>Fleet report</h1>\n<p class=\"asof\">%zu lockfile "
	           "reports, as of ", STYLE, fl->reports);
	markup_html(out, fl->asof);
	buf_printf(out, "</p>\n<p class=\"verdict %s\" id=\"verdict\">",
	           bad ? "bad" : "good");
	markup_html(out, verdict.p);
	buf_puts(out, "</p>\n<div class=\"cards\">");
	buf_free(&verdict);
	card(out, "lockfiles", fl->reports);
	card(out, "with vulnerabilities", fl->with_vulns);
	card(out, "with warnings only", fl->with_warns_only);
	card(out, "clean", fl->clean);
	card(out, "errors", fl->error_lines + fl->incomplete);
	card(out, "vulnerabilities", fl->vulns);
	card(out, "warnings", fl->warns);
	card(out, "advisories", fl->nadv);
	buf_puts(out, "</div>\n");

	const char *sev_labels[FLEET_SEVS], *sev_cols[FLEET_SEVS];
	size_t sev_counts[FLEET_SEVS];
	for (int s = 0; s < FLEET_SEVS; s++) {
		sev_labels[s] = fleet_sev_names[FLEET_SEVS - 1 - s];
		sev_cols[s] = sev_colors[FLEET_SEVS - 1 - s];
		sev_counts[s] = fl->by_sev[FLEET_SEVS - 1 - s];
	}
	buf_puts(out, "<h2>Vulnerabilities by severity</h2>\n");
	vbars(out, "chart-severity", "Vulnerabilities by severity", FLEET_SEVS,
	      sev_labels, sev_counts, NULL, sev_cols, NULL);
	const char *kind_cols[FK_COUNT];
	for (int k = 0; k < FK_COUNT; k++)
		kind_cols[k] = k ? COLOR_WARN : COLOR_VULN;
	buf_puts(out, "<h2>Findings by kind</h2>\n");
	vbars(out, "chart-kind", "Findings by kind", FK_COUNT,
	      fleet_kind_names, fl->by_kind, NULL, kind_cols, NULL);

	buf_puts(out, "<h2>Top advisories</h2>\n");
	chart_advisories(out, fl);
	tables(out, fl);

	size_t av[FLEET_AGES], aw[FLEET_AGES];
	const char *age_cols[FLEET_AGES];
	for (int b = 0; b < FLEET_AGES; b++) {
		av[b] = fl->age[b][0];
		aw[b] = fl->age[b][1];
		age_cols[b] = COLOR_VULN;
	}
	buf_puts(out, "<h2>Age of the open findings</h2>\n<p>Days since each "
	         "advisory's date; vulnerabilities (red) / warnings (amber).</p>\n");
	vbars(out, "chart-age", "Age of the open findings", FLEET_AGES,
	      fleet_age_names, av, aw, age_cols, COLOR_WARN);
	buf_puts(out, "</body></html>\n");
}
