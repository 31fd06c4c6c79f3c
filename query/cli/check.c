/*
 * check.c — `advdb-query check NAME@VERSION...`: the given pairs as one
 * report, as if they were the crates.io packages of one lockfile.
 *
 * A malformed pair, or a pair whose look-up fails, is reported on stderr
 * and counted in the findings: the other pairs are still decided and
 * reported, but the report says it is incomplete (never "ok") and the
 * exit status is 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "json.h"
#include "lockfile.h"
#include "report.h"
#include "sarif.h"
#include "session.h"
#include "version.h"

/* Split NAME@VERSION in place (arg is writable: it is argv). A malformed
 * operand is counted in f: the report is then incomplete. */
static int parse_pair(lock_pkg *p, findings *f, char *arg)
{
	char *at = strchr(arg, '@');
	const char *err = NULL;
	version v;

	memset(p, 0, sizeof(*p));
	if (!at || at == arg) {
		findings_fail(f, "%s: expected NAME@VERSION", arg);
		return -1;
	}
	*at = '\0';
	if (version_parse(&v, at + 1, strlen(at + 1), &err) < 0) {
		findings_fail(f, "%s@%s: bad version: %s", arg, at + 1,
		              err ? err : "not semver");
		*at = '@';
		return -1;
	}
	p->name = arg;
	p->version = at + 1;
	p->name_len = (size_t)(at - arg);
	p->version_len = strlen(at + 1);
	p->source = CRATES_IO_GIT;
	p->crates_io = 1;
	return 0;
}

static void print_errors(const findings *f)
{
	for (size_t i = 0; i < f->nerrs; i++)
		cli_error("%s", f->errs[i]);
	if (f->nerr > f->nerrs)
		cli_error("%zu more errors not shown", f->nerr - f->nerrs);
}

int cmd_check(const cli_opts *o)
{
	session s;
	findings f = { 0 };
	buf out = BUF_INIT;
	lock_pkg *pkgs;
	size_t n = 0;
	int status = EXIT_CLEAN, rc;

	if (o->nargs == 0) {
		cli_error("check: no NAME@VERSION given");
		return EXIT_ERROR;
	}
	pkgs = calloc(o->nargs, sizeof(*pkgs));
	if (!pkgs) {
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < o->nargs; i++)
		if (parse_pair(&pkgs[n], &f, o->args[i]) == 0)
			n++;
	if (n == 0 || session_open(&s, o, 0) != EXIT_CLEAN) {
		print_errors(&f);       /* nothing valid, or no index */
		findings_free(&f);
		free(pkgs);
		return EXIT_ERROR;
	}
	session_warn_incomplete(&s);
	for (size_t i = 0; i < n; i++)
		if (audit_pkg(&f, &s, &pkgs[i]) == AUDIT_ECAP)
			break;          /* every later pair would say the same */
	print_errors(&f);
	report_in r = { .path = NULL, .ndeps = n, .f = &f };
	buf res = BUF_INIT;
	if (o->sarif && sarif_run_new(&s.sarif) < 0)
		rc = ADVDB_ENOMEM;
	else
		rc = report_render(o->sarif ? &res : &out, &s, &r);
	if (o->sarif && rc == ADVDB_OK) {
		/* one log: the results between its start and its end */
		sarif_begin(&out);
		if (res.len)
			buf_put(&out, res.p + (res.p[0] == ','),
			        res.len - (res.p[0] == ','));
		rc = sarif_end(&out, &s, s.sarif);
	}
	buf_free(&res);
	if (rc != ADVDB_OK) {
		/* An advisory could not be fetched to render: no report can
		 * be trusted, so none is printed; JSON gets the error. */
		const char *m = audit_strerror(rc, &s);
		cli_error("%s", m);
		buf_reset(&out);
		if (o->json)
			json_error_line(&out, NULL, NULL, m);
		status = EXIT_ERROR;
	}
	sarif_run_free(s.sarif);
	s.sarif = NULL;
	if (buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
		cli_error("cannot write the report");
		status = EXIT_ERROR;
	}
	if (status == EXIT_CLEAN)
		status = findings_exit(&f, o->deny, session_incomplete(&s));
	buf_free(&out);
	findings_free(&f);
	session_close(&s);
	free(pkgs);
	return status;
}
