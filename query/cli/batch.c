/*
 * batch.c — `advdb-query batch`: stdin lines in, one JSON object per line
 * out, in input order. Made for other tools driving advdb over a pipe.
 *
 * Input: `NAME VERSION` or `NAME@VERSION`, blanks around fields ignored,
 * a trailing CR ignored, a UTF-8 byte-order mark before the first line
 * ignored. Blank lines and lines starting with `#` are
 * skipped and produce no output; every output object carries the 1-based
 * input line number, so a reader can match answers to questions.
 *
 * Output per line (compact JSON):
 *   {"line":N,"name":"..","version":"..","affected":BOOL,
 *    "vulnerabilities":[{"id":"..","severity":"high","cvss":7.5}],
 *    "warnings":[{"id":"..","kind":"unmaintained"}]}
 *   {"line":N,"error":".."}       for a line that cannot be answered
 * "affected" is true when a vulnerability (not a warning) matches.
 * When the index is incomplete (advisories skipped at compile time),
 * every answer also has "index_incomplete":{"skipped":N} after "line".
 * --os/--arch/--ignore apply; withdrawn advisories never appear.
 *
 * Lines longer than BATCH_LINE_MAX bytes are an error object (the rest of
 * the line is skipped); a bad line never stops the run.
 *
 * Exit: 0 when every line was answered (findings and bad lines are
 * answers, in-band: a driver reads them, not the status), 2 when the
 * index cannot be opened, a look-up failed in the index itself (a
 * damaged record: that line is an error object, the others are still
 * answered, and the status tells the run was not whole), the index is
 * incomplete (skipped advisories; not with --allow-incomplete), or
 * stdin / stdout fail.
 * --line-buffered flushes after every answer (for request/response use).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "cli.h"
#include "json.h"
#include "session.h"

#define BATCH_LINE_MAX 4096
#define BATCH_BLOCK (64 * 1024)

static void error_line(buf *out, unsigned long line, const char *msg)
{
	json j;

	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "line");
	json_uint(&j, line);
	json_key(&j, "error");
	json_str(&j, msg);
	json_obj_end(&j);
	buf_putc(out, '\n');
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Answer one line (s, n: without the newline). Returns 0, or -1 when
 * the index failed it (the line is answered with the error). */
static int answer(buf *out, const session *s, unsigned long line,
                  char *s0, size_t n)
{
	char *p = s0, *end = s0 + n, *name, *ver;
	findings f = { 0 };
	lock_pkg pkg;
	char msg[600];
	json j;

	/* A UTF-8 byte-order mark (PowerShell and some editors write one)
	 * starts the stream, not the first crate's name. */
	if (line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (n && end[-1] == '\r')
		end--;
	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	if (p == end || *p == '#')
		return 0;
	if (memchr(p, '\0', (size_t)(end - p))) {
		error_line(out, line, "NUL byte in line");
		return 0;
	}
	*end = '\0';
	name = p;
	while (p < end && !is_blank(*p) && *p != '@')
		p++;
	if (p == name) {
		error_line(out, line, "expected NAME VERSION or NAME@VERSION");
		return 0;
	}
	if (*p == '@') {
		*p++ = '\0';
		ver = p;
	} else {
		if (p < end)
			*p++ = '\0';
		while (p < end && is_blank(*p))
			p++;
		ver = p;
	}
	if (!*ver || strpbrk(ver, " \t@")) {
		error_line(out, line, "expected NAME VERSION or NAME@VERSION");
		return 0;
	}
	memset(&pkg, 0, sizeof(pkg));
	pkg.name = name;
	pkg.version = ver;
	pkg.crates_io = 1;
	int rc = audit_pkg(&f, s, &pkg);
	if (rc != ADVDB_OK) {
		/* A bad version is found by the look-up itself (parsing it
		 * twice would cost a tenth of the run). */
		snprintf(msg, sizeof(msg), "%s", f.lib_error ? f.lib_error
		                                 : advdb_strerror(rc));
		error_line(out, line, msg);
		findings_free(&f);
		/* a bad version or name is the line's; anything else the
		 * index's */
		return rc == ADVDB_EVERSION || rc == ADVDB_EINVAL ? 0 : -1;
	}
	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "line");
	json_uint(&j, line);
	session_json_incomplete(&j, s);
	json_key(&j, "name");
	json_str(&j, name);
	json_key(&j, "version");
	json_str(&j, ver);
	json_key(&j, "affected");
	json_bool(&j, f.nvuln > 0);
	json_key(&j, "vulnerabilities");
	json_arr_begin(&j);
	for (size_t i = 0; i < f.n; i++) {
		const advdb_match *m = &f.v[i].m;
		if (m->kind != ADVDB_KIND_VULNERABILITY)
			continue;
		json_obj_begin(&j);
		json_key(&j, "id");
		json_str(&j, m->id);
		json_key(&j, "severity");
		json_str(&j, m->cvss_score10 ? severity_name(m->severity)
		                             : NULL);
		json_key(&j, "cvss");
		if (m->cvss_score10)
			json_tenths(&j, m->cvss_score10);
		else
			json_str(&j, NULL);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "warnings");
	json_arr_begin(&j);
	for (size_t i = 0; i < f.n; i++) {
		const advdb_match *m = &f.v[i].m;
		if (m->kind == ADVDB_KIND_VULNERABILITY)
			continue;
		json_obj_begin(&j);
		json_key(&j, "id");
		json_str(&j, m->id);
		json_key(&j, "kind");
		json_str(&j, kind_name(m->kind));
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	buf_putc(out, '\n');
	findings_free(&f);
	return 0;
}

/* Next block of stdin. read(2) on the descriptor, not fread: a driver
 * waiting for the answer to one line must get it without sending more
 * input first (fread would wait for a full block). A stdin without a
 * descriptor (a memory stream, in tests) is read with fread, which then
 * never waits. Returns bytes read, 0 at the end, -1 with errno. */
static ssize_t fill(char *blk, size_t cap)
{
	int fd = fileno(stdin);

	if (fd >= 0)
		return read(fd, blk, cap);
	size_t n = fread(blk, 1, cap, stdin);
	if (n == 0 && ferror(stdin)) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)n;
}

