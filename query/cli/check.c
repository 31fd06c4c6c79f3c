/*
 * check.c — `advdb-query check NAME@VERSION...`: the given pairs as one
 * report, as if they were the crates.io packages of one lockfile.
 *
 * A malformed pair is reported on stderr and makes the exit status 2, but
 * the other pairs are still decided and reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "lockfile.h"
#include "report.h"
#include "session.h"
#include "version.h"

/* Split NAME@VERSION in place (arg is writable: it is argv). */
static int parse_pair(lock_pkg *p, char *arg)
{
	char *at = strchr(arg, '@');
	const char *err = NULL;
	version v;

	memset(p, 0, sizeof(*p));
	if (!at || at == arg) {
		cli_error("%s: expected NAME@VERSION", arg);
		return -1;
	}
	*at = '\0';
	if (version_parse(&v, at + 1, strlen(at + 1), &err) < 0) {
		cli_error("%s@%s: bad version: %s", arg, at + 1,
		          err ? err : "not semver");
		*at = '@';
		return -1;
	}
	p->name = arg;
	p->version = at + 1;
	p->source = CRATES_IO_GIT;
	p->crates_io = 1;
	return 0;
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
	for (size_t i = 0; i < o->nargs; i++) {
		if (parse_pair(&pkgs[n], o->args[i]) == 0)
			n++;
		else
			status = EXIT_ERROR;
	}
	if (n == 0) {           /* nothing valid to report on */
		free(pkgs);
		return EXIT_ERROR;
	}
	if (session_open(&s, o, 0) != EXIT_CLEAN) {
		free(pkgs);
		return EXIT_ERROR;
	}
	session_warn_incomplete(&s);
	for (size_t i = 0; i < n; i++) {
		rc = audit_pkg(&f, &s, &pkgs[i]);
		if (rc != ADVDB_OK) {
			cli_error("%s@%s: %s", pkgs[i].name, pkgs[i].version,
			          audit_strerror(rc, &s));
			status = EXIT_ERROR;
			if (rc == AUDIT_ECAP)
				break;      /* every later pair would say the same */
		}
	}
	report_in r = { NULL, n, &f, NULL };
	rc = o->json ? report_json(&out, &s, &r) : report_human(&out, &s, &r);
	if (rc != ADVDB_OK) {
		cli_error("%s", advdb_last_error(s.db));
		status = EXIT_ERROR;
	} else if (buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
		cli_error("cannot write the report");
		status = EXIT_ERROR;
	}
	if (status == EXIT_CLEAN)
		status = findings_exit(&f, o->deny);
	buf_free(&out);
	findings_free(&f);
	session_close(&s);
	free(pkgs);
	return status;
}
