/*
 * fleet_cmd.c — `advdb-query report FILE...|-`: reads every operand's
 * lines into the aggregate (fleet.c), ranks, renders, and decides the
 * exit status.
 *
 * Lines are read in chunks with a cap per line (FLEET_LINE_MAX): a line
 * past it is refused whole without being held. A malformed line is
 * `FILE:LINE: message` on stderr and counted (`rejected`); the report is
 * still written from the other lines, says it is incomplete, and the exit
 * status is 2. Exit otherwise: 2 when the fleet has errors (error lines,
 * incomplete reports, an incomplete index unless --allow-incomplete) or no
 * report at all; 1 when it has vulnerabilities (or warnings of a --deny
 * kind); 0 when it is clean.
 */
#include "fleet_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lockfile.h"

#define READ_CHUNK ((size_t)1 << 20)

static int feed_line(fleet *fl, char *b, size_t start, size_t end,
                     const char *name, size_t lineno)
{
	size_t n = end - start;
	if (n && b[start + n - 1] == '\r')
		n--;
	return fleet_feed(fl, b + start, n, name, lineno);
}

static void too_long(fleet *fl, const char *name, size_t lineno)
{
	cli_error("%s:%zu: longer than %zu MiB", name, lineno,
	          FLEET_LINE_MAX >> 20);
	fl->rejected++;
}

/* Every line of f. A line past FLEET_LINE_MAX is refused without being
 * held: once the buffer is full of it, the rest up to its newline is read
 * and dropped. Returns -1 only when the run cannot go on (memory). */
static int read_input(fleet *fl, FILE *f, const char *name)
{
	size_t cap = READ_CHUNK, len = 0, lineno = 0;
	char *b = malloc(cap);
	int skipping = 0;

	if (!b)
		return fleet_oom();
	for (;;) {
		if (len == cap) {       /* one partial line fills the buffer */
			if (skipping || len > FLEET_LINE_MAX) {
				skipping = 1;
				len = 0;
			} else {
				size_t nc = cap * 2 > FLEET_LINE_MAX + 1
				            ? FLEET_LINE_MAX + 1 : cap * 2;
				char *nb = realloc(b, nc);
				if (!nb) {
					free(b);
					return fleet_oom();
				}
				b = nb;
				cap = nc;
			}
		}
		size_t got = fread(b + len, 1, cap - len, f);
		if (got == 0) {
			if (ferror(f)) {
				cli_error("%s: %s", name, strerror(errno));
				fl->rejected++;
			}
			break;
		}
		size_t start = 0, from = len;
		len += got;
		char *nl;
		while ((nl = memchr(b + from, '\n', len - from)) != NULL) {
			size_t end = (size_t)(nl - b);
			lineno++;
			if (skipping) {
				too_long(fl, name, lineno);
				skipping = 0;
			} else if (feed_line(fl, b, start, end, name, lineno) < 0) {
				free(b);
				return -1;
			}
			start = from = end + 1;
		}
		if (start) {
			memmove(b, b + start, len - start);
			len -= start;
		}
	}
	int rc = 0;
	if (skipping)
		too_long(fl, name, ++lineno);
	else if (len)                   /* a last line without a newline */
		rc = feed_line(fl, b, 0, len, name, ++lineno);
	free(b);
	return rc;
}

/* ---- the command ---- */

/* One operand: a file, a pipe or "-", opened as scan opens a lockfile
 * (lockfile_open_input: no device, a silent FIFO times out). */
static int read_arg(fleet *fl, const char *arg)
{
	lock_error err;
	FILE *f;
	int fd;

	memset(&err, 0, sizeof(err));
	if (lockfile_open_input(&fd, arg, &err) < 0) {
		cli_error("%s: %s", arg, err.msg);
		fl->rejected++;
		return 0;
	}
	if (fd == 0)
		return read_input(fl, stdin, "<stdin>");
	if (!(f = fdopen(fd, "rb"))) {
		cli_error("%s: %s", arg, strerror(errno));
		close(fd);
		fl->rejected++;
		return 0;
	}
	int rc = read_input(fl, f, arg);
	fclose(f);
	return rc;
}

static int denied_warnings(const fleet *fl, unsigned deny)
{
	static const struct { int kind; unsigned bit; } map[] = {
		{ FK_UNMAINTAINED, DENY_UNMAINTAINED }, { FK_UNSOUND, DENY_UNSOUND },
		{ FK_NOTICE, DENY_NOTICE }, { FK_OTHER, DENY_OTHER },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((deny & map[i].bit) && fl->by_kind[map[i].kind])
			return 1;
	return 0;
}

int cmd_report(const cli_opts *o)
{
	fleet fl;
	buf out = BUF_INIT;
	int status;

	if (o->nargs == 0) {
		cli_error("report: no input given (scan --json output files, or - "
		          "for stdin)");
		return EXIT_ERROR;
	}
	if (fleet_init(&fl) < 0)
		return EXIT_ERROR;
	for (size_t i = 0; i < o->nargs; i++)
		if (read_arg(&fl, o->args[i]) < 0) {
			fleet_free(&fl);
			return EXIT_ERROR;
		}
	if (fleet_rank(&fl) < 0) {
		fleet_free(&fl);
		return EXIT_ERROR;
	}
	switch (o->format) {
	case FORMAT_JSON: fleet_json(&out, &fl); break;
	case FORMAT_MARKDOWN: fleet_markdown(&out, &fl); break;
	case FORMAT_HTML: fleet_html(&out, &fl); break;
	default: fleet_text(&out, &fl); break;
	}
	if (fleet_failed(&fl, o->allow_incomplete))
		status = EXIT_ERROR;
	else if (fl.vulns || denied_warnings(&fl, o->deny))
		status = EXIT_FOUND;
	else
		status = EXIT_CLEAN;
	if (out.failed || buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
		cli_error("cannot write the report");
		status = EXIT_ERROR;
	}
	buf_free(&out);
	fleet_free(&fl);
	return status;
}
