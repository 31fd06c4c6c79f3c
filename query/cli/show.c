/*
 * show.c — `advdb-query show ID [--json]`: one advisory, found by its id
 * or by a CVE/GHSA alias. The JSON form is rustsec's advisory, versions
 * and affected objects, plus the vulnerable ranges as OSV events
 * (`introduced` "0.0.0-0" when open below, no `fixed` when open above).
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "report.h"
#include "session.h"

static void ranges_json(json *j, const advdb_advisory *a)
{
	size_t n = advdb_advisory_range_count(a);

	json_arr_begin(j);
	json_obj_begin(j);
	json_key(j, "type");
	json_str(j, "SEMVER");
	json_key(j, "events");
	json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		const char *in = NULL, *fx = NULL;
		if (advdb_advisory_range(&in, &fx, a, i) != ADVDB_OK)
			continue;
		json_obj_begin(j);
		json_key(j, "introduced");
		json_str(j, in ? in : "0.0.0-0");
		json_obj_end(j);
		if (fx) {
			json_obj_begin(j);
			json_key(j, "fixed");
			json_str(j, fx);
			json_obj_end(j);
		}
	}
	json_arr_end(j);
	json_obj_end(j);
	json_arr_end(j);
}

static void show_json(buf *out, const advdb_advisory *a)
{
	uint16_t score = advdb_advisory_cvss_score10(a);
	int64_t mod = advdb_advisory_modified(a);
	json j;

	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "advisory");
	report_advisory_json(&j, a);
	json_key(&j, "versions");
	report_versions_json(&j, a);
	json_key(&j, "affected");
	report_affected_json(&j, a);
	json_key(&j, "kind");
	json_str(&j, kind_name(advdb_advisory_kind(a)));
	json_key(&j, "severity");
	json_str(&j, score ? severity_name(advdb_advisory_severity(a)) : NULL);
	json_key(&j, "cvss_score");
	if (score)
		json_tenths(&j, score);
	else
		json_str(&j, NULL);
	json_key(&j, "modified");
	if (mod)
		json_int(&j, mod);
	else
		json_str(&j, NULL);
	json_key(&j, "ranges");
	ranges_json(&j, a);
	json_obj_end(&j);
	buf_putc(out, '\n');
}

static void line(buf *out, const char *label, const char *v)
{
	if (!v || !*v)
		return;
	buf_printf(out, "%-12s", label);
	report_text(out, v, 0);
	buf_putc(out, '\n');
}

static void list(buf *out, const char *label, const advdb_advisory *a,
                 advdb_list l, const char *sep)
{
	size_t n = advdb_advisory_list_len(a, l);

	if (!n)
		return;
	buf_printf(out, "%-12s", label);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(out, sep);
		report_text(out, advdb_advisory_list_at(a, l, i), 0);
	}
	buf_putc(out, '\n');
}

static void show_human(buf *out, const advdb_advisory *a, int color)
{
	uint16_t score = advdb_advisory_cvss_score10(a);
	size_t nr = advdb_advisory_range_count(a);
	size_t nf = advdb_advisory_function_count(a);

	buf_printf(out, "%-12s", "ID:");
	report_color(out, color, "1", advdb_advisory_field(a, ADVDB_F_ID));
	buf_putc(out, '\n');
	line(out, "Package:", advdb_advisory_field(a, ADVDB_F_PACKAGE));
	line(out, "Title:", advdb_advisory_field(a, ADVDB_F_TITLE));
	line(out, "Date:", advdb_advisory_field(a, ADVDB_F_DATE));
	line(out, "Kind:", kind_name(advdb_advisory_kind(a)));
	line(out, "Withdrawn:", advdb_advisory_field(a, ADVDB_F_WITHDRAWN));
	if (score)
		buf_printf(out, "%-12s%u.%u (%s)\n", "Severity:", score / 10,
		           score % 10,
		           severity_name(advdb_advisory_severity(a)));
	line(out, "CVSS:", advdb_advisory_field(a, ADVDB_F_CVSS));
	list(out, "Aliases:", a, ADVDB_L_ALIASES, ", ");
	list(out, "Related:", a, ADVDB_L_RELATED, ", ");
	list(out, "Categories:", a, ADVDB_L_CATEGORIES, ", ");
	list(out, "Keywords:", a, ADVDB_L_KEYWORDS, ", ");
	line(out, "URL:", advdb_advisory_field(a, ADVDB_F_URL));
	list(out, "References:", a, ADVDB_L_REFERENCES, "\n            ");
	list(out, "Patched:", a, ADVDB_L_PATCHED, " OR ");
	list(out, "Unaffected:", a, ADVDB_L_UNAFFECTED, " OR ");
	if (nr) {
		buf_printf(out, "%-12s", "Vulnerable:");
		for (size_t i = 0; i < nr; i++) {
			const char *in = NULL, *fx = NULL;
			if (advdb_advisory_range(&in, &fx, a, i) != ADVDB_OK)
				continue;
			buf_puts(out, i ? " OR " : "");
			if (in) {
				buf_puts(out, ">= ");
				report_text(out, in, 0);
			}
			if (in && fx)
				buf_puts(out, ", ");
			if (fx) {
				buf_puts(out, "< ");
				report_text(out, fx, 0);
			}
			if (!in && !fx)
				buf_puts(out, "every version");
		}
		buf_putc(out, '\n');
	}
	list(out, "OS:", a, ADVDB_L_OS, ", ");
	list(out, "Arch:", a, ADVDB_L_ARCH, ", ");
	for (size_t i = 0; i < nf; i++) {
		size_t n = 0;
		const char *const *reqs = NULL;
		const char *path = advdb_advisory_function(a, i, &n, &reqs);
		if (!path)
			continue;
		buf_printf(out, "%-12s", i ? "" : "Functions:");
		report_text(out, path, 0);
		for (size_t k = 0; reqs && k < n; k++) {
			buf_puts(out, k ? " OR " : " ");
			report_text(out, reqs[k], 0);
		}
		buf_putc(out, '\n');
	}
	line(out, "License:", advdb_advisory_field(a, ADVDB_F_LICENSE));
	const char *d = advdb_advisory_field(a, ADVDB_F_DESCRIPTION);
	if (d && *d) {
		buf_putc(out, '\n');
		report_text(out, d, 1);
		if (d[strlen(d) - 1] != '\n')
			buf_putc(out, '\n');
	}
}

int cmd_show(const cli_opts *o)
{
	session s;
	advdb_advisory *a = NULL;
	buf out = BUF_INIT;
	int status = EXIT_CLEAN, rc;

	if (o->nargs != 1) {
		cli_error("show: expected exactly one advisory id");
		return EXIT_ERROR;
	}
	if (session_open(&s, o, 0) != EXIT_CLEAN)
		return EXIT_ERROR;
	rc = advdb_advisory_get(&a, s.db, o->args[0]);
	if (rc != ADVDB_OK) {
		const char *why = rc == ADVDB_ENOTFOUND
		                  ? "no such advisory or alias"
		                  : advdb_last_error(s.db);
		cli_error("%s: %s", o->args[0], why);
		if (o->json) {          /* the answer says why, not nothing */
			json_error_line(&out, "id", o->args[0], why);
			if (buf_write(&out, stdout) < 0 || fflush(stdout) != 0)
				cli_error("cannot write the answer");
		}
		status = EXIT_ERROR;
	} else {
		if (o->json)
			show_json(&out, a);
		else
			show_human(&out, a, o->color);
		if (buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
			cli_error("cannot write the advisory");
			status = EXIT_ERROR;
		}
		advdb_advisory_free(a);
	}
	buf_free(&out);
	session_close(&s);
	return status;
}