/* Flush out to stdout; returns -1 on a write error. */
static int flush_out(buf *out, int force)
{
	if (buf_write(out, stdout) < 0 || (force && fflush(stdout) != 0))
		return -1;
	buf_reset(out);
	return 0;
}

int cmd_batch(const cli_opts *o)
{
	session s;
	buf out = BUF_INIT;
	char *line = malloc(BATCH_LINE_MAX + 1);
	char *blk = malloc(BATCH_BLOCK);
	size_t len = 0, bpos = 0, blen = 0;
	unsigned long lineno = 0;
	int too_long = 0, eof = 0, status = EXIT_CLEAN;
	unsigned long failed = 0;       /* lines the index failed */

	if (!line || !blk) {
		cli_error("out of memory");
		status = EXIT_ERROR;
		goto out;
	}
	if (o->nargs) {
		cli_error("batch: reads stdin, takes no operands");
		status = EXIT_ERROR;
		goto out;
	}
	/* Decisions cached: a stream repeats pairs (a fleet's lockfiles share
	 * most crates), and a probe costs a fifth of a look-up (batch -38%
	 * CPU on the benchmark's input). */
	if (session_open(&s, o, SESSION_DECISIONS) != EXIT_CLEAN) {
		status = EXIT_ERROR;
		goto out;
	}
	int incomplete = session_warn_incomplete(&s);
	while (!eof || len || too_long) {
		if (bpos == blen && !eof) {
			ssize_t r = fill(blk, BATCH_BLOCK);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				cli_error("batch: cannot read stdin: %s",
				          strerror(errno));
				status = EXIT_ERROR;
				break;
			}
			bpos = 0;
			blen = (size_t)r;
			eof = r == 0;
			continue;
		}
		const char *p = blk + bpos;
		const char *nl = memchr(p, '\n', blen - bpos);
		size_t seg = nl ? (size_t)(nl - p) : blen - bpos;
		if (!too_long && seg <= BATCH_LINE_MAX - len) {
			memcpy(line + len, p, seg);
			len += seg;
		} else {
			too_long = 1;
		}
		bpos += seg + (nl ? 1 : 0);
		if (!nl && !eof)
			continue;       /* the line goes on in the next block */
		lineno++;
		if (too_long)
			error_line(&out, lineno, "line longer than 4096 bytes");
		else if (answer(&out, &s, lineno, line, len) < 0)
			failed++;
		len = 0;
		too_long = 0;
		if ((o->line_buffered || out.len >= 64 * 1024 ||
		     bpos == blen) &&
		    flush_out(&out, o->line_buffered || bpos == blen) < 0) {
			cli_error("batch: cannot write stdout");
			status = EXIT_ERROR;
			break;
		}
	}
	if (status == EXIT_CLEAN && flush_out(&out, 1) < 0) {
		cli_error("batch: cannot write stdout");
		status = EXIT_ERROR;
	}
	if (failed) {
		cli_error("batch: %lu %s could not be checked (a damaged index: "
		          "see the error answers)", failed,
		          failed == 1 ? "line" : "lines");
		status = EXIT_ERROR;
	}
	if (incomplete)
		status = EXIT_ERROR;
	session_close(&s);
out:
	buf_free(&out);
	free(line);
	free(blk);
	return status;
}
