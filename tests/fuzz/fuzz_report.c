/*
 * fuzz_report.c — `advdb-query report`'s reader and aggregate
 * (query/cli/fleet_read.c, fleet.c, html.c) on arbitrary input: the bytes
 * are the concatenated lines of a fleet's scan output. Every line goes
 * through fleet_feed, then the aggregate is ranked and rendered in every
 * format, and the target checks what fleet.h documents:
 *   - every line that is not blank is counted exactly once: a report, an
 *     error line, a skipped binary or a rejected line;
 *   - findings add up: vulnerabilities + warnings, the kinds, the
 *     severities of the vulnerabilities, the age buckets;
 *   - the HTML page holds no tag but the page's own (every '<' opens one
 *     of html.c's elements) and no event-handler attribute: no input
 *     string reaches the page as markup.
 */
#include "fuzz.h"
#include "fleet.h"

static const char *const fr_tags[] = {
	"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1",
	"h2", "p", "div", "b", "svg", "line", "rect", "text", "table", "tr",
	"th", "td", "a"
};

static void fr_check_html(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '<')
			continue;
		size_t k = i + 1 + (i + 1 < n && p[i + 1] == '/');
		size_t e = k;
		while (e < n && (p[e] == '!' || (p[e] >= 'a' && p[e] <= 'z') ||
		                 (p[e] >= 'A' && p[e] <= 'Z') ||
		                 (p[e] >= '0' && p[e] <= '9')))
			e++;
		int known = 0;
		for (size_t t = 0; t < sizeof(fr_tags) / sizeof(fr_tags[0]); t++)
			if (strlen(fr_tags[t]) == e - k &&
			    !memcmp(p + k, fr_tags[t], e - k))
				known = 1;
		FUZZ_CHECK(known, "an unknown tag in the page at byte %zu: %.20s",
		           i, p + i);
		/* inside the tag: no on...= attribute */
		for (size_t j = e; j < n && p[j] != '>'; j++)
			FUZZ_CHECK(!(p[j] == ' ' && j + 3 < n && p[j + 1] == 'o' &&
			             p[j + 2] == 'n'), "an on... attribute at %zu", j);
	}
}

int fuzz_report(const uint8_t *data, size_t size)
{
	fleet fl;
	size_t lines = 0, start = 0;
	buf out = BUF_INIT;

	if (fleet_init(&fl) < 0)
		return 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		const char *l = (const char *)data + start;
		size_t len = i - start, b = 0;
		while (b < len && (l[b] == ' ' || l[b] == '\t' || l[b] == '\r'))
			b++;
		lines += b < len;
		FUZZ_CHECK(fleet_feed(&fl, l, len, "fuzz", lines) == 0,
		           "out of memory on a small input");
		start = i + 1;
	}
	FUZZ_CHECK(fl.reports + fl.error_lines + fl.skipped + fl.rejected ==
	           lines, "%zu lines, %zu+%zu+%zu+%zu counted", lines,
	           fl.reports, fl.error_lines, fl.skipped, fl.rejected);
	FUZZ_CHECK(fleet_rank(&fl) == 0, "rank failed");
	size_t kinds = 0, sevs = 0, ages = 0;
	for (int k = 0; k < FK_COUNT; k++)
		kinds += fl.by_kind[k];
	for (int s = 0; s < FLEET_SEVS; s++)
		sevs += fl.by_sev[s];
	for (int a = 0; a < FLEET_AGES; a++)
		ages += fl.age[a][0] + fl.age[a][1];
	FUZZ_CHECK(fl.findings == fl.vulns + fl.warns && kinds == fl.findings &&
	           fl.by_kind[FK_VULN] == fl.vulns && sevs == fl.vulns &&
	           ages == fl.findings, "findings do not add up");
	fleet_html(&out, &fl);
	FUZZ_CHECK(!out.failed, "the page could not be written");
	fr_check_html(out.p, out.len);
	buf_reset(&out);
	fleet_text(&out, &fl);
	fleet_markdown(&out, &fl);
	fleet_json(&out, &fl);
	buf_free(&out);
	fleet_free(&fl);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_report(data, size);
}
#endif
