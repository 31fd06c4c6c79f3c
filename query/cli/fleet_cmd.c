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
 *
 * Lines are parsed by --jobs threads (one per core by default) and added
 * by one, in input order: the output and the messages are those of one
 * thread (see "reading" below).
 */
#include "fleet_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jobs.h"
#include "lockfile.h"

#define READ_CHUNK ((size_t)1 << 20)

/* ---- reading: lines parsed by threads, added in order ---- */

/* A batch is the complete lines of one buffer fill, at most BATCH_LINES:
 * the threads take lines off it one at a time (a counter), then the
 * calling thread adds them to the aggregate in input order, so messages
 * and the aggregate are exactly those of one thread. A batch holds its
 * lines' parsed documents at once: the buffer's text (READ_CHUNK, or one
 * line up to FLEET_LINE_MAX) bounds them. Threads are started for a
 * batch of PARALLEL_MIN bytes or more; smaller ones are parsed inline. */
#define BATCH_LINES 256
#define PARALLEL_MIN ((size_t)64 << 10)

typedef struct pending {
	size_t off, len, lineno;
} pending;

typedef struct reader {
	fleet *fl;
	const char *name;
	int jobs;
	const char *b;                  /* the buffer of this batch */
	size_t n, bytes;
	atomic_size_t next;             /* the next line to parse */
	pending ln[BATCH_LINES];
	fleet_parsed p[BATCH_LINES];
} reader;

static void *parse_lines(void *arg)
{
	reader *rd = arg;
	size_t i;

	while ((i = atomic_fetch_add(&rd->next, 1)) < rd->n)
		fleet_parse(&rd->p[i], rd->b + rd->ln[i].off, rd->ln[i].len);
	return NULL;
}

/* Parse and add the batch; the buffer b holds its lines. -1 only out of
 * memory (every parsed line freed all the same). */
static int flush(reader *rd, const char *b)
{
	pthread_t th[JOBS_MAX];
	int nth = 0, rc = 0;

	if (!rd->n)
		return 0;
	rd->b = b;
	atomic_store(&rd->next, 0);
	if (rd->jobs > 1 && rd->n > 1 && rd->bytes >= PARALLEL_MIN)
		while (nth < rd->jobs - 1 && (size_t)nth < rd->n - 1 &&
		       pthread_create(&th[nth], NULL, parse_lines, rd) == 0)
			nth++;          /* a thread that cannot start: fewer */
	parse_lines(rd);
	for (int t = 0; t < nth; t++)
		pthread_join(th[t], NULL);
	for (size_t i = 0; i < rd->n; i++) {
		if (rc == 0)
			rc = fleet_add(rd->fl, &rd->p[i], rd->name, rd->ln[i].lineno);
		else if (rd->p[i].state == FP_LINE)
			fleet_line_free(&rd->p[i].l);
	}
	rd->n = rd->bytes = 0;
	return rc;
}

/* Queue the line b[start, end) (a CR before the newline dropped). */
static int queue(reader *rd, const char *b, size_t start, size_t end,
                 size_t lineno)
{
	size_t n = end - start;
	if (n && b[start + n - 1] == '\r')
		n--;
	rd->ln[rd->n] = (pending){ start, n, lineno };
	rd->n++;
	rd->bytes += n;
	return rd->n == BATCH_LINES ? flush(rd, b) : 0;
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
static int read_input(reader *rd, FILE *f, const char *name)
{
	size_t cap = READ_CHUNK, len = 0, lineno = 0;
	char *b = malloc(cap);
	int skipping = 0, rc = 0;
	fleet *fl = rd->fl;

	if (!b)
		return fleet_oom();
	rd->name = name;
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
		while (rc == 0 &&
		       (nl = memchr(b + from, '\n', len - from)) != NULL) {
			size_t end = (size_t)(nl - b);
			lineno++;
			if (skipping) {
				too_long(fl, name, lineno);
				skipping = 0;
			} else {
				rc = queue(rd, b, start, end, lineno);
			}
			start = from = end + 1;
		}
		if (rc == 0)
			rc = flush(rd, b);      /* before its lines move */
		if (rc < 0) {
			free(b);
			return -1;
		}
		if (start) {
			memmove(b, b + start, len - start);
			len -= start;
		}
	}
	if (skipping)
		too_long(fl, name, ++lineno);
	else if (len &&                 /* a last line without a newline */
	         (rc = queue(rd, b, 0, len, ++lineno)) == 0)
		rc = flush(rd, b);
	free(b);
	return rc;
}

/* ---- the command ---- */

/* One operand: a file, a pipe or "-", opened as scan opens a lockfile
 * (lockfile_open_input: no device, a silent FIFO times out). */
static int read_arg(reader *rd, const char *arg)
{
	lock_error err;
	FILE *f;
	int fd;

	memset(&err, 0, sizeof(err));
	if (lockfile_open_input(&fd, arg, &err) < 0) {
		cli_error("%s: %s", arg, err.msg);
		rd->fl->rejected++;
		return 0;
	}
	if (fd == 0)
		return read_input(rd, stdin, "<stdin>");
	if (!(f = fdopen(fd, "rb"))) {
		cli_error("%s: %s", arg, strerror(errno));
		close(fd);
		rd->fl->rejected++;
		return 0;
	}
	int rc = read_input(rd, f, arg);
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
	reader *rd;
	int status;

	if (o->nargs == 0) {
		cli_error("report: no input given (scan --json output files, or - "
		          "for stdin)");
		return EXIT_ERROR;
	}
	if (!(rd = calloc(1, sizeof(*rd)))) {
		fleet_oom();
		return EXIT_ERROR;
	}
	if (fleet_init(&fl) < 0) {
		free(rd);
		return EXIT_ERROR;
	}
	rd->fl = &fl;
	rd->jobs = jobs_count(o, 0);
	if (rd->jobs > 1) {
		fleet_read_init();
		jobs_keep_heap();
	}
	for (size_t i = 0; i < o->nargs; i++)
		if (read_arg(rd, o->args[i]) < 0) {
			free(rd);
			fleet_free(&fl);
			return EXIT_ERROR;
		}
	free(rd);
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
